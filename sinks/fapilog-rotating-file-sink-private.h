/* fapilog-rotating-file-sink-private.h: test hooks of the rotating_file sink
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-rotating-file-sink.h"

G_BEGIN_DECLS

/* Returns the current time in microseconds since the UTC epoch. Called from
 * any of the sink's threads. */
typedef gint64 (*FapilogRotatingFileClock) (gpointer data);

/* Replaces g_get_real_time() as the sink's clock (file names, rotation
 * boundaries). Set it before start; NULL restores the real clock. */
void     _fapilog_rotating_file_sink_set_clock        (FapilogRotatingFileSink  *self,
                                                       FapilogRotatingFileClock  now_us,
                                                       gpointer                  data);

/* Rotated files whose fsync may wait in the maintenance thread at once.
 * Each holds a descriptor until then; beyond this (tiny max-bytes at a
 * high rate, or a disk that cannot keep up) rotations sync in the write
 * path again, which also slows the writer down to what the disk takes. */
#define FAPILOG_ROTATING_FILE_MAX_PENDING_SYNCS 8

/* Called on the maintenance thread with the path of a rotated file just
 * before its fsync (policy rotate or batch), which happens off the write
 * path. A test may block in it. Not called for the syncs that fall back
 * to the write path (see FAPILOG_ROTATING_FILE_MAX_PENDING_SYNCS). */
typedef void (*FapilogRotatingFileSyncHook) (const char *path,
                                             gpointer    data);

/* Set it before start; NULL removes it. */
void     _fapilog_rotating_file_sink_set_sync_hook    (FapilogRotatingFileSink     *self,
                                                       FapilogRotatingFileSyncHook  hook,
                                                       gpointer                     data);

/* Tells the sink that its clock jumped: re-arms the boundary timer on the
 * worker context, so a boundary that has passed fires at once (through the
 * same GSource and maintenance path as a real one). Any thread. */
void     _fapilog_rotating_file_sink_clock_changed    (FapilogRotatingFileSink  *self);

/* Number of files closed by a rotation (size, time, forced, after an error)
 * since the sink was made. */
guint    _fapilog_rotating_file_sink_get_rotations    (FapilogRotatingFileSink  *self);

/* Waits on a condition variable until at least @n rotations happened; FALSE
 * on timeout. */
gboolean _fapilog_rotating_file_sink_wait_rotations   (FapilogRotatingFileSink  *self,
                                                       guint                     n,
                                                       gint64                    timeout_us);

/* Waits until no maintenance or compression job is queued or running;
 * FALSE on timeout. */
gboolean _fapilog_rotating_file_sink_wait_background  (FapilogRotatingFileSink  *self,
                                                       gint64                    timeout_us);

G_END_DECLS
