/* fapilog-webhook-sink.c: entries POSTed to a webhook, signed with HMAC-SHA256
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "fapilog-http-sink-base-private.h"
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
 * The properties, all but the secret, may be changed after the sink is
 * made and are read when it starts: a change made while it runs applies
 * from the next start.
 *
 * Since: 1.0
 */

#define SINK_NAME      "webhook"
#define DIAG_COMPONENT "webhook-sink"

#define DEFAULT_BATCH_SIZE 1

struct _FapilogWebhookSink
{
  GObject parent_instance;

  /* The settings both sinks have, the headers and the delivery engine. */
  FapilogHttpSinkBase  base;

  /* Construct-only, so the worker reads them without the lock. */
  guint8              *secret;         /* NULL: unsigned requests */
  gsize                secret_len;

  FapilogWebhookClock  clock;
  gpointer             clock_data;
};

/* The ids below FAPILOG_HTTP_SINK_BASE_N_PROPS are the shared settings'. */
enum {
  PROP_SECRET = FAPILOG_HTTP_SINK_BASE_N_PROPS,
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

/* ---- the sink interface ------------------------------------------------- */

/* FapilogHttpSinkConfigFunc: under the base's lock, at start. */
static void
complete_config (gpointer                   sink,
                 FapilogHttpDeliveryConfig *config)
{
  /* No byte limit of its own: a request is as large as batch-size makes
   * it, and the pending bound still applies. */
  config->batch_max_bytes = config->max_pending_bytes;
  config->layout = FAPILOG_HTTP_BODY_SINGLE_OR_ARRAY;
  /* Never compressed: receivers verify the bytes they read, and most
   * webhook frameworks hand them the body as it came off the wire. */
  config->compression = FAPILOG_HTTP_COMPRESSION_NONE;
}

static void
fapilog_webhook_sink_start_async (FapilogSink         *sink,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (sink);

  _fapilog_http_sink_base_start (&self->base, sink, complete_config,
                                 self->secret != NULL ? sign_request : NULL, self,
                                 g_task_new (sink, cancellable, callback, user_data));
}

static void
fapilog_webhook_sink_write_batch_async (FapilogSink         *sink,
                                        FapilogBatch        *batch,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  _fapilog_http_sink_base_write_batch (&FAPILOG_WEBHOOK_SINK (sink)->base, batch,
                                       g_task_new (sink, cancellable, callback, user_data));
}

static void
fapilog_webhook_sink_flush_async (FapilogSink         *sink,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  _fapilog_http_sink_base_flush (&FAPILOG_WEBHOOK_SINK (sink)->base, cancellable,
                                 g_task_new (sink, cancellable, callback, user_data));
}

static void
fapilog_webhook_sink_stop_async (FapilogSink         *sink,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  _fapilog_http_sink_base_stop (&FAPILOG_WEBHOOK_SINK (sink)->base, cancellable,
                                g_task_new (sink, cancellable, callback, user_data));
}

static gboolean
fapilog_webhook_sink_health_check (FapilogSink *sink)
{
  return _fapilog_http_sink_base_health (&FAPILOG_WEBHOOK_SINK (sink)->base);
}

static void
fapilog_webhook_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->start_async = fapilog_webhook_sink_start_async;
  iface->start_finish = _fapilog_http_sink_base_task_finish;
  iface->stop_async = fapilog_webhook_sink_stop_async;
  iface->stop_finish = _fapilog_http_sink_base_task_finish;
  iface->write_batch_async = fapilog_webhook_sink_write_batch_async;
  iface->write_batch_finish = _fapilog_http_sink_base_task_finish;
  iface->flush_async = fapilog_webhook_sink_flush_async;
  iface->flush_finish = _fapilog_http_sink_base_task_finish;
  iface->health_check = fapilog_webhook_sink_health_check;
}

/* ---- GObject ------------------------------------------------------------ */

static void
fapilog_webhook_sink_dispose (GObject *object)
{
  _fapilog_http_sink_base_dispose (&FAPILOG_WEBHOOK_SINK (object)->base);

  G_OBJECT_CLASS (fapilog_webhook_sink_parent_class)->dispose (object);
}

static void
fapilog_webhook_sink_finalize (GObject *object)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (object);

  clear_secret (self);
  _fapilog_http_sink_base_clear (&self->base);

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
  if (prop_id < FAPILOG_HTTP_SINK_BASE_N_PROPS)
    _fapilog_http_sink_base_get_property (&self->base, prop_id, value);
  else if (prop_id == PROP_NAME)
    g_value_set_static_string (value, SINK_NAME);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
set_secret (FapilogWebhookSink *self,
            const char         *secret)
{
  clear_secret (self);
  /* An empty secret signs nothing, like no secret: a MAC under an empty
   * key would prove nothing to the receiver. */
  if (secret != NULL && secret[0] != '\0')
    {
      self->secret_len = strlen (secret);
      self->secret = g_memdup2 (secret, self->secret_len);
    }
}

