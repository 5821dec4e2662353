/* fapilog-entry-json.c: an entry as JSON text, as a JsonNode, and by path
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-context-private.h"

/**
 * fapilog_entry_to_json:
 * @self: a #FapilogEntry
 *
 * Renders @self as its JSON envelope: one object on one line, without a
 * trailing newline, with the keys `timestamp`, `level`, `message`, `logger`,
 * `context`, `diagnostics` and `data` in that order. The text is the same as
 * the line a sink receives in a [struct@Fapilog.Batch].
 *
 * The message id is assigned first if the entry does not have one yet.
 *
 * Returns: (transfer full): the JSON text, always valid UTF-8
 *
 * Since: 1.0
 */
char *
fapilog_entry_to_json (FapilogEntry *self)
{
  FapilogJsonBuf buf;

  g_return_val_if_fail (self != NULL, NULL);

  _fapilog_json_buf_init (&buf, 512 + self->message_len);
  _fapilog_envelope_write (&buf, self, FAPILOG_JSON_NONE);

  return _fapilog_json_buf_steal (&buf, NULL);
}

/**
 * fapilog_entry_to_json_node:
 * @self: a #FapilogEntry
 *
 * Returns the JSON envelope of @self (see [method@Fapilog.Entry.to_json]) as
 * a json-glib tree, for sinks and bindings that want to inspect or transform
 * it. Building the tree costs far more than the text form; sinks that only
 * write bytes should use the serialized data of the batch instead.
 *
 * Returns: (transfer full) (nullable): a JSON object node, or %NULL on an
 *   internal error (never expected)
 *
 * Since: 1.0
 */
JsonNode *
fapilog_entry_to_json_node (FapilogEntry *self)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  text = fapilog_entry_to_json (self);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, &error))
    {
      /* The writer only produces valid JSON; reaching this is a bug. */
      g_critical ("fapilog: cannot parse the envelope: %s", error->message);
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                   */

/* A GVariant string must be valid UTF-8 without NUL bytes; the envelope's
 * strings are any bytes. Invalid sequences and NULs become U+FFFD. */
static GVariant *
string_variant (const char *s,
                gsize       len)
{
  GString *out;
  const char *p = s;
  const char *end = s + len;
  const char *stop;

  if (s == NULL)
    return NULL;

  if (g_utf8_validate_len (s, len, NULL))
    return g_variant_new_take_string (g_strndup (s, len));

  out = g_string_sized_new (len + 8);
  while (p < end)
    {
      if (g_utf8_validate_len (p, end - p, &stop))
        {
          g_string_append_len (out, p, end - p);
          break;
        }

      g_string_append_len (out, p, stop - p);
      g_string_append (out, "\xEF\xBF\xBD");
      p = stop + 1;
    }

  return g_variant_new_take_string (g_string_free (out, FALSE));
}

static GVariant *
cstring_variant (const char *s)
{
  return s != NULL ? string_variant (s, strlen (s)) : NULL;
}

/* The winning (last) field for @key across the thread context, the bound
 * fields and the call fields, searching backwards from the last source. */
static const FapilogField *
find_field (FapilogEntry *self,
            const char   *key,
            gsize         key_len)
{
  const FapilogFieldSet *sets[2];
  guint s, i;

  for (i = self->n_fields; i > 0; i--)
    {
      const FapilogField *f = &self->fields[i - 1];

      if (f->key_len == key_len && memcmp (f->key, key, key_len) == 0)
        return f;
    }

  sets[0] = self->core != NULL ? self->core->bound : NULL;
  sets[1] = self->context != NULL ? self->context->fields : NULL;

  for (s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      if (sets[s] == NULL)
        continue;
      for (i = sets[s]->n_fields; i > 0; i--)
        {
          const FapilogField *f = &sets[s]->fields[i - 1];

          if (f->key_len == key_len && memcmp (f->key, key, key_len) == 0)
            return f;
        }
    }

  return NULL;
}

static GVariant *
unwrap (GVariant *value)
{
  /* Variants and "just" maybes are transparent in the envelope too. */
  for (;;)
    {
      GVariant *inner;

      if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
        inner = g_variant_get_variant (value);
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_MAYBE))
        inner = g_variant_get_maybe (value);
      else
        return value;

      g_variant_unref (value);
      if (inner == NULL)
        return NULL;
      value = inner;
    }
}

/* The member @key of dictionary @dict, matching keys by their envelope text:
 * strings as they are, numbers and booleans as their JSON text. */
