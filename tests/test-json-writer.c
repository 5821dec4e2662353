/* test-json-writer.c: the hot-path JSON writer
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <float.h>
#include <locale.h>
#include <math.h>

#include <json-glib/json-glib.h>

#include "fapilog-json-writer-private.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

/* Parses @text (which must be valid JSON) and returns its root. */
static JsonNode *
parse_json (const char *text,
            gssize      len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, len, &error))
    g_error ("invalid JSON (%s): %.200s", error->message, text);
  g_assert_nonnull (json_parser_get_root (parser));

  return json_parser_steal_root (parser);
}

static void
assert_valid_json (const char *text,
                   gsize       len)
{
  JsonNode *root;

  g_assert_true (g_utf8_validate_len (text, len, NULL));
  root = parse_json (text, len);
  json_node_unref (root);
}

/* Serializes through @fn and returns the text (NUL-terminated, valid JSON
 * checked). */
static char *
json_of_string (const char *s,
                gsize       len)
{
  FapilogJsonBuf buf;
  char *text;
  gsize text_len;

  _fapilog_json_buf_init (&buf, 0);
  _fapilog_json_write_string (&buf, s, len);
  text = _fapilog_json_buf_steal (&buf, &text_len);
  g_assert_cmpuint (strlen (text), ==, text_len);
  assert_valid_json (text, text_len);

  return text;
}

/* The string a JSON parser reads back from the writer's output. */
static char *
roundtrip_string (const char *s,
                  gsize       len)
{
  g_autofree char *text = json_of_string (s, len);
  JsonNode *root = parse_json (text, -1);
  char *result;

  g_assert_cmpint (json_node_get_value_type (root), ==, G_TYPE_STRING);
  result = json_node_dup_string (root);
  json_node_unref (root);

  return result;
}

static void
assert_string_json (const char *input,
                    gsize       len,
                    const char *expected)
{
  g_autofree char *text = json_of_string (input, len);

  g_assert_cmpstr (text, ==, expected);
}

static char *
json_of_variant (GVariant *value,
                 guint     flags)
{
  FapilogJsonBuf buf;
  char *text;
  gsize len;

  g_variant_ref_sink (value);
  _fapilog_json_buf_init (&buf, 16);
  _fapilog_json_write_variant (&buf, value, flags);
  g_variant_unref (value);

  text = _fapilog_json_buf_steal (&buf, &len);
  assert_valid_json (text, len);
  return text;
}

static void
assert_variant_json (GVariant   *value,
                     guint       flags,
                     const char *expected)
{
  g_autofree char *text = json_of_variant (value, flags);

  g_assert_cmpstr (text, ==, expected);
}

static char *
json_of_double (double value)
{
  FapilogJsonBuf buf;
  char *text;
  gsize len;

  _fapilog_json_buf_init (&buf, 0);
  _fapilog_json_write_double (&buf, value);
  text = _fapilog_json_buf_steal (&buf, &len);
  assert_valid_json (text, len);
  return text;
}

/* ------------------------------------------------------------------------ */
/* Buffer                                                                   */

static void
test_buf_growth (void)
{
  FapilogJsonBuf buf;
  gsize reallocs = 0, last_cap;
  gsize len;
  char *data;
  guint i;

  _fapilog_json_buf_init (&buf, 0);
  g_assert_null (buf.data);
  g_assert_cmpuint (buf.len, ==, 0);
  g_assert_cmpuint (buf.cap, ==, 0);

  /* One byte at a time up to 1 MiB: geometric growth means a logarithmic
   * number of capacity changes. */
  last_cap = buf.cap;
  for (i = 0; i < 1024 * 1024; i++)
    {
      _fapilog_json_buf_append_c (&buf, (char) ('a' + i % 26));
      if (buf.cap != last_cap)
        {
          g_assert_cmpuint (buf.cap, >=, 2 * last_cap);
          last_cap = buf.cap;
          reallocs++;
        }
    }
  g_assert_cmpuint (reallocs, <=, 20);
  g_assert_cmpuint (buf.len, ==, 1024 * 1024);

  data = _fapilog_json_buf_steal (&buf, &len);
  g_assert_cmpuint (len, ==, 1024 * 1024);
  g_assert_cmpint (data[len], ==, '\0');
  g_assert_cmpint (data[0], ==, 'a');
  g_assert_cmpint (data[len - 1], ==, (char) ('a' + (len - 1) % 26));
  g_assert_null (buf.data);
  g_assert_cmpuint (buf.len, ==, 0);
  g_assert_cmpuint (buf.cap, ==, 0);
  g_free (data);

  /* A large single append grows to at least what is needed. */
  _fapilog_json_buf_init (&buf, 8);
  _fapilog_json_buf_reserve (&buf, 100000);
  g_assert_cmpuint (buf.cap, >=, 100000);
  _fapilog_json_buf_append_literal (&buf, "xyz");
  g_assert_cmpuint (buf.len, ==, 3);
  g_assert_cmpmem (buf.data, 3, "xyz", 3);
  _fapilog_json_buf_clear (&buf);
  g_assert_null (buf.data);
  g_assert_cmpuint (buf.len, ==, 0);

  /* Stealing an empty, never-allocated buffer still gives a C string. */
  _fapilog_json_buf_init (&buf, 0);
  data = _fapilog_json_buf_steal (&buf, &len);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpstr (data, ==, "");
  g_free (data);
}

/* ------------------------------------------------------------------------ */
/* Strings                                                                  */

static void
test_string_plain (void)
{
  assert_string_json ("", 0, "\"\"");
  assert_string_json ("a", 1, "\"a\"");
  assert_string_json ("user login", 10, "\"user login\"");
  assert_string_json ("/path/to/file ~!@#$%^&*()_+`-={}[]|:;'<>?,./", 44,
                      "\"/path/to/file ~!@#$%^&*()_+`-={}[]|:;'<>?,./\"");
  /* DEL needs no escape. */
  assert_string_json ("\x7f", 1, "\"\x7f\"");
  /* The length is honoured: bytes after it are not read. */
  assert_string_json ("abcdef", 3, "\"abc\"");
}

