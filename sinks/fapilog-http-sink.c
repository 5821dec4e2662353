/* fapilog-http-sink.c: entries POSTed in batches to an HTTP collector
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-enum-types.h"
#include "fapilog-http-sink-base-private.h"
#include "fapilog-http-sink.h"

/**
 * FapilogHttpSink:
 *
 * The `http` sink: entries POSTed in batches to an HTTP or HTTPS collector.
 *
 * Each request body is made of the entries' JSON lines exactly as the
 * pipeline serialized them, never re-encoded, laid out as set by
 * [property@Fapilog.HttpSink:batch-format]: a JSON array (`[e1,e2]`,
 * `application/json`), newline-delimited JSON (every entry followed by
 * `\n`, `application/x-ndjson`), or an object holding the array under
 * [property@Fapilog.HttpSink:batch-wrapper-key] (`{"logs":[e1,e2]}`). With
 * [property@Fapilog.HttpSink:compression] set to gzip the body is
 * compressed (off the pipeline's worker thread) and sent with
 * `Content-Encoding: gzip`.
 *
 * A request is sent when it holds
 * [property@Fapilog.HttpSink:batch-size] entries, when one more entry
 * would take its body past [property@Fapilog.HttpSink:batch-max-bytes]
 * (an entry larger than that goes alone), or
 * [property@Fapilog.HttpSink:batch-timeout-seconds] after its first entry.
 * Requests go out one at a time, in order.
 *
 * A 2xx answer delivers the request. Transport errors, attempts that take
 * longer than [property@Fapilog.HttpSink:timeout-seconds], and the
 * statuses 408, 429, 500, 502, 503 and 504 are retried, up to
 * [property@Fapilog.HttpSink:retry-max-attempts] attempts in all, after an
 * exponential backoff with full jitter (a random wait below
 * `retry-backoff-seconds × 2^(attempt − 1)`), at least as long as the
 * server's `Retry-After` and never longer than
 * [property@Fapilog.HttpSink:retry-max-backoff-seconds]. Any other status
 * fails the request at once; redirects are not followed. A failed
 * request's entries are reported to the pipeline, which counts them as
 * failed for this sink and writes them to its stderr fallback: nothing is
 * dropped silently.
 *
 * Requests waiting to be sent or retried, and the one being filled, may
 * hold at most [property@Fapilog.HttpSink:max-pending-bytes] of body; past
 * that, the oldest of them that is not on the wire fails
 * (%FAPILOG_SINK_ERROR_PENDING_LIMIT), so memory stays bounded while a
 * collector is down.
 *
 * The sink is a buffering sink: [method@Fapilog.Pipeline.flush] returns
 * once the entries it waits for were delivered or failed, and the
 * pipeline's shutdown sends the last partial request. When the shutdown
 * deadline passes first, backoff waits and the attempt in flight are cut
 * short and what stayed unsent is reported failed
 * (%FAPILOG_SINK_ERROR_SHUTDOWN).
 *
 * TLS certificates are verified, against the system's trust store or
 * [property@Fapilog.HttpSink:tls-ca-file]; HTTPS needs the GIO TLS backend
 * (glib-networking). Header values set with
 * [method@Fapilog.HttpSink.set_header], such as `Authorization`, never
 * appear in diagnostics, and neither do credentials or the query in the
 * endpoint.
 *
 * All of it runs on the pipeline's worker thread with libsoup's
 * asynchronous API: one SoupSession per sink, made when the sink starts.
 *
 * Since: 1.0
 */

#define SINK_NAME "http"
#define DIAG_COMPONENT "http-sink"

#define DEFAULT_BATCH_SIZE                 100
#define DEFAULT_BATCH_MAX_BYTES            (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_BATCH_WRAPPER_KEY          "logs"

struct _FapilogHttpSink
{
  GObject parent_instance;

  /* The settings both sinks have, the headers and the delivery engine;
   * its lock guards the settings below as well. */
  FapilogHttpSinkBase     base;

  guint64                 batch_max_bytes;
  FapilogHttpBatchFormat  batch_format;
  char                   *batch_wrapper_key;
  FapilogHttpCompression  compression;
};

/* The ids below FAPILOG_HTTP_SINK_BASE_N_PROPS are the shared settings'. */
enum {
  PROP_BATCH_MAX_BYTES = FAPILOG_HTTP_SINK_BASE_N_PROPS,
  PROP_BATCH_FORMAT,
  PROP_BATCH_WRAPPER_KEY,
  PROP_COMPRESSION,
  N_PROPS,

  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void fapilog_http_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FapilogHttpSink, fapilog_http_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      fapilog_http_sink_iface_init))

/* ---- the sink interface ------------------------------------------------- */

