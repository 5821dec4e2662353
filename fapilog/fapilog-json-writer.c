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

/* Non-zero iff one of the eight bytes of @w needs attention in a JSON
 * string: a control character (< 0x20), '"', '\\' or a byte >= 0x80. The
 * last term catches every byte >= 0x80; with all bytes below it, each
 * subtraction borrows into a byte's top bit exactly where that byte was
 * below 0x20 (or zero after the XOR), so the test is exact as to "is there
 * any such byte" (only its position could be off). */
static inline guint64
word_needs_attention (guint64 w)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);

  return ((w - ones * 0x20) |
          ((w ^ (ones * '"')) - ones) |
          ((w ^ (ones * '\\')) - ones) |
          w) & (ones * 0x80);
}

/* Unaligned load (memcpy compiles to a single move); callers keep every
 * load inside the string. */
static inline guint64
load_u64 (const guchar *p)
{
  guint64 w;

  memcpy (&w, p, sizeof w);
  return w;
}

/* Strings up to this long take put_short_string(). */
#define SHORT_STRING 16

/* The common case of _fapilog_json_write_string(), for strings that fit
 * in two words: if @len <= SHORT_STRING and no byte of @s needs escaping or
 * replacing, writes @s in quotes at @out (which must have room for @len + 2
 * bytes) and returns the end; otherwise returns NULL, and whatever was
 * written at @out is garbage for the caller to overwrite. Every load stays
 * inside @s: the first and the last word of the string overlap instead of
 * reading past its end. */
static inline char *
put_short_string (char       *out,
                  const char *s,
                  gsize       len)
{
  if (len > SHORT_STRING)
    return NULL;

  out[0] = '"';
  if (len >= 8)
    {
      guint64 head = load_u64 ((const guchar *) s);
      guint64 tail = load_u64 ((const guchar *) s + len - 8);

      if (word_needs_attention (head) |
          word_needs_attention (tail))
        return NULL;
      memcpy (out + 1, &head, sizeof head);
      memcpy (out + 1 + len - 8, &tail, sizeof tail);
    }
  else if (len >= 4)
    {
      guint32 head, tail;

      memcpy (&head, s, sizeof head);
      memcpy (&tail, s + len - 4, sizeof tail);
      if (word_needs_attention (head | ((guint64) tail << 32)))
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

      if (word_needs_attention (w))
        return NULL;
      out[1] = (char) a;
      out[1 + len / 2] = (char) b;
      out[len] = (char) c;
    }
  out[len + 1] = '"';

  return out + len + 2;
}

/* The careful path: from @p (at or before the first byte that needs
 * attention) to @end, then the closing quote. Escapes control characters,
 * '"' and '\\', and replaces invalid UTF-8; valid UTF-8 and safe ASCII are
 * copied in runs. */
G_GNUC_NO_INLINE static void
write_string_careful (FapilogJsonBuf *buf,
                      const guchar   *p,
                      const guchar   *end)
{
  const guchar *run = p;

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
  if (end != run)
    {
      memcpy (buf->data + buf->len, run, end - run);
      buf->len += end - run;
    }
  buf->data[buf->len++] = '"';
}

