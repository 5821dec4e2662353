/* fapilog-gzip-file.c: gzip one file into another, durably
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "fapilog-gzip-file-private.h"

#define COMPRESS_CHUNK (256 * 1024)

gboolean
_fapilog_gzip_file (const char  *src_path,
                    const char  *tmp_path,
                    guint        file_mode,
                    const gint  *abort_flag,
                    GError     **error)
{
  g_autofree guint8 *buf = NULL;
  gzFile gz = NULL;
  int in = -1, out = -1, gz_fd = -1;
  gboolean ok = FALSE;
  int errsv;

  in = open (src_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (in < 0)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   "cannot open %s: %s", src_path, g_strerror (errsv));
      return FALSE;
    }
  out = open (tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, (mode_t) file_mode);
  if (out < 0)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   "cannot create %s: %s", tmp_path, g_strerror (errsv));
      goto out;
    }
  fchmod (out, (mode_t) file_mode);

  /* gzclose() closes its descriptor; keep ours for the fsync. */
  gz_fd = dup (out);
  if (gz_fd < 0 || (gz = gzdopen (gz_fd, "wb5")) == NULL)
    {
      errsv = errno;
      if (gz_fd >= 0)
        close (gz_fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "cannot start gzip for %s: %s", tmp_path, g_strerror (errsv));
      goto out;
    }

  buf = g_malloc (COMPRESS_CHUNK);
  for (;;)
    {
      ssize_t n = read (in, buf, COMPRESS_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          errsv = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                       "cannot read %s: %s", src_path, g_strerror (errsv));
          goto out;
        }
      if (n == 0)
        break;
      if (abort_flag != NULL && g_atomic_int_get (abort_flag))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       "compression of %s cancelled by stop", src_path);
          goto out;
        }
      if (gzwrite (gz, buf, (unsigned) n) != (int) n)
        {
          int zerr;
          const char *msg = gzerror (gz, &zerr);

          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "cannot write %s: %s", tmp_path,
                       zerr == Z_ERRNO ? g_strerror (errno) : msg);
          goto out;
        }
    }

  {
    int r = gzclose (gz);

    gz = NULL;
    if (r != Z_OK)
      {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                     "cannot finish %s (zlib error %d)", tmp_path, r);
        goto out;
      }
  }
  if (fsync (out) != 0)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   "cannot sync %s: %s", tmp_path, g_strerror (errsv));
      goto out;
    }
  ok = TRUE;

out:
  if (gz != NULL)
    gzclose (gz);
  if (out >= 0 && close (out) != 0 && ok)
    {
      errsv = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   "cannot close %s: %s", tmp_path, g_strerror (errsv));
      ok = FALSE;
    }
  close (in);
  return ok;
}

void
_fapilog_sync_directory (const char *directory)
{
  int fd = open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

