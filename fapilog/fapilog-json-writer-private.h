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
