/* fapilog-http-sink-base-private.h: the FapilogSink glue the http and
 * webhook sinks share around their delivery engine
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-http-delivery-private.h"

G_BEGIN_DECLS

/* The defaults of the settings both sinks have (the batch size differs:
 * see _fapilog_http_sink_base_init()). */
#define FAPILOG_HTTP_SINK_DEFAULT_TIMEOUT_SECONDS           5.0
#define FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_ATTEMPTS        3
#define FAPILOG_HTTP_SINK_DEFAULT_RETRY_BACKOFF_SECONDS     1.0
#define FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_BACKOFF_SECONDS 30.0
#define FAPILOG_HTTP_SINK_DEFAULT_BATCH_TIMEOUT_SECONDS     5.0
#define FAPILOG_HTTP_SINK_DEFAULT_MAX_PENDING_BYTES         (G_GUINT64_CONSTANT (16) << 20)

/* The property ids of those settings. A sink numbers its own properties
 * from FAPILOG_HTTP_SINK_BASE_N_PROPS on, so that one id means the same
 * setting in both classes and the base can get and set it. The
 * GParamSpecs stay with each class: they document different environment
 * variables and ranges. */
enum {
  FAPILOG_HTTP_SINK_BASE_PROP_ENDPOINT = 1,
  FAPILOG_HTTP_SINK_BASE_PROP_TIMEOUT_SECONDS,
  FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_ATTEMPTS,
  FAPILOG_HTTP_SINK_BASE_PROP_RETRY_BACKOFF_SECONDS,
  FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_BACKOFF_SECONDS,
  FAPILOG_HTTP_SINK_BASE_PROP_BATCH_SIZE,
  FAPILOG_HTTP_SINK_BASE_PROP_BATCH_TIMEOUT_SECONDS,
  FAPILOG_HTTP_SINK_BASE_PROP_MAX_PENDING_BYTES,
  FAPILOG_HTTP_SINK_BASE_PROP_TLS_CA_FILE,
  FAPILOG_HTTP_SINK_BASE_N_PROPS
};

/* Embedded in each sink's instance struct. */
typedef struct {
  /* Settings and headers may be set from any thread and are copied when
   * the sink starts; health_check() may run on any thread while the
   * worker stops the sink. The lock guards all of it, the embedding
   * sink's own settings included. */
  GMutex               lock;

  const char          *name;        /* "http": static, for error messages */
  const char          *component;   /* "http-sink": static, for diagnostics */

  char                *endpoint;
  double               timeout_seconds;
  guint                retry_max_attempts;
  double               retry_backoff_seconds;
  double               retry_max_backoff_seconds;
  guint                batch_size;
  double               batch_timeout_seconds;
  guint64              max_pending_bytes;
  char                *tls_ca_file;
  GPtrArray           *header_names;    /* char*, in the order first set */
  GPtrArray           *header_values;   /* wiped when dropped: credentials */

  /* Made on start and freed on stop, both on the worker thread. */
  FapilogHttpDelivery *delivery;
  /* The health the last delivery ended with, for health_check() between
   * stop and the next start. */
  gboolean             stopped_unhealthy;
} FapilogHttpSinkBase;

/* Fills the sink's own fields of @config. Called with the base's lock
 * held, after the shared settings and the headers are in @config; strings
 * put in @config must be copies (they are freed with it). */
typedef void (*FapilogHttpSinkConfigFunc) (gpointer                   sink,
                                           FapilogHttpDeliveryConfig *config);

/* From instance_init; @name and @component must be static strings. */
void     _fapilog_http_sink_base_init          (FapilogHttpSinkBase *base,
                                                const char          *name,
                                                const char          *component,
                                                guint                default_batch_size);
/* From dispose: frees a delivery the sink was dropped with, unstopped. */
void     _fapilog_http_sink_base_dispose       (FapilogHttpSinkBase *base);
/* From finalize. */
void     _fapilog_http_sink_base_clear         (FapilogHttpSinkBase *base);

void     _fapilog_http_sink_base_set_header    (FapilogHttpSinkBase *base,
                                                const char          *name,
                                                const char          *value);

/* For ids below FAPILOG_HTTP_SINK_BASE_N_PROPS; they take the lock.
 * set_property returns whether the value changed, for the caller's
 * g_object_notify_by_pspec() (the properties are EXPLICIT_NOTIFY). */
void     _fapilog_http_sink_base_get_property  (FapilogHttpSinkBase *base,
                                                guint                prop_id,
                                                GValue              *value);
gboolean _fapilog_http_sink_base_set_property  (FapilogHttpSinkBase *base,
                                                guint                prop_id,
                                                const GValue        *value);
/* Replaces *@field with a copy of @value's string, TRUE when it changed.
 * The caller holds the lock. */
gboolean _fapilog_http_sink_base_store_string  (char               **field,
                                                const GValue        *value);

/* The FapilogSink vfuncs. Each takes a new GTask on @sink (transfer full)
 * and completes it; they tag it with themselves. @decorate may be NULL. */
void     _fapilog_http_sink_base_start         (FapilogHttpSinkBase      *base,
                                                FapilogSink              *sink,
                                                FapilogHttpSinkConfigFunc config_func,
                                                FapilogHttpDecorateFunc   decorate,
                                                gpointer                  decorate_data,
                                                GTask                    *task);
void     _fapilog_http_sink_base_write_batch   (FapilogHttpSinkBase      *base,
                                                FapilogBatch             *batch,
                                                GTask                    *task);
void     _fapilog_http_sink_base_flush         (FapilogHttpSinkBase      *base,
                                                GCancellable             *cancellable,
                                                GTask                    *task);
void     _fapilog_http_sink_base_stop          (FapilogHttpSinkBase      *base,
                                                GCancellable             *cancellable,
                                                GTask                    *task);
gboolean _fapilog_http_sink_base_health        (FapilogHttpSinkBase      *base);
/* Every _finish vfunc of both sinks. */
gboolean _fapilog_http_sink_base_task_finish   (FapilogSink              *sink,
                                                GAsyncResult             *result,
                                                GError                  **error);

G_END_DECLS
