/* fapilog-envelope.c: an entry rendered as the JSON envelope, and its timestamp
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fapilog-envelope-private.h"
#include "fapilog-context-private.h"

/* ------------------------------------------------------------------------ */
/* Statics                                                                  */

static FapilogEnvelopeStatics *default_statics;

#define CORRELATION_KEY ",\"correlation_id\":"

static void
render_diag_prefix (FapilogEnvelopeStatics *self)
{
  FapilogJsonBuf buf;

  _fapilog_json_buf_init (&buf, 128);
  _fapilog_json_buf_append_literal (&buf, "\"diagnostics\":{\"service\":");
  _fapilog_json_write_string (&buf, self->service, strlen (self->service));
  _fapilog_json_buf_append_literal (&buf, ",\"env\":");
  _fapilog_json_write_string (&buf, self->env, strlen (self->env));
  if (self->version != NULL)
    {
      _fapilog_json_buf_append_literal (&buf, ",\"version\":");
      _fapilog_json_write_string (&buf, self->version, strlen (self->version));
    }
  _fapilog_json_buf_append_literal (&buf, ",\"host\":");
  _fapilog_json_write_string (&buf, self->host, strlen (self->host));
  _fapilog_json_buf_append_literal (&buf, ",\"pid\":");
  _fapilog_json_write_int (&buf, self->pid);

  self->diag_prefix = _fapilog_json_buf_steal (&buf, &self->diag_prefix_len);

  _fapilog_json_buf_init (&buf, 32 + self->diag_prefix_len);
  _fapilog_json_buf_append_literal (&buf, CORRELATION_KEY "null},");
  _fapilog_json_buf_append_len (&buf, self->diag_prefix, self->diag_prefix_len);
  self->plain_tail = _fapilog_json_buf_steal (&buf, &self->plain_tail_len);
}

/* Empty strings count as unset: `FAPILOG_VERSION=` in a unit file should not
 * produce "version":"". */
static const char *
non_empty (const char *s)
{
  return (s != NULL && *s != '\0') ? s : NULL;
}

FapilogEnvelopeStatics *
_fapilog_envelope_statics_new (const char *service,
                               const char *env,
                               const char *version)
{
  FapilogEnvelopeStatics *self = g_new0 (FapilogEnvelopeStatics, 1);

  service = non_empty (service);
  env = non_empty (env);

  self->ref_count = 1;
  self->service = g_strdup (service != NULL ? service : "fapilog");
  self->env = g_strdup (env != NULL ? env : "dev");
  self->version = g_strdup (non_empty (version));
  self->host = g_strdup (g_get_host_name ());
  self->pid = (gint64) getpid ();
  render_diag_prefix (self);

  return self;
}

/* The shared default lives for the whole process: it is returned without a
 * new reference (transfer none), and ref/unref on it are accepted but never
 * free it, so callers may treat it either way. */
FapilogEnvelopeStatics *
_fapilog_envelope_statics_default (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      const char *env = non_empty (g_getenv ("FAPILOG_ENV"));

      if (env == NULL)
        env = g_getenv ("ENV");

      default_statics = _fapilog_envelope_statics_new (g_getenv ("FAPILOG_SERVICE"),
                                                       env,
                                                       g_getenv ("FAPILOG_VERSION"));
      g_once_init_leave (&once, 1);
    }

  return default_statics;
}

