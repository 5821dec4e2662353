/* fapilog-simple-sink-private.h: what the pipeline needs from simple sinks
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-simple-sink.h"

G_BEGIN_DECLS

/* Called, with the sink's lock held, each time a call is queued for the
 * sink's main context. It may take other locks, but code holding them must
 * never call into the sink. */
typedef void (*FapilogSimpleSinkWakeFunc) (gpointer user_data);

/* The main context @sink's methods run in, when it is a simple sink in
 * FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT mode; NULL otherwise. */
GMainContext *_fapilog_simple_sink_get_call_context (FapilogSink               *sink);

/* Any thread. */
void          _fapilog_simple_sink_add_waker        (FapilogSimpleSink         *self,
                                                     FapilogSimpleSinkWakeFunc  func,
                                                     gpointer                   user_data);
void          _fapilog_simple_sink_remove_waker     (FapilogSimpleSink         *self,
                                                     gpointer                   user_data);

/* If calls are queued for the sink's main context and the calling thread
 * may run that context, acquires it (g_main_context_acquire()) and returns
 * TRUE: then call _fapilog_simple_sink_run_claimed(), which runs them and
 * releases the context. Takes no lock. */
gboolean      _fapilog_simple_sink_claim_pending    (FapilogSimpleSink         *self);
void          _fapilog_simple_sink_run_claimed      (FapilogSimpleSink         *self);

G_END_DECLS
