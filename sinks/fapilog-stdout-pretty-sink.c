/* fapilog-stdout-pretty-sink.c: human-readable lines on standard output
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "fapilog-batch.h"
#include "fapilog-context-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-fd-writer-private.h"
#include "fapilog-json-writer-private.h"
#include "fapilog-stdout-pretty-sink.h"

/**
 * FapilogStdoutPrettySink:
 *
 * The `stdout_pretty` sink: one readable line per entry, for a developer's
 * terminal.
 *
 * ```
 * 2026-11-24 10:30:00.123 | INFO     | user login user_id=u-1 attempt=3
 * ```
 *
 * The time is UTC, with milliseconds. The level is padded to eight
 * characters. After the message come the context values (`correlation_id`
 * when set, `request_id`, `user_id`, `tenant_id`, `trace_id`, `span_id`; the
 * message id is left out) and then the data fields, as `key=value`.
 * Dictionaries are flattened to `parent.child=value`. A string value that
 * is empty or holds a space, a double quote, `=` or a control character is
 * double-quoted, with C-style escapes (`\n`, `\t`, `\"`, `\\`, `\xNN`) for
 * anything that could break the line; control characters in the message are
 * escaped too, so one entry is always one line.
 *
 * An entry that carries a #GError gets a second, indented line:
 *
 * ```
 *     error: g-io-error-quark[1]: No such file or directory
 * ```
 *
 * The level is coloured with ANSI escapes when
 * [property@Fapilog.StdoutPrettySink:colors] is on, which by default it is
 * only when the descriptor is a terminal and `NO_COLOR` is not set.
 *
 * Lines are formatted on the pipeline's worker thread and written, a whole
 * batch at once, from a thread of their own, as [class@Fapilog.StdoutSink]
 * does; a closed pipe is a reported failure, never a `SIGPIPE` death. The
 * sink does not own its descriptor and never closes it.
 *
 * Since: 1.0
 */
struct _FapilogStdoutPrettySink
{
  GObject parent_instance;

  int     fd;
  gint    colors;    /* atomic: read on the worker, may be set from anywhere */
  char   *what;      /* the destination in error messages */
};

enum {
  PROP_0,
  PROP_FD,
  PROP_COLORS,
  N_PROPS,

  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

#define SINK_NAME "stdout_pretty"
#define COLOR_RESET "\033[0m"

static void fapilog_stdout_pretty_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FapilogStdoutPrettySink, fapilog_stdout_pretty_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      fapilog_stdout_pretty_sink_iface_init))

/* ---- text escaping ----------------------------------------------------- */

/* Appends @len bytes of @s with every character that could break the line
 * or fool a terminal escaped: C0 and C1 controls, DEL, U+2028/U+2029 and
 * invalid UTF-8 bytes. With @quoted, also escapes '"' and '\\'. */
