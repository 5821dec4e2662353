/* test-envelope.c: the JSON envelope, timestamps, lookup, to_json and batches
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fapilog-batch-private.h"
#include "fapilog-context-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"

/* 2026-11-24T10:30:00.123Z */
#define TS_US (G_GINT64_CONSTANT (1795516200) * G_USEC_PER_SEC + 123000)

#define FFFD "\xef\xbf\xbd"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static FapilogFieldSet *
make_set_valist (const char *first_key,
                 va_list    *args)
{
  FapilogFieldCollector collector;
  FapilogFieldSet *set;

  _fapilog_field_collector_init (&collector);
  if (first_key != NULL)
    g_assert_true (_fapilog_field_collector_add_valist (&collector, first_key, args));
  set = _fapilog_field_collector_to_set (&collector);
  _fapilog_field_collector_clear (&collector);

  return set;
}

/* A field set from "key", "format", value..., NULL. */
static FapilogFieldSet *
make_set (const char *first_key,
          ...)
{
  FapilogFieldSet *set;
  va_list args;

  va_start (args, first_key);
  set = make_set_valist (first_key, &args);
  va_end (args);

  return set;
}

/* A thread context snapshot built by hand; takes @fields. */
static FapilogContextSnapshot *
make_snapshot (const char      *correlation_id,
               FapilogFieldSet *fields)
{
  FapilogContextSnapshot *snapshot = g_malloc0 (sizeof *snapshot);

  snapshot->ref_count = 1;
  snapshot->correlation_id = g_strdup (correlation_id);
  snapshot->correlation_id_len = correlation_id != NULL ? strlen (correlation_id) : 0;
  snapshot->fields = fields;

  return snapshot;
}

/* A logger core named @name with bound fields @bound (taken, nullable) and
 * the statics service "fapilog", env "dev", no version. */
static FapilogLoggerCore *
make_core (const char      *name,
           FapilogFieldSet *bound)
{
  FapilogEnvelopeStatics *statics = _fapilog_envelope_statics_new ("fapilog", "dev", NULL);
  FapilogLoggerCore *core = _fapilog_logger_core_new (name, bound, statics);

  _fapilog_envelope_statics_unref (statics);
  if (bound != NULL)
    _fapilog_field_set_unref (bound);

  return core;
}

typedef struct {
  FapilogLoggerCore      *core;      /* required */
  FapilogContextSnapshot *context;
  FapilogLevel            level;     /* 0 means INFO */
  gint64                  ts;        /* 0 means TS_US */
  const char             *file;
  int                     line;
  const char             *func;
  const GError           *error;
} EntrySpec;

/* An entry from @spec, @message and the call fields "key", "format",
 * value..., NULL. The call fields are not deduplicated, so that the
 * envelope's own "later wins" handling is exercised. */
static FapilogEntry *
make_entry (const EntrySpec *spec,
            const char      *message,
            const char      *first_key,
            ...)
{
  FapilogFieldCollector collector;
  FapilogEntry *entry;
  va_list args;

  _fapilog_field_collector_init (&collector);
  va_start (args, first_key);
  if (first_key != NULL)
    g_assert_true (_fapilog_field_collector_add_valist (&collector, first_key, &args));
  va_end (args);

  entry = _fapilog_entry_new_captured (spec->core, spec->context,
                                       spec->level != 0 ? spec->level : FAPILOG_LEVEL_INFO,
                                       spec->ts != 0 ? spec->ts : TS_US,
                                       message, spec->file, spec->line, spec->func,
                                       spec->error, &collector);
  _fapilog_field_collector_clear (&collector);

  return entry;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("invalid JSON (%s): %.300s", error->message, text);

  return json_parser_steal_root (parser);
}

/* The envelope of @entry (message id assigned), checked to be valid UTF-8
 * and valid JSON, one line. */
static char *
envelope_text (FapilogEntry *entry,
               guint         flags)
{
  FapilogJsonBuf buf;
  char *text;
  gsize len;
  JsonNode *root;

  g_free (fapilog_entry_to_json (entry));   /* assigns the message id */
  _fapilog_json_buf_init (&buf, 0);
  _fapilog_envelope_write (&buf, entry, flags);
  text = _fapilog_json_buf_steal (&buf, &len);

  g_assert_cmpuint (strlen (text), ==, len);
  g_assert_true (g_utf8_validate_len (text, len, NULL));
  g_assert_null (strchr (text, '\n'));
  root = parse_json (text);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  json_node_unref (root);

  return text;
}

/* The member names of @object in order, comma-separated. */
static char *
member_names (JsonObject *object)
{
  GList *members = json_object_get_members (object);
  GString *out = g_string_new (NULL);
  GList *l;

  for (l = members; l != NULL; l = l->next)
    {
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, l->data);
    }
  g_list_free (members);

  return g_string_free (out, FALSE);
}

static void
assert_member_names (JsonObject *object,
                     const char *expected)
{
  g_autofree char *names = member_names (object);

  g_assert_cmpstr (names, ==, expected);
}

/* The part of @text starting at "@key": up to the matching closing brace,
 * for comparing one object of the envelope exactly. */
static char *
object_text (const char *text,
             const char *key)
{
  g_autofree char *needle = g_strdup_printf ("\"%s\":{", key);
  const char *start = strstr (text, needle);
  const char *p;
  int depth = 0;
  gboolean in_string = FALSE;

  g_assert_nonnull (start);
  for (p = start + strlen (needle) - 1; *p != '\0'; p++)
    {
      if (in_string)
        {
          if (*p == '\\')
            p++;
          else if (*p == '"')
            in_string = FALSE;
          continue;
        }
      if (*p == '"')
        in_string = TRUE;
      else if (*p == '{')
        depth++;
      else if (*p == '}' && --depth == 0)
        return g_strndup (start, p + 1 - start);
    }
  g_assert_not_reached ();
  return NULL;
}

static void
assert_object_text (const char *text,
                    const char *key,
                    const char *expected)
{
  g_autofree char *got = object_text (text, key);

  g_assert_cmpstr (got, ==, expected);
}

/* "\"diagnostics\":{...,\"pid\":N" for this process and @service/@env/@version. */
static char *
expected_diag_prefix (const char *service,
                      const char *env,
                      const char *version)
{
  const char *host = g_get_host_name ();
  g_autofree char *version_part = NULL;

  /* The expectations below embed the host name as is. */
  g_assert_null (strpbrk (host, "\"\\"));

  if (version != NULL)
    version_part = g_strdup_printf (",\"version\":\"%s\"", version);

  return g_strdup_printf ("\"diagnostics\":{\"service\":\"%s\",\"env\":\"%s\"%s,"
                          "\"host\":\"%s\",\"pid\":%d",
                          service, env, version_part != NULL ? version_part : "",
                          host, (int) getpid ());
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static void
assert_uuid_v4 (const char *id)
{
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                                       id, 0, 0));
}

/* ------------------------------------------------------------------------ */
/* Envelope shape                                                           */

static void
test_exact_text (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *diag = expected_diag_prefix ("fapilog", "dev", NULL);

  spec.core = make_core ("app", NULL);
  spec.file = "main.c";
  spec.line = 42;
  spec.func = "main";
  entry = make_entry (&spec, "user login",
                      "user_id", "s", "u-1",
                      "attempt", "i", 3,
                      NULL);
  text = envelope_text (entry, 0);

  expected = g_strdup_printf ("{\"timestamp\":\"2026-11-24T10:30:00.123Z\",\"level\":\"INFO\","
                              "\"message\":\"user login\",\"logger\":\"app\","
                              "\"context\":{\"message_id\":\"%s\",\"correlation_id\":null,"
                              "\"user_id\":\"u-1\"},"
                              "%s,\"origin\":{\"file\":\"main.c\",\"line\":42,\"function\":\"main\"}},"
                              "\"data\":{\"attempt\":3}}",
                              fapilog_entry_get_message_id (entry), diag);
  g_assert_cmpstr (text, ==, expected);
  assert_uuid_v4 (fapilog_entry_get_message_id (entry));

  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (spec.core);
}

static void
test_key_order (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "gone");
  FapilogEnvelopeStatics *statics = _fapilog_envelope_statics_new ("svc", "prod", "1.2.3");
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  g_autofree char *text = NULL;
  JsonNode *root;
  JsonObject *object;

  spec.core = _fapilog_logger_core_new ("order", NULL, statics);
  spec.context = make_snapshot ("corr-1", NULL);
  spec.file = "f.c";
  spec.line = 1;
  spec.func = "f";
  spec.error = error;
  /* Context keys given in scrambled order, with data keys around them, in
   * an order that is not alphabetical (no sorting allowed). */
  entry = make_entry (&spec, "m",
                      "zebra", "i", 1,
                      "span_id", "s", "s-1",
                      "trace_id", "s", "t-1",
                      "apple", "i", 2,
                      "tenant_id", "s", "te-1",
                      "user_id", "s", "u-1",
                      "request_id", "s", "r-1",
                      "mango", "i", 3,
                      NULL);
  text = envelope_text (entry, 0);

  root = parse_json (text);
  object = json_node_get_object (root);
  assert_member_names (object, "timestamp,level,message,logger,context,diagnostics,data");
  assert_member_names (get_object (object, "context"),
                       "message_id,correlation_id,request_id,user_id,tenant_id,trace_id,span_id");
  assert_member_names (get_object (object, "diagnostics"),
                       "service,env,version,host,pid,origin,exception");
  assert_member_names (get_object (get_object (object, "diagnostics"), "origin"),
                       "file,line,function");
  assert_member_names (get_object (get_object (object, "diagnostics"), "exception"),
                       "domain,code,message");
  assert_member_names (get_object (object, "data"), "zebra,apple,mango");
  json_node_unref (root);

  /* And the exact text of the context object. */
  {
    g_autofree char *want = g_strdup_printf ("\"context\":{\"message_id\":\"%s\","
                                             "\"correlation_id\":\"corr-1\",\"request_id\":\"r-1\","
                                             "\"user_id\":\"u-1\",\"tenant_id\":\"te-1\","
                                             "\"trace_id\":\"t-1\",\"span_id\":\"s-1\"}",
                                             fapilog_entry_get_message_id (entry));
    assert_object_text (text, "context", want);
  }

  fapilog_entry_unref (entry);
  _fapilog_context_snapshot_unref (spec.context);
  _fapilog_logger_core_unref (spec.core);
  _fapilog_envelope_statics_unref (statics);
}

