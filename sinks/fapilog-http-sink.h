/* fapilog-http-sink.h: entries POSTed in batches to an HTTP collector
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include "fapilog-sink.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_HTTP_SINK (fapilog_http_sink_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogHttpSink, fapilog_http_sink, FAPILOG, HTTP_SINK, GObject)

FAPILOG_AVAILABLE_IN_1_0
FapilogSink *fapilog_http_sink_new        (const char      *endpoint);
FAPILOG_AVAILABLE_IN_1_0
void         fapilog_http_sink_set_header (FapilogHttpSink *self,
                                           const char      *name,
                                           const char      *value);

G_END_DECLS
