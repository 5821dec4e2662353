/* fapilog-stdout-sink.h: one JSON line per entry on standard output
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include "fapilog-sink.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_STDOUT_SINK (fapilog_stdout_sink_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogStdoutSink, fapilog_stdout_sink, FAPILOG, STDOUT_SINK, GObject)

FAPILOG_AVAILABLE_IN_1_0
FapilogSink *fapilog_stdout_sink_new        (void);
FAPILOG_AVAILABLE_IN_1_0
FapilogSink *fapilog_stdout_sink_new_for_fd (int fd);

G_END_DECLS
