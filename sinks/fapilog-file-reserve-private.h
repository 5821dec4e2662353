/* fapilog-file-reserve-private.h: disk blocks reserved ahead of appends
 *
 * A buffered append to a file on ext4 reserves its blocks page by page
 * (delayed allocation), and that bookkeeping costs a quarter of the
 * write() itself. Blocks reserved beforehand with
 * fallocate (FALLOC_FL_KEEP_SIZE) skip it. The size the file reports does
 * not change: readers, rotation and retention see only what was written.
 * The blocks past the end are given back when the file is closed.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <sys/stat.h>
#include <glib.h>

G_BEGIN_DECLS

/* Each reservation covers the coming write and this much beyond it, up to
 * the file's size limit. */
#define FAPILOG_FILE_RESERVE_STEP (4 * 1024 * 1024)

typedef struct {
  guint64  end;       /* blocks are reserved up to this offset */
  gboolean refused;   /* the filesystem said no: don't ask again */
} FapilogFileReserve;

/* A file just opened (or cut back) that is @size bytes long and has no
 * blocks reserved past that. */
void     _fapilog_file_reserve_reset   (FapilogFileReserve *self,
                                        guint64             size);
/* Before appending @len bytes to a file of @size bytes: makes sure blocks
 * are reserved for them, asking for FAPILOG_FILE_RESERVE_STEP more but not
 * past @limit (0: no limit). Best effort: a refusal (no support, no space,
 * a quota) only turns reservations off for this file; the write goes
 * ahead and reports its own errors. */
void     _fapilog_file_reserve_ensure  (FapilogFileReserve *self,
                                        int                 fd,
                                        guint64             size,
                                        guint64             len,
                                        guint64             limit);
/* Gives back the blocks reserved past the end of the file (@size is what
 * we wrote; the file's own size is used for the cut), before it is closed.
 * Returns FALSE, with errno set, if the fstat() or ftruncate() failed. */
gboolean _fapilog_file_reserve_release (FapilogFileReserve *self,
                                        int                 fd,
                                        guint64             size);

/* For a file found at start (@st from fstat() on @fd): gives back the
 * blocks a killed run left reserved past its end, if it holds more than
 * its size needs. Returns FALSE, with errno set, if the ftruncate()
 * failed. */
gboolean _fapilog_file_reserve_release_leftover (int                fd,
                                                 const struct stat *st);

G_END_DECLS