void
_fapilog_json_write_string (FapilogJsonBuf *buf,
                            const char     *s,
                            gsize           len)
{
  const guchar *p = (const guchar *) s;
  const guchar *end = p + len;
  char *out;
  guint64 w;

  /* Most strings are plain ASCII: they are checked and copied in one pass,
   * straight into the buffer. Until the first byte that needs attention,
   * output and input advance in step, so reserving the length plus the two
   * quotes keeps every store below in bounds. */
  _fapilog_json_buf_reserve (buf, len + 2);
  out = buf->data + buf->len;

  if (len <= SHORT_STRING)
    {
      char *done = put_short_string (out, s, len);

      if (G_LIKELY (done != NULL))
        {
          buf->len = done - buf->data;
          return;
        }

      /* Short enough that rescanning it from the start costs nothing. */
      buf->data[buf->len++] = '"';
      write_string_careful (buf, p, end);
      return;
    }

  *out++ = '"';

  /* Whole words while more than eight bytes remain... */
  while (end - p > 8)
    {
      w = load_u64 (p);
      if (word_needs_attention (w))
        goto bytewise;
      memcpy (out, &w, sizeof w);
      p += 8;
      out += 8;
    }

  /* ...then the string's last eight bytes cover the rest (one to eight
   * bytes; the overlap with bytes already copied rewrites them with the
   * same values). Loading at end - 8 stays inside the string, where a word
   * at p would not. */
  w = load_u64 (end - 8);
  if (!word_needs_attention (w))
    {
      memcpy (out - (8 - (end - p)), &w, sizeof w);
      out += end - p;
      *out++ = '"';
      buf->len = out - buf->data;
      return;
    }

bytewise:
  /* The way to the byte that needs attention. */
  while (byte_class[*p] == CLASS_SAFE)
    *out++ = (char) *p++;

  buf->len = out - buf->data;
  write_string_careful (buf, p, end);
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

/* Number of decimal digits of @value (1..20). */
static inline guint
decimal_length (guint64 value)
{
  guint n = 1;

  for (;;)
    {
      if (value < 10)
        return n;
      if (value < 100)
        return n + 1;
      if (value < 1000)
        return n + 2;
      if (value < 10000)
        return n + 3;
      value /= 10000;
      n += 4;
    }
}

/* Knowing the length first lets the digits go straight into the buffer,
 * with no temporary and no memcpy call. */
void
_fapilog_json_write_uint (FapilogJsonBuf *buf,
                          guint64         value)
{
  guint n = decimal_length (value);

  _fapilog_json_buf_reserve (buf, n);
  format_u64 (value, buf->data + buf->len + n);
  buf->len += n;
}

void
_fapilog_json_write_int (FapilogJsonBuf *buf,
                         gint64          value)
{
  guint64 magnitude;
  guint n;

  if (value >= 0)
    {
      _fapilog_json_write_uint (buf, (guint64) value);
      return;
    }

  /* Negate in unsigned arithmetic: -G_MININT64 does not fit a gint64. */
  magnitude = (guint64) 0 - (guint64) value;
  n = decimal_length (magnitude);
  _fapilog_json_buf_reserve (buf, n + 1);
  buf->data[buf->len] = '-';
  format_u64 (magnitude, buf->data + buf->len + 1 + n);
  buf->len += n + 1;
}

/* Doubles are written as the shortest text that reads back as the same
 * value, in the notation of printf's %g at the precision that was needed
 * (15, 16 or 17 significant digits; fewer for subnormals), plus ".0" when
 * that text would otherwise read back as an integer. Three paths:
 *
 * - a fast path without printf for values with few decimals (0.75, 12.5,
 *   199.99: most values people log), in the range where %g is positional;
 * - one printf at 17 digits, from which the 15 and 16 digit candidates are
 *   derived by rounding the digit string, each checked with one strtod;
 * - a digit-by-digit search for subnormals (rare).
 *
 * Every candidate is verified by reading it back, so correctness never
 * depends on the shortcuts; only the length could. */

static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
  1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
};

/* 2^50: below it, scaling a double by a power of ten and rounding to an
 * integer is accurate to far better than 0.5, so the first number of
 * decimals that works gives the shortest digits. */
#define FAST_LIMIT 1125899906842624.0

/* Writes "[-]int.frac" for m / 10^k (k decimals, m not a multiple of 10
 * unless k is 0) and returns the length. */
static gsize
put_decimal (guint64   m,
             guint     k,
             gboolean  negative,
             char     *out)
{
  guint n = decimal_length (m);
  char *o = out;

  if (negative)
    *o++ = '-';

  if (k == 0)
    {
      o += n;
      format_u64 (m, o);
      *o++ = '.';
      *o++ = '0';
    }
  else if (n > k)
    {
      /* Written backwards: the k decimals, the point, then the integer
       * part in front of it. */
      char *q = o + n + 1;
      guint i;

      o = q;
      for (i = 0; i < k; i++)
        {
          *--q = (char) ('0' + m % 10);
          m /= 10;
        }
      *--q = '.';
      format_u64 (m, q);
    }
  else
    {
      *o++ = '0';
      *o++ = '.';
      for (guint i = n; i < k; i++)
        *o++ = '0';
      o += n;
      format_u64 (m, o);
    }

  return o - out;
}

/* Whether @a is exactly the double nearest m / 10^k for the integer m
 * nearest a * 10^k; sets @m. */
