/* fapilog-config-parse.c: parsers for configuration values
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fapilog-config-parse-private.h"
#include "fapilog-error.h"

/* The parsers are strict on purpose: a value we cannot read exactly is an
 * error naming the variable, the value and the accepted forms, never a
 * silent default (the original library's lenient alias parser ignored bad
 * values, which hid typos in production). */

/* Values longer than this are cut in error messages: an environment value
 * can be arbitrarily long and the message goes to logs and terminals. */
#define MAX_QUOTED_BYTES 200

#define EXPECTED_SIZE \
  "expected a size such as 10485760, 10 MB, 10MiB or 1.5 KB " \
  "(a number of bytes, or a number with B, KB, MB, GB or TB; binary multiples)"
#define EXPECTED_DURATION \
  "expected a duration such as 5, 0.25, 250ms, 30s, 1h"
#define EXPECTED_DURATION_KEYWORDS \
  EXPECTED_DURATION ", or hourly, daily, weekly"
#define EXPECTED_BOOLEAN \
  "expected a boolean: true, false, 1, 0, yes, no, on or off"
#define EXPECTED_LEVEL \
  "expected a level: DEBUG, INFO, WARNING, ERROR, CRITICAL, AUDIT or SECURITY"
#define EXPECTED_LIST \
  "expected a JSON list of strings such as [\"a\",\"b\"] or a comma-separated list such as a,b"
#define EXPECTED_FILE_MODE \
  "expected octal permission bits from 0 to 0777, such as 0640 or 640"
#define EXPECTED_DECIMAL \
  "expected a number such as 2 or 1.5"

/* Escapes @value for an error message: the message must stay valid UTF-8
 * and on one line whatever bytes the environment held. */
static char *
quote_value (const char *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value;
  const char *end = value + strlen (value);

  while (p < end && out->len < MAX_QUOTED_BYTES)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);

      p = g_utf8_next_char (p);
    }

  if (p < end)
    g_string_append (out, "...");

  return g_string_free (out, FALSE);
}

void
_fapilog_config_error_invalid (GError     **error,
                               const char  *variable,
                               const char  *value,
                               const char  *expected_format,
                               ...)
{
  g_autofree char *expected = NULL;
  g_autofree char *quoted = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, expected_format);
  expected = g_strdup_vprintf (expected_format, args);
  va_end (args);

  quoted = quote_value (value != NULL ? value : "");
  g_set_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
               "%s: invalid value \"%s\": %s",
               variable != NULL ? variable : "value", quoted, expected);
}

/* A copy of @value without surrounding whitespace and without one pair of
 * surrounding quotes: shells and .env files often keep the quotes of
 * FOO="10 MB", and upstream strips them for sizes. */
static char *
strip_value (const char *value)
{
  char *copy = g_strstrip (g_strdup (value));
  gsize len = strlen (copy);

  if (len >= 2 &&
      (copy[0] == '"' || copy[0] == '\'') &&
      copy[len - 1] == copy[0])
    {
      copy[len - 1] = '\0';
      memmove (copy, copy + 1, len - 1);
      g_strstrip (copy);
    }

  return copy;
}

/* Accepts "12", "12.", "12.5" and ".5"; no sign, no exponent, no
 * "nan"/"inf" (g_ascii_strtod alone would take all of those). Returns the
 * end of the number, or NULL when @s does not start with one. */
static const char *
scan_decimal (const char *s)
{
  const char *p = s;
  gboolean digits = FALSE;

  while (g_ascii_isdigit (*p))
    {
      p++;
      digits = TRUE;
    }

  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        {
          p++;
          digits = TRUE;
        }
    }

  return digits ? p : NULL;
}

static const char *
skip_spaces (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return p;
}

static const struct {
  const char *unit;
  guint64     multiplier;
} size_units[] = {
  { "",    1 },
  { "b",   1 },
  { "kb",  G_GUINT64_CONSTANT (1) << 10 },
  { "kib", G_GUINT64_CONSTANT (1) << 10 },
  { "mb",  G_GUINT64_CONSTANT (1) << 20 },
  { "mib", G_GUINT64_CONSTANT (1) << 20 },
  { "gb",  G_GUINT64_CONSTANT (1) << 30 },
  { "gib", G_GUINT64_CONSTANT (1) << 30 },
  { "tb",  G_GUINT64_CONSTANT (1) << 40 },
  { "tib", G_GUINT64_CONSTANT (1) << 40 },
};

