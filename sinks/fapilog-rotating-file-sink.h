/* fapilog-rotating-file-sink.h: JSON lines (or text) in files that rotate
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include "fapilog-sink.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_ROTATING_FILE_SINK (fapilog_rotating_file_sink_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogRotatingFileSink, fapilog_rotating_file_sink, FAPILOG, ROTATING_FILE_SINK, GObject)

FAPILOG_AVAILABLE_IN_1_0
FapilogSink *fapilog_rotating_file_sink_new              (const char              *directory);
FAPILOG_AVAILABLE_IN_1_0
void         fapilog_rotating_file_sink_rotate           (FapilogRotatingFileSink *self);
FAPILOG_AVAILABLE_IN_1_0
void         fapilog_rotating_file_sink_reopen           (FapilogRotatingFileSink *self);
FAPILOG_AVAILABLE_IN_1_0
char        *fapilog_rotating_file_sink_dup_current_path (FapilogRotatingFileSink *self);

G_END_DECLS
