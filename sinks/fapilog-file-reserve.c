/* fapilog-file-reserve.c: disk blocks reserved ahead of appends
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fapilog-file-reserve-private.h"

void
_fapilog_file_reserve_reset (FapilogFileReserve *self,
                             guint64             size)
{
  self->end = size;
  self->refused = FALSE;
}

void
_fapilog_file_reserve_ensure (FapilogFileReserve *self,
                              int                 fd,
                              guint64             size,
                              guint64             len,
                              guint64             limit)
{
  guint64 need = size + len;
  guint64 end;

  if (self->refused || need <= self->end)
    return;

  end = need + FAPILOG_FILE_RESERVE_STEP;
  /* Up to the size limit only; an entry larger than the limit (a file of
   * its own) gets just what it needs. */
  if (limit > 0)
    end = MAX (need, MIN (end, limit));

  if (fallocate (fd, FALLOC_FL_KEEP_SIZE, (off_t) self->end, (off_t) (end - self->end)) == 0)
    self->end = end;
  else if (errno != EINTR)
    self->refused = TRUE;
}

gboolean
_fapilog_file_reserve_release (FapilogFileReserve *self,
                               int                 fd,
                               guint64             size)
{
  gboolean reserved = self->end > size;
  struct stat st;

  self->end = size;
  if (!reserved)
    return TRUE;
  /* Truncating to the current size frees the blocks past it (ext4, xfs
   * and tmpfs all do); nothing else does without changing the size. The
   * size is the file's own, not @size: a file cut short by someone else
   * (logrotate's copytruncate) must not grow back to what we wrote. */
  if (fstat (fd, &st) != 0)
    return FALSE;
  return ftruncate (fd, st.st_size) == 0;
}

gboolean
_fapilog_file_reserve_release_leftover (int                fd,
                                        const struct stat *st)
{
  guint64 block = st->st_blksize > 0 ? (guint64) st->st_blksize : 4096;
  guint64 needed = ((guint64) st->st_size + block - 1) / block * block;

  /* One block of slack for the filesystem's own bookkeeping. */
  if (st->st_size == 0 || (guint64) st->st_blocks * 512 <= needed + block)
    return TRUE;
  return ftruncate (fd, st->st_size) == 0;
}