static FapilogHttpBodyLayout
layout_for_format (FapilogHttpBatchFormat format)
{
  switch (format)
    {
    case FAPILOG_HTTP_BATCH_FORMAT_NDJSON:
      return FAPILOG_HTTP_BODY_NDJSON;
    case FAPILOG_HTTP_BATCH_FORMAT_WRAPPED:
      return FAPILOG_HTTP_BODY_WRAPPED;
    case FAPILOG_HTTP_BATCH_FORMAT_ARRAY:
    default:
      return FAPILOG_HTTP_BODY_ARRAY;
    }
}

/* FapilogHttpSinkConfigFunc: under the base's lock, at start. */
static void
complete_config (gpointer                   sink,
                 FapilogHttpDeliveryConfig *config)
{
  FapilogHttpSink *self = sink;

  config->batch_max_bytes = (gsize) MIN (self->batch_max_bytes, G_MAXSIZE);
  config->layout = layout_for_format (self->batch_format);
  config->wrapper_key = g_strdup (self->batch_wrapper_key);
  config->compression = self->compression;
}

static void
fapilog_http_sink_start_async (FapilogSink         *sink,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  _fapilog_http_sink_base_start (&FAPILOG_HTTP_SINK (sink)->base, sink, complete_config, NULL, NULL,
                                 g_task_new (sink, cancellable, callback, user_data));
}

static void
fapilog_http_sink_write_batch_async (FapilogSink         *sink,
                                     FapilogBatch        *batch,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  _fapilog_http_sink_base_write_batch (&FAPILOG_HTTP_SINK (sink)->base, batch,
                                       g_task_new (sink, cancellable, callback, user_data));
}

static void
fapilog_http_sink_flush_async (FapilogSink         *sink,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  _fapilog_http_sink_base_flush (&FAPILOG_HTTP_SINK (sink)->base, cancellable,
                                 g_task_new (sink, cancellable, callback, user_data));
}

static void
fapilog_http_sink_stop_async (FapilogSink         *sink,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  _fapilog_http_sink_base_stop (&FAPILOG_HTTP_SINK (sink)->base, cancellable,
                                g_task_new (sink, cancellable, callback, user_data));
}

static gboolean
fapilog_http_sink_health_check (FapilogSink *sink)
{
  return _fapilog_http_sink_base_health (&FAPILOG_HTTP_SINK (sink)->base);
}

static void
fapilog_http_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->start_async = fapilog_http_sink_start_async;
  iface->start_finish = _fapilog_http_sink_base_task_finish;
  iface->stop_async = fapilog_http_sink_stop_async;
  iface->stop_finish = _fapilog_http_sink_base_task_finish;
  iface->write_batch_async = fapilog_http_sink_write_batch_async;
  iface->write_batch_finish = _fapilog_http_sink_base_task_finish;
  iface->flush_async = fapilog_http_sink_flush_async;
  iface->flush_finish = _fapilog_http_sink_base_task_finish;
  iface->health_check = fapilog_http_sink_health_check;
}

/* ---- GObject ------------------------------------------------------------ */

static void
fapilog_http_sink_dispose (GObject *object)
{
  _fapilog_http_sink_base_dispose (&FAPILOG_HTTP_SINK (object)->base);

  G_OBJECT_CLASS (fapilog_http_sink_parent_class)->dispose (object);
}

static void
fapilog_http_sink_finalize (GObject *object)
{
  FapilogHttpSink *self = FAPILOG_HTTP_SINK (object);

  g_free (self->batch_wrapper_key);
  _fapilog_http_sink_base_clear (&self->base);

  G_OBJECT_CLASS (fapilog_http_sink_parent_class)->finalize (object);
}

static void
fapilog_http_sink_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FapilogHttpSink *self = FAPILOG_HTTP_SINK (object);

  if (prop_id < FAPILOG_HTTP_SINK_BASE_N_PROPS)
    {
      _fapilog_http_sink_base_get_property (&self->base, prop_id, value);
      return;
    }

  g_mutex_lock (&self->base.lock);
  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, SINK_NAME);
      break;
    case PROP_BATCH_MAX_BYTES:
      g_value_set_uint64 (value, self->batch_max_bytes);
      break;
    case PROP_BATCH_FORMAT:
      g_value_set_enum (value, self->batch_format);
      break;
    case PROP_BATCH_WRAPPER_KEY:
      g_value_set_string (value, self->batch_wrapper_key);
      break;
    case PROP_COMPRESSION:
      g_value_set_enum (value, self->compression);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->base.lock);
}