static void
test_data_always_present (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  g_autofree char *text = NULL;

  spec.core = make_core ("app", NULL);
  entry = make_entry (&spec, "no fields", NULL);
  text = envelope_text (entry, 0);

  g_assert_true (g_str_has_suffix (text, ",\"data\":{}}"));
  /* Nor origin nor exception without a location or an error. */
  g_assert_null (strstr (text, "\"origin\""));
  g_assert_null (strstr (text, "\"exception\""));
  g_assert_null (strstr (text, "\"version\""));
  {
    g_autofree char *diag = expected_diag_prefix ("fapilog", "dev", NULL);
    g_autofree char *want = g_strconcat (diag, "}", NULL);

    assert_object_text (text, "diagnostics", want);
  }

  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (spec.core);
}

static void
test_levels (void)
{
  static const struct { FapilogLevel level; const char *name; } levels[] = {
    { FAPILOG_LEVEL_DEBUG, "DEBUG" }, { FAPILOG_LEVEL_INFO, "INFO" },
    { FAPILOG_LEVEL_WARNING, "WARNING" }, { FAPILOG_LEVEL_ERROR, "ERROR" },
    { FAPILOG_LEVEL_CRITICAL, "CRITICAL" }, { FAPILOG_LEVEL_AUDIT, "AUDIT" },
    { FAPILOG_LEVEL_SECURITY, "SECURITY" },
  };
  EntrySpec spec = { 0, };
  guint i;

  spec.core = make_core ("app", NULL);
  for (i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      FapilogEntry *entry;
      g_autofree char *text = NULL;
      g_autofree char *want = g_strdup_printf (",\"level\":\"%s\",", levels[i].name);

      spec.level = levels[i].level;
      entry = make_entry (&spec, "m", NULL);
      text = envelope_text (entry, 0);
      g_assert_nonnull (strstr (text, want));
      fapilog_entry_unref (entry);
    }
  _fapilog_logger_core_unref (spec.core);
}

/* The envelope's head comes from pre-rendered fragments (per level, per
 * logger): it must read exactly as if written member by member, for every
 * level, for values that are not levels, and for logger names that need
 * escaping. */
static void
test_head_fragments (void)
{
  static const FapilogLevel levels[] = {
    FAPILOG_LEVEL_DEBUG, FAPILOG_LEVEL_INFO, FAPILOG_LEVEL_WARNING,
    FAPILOG_LEVEL_ERROR, FAPILOG_LEVEL_CRITICAL, FAPILOG_LEVEL_AUDIT,
    FAPILOG_LEVEL_SECURITY, 11, 99, -20, G_MAXINT,
  };
  static const char *names[] = { "app", "", "a\"b\\c\n", "caf\xc3\xa9", "bad\xff" };
  static const char *names_json[] = { "\"app\"", "\"\"", "\"a\\\"b\\\\c\\n\"", "\"caf\xc3\xa9\"",
                                      "\"bad\xef\xbf\xbd\"" };
  EntrySpec spec = { 0, };
  guint i, j;

  for (j = 0; j < G_N_ELEMENTS (names); j++)
    {
      spec.core = make_core (names[j], NULL);
      for (i = 0; i < G_N_ELEMENTS (levels); i++)
        {
          FapilogEntry *entry;
          g_autofree char *text = NULL;
          g_autofree char *want = NULL;

          spec.level = levels[i];
          entry = make_entry (&spec, "m\"", NULL);
          text = envelope_text (entry, 0);
          want = g_strdup_printf ("{\"timestamp\":\"2026-11-24T10:30:00.123Z\",\"level\":\"%s\","
                                  "\"message\":\"m\\\"\",\"logger\":%s,"
                                  "\"context\":{\"message_id\":\"%s\",\"correlation_id\":null},",
                                  fapilog_level_to_string (levels[i]), names_json[j],
                                  fapilog_entry_get_message_id (entry));
          g_assert_cmpuint (strlen (fapilog_entry_get_message_id (entry)), ==, 36);
          g_assert_true (g_str_has_prefix (text, want));
          fapilog_entry_unref (entry);
        }
      _fapilog_logger_core_unref (spec.core);
    }
}

/* The envelope reserves room once per constant run and then stores without
 * checks: write it into buffers that start at every capacity up to its
 * length (and with content before it), so that the sanitizers see any store
 * past a reservation, and check that the text never changes. */
/* The message id's formatting, byte by byte as the UUID is defined: the
 * generator's two words give the 16 bytes (least significant byte first),
 * with the version and variant bits set. */
static void
reference_message_id (guint64 a,
                      guint64 b,
                      char    out[37])
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];
  guint i;
  char *o = out;

  for (i = 0; i < 8; i++)
    {
      bytes[i] = (guint8) (a >> (i * 8));
      bytes[8 + i] = (guint8) (b >> (i * 8));
    }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  for (i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *o++ = '-';
      *o++ = hex[bytes[i] >> 4];
      *o++ = hex[bytes[i] & 0x0f];
    }
  *o = '\0';
}

/* xorshift128+, as each thread's id generator. */
static guint64
reference_next (guint64 state[2])
{
  guint64 s1 = state[0];
  const guint64 s0 = state[1];

  state[0] = s0;
  s1 ^= s1 << 23;
  state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
  return state[1] + s0;
}

static void
test_message_id_format (void)
{
  GRand *rand = g_rand_new_with_seed (11);
  EntrySpec spec = { 0, };
  guint round;

  spec.core = make_core ("app", NULL);
  for (round = 0; round < 2000; round++)
    {
      guint64 state[2], ref_state[2], bits[2];
      char want[37], got[37];
      FapilogEntry *entry = make_entry (&spec, "m", NULL);
      guint64 a, b;

      if (round == 0)
        {
          state[0] = 0;   /* all-zero state: the generator reseeds itself */
          state[1] = 0;
        }
      else if (round == 1)
        {
          state[0] = G_MAXUINT64;
          state[1] = G_MAXUINT64;
        }
      else
        {
          state[0] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
          state[1] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
        }
      ref_state[0] = state[0];
      ref_state[1] = state[1];
      if (ref_state[0] == 0 && ref_state[1] == 0)
        ref_state[1] = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
      a = reference_next (ref_state);
      b = reference_next (ref_state);
      reference_message_id (a, b, want);

      _fapilog_message_id_draw (state, bits);
      _fapilog_message_id_format (bits, got);
      got[36] = '\0';
      g_assert_cmpstr (got, ==, want);
      g_assert_cmpmem (state, sizeof state, ref_state, sizeof ref_state);
      assert_uuid_v4 (got);

      /* The entry's own id, drawn by the capture, has the same form, and
       * the envelope and the getter agree on it. */
      assert_uuid_v4 (fapilog_entry_get_message_id (entry));
      {
        g_autofree char *text = envelope_text (entry, 0);
        g_autofree char *quoted = g_strdup_printf ("\"message_id\":\"%s\"",
                                                   fapilog_entry_get_message_id (entry));

        g_assert_nonnull (strstr (text, quoted));
      }
      fapilog_entry_unref (entry);
    }
  g_rand_free (rand);
  _fapilog_logger_core_unref (spec.core);
}

/* A forked child has a copy of the parent thread's id generator: unless it
 * is reseeded, the child's ids are the ones the parent makes next. */
#define FORK_IDS 64

static void
test_message_id_fork (void)
{
  EntrySpec spec = { 0, };
  g_autoptr(GHashTable) parent_ids = NULL;
  char child_ids[FORK_IDS * 36];
  gsize got = 0;
  int fds[2], status = 0;
  pid_t pid;

  spec.core = make_core ("app", NULL);
  /* This thread's generator is seeded by its first entry. */
  fapilog_entry_unref (make_entry (&spec, "before the fork", NULL));

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      for (guint i = 0; i < FORK_IDS; i++)
        {
          FapilogEntry *entry = make_entry (&spec, "child", NULL);

          if (write (fds[1], fapilog_entry_get_message_id (entry), 36) != 36)
            _exit (1);
          fapilog_entry_unref (entry);
        }
      /* Nothing of the parent's left unfreed (valgrind checks the child too). */
      _fapilog_logger_core_unref (spec.core);
      _exit (0);
    }

  close (fds[1]);
  while (got < sizeof child_ids)
    {
      gssize n = read (fds[0], child_ids + got, sizeof child_ids - got);

      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (got, ==, sizeof child_ids);

  parent_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < FORK_IDS; i++)
    {
      FapilogEntry *entry = make_entry (&spec, "parent", NULL);

      g_hash_table_add (parent_ids, g_strdup (fapilog_entry_get_message_id (entry)));
      fapilog_entry_unref (entry);
    }
  for (guint i = 0; i < FORK_IDS; i++)
    {
      g_autofree char *id = g_strndup (child_ids + i * 36, 36);

      assert_uuid_v4 (id);
      g_assert_false (g_hash_table_contains (parent_ids, id));
    }

  _fapilog_logger_core_unref (spec.core);
}