gboolean
_fapilog_parse_size (const char  *variable,
                     const char  *value,
                     guint64     *out,
                     GError     **error)
{
  g_autofree char *text = NULL;
  const char *number_end;
  const char *unit;
  const char *p;
  guint64 multiplier = 0;
  guint64 whole = 0;
  guint64 result;
  double fraction = 0.0;
  double fraction_scale = 1.0;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);
  number_end = scan_decimal (text);
  if (number_end == NULL)
    goto invalid;

  unit = skip_spaces (number_end);
  for (gsize i = 0; i < G_N_ELEMENTS (size_units); i++)
    {
      if (g_ascii_strcasecmp (unit, size_units[i].unit) == 0)
        {
          multiplier = size_units[i].multiplier;
          break;
        }
    }
  if (multiplier == 0)
    goto invalid;

  /* The whole part in integer arithmetic, so that exact byte counts such as
   * 18446744073709551615 survive (a double would round them). */
  for (p = text; g_ascii_isdigit (*p); p++)
    {
      guint digit = (guint) (*p - '0');

      if (whole > (G_MAXUINT64 - digit) / 10)
        goto invalid;
      whole = whole * 10 + digit;
    }

  /* The fraction is below one unit (at most 2^40 bytes), well inside a
   * double's exact range; further digits past 18 cannot change the result
   * by a whole byte that matters and are only checked to be digits. */
  if (*p == '.')
    {
      guint n = 0;

      for (p++; g_ascii_isdigit (*p); p++, n++)
        {
          if (n < 18)
            {
              fraction = fraction * 10 + (*p - '0');
              fraction_scale *= 10;
            }
        }
    }

  if (whole > G_MAXUINT64 / multiplier)
    goto invalid;
  result = whole * multiplier;

  if (fraction > 0)
    {
      /* Fractional bytes are rounded down: "1.5" is 1 byte. */
      guint64 extra = (guint64) floor (fraction / fraction_scale * (double) multiplier);

      if (result > G_MAXUINT64 - extra)
        goto invalid;
      result += extra;
    }

  *out = result;
  return TRUE;

invalid:
  _fapilog_config_error_invalid (error, variable, value, EXPECTED_SIZE);
  return FALSE;
}

static const struct {
  const char *unit;
  double      seconds;
} duration_units[] = {
  { "",   1.0 },
  { "ms", 0.001 },
  { "s",  1.0 },
  { "m",  60.0 },
  { "h",  3600.0 },
  { "d",  86400.0 },
  { "w",  604800.0 },
};

static const struct {
  const char *keyword;
  double      seconds;
} duration_keywords[] = {
  { "hourly", 3600.0 },
  { "daily",  86400.0 },
  { "weekly", 604800.0 },
};

gboolean
_fapilog_parse_duration (const char  *variable,
                         const char  *value,
                         gboolean     allow_keywords,
                         double      *out_seconds,
                         GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *number = NULL;
  const char *number_end;
  const char *unit;
  double factor = -1.0;
  double seconds;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out_seconds != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);

  if (allow_keywords)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (duration_keywords); i++)
        {
          if (g_ascii_strcasecmp (text, duration_keywords[i].keyword) == 0)
            {
              *out_seconds = duration_keywords[i].seconds;
              return TRUE;
            }
        }
    }

  number_end = scan_decimal (text);
  if (number_end == NULL)
    goto invalid;

  unit = skip_spaces (number_end);
  for (gsize i = 0; i < G_N_ELEMENTS (duration_units); i++)
    {
      if (g_ascii_strcasecmp (unit, duration_units[i].unit) == 0)
        {
          factor = duration_units[i].seconds;
          break;
        }
    }
  if (factor < 0)
    goto invalid;

  /* scan_decimal() already restricted the text to digits and one dot, so
   * g_ascii_strtod (locale-independent) reads exactly that number. */
  number = g_strndup (text, number_end - text);
  seconds = g_ascii_strtod (number, NULL) * factor;
  if (!isfinite (seconds))
    goto invalid;

  *out_seconds = seconds;
  return TRUE;

invalid:
  _fapilog_config_error_invalid (error, variable, value, "%s",
                                 allow_keywords ? EXPECTED_DURATION_KEYWORDS
                                                : EXPECTED_DURATION);
  return FALSE;
}

gboolean
_fapilog_parse_boolean (const char  *variable,
                        const char  *value,
                        gboolean    *out,
                        GError     **error)
{
  static const char * const true_words[] = { "true", "1", "yes", "on" };
  static const char * const false_words[] = { "false", "0", "no", "off" };
  g_autofree char *text = NULL;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);

  for (gsize i = 0; i < G_N_ELEMENTS (true_words); i++)
    {
      if (g_ascii_strcasecmp (text, true_words[i]) == 0)
        {
          *out = TRUE;
          return TRUE;
        }
      if (g_ascii_strcasecmp (text, false_words[i]) == 0)
        {
          *out = FALSE;
          return TRUE;
        }
    }

  _fapilog_config_error_invalid (error, variable, value, EXPECTED_BOOLEAN);
  return FALSE;
}