static void
test_string_escapes (void)
{
  assert_string_json ("\"", 1, "\"\\\"\"");
  assert_string_json ("\\", 1, "\"\\\\\"");
  assert_string_json ("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
  assert_string_json ("line1\nline2", 11, "\"line1\\nline2\"");
  /* Forward slash is legal unescaped. */
  assert_string_json ("a/b", 3, "\"a/b\"");
}

static void
test_string_control_chars (void)
{
  static const char *expected[32] = {
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
    "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
    "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
    "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
  };
  GString *all_in = g_string_new (NULL);
  GString *all_out = g_string_new ("\"");
  g_autofree char *all_text = NULL;
  guint c;

  for (c = 0; c < 32; c++)
    {
      char in[3] = { 'x', (char) c, 'y' };
      g_autofree char *want = g_strdup_printf ("\"x%sy\"", expected[c]);
      g_autofree char *back = NULL;

      assert_string_json (in, 3, want);

      /* A JSON reader gets the original byte back (NUL aside, which
       * json-glib cannot represent in a C string). */
      if (c != 0)
        {
          back = roundtrip_string (in, 3);
          g_assert_cmpmem (back, strlen (back), in, 3);
        }

      g_string_append_c (all_in, (char) c);
      g_string_append (all_out, expected[c]);
    }
  g_string_append_c (all_out, '"');

  /* All 32 in a row (exercising the word-at-a-time scanner too). */
  all_text = json_of_string (all_in->str, all_in->len);
  g_assert_cmpstr (all_text, ==, all_out->str);

  g_string_free (all_in, TRUE);
  g_string_free (all_out, TRUE);
}

static void
test_string_embedded_nul (void)
{
  assert_string_json ("a\0b", 3, "\"a\\u0000b\"");
  assert_string_json ("\0\0", 2, "\"\\u0000\\u0000\"");
  assert_string_json ("abcdefgh\0ijklmnop", 17, "\"abcdefgh\\u0000ijklmnop\"");
}

static void
test_string_utf8_valid (void)
{
  /* 2-, 3- and 4-byte sequences, the extremes of each, copied unchanged. */
  static const char *valid[] = {
    "caf\xc3\xa9",                 /* U+00E9 */
    "\xc2\x80",                    /* U+0080, smallest 2-byte */
    "\xdf\xbf",                    /* U+07FF */
    "\xe0\xa0\x80",                /* U+0800, smallest 3-byte */
    "\xed\x9f\xbf",                /* U+D7FF, just below the surrogates */
    "\xee\x80\x80",                /* U+E000, just above */
    "\xef\xbf\xbd",                /* U+FFFD itself */
    "\xef\xbf\xbf",                /* U+FFFF */
    "\xf0\x90\x80\x80",            /* U+10000, smallest 4-byte */
    "\xf0\x9f\x98\x80",            /* U+1F600 */
    "\xf4\x8f\xbf\xbf",            /* U+10FFFF, the largest */
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e text \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autofree char *want = g_strdup_printf ("\"%s\"", valid[i]);
      g_autofree char *back = roundtrip_string (valid[i], strlen (valid[i]));

      assert_string_json (valid[i], strlen (valid[i]), want);
      g_assert_cmpstr (back, ==, valid[i]);
    }
}

#define FFFD "\xef\xbf\xbd"

static void
test_string_utf8_invalid (void)
{
  static const struct {
    const char *in;
    gsize len;
    const char *out;
  } cases[] = {
    /* lone continuation bytes */
    { "\x80", 1, "\"" FFFD "\"" },
    { "a\xbf" "b", 3, "\"a" FFFD "b\"" },
    { "\x80\x80\x80", 3, "\"" FFFD FFFD FFFD "\"" },
    /* overlong forms: C0/C1 are never valid, nor E0 80..9F, F0 80..8F */
    { "\xc0\xaf", 2, "\"" FFFD FFFD "\"" },
    { "\xc1\xbf", 2, "\"" FFFD FFFD "\"" },
    { "\xe0\x80\xaf", 3, "\"" FFFD FFFD FFFD "\"" },
    { "\xe0\x9f\xbf", 3, "\"" FFFD FFFD FFFD "\"" },
    { "\xf0\x80\x80\xaf", 4, "\"" FFFD FFFD FFFD FFFD "\"" },
    { "\xf0\x8f\xbf\xbf", 4, "\"" FFFD FFFD FFFD FFFD "\"" },
    /* UTF-16 surrogates encoded in UTF-8 */
    { "\xed\xa0\x80", 3, "\"" FFFD FFFD FFFD "\"" },
    { "\xed\xbf\xbf", 3, "\"" FFFD FFFD FFFD "\"" },
    /* beyond U+10FFFF */
    { "\xf4\x90\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\"" },
    { "\xf5\x80\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\"" },
    { "\xf7\xbf\xbf\xbf", 4, "\"" FFFD FFFD FFFD FFFD "\"" },
    { "\xfe\xff", 2, "\"" FFFD FFFD "\"" },
    /* truncated at the end of the string: one U+FFFD per maximal prefix */
    { "ab\xc3", 3, "\"ab" FFFD "\"" },
    { "ab\xe2\x82", 4, "\"ab" FFFD "\"" },
    { "ab\xe2", 3, "\"ab" FFFD "\"" },
    { "ab\xf0\x9f\x98", 5, "\"ab" FFFD "\"" },
    { "ab\xf0\x9f", 4, "\"ab" FFFD "\"" },
    /* truncated in the middle */
    { "\xe2\x82" "A", 3, "\"" FFFD "A\"" },
    { "\xf0\x9f\x98" "A", 4, "\"" FFFD "A\"" },
    { "\xc3" "A", 2, "\"" FFFD "A\"" },
    /* a truncated sequence followed by a valid one */
    { "\xe2\x82\xc3\xa9", 4, "\"" FFFD "\xc3\xa9\"" },
    /* an invalid byte before a quote and a control character */
    { "\xff\"\n", 3, "\"" FFFD "\\\"\\n\"" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u", i);
      assert_string_json (cases[i].in, cases[i].len, cases[i].out);
    }
}

/* A plain reference escaper for ASCII input, for checking the fast scanner
 * at every alignment. */
static char *
reference_escape_ascii (const char *s,
                        gsize       len)
{
  GString *out = g_string_new ("\"");
  gsize i;

  for (i = 0; i < len; i++)
    {
      guchar c = (guchar) s[i];

      if (c == '"')
        g_string_append (out, "\\\"");
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\b')
        g_string_append (out, "\\b");
      else if (c == '\f')
        g_string_append (out, "\\f");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

static void
test_string_alignment (void)
{
  /* A special byte at every position of strings of every length up to 40,
   * so each lands in every lane of the 8-byte scanner and in the tail. */
  static const char specials[] = { '"', '\\', '\n', '\x01', '\x1f', '\0', ' ', '~' };
  gsize len, pos;
  guint k;

  for (len = 1; len <= 40; len++)
    for (pos = 0; pos < len; pos++)
      for (k = 0; k < G_N_ELEMENTS (specials); k++)
        {
          char s[40];
          g_autofree char *want = NULL;
          g_autofree char *got = NULL;

          memset (s, 'm', len);
          s[pos] = specials[k];
          want = reference_escape_ascii (s, len);
          got = json_of_string (s, len);
          g_assert_cmpstr (got, ==, want);
        }

  /* Multi-byte and invalid sequences at every alignment. */
  for (pos = 0; pos <= 22; pos++)
    {
      char s[40];
      g_autofree char *got = NULL;
      g_autofree char *want = NULL;

      memset (s, 'm', sizeof s);
      memcpy (s + pos, "\xf0\x9f\x98\x80", 4);   /* valid */
      s[pos + 9] = '\x80';                      /* invalid */
      got = json_of_string (s, 32);
      want = g_strdup_printf ("\"%.*s\xf0\x9f\x98\x80mmmmm" FFFD "%.*s\"",
                              (int) pos, s, (int) (32 - pos - 10), s + pos + 10);
      g_assert_cmpstr (got, ==, want);
    }
}

static void
test_string_random (void)
{
  /* Random bytes: the output is always valid UTF-8 JSON, and when the input
   * was valid UTF-8 (without NUL) a reader gets exactly the input back. */
  GRand *rand = g_rand_new_with_seed (42);
  guint round;

  for (round = 0; round < 5000; round++)
    {
      gsize len = g_rand_int_range (rand, 0, 64);
      char s[64];
      g_autofree char *back = NULL;
      gsize i;
      /* Bias towards interesting bytes. */
      static const guchar pool[] = {
        'a', 'Z', ' ', '"', '\\', '\n', 0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc0,
        0xc2, 0xc3, 0xa9, 0xe0, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f,
        0x98, 0xf4, 0x8f, 0x90, 0xf5, 0xff,
      };

      for (i = 0; i < len; i++)
        s[i] = (char) pool[g_rand_int_range (rand, 0, G_N_ELEMENTS (pool))];

      back = roundtrip_string (s, len);   /* checks validity */
      if (g_utf8_validate_len (s, len, NULL))
        g_assert_cmpmem (back, strlen (back), s, len);
    }

  g_rand_free (rand);
}

static void
test_string_huge (void)
{
  /* A 1 MiB message with a few characters that need escaping. */
  gsize len = 1024 * 1024;
  char *s = g_malloc (len);
  g_autofree char *text = NULL;
  g_autofree char *back = NULL;
  gsize i;

  for (i = 0; i < len; i++)
    s[i] = (char) ('a' + i % 26);
  s[12345] = '\n';
  s[len / 2] = '"';
  memcpy (s + len - 4, "\xe2\x82\xac", 3);

  text = json_of_string (s, len);
  g_assert_cmpuint (strlen (text), ==, len + 2 + 2);   /* quotes, two escapes */
  back = roundtrip_string (s, len);
  g_assert_cmpmem (back, strlen (back), s, len);

  g_free (s);
}

/* Writes @len bytes of @s (copied to an allocation of exactly @len bytes, so
 * that the sanitizers catch any read past the end) after @prefix_len bytes
 * of 'p', into a buffer whose capacity is exactly what the fast path
 * reserves (so that they catch any write past it too), and checks the
 * result against @want (@want_len bytes, quotes included). */
static void
check_string_exact (const char *s,
                    gsize       len,
                    gsize       prefix_len,
                    const char *want,
                    gsize       want_len)
{
  FapilogJsonBuf buf;
  char *copy = g_malloc (MAX (len, 1));
  gsize i;

  memcpy (copy, s, len);
  _fapilog_json_buf_init (&buf, prefix_len + len + 2);
  for (i = 0; i < prefix_len; i++)
    _fapilog_json_buf_append_c (&buf, 'p');
  _fapilog_json_write_string (&buf, copy, len);

  g_assert_cmpuint (buf.len, ==, prefix_len + want_len);
  g_assert_cmpmem (buf.data + prefix_len, buf.len - prefix_len, want, want_len);

  _fapilog_json_buf_clear (&buf);
  g_free (copy);
}

/* The fast path copies safe ASCII eight bytes (or two overlapping four-byte
 * halves) at a time and hands over to the careful path at the first byte
 * that needs attention. Each kind of such byte is put at every position of
 * strings of every length up to a few words (and of one long string),
 * between runs of safe ASCII, and the exact output is checked. */
static void
test_string_fast_path_boundaries (void)
{
  static const struct {
    const char *in;
    gsize       in_len;
    const char *out;
  } specials[] = {
#define SPECIAL(in, out) { in, sizeof (in) - 1, out }
    SPECIAL ("\"", "\\\""),
    SPECIAL ("\\", "\\\\"),
    SPECIAL ("\n", "\\n"),
    SPECIAL ("\t", "\\t"),
    SPECIAL ("\x01", "\\u0001"),
    SPECIAL ("\x1f", "\\u001f"),
    SPECIAL ("\0", "\\u0000"),
    SPECIAL ("\x7f", "\x7f"),                        /* DEL: safe, copied as is */
    SPECIAL (" ", " "),                              /* lowest safe byte */
    SPECIAL ("~", "~"),
    SPECIAL ("\xc3\xa9", "\xc3\xa9"),                /* valid 2-byte UTF-8 */
    SPECIAL ("\xe2\x82\xac", "\xe2\x82\xac"),        /* valid 3-byte */
    SPECIAL ("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"), /* valid 4-byte */
    SPECIAL ("\xff", FFFD),                          /* never UTF-8 */
    SPECIAL ("\x80", FFFD),                          /* lone continuation */
    SPECIAL ("\xc3", FFFD),                          /* truncated by a safe byte or the end */
    SPECIAL ("\xe2\x82", FFFD),                      /* truncated 3-byte: one U+FFFD */
    SPECIAL ("\xc0\xaf", FFFD FFFD),                 /* overlong */
    SPECIAL ("\xed\xa0\x80", FFFD FFFD FFFD),        /* surrogate */
#undef SPECIAL
  };
  static const gsize long_len = 1000;
  gsize len, pos, k;

  for (k = 0; k < G_N_ELEMENTS (specials); k++)
    {
      gsize in_len = specials[k].in_len;
      gsize out_len = strlen (specials[k].out);
      guint step;

      /* Every length from the special alone to five words more, then one
       * long string (positions near both ends, and a sample between). */
      for (step = 0; step <= 41; step++)
        {
          len = step <= 40 ? in_len + step : long_len;

          for (pos = 0; pos + in_len <= len; pos++)
            {
              char *s;
              GString *want;
              gsize i;

              if (len == long_len && pos > 24 && pos + in_len + 24 < len && pos % 61 != 0)
                continue;

              s = g_malloc (len);
              for (i = 0; i < len; i++)
                s[i] = (char) ('a' + i % 26);
              memcpy (s + pos, specials[k].in, in_len);

              want = g_string_new ("\"");
              g_string_append_len (want, s, pos);
              g_string_append_len (want, specials[k].out, out_len);
              g_string_append_len (want, s + pos + in_len, len - pos - in_len);
              g_string_append_c (want, '"');

              check_string_exact (s, len, 0, want->str, want->len);
              check_string_exact (s, len, 3, want->str, want->len);

              g_string_free (want, TRUE);
              g_free (s);
            }
        }
    }

  /* Only safe bytes, every length: the fast path alone, exactly in the
   * reserved space. */
  for (len = 0; len <= 70; len++)
    {
      char s[70];
      char want[72];
      gsize i;

      for (i = 0; i < len; i++)
        s[i] = (char) (' ' + (i * 7) % 95);   /* never '"' or '\\' ... */
      for (i = 0; i < len; i++)
        if (s[i] == '"' || s[i] == '\\')
          s[i] = '\x7f';                       /* ... DEL instead */
      want[0] = '"';
      memcpy (want + 1, s, len);
      want[len + 1] = '"';
      check_string_exact (s, len, 0, want, len + 2);
      check_string_exact (s, len, 5, want, len + 2);
    }

  /* Several bytes needing attention in one string, the second one in the
   * overlapping tail word; invalid UTF-8 right after whole words. */
#define CHECK_LITERAL(in, want) \
  check_string_exact ((in), sizeof (in) - 1, 0, (want), sizeof (want) - 1)
  CHECK_LITERAL ("abcdefghi\"", "\"abcdefghi\\\"\"");
  CHECK_LITERAL ("\"bcdefghi\"", "\"\\\"bcdefghi\\\"\"");
  CHECK_LITERAL ("abc\ndef", "\"abc\\ndef\"");
  CHECK_LITERAL ("abcdefg\n", "\"abcdefg\\n\"");
  CHECK_LITERAL ("abcdefgh\xff", "\"abcdefgh" FFFD "\"");
  CHECK_LITERAL ("abcdefgh\xff" "abcdefgh\x01", "\"abcdefgh" FFFD "abcdefgh\\u0001\"");
  CHECK_LITERAL ("abc\xc3", "\"abc" FFFD "\"");
  CHECK_LITERAL ("ab\xe2\x82", "\"ab" FFFD "\"");
#undef CHECK_LITERAL
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                  */

static void
check_int (gint64 v)
{
  FapilogJsonBuf buf;
  g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, v);
  g_autofree char *got = NULL;

  _fapilog_json_buf_init (&buf, 0);
  _fapilog_json_write_int (&buf, v);
  got = _fapilog_json_buf_steal (&buf, NULL);
  g_assert_cmpstr (got, ==, want);

  /* The digits are written in place: a buffer with room for exactly them
   * (and one with a byte too few) lets the sanitizers check the bounds. */
  _fapilog_json_buf_init (&buf, strlen (want));
  _fapilog_json_write_int (&buf, v);
  g_assert_cmpmem (buf.data, buf.len, want, strlen (want));
  _fapilog_json_buf_clear (&buf);
  _fapilog_json_buf_init (&buf, strlen (want) + 1);
  _fapilog_json_buf_append_c (&buf, 'x');
  _fapilog_json_write_int (&buf, v);
  g_assert_cmpmem (buf.data + 1, buf.len - 1, want, strlen (want));
  _fapilog_json_buf_clear (&buf);
}

static void
check_uint (guint64 v)
{
  FapilogJsonBuf buf;
  g_autofree char *want = g_strdup_printf ("%" G_GUINT64_FORMAT, v);
  g_autofree char *got = NULL;

  _fapilog_json_buf_init (&buf, 0);
  _fapilog_json_write_uint (&buf, v);
  got = _fapilog_json_buf_steal (&buf, NULL);
  g_assert_cmpstr (got, ==, want);

  /* The digits are written in place: a buffer with room for exactly them
   * (and one with a byte too few) lets the sanitizers check the bounds. */
  _fapilog_json_buf_init (&buf, strlen (want));
  _fapilog_json_write_uint (&buf, v);
  g_assert_cmpmem (buf.data, buf.len, want, strlen (want));
  _fapilog_json_buf_clear (&buf);
  _fapilog_json_buf_init (&buf, strlen (want) + 1);
  _fapilog_json_buf_append_c (&buf, 'x');
  _fapilog_json_write_uint (&buf, v);
  g_assert_cmpmem (buf.data + 1, buf.len - 1, want, strlen (want));
  _fapilog_json_buf_clear (&buf);
}

static void
test_integers (void)
{
  guint64 p = 1;
  GRand *rand = g_rand_new_with_seed (7);
  guint i;
  FapilogJsonBuf buf;
  g_autofree char *text = NULL;

  check_int (0);
  check_int (-1);
  check_int (42);
  check_int (G_MAXINT64);
  check_int (G_MININT64);
  check_int (G_MININT64 + 1);
  check_int (G_MAXINT32);
  check_int (G_MININT32);
  check_uint (0);
  check_uint (G_MAXUINT64);
  check_uint (G_MAXUINT64 - 1);

  /* Every power of ten and its neighbours (digit-pair boundaries). */
  for (i = 0; i < 20; i++)
    {
      check_uint (p);
      check_uint (p - 1);
      check_uint (p + 1);
      if (p <= (guint64) G_MAXINT64)
        {
          check_int ((gint64) p);
          check_int (-(gint64) p);
          check_int ((gint64) p - 1);
          check_int (-(gint64) p + 1);
        }
      if (i < 19)
        p *= 10;
    }

  for (i = 0; i < 10000; i++)
    {
      guint64 r = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

      check_uint (r);
      check_int ((gint64) r);
    }
  g_rand_free (rand);

  /* The extremes are valid JSON numbers (json-glib reads them as int64). */
  _fapilog_json_buf_init (&buf, 0);
  _fapilog_json_buf_append_c (&buf, '[');
  _fapilog_json_write_int (&buf, G_MININT64);
  _fapilog_json_buf_append_c (&buf, ',');
  _fapilog_json_write_int (&buf, G_MAXINT64);
  _fapilog_json_buf_append_c (&buf, ',');
  _fapilog_json_write_uint (&buf, G_MAXUINT64);
  _fapilog_json_buf_append_c (&buf, ']');
  text = _fapilog_json_buf_steal (&buf, NULL);
  g_assert_cmpstr (text, ==, "[-9223372036854775808,9223372036854775807,18446744073709551615]");
  {
    JsonNode *root = parse_json (text, -1);
    JsonArray *arr = json_node_get_array (root);

    g_assert_cmpint (json_array_get_int_element (arr, 0), ==, G_MININT64);
    g_assert_cmpint (json_array_get_int_element (arr, 1), ==, G_MAXINT64);
    json_node_unref (root);
  }
}

static void
test_doubles_exact (void)
{
  static const struct {
    double v;
    const char *text;
  } cases[] = {
    { 0.1, "0.1" },
    { 0.5, "0.5" },
    { 1.5, "1.5" },
    { 3.0, "3.0" },
    { 0.0, "0.0" },
    { -0.0, "-0.0" },
    { -2.25, "-2.25" },
    { 1e300, "1e+300" },
    { 1e-300, "1e-300" },
    { 5e-324, "5e-324" },               /* the smallest subnormal */
    { 1e21, "1e+21" },
    { 123456.789, "123456.789" },
    { 0.30000000000000004, "0.30000000000000004" },  /* 0.1 + 0.2: 17 digits */
    { 1.7976931348623157e308, "1.7976931348623157e+308" },   /* DBL_MAX */
    { 2.2250738585072014e-308, "2.2250738585072014e-308" },  /* DBL_MIN */
    { 9007199254740993.0, "9007199254740992.0" },  /* 2^53 + 1 is not a double */
    { 3.14159, "3.14159" },
    /* The fast path's three shapes: integral, integer part and decimals,
     * below one (with leading zeros after the point). */
    { 100.0, "100.0" },
    { -7.0, "-7.0" },
    { 999999999999999.0, "999999999999999.0" },
    { 62.625, "62.625" },
    { -62.625, "-62.625" },
    { 10.5, "10.5" },
    { 1.05, "1.05" },
    { 123456789.123, "123456789.123" },
    { 0.125, "0.125" },
    { 0.05, "0.05" },
    { 0.0001, "0.0001" },
    { -0.0001, "-0.0001" },
    { 0.00012, "0.00012" },
    { 0.000123456789012, "0.000123456789012" },
    /* Just outside it: exponential notation from the general path. */
    { 0.00001, "1e-05" },
    { 1e15, "1e+15" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = json_of_double (cases[i].v);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* 0.1 + 0.2 computed, not typed. */
  {
    volatile double a = 0.1, b = 0.2;
    g_autofree char *text = json_of_double (a + b);

    g_assert_cmpstr (text, ==, "0.30000000000000004");
  }
}

static void
test_doubles_nonfinite (void)
{
  g_autofree char *nan_text = json_of_double (NAN);
  g_autofree char *inf_text = json_of_double (INFINITY);
  g_autofree char *ninf_text = json_of_double (-INFINITY);

  g_assert_cmpstr (nan_text, ==, "null");
  g_assert_cmpstr (inf_text, ==, "null");
  g_assert_cmpstr (ninf_text, ==, "null");

  assert_variant_json (g_variant_new_parsed ("[1.0, nan, inf, -inf]"), 0,
                       "[1.0,null,null,null]");
}

/* The expected text, by brute force: the fewest significant digits that
 * read back exactly, shown as printf's %g shows them at that precision (at
 * least 15 for normal doubles, so that e.g. 100000 stays positional), with
 * ".0" added when the text would read as an integer. */
static char *
reference_double (double v)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE + 2];
  char fmt[8];
  int digits, precision;

  for (digits = 1; digits < 17; digits++)
    {
      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (text, sizeof text, fmt, v);
      if (g_ascii_strtod (text, NULL) == v)
        break;
    }

  precision = (v != 0.0 && fabs (v) < DBL_MIN) ? digits : MAX (digits, 15);
  g_snprintf (fmt, sizeof fmt, "%%.%dg", precision);
  g_ascii_formatd (text, sizeof text, fmt, v);
  if (strpbrk (text, ".e") == NULL)
    strcat (text, ".0");

  return g_strdup (text);
}

static void
check_double (double v)
{
  g_autofree char *want = reference_double (v);
  g_autofree char *got = json_of_double (v);

  if (g_strcmp0 (got, want) != 0)
    g_error ("%.17g: got %s, want %s", v, got, want);
  g_assert_true (g_ascii_strtod (got, NULL) == v);
  g_assert_true (signbit (g_ascii_strtod (got, NULL)) == signbit (v));
}

static void
test_doubles_roundtrip (void)
{
  GRand *rand = g_rand_new_with_seed (1234);
  guint i;
  int e;

  /* Random bit patterns over the whole range, a quarter of them
   * subnormal. */
  for (i = 0; i < 20000; i++)
    {
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      double v;

      if (i % 4 == 0)
        bits &= G_GUINT64_CONSTANT (0x800FFFFFFFFFFFFF);
      memcpy (&v, &bits, sizeof v);
      if (isfinite (v))
        check_double (v);
    }

  /* Values with few decimals, as people log them (the fast path), and
   * around its limits. */
  for (i = 0; i < 20000; i++)
    {
      guint64 m = g_rand_int_range (rand, 0, G_MAXINT32);
      int k = g_rand_int_range (rand, 0, 12);
      double v = (double) (m % (guint64) pow (10, g_rand_int_range (rand, 1, 10)));

      if (i % 3 == 0)
        v = v * 1e6 + g_rand_int_range (rand, 0, 1000000);   /* up to 15 digits */
      v /= pow (10, k);
      if (g_rand_boolean (rand))
        v = -v;
      check_double (v);
    }

  /* Typical computed values: 16 or 17 digits. */
  for (i = 0; i < 20000; i++)
    check_double (g_rand_double (rand) * pow (10, g_rand_int_range (rand, -8, 20)));

  /* Powers of ten and their neighbours. */
  for (e = -320; e <= 308; e++)
    {
      g_autofree char *text = g_strdup_printf ("1e%d", e);
      double v = g_ascii_strtod (text, NULL);

      check_double (v);
      check_double (nextafter (v, 0));
      check_double (nextafter (v, INFINITY));
      check_double (-v);
    }

  /* Fixed cases around the notation switches and the fast-path limits. */
  check_double (1e-4);
  check_double (9.9999e-5);
  check_double (0.00012345);
  check_double (999999999999999.0);
  check_double (1e15);
  check_double (1125899906842623.0);
  check_double (1125899906842624.5);
  check_double (123456789012345.6);
  /* Around the three-decimal first try: zeros dropped down to none, one
   * to four decimals, and both sides of its own limit (2^50 / 1000). */
  check_double (100.0);
  check_double (0.5);
  check_double (0.001);
  check_double (0.0015);
  check_double (0.1 + 0.2);
  check_double (1125899906842.623);
  check_double (1125899906842.624);
  check_double (1125899906842.625);
  check_double (1125899906843.5);
  check_double (0.1 + 0.7);
  check_double (1.0 / 3.0);
  check_double (2.0 / 3.0);
  check_double (DBL_MAX);
  check_double (DBL_MIN);
  check_double (DBL_EPSILON);
  check_double (DBL_TRUE_MIN);
  check_double (9007199254740993.0);

  g_rand_free (rand);
}

static void
test_doubles_locale (void)
{
  /* The decimal separator must stay '.' whatever the locale. */
  static const char *locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "fr_FR", "ru_RU.UTF-8" };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  const char *found = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (locales) && found == NULL; i++)
    if (setlocale (LC_NUMERIC, locales[i]) != NULL)
      found = locales[i];

  if (found == NULL)
    {
      g_test_skip ("no locale with a decimal comma is installed");
      return;
    }

  {
    g_autofree char *text = json_of_double (1.5);
    g_autofree char *text2 = json_of_double (0.30000000000000004);

    setlocale (LC_NUMERIC, saved);
    g_assert_cmpstr (text, ==, "1.5");
    g_assert_cmpstr (text2, ==, "0.30000000000000004");
  }
}

/* ------------------------------------------------------------------------ */
/* GVariant                                                                 */

static void
test_variant_scalars (void)
{
  assert_variant_json (g_variant_new_boolean (TRUE), 0, "true");
  assert_variant_json (g_variant_new_boolean (FALSE), 0, "false");
  assert_variant_json (g_variant_new_byte (255), 0, "255");
  assert_variant_json (g_variant_new_int16 (G_MININT16), 0, "-32768");
  assert_variant_json (g_variant_new_uint16 (G_MAXUINT16), 0, "65535");
  assert_variant_json (g_variant_new_int32 (G_MININT32), 0, "-2147483648");
  assert_variant_json (g_variant_new_uint32 (G_MAXUINT32), 0, "4294967295");
  assert_variant_json (g_variant_new_int64 (G_MININT64), 0, "-9223372036854775808");
  assert_variant_json (g_variant_new_int64 (G_MAXINT64), 0, "9223372036854775807");
  assert_variant_json (g_variant_new_uint64 (G_MAXUINT64), 0, "18446744073709551615");
  assert_variant_json (g_variant_new_handle (7), 0, "7");
  assert_variant_json (g_variant_new_handle (-1), 0, "-1");
  assert_variant_json (g_variant_new_double (0.1), 0, "0.1");
  assert_variant_json (g_variant_new_double (NAN), 0, "null");
  assert_variant_json (g_variant_new_string ("hi \"there\"\n"), 0, "\"hi \\\"there\\\"\\n\"");
  assert_variant_json (g_variant_new_object_path ("/org/fapilog/Sink"), 0, "\"/org/fapilog/Sink\"");
  assert_variant_json (g_variant_new_signature ("a{sv}"), 0, "\"a{sv}\"");

  /* NULL is written as null rather than crashing. */
  {
    FapilogJsonBuf buf;
    g_autofree char *text = NULL;

    _fapilog_json_buf_init (&buf, 0);
    _fapilog_json_write_variant (&buf, NULL, 0);
    text = _fapilog_json_buf_steal (&buf, NULL);
    g_assert_cmpstr (text, ==, "null");
  }
}

static void
test_variant_bytestring (void)
{
  /* One trailing NUL is the C terminator and is dropped. */
  assert_variant_json (g_variant_new_bytestring ("text"), 0, "\"text\"");
  assert_variant_json (g_variant_new_bytestring (""), 0, "\"\"");

  /* Without a terminator, or with two (only one is dropped). */
  assert_variant_json (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "abc", 3, 1), 0,
                       "\"abc\"");
  assert_variant_json (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "ab\0\0", 4, 1), 0,
                       "\"ab\\u0000\"");
  assert_variant_json (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1), 0, "\"\"");

  /* Binary and invalid UTF-8 still give a valid string. */
  assert_variant_json (g_variant_new_bytestring ("caf\xc3\xa9 \xff\xfe\n"), 0,
                       "\"caf\xc3\xa9 " FFFD FFFD "\\n\"");

  /* An array of bytestrings. */
  {
    const char *strv[] = { "one", "t\xe9o", NULL };

    assert_variant_json (g_variant_new_bytestring_array (strv, -1), 0,
                         "[\"one\",\"t" FFFD "o\"]");
  }
}

