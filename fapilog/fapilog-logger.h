/* fapilog-logger.h: the caller-side logging API
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib-object.h>

#include "fapilog-enums.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_LOGGER (fapilog_logger_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogLogger, fapilog_logger, FAPILOG, LOGGER, GObject)

FAPILOG_AVAILABLE_IN_1_0
void           fapilog_logger_log               (FapilogLogger  *self,
                                                 FapilogLevel    level,
                                                 const char     *message,
                                                 ...) G_GNUC_NULL_TERMINATED;
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_logger_log_valist        (FapilogLogger  *self,
                                                 FapilogLevel    level,
                                                 const char     *message,
                                                 va_list         args);
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_logger_log_full          (FapilogLogger  *self,
                                                 FapilogLevel    level,
                                                 const char     *file,
                                                 int             line,
                                                 const char     *func,
                                                 const GError   *error,
                                                 const char     *message,
                                                 ...) G_GNUC_NULL_TERMINATED;
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_logger_log_error         (FapilogLogger  *self,
                                                 FapilogLevel    level,
                                                 const GError   *error,
                                                 const char     *message,
                                                 ...) G_GNUC_NULL_TERMINATED;
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_logger_log_variant       (FapilogLogger  *self,
                                                 FapilogLevel    level,
                                                 const char     *message,
                                                 GVariant       *fields);
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_logger_log_error_variant (FapilogLogger  *self,
                                                 FapilogLevel    level,
                                                 const GError   *error,
                                                 const char     *message,
                                                 GVariant       *fields);
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_logger_log_variant_full  (FapilogLogger  *self,
                                                 FapilogLevel    level,
                                                 const char     *message,
                                                 GVariant       *fields,
                                                 const GError   *error,
                                                 const char     *file,
                                                 int             line,
                                                 const char     *func);
FAPILOG_AVAILABLE_IN_1_0
FapilogLogger *fapilog_logger_bind              (FapilogLogger  *self,
                                                 const char     *first_key,
                                                 ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
FAPILOG_AVAILABLE_IN_1_0
FapilogLogger *fapilog_logger_bind_variant      (FapilogLogger  *self,
                                                 GVariant       *fields) G_GNUC_WARN_UNUSED_RESULT;
FAPILOG_AVAILABLE_IN_1_0
gboolean       fapilog_logger_is_enabled        (FapilogLogger  *self,
                                                 FapilogLevel    level);
FAPILOG_AVAILABLE_IN_1_0
const char    *fapilog_logger_get_name          (FapilogLogger  *self);

#ifndef __GI_SCANNER__
/**
 * fapilog_debug:
 * @logger: a [class@Fapilog.Logger]
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.DEBUG], recording the code location.
 *
 * |[<!-- language="C" -->
 * fapilog_debug (log, "cache miss", "key", "s", key, NULL);
 * ]|
 *
 * Since: 1.0
 */
#define fapilog_debug(logger, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_DEBUG, __FILE__, __LINE__, G_STRFUNC, NULL, __VA_ARGS__)
/**
 * fapilog_info:
 * @logger: a [class@Fapilog.Logger]
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.INFO], recording the code location.
 *
 * Since: 1.0
 */
#define fapilog_info(logger, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_INFO, __FILE__, __LINE__, G_STRFUNC, NULL, __VA_ARGS__)
/**
 * fapilog_warning:
 * @logger: a [class@Fapilog.Logger]
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.WARNING], recording the code location.
 *
 * Since: 1.0
 */
#define fapilog_warning(logger, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_WARNING, __FILE__, __LINE__, G_STRFUNC, NULL, __VA_ARGS__)
/**
 * fapilog_error:
 * @logger: a [class@Fapilog.Logger]
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.ERROR], recording the code location.
 *
 * Since: 1.0
 */
#define fapilog_error(logger, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_ERROR, __FILE__, __LINE__, G_STRFUNC, NULL, __VA_ARGS__)
/**
 * fapilog_critical:
 * @logger: a [class@Fapilog.Logger]
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.CRITICAL], recording the code location.
 *
 * Since: 1.0
 */
#define fapilog_critical(logger, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_CRITICAL, __FILE__, __LINE__, G_STRFUNC, NULL, __VA_ARGS__)
/**
 * fapilog_audit:
 * @logger: a [class@Fapilog.Logger]
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.AUDIT], recording the code location.
 *
 * Since: 1.0
 */
#define fapilog_audit(logger, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_AUDIT, __FILE__, __LINE__, G_STRFUNC, NULL, __VA_ARGS__)
/**
 * fapilog_security:
 * @logger: a [class@Fapilog.Logger]
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.SECURITY], recording the code location.
 *
 * Since: 1.0
 */
#define fapilog_security(logger, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_SECURITY, __FILE__, __LINE__, G_STRFUNC, NULL, __VA_ARGS__)
/**
 * fapilog_exception:
 * @logger: a [class@Fapilog.Logger]
 * @error: (nullable): the #GError to record as `diagnostics.exception`
 * @...: the message, then field triples (key, GVariant format, value…), then %NULL
 *
 * Logs at [enum@Fapilog.Level.ERROR] with @error and the code location.
 *
 * |[<!-- language="C" -->
 * if (!g_file_load_contents (file, NULL, &data, &len, NULL, &error))
 *   fapilog_exception (log, error, "cannot load", "path", "s", path, NULL);
 * ]|
 *
 * Since: 1.0
 */
#define fapilog_exception(logger, error, ...) \
  fapilog_logger_log_full ((logger), FAPILOG_LEVEL_ERROR, __FILE__, __LINE__, G_STRFUNC, (error), __VA_ARGS__)
#endif

G_END_DECLS