static GVariant *
dict_member (GVariant   *dict,
             const char *key,
             gsize       key_len)
{
  gsize n = g_variant_n_children (dict);
  gsize i;
  GVariant *found = NULL;

  /* The last match wins, as a JSON reader would see it. */
  for (i = 0; i < n; i++)
    {
      GVariant *entry = g_variant_get_child_value (dict, i);
      GVariant *k = g_variant_get_child_value (entry, 0);
      gboolean match;

      if (g_variant_is_of_type (k, G_VARIANT_TYPE_STRING) ||
          g_variant_is_of_type (k, G_VARIANT_TYPE_OBJECT_PATH) ||
          g_variant_is_of_type (k, G_VARIANT_TYPE_SIGNATURE))
        {
          gsize len;
          const char *s = g_variant_get_string (k, &len);

          match = len == key_len && memcmp (s, key, len) == 0;
        }
      else
        {
          FapilogJsonBuf text;

          _fapilog_json_buf_init (&text, 32);
          _fapilog_json_write_variant (&text, k, FAPILOG_JSON_NONE);
          match = text.len == key_len && memcmp (text.data, key, key_len) == 0;
          _fapilog_json_buf_clear (&text);
        }

      if (match)
        {
          g_clear_pointer (&found, g_variant_unref);
          found = g_variant_get_child_value (entry, 1);
        }

      g_variant_unref (k);
      g_variant_unref (entry);
    }

  return found;
}

/* Descends from @value (owned) along the dot-separated @path. Dictionary
 * keys may themselves contain dots, so the longest key that matches a
 * prefix of the path is tried first. Arrays and tuples accept a decimal
 * index. Returns an owned value or NULL. */
static GVariant *
descend (GVariant   *value,
         const char *path)
{
  gsize path_len;
  gssize cut;

  value = unwrap (value);
  if (value == NULL || *path == '\0')
    return value;

  path_len = strlen (path);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DICTIONARY))
    {
      for (cut = path_len; cut > 0; cut--)
        {
          GVariant *member;

          if (cut != (gssize) path_len && path[cut] != '.')
            continue;

          member = dict_member (value, path, cut);
          if (member != NULL)
            {
              GVariant *result = descend (member, cut == (gssize) path_len ? "" : path + cut + 1);

              if (result != NULL)
                {
                  g_variant_unref (value);
                  return result;
                }
            }
        }
    }
  else if ((g_variant_is_of_type (value, G_VARIANT_TYPE_ARRAY) &&
            !g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING)) ||
           g_variant_is_of_type (value, G_VARIANT_TYPE_TUPLE) ||
           g_variant_is_of_type (value, G_VARIANT_TYPE_DICT_ENTRY))
    {
      const char *dot = strchr (path, '.');
      gsize seg_len = dot != NULL ? (gsize) (dot - path) : path_len;
      guint64 index_ = 0;
      gsize i;

      for (i = 0; i < seg_len; i++)
        {
          if (!g_ascii_isdigit (path[i]) || index_ > G_MAXUINT32)
            break;
          index_ = index_ * 10 + (guint64) (path[i] - '0');
        }

      if (seg_len > 0 && i == seg_len && index_ < g_variant_n_children (value))
        {
          GVariant *child = g_variant_get_child_value (value, index_);

          g_variant_unref (value);
          return descend (child, dot != NULL ? dot + 1 : "");
        }
    }

  g_variant_unref (value);
  return NULL;
}

/* Finds the winning non-context field whose key is the longest prefix of
 * @path (at a dot boundary), then descends into it with the rest. */
static GVariant *
lookup_data (FapilogEntry *self,
             const char   *path)
{
  gsize path_len = strlen (path);
  gssize cut;

  for (cut = path_len; cut > 0; cut--)
    {
      const FapilogField *field;
      GVariant *result;

      if (cut != (gssize) path_len && path[cut] != '.')
        continue;
      if (_fapilog_context_key_index (path, cut) != FAPILOG_CONTEXT_KEY_NONE)
        continue;   /* rendered under "context", not "data" */

      field = find_field (self, path, cut);
      if (field == NULL)
        continue;

      result = descend (_fapilog_field_to_variant (field),
                        cut == (gssize) path_len ? "" : path + cut + 1);
      if (result != NULL)
        return result;
    }

  return NULL;
}

static GVariant *
lookup_context (FapilogEntry *self,
                const char   *key)
{
  const FapilogField *field;
  guint k;

  if (g_str_equal (key, "message_id"))
    return g_variant_new_string (fapilog_entry_get_message_id (self));

  k = _fapilog_context_key_index (key, strlen (key));
  if (k == FAPILOG_CONTEXT_KEY_NONE)
    return NULL;

  field = find_field (self, key, strlen (key));
  if (field != NULL)
    return unwrap (_fapilog_field_to_variant (field));

  if (k == FAPILOG_CONTEXT_KEY_CORRELATION_ID &&
      self->context != NULL && self->context->correlation_id != NULL)
    return string_variant (self->context->correlation_id,
                           self->context->correlation_id_len);

  return NULL;
}

