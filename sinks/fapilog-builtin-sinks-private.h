/* fapilog-builtin-sinks-private.h: registration of the sinks shipped in the library
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers every built-in sink name with the sink registry. Called once by
 * the registry before its first use. */
void _fapilog_builtin_sinks_register (void);

G_END_DECLS
