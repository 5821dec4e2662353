/* fapilog-fallback-private.h: where entries go when a sink fails them
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-batch.h"

G_BEGIN_DECLS

/* Writes entries [first, first + n) of @batch to stderr, one JSON line each,
 * with secret-looking keys masked ("minimal" masking), and emits one
 * diagnostic naming the sink and the error. Never fails loudly: if stderr
 * itself fails, a diagnostic says the entries are lost. */
void _fapilog_fallback_write (const char   *sink_name,
                              const GError *error,
                              FapilogBatch *batch,
                              guint         first,
                              guint         n);

/* For tests: send fallback lines to @fd instead of 2 (-1 restores stderr). */
void _fapilog_fallback_set_fd (int fd);

G_END_DECLS
