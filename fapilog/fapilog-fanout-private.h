/* fapilog-fanout-private.h: handing batches to every sink, on the worker
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-batch-private.h"
#include "fapilog-sink.h"

G_BEGIN_DECLS

typedef struct _FapilogFanout FapilogFanout;

/* Called on the worker whenever a sink finishes (or gives up) a write, so
 * the pipeline can complete flushes and resume a paused queue. */
typedef void (*FapilogFanoutProgressFunc) (gpointer user_data);

FapilogFanout *_fapilog_fanout_new        (gboolean                   serialize_in_flush,
                                           gint64                     write_timeout_us,
                                           guint                      backlog_max_entries,
                                           FapilogFanoutProgressFunc  progress,
                                           gpointer                   progress_data);
void           _fapilog_fanout_free       (FapilogFanout             *self);

/* Before start, any thread (the pipeline serializes calls). */
gboolean       _fapilog_fanout_add_sink   (FapilogFanout             *self,
                                           FapilogSink               *sink);
guint          _fapilog_fanout_get_n_sinks (FapilogFanout            *self);

/* Worker thread: starts every sink (in order), calls @callback when all are
 * done; @error is the first failure. */
typedef void (*FapilogFanoutDoneFunc) (const GError *error,
                                       gpointer      user_data);
void           _fapilog_fanout_start      (FapilogFanout             *self,
                                           FapilogFanoutDoneFunc      callback,
                                           gpointer                   user_data);
/* Worker thread: stops every sink, last added first, one at a time; a stop
 * still running at @deadline_us (monotonic; G_MAXINT64 = none) is
 * cancelled and abandoned. */
void           _fapilog_fanout_stop       (FapilogFanout             *self,
                                           gint64                     deadline_us,
                                           FapilogFanoutDoneFunc      callback,
                                           gpointer                   user_data);

/* Worker thread: queues @batch for every sink (takes a reference each). */
void           _fapilog_fanout_dispatch   (FapilogFanout             *self,
                                           FapilogBatch              *batch);
/* Worker thread: every entry with seq <= the result has been written or
 * failed by every sink; @dispatched_seq is the last seq handed out. */
guint64        _fapilog_fanout_completed_seq (FapilogFanout          *self,
                                              guint64                 dispatched_seq);
/* Worker thread: TRUE when some sink would refuse a batch of
 * @next_batch_size entries now (its backlog is not empty and the batch
 * would take it past the bound). */
gboolean       _fapilog_fanout_is_saturated (FapilogFanout           *self,
                                             guint                    next_batch_size);
/* Worker thread: fails every batch still waiting in a backlog (shutdown
 * deadline); writes in flight are abandoned and failed. */
void           _fapilog_fanout_fail_pending (FapilogFanout           *self,
                                             const char              *reason);

/* Worker thread: whether some sink buffers (see fapilog_sink_is_buffering()),
 * and a flush of all of them: @callback runs on the worker when each has
 * reported everything it had accepted, or after the write timeout. One
 * round at a time. */
gboolean       _fapilog_fanout_has_buffering_sinks (FapilogFanout     *self);
void           _fapilog_fanout_flush_buffering (FapilogFanout         *self,
                                                FapilogFanoutDoneFunc  callback,
                                                gpointer               user_data);

/* Any thread. */
void           _fapilog_fanout_get_sink_counts (FapilogFanout        *self,
                                                GPtrArray            *names,
                                                GArray               *written,
                                                GArray               *failed);
gboolean       _fapilog_fanout_is_healthy (FapilogFanout             *self);

G_END_DECLS
