/* fapilog-fd-writer-private.h: writing bytes to a descriptor off the worker thread
 *
 * Shared by the sinks that write to a file descriptor (stdout_json,
 * stdout_pretty). The bytes are prepared on the pipeline's worker thread; the
 * blocking write runs in a GTask thread so that a slow reader (a pipe into
 * `less`, a stalled terminal) never stalls the worker and the other sinks.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writes @len bytes at @data to @fd in a thread and completes the task on the
 * thread-default main context of the caller. @owner keeps @data alive and is
 * released with @owner_free once the write is over (it may be NULL if @data
 * is static). @what names the destination in error messages ("stdout") and
 * must outlive the task (a static string, or one owned by @source_object,
 * which the task keeps alive). The task carries @source_object and @source_tag
 * so that the sink's _finish can validate the result.
 *
 * Writes to the same descriptor are serialized process-wide, so the bytes of
 * one call are never interleaved with those of another call, even across
 * sink instances. A cancellation seen before the write starts fails the task
 * with G_IO_ERROR_CANCELLED without writing anything; once the write has
 * started it runs to completion. */
void     _fapilog_fd_writer_write_async  (gpointer             source_object,
                                          gpointer             source_tag,
                                          int                  fd,
                                          const char          *what,
                                          const guint8        *data,
                                          gsize                len,
                                          gpointer             owner,
                                          GDestroyNotify       owner_free,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean _fapilog_fd_writer_write_finish (gpointer             source_object,
                                          gpointer             source_tag,
                                          GAsyncResult        *result,
                                          GError             **error);

/* TRUE if @fd is open for writing and, for a pipe or socket, the other end
 * has not gone away. Never blocks. */
gboolean _fapilog_fd_writer_fd_is_healthy (int fd);

G_END_DECLS
