/* fapilog-text-format-private.h: key=value text for the text sinks
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

#include "fapilog-entry.h"

G_BEGIN_DECLS

/* Appends @len bytes of @s with every character that could break the line
 * or fool a terminal escaped: C0 and C1 controls, DEL, U+2028/U+2029 and
 * invalid UTF-8 bytes (`\n`, `\t`, `\xNN`, `\uNNNN`). With @quoted, also
 * escapes '"' and '\\'. */
void _fapilog_text_append_escaped (GString      *out,
                                   const char   *s,
                                   gsize         len,
                                   gboolean      quoted);

/* Appends a value that reads back as one token: double-quoted and escaped
 * if it is empty (for a string), or holds a space, '=', a control character,
 * a line separator, invalid UTF-8 or (with @is_string) a double quote. */
void _fapilog_text_append_value   (GString      *out,
                                   const char   *s,
                                   gsize         len,
                                   gboolean      is_string);

/* Appends " key=value" for the context values (correlation_id when set,
 * request_id, user_id, tenant_id, trace_id, span_id) and then the data
 * fields of @entry, merged as in the envelope; string-keyed dictionaries are
 * flattened to parent.child=value. */
void _fapilog_text_append_pairs   (GString      *out,
                                   FapilogEntry *entry);

G_END_DECLS