static void
test_buffer_boundaries (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "gone");
  EntrySpec spec = { 0, };
  FapilogEntry *entries[3];
  guint e;

  spec.core = make_core ("a-logger-name-that-is-rather-long-for-a-logger", NULL);
  entries[0] = make_entry (&spec, "m", NULL);
  spec.file = "main.c";
  spec.line = 7;
  spec.func = "f";
  spec.error = error;
  spec.level = 99;
  entries[1] = make_entry (&spec, "a message\nwith an escape", "k", "s", "v", "request_id", "i", 5, NULL);
  spec.level = FAPILOG_LEVEL_SECURITY;
  spec.error = NULL;
  entries[2] = make_entry (&spec, "", "x", "d", 62.625, "y", "i", -12345, NULL);

  for (e = 0; e < G_N_ELEMENTS (entries); e++)
    {
      g_autofree char *want = envelope_text (entries[e], 0);
      gsize want_len = strlen (want);
      gsize cap;

      for (cap = 0; cap <= want_len + 1; cap++)
        {
          FapilogJsonBuf buf;
          gsize prefix = cap % 3;

          _fapilog_json_buf_init (&buf, cap);
          if (prefix > 0)
            _fapilog_json_buf_append_len (&buf, "...", prefix);
          _fapilog_envelope_write (&buf, entries[e], 0);
          g_assert_cmpmem (buf.data + prefix, buf.len - prefix, want, want_len);
          _fapilog_json_buf_clear (&buf);
        }
      fapilog_entry_unref (entries[e]);
    }

  _fapilog_logger_core_unref (spec.core);
}

/* ------------------------------------------------------------------------ */
/* Statics                                                                  */

static void
test_statics (void)
{
  FapilogEnvelopeStatics *statics;
  g_autofree char *want = NULL;

  statics = _fapilog_envelope_statics_new ("svc\"x", "prod", "1.0");
  g_assert_cmpstr (statics->service, ==, "svc\"x");
  g_assert_cmpstr (statics->env, ==, "prod");
  g_assert_cmpstr (statics->version, ==, "1.0");
  g_assert_cmpstr (statics->host, ==, g_get_host_name ());
  g_assert_cmpint (statics->pid, ==, getpid ());
  want = g_strdup_printf ("\"diagnostics\":{\"service\":\"svc\\\"x\",\"env\":\"prod\","
                          "\"version\":\"1.0\",\"host\":\"%s\",\"pid\":%d",
                          g_get_host_name (), (int) getpid ());
  g_assert_cmpstr (statics->diag_prefix, ==, want);
  g_assert_cmpuint (statics->diag_prefix_len, ==, strlen (want));

  /* Refcounting. */
  g_assert_true (_fapilog_envelope_statics_ref (statics) == statics);
  _fapilog_envelope_statics_unref (statics);
  _fapilog_envelope_statics_unref (statics);

  /* Defaults; empty strings count as unset. */
  statics = _fapilog_envelope_statics_new (NULL, "", "");
  g_assert_cmpstr (statics->service, ==, "fapilog");
  g_assert_cmpstr (statics->env, ==, "dev");
  g_assert_null (statics->version);
  g_assert_null (strstr (statics->diag_prefix, "version"));
  _fapilog_envelope_statics_unref (statics);
}

static void
check_default_statics (const char *service,
                       const char *env,
                       const char *version)
{
  FapilogEnvelopeStatics *statics = _fapilog_envelope_statics_default ();

  g_assert_nonnull (statics);
  g_assert_true (_fapilog_envelope_statics_default () == statics);
  g_assert_cmpstr (statics->service, ==, service);
  g_assert_cmpstr (statics->env, ==, env);
  g_assert_cmpstr (statics->version, ==, version);

  /* The shared instance survives any ref/unref imbalance of its users. */
  _fapilog_envelope_statics_unref (statics);
  _fapilog_envelope_statics_unref (statics);
  _fapilog_envelope_statics_ref (statics);
  g_assert_cmpstr (_fapilog_envelope_statics_default ()->service, ==, service);
}

static const struct {
  const char *service, *fenv, *env, *version;
  const char *want_service, *want_env, *want_version;
} statics_cases[] = {
  { NULL, NULL, NULL, NULL, "fapilog", "dev", NULL },
  { "billing", NULL, "staging", "2.0", "billing", "staging", "2.0" },
  { "billing", "prod", "staging", NULL, "billing", "prod", NULL },
  { "", "", "", "", "fapilog", "dev", NULL },
};

static const char *self_path;

/* Each case runs in a fresh copy of this program (see main()), since the
 * default is made once per process. g_spawn_sync() rather than
 * g_test_trap_subprocess(): the latter leaves a GLib helper thread behind
 * that valgrind reports as a possible leak. */
static void
test_statics_default (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (statics_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *index_text = g_strdup_printf ("%u", i);
      g_autofree char *err_text = NULL;
      const char *argv[] = { self_path, NULL };
      char **envp = g_get_environ ();
      int status = -1;

#define SET_OR_UNSET(name, value) \
      envp = (value) != NULL ? g_environ_setenv (envp, (name), (value), TRUE) \
                             : g_environ_unsetenv (envp, (name))
      SET_OR_UNSET ("FAPILOG_SERVICE", statics_cases[i].service);
      SET_OR_UNSET ("FAPILOG_ENV", statics_cases[i].fenv);
      SET_OR_UNSET ("ENV", statics_cases[i].env);
      SET_OR_UNSET ("FAPILOG_VERSION", statics_cases[i].version);
#undef SET_OR_UNSET
      envp = g_environ_setenv (envp, "FAPILOG_TEST_STATICS_CASE", index_text, TRUE);

      g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL,
                                   NULL, NULL, NULL, &err_text, &status, &error));
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, &error))
        g_error ("case %u: %s\n%s", i, error->message, err_text);
      g_strfreev (envp);
    }
}

/* ------------------------------------------------------------------------ */
/* Context routing and precedence                                           */

static void
test_context_routing (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  char *text;

  spec.core = make_core ("app", NULL);

  /* No thread context: correlation_id is null; context keys from the call
   * go to context, the rest to data. */
  entry = make_entry (&spec, "m",
                      "request_id", "s", "r-1",
                      "path", "s", "/x",
                      "trace_id", "s", "t-1",
                      "user_ids", "s", "not a context key",
                      "message_id", "s", "data, not the envelope's id",
                      NULL);
  text = envelope_text (entry, 0);
  {
    g_autofree char *want = g_strdup_printf ("\"context\":{\"message_id\":\"%s\","
                                             "\"correlation_id\":null,\"request_id\":\"r-1\","
                                             "\"trace_id\":\"t-1\"}", fapilog_entry_get_message_id (entry));
    assert_object_text (text, "context", want);
    assert_object_text (text, "data",
                        "\"data\":{\"path\":\"/x\",\"user_ids\":\"not a context key\","
                        "\"message_id\":\"data, not the envelope's id\"}");
  }
  g_free (text);
  fapilog_entry_unref (entry);

  /* The thread's correlation id... */
  spec.context = make_snapshot ("corr-thread", NULL);
  entry = make_entry (&spec, "m", NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"correlation_id\":\"corr-thread\"}"));
  g_free (text);
  fapilog_entry_unref (entry);

  /* ... is overridden by a correlation_id field, of any type. */
  entry = make_entry (&spec, "m", "correlation_id", "s", "corr-field", NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"correlation_id\":\"corr-field\"}"));
  g_assert_null (strstr (text, "corr-thread"));
  g_free (text);
  fapilog_entry_unref (entry);

  entry = make_entry (&spec, "m", "correlation_id", "x", (gint64) 77, NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"correlation_id\":77}"));
  g_free (text);
  fapilog_entry_unref (entry);
  _fapilog_context_snapshot_unref (spec.context);

  /* Context values are written as any other value (escaped, any type). */
  spec.context = NULL;
  entry = make_entry (&spec, "m", "tenant_id", "i", 5, "span_id", "s", "a\"b", NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"correlation_id\":null,\"tenant_id\":5,\"span_id\":\"a\\\"b\"}"));
  g_assert_true (g_str_has_suffix (text, "\"data\":{}}"));
  g_free (text);
  fapilog_entry_unref (entry);

  _fapilog_logger_core_unref (spec.core);
}

static void
test_later_wins (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  g_autofree char *text = NULL;

  spec.context = make_snapshot ("corr-thread",
                                make_set ("a", "i", 1,
                                          "b", "s", "ctx",
                                          "user_id", "s", "ctx-user",
                                          "correlation_id", "s", "ctx-corr",
                                          NULL));
  spec.core = make_core ("app",
                         make_set ("b", "s", "bound",
                                   "c", "b", TRUE,
                                   "user_id", "s", "bound-user",
                                   "e", "s", "bound-e",
                                   NULL));
  entry = make_entry (&spec, "m",
                      "c", "b", FALSE,
                      "d", "d", 1.5,
                      "b", "s", "call",
                      "d", "d", 2.5,          /* a repeat within the call */
                      NULL);
  text = envelope_text (entry, 0);

  /* Each key once, at its first position, with its last value. */
  assert_object_text (text, "data",
                      "\"data\":{\"a\":1,\"b\":\"call\",\"c\":false,\"e\":\"bound-e\",\"d\":2.5}");
  {
    g_autofree char *want = g_strdup_printf ("\"context\":{\"message_id\":\"%s\","
                                             "\"correlation_id\":\"ctx-corr\","
                                             "\"user_id\":\"bound-user\"}", fapilog_entry_get_message_id (entry));
    assert_object_text (text, "context", want);
  }

  fapilog_entry_unref (entry);
  _fapilog_context_snapshot_unref (spec.context);
  _fapilog_logger_core_unref (spec.core);
}