static void
test_variant_arrays (void)
{
  assert_variant_json (g_variant_new_parsed ("@as []"), 0, "[]");
  assert_variant_json (g_variant_new_parsed ("['a', 'b\"']"), 0, "[\"a\",\"b\\\"\"]");
  assert_variant_json (g_variant_new_parsed ("[1, -2, 3]"), 0, "[1,-2,3]");
  assert_variant_json (g_variant_new_parsed ("[true, false]"), 0, "[true,false]");
  assert_variant_json (g_variant_new_parsed ("@an [-1, 2]"), 0, "[-1,2]");
  assert_variant_json (g_variant_new_parsed ("@aq [65535]"), 0, "[65535]");
  assert_variant_json (g_variant_new_parsed ("@au [4294967295]"), 0, "[4294967295]");
  assert_variant_json (g_variant_new_parsed ("@ax [-9223372036854775808]"), 0,
                       "[-9223372036854775808]");
  assert_variant_json (g_variant_new_parsed ("@at [18446744073709551615]"), 0,
                       "[18446744073709551615]");
  assert_variant_json (g_variant_new_parsed ("@ah [3]"), 0, "[3]");
  assert_variant_json (g_variant_new_parsed ("[0.5, -0.0]"), 0, "[0.5,-0.0]");
  assert_variant_json (g_variant_new_parsed ("[[1, 2], @ai [], [3]]"), 0, "[[1,2],[],[3]]");
  assert_variant_json (g_variant_new_parsed ("[<1>, <'x'>]"), 0, "[1,\"x\"]");
  assert_variant_json (g_variant_new_parsed ("@aay [b'ab', b'']"), 0, "[\"ab\",\"\"]");
  assert_variant_json (g_variant_new_parsed ("[('a', 1), ('b', 2)]"), 0,
                       "[[\"a\",1],[\"b\",2]]");
  assert_variant_json (g_variant_new_parsed ("@ao ['/a', '/b']"), 0, "[\"/a\",\"/b\"]");
}