static void
fapilog_webhook_sink_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FapilogWebhookSink *self = FAPILOG_WEBHOOK_SINK (object);

  if (prop_id < FAPILOG_HTTP_SINK_BASE_N_PROPS)
    {
      /* Outside the lock (the base drops it first): a notify handler may
       * read the property back. */
      if (_fapilog_http_sink_base_set_property (&self->base, prop_id, value))
        g_object_notify_by_pspec (object, pspec);
    }
  else if (prop_id == PROP_SECRET)
    set_secret (self, g_value_get_string (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
fapilog_webhook_sink_class_init (FapilogWebhookSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fapilog_webhook_sink_dispose;
  object_class->finalize = fapilog_webhook_sink_finalize;
  object_class->get_property = fapilog_webhook_sink_get_property;
  object_class->set_property = fapilog_webhook_sink_set_property;

  /* Every property but the secret is read when the sink starts; changing
   * one later takes effect at the next start. */
  /**
   * FapilogWebhookSink:endpoint:
   *
   * The `http://` or `https://` URI the entries are POSTed to
   * (`FAPILOG_WEBHOOK__ENDPOINT`). Start fails when it is missing or not
   * such a URI.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL, NULL, flags);

  /**
   * FapilogWebhookSink:secret:
   *
   * The key of the HMAC-SHA256 request signatures
   * (`FAPILOG_WEBHOOK__SECRET`); %NULL or empty sends unsigned requests.
   *
   * Write-only: it cannot be read back, it is never sent, printed or
   * logged, and the sink's copy is overwritten with zeros when the sink is
   * finalized. Unlike the other properties it can only be given when the
   * sink is made.
   *
   * Since: 1.0
   */
  /* Construct-only, unlike the rest: sign_request() reads the secret on
   * the worker for every attempt, without the lock, which is safe only
   * because it never changes once the sink exists; and a secret that stays
   * put has exactly one copy to wipe. Rotating a key means a new sink. */
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
  properties[FAPILOG_HTTP_SINK_BASE_PROP_TIMEOUT_SECONDS] =
    g_param_spec_double ("timeout-seconds", NULL, NULL,
                         0.001, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_TIMEOUT_SECONDS, flags);

  /**
   * FapilogWebhookSink:retry-max-attempts:
   *
   * How many attempts a request gets in total, the first included
   * (`FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS`, 3); 1 means no retry.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_ATTEMPTS] =
    g_param_spec_uint ("retry-max-attempts", NULL, NULL,
                       1, G_MAXUINT, FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_ATTEMPTS, flags);

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
  properties[FAPILOG_HTTP_SINK_BASE_PROP_RETRY_BACKOFF_SECONDS] =
    g_param_spec_double ("retry-backoff-seconds", NULL, NULL,
                         0, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_RETRY_BACKOFF_SECONDS, flags);

  /**
   * FapilogWebhookSink:retry-max-backoff-seconds:
   *
   * The longest single wait between attempts, a server's `Retry-After`
   * included (`FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS`, 30).
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_BACKOFF_SECONDS] =
    g_param_spec_double ("retry-max-backoff-seconds", NULL, NULL,
                         0, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_BACKOFF_SECONDS, flags);

  /**
   * FapilogWebhookSink:batch-size:
   *
   * Entries per request (`FAPILOG_WEBHOOK__BATCH_SIZE`, 1). With 1 the
   * body is the entry's JSON object; with more it is a JSON array.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_BATCH_SIZE] =
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
  properties[FAPILOG_HTTP_SINK_BASE_PROP_BATCH_TIMEOUT_SECONDS] =
    g_param_spec_double ("batch-timeout-seconds", NULL, NULL,
                         0, G_MAXDOUBLE, FAPILOG_HTTP_SINK_DEFAULT_BATCH_TIMEOUT_SECONDS, flags);

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
  properties[FAPILOG_HTTP_SINK_BASE_PROP_MAX_PENDING_BYTES] =
    g_param_spec_uint64 ("max-pending-bytes", NULL, NULL,
                         1, G_MAXUINT64, FAPILOG_HTTP_SINK_DEFAULT_MAX_PENDING_BYTES, flags);

  /**
   * FapilogWebhookSink:tls-ca-file:
   *
   * A PEM file of the certificate authorities to trust
   * for an `https://` endpoint instead of the system's
   * (`FAPILOG_WEBHOOK__TLS_CA_FILE`). Verification is always on.
   *
   * Since: 1.0
   */
  properties[FAPILOG_HTTP_SINK_BASE_PROP_TLS_CA_FILE] =
    g_param_spec_string ("tls-ca-file", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_webhook_sink_init (FapilogWebhookSink *self)
{
  _fapilog_http_sink_base_init (&self->base, SINK_NAME, DIAG_COMPONENT, DEFAULT_BATCH_SIZE);
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
 * 16 MiB pending. Set the properties for anything else, before the
 * pipeline starts; see [class@Fapilog.WebhookSink].
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

  _fapilog_http_sink_base_set_header (&self->base, name, value);
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