static inline gboolean
is_decimal (double   a,
            guint    k,
            guint64 *m)
{
  double scaled = a * powers_of_ten[k];
  double diff;

  *m = (guint64) (scaled + 0.5);
  diff = scaled - (double) *m;
  /* Cheap filter before the division that decides. */
  if (fabs (diff) > scaled * 1e-14 + 1e-300)
    return FALSE;
  return (double) *m / powers_of_ten[k] == a;
}

/* Three decimals cover most values people log (0.75, 12.5, 199.99): they
 * are tried first, at once, and trailing zeros dropped. Below FAST_LIMIT /
 * 1000 two different numbers of at most three decimals are 0.001 apart,
 * far more than the spacing of doubles there, so at most one of them reads
 * back as @a: dropping zeros gives the shortest. And if none does, no
 * shorter one can either (it would be one of them), so the search goes on
 * from four decimals. */
#define FIRST_DECIMALS 3

/* Writes "[-]int.frac" for @value = +/-m / 10^k with the smallest k, if
 * 1e-4 <= |value| < 1e15 and m < 2^50. Returns the length, or 0. */
static gsize
format_double_fast (double  value,
                    char   *out)
{
  double a = fabs (value);
  guint64 m;
  guint k;

  if (!(a >= 1e-4 && a < 1e15))
    return 0;

  k = 0;
  if (a * powers_of_ten[FIRST_DECIMALS] < FAST_LIMIT)
    {
      if (is_decimal (a, FIRST_DECIMALS, &m))
        {
          k = FIRST_DECIMALS;
          while (k > 0 && m % 10 == 0)
            {
              m /= 10;
              k--;
            }
          return put_decimal (m, k, value < 0, out);
        }
      k = FIRST_DECIMALS + 1;
    }

  for (; k < G_N_ELEMENTS (powers_of_ten); k++)
    {
      if (a * powers_of_ten[k] >= FAST_LIMIT)
        return 0;
      if (is_decimal (a, k, &m))
        return put_decimal (m, k, value < 0, out);
    }

  return 0;
}

/* Renders @n_digits significant digits (no leading zero) with decimal
 * exponent @exp10 (of the first digit) as printf's %.{precision}g would:
 * trailing zeros dropped, exponential notation when exp10 < -4 or
 * exp10 >= precision. Returns the length. */
static gsize
render_g (const char *digits,
          int         n_digits,
          int         exp10,
          gboolean    negative,
          int         precision,
          char       *out)
{
  char *o = out;

  while (n_digits > 1 && digits[n_digits - 1] == '0')
    n_digits--;

  if (negative)
    *o++ = '-';

  if (exp10 < -4 || exp10 >= precision)
    {
      int e = exp10 < 0 ? -exp10 : exp10;

      *o++ = digits[0];
      if (n_digits > 1)
        {
          *o++ = '.';
          memcpy (o, digits + 1, n_digits - 1);
          o += n_digits - 1;
        }
      *o++ = 'e';
      *o++ = exp10 < 0 ? '-' : '+';
      if (e >= 100)
        *o++ = (char) ('0' + e / 100);
      *o++ = (char) ('0' + (e / 10) % 10);
      *o++ = (char) ('0' + e % 10);
    }
  else if (exp10 >= 0)
    {
      int int_digits = exp10 + 1;

      if (n_digits <= int_digits)
        {
          memcpy (o, digits, n_digits);
          o += n_digits;
          memset (o, '0', int_digits - n_digits);
          o += int_digits - n_digits;
        }
      else
        {
          memcpy (o, digits, int_digits);
          o += int_digits;
          *o++ = '.';
          memcpy (o, digits + int_digits, n_digits - int_digits);
          o += n_digits - int_digits;
        }
    }
  else
    {
      *o++ = '0';
      *o++ = '.';
      memset (o, '0', -exp10 - 1);
      o += -exp10 - 1;
      memcpy (o, digits, n_digits);
      o += n_digits;
    }

  *o = '\0';
  return o - out;
}

/* Formats @value with printf's %.{n-1}e and splits the result into @n
 * digits and the decimal exponent. Locale-independent. */