static void
test_variant_tuples (void)
{
  assert_variant_json (g_variant_new_parsed ("()"), 0, "[]");
  assert_variant_json (g_variant_new_parsed ("(1, 'two', 3.5, true)"), 0,
                       "[1,\"two\",3.5,true]");
  assert_variant_json (g_variant_new_parsed ("((1, 2), ['a'])"), 0, "[[1,2],[\"a\"]]");
  assert_variant_json (g_variant_new_parsed ("(@y 1, @n 2, @q 3, @u 4, @x 5, @t 6, @h 7)"), 0,
                       "[1,2,3,4,5,6,7]");
}

static void
test_variant_dicts (void)
{
  assert_variant_json (g_variant_new_parsed ("@a{sv} {}"), 0, "{}");
  assert_variant_json (g_variant_new_parsed ("{'user_id': <'u-1'>, 'attempt': <3>}"), 0,
                       "{\"user_id\":\"u-1\",\"attempt\":3}");
  assert_variant_json (g_variant_new_parsed ("{'a': 1, 'b': 2}"), 0, "{\"a\":1,\"b\":2}");
  assert_variant_json (g_variant_new_parsed ("{'k\"\\n': 'v'}"), 0, "{\"k\\\"\\n\":\"v\"}");
  assert_variant_json (g_variant_new_parsed ("{'outer': <{'inner': <[1, 2]>}>}"), 0,
                       "{\"outer\":{\"inner\":[1,2]}}");

  /* Non-string keys become their JSON text, quoted. */
  assert_variant_json (g_variant_new_parsed ("{1: 'one', -2: 'minus two'}"), 0,
                       "{\"1\":\"one\",\"-2\":\"minus two\"}");
  assert_variant_json (g_variant_new_parsed ("{true: 1}"), 0, "{\"true\":1}");
  assert_variant_json (g_variant_new_parsed ("{@y 7: 1}"), 0, "{\"7\":1}");
  assert_variant_json (g_variant_new_parsed ("{@t 18446744073709551615: 1}"), 0,
                       "{\"18446744073709551615\":1}");
  assert_variant_json (g_variant_new_parsed ("{1.5: 'x'}"), 0, "{\"1.5\":\"x\"}");
  assert_variant_json (g_variant_new_parsed ("{@o '/p': 1}"), 0, "{\"/p\":1}");
  assert_variant_json (g_variant_new_parsed ("{@g 'as': 1}"), 0, "{\"as\":1}");

  /* A dictionary entry on its own is a [key, value] pair. */
  assert_variant_json (g_variant_new_dict_entry (g_variant_new_string ("k"),
                                                 g_variant_new_variant (g_variant_new_int32 (5))),
                       0, "[\"k\",5]");
  assert_variant_json (g_variant_new_parsed ("[{1, 'x'}]"), 0, "{\"1\":\"x\"}");
}

