/* fapilog-fields.c: typed fields captured on the caller thread
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-fields-private.h"

static const char * const context_key_names[FAPILOG_N_CONTEXT_KEYS] = {
  NULL,
  "correlation_id",
  "request_id",
  "user_id",
  "tenant_id",
  "trace_id",
  "span_id",
};

guint
_fapilog_context_key_index (const char *key,
                            gsize       key_len)
{
  /* Every context key ends in "_id" and is 7 to 14 bytes long: that rejects
   * most data keys before any string comparison. */
  if (key_len < 7 || key_len > 14 || key[key_len - 1] != 'd' ||
      key[key_len - 2] != 'i' || key[key_len - 3] != '_')
    return FAPILOG_CONTEXT_KEY_NONE;

  for (guint i = 1; i < FAPILOG_N_CONTEXT_KEYS; i++)
    {
      if (strlen (context_key_names[i]) == key_len &&
          memcmp (context_key_names[i], key, key_len) == 0)
        return i;
    }
  return FAPILOG_CONTEXT_KEY_NONE;
}

const char *
_fapilog_context_key_name (guint index_)
{
  g_return_val_if_fail (index_ < FAPILOG_N_CONTEXT_KEYS, NULL);
  return context_key_names[index_];
}

void
_fapilog_field_collector_init (FapilogFieldCollector *self)
{
  self->fields = self->stack;
  self->n_fields = 0;
  self->capacity = FAPILOG_FIELD_COLLECTOR_STACK;
  self->arena_size = 0;
}

static FapilogField *
collector_push (FapilogFieldCollector *self,
                const char            *key)
{
  FapilogField *field;
  gsize key_len;

  if (G_UNLIKELY (self->n_fields == self->capacity))
    {
      guint new_capacity = self->capacity * 2;

      if (self->fields == self->stack)
        {
          self->fields = g_new (FapilogField, new_capacity);
          memcpy (self->fields, self->stack, sizeof (FapilogField) * self->n_fields);
        }
      else
        self->fields = g_renew (FapilogField, self->fields, new_capacity);
      self->capacity = new_capacity;
    }

  key_len = strlen (key);
  field = &self->fields[self->n_fields++];
  field->key = key;
  field->key_len = (guint32) MIN (key_len, G_MAXUINT32);
  field->str = NULL;
  field->str_len = 0;
  field->v.u = 0;
  self->arena_size += field->key_len + 1;
  return field;
}

static void
set_string (FapilogFieldCollector *self,
            FapilogField          *field,
            const char            *value)
{
  if (value == NULL)
    {
      field->kind = FAPILOG_FIELD_NULL;
      return;
    }
  field->kind = FAPILOG_FIELD_STRING;
  field->str = value;
  field->str_len = strlen (value);
  self->arena_size += field->str_len + 1;
}

/* GLib has no public validator for GVariant format strings. Dropping the
 * '@' and '&' modifiers turns a format into a type string, which GLib can
 * check; the '^' conversions are listed by hand. The check requires exactly
 * one value: "ii" would consume two arguments for one key and shift every
 * later key/format pair. */
static gboolean
format_is_single_value (const char *format)
{
  static const char * const conversions[] = {
    "^as", "^a&s", "^ao", "^a&o", "^ay", "^&ay", "^aay", "^a&ay",
  };
  char type[256];
  gsize n = 0;
  const char *end = NULL;

  if (format[0] == '^')
    {
      for (guint i = 0; i < G_N_ELEMENTS (conversions); i++)
        if (strcmp (format, conversions[i]) == 0)
          return TRUE;
      return FALSE;
    }

  for (const char *p = format; *p != '\0'; p++)
    {
      if (*p == '@' || *p == '&')
        continue;
      if (n + 1 >= sizeof type)
        return FALSE;
      type[n++] = *p;
    }
  type[n] = '\0';
  return n > 0 && g_variant_type_string_scan (type, NULL, &end) && *end == '\0';
}