static void
fapilog_http_sink_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FapilogHttpSink *self = FAPILOG_HTTP_SINK (object);
  gboolean changed = FALSE;

  if (prop_id < FAPILOG_HTTP_SINK_BASE_N_PROPS)
    {
      changed = _fapilog_http_sink_base_set_property (&self->base, prop_id, value);
    }
  else
    {
      g_mutex_lock (&self->base.lock);
      switch (prop_id)
        {
        case PROP_BATCH_MAX_BYTES:
          changed = self->batch_max_bytes != g_value_get_uint64 (value);
          self->batch_max_bytes = g_value_get_uint64 (value);
          break;
        case PROP_BATCH_FORMAT:
          changed = self->batch_format != (FapilogHttpBatchFormat) g_value_get_enum (value);
          self->batch_format = g_value_get_enum (value);
          break;
        case PROP_BATCH_WRAPPER_KEY:
          changed = _fapilog_http_sink_base_store_string (&self->batch_wrapper_key, value);
          break;
        case PROP_COMPRESSION:
          changed = self->compression != (FapilogHttpCompression) g_value_get_enum (value);
          self->compression = g_value_get_enum (value);
          break;
        default:
          G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
      g_mutex_unlock (&self->base.lock);
    }

  /* Outside the lock: a notify handler may read the property back. */
  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
fapilog_http_sink_class_init (FapilogHttpSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fapilog_http_sink_dispose;
  object_class->finalize = fapilog_http_sink_finalize;
  object_class->get_property = fapilog_http_sink_get_property;
  object_class->set_property = fapilog_http_sink_set_property;
  /* Every property is read when the sink starts; changing one later takes
   * effect at the next start. Values the range of a property allows but
   * the sink cannot use (a zero timeout, say) make the start fail with a
   * FAPILOG_CONFIG_ERROR naming the property. */

  /**
   * FapilogHttpSink:endpoint:
   *
   * The URI entries are POSTed to: `http://` or `https://`, with an
   * optional port, path and query (`FAPILOG_HTTP__ENDPOINT`). Anything else
   * makes the start fail. Diagnostics show it without user information,
   * query or fragment.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL, flags);

  /**
   * FapilogHttpSink:timeout-seconds:
   *
   * How long one attempt may take, from connecting to the last byte of the
   * answer, before it is abandoned and counted as a failed (retried)
   * attempt (`FAPILOG_HTTP__TIMEOUT_SECONDS`). Must be greater than 0.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_TIMEOUT_SECONDS] =
    g_param_spec_double ("timeout-seconds", NULL, NULL,
                         0.0, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_TIMEOUT_SECONDS, flags);

  /**
   * FapilogHttpSink:retry-max-attempts:
   *
   * How many attempts a request gets in all, the first included; 1 turns
   * retries off (`FAPILOG_HTTP__RETRY_MAX_ATTEMPTS`). Must be at least 1.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_ATTEMPTS] =
    g_param_spec_uint ("retry-max-attempts", NULL, NULL,
                       0, G_MAXUINT, FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_ATTEMPTS, flags);

  /**
   * FapilogHttpSink:retry-backoff-seconds:
   *
   * The base of the exponential backoff: before attempt k + 1 the sink
   * waits a random time below `retry-backoff-seconds × 2^(k − 1)`
   * (`FAPILOG_HTTP__RETRY_BACKOFF_SECONDS`).
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_RETRY_BACKOFF_SECONDS] =
    g_param_spec_double ("retry-backoff-seconds", NULL, NULL,
                         0.0, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_RETRY_BACKOFF_SECONDS, flags);

  /**
   * FapilogHttpSink:retry-max-backoff-seconds:
   *
   * The longest wait between two attempts, a server's `Retry-After`
   * included (`FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS`).
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_BACKOFF_SECONDS] =
    g_param_spec_double ("retry-max-backoff-seconds", NULL, NULL,
                         0.0, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_BACKOFF_SECONDS, flags);

  /**
   * FapilogHttpSink:batch-size:
   *
   * The most entries in one request (`FAPILOG_HTTP__BATCH_SIZE`). Must be
   * at least 1.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_BATCH_SIZE, flags);

  /**
   * FapilogHttpSink:batch-timeout-seconds:
   *
   * The longest an entry waits for its request to fill up: a request is
   * sent this long after its first entry arrived, full or not
   * (`FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS`). Must be greater than 0.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_BATCH_TIMEOUT_SECONDS] =
    g_param_spec_double ("batch-timeout-seconds", NULL, NULL,
                         0.0, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_BATCH_TIMEOUT_SECONDS, flags);

  /**
   * FapilogHttpSink:batch-max-bytes:
   *
   * The largest request body before compression: an entry that would take
   * the body past it starts the next request, and an entry larger than it
   * is sent alone (`FAPILOG_HTTP__BATCH_MAX_BYTES`). Must be at least 1.
   *
   * Since: 1.0
   */
  properties[PROP_BATCH_MAX_BYTES] =
    g_param_spec_uint64 ("batch-max-bytes", NULL, NULL,
                         0, G_MAXUINT64, DEFAULT_BATCH_MAX_BYTES, flags);

  /**
   * FapilogHttpSink:batch-format:
   *
   * How the entries of a request are laid out in its body
   * (`FAPILOG_HTTP__BATCH_FORMAT`).
   *
   * Since: 1.0
   */
  properties[PROP_BATCH_FORMAT] =
    g_param_spec_enum ("batch-format", NULL, NULL,
                       FAPILOG_TYPE_HTTP_BATCH_FORMAT, FAPILOG_HTTP_BATCH_FORMAT_ARRAY, flags);

  /**
   * FapilogHttpSink:batch-wrapper-key:
   *
   * The key holding the array with %FAPILOG_HTTP_BATCH_FORMAT_WRAPPED
   * (`FAPILOG_HTTP__BATCH_WRAPPER_KEY`). Any string but the empty one; it
   * is JSON-escaped in the body.
   *
   * Since: 1.0
   */
  properties[PROP_BATCH_WRAPPER_KEY] =
    g_param_spec_string ("batch-wrapper-key", NULL, NULL, DEFAULT_BATCH_WRAPPER_KEY, flags);

  /**
   * FapilogHttpSink:compression:
   *
   * Whether request bodies are gzip-compressed
   * (`FAPILOG_HTTP__COMPRESSION`).
   *
   * Since: 1.0
   */
  properties[PROP_COMPRESSION] =
    g_param_spec_enum ("compression", NULL, NULL,
                       FAPILOG_TYPE_HTTP_COMPRESSION, FAPILOG_HTTP_COMPRESSION_NONE, flags);

  /**
   * FapilogHttpSink:tls-ca-file:
   *
   * A PEM file of the certificate authorities to trust for HTTPS instead
   * of the system's (`FAPILOG_HTTP__TLS_CA_FILE`); %NULL uses the system
   * trust store. Verification cannot be turned off.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_TLS_CA_FILE] =
    g_param_spec_string ("tls-ca-file", NULL, NULL, NULL, flags);

  /**
   * FapilogHttpSink:max-pending-bytes:
   *
   * The most request body the sink holds: requests waiting to be sent or
   * retried and the one being filled. Past it, the oldest of them that is
   * not on the wire fails (`FAPILOG_HTTP__MAX_PENDING_BYTES`). Must be at
   * least 1.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_MAX_PENDING_BYTES] =
    g_param_spec_uint64 ("max-pending-bytes", NULL, NULL,
                         0, G_MAXUINT64, FAPILOG_HTTP_SINK_DEFAULT_MAX_PENDING_BYTES, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_http_sink_init (FapilogHttpSink *self)
{
  _fapilog_http_sink_base_init (&self->base, SINK_NAME, DIAG_COMPONENT, DEFAULT_BATCH_SIZE);
  self->batch_max_bytes = DEFAULT_BATCH_MAX_BYTES;
  self->batch_format = FAPILOG_HTTP_BATCH_FORMAT_ARRAY;
  self->batch_wrapper_key = g_strdup (DEFAULT_BATCH_WRAPPER_KEY);
  self->compression = FAPILOG_HTTP_COMPRESSION_NONE;
}

/* ---- public API --------------------------------------------------------- */

/**
 * fapilog_http_sink_new:
 * @endpoint: the `http://` or `https://` URI to POST entries to
 *
 * Creates an `http` sink with the default settings: batches of up to 100
 * entries or 1 MiB, sent at the latest 5 s after their first entry, as a
 * JSON array, uncompressed, with 3 attempts per request. Set the
 * properties for anything else, before the pipeline starts.
 *
 * The endpoint is checked when the sink starts: a value that is not an
 * HTTP(S) URI makes [method@Fapilog.Pipeline.start] fail.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_http_sink_new (const char *endpoint)
{
  g_return_val_if_fail (endpoint != NULL, NULL);

  return g_object_new (FAPILOG_TYPE_HTTP_SINK,
                       "endpoint", endpoint,
                       NULL);
}

/**
 * fapilog_http_sink_set_header:
 * @self: a #FapilogHttpSink
 * @name: a header name, such as `Authorization`
 * @value: (nullable): its value, or %NULL to remove the header
 *
 * Sets a header sent with every request, replacing an earlier value of
 * the same header (names compare without regard to case). Call it before
 * the pipeline starts; a change made later applies from the next start.
 *
 * Header values are never written to diagnostics, so this is the place
 * for credentials. A name that is not a valid HTTP token, or a value
 * holding a line break, makes the start fail.
 *
 * Since: 1.0
 */
void
fapilog_http_sink_set_header (FapilogHttpSink *self,
                              const char      *name,
                              const char      *value)
{
  g_return_if_fail (FAPILOG_IS_HTTP_SINK (self));
  g_return_if_fail (name != NULL);

  _fapilog_http_sink_base_set_header (&self->base, name, value);
}