static void
test_variant_variants_and_maybes (void)
{
  assert_variant_json (g_variant_new_parsed ("<<<42>>>"), 0, "42");
  assert_variant_json (g_variant_new_parsed ("@ms nothing"), 0, "null");
  assert_variant_json (g_variant_new_parsed ("@ms 'x'"), 0, "\"x\"");
  assert_variant_json (g_variant_new_parsed ("@mi 5"), 0, "5");
  assert_variant_json (g_variant_new_parsed ("@mai nothing"), 0, "null");
  assert_variant_json (g_variant_new_parsed ("@mai [1]"), 0, "[1]");
  assert_variant_json (g_variant_new_parsed ("@mv <true>"), 0, "true");
  assert_variant_json (g_variant_new_parsed ("@mmi just nothing"), 0, "null");
  assert_variant_json (g_variant_new_parsed ("[@mi 1, nothing, 3]"), 0, "[1,null,3]");
  assert_variant_json (g_variant_new_parsed ("{'a': <@ms nothing>}"), 0, "{\"a\":null}");
}

static void
test_variant_nested_deep (void)
{
  /* 64 levels of arrays in variants. */
  GVariant *v = g_variant_new_int32 (1);
  GString *want = g_string_new (NULL);
  guint i;

  for (i = 0; i < 64; i++)
    {
      GVariant *child = g_variant_new_variant (v);

      v = g_variant_new_array (G_VARIANT_TYPE_VARIANT, &child, 1);
      g_string_append_c (want, '[');
    }
  g_string_append_c (want, '1');
  for (i = 0; i < 64; i++)
    g_string_append_c (want, ']');

  assert_variant_json (v, 0, want->str);
  g_string_free (want, TRUE);
}

