/* fapilog-webhook-signature-private.h: HMAC-SHA256 signing of webhook
 * bodies, shared by the webhook sink, the receiver's verify API and tests
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

#include "fapilog-webhook-sink.h"

G_BEGIN_DECLS

#define FAPILOG_WEBHOOK_TIMESTAMP_HEADER "X-Fapilog-Timestamp"
#define FAPILOG_WEBHOOK_SIGNATURE_HEADER "X-Fapilog-Signature-256"

/* "sha256=" and 64 lowercase hex digits. */
#define FAPILOG_WEBHOOK_SIGNATURE_PREFIX "sha256="
#define FAPILOG_WEBHOOK_SIGNATURE_LEN    (7 + 64)

/* Returns "sha256=<hex>" of HMAC-SHA256 (key = @secret, message =
 * "<timestamp>.<body>"), the value of the signature header. @timestamp is
 * written in decimal, as in the timestamp header. */
char     *_fapilog_webhook_sign               (const guint8 *secret,
                                               gsize         secret_len,
                                               gint64        timestamp,
                                               const guint8 *body,
                                               gsize         body_len);

/* fapilog_webhook_verify_signature() with the receiver's clock given as
 * @now (unix seconds), so the replay window can be tested at its edges. */
gboolean  _fapilog_webhook_verify_at          (const char   *secret,
                                               const char   *timestamp_header,
                                               const char   *signature_header,
                                               GBytes       *body,
                                               gint64        tolerance_seconds,
                                               gint64        now,
                                               GError      **error);

/* Overwrites @len bytes at @data with zeros in a way the compiler may not
 * drop as a dead store (the memory is freed right after). */
void      _fapilog_secure_wipe                (gpointer      data,
                                               gsize         len);

/* Unix seconds; the sink's timestamp source. The tests replace it to show
 * that each attempt of a request is signed anew. */
typedef gint64 (*FapilogWebhookClock) (gpointer user_data);

void      _fapilog_webhook_sink_set_clock     (FapilogWebhookSink  *self,
                                               FapilogWebhookClock  clock,
                                               gpointer             user_data);

G_END_DECLS
