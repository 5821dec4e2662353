/* fapilog-io-private.h: complete writes to file descriptors
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <sys/uio.h>
#include <glib.h>

G_BEGIN_DECLS

/* Writes all of @iov to @fd: loops on partial writes (advancing through the
 * vector), retries EINTR, waits with poll() on EAGAIN, splits at IOV_MAX.
 * SIGPIPE and SIGXFSZ are blocked on the calling thread for the duration and
 * a pending signal raised by this write is consumed, so a closed pipe is
 * reported as FAPILOG_SINK_ERROR_CLOSED, and a write past RLIMIT_FSIZE as
 * FAPILOG_SINK_ERROR_FAILED (EFBIG), instead of killing the process. On failure
 * *written (if given) holds the bytes that did reach the descriptor and the
 * error names @what and the errno text. @iov is modified. */
gboolean _fapilog_io_writev_all (int            fd,
                                 struct iovec  *iov,
                                 int            iovcnt,
                                 const char    *what,
                                 gsize         *written,
                                 GError       **error);
gboolean _fapilog_io_write_all  (int            fd,
                                 const void    *data,
                                 gsize          len,
                                 const char    *what,
                                 gsize         *written,
                                 GError       **error);

G_END_DECLS
