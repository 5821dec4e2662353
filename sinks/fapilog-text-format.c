/* fapilog-text-format.c: key=value text for the text sinks
 *
 * Shared by stdout_pretty and rotating_file (text mode), so that both write
 * values, quoting and escapes the same way.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fapilog-context-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-json-writer-private.h"
#include "fapilog-text-format-private.h"

/* ---- text escaping ----------------------------------------------------- */

/* Appends @len bytes of @s with every character that could break the line
 * or fool a terminal escaped: C0 and C1 controls, DEL, U+2028/U+2029 and
 * invalid UTF-8 bytes. With @quoted, also escapes '"' and '\\'. */
void
_fapilog_text_append_escaped (GString    *out,
                              const char *s,
                              gsize       len,
                              gboolean    quoted)
{
  const char *p = s;
  const char *end = s + len;

  while (p < end)
    {
      const char *run = p;
      gunichar c;

      /* Copy the run of characters that need nothing. */
      while (p < end)
        {
          guchar b = (guchar) *p;

          if (b < 0x20 || b == 0x7f || (quoted && (b == '"' || b == '\\')))
            break;
          if (b < 0x80)
            {
              p++;
              continue;
            }
          c = g_utf8_get_char_validated (p, end - p);
          if (c == (gunichar) -1 || c == (gunichar) -2 ||
              (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029)
            break;
          p = g_utf8_next_char (p);
        }
      if (p > run)
        g_string_append_len (out, run, p - run);
      if (p >= end)
        break;

      switch (*p)
        {
        case '\n': g_string_append (out, "\\n"); p++; continue;
        case '\r': g_string_append (out, "\\r"); p++; continue;
        case '\t': g_string_append (out, "\\t"); p++; continue;
        case '"': g_string_append (out, "\\\""); p++; continue;
        case '\\': g_string_append (out, "\\\\"); p++; continue;
        default: break;
        }

      if ((guchar) *p < 0x80)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
        }
      else
        {
          g_string_append_printf (out, "\\u%04x", c);
          p = g_utf8_next_char (p);
        }
    }
}

/* TRUE if the text must be quoted to read back as one value. @is_string:
 * a double quote only matters in strings (JSON arrays are full of them). */
static gboolean
needs_quotes (const char *s,
              gsize       len,
              gboolean    is_string)
{
  if (len == 0)
    return is_string;

  for (gsize i = 0; i < len; i++)
    {
      guchar b = (guchar) s[i];

      if (b == ' ' || b == '=' || b < 0x20 || b == 0x7f)
        return TRUE;
      if (b == '"' && is_string)
        return TRUE;
    }

  /* C1 controls, line separators and invalid UTF-8 are escaped, so quote. */
  for (const char *p = s, *end = s + len; p < end;)
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        {
          p++;
          continue;
        }
      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2 ||
          (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029)
        return TRUE;
      p = g_utf8_next_char (p);
    }

  return FALSE;
}

void
_fapilog_text_append_value (GString    *out,
                            const char *s,
                            gsize       len,
                            gboolean    is_string)
{
  if (needs_quotes (s, len, is_string))
    {
      g_string_append_c (out, '"');
      _fapilog_text_append_escaped (out, s, len, TRUE);
      g_string_append_c (out, '"');
    }
  else
    g_string_append_len (out, s, len);
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    {
      g_string_append (out, "NaN");
      return;
    }
  if (isinf (value))
    {
      g_string_append (out, value > 0 ? "inf" : "-inf");
      return;
    }

  /* The shortest of the usual precisions that reads back exactly. */
  g_ascii_formatd (buf, sizeof buf, "%.15g", value);
  if (g_ascii_strtod (buf, NULL) != value)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (out, buf);
}

/* ---- key=value pairs ---------------------------------------------------- */

