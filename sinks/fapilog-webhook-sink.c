/* fapilog-webhook-sink.c: entries POSTed to a webhook, signed with HMAC-SHA256
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "fapilog-error.h"
#include "fapilog-http-delivery-private.h"
#include "fapilog-webhook-signature-private.h"
#include "fapilog-webhook-sink.h"

/**
 * FapilogWebhookSink:
 *
 * The `webhook` sink: every entry is POSTed as JSON to
 * [property@Fapilog.WebhookSink:endpoint]. With the default
 * [property@Fapilog.WebhookSink:batch-size] of 1 the body is the entry's
 * JSON object itself; with a larger batch size it is a JSON array of up to
 * that many entries (a partial batch is sent after
 * [property@Fapilog.WebhookSink:batch-timeout-seconds], on flush and on
 * shutdown, and is an array even when it holds one entry). The bytes of
 * the entries are the pipeline's serialized envelopes, copied as they are.
 *
 * When the sink has a [property@Fapilog.WebhookSink:secret], every request
 * carries two headers:
 *
 * - `X-Fapilog-Timestamp`: the sender's clock in unix seconds, in decimal;
 * - `X-Fapilog-Signature-256`: `sha256=` and the 64 lowercase hex digits of
 *   HMAC-SHA256 with the secret's bytes as the key over the timestamp
 *   header's text, a `.`, and the exact body bytes of the request.
 *
 * Each attempt of a request (retries included) is signed anew with the
 * current time, so a retry after a long backoff still falls inside the
 * receiver's replay window. Receivers check requests with
 * [func@Fapilog.webhook_verify_signature]. The secret itself is never
 * sent, never readable back from the object, and never written to
 * diagnostics.
 *
 * Delivery is the same as the http sink's: a 2xx answer is success;
 * transport errors, timeouts, 408, 429 and 5xx answers are retried with
 * exponential backoff and full jitter (honouring `Retry-After`); any other
 * answer fails the entries at once. Entries that cannot be delivered are
 * reported to the pipeline as failed (counted per sink and written to its
 * stderr fallback), never dropped silently. Requests waiting for a retry
 * hold at most [property@Fapilog.WebhookSink:max-pending-bytes]; past it,
 * the oldest fail.
 *
 * [method@Fapilog.Sink.health_check] is %FALSE only while the most recent
 * delivery failed.
 *
 * Since: 1.0
 */

#define SINK_NAME      "webhook"
#define DIAG_COMPONENT "webhook-sink"

#define DEFAULT_TIMEOUT_SECONDS           5.0
#define DEFAULT_RETRY_MAX_ATTEMPTS        3
#define DEFAULT_RETRY_BACKOFF_SECONDS     1.0
#define DEFAULT_RETRY_MAX_BACKOFF_SECONDS 30.0
#define DEFAULT_BATCH_SIZE                1
#define DEFAULT_BATCH_TIMEOUT_SECONDS     5.0
#define DEFAULT_MAX_PENDING_BYTES         (G_GUINT64_CONSTANT (16) * 1024 * 1024)

struct _FapilogWebhookSink
{
  GObject parent_instance;

  /* Configuration: construct-only, read from any thread. */
  char                *endpoint;
  guint8              *secret;         /* NULL: unsigned requests */
  gsize                secret_len;
  double               timeout_seconds;
  guint                retry_max_attempts;
  double               retry_backoff_seconds;
  double               retry_max_backoff_seconds;
  guint                batch_size;
  double               batch_timeout_seconds;
  guint64              max_pending_bytes;
  char                *tls_ca_file;

  FapilogWebhookClock  clock;
  gpointer             clock_data;

  /* Headers may be set from the application's thread while the worker
   * starts the sink; health_check() may be called from any thread. */
  GMutex               lock;
  GPtrArray           *header_names;
  GPtrArray           *header_values;
  FapilogHttpDelivery *delivery;       /* between start and stop */
  gboolean             stopped_unhealthy;
};