static void
set_int_range_error (GError     **error,
                     const char  *variable,
                     const char  *value,
                     gint64       min,
                     gint64       max)
{
  if (max == G_MAXINT64)
    _fapilog_config_error_invalid (error, variable, value,
                                   "expected a whole number of at least %" G_GINT64_FORMAT,
                                   min);
  else
    _fapilog_config_error_invalid (error, variable, value,
                                   "expected a whole number from %" G_GINT64_FORMAT
                                   " to %" G_GINT64_FORMAT,
                                   min, max);
}

gboolean
_fapilog_parse_int (const char  *variable,
                    const char  *value,
                    gint64       min,
                    gint64       max,
                    gint64      *out,
                    GError     **error)
{
  g_autofree char *text = NULL;
  const char *p;
  gboolean negative = FALSE;
  guint64 magnitude = 0;
  /* |G_MININT64| does not fit in a gint64, so the magnitude is collected
   * unsigned and bounded by the larger of the two limits. */
  const guint64 limit = (guint64) G_MAXINT64 + 1;
  gint64 result;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (min <= max, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);
  p = text;

  if (*p == '-' || *p == '+')
    {
      negative = (*p == '-');
      p++;
    }

  if (!g_ascii_isdigit (*p))
    goto invalid;

  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = (guint) (*p - '0');

      if (magnitude > (limit - digit) / 10)
        goto invalid;
      magnitude = magnitude * 10 + digit;
    }

  if (*p != '\0')
    goto invalid;

  if (negative)
    result = magnitude == limit ? G_MININT64 : -(gint64) magnitude;
  else if (magnitude == limit)
    goto invalid;
  else
    result = (gint64) magnitude;

  if (result < min || result > max)
    goto invalid;

  *out = result;
  return TRUE;

invalid:
  set_int_range_error (error, variable, value, min, max);
  return FALSE;
}

static const struct {
  const char  *name;
  FapilogLevel level;
} level_names[] = {
  { "DEBUG",    FAPILOG_LEVEL_DEBUG },
  { "INFO",     FAPILOG_LEVEL_INFO },
  { "WARNING",  FAPILOG_LEVEL_WARNING },
  { "WARN",     FAPILOG_LEVEL_WARNING },
  { "ERROR",    FAPILOG_LEVEL_ERROR },
  { "CRITICAL", FAPILOG_LEVEL_CRITICAL },
  { "FATAL",    FAPILOG_LEVEL_CRITICAL },
  { "AUDIT",    FAPILOG_LEVEL_AUDIT },
  { "SECURITY", FAPILOG_LEVEL_SECURITY },
};

gboolean
_fapilog_parse_level (const char    *variable,
                      const char    *value,
                      FapilogLevel  *out,
                      GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);

  for (gsize i = 0; i < G_N_ELEMENTS (level_names); i++)
    {
      if (g_ascii_strcasecmp (text, level_names[i].name) == 0)
        {
          *out = level_names[i].level;
          return TRUE;
        }
    }

  _fapilog_config_error_invalid (error, variable, value, EXPECTED_LEVEL);
  return FALSE;
}

static gboolean
parse_json_list (const char  *variable,
                 const char  *value,
                 const char  *json,
                 GPtrArray   *items,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  JsonNode *root;
  JsonArray *array;
  guint n;

  if (!json_parser_load_from_data (parser, json, -1, &json_error))
    {
      _fapilog_config_error_invalid (error, variable, value,
                                     EXPECTED_LIST " (not valid JSON: %s)",
                                     json_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      _fapilog_config_error_invalid (error, variable, value,
                                     EXPECTED_LIST " (the JSON is not a list)");
      return FALSE;
    }

  array = json_node_get_array (root);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      char *item;

      if (!JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_STRING)
        {
          _fapilog_config_error_invalid (error, variable, value,
                                         EXPECTED_LIST " (item %u is not a string)",
                                         i);
          return FALSE;
        }

      item = g_strstrip (g_strdup (json_node_get_string (node)));
      if (*item == '\0')
        g_free (item);
      else
        g_ptr_array_add (items, item);
    }

  return TRUE;
}