static void
append_key (GString    *out,
            const char *prefix,
            gsize       prefix_len,
            const char *key,
            gsize       key_len)
{
  GString *full;

  g_string_append_c (out, ' ');
  if (prefix_len == 0)
    {
      _fapilog_text_append_value (out, key, key_len, TRUE);
      g_string_append_c (out, '=');
      return;
    }

  full = g_string_sized_new (prefix_len + 1 + key_len);
  g_string_append_len (full, prefix, prefix_len);
  g_string_append_c (full, '.');
  g_string_append_len (full, key, key_len);
  _fapilog_text_append_value (out, full->str, full->len, TRUE);
  g_string_append_c (out, '=');
  g_string_free (full, TRUE);
}

static gboolean
is_string_dict (GVariant *value)
{
  const GVariantType *type = g_variant_get_type (value);

  return g_variant_type_is_dict_entry (g_variant_type_element (type)) ?
    g_variant_type_equal (g_variant_type_key (g_variant_type_element (type)), G_VARIANT_TYPE_STRING) :
    FALSE;
}

static void append_variant_pair (GString    *out,
                                 const char *prefix,
                                 gsize       prefix_len,
                                 const char *key,
                                 gsize       key_len,
                                 GVariant   *value,
                                 guint       depth);

/* Writes the value of a leaf: scalars as text, anything composite (arrays,
 * tuples, dictionaries with non-string keys) as compact JSON. */
static void
append_variant_leaf (GString  *out,
                     GVariant *value)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
      return;
    case G_VARIANT_CLASS_BYTE:
      g_string_append_printf (out, "%u", (guint) g_variant_get_byte (value));
      return;
    case G_VARIANT_CLASS_INT16:
      g_string_append_printf (out, "%d", (int) g_variant_get_int16 (value));
      return;
    case G_VARIANT_CLASS_UINT16:
      g_string_append_printf (out, "%u", (guint) g_variant_get_uint16 (value));
      return;
    case G_VARIANT_CLASS_INT32:
      g_string_append_printf (out, "%" G_GINT32_FORMAT, g_variant_get_int32 (value));
      return;
    case G_VARIANT_CLASS_UINT32:
      g_string_append_printf (out, "%" G_GUINT32_FORMAT, g_variant_get_uint32 (value));
      return;
    case G_VARIANT_CLASS_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, g_variant_get_int64 (value));
      return;
    case G_VARIANT_CLASS_UINT64:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
      return;
    case G_VARIANT_CLASS_HANDLE:
      g_string_append_printf (out, "%" G_GINT32_FORMAT, g_variant_get_handle (value));
      return;
    case G_VARIANT_CLASS_DOUBLE:
      append_double (out, g_variant_get_double (value));
      return;
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      {
        gsize len = 0;
        const char *s = g_variant_get_string (value, &len);

        _fapilog_text_append_value (out, s, len, TRUE);
        return;
      }
    case G_VARIANT_CLASS_ARRAY:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
        {
          gsize len = 0;
          const char *s = g_variant_get_fixed_array (value, &len, 1);

          /* A bytestring usually carries its terminating NUL. */
          if (len > 0 && s[len - 1] == '\0')
            len--;
          _fapilog_text_append_value (out, s != NULL ? s : "", len, TRUE);
          return;
        }
      break;
    case G_VARIANT_CLASS_MAYBE:
    case G_VARIANT_CLASS_VARIANT:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
    default:
      break;
    }

  {
    FapilogJsonBuf buf;

    _fapilog_json_buf_init (&buf, 64);
    _fapilog_json_write_variant (&buf, value, FAPILOG_JSON_NONE);
    _fapilog_text_append_value (out, buf.data, buf.len, FALSE);
    _fapilog_json_buf_clear (&buf);
  }
}

/* Nesting deeper than this is written as JSON rather than flattened, so a
 * pathological value cannot exhaust the stack. */
#define MAX_FLATTEN_DEPTH 32