enum {
  PROP_0,
  PROP_ENDPOINT,
  PROP_SECRET,
  PROP_TIMEOUT_SECONDS,
  PROP_RETRY_MAX_ATTEMPTS,
  PROP_RETRY_BACKOFF_SECONDS,
  PROP_RETRY_MAX_BACKOFF_SECONDS,
  PROP_BATCH_SIZE,
  PROP_BATCH_TIMEOUT_SECONDS,
  PROP_MAX_PENDING_BYTES,
  PROP_TLS_CA_FILE,
  N_PROPS,

  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void fapilog_webhook_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FapilogWebhookSink, fapilog_webhook_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      fapilog_webhook_sink_iface_init))

static gint64
now_seconds (FapilogWebhookSink *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
clear_secret (FapilogWebhookSink *self)
{
  if (self->secret != NULL)
    {
      _fapilog_secure_wipe (self->secret, self->secret_len);
      g_free (self->secret);
    }
  self->secret = NULL;
  self->secret_len = 0;
}

/* ---- signing ------------------------------------------------------------ */

/* Runs on the worker for every attempt, after the engine has made the body
 * it will send, so the MAC covers exactly those bytes and a fresh time. */
static void
sign_request (SoupMessage *message,
              GBytes      *wire_body,
              gpointer     user_data)
{
  FapilogWebhookSink *self = user_data;
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  gint64 ts = now_seconds (self);
  char ts_text[24];
  g_autofree char *signature = NULL;
  const guint8 *data;
  gsize len = 0;

  data = g_bytes_get_data (wire_body, &len);
  signature = _fapilog_webhook_sign (self->secret, self->secret_len, ts, data, len);
  g_snprintf (ts_text, sizeof ts_text, "%" G_GINT64_FORMAT, ts);
  /* Replace, not append: a header of the same name set by the application
   * must not stand beside (or in for) ours. */
  soup_message_headers_replace (headers, FAPILOG_WEBHOOK_TIMESTAMP_HEADER, ts_text);
  soup_message_headers_replace (headers, FAPILOG_WEBHOOK_SIGNATURE_HEADER, signature);
}

/* ---- start -------------------------------------------------------------- */

static void
fapilog_webhook_sink_start_async (FapilogSink         *sink,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  FapilogHttpDeliveryConfig config = { NULL, };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  FapilogHttpDelivery *delivery;
  GError *error = NULL;

  g_task_set_source_tag (task, fapilog_webhook_sink_start_async);

  g_mutex_lock (&self->lock);
  if (self->delivery != NULL)
    {
      g_mutex_unlock (&self->lock);
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; i < self->header_names->len; i++)
    {
      g_ptr_array_add (names, g_ptr_array_index (self->header_names, i));
      g_ptr_array_add (values, g_ptr_array_index (self->header_values, i));
    }
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (values, NULL);

  /* The engine copies what it keeps, so borrowed strings will do. */
  config.endpoint = self->endpoint;
  config.header_names = (char **) names->pdata;
  config.header_values = (char **) values->pdata;
  config.timeout_seconds = self->timeout_seconds;
  config.retry_max_attempts = self->retry_max_attempts;
  config.retry_backoff_seconds = self->retry_backoff_seconds;
  config.retry_max_backoff_seconds = self->retry_max_backoff_seconds;
  config.batch_size = self->batch_size;
  config.batch_timeout_seconds = self->batch_timeout_seconds;
  /* No byte limit of its own: a request is as large as batch-size makes
   * it, and the pending bound still applies. */
  config.batch_max_bytes = (gsize) MIN (self->max_pending_bytes, G_MAXSIZE);
  config.max_pending_bytes = (gsize) MIN (self->max_pending_bytes, G_MAXSIZE);
  config.layout = FAPILOG_HTTP_BODY_SINGLE_OR_ARRAY;
  /* Never compressed: receivers verify the bytes they read, and most
   * webhook frameworks hand them the body as it came off the wire. */
  config.compression = FAPILOG_HTTP_COMPRESSION_NONE;
  config.tls_ca_file = self->tls_ca_file;

  delivery = _fapilog_http_delivery_new (sink, DIAG_COMPONENT, &config, &error);
  if (delivery != NULL)
    {
      if (self->secret != NULL)
        _fapilog_http_delivery_set_decorate (delivery, sign_request, self);
      self->delivery = delivery;
      self->stopped_unhealthy = FALSE;
    }
  g_mutex_unlock (&self->lock);

  if (delivery == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
fapilog_webhook_sink_start_finish (FapilogSink   *sink,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- write -------------------------------------------------------------- */

/* The delivery is only touched on the worker (start, write, flush and stop
 * all run there), so it can be used here without the lock. */
static FapilogHttpDelivery *
get_delivery (FapilogWebhookSink *self)
{
  return self->delivery;
}

static void
fapilog_webhook_sink_write_batch_async (FapilogSink         *sink,
                                        FapilogBatch        *batch,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  FapilogHttpDelivery *delivery = get_delivery (self);

  g_task_set_source_tag (task, fapilog_webhook_sink_write_batch_async);

  if (delivery == NULL)
    {
      g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED,
                               "the webhook sink is not started");
      return;
    }
  /* Accepted, not delivered: the outcome is reported per entry later. */
  _fapilog_http_delivery_add (delivery, batch, 0, fapilog_batch_get_n_entries (batch));
  g_task_return_boolean (task, TRUE);
}

static gboolean
fapilog_webhook_sink_write_batch_finish (FapilogSink   *sink,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- flush -------------------------------------------------------------- */

static void
on_delivery_flushed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FapilogWebhookSink *self = g_task_get_source_object (task);
  GError *error = NULL;

  /* A stop that completed first has reported every entry already, which is
   * all a flush waits for; the engine is gone then. */
  if (self->delivery == NULL)
    g_task_return_boolean (task, TRUE);
  else if (_fapilog_http_delivery_flush_finish (self->delivery, result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
fapilog_webhook_sink_flush_async (FapilogSink         *sink,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  FapilogHttpDelivery *delivery = get_delivery (self);

  g_task_set_source_tag (task, fapilog_webhook_sink_flush_async);

  if (delivery == NULL)
    {
      /* Nothing is held outside start and stop. */
      g_task_return_boolean (task, TRUE);
      return;
    }
  _fapilog_http_delivery_flush_async (delivery, cancellable, on_delivery_flushed,
                                      g_steal_pointer (&task));
}

static gboolean
fapilog_webhook_sink_flush_finish (FapilogSink   *sink,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- stop --------------------------------------------------------------- */

static void
on_delivery_stopped (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FapilogWebhookSink *self = g_task_get_source_object (task);
  FapilogHttpDelivery *delivery;
  GError *error = NULL;
  gboolean ok;

  ok = _fapilog_http_delivery_stop_finish (self->delivery, result, &error);

  /* Freed here, on the worker that owns its session; the health it ended
   * with is kept for health_check(). */
  g_mutex_lock (&self->lock);
  delivery = g_steal_pointer (&self->delivery);
  self->stopped_unhealthy = !_fapilog_http_delivery_is_healthy (delivery);
  g_mutex_unlock (&self->lock);
  _fapilog_http_delivery_free (delivery);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
fapilog_webhook_sink_stop_async (FapilogSink         *sink,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  FapilogHttpDelivery *delivery = get_delivery (self);

  g_task_set_source_tag (task, fapilog_webhook_sink_stop_async);
  /* The cancellable is the shutdown deadline: the engine reacts to it by
   * failing what it holds, and this task must still report that. */
  g_task_set_check_cancellable (task, FALSE);

  if (delivery == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  _fapilog_http_delivery_stop_async (delivery, cancellable, on_delivery_stopped,
                                     g_steal_pointer (&task));
}

static gboolean
fapilog_webhook_sink_stop_finish (FapilogSink   *sink,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- health ------------------------------------------------------------- */

static gboolean
fapilog_webhook_sink_health_check (FapilogSink *sink)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (sink);
  gboolean healthy;

  g_mutex_lock (&self->lock);
  if (self->delivery != NULL)
    healthy = _fapilog_http_delivery_is_healthy (self->delivery);
  else
    healthy = !self->stopped_unhealthy;
  g_mutex_unlock (&self->lock);
  return healthy;
}

static void
fapilog_webhook_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->start_async = fapilog_webhook_sink_start_async;
  iface->start_finish = fapilog_webhook_sink_start_finish;
  iface->stop_async = fapilog_webhook_sink_stop_async;
  iface->stop_finish = fapilog_webhook_sink_stop_finish;
  iface->write_batch_async = fapilog_webhook_sink_write_batch_async;
  iface->write_batch_finish = fapilog_webhook_sink_write_batch_finish;
  iface->flush_async = fapilog_webhook_sink_flush_async;
  iface->flush_finish = fapilog_webhook_sink_flush_finish;
  iface->health_check = fapilog_webhook_sink_health_check;
}

/* ---- GObject ------------------------------------------------------------ */

static void
fapilog_webhook_sink_dispose (GObject *object)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (object);

  /* Dropped without a stop. The engine reports what it still holds as
   * signals on this object, which must still be alive for that: hence
   * dispose, not finalize. */
  if (self->delivery != NULL)
    _fapilog_http_delivery_free (g_steal_pointer (&self->delivery));

  G_OBJECT_CLASS (fapilog_webhook_sink_parent_class)->dispose (object);
}

static void
fapilog_webhook_sink_finalize (GObject *object)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (object);

  clear_secret (self);
  g_free (self->endpoint);
  g_free (self->tls_ca_file);
  /* Header values may be credentials (Authorization) as well. */
  for (guint i = 0; i < self->header_values->len; i++)
    {
      char *value = g_ptr_array_index (self->header_values, i);

      _fapilog_secure_wipe (value, strlen (value));
    }
  g_ptr_array_unref (self->header_names);
  g_ptr_array_unref (self->header_values);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fapilog_webhook_sink_parent_class)->finalize (object);
}

static void
fapilog_webhook_sink_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (object);

  /* PROP_SECRET is write-only: GObject never asks for it. */
  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, SINK_NAME);
      break;
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    case PROP_TIMEOUT_SECONDS:
      g_value_set_double (value, self->timeout_seconds);
      break;
    case PROP_RETRY_MAX_ATTEMPTS:
      g_value_set_uint (value, self->retry_max_attempts);
      break;
    case PROP_RETRY_BACKOFF_SECONDS:
      g_value_set_double (value, self->retry_backoff_seconds);
      break;
    case PROP_RETRY_MAX_BACKOFF_SECONDS:
      g_value_set_double (value, self->retry_max_backoff_seconds);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;
    case PROP_BATCH_TIMEOUT_SECONDS:
      g_value_set_double (value, self->batch_timeout_seconds);
      break;
    case PROP_MAX_PENDING_BYTES:
      g_value_set_uint64 (value, self->max_pending_bytes);
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, self->tls_ca_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_webhook_sink_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (object);

  switch (prop_id)
    {
    case PROP_ENDPOINT:
      g_free (self->endpoint);
      self->endpoint = g_value_dup_string (value);
      break;
    case PROP_SECRET:
      {
        const char *secret = g_value_get_string (value);

        clear_secret (self);
        /* An empty secret signs nothing, like no secret: a MAC under an
         * empty key would prove nothing to the receiver. */
        if (secret != NULL && secret[0] != '\0')
          {
            self->secret_len = strlen (secret);
            self->secret = g_memdup2 (secret, self->secret_len);
          }
      }
      break;
    case PROP_TIMEOUT_SECONDS:
      self->timeout_seconds = g_value_get_double (value);
      break;
    case PROP_RETRY_MAX_ATTEMPTS:
      self->retry_max_attempts = g_value_get_uint (value);
      break;
    case PROP_RETRY_BACKOFF_SECONDS:
      self->retry_backoff_seconds = g_value_get_double (value);
      break;
    case PROP_RETRY_MAX_BACKOFF_SECONDS:
      self->retry_max_backoff_seconds = g_value_get_double (value);
      break;
    case PROP_BATCH_SIZE:
      self->batch_size = g_value_get_uint (value);
      break;
    case PROP_BATCH_TIMEOUT_SECONDS:
      self->batch_timeout_seconds = g_value_get_double (value);
      break;
    case PROP_MAX_PENDING_BYTES:
      self->max_pending_bytes = g_value_get_uint64 (value);
      break;
    case PROP_TLS_CA_FILE:
      g_free (self->tls_ca_file);
      self->tls_ca_file = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_webhook_sink_class_init (FapilogWebhookSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fapilog_webhook_sink_dispose;
  object_class->finalize = fapilog_webhook_sink_finalize;
  object_class->get_property = fapilog_webhook_sink_get_property;
  object_class->set_property = fapilog_webhook_sink_set_property;

  /**
   * FapilogWebhookSink:endpoint:
   *
   * The `http://` or `https://` URI the entries are POSTed to
   * (`FAPILOG_WEBHOOK__ENDPOINT`). Start fails when it is missing or not
   * such a URI.
   *
   * Since: 1.0
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL, flags);

  /**
   * FapilogWebhookSink:secret:
   *
   * The key of the HMAC-SHA256 request signatures
   * (`FAPILOG_WEBHOOK__SECRET`); %NULL or empty sends unsigned requests.
   *
   * Write-only: it cannot be read back, it is never sent, printed or
   * logged, and the sink's copy is overwritten with zeros when the sink is
   * finalized.
   *
   * Since: 1.0
   */
  properties[PROP_SECRET] =
    g_param_spec_string ("secret", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * FapilogWebhookSink:timeout-seconds:
   *
   * How long one attempt may take, from connecting to the last byte of
   * the answer (`FAPILOG_WEBHOOK__TIMEOUT_SECONDS`, 5). A timeout is
   * retried.
   *
   * Since: 1.0
   */
  properties[PROP_TIMEOUT_SECONDS] =
    g_param_spec_double ("timeout-seconds", NULL, NULL,
                         0.001, G_MAXDOUBLE, DEFAULT_TIMEOUT_SECONDS, flags);

  /**
   * FapilogWebhookSink:retry-max-attempts:
   *
   * How many attempts a request gets in total, the first included
   * (`FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS`, 3); 1 means no retry.
   *
   * Since: 1.0
   */
  properties[PROP_RETRY_MAX_ATTEMPTS] =
    g_param_spec_uint ("retry-max-attempts", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_RETRY_MAX_ATTEMPTS, flags);

  /**
   * FapilogWebhookSink:retry-backoff-seconds:
   *
   * The base of the exponential backoff between attempts
   * (`FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS`, 1.0): the wait before
   * attempt k + 1 is a random time up to base × 2^(k − 1), capped by
   * [property@Fapilog.WebhookSink:retry-max-backoff-seconds].
   *
   * Since: 1.0
   */
  properties[PROP_RETRY_BACKOFF_SECONDS] =
    g_param_spec_double ("retry-backoff-seconds", NULL, NULL,
                         0, G_MAXDOUBLE, DEFAULT_RETRY_BACKOFF_SECONDS, flags);

  /**
   * FapilogWebhookSink:retry-max-backoff-seconds:
   *
   * The longest single wait between attempts, a server's `Retry-After`
   * included (`FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS`, 30).
   *
   * Since: 1.0
   */
  properties[PROP_RETRY_MAX_BACKOFF_SECONDS] =
    g_param_spec_double ("retry-max-backoff-seconds", NULL, NULL,
                         0, G_MAXDOUBLE, DEFAULT_RETRY_MAX_BACKOFF_SECONDS, flags);

  /**
   * FapilogWebhookSink:batch-size:
   *
   * Entries per request (`FAPILOG_WEBHOOK__BATCH_SIZE`, 1). With 1 the
   * body is the entry's JSON object; with more it is a JSON array.
   *
   * Since: 1.0
   */
  properties[PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_BATCH_SIZE, flags);

  /**
   * FapilogWebhookSink:batch-timeout-seconds:
   *
   * The longest an accepted entry waits for its request to fill
   * (`FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS`, 5); must be greater than 0.
   *
   * Since: 1.0
   */
  properties[PROP_BATCH_TIMEOUT_SECONDS] =
    g_param_spec_double ("batch-timeout-seconds", NULL, NULL,
                         0, G_MAXDOUBLE, DEFAULT_BATCH_TIMEOUT_SECONDS, flags);

  /**
   * FapilogWebhookSink:max-pending-bytes:
   *
   * The most body bytes held for delivery, requests waiting for a retry
   * included (`FAPILOG_WEBHOOK__MAX_PENDING_BYTES`, 16 MiB). Past it, the
   * oldest waiting request fails and its entries are reported to the
   * pipeline as failed.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_PENDING_BYTES] =
    g_param_spec_uint64 ("max-pending-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MAX_PENDING_BYTES, flags);

  /**
   * FapilogWebhookSink:tls-ca-file:
   *
   * A PEM file of the certificate authorities to trust
   * for an `https://` endpoint instead of the system's
   * (`FAPILOG_WEBHOOK__TLS_CA_FILE`). Verification is always on.
   *
   * Since: 1.0
   */
  properties[PROP_TLS_CA_FILE] =
    g_param_spec_string ("tls-ca-file", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_webhook_sink_init (FapilogWebhookSink *self)
{
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  self->retry_max_attempts = DEFAULT_RETRY_MAX_ATTEMPTS;
  self->retry_backoff_seconds = DEFAULT_RETRY_BACKOFF_SECONDS;
  self->retry_max_backoff_seconds = DEFAULT_RETRY_MAX_BACKOFF_SECONDS;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->batch_timeout_seconds = DEFAULT_BATCH_TIMEOUT_SECONDS;
  self->max_pending_bytes = DEFAULT_MAX_PENDING_BYTES;
  self->header_names = g_ptr_array_new_with_free_func (g_free);
  self->header_values = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->lock);
}

/* ---- public API --------------------------------------------------------- */

/**
 * fapilog_webhook_sink_new:
 * @endpoint: the `http://` or `https://` URI to POST to
 * @secret: (nullable): the HMAC key that signs every request, or %NULL to
 *   send unsigned requests
 *
 * Creates a `webhook` sink with the default settings: one entry per
 * request, 5 s timeout, 3 attempts with 1 s base backoff capped at 30 s,
 * 16 MiB pending. Other settings are construct properties; see
 * [class@Fapilog.WebhookSink].
 *
 * Returns: (transfer full): the new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_webhook_sink_new (const char *endpoint,
                          const char *secret)
{
  g_return_val_if_fail (endpoint != NULL, NULL);

  return g_object_new (FAPILOG_TYPE_WEBHOOK_SINK,
                       "endpoint", endpoint,
                       "secret", secret,
                       NULL);
}

/**
 * fapilog_webhook_sink_set_header:
 * @self: a webhook sink
 * @name: a header name
 * @value: (nullable): its value, or %NULL to remove the header
 *
 * Adds a header to every request, replacing one of the same name (compared
 * without regard to case) set before. Header values never appear in
 * fapilog's diagnostics, so this is the place for an `Authorization`
 * header. The signature headers cannot be set this way: when the sink has
 * a secret, its own values replace them.
 *
 * Call it before the sink is started; later calls take effect at the next
 * start.
 *
 * Since: 1.0
 */
void
fapilog_webhook_sink_set_header (FapilogWebhookSink *self,
                                 const char         *name,
                                 const char         *value)
{
  g_return_if_fail (FAPILOG_IS_WEBHOOK_SINK (self));
  g_return_if_fail (name != NULL && name[0] != '\0');

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->header_names->len; i++)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (self->header_names, i), name) == 0)
        {
          char *old = g_ptr_array_index (self->header_values, i);

          _fapilog_secure_wipe (old, strlen (old));
          g_ptr_array_remove_index (self->header_names, i);
          g_ptr_array_remove_index (self->header_values, i);
          break;
        }
    }
  if (value != NULL)
    {
      g_ptr_array_add (self->header_names, g_strdup (name));
      g_ptr_array_add (self->header_values, g_strdup (value));
    }
  g_mutex_unlock (&self->lock);
}

void
_fapilog_webhook_sink_set_clock (FapilogWebhookSink  *self,
                                 FapilogWebhookClock  clock,
                                 gpointer             user_data)
{
  g_return_if_fail (FAPILOG_IS_WEBHOOK_SINK (self));

  self->clock = clock;
  self->clock_data = user_data;
}
