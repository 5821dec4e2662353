/* fapilog-pipeline.h: queue, worker thread and sinks
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fapilog-enums.h"
#include "fapilog-logger.h"
#include "fapilog-settings.h"
#include "fapilog-sink.h"
#include "fapilog-stats.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_PIPELINE (fapilog_pipeline_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogPipeline, fapilog_pipeline, FAPILOG, PIPELINE, GObject)

FAPILOG_AVAILABLE_IN_1_0
FapilogPipeline *fapilog_pipeline_new                  (FapilogSettings      *settings);
FAPILOG_AVAILABLE_IN_1_0
FapilogPipeline *fapilog_pipeline_new_from_environment (GError              **error);
FAPILOG_AVAILABLE_IN_1_0
void             fapilog_pipeline_add_sink             (FapilogPipeline      *self,
                                                        FapilogSink          *sink);
FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_pipeline_add_configured_sinks (FapilogPipeline      *self,
                                                        GError              **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_pipeline_start                (FapilogPipeline      *self,
                                                        GError              **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_pipeline_flush                (FapilogPipeline      *self,
                                                        gint64                timeout_us,
                                                        GError              **error);
FAPILOG_AVAILABLE_IN_1_0
void             fapilog_pipeline_flush_async          (FapilogPipeline      *self,
                                                        gint64                timeout_us,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_pipeline_flush_finish         (FapilogPipeline      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
FAPILOG_AVAILABLE_IN_1_0
FapilogStats    *fapilog_pipeline_shutdown             (FapilogPipeline      *self,
                                                        gint64                timeout_us);
FAPILOG_AVAILABLE_IN_1_0
FapilogStats    *fapilog_pipeline_get_stats            (FapilogPipeline      *self);
FAPILOG_AVAILABLE_IN_1_0
FapilogLogger   *fapilog_pipeline_get_logger           (FapilogPipeline      *self,
                                                        const char           *name);
FAPILOG_AVAILABLE_IN_1_0
FapilogSettings *fapilog_pipeline_get_settings         (FapilogPipeline      *self);
FAPILOG_AVAILABLE_IN_1_0
FapilogLevel     fapilog_pipeline_get_level            (FapilogPipeline      *self);
FAPILOG_AVAILABLE_IN_1_0
void             fapilog_pipeline_set_level            (FapilogPipeline      *self,
                                                        FapilogLevel          level);
FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_pipeline_is_healthy           (FapilogPipeline      *self);

FAPILOG_AVAILABLE_IN_1_0
FapilogLogger   *fapilog_get_logger                    (const char           *name);
FAPILOG_AVAILABLE_IN_1_0
FapilogStats    *fapilog_shutdown_with_stats           (gint64                timeout_us);
FAPILOG_AVAILABLE_IN_1_0
void             fapilog_shutdown                      (void);

G_END_DECLS
