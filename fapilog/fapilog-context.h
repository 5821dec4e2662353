/* fapilog-context.h: thread-scoped context captured at log time
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib.h>

#include "fapilog-version-macros.h"

G_BEGIN_DECLS

FAPILOG_AVAILABLE_IN_1_0
void        fapilog_context_set_correlation_id (const char *id);
FAPILOG_AVAILABLE_IN_1_0
char       *fapilog_context_dup_correlation_id (void);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_context_bind               (const char *key,
                                                GVariant   *value);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_context_unbind             (const char *key);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_context_clear              (void);

G_END_DECLS