/* Scalar formats are read straight off the va_list with the C type that
 * g_variant_new() documents for them; anything else goes through
 * g_variant_new_va(), which also advances the va_list. */
static gboolean
collect_one (FapilogFieldCollector *self,
             FapilogField          *field,
             const char            *format,
             va_list               *args)
{
  if (format[0] != '\0' && format[1] == '\0')
    {
      switch (format[0])
        {
        case 's':
          set_string (self, field, va_arg (*args, const char *));
          return TRUE;
        case 'b':
          field->kind = FAPILOG_FIELD_BOOLEAN;
          field->v.b = va_arg (*args, gboolean) ? TRUE : FALSE;
          return TRUE;
        case 'y':
          field->kind = FAPILOG_FIELD_UINT;
          field->v.u = (guchar) va_arg (*args, guint);
          return TRUE;
        case 'n':
          field->kind = FAPILOG_FIELD_INT;
          field->v.i = (gint16) va_arg (*args, gint);
          return TRUE;
        case 'q':
          field->kind = FAPILOG_FIELD_UINT;
          field->v.u = (guint16) va_arg (*args, guint);
          return TRUE;
        case 'i':
        case 'h':
          field->kind = FAPILOG_FIELD_INT;
          field->v.i = va_arg (*args, gint32);
          return TRUE;
        case 'u':
          field->kind = FAPILOG_FIELD_UINT;
          field->v.u = va_arg (*args, guint32);
          return TRUE;
        case 'x':
          field->kind = FAPILOG_FIELD_INT;
          field->v.i = va_arg (*args, gint64);
          return TRUE;
        case 't':
          field->kind = FAPILOG_FIELD_UINT;
          field->v.u = va_arg (*args, guint64);
          return TRUE;
        case 'd':
          field->kind = FAPILOG_FIELD_DOUBLE;
          field->v.d = va_arg (*args, double);
          return TRUE;
        default:
          break;
        }
    }

  {
    GVariant *value;

    if (!format_is_single_value (format))
      return FALSE;
    value = g_variant_new_va (format, NULL, args);
    if (value == NULL)
      return FALSE;
    field->kind = FAPILOG_FIELD_VARIANT;
    field->v.variant = g_variant_ref_sink (value);
  }
  return TRUE;
}

gboolean
_fapilog_field_collector_add_valist (FapilogFieldCollector *self,
                                     const char            *first_key,
                                     va_list               *args)
{
  const char *key = first_key;

  while (key != NULL)
    {
      const char *format = va_arg (*args, const char *);
      FapilogField *field = collector_push (self, key);

      if (format == NULL || !collect_one (self, field, format, args))
        {
          /* The va_list position is unknown now: record the problem in the
           * entry itself (so it is visible, not silently lost) and stop. */
          field->kind = FAPILOG_FIELD_STRING;
          field->str = "<invalid GVariant format string; remaining fields ignored>";
          field->str_len = strlen (field->str);
          self->arena_size += field->str_len + 1;
          return FALSE;
        }
      key = va_arg (*args, const char *);
    }
  return TRUE;
}

void
_fapilog_field_collector_add_variant (FapilogFieldCollector *self,
                                      const char            *key,
                                      GVariant              *value)
{
  FapilogField *field = collector_push (self, key);
  const GVariantType *type;

  if (value == NULL)
    {
      field->kind = FAPILOG_FIELD_NULL;
      return;
    }

  /* Unwrap variants and keep scalar values inline, so a field bound from a
   * binding language serializes as fast as one from C. */
  g_variant_take_ref (value);
  while (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (value);
      g_variant_unref (value);
      value = inner;
    }

  type = g_variant_get_type (value);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    {
      /* The bytes live inside @value: the field keeps the reference (as the
       * string's owner) until emit copies them into the arena. */
      field->kind = FAPILOG_FIELD_STRING;
      field->str = g_variant_get_string (value, &field->str_len);
      field->v.variant = value;
      self->arena_size += field->str_len + 1;
      return;
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    {
      field->kind = FAPILOG_FIELD_BOOLEAN;
      field->v.b = g_variant_get_boolean (value);
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    {
      field->kind = FAPILOG_FIELD_INT;
      field->v.i = g_variant_get_int32 (value);
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64))
    {
      field->kind = FAPILOG_FIELD_INT;
      field->v.i = g_variant_get_int64 (value);
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT32))
    {
      field->kind = FAPILOG_FIELD_UINT;
      field->v.u = g_variant_get_uint32 (value);
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT64))
    {
      field->kind = FAPILOG_FIELD_UINT;
      field->v.u = g_variant_get_uint64 (value);
    }
  else if (g_variant_type_equal (type, G_VARIANT_TYPE_DOUBLE))
    {
      field->kind = FAPILOG_FIELD_DOUBLE;
      field->v.d = g_variant_get_double (value);
    }
  else
    {
      field->kind = FAPILOG_FIELD_VARIANT;
      field->v.variant = value;
      return;
    }
  g_variant_unref (value);
}