static GVariant *
lookup_diagnostics (FapilogEntry *self,
                    const char   *key)
{
  FapilogEnvelopeStatics *statics;

  statics = (self->core != NULL && self->core->statics != NULL)
              ? self->core->statics : _fapilog_envelope_statics_default ();

  if (g_str_equal (key, "service"))
    return cstring_variant (statics->service);
  if (g_str_equal (key, "env"))
    return cstring_variant (statics->env);
  if (g_str_equal (key, "version"))
    return cstring_variant (statics->version);
  if (g_str_equal (key, "host"))
    return cstring_variant (statics->host);
  if (g_str_equal (key, "pid"))
    return g_variant_new_int64 (statics->pid);

  /* Same presence rules as the envelope: origin only with a file. */
  if (g_str_has_prefix (key, "origin.") && self->code_file != NULL)
    {
      key += strlen ("origin.");
      if (g_str_equal (key, "file"))
        return cstring_variant (self->code_file);
      if (g_str_equal (key, "line") && self->code_line > 0)
        return g_variant_new_int32 (self->code_line);
      if (g_str_equal (key, "function"))
        return cstring_variant (self->code_func);
      return NULL;
    }

  if (g_str_has_prefix (key, "exception.") && self->has_error)
    {
      key += strlen ("exception.");
      if (g_str_equal (key, "domain"))
        return cstring_variant (g_quark_to_string (self->error_domain));
      if (g_str_equal (key, "code"))
        return g_variant_new_int32 (self->error_code);
      if (g_str_equal (key, "message"))
        return cstring_variant (self->error_message != NULL ? self->error_message : "");
      return NULL;
    }

  return NULL;
}

/**
 * fapilog_entry_lookup:
 * @self: a #FapilogEntry
 * @path: a dot-separated path into the envelope, such as `"data.user_id"`
 *
 * Looks up one value of the entry's envelope (see
 * [method@Fapilog.Entry.to_json]) without rendering it. Recognised paths:
 *
 * - `timestamp` (the RFC 3339 string), `level` (the level name), `message`,
 *   `logger`
 * - `context.message_id`, `context.correlation_id`, `context.request_id`,
 *   `context.user_id`, `context.tenant_id`, `context.trace_id`,
 *   `context.span_id`
 * - `data.KEY`, and `data.KEY.SUBKEY...` to descend into dictionaries (such as
 *   `a{sv}`), variants, and arrays or tuples by decimal index
 * - `diagnostics.service`, `diagnostics.env`, `diagnostics.version`,
 *   `diagnostics.host`, `diagnostics.pid`
 * - `diagnostics.origin.file`, `diagnostics.origin.line`,
 *   `diagnostics.origin.function`
 * - `diagnostics.exception.domain`, `diagnostics.exception.code`,
 *   `diagnostics.exception.message`
 *
 * Fields given more than once (thread context, then logger-bound fields,
 * then the fields of the call) resolve as in the envelope: the last one
 * wins. Strings are returned as valid UTF-8 (invalid bytes become U+FFFD).
 * Values that are absent or `null` in the envelope give %NULL.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if @path names
 *   nothing
 *
 * Since: 1.0
 */
GVariant *
fapilog_entry_lookup (FapilogEntry *self,
                      const char   *path)
{
  GVariant *result = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (g_str_has_prefix (path, "data."))
    {
      result = lookup_data (self, path + strlen ("data."));
    }
  else if (g_str_has_prefix (path, "context."))
    {
      result = lookup_context (self, path + strlen ("context."));
    }
  else if (g_str_has_prefix (path, "diagnostics."))
    {
      result = lookup_diagnostics (self, path + strlen ("diagnostics."));
    }
  else if (g_str_equal (path, "timestamp"))
    {
      char ts[25];

      _fapilog_format_timestamp (self->timestamp_us, ts);
      result = g_variant_new_string (ts);
    }
  else if (g_str_equal (path, "level"))
    {
      const char *name = fapilog_level_to_string (self->level);

      result = name != NULL ? g_variant_new_string (name) : NULL;
    }
  else if (g_str_equal (path, "message"))
    {
      result = string_variant (self->message != NULL ? self->message : "",
                               self->message != NULL ? self->message_len : 0);
    }
  else if (g_str_equal (path, "logger"))
    {
      result = (self->core != NULL && self->core->name != NULL)
                 ? string_variant (self->core->name, self->core->name_len)
                 : g_variant_new_string ("");
    }

  /* Sinks the values made here; those taken from the fields or their
   * children are already full, non-floating references. */
  return result != NULL ? g_variant_take_ref (result) : NULL;
}