static void
append_escaped (GString    *out,
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

static void
append_text_value (GString    *out,
                   const char *s,
                   gsize       len,
                   gboolean    is_string)
{
  if (needs_quotes (s, len, is_string))
    {
      g_string_append_c (out, '"');
      append_escaped (out, s, len, TRUE);
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
      append_text_value (out, key, key_len, TRUE);
      g_string_append_c (out, '=');
      return;
    }

  full = g_string_sized_new (prefix_len + 1 + key_len);
  g_string_append_len (full, prefix, prefix_len);
  g_string_append_c (full, '.');
  g_string_append_len (full, key, key_len);
  append_text_value (out, full->str, full->len, TRUE);
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

        append_text_value (out, s, len, TRUE);
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
          append_text_value (out, s != NULL ? s : "", len, TRUE);
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
    append_text_value (out, buf.data, buf.len, FALSE);
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
      append_text_value (out, field->str != NULL ? field->str : "", field->str_len, TRUE);
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

static void
append_pairs (GString      *out,
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
      append_text_value (out, entry->context->correlation_id,
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

/* ---- lines ------------------------------------------------------------- */

static const char *
level_color (FapilogLevel level)
{
  switch (level)
    {
    case FAPILOG_LEVEL_DEBUG: return "\033[90m";
    case FAPILOG_LEVEL_INFO: return "\033[34m";
    case FAPILOG_LEVEL_WARNING: return "\033[33m";
    case FAPILOG_LEVEL_ERROR: return "\033[31m";
    case FAPILOG_LEVEL_CRITICAL: return "\033[1;31m";
    case FAPILOG_LEVEL_AUDIT: return "\033[35m";
    case FAPILOG_LEVEL_SECURITY: return "\033[1;35m";
    default: return NULL;
    }
}

static void
append_entry (GString      *out,
              FapilogEntry *entry,
              gboolean      colors)
{
  char ts[25];
  const char *color = colors ? level_color (entry->level) : NULL;

  /* "2026-11-24T10:30:00.123Z" -> "2026-11-24 10:30:00.123" */
  _fapilog_format_timestamp (entry->timestamp_us, ts);
  ts[10] = ' ';
  ts[23] = '\0';
  g_string_append (out, ts);
  g_string_append (out, " | ");

  if (color != NULL)
    g_string_append (out, color);
  g_string_append_printf (out, "%-8s", fapilog_level_to_string (entry->level));
  if (color != NULL)
    g_string_append (out, COLOR_RESET);
  g_string_append (out, " | ");

  if (entry->message != NULL)
    append_escaped (out, entry->message, entry->message_len, FALSE);

  append_pairs (out, entry);
  g_string_append_c (out, '\n');

  if (entry->has_error)
    {
      const char *domain = entry->error_domain != 0 ? g_quark_to_string (entry->error_domain) : NULL;
      const char *message = entry->error_message != NULL ? entry->error_message : "";

      g_string_append_printf (out, "    error: %s[%d]: ",
                              domain != NULL ? domain : "unknown-domain",
                              entry->error_code);
      append_escaped (out, message, strlen (message), FALSE);
      g_string_append_c (out, '\n');
    }
}

static gboolean
get_colors (FapilogStdoutPrettySink *self)
{
  return g_atomic_int_get (&self->colors) != 0;
}

/* ---- FapilogSink ------------------------------------------------------- */

static void
write_text (FapilogStdoutPrettySink *self,
            gpointer                 source_tag,
            GString                 *text,
            GCancellable            *cancellable,
            GAsyncReadyCallback      callback,
            gpointer                 user_data)
{
  gsize len = text->len;
  char *data = g_string_free (text, FALSE);

  _fapilog_fd_writer_write_async (self, source_tag, self->fd, self->what,
                                  (const guint8 *) data, len, data, g_free,
                                  cancellable, callback, user_data);
}

static void
fapilog_stdout_pretty_sink_write_batch_async (FapilogSink         *sink,
                                              FapilogBatch        *batch,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (sink);
  guint n = fapilog_batch_get_n_entries (batch);
  gboolean colors = get_colors (self);
  GString *text = g_string_sized_new (128 * MAX (n, 1));

  /* Format here, on the worker; only the write leaves it. */
  for (guint i = 0; i < n; i++)
    append_entry (text, fapilog_batch_get_entry (batch, i), colors);

  write_text (self, fapilog_stdout_pretty_sink_write_batch_async, text,
              cancellable, callback, user_data);
}

static gboolean
fapilog_stdout_pretty_sink_write_batch_finish (FapilogSink   *sink,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return _fapilog_fd_writer_write_finish (sink, fapilog_stdout_pretty_sink_write_batch_async,
                                          result, error);
}

static void
fapilog_stdout_pretty_sink_write_async (FapilogSink         *sink,
                                        FapilogEntry        *entry,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (sink);
  GString *text = g_string_sized_new (128);

  append_entry (text, entry, get_colors (self));
  write_text (self, fapilog_stdout_pretty_sink_write_async, text,
              cancellable, callback, user_data);
}

static gboolean
fapilog_stdout_pretty_sink_write_finish (FapilogSink   *sink,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return _fapilog_fd_writer_write_finish (sink, fapilog_stdout_pretty_sink_write_async,
                                          result, error);
}

static gboolean
fapilog_stdout_pretty_sink_health_check (FapilogSink *sink)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (sink);

  return _fapilog_fd_writer_fd_is_healthy (self->fd);
}

static void
fapilog_stdout_pretty_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->write_async = fapilog_stdout_pretty_sink_write_async;
  iface->write_finish = fapilog_stdout_pretty_sink_write_finish;
  iface->write_batch_async = fapilog_stdout_pretty_sink_write_batch_async;
  iface->write_batch_finish = fapilog_stdout_pretty_sink_write_batch_finish;
  iface->health_check = fapilog_stdout_pretty_sink_health_check;
}

/* ---- GObject ----------------------------------------------------------- */

static void
fapilog_stdout_pretty_sink_constructed (GObject *object)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);
  const char *no_color;

  G_OBJECT_CLASS (fapilog_stdout_pretty_sink_parent_class)->constructed (object);

  if (self->fd == 1)
    self->what = g_strdup ("stdout");
  else if (self->fd == 2)
    self->what = g_strdup ("stderr");
  else
    self->what = g_strdup_printf ("fd %d", self->fd);

  /* The automatic choice; an explicit "colors" given to g_object_new() is
   * applied after this. https://no-color.org: any non-empty NO_COLOR. */
  no_color = g_getenv ("NO_COLOR");
  g_atomic_int_set (&self->colors,
                    isatty (self->fd) && (no_color == NULL || no_color[0] == '\0'));
}