void
_fapilog_field_collector_add_dict (FapilogFieldCollector *self,
                                   GVariant              *dict)
{
  GVariantIter iter;
  GVariant *child;

  if (dict == NULL)
    return;
  g_return_if_fail (g_variant_is_of_type (dict, G_VARIANT_TYPE ("a{s*}")));

  g_variant_iter_init (&iter, dict);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      GVariant *key = g_variant_get_child_value (child, 0);
      GVariant *value = g_variant_get_child_value (child, 1);
      /* The key string stays valid while @dict (which owns it) lives; the
       * collector copies it during emit, before the caller drops @dict. */
      _fapilog_field_collector_add_variant (self, g_variant_get_string (key, NULL), value);
      g_variant_unref (key);
      g_variant_unref (child);
    }
}

void
_fapilog_field_collector_add_field (FapilogFieldCollector *self,
                                    const FapilogField    *src)
{
  FapilogField *field = collector_push (self, src->key);

  field->kind = src->kind;
  field->v = src->v;
  if (src->kind == FAPILOG_FIELD_STRING)
    {
      /* Borrowed from @src's owner, which the caller keeps alive until
       * emit copies the bytes. */
      field->str = src->str;
      field->str_len = src->str_len;
      field->v.variant = NULL;
      self->arena_size += src->str_len + 1;
    }
  else if (src->kind == FAPILOG_FIELD_VARIANT)
    field->v.variant = g_variant_ref (src->v.variant);
}

void
_fapilog_field_collector_add_set (FapilogFieldCollector *self,
                                  const FapilogFieldSet *set)
{
  if (set == NULL)
    return;
  for (guint i = 0; i < set->n_fields; i++)
    _fapilog_field_collector_add_field (self, &set->fields[i]);
}

/* VARIANT fields own their value; STRING fields may own the variant their
 * bytes borrow from until they are copied into an arena. */
static void
field_release (FapilogField *field)
{
  /* Stores only when there is something to drop: the worker releases
   * entries whose blocks a caller thread fills again next, and a needless
   * store would leave those lines modified in the worker's cache, for the
   * caller to fetch from there. */
  if ((field->kind == FAPILOG_FIELD_VARIANT || field->kind == FAPILOG_FIELD_STRING) &&
      field->v.variant != NULL)
    g_clear_pointer (&field->v.variant, g_variant_unref);
}

void
_fapilog_field_collector_dedup (FapilogFieldCollector *self)
{
  guint out = 0;

  for (guint i = 0; i < self->n_fields; i++)
    {
      FapilogField *field = &self->fields[i];
      gboolean repeated = FALSE;

      for (guint j = i + 1; j < self->n_fields; j++)
        {
          if (self->fields[j].key_len == field->key_len &&
              memcmp (self->fields[j].key, field->key, field->key_len) == 0)
            {
              repeated = TRUE;
              break;
            }
        }

      if (repeated)
        {
          self->arena_size -= field->key_len + 1;
          if (field->kind == FAPILOG_FIELD_STRING)
            self->arena_size -= field->str_len + 1;
          field_release (field);
          continue;
        }
      if (out != i)
        self->fields[out] = *field;
      out++;
    }
  self->n_fields = out;
}

