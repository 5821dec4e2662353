/* fapilog-sink-private.h: what built-in sinks tell the fan-out beyond the
 * public interface
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

#include "fapilog-sink.h"

G_BEGIN_DECLS

/* A batch write that fails after the batch's first @n_written entries
 * reached the output whole (a file sink meeting ENOSPC halfway, or a batch
 * split over two files of which only the second failed). The fan-out then
 * counts those entries as written, and only the rest as failed and sends
 * only the rest to the fallback. Set it on the write's GTask before
 * returning its error; any thread. */
void     _fapilog_sink_result_set_written (GAsyncResult *result,
                                           guint         n_written);
/* Whether the sink said so, and how many. */
gboolean _fapilog_sink_result_get_written (GAsyncResult *result,
                                           guint        *n_written);

/* The sink runs its batch writes one at a time, in the order they were
 * started, and completes them in that order (its own thread with a FIFO of
 * jobs, say). The fan-out may then start a second batch write while the
 * first runs, so that the sink's thread finds it waiting instead of
 * sleeping until the worker has heard of the first write's end. Set once,
 * before the sink is added to a pipeline. */
void     _fapilog_sink_set_queues_writes  (FapilogSink  *sink,
                                           gboolean      queues_writes);
gboolean _fapilog_sink_get_queues_writes  (FapilogSink  *sink);

G_END_DECLS
