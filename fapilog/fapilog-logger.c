/* fapilog-logger.c: the caller-side logging API
 *
 * Everything here runs on the caller's thread and does only what must
 * happen there: read the clock, compare the level, copy the fields and the
 * thread's context, and enqueue. Formatting happens on the worker.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-context-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-logger.h"
#include "fapilog-pipeline-private.h"

/**
 * FapilogLogger:
 *
 * A named handle for logging into a [class@Fapilog.Pipeline].
 *
 * A logger is immutable: [method@Fapilog.Logger.bind] returns a new logger
 * carrying extra fields, and the same logger may be used from any number of
 * threads at once.
 *
 * |[<!-- language="C" -->
 * FapilogLogger *log = fapilog_get_logger ("app");
 * fapilog_info (log, "user login", "user_id", "s", uid, "attempt", "i", 3, NULL);
 * ]|
 *
 * Fields are given as a key, a [struct@GLib.Variant] format string and the
 * value(s) that format takes, ended by %NULL. Scalar formats (`s`, `i`, `u`,
 * `x`, `t`, `d`, `b`, `y`, `n`, `q`, `h`) are captured without building a
 * variant; any other single-value format (`as`, `a{sv}`, `(ii)`, `@a{sv}`,
 * `ms`, …) is accepted too. A `NULL` string for `s` is logged as null.
 *
 * Since: 1.0
 */
struct _FapilogLogger
{
  GObject            parent_instance;

  FapilogPipeline   *pipeline;
  FapilogLoggerCore *core;
};

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FapilogLogger, fapilog_logger, G_TYPE_OBJECT)

static void
fapilog_logger_finalize (GObject *object)
{
  FapilogLogger *self = FAPILOG_LOGGER (object);

  _fapilog_logger_core_unref (self->core);
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (fapilog_logger_parent_class)->finalize (object);
}

