/* fapilog-json-writer-private.h: the hot-path JSON writer
 *
 * A growable byte buffer and the functions that append JSON to it. Output is
 * always valid UTF-8 JSON: invalid UTF-8 becomes U+FFFD, control characters
 * are escaped, NaN and infinities become null.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <string.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char  *data;
  gsize  len;
  gsize  cap;
} FapilogJsonBuf;

typedef enum {
  FAPILOG_JSON_NONE         = 0,
  /* Object members whose key is secret-looking (password, token, ...) get
   * the value "***" (used by the stderr fallback). */
  FAPILOG_JSON_MASK_SECRETS = 1 << 0,
} FapilogJsonFlags;

void   _fapilog_json_buf_init     (FapilogJsonBuf *buf,
                                   gsize           reserve);
void   _fapilog_json_buf_clear    (FapilogJsonBuf *buf);
/* Returns the data (g_free it) and leaves the buffer empty. */
char  *_fapilog_json_buf_steal    (FapilogJsonBuf *buf,
                                   gsize          *len);
void   _fapilog_json_buf_grow     (FapilogJsonBuf *buf,
                                   gsize           extra);

static inline void
_fapilog_json_buf_reserve (FapilogJsonBuf *buf,
                           gsize           extra)
{
  if (G_UNLIKELY (buf->cap - buf->len < extra))
    _fapilog_json_buf_grow (buf, extra);
}

static inline void
_fapilog_json_buf_append_len (FapilogJsonBuf *buf,
                              const char     *data,
                              gsize           len)
{
  _fapilog_json_buf_reserve (buf, len);
  memcpy (buf->data + buf->len, data, len);
  buf->len += len;
}

static inline void
_fapilog_json_buf_append_c (FapilogJsonBuf *buf,
                            char            c)
{
  _fapilog_json_buf_reserve (buf, 1);
  buf->data[buf->len++] = c;
}

#define _fapilog_json_buf_append_literal(buf, lit) \
  _fapilog_json_buf_append_len ((buf), (lit), sizeof (lit) - 1)

/* Non-zero iff one of the eight bytes of @w needs attention in a JSON
 * string: a control character (< 0x20), '"', '\\' or a byte >= 0x80. The
 * last term catches every byte >= 0x80; with all bytes below it, each
 * subtraction borrows into a byte's top bit exactly where that byte was
 * below 0x20 (or zero after the XOR), so the test is exact as to "is there
 * any such byte" (only its position could be off). */
static inline guint64
_fapilog_json_word_needs_attention (guint64 w)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);

  return ((w - ones * 0x20) |
          ((w ^ (ones * '"')) - ones) |
          ((w ^ (ones * '\\')) - ones) |
          w) & (ones * 0x80);
}

/* Strings up to this long take _fapilog_json_put_short_string(). */
#define FAPILOG_JSON_SHORT_STRING 16

/* The common case of _fapilog_json_write_string() without a call or a
 * capacity check, for callers that reserve once for several values: if
 * @len <= FAPILOG_JSON_SHORT_STRING and no byte of @s needs escaping or
 * replacing, writes @s in quotes at @out (which must have room for @len + 2
 * bytes) and returns the end; otherwise returns NULL, and whatever was
 * written at @out is garbage for the caller to overwrite. Every load stays
 * inside @s: the first and the last word of the string overlap instead of
 * reading past its end. */
static inline char *
_fapilog_json_put_short_string (char       *out,
                                const char *s,
                                gsize       len)
{
  if (len > FAPILOG_JSON_SHORT_STRING)
    return NULL;

  out[0] = '"';
  if (len >= 8)
    {
      guint64 head, tail;

      memcpy (&head, s, sizeof head);
      memcpy (&tail, s + len - 8, sizeof tail);
      if (_fapilog_json_word_needs_attention (head) |
          _fapilog_json_word_needs_attention (tail))
        return NULL;
      memcpy (out + 1, &head, sizeof head);
      memcpy (out + 1 + len - 8, &tail, sizeof tail);
    }
  else if (len >= 4)
    {
      guint32 head, tail;

      memcpy (&head, s, sizeof head);
      memcpy (&tail, s + len - 4, sizeof tail);
      if (_fapilog_json_word_needs_attention (head | ((guint64) tail << 32)))
        return NULL;
      memcpy (out + 1, &head, sizeof head);
      memcpy (out + 1 + len - 4, &tail, sizeof tail);
    }
  else if (len > 0)
    {
      /* The first, middle and last bytes cover one to three; the other
       * five bytes of the word are spaces, which never need attention. */
      guchar a = (guchar) s[0], b = (guchar) s[len / 2], c = (guchar) s[len - 1];
      guint64 w = a | ((guint64) b << 8) | ((guint64) c << 16) |
                  G_GUINT64_CONSTANT (0x2020202020000000);

      if (_fapilog_json_word_needs_attention (w))
        return NULL;
      out[1] = (char) a;
      out[1 + len / 2] = (char) b;
      out[len] = (char) c;
    }
  out[len + 1] = '"';

  return out + len + 2;
}

/* A JSON string literal, quotes included, of @len bytes of @s (which may hold
 * NUL bytes and invalid UTF-8). */
void   _fapilog_json_write_string  (FapilogJsonBuf *buf,
                                    const char     *s,
                                    gsize           len);
void   _fapilog_json_write_int     (FapilogJsonBuf *buf,
                                    gint64          value);
void   _fapilog_json_write_uint    (FapilogJsonBuf *buf,
                                    guint64         value);
/* Shortest text that reads back as the same double; null for NaN/Inf. */
void   _fapilog_json_write_double  (FapilogJsonBuf *buf,
                                    double          value);
/* Any GVariant: integers, doubles, booleans, strings, object paths,
 * signatures, bytestrings (ay) as strings, arrays and tuples as arrays,
 * dictionaries as objects (non-string keys are written as strings),
 * variants unwrapped, maybe types as null or their value. */
void   _fapilog_json_write_variant (FapilogJsonBuf *buf,
                                    GVariant       *value,
                                    guint           flags);
/* TRUE if @key (case-insensitive, exact) is one of the keys whose values the
 * fallback masks: password, passwd, secret, token, api_key, apikey,
 * api_secret, apisecret, authorization, auth, credential, credentials,
 * private_key, privatekey, access_token, refresh_token. */
gboolean _fapilog_json_key_is_secret (const char *key,
                                      gsize       len);

G_END_DECLS
