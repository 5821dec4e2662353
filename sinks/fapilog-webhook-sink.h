/* fapilog-webhook-sink.h: entries POSTed to a webhook, signed with HMAC-SHA256
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include "fapilog-sink.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_WEBHOOK_SINK (fapilog_webhook_sink_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogWebhookSink, fapilog_webhook_sink, FAPILOG, WEBHOOK_SINK, GObject)

/**
 * FAPILOG_WEBHOOK_DEFAULT_TOLERANCE_SECONDS:
 *
 * The replay window receivers should use with
 * [func@Fapilog.webhook_verify_signature] unless they have a reason not to.
 *
 * Since: 1.0
 */
#define FAPILOG_WEBHOOK_DEFAULT_TOLERANCE_SECONDS 300

FAPILOG_AVAILABLE_IN_1_0
FapilogSink *fapilog_webhook_sink_new        (const char          *endpoint,
                                              const char          *secret);
FAPILOG_AVAILABLE_IN_1_0
void         fapilog_webhook_sink_set_header (FapilogWebhookSink  *self,
                                              const char          *name,
                                              const char          *value);

FAPILOG_AVAILABLE_IN_1_0
gboolean     fapilog_webhook_verify_signature (const char         *secret,
                                               const char         *timestamp_header,
                                               const char         *signature_header,
                                               GBytes             *body,
                                               gint64              tolerance_seconds,
                                               GError            **error);

G_END_DECLS