static void
fapilog_logger_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FapilogLogger *self = FAPILOG_LOGGER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->core->name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_logger_class_init (FapilogLoggerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fapilog_logger_finalize;
  object_class->get_property = fapilog_logger_get_property;

  /**
   * FapilogLogger:name:
   *
   * The logger name, `logger` in the envelope.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fapilog_logger_init (FapilogLogger *self)
{
}

FapilogLogger *
_fapilog_logger_new (FapilogPipeline   *pipeline,
                     FapilogLoggerCore *core)
{
  FapilogLogger *self = g_object_new (FAPILOG_TYPE_LOGGER, NULL);

  self->pipeline = g_object_ref (pipeline);
  self->core = _fapilog_logger_core_ref (core);
  return self;
}

/* The single path every log call takes once its fields are collected. */
static void
submit (FapilogLogger         *self,
        FapilogLevel           level,
        gint64                 timestamp_us,
        const char            *message,
        const char            *file,
        int                    line,
        const char            *func,
        const GError          *error,
        FapilogFieldCollector *fields)
{
  FapilogContextSnapshot *context = _fapilog_context_capture ();
  FapilogEntry *entry;

  entry = _fapilog_entry_new_captured (self->core, context, level, timestamp_us, message,
                                       file, line, func, error, fields);
  _fapilog_context_snapshot_unref (context);
  _fapilog_pipeline_submit (self->pipeline, entry);
}

static inline gboolean
level_passes (FapilogLogger *self,
              FapilogLevel   level)
{
  return (gint) level >= _fapilog_pipeline_get_level_gate (self->pipeline);
}

/* @args holds the field list: key, format, value(s)..., NULL. */
static void
log_valist (FapilogLogger *self,
            FapilogLevel   level,
            const char    *file,
            int            line,
            const char    *func,
            const GError  *error,
            const char    *message,
            va_list       *args)
{
  FapilogFieldCollector fields;
  gint64 now = g_get_real_time ();
  const char *first_key = va_arg (*args, const char *);

  _fapilog_field_collector_init (&fields);
  _fapilog_field_collector_add_valist (&fields, first_key, args);
  submit (self, level, now, message, file, line, func, error, &fields);
  _fapilog_field_collector_clear (&fields);
}

/**
 * fapilog_logger_log:
 * @self: a logger
 * @level: the level
 * @message: the message
 * @...: fields: a name, a GVariant format and the value(s) it takes, for
 *   each field, then %NULL
 *
 * Logs a message with fields. Returns at once: the entry is formatted and
 * written by the pipeline's worker thread. Entries below the pipeline's
 * level are discarded before anything is copied.
 *
 * This function takes a variable argument list and is therefore not
 * available to language bindings; they use
 * [method@Fapilog.Logger.log_variant].
 *
 * Since: 1.0
 */
void
fapilog_logger_log (FapilogLogger *self,
                    FapilogLevel   level,
                    const char    *message,
                    ...)
{
  va_list args;

  g_return_if_fail (FAPILOG_IS_LOGGER (self));
  g_return_if_fail (message != NULL);

  if (!level_passes (self, level))
    return;
  va_start (args, message);
  log_valist (self, level, NULL, 0, NULL, NULL, message, &args);
  va_end (args);
}

/**
 * fapilog_logger_log_valist:
 * @self: a logger
 * @level: the level
 * @message: the message
 * @args: the field list: name, GVariant format, value(s)…, ending in %NULL
 *
 * The `va_list` form of [method@Fapilog.Logger.log], for wrappers.
 * Language bindings use [method@Fapilog.Logger.log_variant].
 *
 * Since: 1.0
 */
void
fapilog_logger_log_valist (FapilogLogger *self,
                           FapilogLevel   level,
                           const char    *message,
                           va_list        args)
{
  va_list copy;

  g_return_if_fail (FAPILOG_IS_LOGGER (self));
  g_return_if_fail (message != NULL);

  if (!level_passes (self, level))
    return;
  va_copy (copy, args);
  log_valist (self, level, NULL, 0, NULL, NULL, message, &copy);
  va_end (copy);
}

/**
 * fapilog_logger_log_full:
 * @self: a logger
 * @level: the level
 * @file: (nullable): the source file, for `diagnostics.origin`
 * @line: the source line
 * @func: (nullable): the function name
 * @error: (nullable): a #GError to record as `diagnostics.exception`
 * @message: the message
 * @...: fields: a name, a GVariant format and the value(s) it takes, for
 *   each field, then %NULL
 *
 * Logs with a code location and an optional error. The `fapilog_info()`
 * family of macros calls this with `__FILE__`, `__LINE__` and `G_STRFUNC`.
 * Language bindings use [method@Fapilog.Logger.log_variant_full].
 *
 * Since: 1.0
 */
void
fapilog_logger_log_full (FapilogLogger *self,
                         FapilogLevel   level,
                         const char    *file,
                         int            line,
                         const char    *func,
                         const GError  *error,
                         const char    *message,
                         ...)
{
  va_list args;

  g_return_if_fail (FAPILOG_IS_LOGGER (self));
  g_return_if_fail (message != NULL);

  if (!level_passes (self, level))
    return;
  va_start (args, message);
  log_valist (self, level, file, line, func, error, message, &args);
  va_end (args);
}

/**
 * fapilog_logger_log_error:
 * @self: a logger
 * @level: the level
 * @error: (nullable): the #GError to record as `diagnostics.exception`
 * @message: the message
 * @...: fields: a name, a GVariant format and the value(s) it takes, for
 *   each field, then %NULL
 *
 * Logs a message together with an error: its domain, code and message
 * appear as `diagnostics.exception` in the envelope. Language bindings use
 * [method@Fapilog.Logger.log_error_variant].
 *
 * Since: 1.0
 */
void
fapilog_logger_log_error (FapilogLogger *self,
                          FapilogLevel   level,
                          const GError  *error,
                          const char    *message,
                          ...)
{
  va_list args;

  g_return_if_fail (FAPILOG_IS_LOGGER (self));
  g_return_if_fail (message != NULL);

  if (!level_passes (self, level))
    return;
  va_start (args, message);
  log_valist (self, level, NULL, 0, NULL, error, message, &args);
  va_end (args);
}

/**
 * fapilog_logger_log_variant:
 * @self: a logger
 * @level: the level
 * @message: the message
 * @fields: (nullable): an `a{sv}` dictionary of fields; a floating
 *   reference is sunk
 *
 * Logs a message with fields given as a dictionary: the form to use from
 * languages with GObject introspection.
 *
 * |[<!-- language="JavaScript" -->
 * log.log_variant(Fapilog.Level.INFO, 'user login', new GLib.Variant('a{sv}', {
 *     user_id: new GLib.Variant('s', 'u-1'),
 *     attempt: new GLib.Variant('i', 3),
 * }));
 * ]|
 *
 * Since: 1.0
 */
void
fapilog_logger_log_variant (FapilogLogger *self,
                            FapilogLevel   level,
                            const char    *message,
                            GVariant      *fields)
{
  fapilog_logger_log_variant_full (self, level, message, fields, NULL, NULL, 0, NULL);
}

/**
 * fapilog_logger_log_error_variant:
 * @self: a logger
 * @level: the level
 * @error: (nullable): the #GError to record as `diagnostics.exception`
 * @message: the message
 * @fields: (nullable): an `a{sv}` dictionary of fields; a floating
 *   reference is sunk
 *
 * [method@Fapilog.Logger.log_error] with the fields as a dictionary: logs
 * @message together with @error, whose domain, code and message appear as
 * `diagnostics.exception` in the envelope.
 *
 * |[<!-- language="JavaScript" -->
 * try {
 *     file.load_contents(null);
 * } catch (e) {
 *     log.log_error_variant(Fapilog.Level.ERROR, e, 'cannot load',
 *         new GLib.Variant('a{sv}', {path: new GLib.Variant('s', file.get_path())}));
 * }
 * ]|
 *
 * Since: 1.0
 */
void
fapilog_logger_log_error_variant (FapilogLogger *self,
                                  FapilogLevel   level,
                                  const GError  *error,
                                  const char    *message,
                                  GVariant      *fields)
{
  g_return_if_fail (FAPILOG_IS_LOGGER (self));
  g_return_if_fail (message != NULL);

  fapilog_logger_log_variant_full (self, level, message, fields, error, NULL, 0, NULL);
}

/**
 * fapilog_logger_log_variant_full:
 * @self: a logger
 * @level: the level
 * @message: the message
 * @fields: (nullable): an `a{sv}` dictionary of fields; a floating
 *   reference is sunk
 * @error: (nullable): a #GError to record as `diagnostics.exception`
 * @file: (nullable): the source file, for `diagnostics.origin`
 * @line: the source line
 * @func: (nullable): the function name
 *
 * [method@Fapilog.Logger.log_variant] with an error and a code location.
 *
 * Since: 1.0
 */
void
fapilog_logger_log_variant_full (FapilogLogger *self,
                                 FapilogLevel   level,
                                 const char    *message,
                                 GVariant      *fields,
                                 const GError  *error,
                                 const char    *file,
                                 int            line,
                                 const char    *func)
{
  FapilogFieldCollector collector;
  gint64 now;

  g_return_if_fail (FAPILOG_IS_LOGGER (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail (fields == NULL || g_variant_is_of_type (fields, G_VARIANT_TYPE ("a{s*}")));

  if (fields != NULL)
    g_variant_ref_sink (fields);
  if (level_passes (self, level))
    {
      now = g_get_real_time ();
      _fapilog_field_collector_init (&collector);
      _fapilog_field_collector_add_dict (&collector, fields);
      submit (self, level, now, message, file, line, func, error, &collector);
      _fapilog_field_collector_clear (&collector);
    }
  if (fields != NULL)
    g_variant_unref (fields);
}

static FapilogLogger *
bind_collected (FapilogLogger         *self,
                FapilogFieldCollector *fields)
{
  FapilogFieldCollector merged;
  FapilogFieldSet *bound;
  FapilogLoggerCore *core;
  FapilogLogger *logger;

  /* Earlier bindings first, so that a key bound again takes the new value. */
  _fapilog_field_collector_init (&merged);
  _fapilog_field_collector_add_set (&merged, self->core->bound);
  for (guint i = 0; i < fields->n_fields; i++)
    _fapilog_field_collector_add_field (&merged, &fields->fields[i]);
  _fapilog_field_collector_dedup (&merged);
  bound = _fapilog_field_collector_to_set (&merged);
  _fapilog_field_collector_clear (&merged);

  core = _fapilog_logger_core_new (self->core->name, bound, self->core->statics);
  logger = _fapilog_logger_new (self->pipeline, core);
  _fapilog_logger_core_unref (core);
  _fapilog_field_set_unref (bound);
  return logger;
}

/**
 * fapilog_logger_bind:
 * @self: a logger
 * @first_key: (nullable): the first field name, or %NULL
 * @...: the first field's GVariant format and value(s), more fields, then %NULL
 *
 * Returns a new logger that adds the given fields to every entry; @self is
 * unchanged. Fields given in a log call win over bound fields of the same
 * name, and a key bound again replaces the earlier value. Language
 * bindings use [method@Fapilog.Logger.bind_variant].
 *
 * |[<!-- language="C" -->
 * g_autoptr(FapilogLogger) req = fapilog_logger_bind (log, "request_id", "s", id, NULL);
 * ]|
 *
 * Returns: (transfer full): a new logger
 *
 * Since: 1.0
 */
FapilogLogger *
fapilog_logger_bind (FapilogLogger *self,
                     const char    *first_key,
                     ...)
{
  FapilogFieldCollector fields;
  FapilogLogger *logger;
  va_list args;

  g_return_val_if_fail (FAPILOG_IS_LOGGER (self), NULL);

  _fapilog_field_collector_init (&fields);
  va_start (args, first_key);
  _fapilog_field_collector_add_valist (&fields, first_key, &args);
  va_end (args);
  logger = bind_collected (self, &fields);
  _fapilog_field_collector_clear (&fields);
  return logger;
}

/**
 * fapilog_logger_bind_variant:
 * @self: a logger
 * @fields: (nullable): an `a{sv}` dictionary of fields; a floating
 *   reference is sunk
 *
 * [method@Fapilog.Logger.bind] with the fields as a dictionary.
 *
 * Returns: (transfer full): a new logger
 *
 * Since: 1.0
 */
FapilogLogger *
fapilog_logger_bind_variant (FapilogLogger *self,
                             GVariant      *fields)
{
  FapilogFieldCollector collector;
  FapilogLogger *logger;

  g_return_val_if_fail (FAPILOG_IS_LOGGER (self), NULL);
  g_return_val_if_fail (fields == NULL || g_variant_is_of_type (fields, G_VARIANT_TYPE ("a{s*}")), NULL);

  if (fields != NULL)
    g_variant_ref_sink (fields);
  _fapilog_field_collector_init (&collector);
  _fapilog_field_collector_add_dict (&collector, fields);
  logger = bind_collected (self, &collector);
  _fapilog_field_collector_clear (&collector);
  if (fields != NULL)
    g_variant_unref (fields);
  return logger;
}

/**
 * fapilog_logger_is_enabled:
 * @self: a logger
 * @level: a level
 *
 * Tells whether entries at @level pass the pipeline's level gate, so that
 * a caller can skip computing expensive fields.
 *
 * Returns: %TRUE if @level is logged
 *
 * Since: 1.0
 */
gboolean
fapilog_logger_is_enabled (FapilogLogger *self,
                           FapilogLevel   level)
{
  g_return_val_if_fail (FAPILOG_IS_LOGGER (self), FALSE);
  return level_passes (self, level);
}

/**
 * fapilog_logger_get_name:
 * @self: a logger
 *
 * Returns: (transfer none): the logger name
 *
 * Since: 1.0
 */
const char *
fapilog_logger_get_name (FapilogLogger *self)
{
  g_return_val_if_fail (FAPILOG_IS_LOGGER (self), NULL);
  return self->core->name;
}
