/* fapilog-http-delivery-private.h: the batching, retrying HTTP sender that
 * the http and webhook sinks share
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <libsoup/soup.h>

#include "fapilog-batch.h"
#include "fapilog-enums.h"
#include "fapilog-sink.h"

G_BEGIN_DECLS

/* How the entries of one request become its body. The entries are the
 * batch's already-serialized lines; they are copied, never re-encoded. */
typedef enum {
  FAPILOG_HTTP_BODY_ARRAY,           /* [e1,e2]            application/json */
  FAPILOG_HTTP_BODY_NDJSON,          /* e1\ne2\n           application/x-ndjson */
  FAPILOG_HTTP_BODY_WRAPPED,         /* {"<key>":[e1,e2]}  application/json */
  FAPILOG_HTTP_BODY_SINGLE_OR_ARRAY, /* e1 when batch_size is 1, else [e1,e2] (webhook) */
} FapilogHttpBodyLayout;

typedef struct {
  char                   *endpoint;                   /* http:// or https:// URI */
  char                  **header_names;               /* nullable, NULL-terminated; same length as values */
  char                  **header_values;
  double                  timeout_seconds;            /* > 0: one attempt, connect to last byte */
  guint                   retry_max_attempts;         /* >= 1, total attempts */
  double                  retry_backoff_seconds;      /* base of the exponential backoff */
  double                  retry_max_backoff_seconds;  /* cap of one wait, Retry-After included */
  guint                   batch_size;                 /* >= 1 entries per request */
  double                  batch_timeout_seconds;      /* > 0: oldest accepted entry waits at most this */
  gsize                   batch_max_bytes;            /* body bytes before compression; an entry larger
                                                         than this goes alone */
  gsize                   max_pending_bytes;          /* bodies waiting (retry included) */
  FapilogHttpBodyLayout   layout;
  char                   *wrapper_key;                /* FAPILOG_HTTP_BODY_WRAPPED */
  FapilogHttpCompression  compression;
  char                   *tls_ca_file;                /* nullable: system trust store */
} FapilogHttpDeliveryConfig;

void _fapilog_http_delivery_config_clear (FapilogHttpDeliveryConfig *config);

typedef struct _FapilogHttpDelivery FapilogHttpDelivery;

/* Called for every attempt of a request, just before it is queued, with the
 * exact bytes that go on the wire (after compression): the webhook adds its
 * timestamp and signature headers here. */
typedef void (*FapilogHttpDecorateFunc) (SoupMessage *message,
                                         GBytes      *wire_body,
                                         gpointer     user_data);

/* On the worker thread (from the sink's start): validates @config (a clear
 * FAPILOG_CONFIG_ERROR naming the field on a bad value), copies it and
 * makes the SoupSession on the thread-default main context. Outcomes of
 * accepted entries are reported on @owner (not referenced; the sink owns
 * the delivery) with fapilog_sink_report_delivered()/_failed().
 * @component names the sink in diagnostics ("http-sink", "webhook-sink"). */
FapilogHttpDelivery *_fapilog_http_delivery_new   (FapilogSink                      *owner,
                                                   const char                      *component,
                                                   const FapilogHttpDeliveryConfig *config,
                                                   GError                         **error);
void                 _fapilog_http_delivery_set_decorate (FapilogHttpDelivery       *self,
                                                          FapilogHttpDecorateFunc    func,
                                                          gpointer                   user_data);
/* Accepts entries [first, first + n) of @batch (takes a reference on the
 * batch while any of them is held); sends whole requests as they fill. */
void                 _fapilog_http_delivery_add   (FapilogHttpDelivery             *self,
                                                   FapilogBatch                    *batch,
                                                   guint                            first,
                                                   guint                            n);
/* Sends the partial request now; completes when everything accepted before
 * the call has been reported delivered or failed. */
void                 _fapilog_http_delivery_flush_async  (FapilogHttpDelivery      *self,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
gboolean             _fapilog_http_delivery_flush_finish (FapilogHttpDelivery      *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);
/* Flushes, then completes. When @cancellable is cancelled (the shutdown
 * deadline), backoff waits end, requests in flight are cancelled and every
 * entry still held is reported failed (FAPILOG_SINK_ERROR_SHUTDOWN) before
 * the task completes. Nothing is accepted after it. */
void                 _fapilog_http_delivery_stop_async   (FapilogHttpDelivery      *self,
                                                          GCancellable             *cancellable,
                                                          GAsyncReadyCallback       callback,
                                                          gpointer                  user_data);
gboolean             _fapilog_http_delivery_stop_finish  (FapilogHttpDelivery      *self,
                                                          GAsyncResult             *result,
                                                          GError                  **error);
/* FALSE from a failed attempt (one that will be retried included) until
 * the next successful one; TRUE before the first request. */
gboolean             _fapilog_http_delivery_is_healthy   (FapilogHttpDelivery      *self);
/* Reports whatever is still held as failed, cancels what is in flight. */
void                 _fapilog_http_delivery_free         (FapilogHttpDelivery      *self);

G_END_DECLS