/* Enough fields to take the hashed de-duplication path. */
static void
test_later_wins_many (void)
{
  FapilogFieldCollector collector;
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  g_autofree char *text = NULL;
  GString *want = g_string_new ("\"data\":{");
  char keys[60][8];
  guint i;

  /* Bound: k0..k29 = "b<i>"; call: k20..k59 = i, then k0..k9 again = -i. */
  _fapilog_field_collector_init (&collector);
  for (i = 0; i < 30; i++)
    {
      g_snprintf (keys[i], sizeof keys[i], "k%u", i);
      _fapilog_field_collector_add_variant (&collector, keys[i],
                                            g_variant_new_take_string (g_strdup_printf ("b%u", i)));
    }
  spec.core = make_core ("app", _fapilog_field_collector_to_set (&collector));
  _fapilog_field_collector_clear (&collector);

  _fapilog_field_collector_init (&collector);
  for (i = 20; i < 60; i++)
    {
      g_snprintf (keys[i], sizeof keys[i], "k%u", i);
      _fapilog_field_collector_add_variant (&collector, keys[i], g_variant_new_int64 (i));
    }
  for (i = 0; i < 10; i++)
    _fapilog_field_collector_add_variant (&collector, keys[i], g_variant_new_int64 (-(gint64) i));
  entry = _fapilog_entry_new_captured (spec.core, NULL, FAPILOG_LEVEL_INFO, TS_US, "m",
                                       NULL, 0, NULL, NULL, &collector);
  _fapilog_field_collector_clear (&collector);

  for (i = 0; i < 60; i++)
    {
      if (i > 0)
        g_string_append_c (want, ',');
      if (i < 10)
        g_string_append_printf (want, "\"k%u\":%d", i, -(int) i);
      else if (i < 20)
        g_string_append_printf (want, "\"k%u\":\"b%u\"", i, i);
      else
        g_string_append_printf (want, "\"k%u\":%u", i, i);
    }
  g_string_append_c (want, '}');

  text = envelope_text (entry, 0);
  assert_object_text (text, "data", want->str);

  g_string_free (want, TRUE);
  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (spec.core);
}

static void
test_public_context_api (void)
{
  FapilogEntry *entry;
  g_autofree char *text = NULL;

  /* The public calls, captured by fapilog_entry_new() on this thread. */
  fapilog_context_set_correlation_id ("corr-pub");
  fapilog_context_bind ("request_id", g_variant_new_string ("r-pub"));
  fapilog_context_bind ("region", g_variant_new_string ("eu"));
  entry = fapilog_entry_new (FAPILOG_LEVEL_WARNING, "pub", "hello",
                             g_variant_new_parsed ("{'user_id': <'u-1'>, 'attempt': <3>, 'region': <'us'>}"));
  fapilog_context_clear ();

  text = envelope_text (entry, 0);
  {
    g_autofree char *want = g_strdup_printf ("\"context\":{\"message_id\":\"%s\","
                                             "\"correlation_id\":\"corr-pub\","
                                             "\"request_id\":\"r-pub\",\"user_id\":\"u-1\"}",
                                             fapilog_entry_get_message_id (entry));
    assert_object_text (text, "context", want);
  }
  assert_object_text (text, "data", "\"data\":{\"region\":\"us\",\"attempt\":3}");
  g_assert_nonnull (strstr (text, "\"level\":\"WARNING\",\"message\":\"hello\",\"logger\":\"pub\""));

  fapilog_entry_unref (entry);
}

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                              */

static void
test_origin (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  char *text;

  spec.core = make_core ("app", NULL);

  spec.file = "dir/x\"y.c";
  spec.line = 7;
  entry = make_entry (&spec, "m", NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"origin\":{\"file\":\"dir/x\\\"y.c\",\"line\":7}},\"data\""));
  g_free (text);
  fapilog_entry_unref (entry);

  /* Without a line. */
  spec.line = 0;
  spec.func = "fn";
  entry = make_entry (&spec, "m", NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"origin\":{\"file\":\"dir/x\\\"y.c\",\"function\":\"fn\"}}"));
  g_free (text);
  fapilog_entry_unref (entry);

  /* A function without a file is not an origin. */
  spec.file = NULL;
  spec.line = 9;
  entry = make_entry (&spec, "m", NULL);
  text = envelope_text (entry, 0);
  g_assert_null (strstr (text, "origin"));
  g_assert_null (strstr (text, "\"fn\""));
  g_free (text);
  fapilog_entry_unref (entry);

  _fapilog_logger_core_unref (spec.core);
}

static void
test_exception (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                                 "no \"such\" file\n");
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  char *text;

  g_assert_cmpint (G_IO_ERROR_NOT_FOUND, ==, 1);
  spec.core = make_core ("app", NULL);
  spec.error = error;

  entry = make_entry (&spec, "m", NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"pid\":"));
  g_assert_nonnull (strstr (text, ",\"exception\":{\"domain\":\"g-io-error-quark\",\"code\":1,"
                                  "\"message\":\"no \\\"such\\\" file\\n\"}},\"data\":{}}"));
  g_free (text);
  fapilog_entry_unref (entry);

  /* After origin. */
  spec.file = "a.c";
  spec.line = 3;
  spec.func = "f";
  entry = make_entry (&spec, "m", NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, ",\"origin\":{\"file\":\"a.c\",\"line\":3,\"function\":\"f\"},"
                                  "\"exception\":{\"domain\":\"g-io-error-quark\",\"code\":1,"));
  g_free (text);
  fapilog_entry_unref (entry);

  _fapilog_logger_core_unref (spec.core);
}

/* ------------------------------------------------------------------------ */
/* Field kinds and escaping                                                 */

static void
test_field_kinds (void)
{
  FapilogFieldCollector collector;
  FapilogLoggerCore *core = make_core ("app", NULL);
  FapilogEntry *entry;
  g_autofree char *text = NULL;
  const char *strv[] = { "x", "y", NULL };

  _fapilog_field_collector_init (&collector);
  _fapilog_field_collector_add_variant (&collector, "s", g_variant_new_string ("str"));
  _fapilog_field_collector_add_variant (&collector, "i", g_variant_new_int32 (-5));
  _fapilog_field_collector_add_variant (&collector, "x", g_variant_new_int64 (G_MININT64));
  _fapilog_field_collector_add_variant (&collector, "u", g_variant_new_uint32 (G_MAXUINT32));
  _fapilog_field_collector_add_variant (&collector, "t", g_variant_new_uint64 (G_MAXUINT64));
  _fapilog_field_collector_add_variant (&collector, "d", g_variant_new_double (0.1));
  _fapilog_field_collector_add_variant (&collector, "nan", g_variant_new_double (NAN));
  _fapilog_field_collector_add_variant (&collector, "b", g_variant_new_boolean (TRUE));
  _fapilog_field_collector_add_variant (&collector, "null", NULL);
  _fapilog_field_collector_add_variant (&collector, "as", g_variant_new_strv (strv, -1));
  _fapilog_field_collector_add_variant (&collector, "y", g_variant_new_byte (200));
  _fapilog_field_collector_add_variant (&collector, "ay", g_variant_new_bytestring ("bytes"));
  _fapilog_field_collector_add_variant (&collector, "dict",
                                        g_variant_new_parsed ("{'k': <[1, 2]>, 'm': <@ms nothing>}"));
  _fapilog_field_collector_add_variant (&collector, "tuple", g_variant_new_parsed ("(1, 'a')"));
  _fapilog_field_collector_add_variant (&collector, "v", g_variant_new_variant (g_variant_new_string ("in")));
  entry = _fapilog_entry_new_captured (core, NULL, FAPILOG_LEVEL_INFO, TS_US, "m",
                                       NULL, 0, NULL, NULL, &collector);
  _fapilog_field_collector_clear (&collector);

  text = envelope_text (entry, 0);
  assert_object_text (text, "data",
                      "\"data\":{\"s\":\"str\",\"i\":-5,\"x\":-9223372036854775808,"
                      "\"u\":4294967295,\"t\":18446744073709551615,\"d\":0.1,\"nan\":null,"
                      "\"b\":true,\"null\":null,\"as\":[\"x\",\"y\"],\"y\":200,\"ay\":\"bytes\","
                      "\"dict\":{\"k\":[1,2],\"m\":null},\"tuple\":[1,\"a\"],\"v\":\"in\"}");

  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (core);
}

static void
test_escaping (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  char *text;

  spec.core = make_core ("lo\"g\n", NULL);
  entry = make_entry (&spec, "bad \xff\xc0 utf8 \x01 and \"quotes\" \xed\xa0\x80",
                      "ke\"y\n", "s", "val\tue \xe2\x82",
                      NULL);
  text = envelope_text (entry, 0);
  g_assert_nonnull (strstr (text, "\"message\":\"bad " FFFD FFFD " utf8 \\u0001 and \\\"quotes\\\" "
                                  FFFD FFFD FFFD "\",\"logger\":\"lo\\\"g\\n\","));
  assert_object_text (text, "data", "\"data\":{\"ke\\\"y\\n\":\"val\\tue " FFFD "\"}");
  g_free (text);
  fapilog_entry_unref (entry);

  _fapilog_logger_core_unref (spec.core);
}

static void
test_huge_message (void)
{
  EntrySpec spec = { 0, };
  gsize len = 1024 * 1024;
  char *message = g_malloc (len + 1);
  FapilogEntry *entry;
  g_autofree char *text = NULL;
  JsonNode *root;
  gsize i;

  for (i = 0; i < len; i++)
    message[i] = (char) ('a' + i % 26);
  message[len] = '\0';
  message[100] = '\n';

  spec.core = make_core ("app", NULL);
  entry = make_entry (&spec, message, "n", "i", 1, NULL);
  text = envelope_text (entry, 0);

  root = parse_json (text);
  {
    const char *got = json_object_get_string_member (json_node_get_object (root), "message");

    g_assert_cmpuint (strlen (got), ==, len);
    g_assert_cmpmem (got, len, message, len);
  }
  json_node_unref (root);
  g_assert_true (g_str_has_suffix (text, "\"data\":{\"n\":1}}"));

  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (spec.core);
  g_free (message);
}

