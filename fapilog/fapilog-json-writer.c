/* fapilog-json-writer.c: the hot-path JSON writer (escaping, numbers, GVariant)
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <float.h>

#include "fapilog-json-writer-private.h"

/* Smallest allocation: a typical envelope is ~300 bytes, so anything smaller
 * would only cause an immediate second growth. */
#define MIN_CAPACITY 256

/* U+FFFD REPLACEMENT CHARACTER, the substitute for every invalid byte or
 * maximal invalid subsequence. */
#define REPLACEMENT "\xEF\xBF\xBD"

void
_fapilog_json_buf_init (FapilogJsonBuf *buf,
                        gsize           reserve)
{
  buf->len = 0;
  buf->cap = reserve;
  buf->data = reserve > 0 ? g_malloc (reserve) : NULL;
}

void
_fapilog_json_buf_clear (FapilogJsonBuf *buf)
{
  g_clear_pointer (&buf->data, g_free);
  buf->len = 0;
  buf->cap = 0;
}

char *
_fapilog_json_buf_steal (FapilogJsonBuf *buf,
                         gsize          *len)
{
  char *data;

  /* Always NUL-terminate (not counted in the length), so that the result can
   * be handed out as a C string as is. */
  _fapilog_json_buf_reserve (buf, 1);
  buf->data[buf->len] = '\0';

  data = buf->data;
  if (len != NULL)
    *len = buf->len;

  buf->data = NULL;
  buf->len = 0;
  buf->cap = 0;

  return data;
}

void
_fapilog_json_buf_grow (FapilogJsonBuf *buf,
                        gsize           extra)
{
  gsize needed;
  gsize new_cap;

  if (G_UNLIKELY (extra > G_MAXSIZE - buf->len))
    g_error ("fapilog: JSON buffer size overflow");

  needed = buf->len + extra;
  if (needed <= buf->cap)
    return;

  /* Geometric growth keeps appends amortised O(1). */
  new_cap = MAX (buf->cap, MIN_CAPACITY);
  while (new_cap < needed)
    {
      if (new_cap > G_MAXSIZE / 2)
        {
          new_cap = needed;
          break;
        }
      new_cap *= 2;
    }

  buf->data = g_realloc (buf->data, new_cap);
  buf->cap = new_cap;
}

/* ------------------------------------------------------------------------ */
/* Strings                                                                  */

/* Byte classes for the escaping scanner. */
enum {
  CLASS_SAFE = 0,   /* printable ASCII copied as is */
  CLASS_ESCAPE,     /* control character, '"' or '\\' */
  CLASS_HIGH,       /* 0x80..0xFF: start of (maybe invalid) UTF-8 */
};