static void
test_variant_mask_secrets (void)
{
  GVariant *v;
  const char *source =
    "{'user': <'bob'>, 'password': <'hunter2'>, 'Token': <42>,"
    " 'nested': <{'API_KEY': <'k'>, 'list': <[{'secret': <'s'>, 'ok': <1>}]>}>,"
    " 'passwords': <'not a secret key'>, 'authorization': <{'deep': <'x'>}>}";

  /* Without the flag, nothing is masked. */
  v = g_variant_new_parsed (source);
  assert_variant_json (v, FAPILOG_JSON_NONE,
                       "{\"user\":\"bob\",\"password\":\"hunter2\",\"Token\":42,"
                       "\"nested\":{\"API_KEY\":\"k\",\"list\":[{\"secret\":\"s\",\"ok\":1}]},"
                       "\"passwords\":\"not a secret key\",\"authorization\":{\"deep\":\"x\"}}");

  /* With it, at any depth, case-insensitively, exact names only; the whole
   * value is replaced, containers too. */
  v = g_variant_new_parsed (source);
  assert_variant_json (v, FAPILOG_JSON_MASK_SECRETS,
                       "{\"user\":\"bob\",\"password\":\"***\",\"Token\":\"***\","
                       "\"nested\":{\"API_KEY\":\"***\",\"list\":[{\"secret\":\"***\",\"ok\":1}]},"
                       "\"passwords\":\"not a secret key\",\"authorization\":\"***\"}");

  /* A lone dictionary entry is not an object member: not masked. */
  assert_variant_json (g_variant_new_parsed ("{'password', 'x'}"), FAPILOG_JSON_MASK_SECRETS,
                       "[\"password\",\"x\"]");
}