gboolean
_fapilog_parse_string_list (const char   *variable,
                            const char   *value,
                            char       ***out,
                            GError      **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  items = g_ptr_array_new_with_free_func (g_free);
  text = g_strstrip (g_strdup (value));

  /* A leading '[' means JSON: "[a,b]" is then an error rather than the
   * items "[a" and "b]", which no configuration means. */
  if (text[0] == '[')
    {
      if (!parse_json_list (variable, value, text, items, error))
        return FALSE;
    }
  else
    {
      g_auto(GStrv) parts = g_strsplit (text, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          char *item = strip_value (parts[i]);

          if (*item == '\0')
            g_free (item);
          else
            g_ptr_array_add (items, item);
        }
    }

  g_ptr_array_add (items, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
  return TRUE;
}

char *
_fapilog_normalize_name (const char *name)
{
  char *normalized;

  g_return_val_if_fail (name != NULL, NULL);

  normalized = g_ascii_strdown (name, -1);
  g_strdelimit (normalized, "-", '_');
  return normalized;
}

gboolean
_fapilog_parse_choice (const char         *variable,
                       const char         *value,
                       const char * const *choices,
                       guint              *out_index,
                       GError            **error)
{
  g_autofree char *text = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *listed = NULL;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (choices != NULL && choices[0] != NULL, FALSE);
  g_return_val_if_fail (out_index != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);
  normalized = _fapilog_normalize_name (text);

  for (guint i = 0; choices[i] != NULL; i++)
    {
      if (strcmp (normalized, choices[i]) == 0)
        {
          *out_index = i;
          return TRUE;
        }
    }

  listed = g_strjoinv (", ", (char **) choices);
  _fapilog_config_error_invalid (error, variable, value,
                                 "expected one of %s", listed);
  return FALSE;
}

gboolean
_fapilog_parse_file_mode (const char  *variable,
                          const char  *value,
                          guint       *out,
                          GError     **error)
{
  g_autofree char *text = NULL;
  const char *p;
  guint mode = 0;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);
  if (*text == '\0')
    goto invalid;

  /* Octal whatever the leading zeros, as chmod reads it: "640" is 0640,
   * never the decimal 640 (01200), which would carry the sticky bit. */
  for (p = text; *p != '\0'; p++)
    {
      if (*p < '0' || *p > '7')
        goto invalid;
      mode = mode * 8 + (guint) (*p - '0');
      /* Checked at every digit, so a long value cannot overflow. */
      if (mode > 0777)
        goto invalid;
    }

  *out = mode;
  return TRUE;

invalid:
  _fapilog_config_error_invalid (error, variable, value, EXPECTED_FILE_MODE);
  return FALSE;
}

void
_fapilog_config_error_withheld (GError     **error,
                                const char  *variable,
                                const char  *expected_format,
                                ...)
{
  g_autofree char *expected = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, expected_format);
  expected = g_strdup_vprintf (expected_format, args);
  va_end (args);

  g_set_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
               "%s: invalid value (not shown, it may hold a credential): %s",
               variable != NULL ? variable : "value", expected);
}

#define EXPECTED_HEADERS \
  "expected a JSON object of header names to string values, such as " \
  "{\"Authorization\":\"Bearer <token>\",\"X-Team\":\"billing\"}"

/* RFC 9110 token characters. */
static gboolean
is_token_char (char c)
{
  return c != '\0' && (g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_header_name (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!is_token_char (*p))
      return FALSE;
  return TRUE;
}

/* Control characters other than tab would end the header line (CR, LF)
 * or be refused by the server; JSON strings are valid UTF-8 already. */
static gboolean
is_header_value (const char *value)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/* json-glib keeps the last of two members with the same name without a
 * word, and HTTP sees "Accept" and "accept" as the same header: the
 * parser's object-member signal sees every member as it is read, so
 * repeats are caught whatever their spelling. */
typedef struct {
  GHashTable *seen;      /* "<object pointer>/<lower-case name>" */
  JsonObject *object;    /* where the first repeat was found */
  char       *name;      /* its name as written the second time */
} RepeatScan;

static void
on_object_member (JsonParser *parser,
                  JsonObject *object,
                  const char *member_name,
                  gpointer    user_data)
{
  RepeatScan *scan = user_data;
  g_autofree char *folded = g_ascii_strdown (member_name, -1);
  char *key = g_strdup_printf ("%p/%s", (void *) object, folded);

  if (!g_hash_table_add (scan->seen, key) && scan->name == NULL)
    {
      scan->object = object;
      scan->name = g_strdup (member_name);
    }
}

/* JSON can spell a NUL inside a string as \u0000, which a C string cannot
 * hold: json-glib would silently cut the name or value there. Backslashes
 * occur only in strings of valid JSON, so no tracking of strings is
 * needed; an escaped backslash is skipped as a pair. */
static gboolean
has_escaped_nul (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p != '\\')
        continue;
      if (p[1] == 'u' && strncmp (p + 2, "0000", 4) == 0)
        return TRUE;
      if (p[1] != '\0')
        p++;
    }
  return FALSE;
}