static const guint8 byte_class[256] = {
  /* 0x00..0x1F: control characters */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  /* 0x20..0x2F: '"' is 0x22 */
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  /* 0x50..0x5F: '\\' is 0x5C */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  /* DEL (0x7F) needs no escaping in JSON */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  /* 0x80..0xFF */
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
  2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

/* Non-zero iff one of the eight bytes of @w needs attention: a control
 * character (< 0x20), '"', '\\' or a byte >= 0x80. Each sub-test is exact as
 * to "is there any such byte"; only its position could be off, and the caller
 * rescans the word byte by byte when this fires. */
static inline guint64
word_needs_attention (guint64 w)
{
  guint64 quote = w ^ (ONES * '"');
  guint64 bslash = w ^ (ONES * '\\');
  guint64 t;

  t = (w - ONES * 0x20);                 /* bytes < 0x20 borrow into 0x80 */
  t |= (quote - ONES) & ~quote;          /* zero byte where '"' was */
  t |= (bslash - ONES) & ~bslash;        /* zero byte where '\\' was */
  t &= ~w;                               /* only bytes that were < 0x80 ... */
  t |= w;                                /* ... plus every byte >= 0x80 */

  return t & HIGHS;
}

/* Length of the valid UTF-8 sequence starting at @p (2..4), or, negated,
 * the length of the maximal invalid subpart to replace by one U+FFFD (as the
 * Unicode standard recommends, "maximal subpart" practice): overlong forms,
 * surrogates, code points above U+10FFFF, lone continuation bytes and
 * truncated sequences are all rejected. @p[0] >= 0x80. */
static inline gssize
utf8_sequence (const guchar *p,
               const guchar *end)
{
  guchar c = p[0];
  guchar lo = 0x80, hi = 0xBF;
  gsize avail = end - p;

  if (c < 0xC2)
    return -1;                           /* continuation byte or C0/C1 overlong */

  if (c < 0xE0)
    {
      if (avail < 2 || (p[1] & 0xC0) != 0x80)
        return -1;
      return 2;
    }

  if (c < 0xF0)
    {
      if (c == 0xE0)
        lo = 0xA0;                       /* overlong below U+0800 */
      else if (c == 0xED)
        hi = 0x9F;                       /* UTF-16 surrogates */
      if (avail < 2 || p[1] < lo || p[1] > hi)
        return -1;
      if (avail < 3 || (p[2] & 0xC0) != 0x80)
        return -2;
      return 3;
    }

  if (c < 0xF5)
    {
      if (c == 0xF0)
        lo = 0x90;                       /* overlong below U+10000 */
      else if (c == 0xF4)
        hi = 0x8F;                       /* above U+10FFFF */
      if (avail < 2 || p[1] < lo || p[1] > hi)
        return -1;
      if (avail < 3 || (p[2] & 0xC0) != 0x80)
        return -2;
      if (avail < 4 || (p[3] & 0xC0) != 0x80)
        return -3;
      return 4;
    }

  return -1;                             /* F5..FF never appear in UTF-8 */
}

static const char hex_digits[] = "0123456789abcdef";

static inline void
write_escape (FapilogJsonBuf *buf,
              guchar          c)
{
  char *out;

  _fapilog_json_buf_reserve (buf, 6);
  out = buf->data + buf->len;

  switch (c)
    {
    case '"':  out[0] = '\\'; out[1] = '"';  buf->len += 2; return;
    case '\\': out[0] = '\\'; out[1] = '\\'; buf->len += 2; return;
    case '\n': out[0] = '\\'; out[1] = 'n';  buf->len += 2; return;
    case '\t': out[0] = '\\'; out[1] = 't';  buf->len += 2; return;
    case '\r': out[0] = '\\'; out[1] = 'r';  buf->len += 2; return;
    case '\b': out[0] = '\\'; out[1] = 'b';  buf->len += 2; return;
    case '\f': out[0] = '\\'; out[1] = 'f';  buf->len += 2; return;
    default:
      break;
    }

  /* Every other control character, NUL included. */
  out[0] = '\\';
  out[1] = 'u';
  out[2] = '0';
  out[3] = '0';
  out[4] = hex_digits[c >> 4];
  out[5] = hex_digits[c & 0xF];
  buf->len += 6;
}

void
_fapilog_json_write_string (FapilogJsonBuf *buf,
                            const char     *s,
                            gsize           len)
{
  const guchar *p = (const guchar *) s;
  const guchar *end = p + len;
  const guchar *run = p;

  /* Most strings need no escaping: reserving their length up front makes
   * the single memcpy at the end the only work. */
  _fapilog_json_buf_reserve (buf, len + 2);
  buf->data[buf->len++] = '"';

  while (p < end)
    {
      guchar c;

      /* Skip over safe ASCII eight bytes at a time. */
      while (end - p >= 8)
        {
          guint64 w;

          memcpy (&w, p, sizeof w);
          if (word_needs_attention (w))
            break;
          p += 8;
        }
      /* The word that stopped the fast loop holds a byte that needs
       * attention; reach it byte by byte (at most seven safe bytes). */
      while (p < end && byte_class[*p] == CLASS_SAFE)
        p++;
      if (p >= end)
        break;

      c = *p;
      switch (byte_class[c])
        {
        case CLASS_HIGH:
          {
            gssize n = utf8_sequence (p, end);

            if (n > 0)
              {
                /* Valid UTF-8 is copied as part of the run. */
                p += n;
                continue;
              }

            _fapilog_json_buf_append_len (buf, (const char *) run, p - run);
            _fapilog_json_buf_append_literal (buf, REPLACEMENT);
            p += -n;
            run = p;
          }
          continue;

        case CLASS_ESCAPE:
        default:
          _fapilog_json_buf_append_len (buf, (const char *) run, p - run);
          write_escape (buf, c);
          p++;
          run = p;
          continue;
        }
    }

  _fapilog_json_buf_reserve (buf, (end - run) + 1);
  memcpy (buf->data + buf->len, run, end - run);
  buf->len += end - run;
  buf->data[buf->len++] = '"';
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                  */

/* Two digits at a time halves the number of divisions. */
static const char digit_pairs[201] =
  "00010203040506070809"
  "10111213141516171819"
  "20212223242526272829"
  "30313233343536373839"
  "40414243444546474849"
  "50515253545556575859"
  "60616263646566676869"
  "70717273747576777879"
  "80818283848586878889"
  "90919293949596979899";

/* Writes the decimal digits of @value ending just before @end; returns the
 * start. */
static inline char *
format_u64 (guint64  value,
            char    *end)
{
  char *p = end;

  while (value >= 100)
    {
      guint idx = (guint) (value % 100) * 2;

      value /= 100;
      p -= 2;
      p[0] = digit_pairs[idx];
      p[1] = digit_pairs[idx + 1];
    }

  if (value >= 10)
    {
      guint idx = (guint) value * 2;

      p -= 2;
      p[0] = digit_pairs[idx];
      p[1] = digit_pairs[idx + 1];
    }
  else
    {
      *--p = (char) ('0' + value);
    }

  return p;
}

void
_fapilog_json_write_uint (FapilogJsonBuf *buf,
                          guint64         value)
{
  char tmp[24];
  char *end = tmp + sizeof tmp;
  char *start = format_u64 (value, end);

  _fapilog_json_buf_append_len (buf, start, end - start);
}

void
_fapilog_json_write_int (FapilogJsonBuf *buf,
                         gint64          value)
{
  char tmp[24];
  char *end = tmp + sizeof tmp;
  char *start;

  if (value < 0)
    {
      /* Negate in unsigned arithmetic: -G_MININT64 does not fit a gint64. */
      start = format_u64 ((guint64) 0 - (guint64) value, end);
      *--start = '-';
    }
  else
    {
      start = format_u64 ((guint64) value, end);
    }

  _fapilog_json_buf_append_len (buf, start, end - start);
}

/* Formats @value with @digits significant digits; TRUE if the text reads
 * back as exactly @value. */
static gboolean
format_double_digits (double  value,
                      int     digits,
                      char   *out,
                      gsize   out_len)
{
  static const char *formats[] = {
    NULL, "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g",
    "%.9g", "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g",
    "%.17g",
  };

  g_ascii_formatd (out, out_len, formats[digits], value);
  return g_ascii_strtod (out, NULL) == value;
}

void
_fapilog_json_write_double (FapilogJsonBuf *buf,
                            double          value)
{
  char tmp[G_ASCII_DTOSTR_BUF_SIZE];
  gsize len;

  if (!isfinite (value))
    {
      _fapilog_json_buf_append_literal (buf, "null");
      return;
    }

  if (value != 0.0 && fabs (value) < DBL_MIN)
    {
      /* Subnormals carry fewer than 15 significant digits, so %.15g would
       * print noise ("4.94065645841247e-324" for 5e-324): search upwards
       * for the shortest precision that round-trips. */
      int digits;

      for (digits = 1; digits < 17; digits++)
        if (format_double_digits (value, digits, tmp, sizeof tmp))
          break;
      if (digits == 17)
        format_double_digits (value, 17, tmp, sizeof tmp);
    }
  else if (!format_double_digits (value, 15, tmp, sizeof tmp) &&
           !format_double_digits (value, 16, tmp, sizeof tmp))
    {
      /* Every normal double has at most 15 significant digits that any
       * decimal with <= 15 digits maps to uniquely (DBL_DIG), so when %.15g
       * round-trips it is the shortest form; otherwise 16, else 17 digits
       * (17 always round-trips). */
      format_double_digits (value, 17, tmp, sizeof tmp);
    }

  len = strlen (tmp);

  /* Keep doubles recognisable as such to JSON readers: "3" would come back
   * as an integer and "-0" would lose its sign. */
  if (strpbrk (tmp, ".eE") == NULL)
    {
      tmp[len++] = '.';
      tmp[len++] = '0';
    }

  _fapilog_json_buf_append_len (buf, tmp, len);
}

/* ------------------------------------------------------------------------ */
/* Secret keys                                                              */

static const struct {
  const char *name;
  gsize       len;
} secret_keys[] = {
#define SECRET(s) { s, sizeof (s) - 1 }
  SECRET ("password"),
  SECRET ("passwd"),
  SECRET ("secret"),
  SECRET ("token"),
  SECRET ("api_key"),
  SECRET ("apikey"),
  SECRET ("api_secret"),
  SECRET ("apisecret"),
  SECRET ("authorization"),
  SECRET ("auth"),
  SECRET ("credential"),
  SECRET ("credentials"),
  SECRET ("private_key"),
  SECRET ("privatekey"),
  SECRET ("access_token"),
  SECRET ("refresh_token"),
#undef SECRET
};

gboolean
_fapilog_json_key_is_secret (const char *key,
                             gsize       len)
{
  guint i;

  /* Shortest name is "auth" (4), longest "authorization" / "refresh_token"
   * (13): most keys are rejected by length alone. */
  if (key == NULL || len < 4 || len > 13)
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (secret_keys); i++)
    if (secret_keys[i].len == len &&
        g_ascii_strncasecmp (secret_keys[i].name, key, len) == 0)
      return TRUE;

  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* GVariant                                                                 */

static void write_variant (FapilogJsonBuf *buf,
                           GVariant       *value,
                           guint           flags);

/* Arrays of fixed-size scalars are read in place, without one GVariant per
 * element. Returns FALSE if the element type is not such a scalar. */
static gboolean
write_fixed_array (FapilogJsonBuf     *buf,
                   GVariant           *value,
                   const GVariantType *elem_type)
{
  gsize n = 0, i;
  gconstpointer data;
  char t = g_variant_type_peek_string (elem_type)[0];
  gsize size;

  switch (t)
    {
    case 'b': case 'y': size = 1; break;
    case 'n': case 'q': size = 2; break;
    case 'i': case 'u': case 'h': size = 4; break;
    case 'x': case 't': case 'd': size = 8; break;
    default:
      return FALSE;
    }

  data = g_variant_get_fixed_array (value, &n, size);

  _fapilog_json_buf_append_c (buf, '[');
  for (i = 0; i < n; i++)
    {
      if (i > 0)
        _fapilog_json_buf_append_c (buf, ',');

      switch (t)
        {
        case 'b':
          if (((const guint8 *) data)[i])
            _fapilog_json_buf_append_literal (buf, "true");
          else
            _fapilog_json_buf_append_literal (buf, "false");
          break;
        case 'y': _fapilog_json_write_uint (buf, ((const guint8 *) data)[i]); break;
        case 'n': _fapilog_json_write_int (buf, ((const gint16 *) data)[i]); break;
        case 'q': _fapilog_json_write_uint (buf, ((const guint16 *) data)[i]); break;
        case 'i': case 'h':
          _fapilog_json_write_int (buf, ((const gint32 *) data)[i]);
          break;
        case 'u': _fapilog_json_write_uint (buf, ((const guint32 *) data)[i]); break;
        case 'x': _fapilog_json_write_int (buf, ((const gint64 *) data)[i]); break;
        case 't': _fapilog_json_write_uint (buf, ((const guint64 *) data)[i]); break;
        case 'd': _fapilog_json_write_double (buf, ((const double *) data)[i]); break;
        default:
          g_assert_not_reached ();
        }
    }
  _fapilog_json_buf_append_c (buf, ']');

  return TRUE;
}

/* A dictionary key as a JSON string: strings as they are, numbers and
 * booleans as their JSON text in quotes. */
static void
write_key (FapilogJsonBuf *buf,
           GVariant       *key)
{
  if (g_variant_is_of_type (key, G_VARIANT_TYPE_STRING) ||
      g_variant_is_of_type (key, G_VARIANT_TYPE_OBJECT_PATH) ||
      g_variant_is_of_type (key, G_VARIANT_TYPE_SIGNATURE))
    {
      gsize len;
      const char *s = g_variant_get_string (key, &len);

      _fapilog_json_write_string (buf, s, len);
      return;
    }

  /* Only basic types can be dictionary keys; none of the remaining ones
   * (numbers, booleans) produce characters that need escaping. */
  _fapilog_json_buf_append_c (buf, '"');
  write_variant (buf, key, FAPILOG_JSON_NONE);
  _fapilog_json_buf_append_c (buf, '"');
}

static gboolean
key_is_secret_variant (GVariant *key)
{
  gsize len;
  const char *s;

  if (!g_variant_is_of_type (key, G_VARIANT_TYPE_STRING))
    return FALSE;

  s = g_variant_get_string (key, &len);
  return _fapilog_json_key_is_secret (s, len);
}

static void
write_dict (FapilogJsonBuf *buf,
            GVariant       *value,
            guint           flags)
{
  gsize n = g_variant_n_children (value);
  gsize i;

  _fapilog_json_buf_append_c (buf, '{');
  for (i = 0; i < n; i++)
    {
      GVariant *entry = g_variant_get_child_value (value, i);
      GVariant *key = g_variant_get_child_value (entry, 0);

      if (i > 0)
        _fapilog_json_buf_append_c (buf, ',');

      write_key (buf, key);
      _fapilog_json_buf_append_c (buf, ':');

      if ((flags & FAPILOG_JSON_MASK_SECRETS) && key_is_secret_variant (key))
        {
          _fapilog_json_buf_append_literal (buf, "\"***\"");
        }
      else
        {
          GVariant *member = g_variant_get_child_value (entry, 1);

          write_variant (buf, member, flags);
          g_variant_unref (member);
        }

      g_variant_unref (key);
      g_variant_unref (entry);
    }
  _fapilog_json_buf_append_c (buf, '}');
}

static void
write_children (FapilogJsonBuf *buf,
                GVariant       *value,
                guint           flags)
{
  gsize n = g_variant_n_children (value);
  gsize i;

  _fapilog_json_buf_append_c (buf, '[');
  for (i = 0; i < n; i++)
    {
      GVariant *child = g_variant_get_child_value (value, i);

      if (i > 0)
        _fapilog_json_buf_append_c (buf, ',');
      write_variant (buf, child, flags);
      g_variant_unref (child);
    }
  _fapilog_json_buf_append_c (buf, ']');
}

static void
write_variant (FapilogJsonBuf *buf,
               GVariant       *value,
               guint           flags)
{
  /* No explicit depth limit: GVariant itself refuses types nested deeper
   * than G_VARIANT_MAX_RECURSION_DEPTH (128), which bounds this recursion. */
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      if (g_variant_get_boolean (value))
        _fapilog_json_buf_append_literal (buf, "true");
      else
        _fapilog_json_buf_append_literal (buf, "false");
      break;

    case G_VARIANT_CLASS_BYTE:
      _fapilog_json_write_uint (buf, g_variant_get_byte (value));
      break;
    case G_VARIANT_CLASS_INT16:
      _fapilog_json_write_int (buf, g_variant_get_int16 (value));
      break;
    case G_VARIANT_CLASS_UINT16:
      _fapilog_json_write_uint (buf, g_variant_get_uint16 (value));
      break;
    case G_VARIANT_CLASS_INT32:
      _fapilog_json_write_int (buf, g_variant_get_int32 (value));
      break;
    case G_VARIANT_CLASS_UINT32:
      _fapilog_json_write_uint (buf, g_variant_get_uint32 (value));
      break;
    case G_VARIANT_CLASS_INT64:
      _fapilog_json_write_int (buf, g_variant_get_int64 (value));
      break;
    case G_VARIANT_CLASS_UINT64:
      _fapilog_json_write_uint (buf, g_variant_get_uint64 (value));
      break;
    case G_VARIANT_CLASS_HANDLE:
      _fapilog_json_write_int (buf, g_variant_get_handle (value));
      break;
    case G_VARIANT_CLASS_DOUBLE:
      _fapilog_json_write_double (buf, g_variant_get_double (value));
      break;

    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      {
        gsize len;
        const char *s = g_variant_get_string (value, &len);

        _fapilog_json_write_string (buf, s, len);
      }
      break;

    case G_VARIANT_CLASS_VARIANT:
      {
        GVariant *inner = g_variant_get_variant (value);

        write_variant (buf, inner, flags);
        g_variant_unref (inner);
      }
      break;

    case G_VARIANT_CLASS_MAYBE:
      {
        GVariant *inner = g_variant_get_maybe (value);

        if (inner == NULL)
          {
            _fapilog_json_buf_append_literal (buf, "null");
          }
        else
          {
            write_variant (buf, inner, flags);
            g_variant_unref (inner);
          }
      }
      break;

    case G_VARIANT_CLASS_ARRAY:
      {
        const GVariantType *elem = g_variant_type_element (g_variant_get_type (value));

        if (g_variant_type_equal (elem, G_VARIANT_TYPE_BYTE))
          {
            /* A bytestring: text by convention, usually NUL-terminated. */
            gsize n = 0;
            const char *bytes = g_variant_get_fixed_array (value, &n, 1);

            if (n > 0 && bytes[n - 1] == '\0')
              n--;
            _fapilog_json_write_string (buf, bytes, n);
          }
        else if (g_variant_type_is_dict_entry (elem))
          {
            write_dict (buf, value, flags);
          }
        else if (!write_fixed_array (buf, value, elem))
          {
            write_children (buf, value, flags);
          }
      }
      break;

    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
      /* A dict entry on its own (not inside a dictionary) is a [key, value]
       * pair; it never masks since it is not an object member. */
      write_children (buf, value, flags);
      break;

    default:
      _fapilog_json_buf_append_literal (buf, "null");
      break;
    }
}

void
_fapilog_json_write_variant (FapilogJsonBuf *buf,
                             GVariant       *value,
                             guint           flags)
{
  if (value == NULL)
    {
      _fapilog_json_buf_append_literal (buf, "null");
      return;
    }

  write_variant (buf, value, flags);
}
