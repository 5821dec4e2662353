/* fapilog-fd-writer.c: writing bytes to a descriptor off the worker thread
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#include "fapilog-fd-writer-private.h"
#include "fapilog-io-private.h"

/* One lock per descriptor stripe. Writes to one descriptor never overlap;
 * writes to different descriptors only wait for each other when their
 * numbers collide modulo the stripe count, which costs throughput, never
 * correctness. */
#define N_FD_LOCKS 64
static GMutex fd_locks[N_FD_LOCKS];

typedef struct {
  int             fd;
  const char     *what;
  const guint8   *data;
  gsize           len;
  gpointer        owner;
  GDestroyNotify  owner_free;
} WriteData;

static void
write_data_free (gpointer data)
{
  WriteData *wd = data;

  if (wd->owner_free != NULL && wd->owner != NULL)
    wd->owner_free (wd->owner);
  g_free (wd);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *wd = task_data;
  GMutex *lock = &fd_locks[(guint) wd->fd % N_FD_LOCKS];
  GError *error = NULL;
  gboolean ok;

  g_mutex_lock (lock);

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    ok = FALSE;
  else
    ok = _fapilog_io_write_all (wd->fd, wd->data, wd->len, wd->what, NULL, &error);

  g_mutex_unlock (lock);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_fapilog_fd_writer_write_async (gpointer             source_object,
                                gpointer             source_tag,
                                int                  fd,
                                const char          *what,
                                const guint8        *data,
                                gsize                len,
                                gpointer             owner,
                                GDestroyNotify       owner_free,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *wd;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, what);
  /* A write that has started reports what really happened, even if the
   * cancellable fires meanwhile. */
  g_task_set_check_cancellable (task, FALSE);

  wd = g_new0 (WriteData, 1);
  wd->fd = fd;
  wd->what = what;
  wd->data = data;
  wd->len = len;
  wd->owner = owner;
  wd->owner_free = owner_free;
  g_task_set_task_data (task, wd, write_data_free);

  if (len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_task_run_in_thread (task, write_thread);
}

gboolean
_fapilog_fd_writer_write_finish (gpointer       source_object,
                                 gpointer       source_tag,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source_object), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
_fapilog_fd_writer_fd_is_healthy (int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLOUT, .revents = 0 };
  int flags;
  int r;

  if (fd < 0)
    return FALSE;

  flags = fcntl (fd, F_GETFL);
  if (flags == -1)
    return FALSE;
  if ((flags & O_ACCMODE) != O_WRONLY && (flags & O_ACCMODE) != O_RDWR)
    return FALSE;

  /* A pipe whose reader has gone reports POLLERR, a disconnected socket
   * POLLHUP or POLLERR; a full pipe is merely slow, not unhealthy. */
  do
    r = poll (&pfd, 1, 0);
  while (r < 0 && errno == EINTR);

  if (r < 0)
    return FALSE;
  if (r > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
    return FALSE;

  return TRUE;
}
