/* fapilog-fields-private.h: typed fields captured on the caller thread
 *
 * Fields are captured without building GVariants for the common scalar
 * types: a key, a kind and an inline value. Keys and strings are copied into
 * an arena owned by whoever owns the field array (an entry or a field set),
 * so the caller's buffers can be reused as soon as the log call returns.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FAPILOG_FIELD_STRING,
  FAPILOG_FIELD_INT,
  FAPILOG_FIELD_UINT,
  FAPILOG_FIELD_DOUBLE,
  FAPILOG_FIELD_BOOLEAN,
  FAPILOG_FIELD_NULL,
  FAPILOG_FIELD_VARIANT,   /* any other GVariant; the field owns one reference */
} FapilogFieldKind;

typedef struct {
  const char *key;
  const char *str;         /* FAPILOG_FIELD_STRING only: str_len bytes, NUL-terminated once
                            * emitted into an arena (the bytes may be invalid UTF-8) */
  gsize       str_len;
  union {
    gint64    i;
    guint64   u;
    double    d;
    gboolean  b;
    GVariant *variant;     /* VARIANT: the value; STRING: the owner of str while
                            * in a collector (NULL once emitted) */
  } v;
  guint32     key_len;
  guint8      kind;        /* FapilogFieldKind */
} FapilogField;

/* Keys that belong in the envelope's "context" object rather than "data".
 * Index 0 means "not a context key". */
enum {
  FAPILOG_CONTEXT_KEY_NONE = 0,
  FAPILOG_CONTEXT_KEY_CORRELATION_ID,
  FAPILOG_CONTEXT_KEY_REQUEST_ID,
  FAPILOG_CONTEXT_KEY_USER_ID,
  FAPILOG_CONTEXT_KEY_TENANT_ID,
  FAPILOG_CONTEXT_KEY_TRACE_ID,
  FAPILOG_CONTEXT_KEY_SPAN_ID,
  FAPILOG_N_CONTEXT_KEYS,
};

guint        _fapilog_context_key_index (const char *key,
                                         gsize       key_len);
const char  *_fapilog_context_key_name  (guint       index_);

/* An immutable, reference-counted set of fields (logger-bound fields,
 * thread context). One allocation: header, field array, then the arena. */
typedef struct {
  gint         ref_count;
  guint        n_fields;
  FapilogField fields[];
} FapilogFieldSet;

FapilogFieldSet *_fapilog_field_set_ref   (FapilogFieldSet *self);
void             _fapilog_field_set_unref (FapilogFieldSet *self);

/* Collects fields on the stack during one call, then copies them into their
 * final home with one allocation. Strings are borrowed until emitted. */
#define FAPILOG_FIELD_COLLECTOR_STACK 16
typedef struct {
  FapilogField *fields;
  guint         n_fields;
  guint         capacity;
  gsize         arena_size;
  FapilogField  stack[FAPILOG_FIELD_COLLECTOR_STACK];
} FapilogFieldCollector;

void      _fapilog_field_collector_init        (FapilogFieldCollector *self);
/* Parses "key", "format", value..., NULL. Stops at a NULL key. A key with an
 * invalid format string is recorded as a string field describing the
 * problem (and the rest of the list is abandoned, since the va_list position
 * is unknown); returns FALSE in that case. */
gboolean  _fapilog_field_collector_add_valist  (FapilogFieldCollector *self,
                                                const char            *first_key,
                                                va_list               *args);
/* Adds every member of an a{sv} (or any a{s*}) dictionary. */
void      _fapilog_field_collector_add_dict    (FapilogFieldCollector *self,
                                                GVariant              *dict);
/* Adds one field whose value is a GVariant; takes ownership of @value
 * (g_variant_take_ref semantics: a floating reference is sunk, a full one
 * is stolen). @key is borrowed until emit. */
void      _fapilog_field_collector_add_variant (FapilogFieldCollector *self,
                                                const char            *key,
                                                GVariant              *value);
/* Adds a copy of one field (strings borrowed until emit). */
void      _fapilog_field_collector_add_field   (FapilogFieldCollector *self,
                                                const FapilogField    *field);
/* Adds all fields of a set (for merging bound fields). */
void      _fapilog_field_collector_add_set     (FapilogFieldCollector *self,
                                                const FapilogFieldSet *set);
/* Removes earlier fields whose key repeats later ("later wins"). */
void      _fapilog_field_collector_dedup       (FapilogFieldCollector *self);
gsize     _fapilog_field_collector_arena_size  (FapilogFieldCollector *self);
/* Copies the fields into @dest (n_fields long) and their keys and strings
 * into @arena (arena_size long); variant references move to @dest. Returns
 * whether any did: only then do the fields need _fapilog_fields_release(). */
gboolean  _fapilog_field_collector_emit        (FapilogFieldCollector *self,
                                                FapilogField          *dest,
                                                char                  *arena);
FapilogFieldSet *_fapilog_field_collector_to_set (FapilogFieldCollector *self);
/* Releases what was not emitted. */
void      _fapilog_field_collector_clear       (FapilogFieldCollector *self);

/* Releases the variant references held by @fields. */
void      _fapilog_fields_release              (FapilogField          *fields,
                                                guint                  n_fields);
/* A new (non-floating) GVariant holding the field's value. */
GVariant *_fapilog_field_to_variant            (const FapilogField    *field);

G_END_DECLS