static void
scientific_digits (double    value,
                   int       n,
                   char     *digits,
                   int      *exp10)
{
  static const char *formats[] = {
    "%.0e", "%.1e", "%.2e", "%.3e", "%.4e", "%.5e", "%.6e", "%.7e", "%.8e",
    "%.9e", "%.10e", "%.11e", "%.12e", "%.13e", "%.14e", "%.15e", "%.16e",
  };
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  const char *p = text;
  int i, e = 0;
  gboolean e_negative;

  g_ascii_formatd (text, sizeof text, formats[n - 1], value);

  if (*p == '-')
    p++;
  for (i = 0; i < n; i++)
    {
      if (*p == '.')
        p++;
      digits[i] = *p++;
    }
  /* p is at 'e' now */
  p++;
  e_negative = *p == '-';
  p++;
  while (g_ascii_isdigit (*p))
    e = e * 10 + (*p++ - '0');
  *exp10 = e_negative ? -e : e;
}

static gsize
format_double_general (double  value,
                       char   *out)
{
  char d17[17];
  int exp17;
  int precision;
  gboolean negative = value < 0;

  scientific_digits (value, 17, d17, &exp17);

  for (precision = 15; precision <= 16; precision++)
    {
      char cand[17];
      int exp10 = exp17;
      gboolean tie;
      gsize len;

      if (precision == 15)
        {
          /* 15 digits can only read back if the true value lies within
           * half an ulp of a 15-digit decimal. Half an ulp is at most
           * 2^-53 * 10^17 ~ 11.1 units of the 17th digit, so when the last
           * two of the 17 digits are well away from 00 (15..85), the
           * 15-digit candidate cannot work: skip its strtod. */
          int tail = (d17[15] - '0') * 10 + (d17[16] - '0');

          if (tail >= 15 && tail <= 85)
            continue;
        }

      /* Rounding the 17-digit string again gives the correctly rounded
       * shorter string, except where it reads as an exact tie: then the
       * discarded part of the true value decides, so ask printf. */
      if (precision == 15)
        tie = d17[15] == '5' && d17[16] == '0';
      else
        tie = d17[16] == '5';

      if (tie)
        {
          scientific_digits (value, precision, cand, &exp10);
        }
      else
        {
          int i;

          memcpy (cand, d17, precision);
          if (d17[precision] >= '5')
            {
              for (i = precision - 1; i >= 0; i--)
                {
                  if (cand[i] != '9')
                    {
                      cand[i]++;
                      break;
                    }
                  cand[i] = '0';
                }
              if (i < 0)
                {
                  /* 9.99...9 rounded up to 10.00...0 */
                  cand[0] = '1';
                  exp10++;
                }
            }
        }

      len = render_g (cand, precision, exp10, negative, precision, out);
      if (g_ascii_strtod (out, NULL) == value)
        return len;
    }

  /* 17 significant digits always read back exactly. */
  return render_g (d17, 17, exp17, negative, 17, out);
}

static gsize
format_double_subnormal (double  value,
                         char   *out)
{
  char digits[17];
  int exp10 = 0;
  int n;
  gsize len = 0;

  /* Subnormals carry fewer significant digits than normal doubles, so the
   * shortest text may have any length: search upwards. */
  for (n = 1; n <= 17; n++)
    {
      scientific_digits (value, n, digits, &exp10);
      len = render_g (digits, n, exp10, value < 0, n, out);
      if (g_ascii_strtod (out, NULL) == value)
        break;
    }

  return len;
}

void
_fapilog_json_write_double (FapilogJsonBuf *buf,
                            double          value)
{
  char tmp[48];
  gsize len;

  if (!isfinite (value))
    {
      _fapilog_json_buf_append_literal (buf, "null");
      return;
    }

  if (value == 0.0)
    {
      if (signbit (value))
        _fapilog_json_buf_append_literal (buf, "-0.0");
      else
        _fapilog_json_buf_append_literal (buf, "0.0");
      return;
    }

  /* The fast path writes at most 22 bytes ("-0." and 19 digits), so it
   * can write in place. */
  _fapilog_json_buf_reserve (buf, 24);
  len = format_double_fast (value, buf->data + buf->len);
  if (len != 0)
    {
      buf->len += len;
      return;
    }

  if (fabs (value) < DBL_MIN)
    len = format_double_subnormal (value, tmp);
  else
    len = format_double_general (value, tmp);

  /* Keep doubles recognisable as such to JSON readers: "3" would come
   * back as an integer. */
  if (memchr (tmp, '.', len) == NULL && memchr (tmp, 'e', len) == NULL)
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
