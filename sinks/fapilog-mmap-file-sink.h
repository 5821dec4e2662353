/* fapilog-mmap-file-sink.h: JSON lines appended to a memory-mapped file
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include "fapilog-sink.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_MMAP_FILE_SINK (fapilog_mmap_file_sink_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogMmapFileSink, fapilog_mmap_file_sink, FAPILOG, MMAP_FILE_SINK, GObject)

FAPILOG_AVAILABLE_IN_1_0
FapilogSink *fapilog_mmap_file_sink_new (const char *path);

G_END_DECLS
