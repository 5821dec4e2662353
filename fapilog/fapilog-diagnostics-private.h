/* fapilog-diagnostics-private.h: fapilog's own warnings, as JSON on stderr
 *
 * Diagnostics never go through g_log (fapilog may be the installed GLib log
 * writer); they are written to fd 2 with one write() per line, rate-limited
 * per component (a token bucket of 5, refilled at 5 per second), and report
 * how many lines were suppressed when the bucket refills.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Process-wide switch; a pipeline sets it from its settings when started. */
void     _fapilog_diagnostics_set_enabled (gboolean enabled);
gboolean _fapilog_diagnostics_get_enabled (void);

/* {"ts":"...","level":"WARN","component":"sink","message":"...",<fields>}
 * Fields: key, GVariant format, value(s)..., NULL (like fapilog_logger_log). */
void     _fapilog_diag_warn (const char *component,
                             const char *message,
                             ...) G_GNUC_NULL_TERMINATED;

/* For tests: write diagnostics to @fd instead of 2 (-1 restores stderr). */
void     _fapilog_diagnostics_set_fd (int fd);

G_END_DECLS