FapilogEnvelopeStatics *
_fapilog_envelope_statics_ref (FapilogEnvelopeStatics *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
_fapilog_envelope_statics_unref (FapilogEnvelopeStatics *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  if (self == default_statics)
    {
      /* Immortal (see _fapilog_envelope_statics_default()). */
      g_atomic_int_set (&self->ref_count, 1);
      return;
    }

  g_free (self->service);
  g_free (self->env);
  g_free (self->version);
  g_free (self->host);
  g_free (self->diag_prefix);
  g_free (self->plain_tail);
  g_free (self);
}

/* ------------------------------------------------------------------------ */
/* Timestamp                                                                */

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: beyond these the
 * year would not fit in four digits (nor the 24 characters promised). */
#define MIN_TIMESTAMP_US (G_GINT64_CONSTANT (-62167219200) * G_USEC_PER_SEC)
#define MAX_TIMESTAMP_US (G_GINT64_CONSTANT (253402300800) * G_USEC_PER_SEC - 1)

static inline void
put2 (char *out,
      int   v)
{
  out[0] = (char) ('0' + v / 10);
  out[1] = (char) ('0' + v % 10);
}

/* The text of the second that @sec (whole seconds since the epoch, within
 * the clamped range) starts, "YYYY-MM-DDTHH:MM:SS", into @text. */
static void
format_second (gint64 sec,
               char   text[20])
{
  time_t t = (time_t) sec;
  struct tm tm;
  int year;

  if (gmtime_r (&t, &tm) == NULL)
    memset (&tm, 0, sizeof tm);

  year = tm.tm_year + 1900;
  put2 (text, year / 100);
  put2 (text + 2, year % 100);
  text[4] = '-';
  put2 (text + 5, tm.tm_mon + 1);
  text[7] = '-';
  put2 (text + 8, tm.tm_mday);
  text[10] = 'T';
  put2 (text + 11, tm.tm_hour);
  text[13] = ':';
  put2 (text + 14, tm.tm_min);
  text[16] = ':';
  put2 (text + 17, MIN (tm.tm_sec, 59));   /* no leap seconds in UTC from time_t */
  text[19] = '\0';
}

/* Entries of one batch almost always share their second: gmtime_r and the
 * formatting of "YYYY-MM-DDTHH:MM:SS" happen once per second and thread,
 * and a stamp inside the cached second needs no division by a million
 * either. One thread-local block, so one TLS lookup. */
typedef struct {
  gint64  start_us;   /* the cached second's first microsecond */
  gboolean valid;
  char    text[20];
} TimestampCache;

static __thread TimestampCache timestamp_cache;

void
_fapilog_format_timestamp (gint64 timestamp_us,
                           char   out[25])
{
  TimestampCache *cache = &timestamp_cache;
  guint64 into_second = (guint64) timestamp_us - (guint64) cache->start_us;
  guint ms;   /* unsigned: its digits need no sign handling */

  if (G_UNLIKELY (!cache->valid || into_second >= G_USEC_PER_SEC))
    {
      gint64 sec;

      timestamp_us = CLAMP (timestamp_us, MIN_TIMESTAMP_US, MAX_TIMESTAMP_US);
      /* Floor division, so that times before 1970 round towards the past. */
      sec = timestamp_us / G_USEC_PER_SEC;
      if (timestamp_us % G_USEC_PER_SEC < 0)
        sec--;
      format_second (sec, cache->text);
      cache->start_us = sec * G_USEC_PER_SEC;
      cache->valid = TRUE;
      into_second = (guint64) (timestamp_us - cache->start_us);
    }
  ms = (guint) into_second / 1000;

  memcpy (out, cache->text, 19);
  out[19] = '.';
  out[20] = (char) ('0' + ms / 100);
  out[21] = (char) ('0' + (ms / 10) % 10);
  out[22] = (char) ('0' + ms % 10);
  out[23] = 'Z';
  out[24] = '\0';
}

/* ------------------------------------------------------------------------ */
/* Fields: three sources, "later wins"                                      */

/* Up to this many fields in total, duplicates are found by a quadratic scan
 * over a stack array (cheaper than hashing for the usual handful); beyond
 * it, by a small open-addressing hash table. */
#define SMALL_FIELD_COUNT 32

static inline gboolean
same_key (const FapilogField *a,
          const FapilogField *b)
{
  return a->key_len == b->key_len && memcmp (a->key, b->key, a->key_len) == 0;
}

static inline guint32
hash_key (const FapilogField *f)
{
  /* FNV-1a */
  guint32 h = 2166136261u;
  guint32 i;

  for (i = 0; i < f->key_len; i++)
    {
      h ^= (guchar) f->key[i];
      h *= 16777619u;
    }
  return h;
}

/* For each position i of @all, @pick[i] is the index of the last field with
 * the same key if i is that key's first occurrence, else G_MAXUINT. Keys
 * keep the position of their first occurrence and take the value of the
 * last, like a dictionary update. */
static void
pick_winners (const FapilogField **all,
              guint                n,
              guint               *pick)
{
  guint i, j;

  if (n <= SMALL_FIELD_COUNT)
    {
      for (i = 0; i < n; i++)
        pick[i] = i;

      for (i = 0; i < n; i++)
        {
          if (pick[i] == G_MAXUINT)
            continue;
          for (j = i + 1; j < n; j++)
            if (pick[j] != G_MAXUINT && same_key (all[i], all[j]))
              {
                pick[i] = j;
                pick[j] = G_MAXUINT;
              }
        }
      return;
    }
  else
    {
      guint size = 64;
      guint mask;
      guint *slots;           /* index + 1 of a first occurrence, 0 = empty */

      while (size < n * 2)
        size *= 2;
      mask = size - 1;
      slots = g_new0 (guint, size);

      for (i = 0; i < n; i++)
        {
          guint h = hash_key (all[i]) & mask;

          pick[i] = i;
          while (slots[h] != 0)
            {
              guint first = slots[h] - 1;

              if (same_key (all[first], all[i]))
                {
                  pick[first] = i;
                  pick[i] = G_MAXUINT;
                  break;
                }
              h = (h + 1) & mask;
            }
          if (slots[h] == 0)
            slots[h] = i + 1;
        }

      g_free (slots);
    }
}

void
_fapilog_envelope_write_field_value (FapilogJsonBuf     *buf,
                                     const FapilogField *field,
                                     guint               flags)
{
  switch ((FapilogFieldKind) field->kind)
    {
    case FAPILOG_FIELD_STRING:
      _fapilog_json_write_string (buf, field->str, field->str_len);
      break;
    case FAPILOG_FIELD_INT:
      _fapilog_json_write_int (buf, field->v.i);
      break;
    case FAPILOG_FIELD_UINT:
      _fapilog_json_write_uint (buf, field->v.u);
      break;
    case FAPILOG_FIELD_DOUBLE:
      _fapilog_json_write_double (buf, field->v.d);
      break;
    case FAPILOG_FIELD_BOOLEAN:
      if (field->v.b)
        _fapilog_json_buf_append_literal (buf, "true");
      else
        _fapilog_json_buf_append_literal (buf, "false");
      break;
    case FAPILOG_FIELD_VARIANT:
      _fapilog_json_write_variant (buf, field->v.variant, flags);
      break;
    case FAPILOG_FIELD_NULL:
    default:
      _fapilog_json_buf_append_literal (buf, "null");
      break;
    }
}

static void
write_member (FapilogJsonBuf     *buf,
              const FapilogField *field,
              guint               flags)
{
  _fapilog_json_write_string (buf, field->key, field->key_len);
  _fapilog_json_buf_append_c (buf, ':');

  if ((flags & FAPILOG_JSON_MASK_SECRETS) &&
      _fapilog_json_key_is_secret (field->key, field->key_len))
    _fapilog_json_buf_append_literal (buf, "\"***\"");
  else
    _fapilog_envelope_write_field_value (buf, field, flags);
}

/* ------------------------------------------------------------------------ */
/* Envelope                                                                 */

/* The envelope is mostly constant text around a few values. The constant
 * runs are pre-rendered (per level here, per logger in the core, per
 * pipeline in the statics) and copied after one reserve per run, instead of
 * being appended piece by piece with a capacity check each. */

#define ENVELOPE_OPEN "{\"timestamp\":\""

/* From the end of the timestamp to the message's value. */
#define LEVEL_FRAGMENT(name) "\",\"level\":\"" name "\",\"message\":"

/* Each level's fragment sits in a fixed-size, zero-padded array so that it
 * is copied with a constant-size memcpy (a couple of moves, no call); the
 * padding lands in reserved space past the end and is overwritten by what
 * follows. */
typedef struct {
  char  text[32];
  guint len;
} LevelFragment;

#define LEVEL_ENTRY(name) { LEVEL_FRAGMENT (name), sizeof (LEVEL_FRAGMENT (name)) - 1 }

/* The names must be those of fapilog_level_to_string() (the envelope test
 * checks every level against it). */
static const LevelFragment level_fragments[] = {
  LEVEL_ENTRY ("DEBUG"),
  LEVEL_ENTRY ("INFO"),
  LEVEL_ENTRY ("WARNING"),
  LEVEL_ENTRY ("ERROR"),
  LEVEL_ENTRY ("CRITICAL"),
  LEVEL_ENTRY ("AUDIT"),
  LEVEL_ENTRY ("SECURITY"),
};

/* The longest fragment must leave room for the array's NUL: otherwise the
 * initializer would silently drop it and still compile. */
G_STATIC_ASSERT (sizeof (LEVEL_FRAGMENT ("SECURITY")) <= sizeof (((LevelFragment *) NULL)->text));

/* Reserved for ENVELOPE_OPEN, the timestamp (with the NUL that
 * _fapilog_format_timestamp() writes) and a whole LevelFragment. */
#define HEAD_RESERVE (sizeof (ENVELOPE_OPEN) - 1 + 24 + sizeof (LevelFragment))

static inline const LevelFragment *
level_fragment (FapilogLevel level)
{
  switch (level)
    {
    case FAPILOG_LEVEL_DEBUG:    return &level_fragments[0];
    case FAPILOG_LEVEL_INFO:     return &level_fragments[1];
    case FAPILOG_LEVEL_WARNING:  return &level_fragments[2];
    case FAPILOG_LEVEL_ERROR:    return &level_fragments[3];
    case FAPILOG_LEVEL_CRITICAL: return &level_fragments[4];
    case FAPILOG_LEVEL_AUDIT:    return &level_fragments[5];
    case FAPILOG_LEVEL_SECURITY: return &level_fragments[6];
    default:                     return NULL;
    }
}

/* The level member and the message key for a value that is not a level. */
static void
write_level_slow (FapilogJsonBuf *buf,
                  FapilogLevel    level)
{
  const char *level_name = fapilog_level_to_string (level);

  _fapilog_json_buf_append_literal (buf, "\",\"level\":");
  if (level_name != NULL)
    {
      _fapilog_json_write_string (buf, level_name, strlen (level_name));
    }
  else
    {
      /* An out-of-range level still yields valid JSON: its number as text. */
      _fapilog_json_buf_append_c (buf, '"');
      _fapilog_json_write_int (buf, level);
      _fapilog_json_buf_append_c (buf, '"');
    }
  _fapilog_json_buf_append_literal (buf, ",\"message\":");
}

#define LOGGER_FRAGMENT_OPEN  ",\"logger\":"
#define LOGGER_FRAGMENT_CLOSE ",\"context\":{\"message_id\":"

char *
_fapilog_envelope_render_logger_fragment (const char *name,
                                          gsize       name_len,
                                          gsize      *len)
{
  FapilogJsonBuf buf;

  _fapilog_json_buf_init (&buf, 64 + name_len);
  _fapilog_json_buf_append_literal (&buf, LOGGER_FRAGMENT_OPEN);
  if (name != NULL)
    _fapilog_json_write_string (&buf, name, name_len);
  else
    _fapilog_json_buf_append_literal (&buf, "\"\"");
  _fapilog_json_buf_append_literal (&buf, LOGGER_FRAGMENT_CLOSE);

  return _fapilog_json_buf_steal (&buf, len);
}

/* Entries without a core (none are made so today) get an empty name. */
static const char no_logger_fragment[] = LOGGER_FRAGMENT_OPEN "\"\"" LOGGER_FRAGMENT_CLOSE;

/* Message ids are UUIDs: always 36 characters. */
#define MESSAGE_ID_LEN 36
G_STATIC_ASSERT (sizeof (((FapilogEntry *) NULL)->message_id) == MESSAGE_ID_LEN + 1);

/* After ,"logger":...,"message_id": come the id in quotes and the
 * correlation_id key. */
#define AFTER_LOGGER_RESERVE (MESSAGE_ID_LEN + 2 + sizeof (CORRELATION_KEY) - 1)

void
_fapilog_envelope_write (FapilogJsonBuf *buf,
                         FapilogEntry   *entry,
                         guint           flags)
{
  const FapilogField *small_all[SMALL_FIELD_COUNT];
  guint small_pick[SMALL_FIELD_COUNT];
  guint8 small_kidx[SMALL_FIELD_COUNT];
  const FapilogField **all = small_all;
  guint *pick = small_pick;
  guint8 *kidx = small_kidx;
  gpointer heap = NULL;
  const FapilogField *context_fields[FAPILOG_N_CONTEXT_KEYS] = { NULL, };
  const FapilogFieldSet *ctx_set = entry->context != NULL ? entry->context->fields : NULL;
  const FapilogFieldSet *bound = entry->core != NULL ? entry->core->bound : NULL;
  FapilogEnvelopeStatics *statics;
  const LevelFragment *level;
  const char *logger_fragment;
  gsize logger_fragment_len;
  guint n = 0, n_context = 0, i;
  gboolean first;
  char *out;

  statics = (entry->core != NULL && entry->core->statics != NULL)
              ? entry->core->statics : _fapilog_envelope_statics_default ();

  if (entry->core != NULL && entry->core->envelope_fragment != NULL)
    {
      logger_fragment = entry->core->envelope_fragment;
      logger_fragment_len = entry->core->envelope_fragment_len;
    }
  else
    {
      logger_fragment = no_logger_fragment;
      logger_fragment_len = sizeof (no_logger_fragment) - 1;
    }

  /* Gather the fields in precedence order: thread context, bound, call. */
  {
    guint total = entry->n_fields;

    if (ctx_set != NULL)
      total += ctx_set->n_fields;
    if (bound != NULL)
      total += bound->n_fields;

    if (total > SMALL_FIELD_COUNT)
      {
        heap = g_malloc (total * (sizeof (gpointer) + sizeof (guint) + 1));
        all = heap;
        pick = (guint *) (all + total);
        kidx = (guint8 *) (pick + total);
      }

    if (ctx_set != NULL)
      for (i = 0; i < ctx_set->n_fields; i++)
        all[n++] = &ctx_set->fields[i];
    if (bound != NULL)
      for (i = 0; i < bound->n_fields; i++)
        all[n++] = &bound->fields[i];
    for (i = 0; i < entry->n_fields; i++)
      all[n++] = &entry->fields[i];
  }

  pick_winners (all, n, pick);

  for (i = 0; i < n; i++)
    {
      guint k;

      if (pick[i] == G_MAXUINT)
        continue;
      k = _fapilog_context_key_index (all[i]->key, all[i]->key_len);
      if (k >= FAPILOG_N_CONTEXT_KEYS)
        k = FAPILOG_CONTEXT_KEY_NONE;
      kidx[i] = (guint8) k;
      if (k != FAPILOG_CONTEXT_KEY_NONE)
        {
          context_fields[k] = all[pick[i]];
          n_context++;
        }
    }

  /* {"timestamp":"...","level":"INFO","message": */
  _fapilog_json_buf_reserve (buf, HEAD_RESERVE);
  out = buf->data + buf->len;
  memcpy (out, ENVELOPE_OPEN, sizeof (ENVELOPE_OPEN) - 1);
  out += sizeof (ENVELOPE_OPEN) - 1;
  _fapilog_format_timestamp (entry->timestamp_us, out);   /* its NUL is overwritten next */
  out += 24;
  level = level_fragment (entry->level);
  if (G_LIKELY (level != NULL))
    {
      memcpy (out, level->text, sizeof level->text);
      buf->len = (out - buf->data) + level->len;
    }
  else
    {
      buf->len = out - buf->data;
      write_level_slow (buf, entry->level);
    }

  if (entry->message != NULL)
    _fapilog_json_write_string (buf, entry->message, entry->message_len);
  else
    _fapilog_json_buf_append_literal (buf, "\"\"");

  /* ,"logger":"...","context":{"message_id":"...","correlation_id": and,
   * without context values, the rest up to the diagnostics' last member */
  _fapilog_json_buf_reserve (buf, logger_fragment_len + AFTER_LOGGER_RESERVE +
                                  statics->plain_tail_len);
  out = buf->data + buf->len;
  memcpy (out, logger_fragment, logger_fragment_len);
  out += logger_fragment_len;
  *out++ = '"';
  _fapilog_message_id_format (entry->message_id_bits, out);
  out += MESSAGE_ID_LEN;
  *out++ = '"';
  if (n_context == 0 && (entry->context == NULL || entry->context->correlation_id == NULL))
    {
      /* The usual entry: no context value at all. */
      memcpy (out, statics->plain_tail, statics->plain_tail_len);
      buf->len = (out - buf->data) + statics->plain_tail_len;
    }
  else
    {
      memcpy (out, CORRELATION_KEY, sizeof (CORRELATION_KEY) - 1);
      out += sizeof (CORRELATION_KEY) - 1;
      buf->len = out - buf->data;

      if (context_fields[FAPILOG_CONTEXT_KEY_CORRELATION_ID] != NULL)
        _fapilog_envelope_write_field_value (buf, context_fields[FAPILOG_CONTEXT_KEY_CORRELATION_ID], flags);
      else if (entry->context != NULL && entry->context->correlation_id != NULL)
        _fapilog_json_write_string (buf, entry->context->correlation_id,
                                    entry->context->correlation_id_len);
      else
        _fapilog_json_buf_append_literal (buf, "null");

      for (i = FAPILOG_CONTEXT_KEY_CORRELATION_ID + 1; i < FAPILOG_N_CONTEXT_KEYS; i++)
        {
          const char *name;

          if (context_fields[i] == NULL)
            continue;

          /* The canonical name, whatever spelling matched. */
          name = _fapilog_context_key_name (i);
          _fapilog_json_buf_append_c (buf, ',');
          if (name != NULL)
            _fapilog_json_write_string (buf, name, strlen (name));
          else
            _fapilog_json_write_string (buf, context_fields[i]->key, context_fields[i]->key_len);
          _fapilog_json_buf_append_c (buf, ':');
          _fapilog_envelope_write_field_value (buf, context_fields[i], flags);
        }

      /* },"diagnostics":{"service":...,"pid":N  (closed after origin and
       * exception) */
      _fapilog_json_buf_reserve (buf, 2 + statics->diag_prefix_len);
      out = buf->data + buf->len;
      out[0] = '}';
      out[1] = ',';
      memcpy (out + 2, statics->diag_prefix, statics->diag_prefix_len);
      buf->len += 2 + statics->diag_prefix_len;
    }

  if (entry->code_file != NULL)
    {
      _fapilog_json_buf_append_literal (buf, ",\"origin\":{\"file\":");
      _fapilog_json_write_string (buf, entry->code_file, strlen (entry->code_file));
      if (entry->code_line > 0)
        {
          _fapilog_json_buf_append_literal (buf, ",\"line\":");
          _fapilog_json_write_int (buf, entry->code_line);
        }
      if (entry->code_func != NULL)
        {
          _fapilog_json_buf_append_literal (buf, ",\"function\":");
          _fapilog_json_write_string (buf, entry->code_func, strlen (entry->code_func));
        }
      _fapilog_json_buf_append_c (buf, '}');
    }
  if (entry->has_error)
    {
      const char *domain = g_quark_to_string (entry->error_domain);

      _fapilog_json_buf_append_literal (buf, ",\"exception\":{\"domain\":");
      if (domain != NULL)
        _fapilog_json_write_string (buf, domain, strlen (domain));
      else
        _fapilog_json_buf_append_literal (buf, "null");
      _fapilog_json_buf_append_literal (buf, ",\"code\":");
      _fapilog_json_write_int (buf, entry->error_code);
      _fapilog_json_buf_append_literal (buf, ",\"message\":");
      if (entry->error_message != NULL)
        _fapilog_json_write_string (buf, entry->error_message, strlen (entry->error_message));
      else
        _fapilog_json_buf_append_literal (buf, "\"\"");
      _fapilog_json_buf_append_c (buf, '}');
    }

  /* data */
  _fapilog_json_buf_append_literal (buf, "},\"data\":{");
  first = TRUE;
  for (i = 0; i < n; i++)
    {
      if (pick[i] == G_MAXUINT || kidx[i] != FAPILOG_CONTEXT_KEY_NONE)
        continue;
      if (!first)
        _fapilog_json_buf_append_c (buf, ',');
      first = FALSE;
      write_member (buf, all[pick[i]], flags);
    }
  _fapilog_json_buf_append_literal (buf, "}}");

  g_free (heap);
}