static void
append_variant_pair (GString    *out,
                     const char *prefix,
                     gsize       prefix_len,
                     const char *key,
                     gsize       key_len,
                     GVariant   *value,
                     guint       depth)
{
  /* Unwrap variants and present maybes. */
  for (;;)
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
        {
          g_autoptr(GVariant) inner = g_variant_get_variant (value);

          append_variant_pair (out, prefix, prefix_len, key, key_len, inner, depth);
          return;
        }
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_MAYBE))
        {
          g_autoptr(GVariant) inner = g_variant_get_maybe (value);

          if (inner == NULL)
            {
              append_key (out, prefix, prefix_len, key, key_len);
              g_string_append (out, "null");
              return;
            }
          append_variant_pair (out, prefix, prefix_len, key, key_len, inner, depth);
          return;
        }
      break;
    }

  if (g_variant_is_container (value) &&
      g_variant_classify (value) == G_VARIANT_CLASS_ARRAY &&
      is_string_dict (value) &&
      g_variant_n_children (value) > 0 &&
      depth < MAX_FLATTEN_DEPTH)
    {
      GString *child_prefix = g_string_sized_new (prefix_len + key_len + 1);
      GVariantIter iter;
      GVariant *child_value;
      const char *child_key;

      if (prefix_len > 0)
        {
          g_string_append_len (child_prefix, prefix, prefix_len);
          g_string_append_c (child_prefix, '.');
        }
      g_string_append_len (child_prefix, key, key_len);

      /* "a{s*}": the value type of each entry is whatever the dictionary
       * says; "@*" takes it as a GVariant without converting. */
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "{&s@*}", &child_key, &child_value))
        {
          append_variant_pair (out, child_prefix->str, child_prefix->len,
                               child_key, strlen (child_key), child_value, depth + 1);
          g_variant_unref (child_value);
        }

      g_string_free (child_prefix, TRUE);
      return;
    }

  append_key (out, prefix, prefix_len, key, key_len);
  append_variant_leaf (out, value);
}

static void
append_field (GString            *out,
              const FapilogField *field)
{
  switch ((FapilogFieldKind) field->kind)
    {
    case FAPILOG_FIELD_STRING:
      append_key (out, NULL, 0, field->key, field->key_len);
      _fapilog_text_append_value (out, field->str != NULL ? field->str : "", field->str_len, TRUE);
      break;
    case FAPILOG_FIELD_INT:
      append_key (out, NULL, 0, field->key, field->key_len);
      g_string_append_printf (out, "%" G_GINT64_FORMAT, field->v.i);
      break;
    case FAPILOG_FIELD_UINT:
      append_key (out, NULL, 0, field->key, field->key_len);
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, field->v.u);
      break;
    case FAPILOG_FIELD_DOUBLE:
      append_key (out, NULL, 0, field->key, field->key_len);
      append_double (out, field->v.d);
      break;
    case FAPILOG_FIELD_BOOLEAN:
      append_key (out, NULL, 0, field->key, field->key_len);
      g_string_append (out, field->v.b ? "true" : "false");
      break;
    case FAPILOG_FIELD_VARIANT:
      if (field->v.variant != NULL)
        {
          append_variant_pair (out, NULL, 0, field->key, field->key_len, field->v.variant, 0);
          break;
        }
      G_GNUC_FALLTHROUGH;
    case FAPILOG_FIELD_NULL:
    default:
      append_key (out, NULL, 0, field->key, field->key_len);
      g_string_append (out, "null");
      break;
    }
}

/* The fields of an entry come from three places: the thread context at the
 * time of the call, the logger's bound fields and the call itself, in
 * increasing precedence. As in the JSON envelope, a key keeps the position of
 * its first occurrence and takes the value of its last; context keys go to
 * the context group, the rest to data. */

#define SMALL_FIELD_COUNT 32

static gboolean
same_key (const FapilogField *a,
          const FapilogField *b)
{
  return a->key_len == b->key_len && memcmp (a->key, b->key, a->key_len) == 0;
}

/* pick[i]: the index of the last field with the key of field i if i is that
 * key's first occurrence, else G_MAXUINT. */