static void
fapilog_stdout_pretty_sink_finalize (GObject *object)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);

  g_free (self->what);

  G_OBJECT_CLASS (fapilog_stdout_pretty_sink_parent_class)->finalize (object);
}

static void
fapilog_stdout_pretty_sink_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, SINK_NAME);
      break;

    case PROP_FD:
      g_value_set_int (value, self->fd);
      break;

    case PROP_COLORS:
      g_value_set_boolean (value, get_colors (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_stdout_pretty_sink_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);

  switch (prop_id)
    {
    case PROP_FD:
      self->fd = g_value_get_int (value);
      break;

    case PROP_COLORS:
      {
        gboolean colors = g_value_get_boolean (value);

        if (colors != get_colors (self))
          {
            g_atomic_int_set (&self->colors, colors);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_stdout_pretty_sink_class_init (FapilogStdoutPrettySinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fapilog_stdout_pretty_sink_constructed;
  object_class->finalize = fapilog_stdout_pretty_sink_finalize;
  object_class->get_property = fapilog_stdout_pretty_sink_get_property;
  object_class->set_property = fapilog_stdout_pretty_sink_set_property;

  /**
   * FapilogStdoutPrettySink:fd:
   *
   * The file descriptor written to; 1 (standard output) by default. The sink
   * does not own it and never closes it.
   *
   * Since: 1.0
   */
  properties[PROP_FD] =
    g_param_spec_int ("fd", NULL, NULL,
                      0, G_MAXINT, 1,
                      (G_PARAM_READWRITE |
                       G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS));

  /**
   * FapilogStdoutPrettySink:colors:
   *
   * Whether the level is coloured with ANSI escape sequences.
   *
   * Unless set explicitly, it is decided when the sink is created: on if
   * [property@Fapilog.StdoutPrettySink:fd] is a terminal and the `NO_COLOR`
   * environment variable is unset or empty, off otherwise. Setting it takes
   * effect from the next batch.
   *
   * Since: 1.0
   */
  properties[PROP_COLORS] =
    g_param_spec_boolean ("colors", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_stdout_pretty_sink_init (FapilogStdoutPrettySink *self)
{
  self->fd = 1;
}

/**
 * fapilog_stdout_pretty_sink_new:
 *
 * Creates a `stdout_pretty` sink writing to standard output, with colours if
 * standard output is a terminal and `NO_COLOR` is not set.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_stdout_pretty_sink_new (void)
{
  return fapilog_stdout_pretty_sink_new_for_fd (1);
}

/**
 * fapilog_stdout_pretty_sink_new_for_fd:
 * @fd: a file descriptor open for writing
 *
 * Creates a `stdout_pretty` sink writing to @fd, with colours if @fd is a
 * terminal and `NO_COLOR` is not set. The sink does not take ownership of the
 * descriptor: keep it open for as long as the sink is in use.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_stdout_pretty_sink_new_for_fd (int fd)
{
  g_return_val_if_fail (fd >= 0, NULL);

  return g_object_new (FAPILOG_TYPE_STDOUT_PRETTY_SINK,
                       "fd", fd,
                       NULL);
}