static void
test_mask_secrets (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  char *text;

  spec.core = make_core ("app", make_set ("token", "s", "bound-token", NULL));
  entry = make_entry (&spec, "m",
                      "user", "s", "bob",
                      "Password", "s", "hunter2",
                      "req", "@a{sv}", g_variant_new_parsed ("{'headers': <{'Authorization': <'Bearer x'>,"
                                                             " 'accept': <'*/*'>}>}"),
                      NULL);

  text = envelope_text (entry, FAPILOG_JSON_MASK_SECRETS);
  assert_object_text (text, "data",
                      "\"data\":{\"token\":\"***\",\"user\":\"bob\",\"Password\":\"***\","
                      "\"req\":{\"headers\":{\"Authorization\":\"***\",\"accept\":\"*/*\"}}}");
  g_free (text);

  text = envelope_text (entry, 0);
  assert_object_text (text, "data",
                      "\"data\":{\"token\":\"bound-token\",\"user\":\"bob\",\"Password\":\"hunter2\","
                      "\"req\":{\"headers\":{\"Authorization\":\"Bearer x\",\"accept\":\"*/*\"}}}");
  g_free (text);

  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (spec.core);
}

/* ------------------------------------------------------------------------ */
/* Timestamps                                                               */

static char *
reference_timestamp (gint64 us)
{
  gint64 sec = us / G_USEC_PER_SEC;
  gint64 ms;
  GDateTime *dt;
  char *result;

  if (us % G_USEC_PER_SEC < 0)
    sec--;
  ms = (us - sec * G_USEC_PER_SEC) / 1000;
  dt = g_date_time_new_from_unix_utc (sec);
  g_assert_nonnull (dt);
  /* Not g_date_time_format(): its %Y does not pad years below 1000. */
  result = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                            g_date_time_get_year (dt), g_date_time_get_month (dt),
                            g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                            g_date_time_get_minute (dt), g_date_time_get_second (dt),
                            (int) ms);
  g_date_time_unref (dt);

  return result;
}

static void
assert_timestamp (gint64      us,
                  const char *expected)
{
  char out[25];

  memset (out, 'X', sizeof out);
  _fapilog_format_timestamp (us, out);
  g_assert_cmpuint (strlen (out), ==, 24);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_timestamp_known (void)
{
  const gint64 S = G_USEC_PER_SEC;

  assert_timestamp (0, "1970-01-01T00:00:00.000Z");
  assert_timestamp (TS_US, "2026-11-24T10:30:00.123Z");
  assert_timestamp (G_GINT64_CONSTANT (951868799) * S + 999999, "2000-02-29T23:59:59.999Z");
  assert_timestamp (G_GINT64_CONSTANT (951868800) * S, "2000-03-01T00:00:00.000Z");
  /* Milliseconds are truncated, not rounded. */
  assert_timestamp (999, "1970-01-01T00:00:00.000Z");
  assert_timestamp (1000, "1970-01-01T00:00:00.001Z");
  assert_timestamp (1999, "1970-01-01T00:00:00.001Z");
  assert_timestamp (10000, "1970-01-01T00:00:00.010Z");
  assert_timestamp (999999, "1970-01-01T00:00:00.999Z");
  /* Before the epoch, towards the past. */
  assert_timestamp (-1, "1969-12-31T23:59:59.999Z");
  assert_timestamp (-S, "1969-12-31T23:59:59.000Z");
  assert_timestamp (-S - 1, "1969-12-31T23:59:58.999Z");
  /* Past 2038. */
  assert_timestamp (G_GINT64_CONSTANT (2147483648) * S, "2038-01-19T03:14:08.000Z");
  /* The last representable instant, and clamping beyond both ends. */
  assert_timestamp (G_GINT64_CONSTANT (253402300799) * S + 999999, "9999-12-31T23:59:59.999Z");
  assert_timestamp (G_MAXINT64, "9999-12-31T23:59:59.999Z");
  assert_timestamp (G_MININT64, "0000-01-01T00:00:00.000Z");
}

static void
test_timestamp_cache (void)
{
  const gint64 base = TS_US - 123000;   /* 2026-11-24T10:30:00.000Z */
  GRand *rand = g_rand_new_with_seed (99);
  gint64 t;
  guint i;

  /* Across a second boundary, forwards and back. */
  assert_timestamp (base - 1, "2026-11-24T10:29:59.999Z");
  assert_timestamp (base, "2026-11-24T10:30:00.000Z");
  assert_timestamp (base + 999999, "2026-11-24T10:30:00.999Z");
  assert_timestamp (base + 1000000, "2026-11-24T10:30:01.000Z");
  assert_timestamp (base + 500000, "2026-11-24T10:30:00.500Z");
  assert_timestamp (base - 1, "2026-11-24T10:29:59.999Z");
  /* Same time of day, another day: the whole second is the key. */
  assert_timestamp (base + G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC, "2026-11-25T10:30:00.000Z");
  assert_timestamp (base, "2026-11-24T10:30:00.000Z");

  /* A random walk of small and large steps against GDateTime. */
  t = base;
  for (i = 0; i < 20000; i++)
    {
      g_autofree char *want = NULL;

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0: t += g_rand_int_range (rand, 0, 2000); break;               /* same second mostly */
        case 1: t -= g_rand_int_range (rand, 0, 2 * G_USEC_PER_SEC); break; /* back over a boundary */
        case 2: t += g_rand_int_range (rand, 0, 3 * G_USEC_PER_SEC); break;
        default:
          t = (gint64) g_rand_double_range (rand, -6.2e16, 2.5e17);         /* years 5..9892 */
          break;
        }
      want = reference_timestamp (t);
      assert_timestamp (t, want);
    }

  g_rand_free (rand);
}

static gpointer
timestamp_thread (gpointer data)
{
  gint64 offset = GPOINTER_TO_INT (data) * G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  guint i;

  /* Each thread walks its own seconds; with a shared cache the threads
   * would see each other's text. */
  for (i = 0; i < 5000; i++)
    {
      gint64 t = TS_US + offset + (gint64) i * 250000;
      g_autofree char *want = reference_timestamp (t);
      char out[25];

      _fapilog_format_timestamp (t, out);
      if (strcmp (out, want) != 0)
        return GINT_TO_POINTER (1);
    }
  return GINT_TO_POINTER (0);
}

static void
test_timestamp_threads (void)
{
  GThread *threads[4];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("ts", timestamp_thread, GINT_TO_POINTER (i));
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (threads[i])), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* to_json, to_json_node, lookup                                            */

static void
test_to_json (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  g_autofree char *direct = NULL;
  JsonNode *node, *parsed;

  spec.core = make_core ("app", NULL);
  entry = make_entry (&spec, "hello", "k", "s", "v", "n", "d", 2.5, NULL);

  json = fapilog_entry_to_json (entry);
  assert_uuid_v4 (fapilog_entry_get_message_id (entry));
  g_assert_null (strchr (json, '\n'));

  /* Stable, and the same text as the envelope writer. */
  again = fapilog_entry_to_json (entry);
  g_assert_cmpstr (json, ==, again);
  direct = envelope_text (entry, 0);
  g_assert_cmpstr (json, ==, direct);

  node = fapilog_entry_to_json_node (entry);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  parsed = parse_json (json);
  g_assert_true (json_node_equal (node, parsed));
  {
    JsonObject *object = json_node_get_object (node);
    JsonObject *context = get_object (object, "context");
    JsonObject *data = get_object (object, "data");

    assert_member_names (object, "timestamp,level,message,logger,context,diagnostics,data");
    g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "hello");
    g_assert_cmpstr (json_object_get_string_member (context, "message_id"), ==, fapilog_entry_get_message_id (entry));
    g_assert_true (json_object_get_null_member (context, "correlation_id"));
    g_assert_cmpstr (json_object_get_string_member (data, "k"), ==, "v");
    g_assert_cmpfloat (json_object_get_double_member (data, "n"), ==, 2.5);
  }
  json_node_unref (parsed);
  json_node_unref (node);

  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (spec.core);

  /* Bad arguments are refused, not crashed on. */
  if (g_test_undefined ())
    {
      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*self != NULL*");
      g_assert_null (fapilog_entry_to_json (NULL));
      g_test_assert_expected_messages ();
      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*self != NULL*");
      g_assert_null (fapilog_entry_to_json_node (NULL));
      g_test_assert_expected_messages ();
    }
}

/* Looks @path up, checks ownership and type, and returns the value. */
static GVariant *
lookup (FapilogEntry *entry,
        const char   *path,
        const char   *type)
{
  GVariant *value = fapilog_entry_lookup (entry, path);

  if (type == NULL)
    {
      if (value != NULL)
        g_error ("lookup (%s) gave %s, expected nothing", path, g_variant_print (value, TRUE));
      return NULL;
    }

  if (value == NULL)
    g_error ("lookup (%s) gave nothing", path);
  g_assert_false (g_variant_is_floating (value));
  g_assert_cmpstr (g_variant_get_type_string (value), ==, type);

  return value;
}

static void
assert_lookup_string (FapilogEntry *entry,
                      const char   *path,
                      const char   *expected)
{
  GVariant *value = lookup (entry, path, expected != NULL ? "s" : NULL);

  if (value != NULL)
    {
      g_assert_cmpstr (g_variant_get_string (value, NULL), ==, expected);
      g_variant_unref (value);
    }
}

