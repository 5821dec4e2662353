/* fapilog-gzip-file-private.h: gzip one file into another, durably
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Compresses @src_path into @tmp_path (created with @file_mode, whatever
 * the umask; gzip level 5) and fsyncs it. The caller renames the result
 * into place and removes the source. Checks @abort_flag (atomic, nullable)
 * between chunks and fails with G_IO_ERROR_CANCELLED when it is set. On
 * failure @tmp_path may be left behind for the caller to remove. */
gboolean _fapilog_gzip_file      (const char  *src_path,
                                  const char  *tmp_path,
                                  guint        file_mode,
                                  const gint  *abort_flag,
                                  GError     **error);

/* fsyncs a directory, so a rename in it survives a machine crash. Best
 * effort: errors are ignored. */
void     _fapilog_sync_directory (const char  *directory);

G_END_DECLS