gsize
_fapilog_field_collector_arena_size (FapilogFieldCollector *self)
{
  return self->arena_size;
}

static const char *
arena_copy (char       **arena,
            const char  *src,
            gsize        len)
{
  char *dest = *arena;

  memcpy (dest, src, len);
  dest[len] = '\0';
  *arena += len + 1;
  return dest;
}

gboolean
_fapilog_field_collector_emit (FapilogFieldCollector *self,
                               FapilogField          *dest,
                               char                  *arena)
{
  gboolean owns = FALSE;

  for (guint i = 0; i < self->n_fields; i++)
    {
      const FapilogField *src = &self->fields[i];
      FapilogField *field = &dest[i];

      *field = *src;
      owns |= src->kind == FAPILOG_FIELD_VARIANT;
      field->key = arena_copy (&arena, src->key, src->key_len);
      if (src->kind == FAPILOG_FIELD_STRING)
        {
          field->str = arena_copy (&arena, src->str, src->str_len);
          if (src->v.variant != NULL)
            g_variant_unref (src->v.variant);
          field->v.variant = NULL;
        }
    }
  /* References moved to @dest. */
  self->n_fields = 0;
  self->arena_size = 0;
  return owns;
}

FapilogFieldSet *
_fapilog_field_collector_to_set (FapilogFieldCollector *self)
{
  FapilogFieldSet *set;
  guint n = self->n_fields;

  set = g_malloc (sizeof (FapilogFieldSet) + sizeof (FapilogField) * n + self->arena_size);
  set->ref_count = 1;
  set->n_fields = n;
  _fapilog_field_collector_emit (self, set->fields, (char *) (set->fields + n));
  return set;
}

void
_fapilog_field_collector_clear (FapilogFieldCollector *self)
{
  for (guint i = 0; i < self->n_fields; i++)
    field_release (&self->fields[i]);
  if (self->fields != self->stack)
    g_free (self->fields);
  self->fields = self->stack;
  self->n_fields = 0;
  self->capacity = FAPILOG_FIELD_COLLECTOR_STACK;
  self->arena_size = 0;
}

FapilogFieldSet *
_fapilog_field_set_ref (FapilogFieldSet *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
_fapilog_field_set_unref (FapilogFieldSet *self)
{
  if (self != NULL && g_atomic_int_dec_and_test (&self->ref_count))
    {
      _fapilog_fields_release (self->fields, self->n_fields);
      g_free (self);
    }
}

void
_fapilog_fields_release (FapilogField *fields,
                         guint         n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    field_release (&fields[i]);
}

GVariant *
_fapilog_field_to_variant (const FapilogField *field)
{
  GVariant *value;

  switch ((FapilogFieldKind) field->kind)
    {
    case FAPILOG_FIELD_STRING:
      /* Captured strings are not validated on the caller thread. */
      if (g_utf8_validate_len (field->str, field->str_len, NULL))
        value = g_variant_new_string (field->str);
      else
        value = g_variant_new_take_string (g_utf8_make_valid (field->str, field->str_len));
      break;
    case FAPILOG_FIELD_INT:
      value = g_variant_new_int64 (field->v.i);
      break;
    case FAPILOG_FIELD_UINT:
      value = g_variant_new_uint64 (field->v.u);
      break;
    case FAPILOG_FIELD_DOUBLE:
      value = g_variant_new_double (field->v.d);
      break;
    case FAPILOG_FIELD_BOOLEAN:
      value = g_variant_new_boolean (field->v.b);
      break;
    case FAPILOG_FIELD_VARIANT:
      return g_variant_ref (field->v.variant);
    case FAPILOG_FIELD_NULL:
    default:
      value = g_variant_new_maybe (G_VARIANT_TYPE_STRING, NULL);
      break;
    }
  return g_variant_ref_sink (value);
}