static void
assert_lookup_int64 (FapilogEntry *entry,
                     const char   *path,
                     gint64        expected)
{
  GVariant *value = lookup (entry, path, "x");

  g_assert_cmpint (g_variant_get_int64 (value), ==, expected);
  g_variant_unref (value);
}

static void
test_lookup (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "gone");
  FapilogEnvelopeStatics *statics = _fapilog_envelope_statics_new ("svc", "prod", "1.2.3");
  EntrySpec spec = { 0, };
  FapilogEntry *entry;
  GVariant *value;

  spec.core = _fapilog_logger_core_new ("lk", make_set ("b", "s", "bound",
                                                         "tenant_id", "s", "ten",
                                                         NULL), statics);
  _fapilog_field_set_unref (spec.core->bound);   /* core_new took its own ref */
  spec.context = make_snapshot ("corr-thread", make_set ("a", "i", 1, "b", "s", "ctx", NULL));
  spec.file = "main.c";
  spec.line = 42;
  spec.func = "main";
  spec.error = error;
  spec.level = FAPILOG_LEVEL_ERROR;
  entry = make_entry (&spec, "msg \xff",
                      "user_id", "s", "u-1",
                      "attempt", "i", 3,
                      "b", "s", "call",
                      "ratio", "d", 0.5,
                      "ok", "b", TRUE,
                      "http.status", "u", 200,
                      "http", "@a{sv}", g_variant_new_parsed ("{'method': <'GET'>}"),
                      "req", "@a{sv}", g_variant_new_parsed ("{'headers': <{'host': <'h'>}>,"
                                                             " 'list': <[10, 20, 30]>,"
                                                             " 'pair': <(7, 'x')>,"
                                                             " 'none': <@ms nothing>,"
                                                             " 'a.b': <'dotted'>}"),
                      "codes", "@a{is}", g_variant_new_parsed ("{404: 'not found'}"),
                      NULL);

  /* Top level. */
  assert_lookup_string (entry, "timestamp", "2026-11-24T10:30:00.123Z");
  assert_lookup_string (entry, "level", "ERROR");
  assert_lookup_string (entry, "message", "msg " FFFD);
  assert_lookup_string (entry, "logger", "lk");

  /* Context. */
  value = lookup (entry, "context.message_id", "s");
  assert_uuid_v4 (g_variant_get_string (value, NULL));
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, fapilog_entry_get_message_id (entry));
  g_variant_unref (value);
  assert_lookup_string (entry, "context.correlation_id", "corr-thread");
  assert_lookup_string (entry, "context.user_id", "u-1");
  assert_lookup_string (entry, "context.tenant_id", "ten");
  assert_lookup_string (entry, "context.request_id", NULL);
  assert_lookup_string (entry, "context.attempt", NULL);   /* data, not context */
  assert_lookup_string (entry, "context.bogus", NULL);

  /* Data: later wins across thread context, bound and call fields. */
  assert_lookup_int64 (entry, "data.a", 1);
  assert_lookup_string (entry, "data.b", "call");
  assert_lookup_int64 (entry, "data.attempt", 3);
  value = lookup (entry, "data.ratio", "d");
  g_assert_cmpfloat (g_variant_get_double (value), ==, 0.5);
  g_variant_unref (value);
  value = lookup (entry, "data.ok", "b");
  g_assert_true (g_variant_get_boolean (value));
  g_variant_unref (value);
  assert_lookup_string (entry, "data.user_id", NULL);       /* context, not data */
  assert_lookup_string (entry, "data.tenant_id", NULL);
  assert_lookup_string (entry, "data.missing", NULL);

  /* Descending into dictionaries, variants, arrays and tuples. */
  assert_lookup_string (entry, "data.req.headers.host", "h");
  value = lookup (entry, "data.req.list", "ai");
  g_assert_cmpuint (g_variant_n_children (value), ==, 3);
  g_variant_unref (value);
  value = lookup (entry, "data.req.list.1", "i");
  g_assert_cmpint (g_variant_get_int32 (value), ==, 20);
  g_variant_unref (value);
  assert_lookup_string (entry, "data.req.list.3", NULL);
  assert_lookup_string (entry, "data.req.list.x", NULL);
  assert_lookup_string (entry, "data.req.pair.1", "x");
  assert_lookup_string (entry, "data.req.none", NULL);
  assert_lookup_string (entry, "data.req.headers.missing", NULL);
  assert_lookup_string (entry, "data.req.a.b", "dotted");
  assert_lookup_string (entry, "data.codes.404", "not found");
  value = lookup (entry, "data.req.headers", "a{sv}");
  g_variant_unref (value);

  /* A key with a dot, next to a dictionary named by its prefix. */
  value = lookup (entry, "data.http.status", "t");
  g_assert_cmpuint (g_variant_get_uint64 (value), ==, 200);
  g_variant_unref (value);
  assert_lookup_string (entry, "data.http.method", "GET");

  /* Diagnostics. */
  assert_lookup_string (entry, "diagnostics.service", "svc");
  assert_lookup_string (entry, "diagnostics.env", "prod");
  assert_lookup_string (entry, "diagnostics.version", "1.2.3");
  assert_lookup_string (entry, "diagnostics.host", g_get_host_name ());
  assert_lookup_int64 (entry, "diagnostics.pid", getpid ());
  assert_lookup_string (entry, "diagnostics.origin.file", "main.c");
  value = lookup (entry, "diagnostics.origin.line", "i");
  g_assert_cmpint (g_variant_get_int32 (value), ==, 42);
  g_variant_unref (value);
  assert_lookup_string (entry, "diagnostics.origin.function", "main");
  assert_lookup_string (entry, "diagnostics.exception.domain", "g-io-error-quark");
  value = lookup (entry, "diagnostics.exception.code", "i");
  g_assert_cmpint (g_variant_get_int32 (value), ==, 1);
  g_variant_unref (value);
  assert_lookup_string (entry, "diagnostics.exception.message", "gone");
  assert_lookup_string (entry, "diagnostics.origin.bogus", NULL);
  assert_lookup_string (entry, "diagnostics.bogus", NULL);

  /* Unknown paths. */
  assert_lookup_string (entry, "", NULL);
  assert_lookup_string (entry, "bogus", NULL);
  assert_lookup_string (entry, "data", NULL);
  assert_lookup_string (entry, "data.", NULL);
  assert_lookup_string (entry, "timestamp.x", NULL);

  fapilog_entry_unref (entry);
  _fapilog_context_snapshot_unref (spec.context);
  _fapilog_logger_core_unref (spec.core);

  /* Without version, origin, error or thread context. */
  spec.core = make_core ("app", NULL);
  spec.context = NULL;
  spec.file = NULL;
  spec.error = NULL;
  entry = make_entry (&spec, "m", "nothing", "ms", NULL, NULL);
  assert_lookup_string (entry, "diagnostics.version", NULL);
  assert_lookup_string (entry, "diagnostics.origin.file", NULL);
  assert_lookup_string (entry, "diagnostics.origin.function", NULL);
  assert_lookup_string (entry, "diagnostics.exception.message", NULL);
  assert_lookup_string (entry, "context.correlation_id", NULL);
  assert_lookup_string (entry, "data.nothing", NULL);
  fapilog_entry_unref (entry);
  _fapilog_logger_core_unref (spec.core);
  _fapilog_envelope_statics_unref (statics);

  if (g_test_undefined ())
    {
      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*self != NULL*");
      g_assert_null (fapilog_entry_lookup (NULL, "level"));
      g_test_assert_expected_messages ();
    }
}

/* ------------------------------------------------------------------------ */
/* Batches                                                                  */

static void
test_batch (void)
{
  EntrySpec spec = { 0, };
  FapilogEntry **entries = g_new (FapilogEntry *, 3);
  FapilogBatch *batch;
  GString *all = g_string_new (NULL);
  const guint8 *data;
  gsize len;
  guint i;

  spec.core = make_core ("app", NULL);
  for (i = 0; i < 3; i++)
    {
      g_autofree char *message = g_strdup_printf ("entry %u\n", i);

      entries[i] = make_entry (&spec, message, "i", "u", i, NULL);
      entries[i]->seq = 10 + i;
    }

  batch = _fapilog_batch_new_take (entries, 3);
  g_assert_cmpuint (fapilog_batch_get_n_entries (batch), ==, 3);
  g_assert_cmpuint (batch->first_seq, ==, 10);
  g_assert_cmpuint (batch->last_seq, ==, 12);

  for (i = 0; i < 3; i++)
    {
      FapilogEntry *entry = fapilog_batch_get_entry (batch, i);
      g_autofree char *json = NULL;
      const guint8 *line;
      gsize line_len;

      /* Ids were assigned while serializing. */
      assert_uuid_v4 (fapilog_entry_get_message_id (entry));
      json = fapilog_entry_to_json (entry);
      g_string_append (all, json);
      g_string_append_c (all, '\n');

      line = fapilog_batch_get_entry_data (batch, i, &line_len);
      g_assert_cmpuint (line_len, ==, strlen (json) + 1);
      g_assert_cmpmem (line, line_len - 1, json, strlen (json));
      g_assert_cmpint (line[line_len - 1], ==, '\n');
      g_assert_cmpuint (batch->offsets[i + 1] - batch->offsets[i], ==, line_len);
    }

  data = fapilog_batch_get_data (batch, &len);
  g_assert_cmpmem (data, len, all->str, all->len);
  g_assert_cmpuint (batch->offsets[0], ==, 0);
  g_assert_cmpuint (batch->offsets[3], ==, len);
  {
    GBytes *bytes = fapilog_batch_get_bytes (batch);

    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), all->str, all->len);
    g_assert_true (g_bytes_get_data (bytes, NULL) == (gconstpointer) data);
    g_bytes_unref (bytes);
  }

  /* Views: the line and the entry, sharing the batch's bytes. */
  {
    FapilogSerializedView *view = fapilog_batch_get_view (batch, 1);
    const guint8 *line = fapilog_serialized_view_get_data (view, &len);
    const guint8 *expected_line;
    gsize expected_len;
    GBytes *bytes;

    expected_line = fapilog_batch_get_entry_data (batch, 1, &expected_len);
    g_assert_true (line == expected_line);
    g_assert_cmpuint (len, ==, expected_len);
    g_assert_true (fapilog_serialized_view_get_entry (view) == fapilog_batch_get_entry (batch, 1));

    bytes = fapilog_serialized_view_get_bytes (view);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), line, len);
    g_bytes_unref (bytes);

    /* The view keeps the batch alive. */
    g_assert_true (fapilog_serialized_view_ref (view) == view);
    fapilog_serialized_view_unref (view);
    fapilog_batch_ref (batch);
    fapilog_batch_unref (batch);
    fapilog_batch_unref (batch);
    line = fapilog_serialized_view_get_data (view, &len);
    g_assert_cmpint (line[len - 1], ==, '\n');
    g_assert_true (g_str_has_prefix ((const char *) line, "{\"timestamp\":"));
    fapilog_serialized_view_unref (view);
  }

  g_string_free (all, TRUE);
  _fapilog_logger_core_unref (spec.core);
}