static void
test_key_is_secret (void)
{
  static const char *secret[] = {
    "password", "passwd", "secret", "token", "api_key", "apikey", "api_secret",
    "apisecret", "authorization", "auth", "credential", "credentials",
    "private_key", "privatekey", "access_token", "refresh_token",
    "PASSWORD", "Authorization", "Api_Key",
  };
  static const char *not_secret[] = {
    "", "pass", "passwords", "user", "tokens", "my_token", "author", "au",
    "secrets", "authorizationx", "key", "refresh_tokens",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (secret); i++)
    g_assert_true (_fapilog_json_key_is_secret (secret[i], strlen (secret[i])));
  for (i = 0; i < G_N_ELEMENTS (not_secret); i++)
    g_assert_false (_fapilog_json_key_is_secret (not_secret[i], strlen (not_secret[i])));

  /* The length is what counts, not a terminator. */
  g_assert_true (_fapilog_json_key_is_secret ("tokenXYZ", 5));
  g_assert_false (_fapilog_json_key_is_secret ("token", 4));
  g_assert_false (_fapilog_json_key_is_secret (NULL, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-writer/buf/growth", test_buf_growth);
  g_test_add_func ("/json-writer/string/plain", test_string_plain);
  g_test_add_func ("/json-writer/string/escapes", test_string_escapes);
  g_test_add_func ("/json-writer/string/control-chars", test_string_control_chars);
  g_test_add_func ("/json-writer/string/embedded-nul", test_string_embedded_nul);
  g_test_add_func ("/json-writer/string/utf8-valid", test_string_utf8_valid);
  g_test_add_func ("/json-writer/string/utf8-invalid", test_string_utf8_invalid);
  g_test_add_func ("/json-writer/string/alignment", test_string_alignment);
  g_test_add_func ("/json-writer/string/random", test_string_random);
  g_test_add_func ("/json-writer/string/huge", test_string_huge);
  g_test_add_func ("/json-writer/string/fast-path-boundaries", test_string_fast_path_boundaries);
  g_test_add_func ("/json-writer/number/integers", test_integers);
  g_test_add_func ("/json-writer/number/doubles-exact", test_doubles_exact);
  g_test_add_func ("/json-writer/number/doubles-nonfinite", test_doubles_nonfinite);
  g_test_add_func ("/json-writer/number/doubles-roundtrip", test_doubles_roundtrip);
  g_test_add_func ("/json-writer/number/doubles-locale", test_doubles_locale);
  g_test_add_func ("/json-writer/variant/scalars", test_variant_scalars);
  g_test_add_func ("/json-writer/variant/bytestring", test_variant_bytestring);
  g_test_add_func ("/json-writer/variant/arrays", test_variant_arrays);
  g_test_add_func ("/json-writer/variant/tuples", test_variant_tuples);
  g_test_add_func ("/json-writer/variant/dicts", test_variant_dicts);
  g_test_add_func ("/json-writer/variant/variants-and-maybes", test_variant_variants_and_maybes);
  g_test_add_func ("/json-writer/variant/nested-deep", test_variant_nested_deep);
  g_test_add_func ("/json-writer/variant/mask-secrets", test_variant_mask_secrets);
  g_test_add_func ("/json-writer/key-is-secret", test_key_is_secret);

  return g_test_run ();
}
