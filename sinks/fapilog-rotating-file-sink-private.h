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