gboolean
_fapilog_parse_headers (const char   *variable,
                        const char   *value,
                        char       ***out_names,
                        char       ***out_values,
                        GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *text = NULL;
  RepeatScan scan = { NULL, NULL, NULL };
  gboolean parsed;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  JsonNode *root;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out_names != NULL, FALSE);
  g_return_val_if_fail (out_values != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  names = g_ptr_array_new_with_free_func (g_free);
  values = g_ptr_array_new_with_free_func (g_free);
  text = g_strstrip (g_strdup (value));

  if (*text != '\0')
    {
      /* json-glib's own message is not used: it may quote part of the
       * text, which is where the credentials are. */
      parser = json_parser_new ();
      scan.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &scan);
      parsed = json_parser_load_from_data (parser, text, -1, NULL);
      g_signal_handlers_disconnect_by_func (parser, on_object_member, &scan);
      g_clear_pointer (&scan.seen, g_hash_table_unref);

      if (!parsed)
        {
          g_free (scan.name);
          _fapilog_config_error_withheld (error, variable, "not valid JSON; " EXPECTED_HEADERS);
          return FALSE;
        }

      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_free (scan.name);
          _fapilog_config_error_withheld (error, variable,
                                          "the JSON is not an object; " EXPECTED_HEADERS);
          return FALSE;
        }

      if (has_escaped_nul (text))
        {
          g_free (scan.name);
          _fapilog_config_error_withheld (error, variable,
                                          "a header name or value holds a NUL character "
                                          "(\\u0000); " EXPECTED_HEADERS);
          return FALSE;
        }

      /* A repeat inside a nested object is reported below as a value that
       * is not a string. */
      if (scan.name != NULL && scan.object == json_node_get_object (root))
        {
          g_autofree char *quoted_name = quote_value (scan.name);

          g_free (scan.name);
          _fapilog_config_error_withheld (error, variable,
                                          "header \"%s\" is given twice (names are "
                                          "case-insensitive); " EXPECTED_HEADERS,
                                          quoted_name);
          return FALSE;
        }
      g_clear_pointer (&scan.name, g_free);

      json_object_iter_init_ordered (&iter, json_node_get_object (root));
      while (json_object_iter_next_ordered (&iter, &name, &node))
        {
          g_autofree char *quoted_name = quote_value (name);

          if (!is_header_name (name))
            {
              _fapilog_config_error_withheld (error, variable,
                                              "\"%s\" is not a header name (letters, digits "
                                              "and !#$%%&'*+-.^_`|~, not empty); "
                                              EXPECTED_HEADERS,
                                              quoted_name);
              return FALSE;
            }

          if (!JSON_NODE_HOLDS_VALUE (node) ||
              json_node_get_value_type (node) != G_TYPE_STRING)
            {
              _fapilog_config_error_withheld (error, variable,
                                              "the value of header \"%s\" is not a string; "
                                              EXPECTED_HEADERS,
                                              quoted_name);
              return FALSE;
            }

          if (!is_header_value (json_node_get_string (node)))
            {
              _fapilog_config_error_withheld (error, variable,
                                              "the value of header \"%s\" holds a line break "
                                              "or another control character; "
                                              EXPECTED_HEADERS,
                                              quoted_name);
              return FALSE;
            }

          g_ptr_array_add (names, g_strdup (name));
          g_ptr_array_add (values, g_strdup (json_node_get_string (node)));
        }
    }

  g_ptr_array_add (names, NULL);
  g_ptr_array_add (values, NULL);
  *out_names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  *out_values = (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);
  return TRUE;
}

gboolean
_fapilog_parse_decimal (const char  *variable,
                        const char  *value,
                        double      *out,
                        GError     **error)
{
  g_autofree char *text = NULL;
  const char *number_end;
  double number;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = strip_value (value);
  number_end = scan_decimal (text);
  /* The same restricted form as the number of a duration, and for the
   * same reason: g_ascii_strtod() alone would take "1e3", "-2", "nan". */
  if (number_end == NULL || *number_end != '\0')
    goto invalid;

  number = g_ascii_strtod (text, NULL);
  if (!isfinite (number))
    goto invalid;

  *out = number;
  return TRUE;

invalid:
  _fapilog_config_error_invalid (error, variable, value, EXPECTED_DECIMAL);
  return FALSE;
}