/* @n entries "line <base + i>" of @core, each with its message id. */
static FapilogEntry **
make_numbered_entries (FapilogLoggerCore *core,
                       guint              base,
                       guint              n)
{
  EntrySpec spec = { 0, };
  FapilogEntry **entries = g_new (FapilogEntry *, MAX (n, 1));

  spec.core = core;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strdup_printf ("line %u", base + i);

      entries[i] = make_entry (&spec, message, "i", "u", base + i, NULL);
      entries[i]->seq = base + i + 1;
      fapilog_entry_get_message_id (entries[i]);
    }
  return entries;
}

/* What the batch of @entries must read: each one's envelope and '\n'. */
static char *
expected_lines (FapilogEntry **entries,
                guint          n)
{
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *json = fapilog_entry_to_json (entries[i]);

      g_string_append (all, json);
      g_string_append_c (all, '\n');
    }
  return g_string_free (all, FALSE);
}

typedef struct {
  FapilogBatch *batch;
  GCond         cond;
  GMutex        lock;
  gboolean      go;
} DeferredRace;

static gpointer
read_deferred (gpointer data)
{
  DeferredRace *race = data;
  gsize len = 0;

  g_mutex_lock (&race->lock);
  while (!race->go)
    g_cond_wait (&race->cond, &race->lock);
  g_mutex_unlock (&race->lock);
  return (gpointer) fapilog_batch_get_data (race->batch, &len);
}

/* A batch made by the worker is serialized by its first reader, whatever
 * the thread, exactly once however many read at the same moment. */
static void
test_batch_deferred (void)
{
  FapilogLoggerCore *core = make_core ("app", NULL);
  gsize len = 0;

  /* Several rounds: a race that a plain flag would lose shows in a few. */
  for (guint round = 0; round < 20; round++)
    {
      FapilogEntry **entries = make_numbered_entries (core, 0, 200);
      g_autofree char *want = expected_lines (entries, 200);
      DeferredRace race = { 0, };
      GThread *threads[4];
      gconstpointer first = NULL;
      const guint8 *data;

      race.batch = _fapilog_batch_new_take_deferred (entries, 200);
      g_assert_false (_fapilog_batch_is_serialized (race.batch));
      g_assert_cmpuint (race.batch->first_seq, ==, 1);
      g_assert_cmpuint (race.batch->last_seq, ==, 200);
      /* The entries are there before any bytes are. */
      g_assert_true (fapilog_batch_get_entry (race.batch, 7) == entries[7]);
      g_assert_cmpuint (_fapilog_batch_size_hint (race.batch), >, 0);
      g_assert_false (_fapilog_batch_is_serialized (race.batch));

      g_mutex_init (&race.lock);
      g_cond_init (&race.cond);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("batch-reader", read_deferred, &race);
      g_mutex_lock (&race.lock);
      race.go = TRUE;
      g_cond_broadcast (&race.cond);
      g_mutex_unlock (&race.lock);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        {
          gconstpointer got = g_thread_join (threads[i]);

          /* One buffer: every reader got the same one. */
          if (first == NULL)
            first = got;
          g_assert_true (got == first);
        }
      g_assert_true (_fapilog_batch_is_serialized (race.batch));

      data = fapilog_batch_get_data (race.batch, &len);
      g_assert_true ((gconstpointer) data == first);
      g_assert_cmpmem (data, len, want, strlen (want));
      g_assert_cmpuint (_fapilog_batch_size_hint (race.batch), ==, len);

      g_cond_clear (&race.cond);
      g_mutex_clear (&race.lock);
      fapilog_batch_unref (race.batch);
    }

  /* Each reader serializes a batch nobody read yet: a view's bytes, an
   * entry's line, the GBytes. */
  {
    FapilogEntry **more = make_numbered_entries (core, 500, 3);
    g_autofree char *more_want = NULL;
    FapilogBatch *batch = _fapilog_batch_new_take_deferred (more, 3);
    FapilogSerializedView *view = fapilog_batch_get_view (batch, 2);
    g_autofree char *json = fapilog_entry_to_json (more[2]);
    GBytes *bytes;
    const guint8 *line;

    g_assert_false (_fapilog_batch_is_serialized (batch));
    bytes = fapilog_serialized_view_get_bytes (view);
    g_assert_true (_fapilog_batch_is_serialized (batch));
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) - 1, json, strlen (json));
    g_bytes_unref (bytes);
    fapilog_serialized_view_unref (view);
    fapilog_batch_unref (batch);

    more = make_numbered_entries (core, 600, 3);
    batch = _fapilog_batch_new_take_deferred (more, 3);
    line = fapilog_batch_get_entry_data (batch, 0, &len);
    g_assert_true (_fapilog_batch_is_serialized (batch));
    g_assert_true (g_str_has_prefix ((const char *) line, "{\"timestamp\":"));
    g_assert_cmpint (line[len - 1], ==, '\n');
    fapilog_batch_unref (batch);

    more = make_numbered_entries (core, 700, 3);
    g_free (more_want);
    more_want = expected_lines (more, 3);
    batch = _fapilog_batch_new_take_deferred (more, 3);
    bytes = fapilog_batch_get_bytes (batch);
    g_assert_true (_fapilog_batch_is_serialized (batch));
    fapilog_batch_unref (batch);
    /* The GBytes outlives the batch. */
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                     more_want, strlen (more_want));
    g_bytes_unref (bytes);
  }

  _fapilog_logger_core_unref (core);
}

/* Two fresh batches in @parts, of 5 and 7 entries (seq 1 to 12); the first
 * already read if @read_first. Returns the lines they must read as, one
 * after the other. */
static char *
make_parts (FapilogLoggerCore *core,
            FapilogBatch      *parts[2],
            gboolean           read_first)
{
  FapilogEntry **a = make_numbered_entries (core, 0, 5);
  FapilogEntry **b = make_numbered_entries (core, 5, 7);
  g_autofree char *la = expected_lines (a, 5);
  g_autofree char *lb = expected_lines (b, 7);

  parts[0] = read_first ? _fapilog_batch_new_take (a, 5) : _fapilog_batch_new_take_deferred (a, 5);
  parts[1] = _fapilog_batch_new_take_deferred (b, 7);
  return g_strconcat (la, lb, NULL);
}

/* Merging a sink's waiting batches: those only that sink holds and nobody
 * has read are merged without bytes (the sink's reader makes them once);
 * otherwise the lines are copied. Either way the result reads as the lines
 * of every input, in order. */
static void
test_batch_concat (void)
{
  FapilogLoggerCore *core = make_core ("app", NULL);
  FapilogBufferCache *cache = _fapilog_buffer_cache_new (4, 1 << 20);
  FapilogBatch *parts[2], *merged, *shared;
  const guint8 *data;
  gsize len = 0;
  char *want;

  /* Ours alone, not serialized: merged without bytes. */
  want = make_parts (core, parts, FALSE);
  merged = _fapilog_batch_concat (parts, 2, cache);
  g_assert_false (_fapilog_batch_is_serialized (merged));
  g_assert_cmpuint (fapilog_batch_get_n_entries (merged), ==, 12);
  g_assert_cmpuint (merged->first_seq, ==, 1);
  g_assert_cmpuint (merged->last_seq, ==, 12);
  data = fapilog_batch_get_data (merged, &len);
  g_assert_cmpmem (data, len, want, strlen (want));
  /* Those bytes are not a cache buffer: nothing goes back to it. */
  fapilog_batch_unref (merged);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 0);
  g_free (want);

  /* One input also held elsewhere (another sink): copied into a cache
   * buffer, its bytes made once for both holders. */
  want = make_parts (core, parts, FALSE);
  shared = fapilog_batch_ref (parts[1]);
  merged = _fapilog_batch_concat (parts, 2, cache);
  g_assert_true (_fapilog_batch_is_serialized (merged));
  g_assert_true (_fapilog_batch_is_serialized (shared));
  data = fapilog_batch_get_data (merged, &len);
  g_assert_cmpmem (data, len, want, strlen (want));
  /* The other holder still has its own lines and entries. */
  data = fapilog_batch_get_data (shared, &len);
  g_assert_cmpmem (data, len, want + strlen (want) - len, len);
  g_assert_true (fapilog_batch_get_entry (shared, 0) == fapilog_batch_get_entry (merged, 5));
  fapilog_batch_unref (shared);
  fapilog_batch_unref (merged);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 1);
  g_free (want);

  /* One input already read: copied too. */
  want = make_parts (core, parts, TRUE);
  merged = _fapilog_batch_concat (parts, 2, cache);
  g_assert_true (_fapilog_batch_is_serialized (merged));
  data = fapilog_batch_get_data (merged, &len);
  g_assert_cmpmem (data, len, want, strlen (want));
  fapilog_batch_unref (merged);
  g_free (want);

  _fapilog_buffer_cache_close (cache);
  _fapilog_logger_core_unref (core);
}

