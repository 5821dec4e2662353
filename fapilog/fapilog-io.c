/* fapilog-io.c: complete writes to file descriptors
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fapilog-error.h"
#include "fapilog-io-private.h"

#ifndef IOV_MAX
# define IOV_MAX 1024
#endif

/* SIGPIPE and SIGXFSZ handling for one call.
 *
 * A write to a pipe or socket whose reading end is closed raises SIGPIPE in
 * the writing thread, and a write past RLIMIT_FSIZE raises SIGXFSZ; the
 * default action of both kills the whole process. We block both on the
 * calling thread while writing, so the signal stays pending on this thread
 * and the write fails with EPIPE or EFBIG instead; then we consume that
 * pending signal with sigtimedwait() before unblocking, so it is never
 * delivered.
 *
 * We consume a signal only if it is ours: when the thread already had it
 * blocked *and* pending before the write (somebody else's signal, which the
 * application wants to sigwait() for), a second one would merge with that
 * one (standard signals do not queue), and we must not eat it. If the signal
 * was not blocked before, it cannot have been pending for this thread (it
 * would have been delivered), so there is no need to ask. */
typedef struct {
  int      signo;
  gboolean was_blocked;
  gboolean was_pending;
} GuardedSignal;

typedef struct {
  GuardedSignal signals[2];   /* SIGPIPE, SIGXFSZ */
} SignalGuard;

static void
signal_guard_enter (SignalGuard *guard)
{
  sigset_t set, old_mask, pending;
  gboolean have_pending = FALSE;

  guard->signals[0] = (GuardedSignal) { SIGPIPE, FALSE, FALSE };
  guard->signals[1] = (GuardedSignal) { SIGXFSZ, FALSE, FALSE };

  sigemptyset (&set);
  sigaddset (&set, SIGPIPE);
  sigaddset (&set, SIGXFSZ);
  if (pthread_sigmask (SIG_BLOCK, &set, &old_mask) != 0)
    {
      /* Nothing was blocked by us: leave every signal alone. */
      guard->signals[0].was_blocked = guard->signals[1].was_blocked = TRUE;
      guard->signals[0].was_pending = guard->signals[1].was_pending = TRUE;
      return;
    }

  sigemptyset (&pending);
  for (guint i = 0; i < G_N_ELEMENTS (guard->signals); i++)
    {
      GuardedSignal *sig = &guard->signals[i];

      sig->was_blocked = sigismember (&old_mask, sig->signo) == 1;
      if (!sig->was_blocked)
        continue;
      if (!have_pending)
        {
          if (sigpending (&pending) != 0)
            sigfillset (&pending);   /* unknown: leave signals alone */
          have_pending = TRUE;
        }
      sig->was_pending = sigismember (&pending, sig->signo) == 1;
    }
}

static void
signal_guard_leave (SignalGuard *guard,
                    int          errsv)
{
  int saved_errno = errno;
  sigset_t unblock;

  sigemptyset (&unblock);
  for (guint i = 0; i < G_N_ELEMENTS (guard->signals); i++)
    {
      GuardedSignal *sig = &guard->signals[i];
      gboolean raised = (sig->signo == SIGPIPE && errsv == EPIPE) ||
                        (sig->signo == SIGXFSZ && errsv == EFBIG);

      if (raised && !sig->was_pending)
        {
          const struct timespec zero = { 0, 0 };
          sigset_t one;
          int r;

          /* Zero timeout: never waits. EAGAIN means no signal was raised
           * (for example a socket with SO_NOSIGPIPE semantics, or EFBIG
           * from a file system's own limit). */
          sigemptyset (&one);
          sigaddset (&one, sig->signo);
          do
            r = sigtimedwait (&one, NULL, &zero);
          while (r < 0 && errno == EINTR);
        }

      if (!sig->was_blocked)
        sigaddset (&unblock, sig->signo);
    }

  pthread_sigmask (SIG_UNBLOCK, &unblock, NULL);

  errno = saved_errno;
}

/* Waits until @fd is writable again after EAGAIN. Returns 0, or an errno
 * value describing why waiting is pointless. */
static int
wait_writable (int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLOUT, .revents = 0 };

  for (;;)
    {
      int r = poll (&pfd, 1, -1);

      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return errno;
        }
      if (pfd.revents & POLLNVAL)
        return EBADF;
      /* POLLOUT, POLLERR or POLLHUP: the next write tells what happened. */
      return 0;
    }
}

static void
set_write_error (GError     **error,
                 int          errsv,
                 const char  *what,
                 gsize        done,
                 gsize        total)
{
  g_set_error (error,
               FAPILOG_SINK_ERROR,
               errsv == EPIPE ? FAPILOG_SINK_ERROR_CLOSED : FAPILOG_SINK_ERROR_FAILED,
               "write to %s failed: %s (wrote %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes)",
               what != NULL ? what : "file descriptor",
               g_strerror (errsv),
               done,
               total);
}

gboolean
_fapilog_io_writev_all (int            fd,
                        struct iovec  *iov,
                        int            iovcnt,
                        const char    *what,
                        gsize         *written,
                        GError       **error)
{
  SignalGuard guard;
  gsize total = 0;
  gsize done = 0;
  int errsv = 0;
  int i;

  if (written != NULL)
    *written = 0;

  g_return_val_if_fail (iovcnt >= 0, FALSE);
  g_return_val_if_fail (iov != NULL || iovcnt == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (i = 0; i < iovcnt; i++)
    total += iov[i].iov_len;

  if (total == 0)
    return TRUE;

  if (fd < 0)
    {
      set_write_error (error, EBADF, what, 0, total);
      return FALSE;
    }

  signal_guard_enter (&guard);

  while (iovcnt > 0)
    {
      ssize_t n;

      /* Zero-length elements would make a partial write look like no
       * progress; skip them. */
      if (iov->iov_len == 0)
        {
          iov++;
          iovcnt--;
          continue;
        }

      n = writev (fd, iov, MIN (iovcnt, IOV_MAX));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              errsv = wait_writable (fd);
              if (errsv != 0)
                break;
              continue;
            }
          errsv = errno;
          break;
        }
      if (n == 0)
        {
          /* Not an error per POSIX, but no progress either; do not spin. */
          errsv = EIO;
          break;
        }

      done += (gsize) n;

      /* Advance past what was written, possibly into the middle of an
       * element. */
      while (n > 0 && iovcnt > 0)
        {
          if ((gsize) n >= iov->iov_len)
            {
              n -= (ssize_t) iov->iov_len;
              iov->iov_base = (char *) iov->iov_base + iov->iov_len;
              iov->iov_len = 0;
              iov++;
              iovcnt--;
            }
          else
            {
              iov->iov_base = (char *) iov->iov_base + n;
              iov->iov_len -= (gsize) n;
              n = 0;
            }
        }
    }

  signal_guard_leave (&guard, errsv);

  if (written != NULL)
    *written = done;

  if (errsv != 0)
    {
      set_write_error (error, errsv, what, done, total);
      return FALSE;
    }

  return TRUE;
}

gboolean
_fapilog_io_write_all (int            fd,
                       const void    *data,
                       gsize          len,
                       const char    *what,
                       gsize         *written,
                       GError       **error)
{
  struct iovec iov;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  iov.iov_base = (void *) data;
  iov.iov_len = len;

  return _fapilog_io_writev_all (fd, &iov, 1, what, written, error);
}