static void
pick_winners (const FapilogField **all,
              guint                n,
              guint               *pick)
{
  for (guint i = 0; i < n; i++)
    pick[i] = i;

  if (n <= SMALL_FIELD_COUNT)
    {
      for (guint i = 0; i < n; i++)
        {
          if (pick[i] == G_MAXUINT)
            continue;
          for (guint j = i + 1; j < n; j++)
            {
              if (pick[j] != G_MAXUINT && same_key (all[i], all[j]))
                {
                  pick[i] = j;
                  pick[j] = G_MAXUINT;
                }
            }
        }
    }
  else
    {
      /* key -> index + 1 of its first occurrence */
      GHashTable *first = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < n; i++)
        {
          char *key = g_strndup (all[i]->key, all[i]->key_len);
          guint f = GPOINTER_TO_UINT (g_hash_table_lookup (first, key));

          if (f == 0)
            g_hash_table_insert (first, key, GUINT_TO_POINTER (i + 1));
          else
            {
              pick[f - 1] = i;
              pick[i] = G_MAXUINT;
              g_free (key);
            }
        }
      g_hash_table_unref (first);
    }
}

void
_fapilog_text_append_pairs (GString      *out,
                            FapilogEntry *entry)
{
  const FapilogField *context_fields[FAPILOG_N_CONTEXT_KEYS] = { NULL, };
  const FapilogFieldSet *ctx_set = entry->context != NULL ? entry->context->fields : NULL;
  const FapilogFieldSet *bound = entry->core != NULL ? entry->core->bound : NULL;
  const FapilogField *small_all[SMALL_FIELD_COUNT];
  guint small_pick[SMALL_FIELD_COUNT];
  const FapilogField **all = small_all;
  guint *pick = small_pick;
  guint total = entry->n_fields;
  guint n = 0;

  if (ctx_set != NULL)
    total += ctx_set->n_fields;
  if (bound != NULL)
    total += bound->n_fields;
  if (total > SMALL_FIELD_COUNT)
    {
      all = g_new (const FapilogField *, total);
      pick = g_new (guint, total);
    }

  if (ctx_set != NULL)
    for (guint i = 0; i < ctx_set->n_fields; i++)
      all[n++] = &ctx_set->fields[i];
  if (bound != NULL)
    for (guint i = 0; i < bound->n_fields; i++)
      all[n++] = &bound->fields[i];
  for (guint i = 0; i < entry->n_fields; i++)
    all[n++] = &entry->fields[i];

  pick_winners (all, n, pick);

  for (guint i = 0; i < n; i++)
    {
      guint k;

      if (pick[i] == G_MAXUINT)
        continue;
      k = _fapilog_context_key_index (all[i]->key, all[i]->key_len);
      if (k != FAPILOG_CONTEXT_KEY_NONE && k < FAPILOG_N_CONTEXT_KEYS)
        context_fields[k] = all[pick[i]];
    }

  /* Context: correlation_id only when set, never the message id. */
  if (context_fields[FAPILOG_CONTEXT_KEY_CORRELATION_ID] != NULL)
    append_field (out, context_fields[FAPILOG_CONTEXT_KEY_CORRELATION_ID]);
  else if (entry->context != NULL && entry->context->correlation_id != NULL)
    {
      g_string_append (out, " correlation_id=");
      _fapilog_text_append_value (out, entry->context->correlation_id,
                         entry->context->correlation_id_len, TRUE);
    }
  for (guint k = FAPILOG_CONTEXT_KEY_CORRELATION_ID + 1; k < FAPILOG_N_CONTEXT_KEYS; k++)
    {
      if (context_fields[k] != NULL)
        append_field (out, context_fields[k]);
    }

  /* Data. */
  for (guint i = 0; i < n; i++)
    {
      if (pick[i] == G_MAXUINT ||
          _fapilog_context_key_index (all[i]->key, all[i]->key_len) != FAPILOG_CONTEXT_KEY_NONE)
        continue;
      append_field (out, all[pick[i]]);
    }

  if (all != small_all)
    {
      g_free (all);
      g_free (pick);
    }
}