/* A batch's release drops the entries' references on their loggers and
 * context snapshot a run at a time (see _fapilog_entry_unref_many()): the
 * counts must come out exactly as if each entry had dropped its own. */
static void
test_batch_release_shared (void)
{
  static const guint owner[] = { 0, 0, 1, 0, 1, 1 };   /* which core */
  FapilogEnvelopeStatics *statics = _fapilog_envelope_statics_default ();
  FapilogLoggerCore *cores[2];
  FapilogContextSnapshot *context;
  FapilogEntry *entries[G_N_ELEMENTS (owner)];
  FapilogBatch *batch;

  cores[0] = _fapilog_logger_core_new ("a", NULL, statics);
  cores[1] = _fapilog_logger_core_new ("b", NULL, statics);
  fapilog_context_set_correlation_id ("shared-corr");
  context = _fapilog_context_capture ();
  fapilog_context_clear ();
  for (guint i = 0; i < G_N_ELEMENTS (owner); i++)
    entries[i] = _fapilog_entry_new_captured (cores[owner[i]], context, FAPILOG_LEVEL_INFO,
                                              TS_US, "m", NULL, 0, NULL, NULL, NULL);
  g_assert_cmpint (cores[0]->ref_count, ==, 1 + 3);
  g_assert_cmpint (cores[1]->ref_count, ==, 1 + 3);
  g_assert_cmpint (context->ref_count, ==, 1 + 6);

  /* The test still holds every entry: nothing changes. */
  batch = fapilog_batch_new (entries, G_N_ELEMENTS (entries));
  fapilog_batch_unref (batch);
  g_assert_cmpint (cores[0]->ref_count, ==, 1 + 3);
  g_assert_cmpint (cores[1]->ref_count, ==, 1 + 3);
  g_assert_cmpint (context->ref_count, ==, 1 + 6);

  /* The batch holds the last references, except on the third entry, which
   * the test keeps. */
  batch = fapilog_batch_new (entries, G_N_ELEMENTS (entries));
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (i != 2)
      fapilog_entry_unref (entries[i]);
  fapilog_batch_unref (batch);
  g_assert_cmpint (cores[0]->ref_count, ==, 1);
  g_assert_cmpint (cores[1]->ref_count, ==, 1 + 1);
  g_assert_cmpint (context->ref_count, ==, 1 + 1);
  g_assert_cmpstr (fapilog_entry_get_correlation_id (entries[2]), ==, "shared-corr");
  g_assert_cmpstr (fapilog_entry_get_logger_name (entries[2]), ==, "b");

  fapilog_entry_unref (entries[2]);
  g_assert_cmpint (cores[1]->ref_count, ==, 1);
  g_assert_cmpint (context->ref_count, ==, 1);
  _fapilog_context_snapshot_unref (context);
  _fapilog_logger_core_unref (cores[0]);
  _fapilog_logger_core_unref (cores[1]);
}

static void
test_batch_public (void)
{
  FapilogEntry *entries[2];
  FapilogBatch *batch, *copy;
  const guint8 *data;
  gsize len;
  guint i;

  entries[0] = fapilog_entry_new (FAPILOG_LEVEL_INFO, "pub", "one", NULL);
  entries[1] = fapilog_entry_new (FAPILOG_LEVEL_ERROR, "pub", "two",
                                  g_variant_new_parsed ("{'k': <1>}"));
  batch = fapilog_batch_new (entries, 2);

  /* The batch holds its own references. */
  for (i = 0; i < 2; i++)
    fapilog_entry_unref (entries[i]);
  g_assert_cmpstr (fapilog_entry_get_message (fapilog_batch_get_entry (batch, 1)), ==, "two");

  data = fapilog_batch_get_data (batch, &len);
  {
    g_auto(GStrv) lines = g_strsplit ((const char *) data, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 3);
    g_assert_cmpstr (lines[2], ==, "");
    for (i = 0; i < 2; i++)
      {
        JsonNode *node = parse_json (lines[i]);
        JsonObject *context = get_object (json_node_get_object (node), "context");

        g_assert_cmpstr (json_object_get_string_member (context, "message_id"), ==,
                         fapilog_entry_get_message_id (fapilog_batch_get_entry (batch, i)));
        json_node_unref (node);
      }
    g_assert_nonnull (strstr (lines[1], "\"level\":\"ERROR\""));
    g_assert_true (g_str_has_suffix (lines[1], "\"data\":{\"k\":1}}"));
  }

  /* The boxed type. */
  g_assert_true (G_TYPE_IS_BOXED (FAPILOG_TYPE_BATCH));
  g_assert_true (G_TYPE_IS_BOXED (FAPILOG_TYPE_SERIALIZED_VIEW));
  copy = g_boxed_copy (FAPILOG_TYPE_BATCH, batch);
  g_assert_true (copy == batch);
  g_boxed_free (FAPILOG_TYPE_BATCH, copy);

  fapilog_batch_unref (batch);

  /* An empty batch. */
  batch = fapilog_batch_new (NULL, 0);
  g_assert_cmpuint (fapilog_batch_get_n_entries (batch), ==, 0);
  fapilog_batch_get_data (batch, &len);
  g_assert_cmpuint (len, ==, 0);
  fapilog_batch_unref (batch);

  /* Bad arguments. */
  if (g_test_undefined ())
    {
      batch = fapilog_batch_new (NULL, 0);

      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*index_ < self->n_entries*");
      g_assert_null (fapilog_batch_get_entry (batch, 0));
      g_test_assert_expected_messages ();

      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*index_ < self->n_entries*");
      g_assert_null (fapilog_batch_get_view (batch, 5));
      g_test_assert_expected_messages ();

      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*index_ < self->n_entries*");
      len = 99;
      g_assert_null (fapilog_batch_get_entry_data (batch, 0, &len));
      g_assert_cmpuint (len, ==, 0);
      g_test_assert_expected_messages ();

      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*entries != NULL*");
      g_assert_null (fapilog_batch_new (NULL, 3));
      g_test_assert_expected_messages ();

      g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*self != NULL*");
      g_assert_cmpuint (fapilog_batch_get_n_entries (NULL), ==, 0);
      g_test_assert_expected_messages ();

      fapilog_batch_unref (batch);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *statics_case = g_getenv ("FAPILOG_TEST_STATICS_CASE");

  /* A child of /envelope/statics/default. */
  if (statics_case != NULL)
    {
      guint i = (guint) g_ascii_strtoull (statics_case, NULL, 10);

      g_assert_cmpuint (i, <, G_N_ELEMENTS (statics_cases));
      check_default_statics (statics_cases[i].want_service, statics_cases[i].want_env,
                             statics_cases[i].want_version);
      return 0;
    }

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/envelope/shape/exact-text", test_exact_text);
  g_test_add_func ("/envelope/shape/key-order", test_key_order);
  g_test_add_func ("/envelope/shape/data-always-present", test_data_always_present);
  g_test_add_func ("/envelope/shape/levels", test_levels);
  g_test_add_func ("/envelope/shape/head-fragments", test_head_fragments);
  g_test_add_func ("/envelope/shape/buffer-boundaries", test_buffer_boundaries);
  g_test_add_func ("/envelope/entry/message-id-format", test_message_id_format);
  g_test_add_func ("/envelope/entry/message-id-fork", test_message_id_fork);
  g_test_add_func ("/envelope/statics/new", test_statics);
  g_test_add_func ("/envelope/statics/default", test_statics_default);
  g_test_add_func ("/envelope/fields/context-routing", test_context_routing);
  g_test_add_func ("/envelope/fields/later-wins", test_later_wins);
  g_test_add_func ("/envelope/fields/later-wins-many", test_later_wins_many);
  g_test_add_func ("/envelope/fields/public-context-api", test_public_context_api);
  g_test_add_func ("/envelope/fields/kinds", test_field_kinds);
  g_test_add_func ("/envelope/fields/escaping", test_escaping);
  g_test_add_func ("/envelope/fields/huge-message", test_huge_message);
  g_test_add_func ("/envelope/fields/mask-secrets", test_mask_secrets);
  g_test_add_func ("/envelope/diagnostics/origin", test_origin);
  g_test_add_func ("/envelope/diagnostics/exception", test_exception);
  g_test_add_func ("/envelope/timestamp/known", test_timestamp_known);
  g_test_add_func ("/envelope/timestamp/cache", test_timestamp_cache);
  g_test_add_func ("/envelope/timestamp/threads", test_timestamp_threads);
  g_test_add_func ("/envelope/entry/to-json", test_to_json);
  g_test_add_func ("/envelope/entry/lookup", test_lookup);
  g_test_add_func ("/envelope/batch/take", test_batch);
  g_test_add_func ("/envelope/batch/public", test_batch_public);
  g_test_add_func ("/envelope/batch/release-shared", test_batch_release_shared);
  g_test_add_func ("/envelope/batch/deferred", test_batch_deferred);
  g_test_add_func ("/envelope/batch/concat", test_batch_concat);

  return g_test_run ();
}
