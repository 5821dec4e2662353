/* test-fapilog-cat.c: the fapilog-cat tool, end to end
 *
 * Runs the real binary (its path is in $FAPILOG_CAT) with a controlled
 * environment, feeds it standard input and checks what it writes: one JSON
 * envelope per line on standard output (FAPILOG_CORE__SINKS=stdout_json),
 * diagnostics and statistics on standard error, and the exit status. The
 * http and webhook tests configure those sinks through the environment and
 * check what a SoupServer on 127.0.0.1, run by the test, receives.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fapilog-test-utils.h"

/* ------------------------------------------------------------------------ */
/* Running the tool                                                         */

typedef struct {
  gboolean  exited;       /* FALSE: killed by a signal */
  int       exit_status;
  int       term_sig;
  char     *out;
  char     *err;
} CatResult;

static void
cat_result_free (CatResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CatResult, cat_result_free)

static const char *
cat_path (void)
{
  const char *path = g_getenv ("FAPILOG_CAT");

  if (path == NULL)
    g_error ("FAPILOG_CAT must name the fapilog-cat binary to test");
  return path;
}

/* Only what the tool needs, so that nothing in the developer's environment
 * (a FAPILOG_* variable, a terminal) changes what it does. */
static GSubprocessLauncher *
make_launcher (GSubprocessFlags    flags,
               const char * const *extra_env)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();
  g_auto(GStrv) envp = NULL;
  const char *path = g_getenv ("PATH");
  g_autofree char *path_var = path != NULL ? g_strconcat ("PATH=", path, NULL) : NULL;

  gboolean own_backend = FALSE;

  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
    own_backend |= g_str_has_prefix (extra_env[i], "GSETTINGS_BACKEND=");

  g_strv_builder_add (env, "FAPILOG_CORE__SINKS=stdout_json");
  /* No GSettings of the user's: the schema is not found without
   * GSETTINGS_SCHEMA_DIR, and if installed, its keys are in memory. */
  if (!own_backend)
    g_strv_builder_add (env, "GSETTINGS_BACKEND=memory");
  if (path_var != NULL)
    g_strv_builder_add (env, path_var);
  if (extra_env != NULL)
    g_strv_builder_addv (env, (const char **) extra_env);
  envp = g_strv_builder_end (env);
  g_subprocess_launcher_set_environ (launcher, envp);
  return launcher;
}

static GSubprocess *
spawn_cat (GSubprocessLauncher *launcher,
           const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (gpointer) cat_path ());
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static void
record_status (CatResult   *result,
               GSubprocess *process)
{
  result->exited = g_subprocess_get_if_exited (process);
  if (result->exited)
    result->exit_status = g_subprocess_get_exit_status (process);
  else if (g_subprocess_get_if_signaled (process))
    result->term_sig = g_subprocess_get_term_sig (process);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (data == NULL)
    return g_strdup ("");
  g_assert_null (memchr (data, '\0', len));
  return g_strndup (data, len);
}

/* Runs the tool with @args and @extra_env, feeding it @input_len bytes of
 * @input (-1: a string; %NULL: nothing), and collects everything it writes. With
 * @close_stdout the tool's standard output is a pipe whose reading end is
 * already closed when it starts, so every write to it fails with EPIPE. */
static CatResult *
run_cat_full (const char * const *args,
              const char * const *extra_env,
              const char         *input,
              gssize              input_len,
              gboolean            close_stdout)
{
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  CatResult *result = g_new0 (CatResult, 1);

  if (!close_stdout)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  launcher = make_launcher (flags, extra_env);
  if (input == NULL)
    g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  if (close_stdout)
    {
      int fds[2];

      g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
      g_assert_no_error (error);
      g_assert_cmpint (close (fds[0]), ==, 0);
      g_subprocess_launcher_take_stdout_fd (launcher, fds[1]);
    }

  process = spawn_cat (launcher, args);
  /* No input: stdin is /dev/null. A tool that exits before reading must
   * not turn the test's write into EPIPE. */
  if (input != NULL)
    {
      if (input_len < 0)
        input_len = strlen (input);
      in = g_bytes_new_static (input, input_len);
    }
  g_subprocess_communicate (process, in, NULL, close_stdout ? NULL : &out, &err, &error);
  g_assert_no_error (error);

  record_status (result, process);
  result->out = bytes_to_string (out);
  result->err = bytes_to_string (err);
  return result;
}

static CatResult *
run_cat (const char * const *args,
         const char * const *extra_env,
         const char         *input)
{
  return run_cat_full (args, extra_env, input, -1, FALSE);
}

#define ARGS(...) ((const char * const []) { __VA_ARGS__, NULL })
#define NO_ARGS   ((const char * const *) NULL)
#define NO_ENV    ((const char * const *) NULL)

static void
assert_exit (CatResult *result,
             int        status)
{
  if (!result->exited)
    g_error ("fapilog-cat was killed by signal %d; stderr:\n%s",
             result->term_sig, result->err);
  if (result->exit_status != status)
    g_error ("fapilog-cat exited with %d, expected %d; stderr:\n%.4000s",
             result->exit_status, status, result->err);
}

/* The stdout lines, each parsed as a JSON object. */
static GPtrArray *
parse_entries (const char *out)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = g_strv_length (lines);

  /* Every line, the last one included, ends with a newline. */
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 1 < n; i++)
    g_ptr_array_add (entries, test_parse_object (lines[i]));
  return entries;
}

static JsonObject *
entry_data (JsonObject *entry)
{
  g_assert_true (json_object_has_member (entry, "data"));
  return json_object_get_object_member (entry, "data");
}

/* The last line of @err that is a JSON object with a "submitted" member:
 * the --stats output (internal diagnostics may come before it). */
static JsonObject *
find_stats (const char *err)
{
  g_auto(GStrv) lines = g_strsplit (err, "\n", -1);

  for (guint i = g_strv_length (lines); i > 0; i--)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      if (!json_parser_load_from_data (parser, lines[i - 1], -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
          json_object_has_member (json_node_get_object (root), "submitted"))
        return json_object_ref (json_node_get_object (root));
    }
  g_error ("no statistics on stderr:\n%.4000s", err);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Plain lines                                                              */

static void
test_plain_lines (void)
{
  const char *input =
    "first line\r\n"
    "\n"
    "second \"quoted\" \\ line\n"
    "\r\n"
    "  indented  \n"
    "last line without newline";
  const char *expected[] = {
    "first line", "second \"quoted\" \\ line", "  indented  ", "last line without newline",
  };
  g_autoptr(CatResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  result = run_cat (ARGS ("--level", "warning", "--logger", "cat-test",
                          "--field", "app=demo", "--field", "region=eu=1",
                          "--field", "empty=", "--field", "app=demo2"),
                    NO_ENV, input);
  assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");

  entries = parse_entries (result->out);
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (entries, i);
      JsonObject *data = entry_data (entry);

      g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, expected[i]);
      g_assert_cmpstr (json_object_get_string_member (entry, "level"), ==, "WARNING");
      g_assert_cmpstr (json_object_get_string_member (entry, "logger"), ==, "cat-test");
      /* A repeated key keeps its last value; only the first '=' splits. */
      g_assert_cmpuint (json_object_get_size (data), ==, 3);
      g_assert_cmpstr (json_object_get_string_member (data, "app"), ==, "demo2");
      g_assert_cmpstr (json_object_get_string_member (data, "region"), ==, "eu=1");
      g_assert_cmpstr (json_object_get_string_member (data, "empty"), ==, "");
    }
}

static void
test_defaults (void)
{
  g_autoptr(CatResult) result = run_cat (NO_ARGS, NO_ENV, "just a line\n");
  g_autoptr(GPtrArray) entries = NULL;
  JsonObject *entry;

  assert_exit (result, 0);
  entries = parse_entries (result->out);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, "just a line");
  g_assert_cmpstr (json_object_get_string_member (entry, "level"), ==, "INFO");
  g_assert_cmpstr (json_object_get_string_member (entry, "logger"), ==, "fapilog-cat");
  g_assert_cmpuint (json_object_get_size (entry_data (entry)), ==, 0);
}

static void
test_level_names (void)
{
  /* Case-insensitive, aliases included; DEBUG passes because the tool's
   * own level gate defaults to DEBUG. */
  const struct { const char *arg; const char *name; } cases[] = {
    { "debug", "DEBUG" }, { "Info", "INFO" }, { "WARN", "WARNING" },
    { "error", "ERROR" }, { "critical", "CRITICAL" }, { "audit", "AUDIT" },
    { "SECURITY", "SECURITY" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CatResult) result = run_cat (ARGS ("--level", cases[i].arg), NO_ENV, "x\n");
      g_autoptr(GPtrArray) entries = NULL;

      assert_exit (result, 0);
      entries = parse_entries (result->out);
      g_assert_cmpuint (entries->len, ==, 1);
      g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, 0), "level"),
                       ==, cases[i].name);
    }
}

static void
test_environment_level_gate (void)
{
  /* The environment overrides the tool's DEBUG default: entries below the
   * configured level are discarded at the gate, which is not a loss. */
  g_autoptr(CatResult) result = run_cat (ARGS ("--level", "info", "--stats"),
                                         ARGS ("FAPILOG_CORE__LOG_LEVEL=ERROR"),
                                         "a\nb\n");
  g_autoptr(JsonObject) stats = NULL;

  assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "");
  stats = find_stats (result->err);
  g_assert_cmpint (json_object_get_int_member (stats, "submitted"), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* Volume and losslessness                                                  */

static void
check_many_lines (const char * const *extra_env)
{
  const guint n_lines = 10000;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(CatResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) stats = NULL;

  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (input, "line %05u\n", i);

  result = run_cat (ARGS ("--stats"), extra_env, input->str);
  assert_exit (result, 0);

  entries = parse_entries (result->out);
  g_assert_cmpuint (entries->len, ==, n_lines);
  for (guint i = 0; i < n_lines; i++)
    {
      g_autofree char *expected = g_strdup_printf ("line %05u", i);

      g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, i), "message"),
                       ==, expected);
    }

  stats = find_stats (result->err);
  g_assert_cmpint (json_object_get_int_member (stats, "submitted"), ==, n_lines);
  g_assert_cmpint (json_object_get_int_member (stats, "processed"), ==, n_lines);
  g_assert_cmpint (json_object_get_int_member (stats, "dropped"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "unsent"), ==, 0);
}

static void
test_many_lines (void)
{
  check_many_lines (NO_ENV);
}

static void
test_many_lines_small_queue (void)
{
  /* A queue far smaller than the input fills at once: the tool's lossless
   * default (block, wait forever), applied before the environment, must
   * make it wait rather than drop. */
  check_many_lines (ARGS ("FAPILOG_CORE__MAX_QUEUE_SIZE=8",
                          "FAPILOG_CORE__PROTECTED_LEVELS=[]",
                          "FAPILOG_CORE__BATCH_MAX_SIZE=4"));
}

static void
test_long_line (void)
{
  const gsize len = 3 * 1024 * 1024 + 17;   /* many reads, not a multiple of any */
  g_autofree char *line = g_malloc (len + 1);
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(CatResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  for (gsize i = 0; i < len; i++)
    line[i] = 'a' + i % 26;
  line[len] = '\0';
  g_string_append (input, "before\n");
  g_string_append (input, line);
  g_string_append (input, "\r\nafter\n");

  result = run_cat (NO_ARGS, NO_ENV, input->str);
  assert_exit (result, 0);
  entries = parse_entries (result->out);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, 0), "message"),
                   ==, "before");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, 1), "message"),
                   ==, line);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, 2), "message"),
                   ==, "after");
}

static void
test_nul_byte (void)
{
  static const char input[] = "a\0b\n";
  g_autoptr(CatResult) result = run_cat_full (NO_ARGS, NO_ENV, input, sizeof input - 1, FALSE);
  g_autoptr(GPtrArray) entries = NULL;

  /* The message is not cut short at the NUL. */
  assert_exit (result, 0);
  entries = parse_entries (result->out);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, 0), "message"),
                   ==, "a\xef\xbf\xbd" "b");
}

/* ------------------------------------------------------------------------ */
/* --json                                                                   */

static void
test_json_types (void)
{
  const char *input =
    "{\"message\":\"hello json\",\"s\":\"h\\u00e9llo \\\"q\\\"\\n\",\"i\":9007199254740993,"
    "\"neg\":-42,\"d\":2.5,\"t\":true,\"f\":false,\"n\":null,"
    "\"arr\":[1,\"two\",3.5,null,[true],{}],\"obj\":{\"k\":\"v\",\"inner\":{\"deep\":1}},"
    "\"dup\":1,\"dup\":2,\"cli\":\"from json\"}\n"
    "{\"no_message\":true}\n"
    "{\"message\":42}\n"
    "{}\n";
  g_autoptr(CatResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  JsonObject *entry, *data, *obj;
  JsonArray *arr;

  result = run_cat (ARGS ("--json", "--field", "cli=from cli", "--field", "other=x"),
                    NO_ENV, input);
  assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");
  entries = parse_entries (result->out);
  g_assert_cmpuint (entries->len, ==, 4);

  entry = g_ptr_array_index (entries, 0);
  data = entry_data (entry);
  g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, "hello json");
  g_assert_false (json_object_has_member (data, "message"));

  g_assert_cmpint (json_node_get_value_type (json_object_get_member (data, "s")), ==, G_TYPE_STRING);
  g_assert_cmpstr (json_object_get_string_member (data, "s"), ==, "h\xc3\xa9llo \"q\"\n");

  g_assert_cmpint (json_node_get_value_type (json_object_get_member (data, "i")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (data, "i"), ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpint (json_object_get_int_member (data, "neg"), ==, -42);

  g_assert_cmpint (json_node_get_value_type (json_object_get_member (data, "d")), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (data, "d"), ==, 2.5);

  g_assert_cmpint (json_node_get_value_type (json_object_get_member (data, "t")), ==, G_TYPE_BOOLEAN);
  g_assert_true (json_object_get_boolean_member (data, "t"));
  g_assert_false (json_object_get_boolean_member (data, "f"));

  g_assert_true (json_object_has_member (data, "n"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (data, "n")));

  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (data, "arr")));
  arr = json_object_get_array_member (data, "arr");
  g_assert_cmpuint (json_array_get_length (arr), ==, 6);
  g_assert_cmpint (json_array_get_int_element (arr, 0), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (arr, 1), ==, "two");
  g_assert_cmpfloat (json_array_get_double_element (arr, 2), ==, 3.5);
  g_assert_true (json_array_get_null_element (arr, 3));
  g_assert_true (json_array_get_boolean_element (json_array_get_array_element (arr, 4), 0));
  g_assert_cmpuint (json_object_get_size (json_array_get_object_element (arr, 5)), ==, 0);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (data, "obj")));
  obj = json_object_get_object_member (data, "obj");
  g_assert_cmpuint (json_object_get_size (obj), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (obj, "k"), ==, "v");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (obj, "inner"), "deep"),
                   ==, 1);

  /* A duplicated member keeps its last value, once. */
  g_assert_cmpint (json_object_get_int_member (data, "dup"), ==, 2);
  /* The line's member wins over a --field of the same name. */
  g_assert_cmpstr (json_object_get_string_member (data, "cli"), ==, "from json");
  g_assert_cmpstr (json_object_get_string_member (data, "other"), ==, "x");
  g_assert_false (json_object_has_member (data, "fapilog_cat_error"));

  /* No "message" member: an empty message. */
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, "");
  g_assert_true (json_object_get_boolean_member (entry_data (entry), "no_message"));

  /* A "message" that is not a string stays a data field. */
  entry = g_ptr_array_index (entries, 2);
  g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, "");
  g_assert_cmpint (json_object_get_int_member (entry_data (entry), "message"), ==, 42);

  entry = g_ptr_array_index (entries, 3);
  g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, "");
  g_assert_cmpuint (json_object_get_size (entry_data (entry)), ==, 2);   /* the two --field */
}

static void
test_json_invalid (void)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(CatResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const char *messages[] = { "", "not json at all", "[1,2]", "{\"broken\":", NULL, "" };

  /* Deep enough to overflow a recursive parser's stack. */
  for (guint i = 0; i < 300000; i++)
    g_string_append_c (deep, '[');
  messages[4] = deep->str;

  g_string_append (input, "{\"ok\":1}\n");              /* line 1 */
  g_string_append (input, "not json at all\n");         /* line 2 */
  g_string_append (input, "\n");                        /* line 3: skipped */
  g_string_append (input, "[1,2]\n");                   /* line 4 */
  g_string_append (input, "{\"broken\":\n");            /* line 5 */
  g_string_append_printf (input, "%s\n", deep->str);    /* line 6 */
  g_string_append (input, "{\"ok\":2}");                /* line 7 */

  result = run_cat (ARGS ("--json"), NO_ENV, input->str);
  /* Unparseable input is reported, but nothing was lost. */
  assert_exit (result, 0);
  entries = parse_entries (result->out);
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (messages));

  for (guint i = 0; i < entries->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (entries, i);
      JsonObject *data = entry_data (entry);
      gboolean bad = i >= 1 && i <= 4;

      g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, messages[i]);
      g_assert_cmpint (json_object_has_member (data, "fapilog_cat_error"), ==, bad);
      if (bad)
        g_assert_cmpstr (json_object_get_string_member (data, "fapilog_cat_error"), !=, "");
      else
        g_assert_cmpint (json_object_get_int_member (data, "ok"), ==, i == 0 ? 1 : 2);
    }

  g_assert_nonnull (strstr (result->err, "fapilog-cat: line 2: not a JSON object: "));
  g_assert_nonnull (strstr (result->err, "fapilog-cat: line 4: not a JSON object: "));
  g_assert_nonnull (strstr (result->err, "fapilog-cat: line 5: not a JSON object: "));
  g_assert_nonnull (strstr (result->err, "fapilog-cat: line 6: not a JSON object: "));
  g_assert_null (strstr (result->err, "line 1:"));
  g_assert_null (strstr (result->err, "line 3:"));
  g_assert_null (strstr (result->err, "line 7:"));
}

/* ------------------------------------------------------------------------ */
/* --stats and the exit status                                              */

static void
test_stats (void)
{
  g_autoptr(CatResult) result = run_cat (ARGS ("--stats"), NO_ENV, "a\nb\n\nc\n");
  g_autoptr(JsonObject) stats = NULL;
  JsonObject *sinks;

  assert_exit (result, 0);
  /* Nothing went wrong, so the statistics are all there is. */
  stats = test_parse_object (g_strchomp (result->err));
  g_assert_cmpint (json_object_get_int_member (stats, "submitted"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (stats, "processed"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (stats, "dropped"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (stats, "unsent"), ==, 0);
  sinks = json_object_get_object_member (stats, "sinks");
  g_assert_nonnull (sinks);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (sinks, "stdout_json"),
                                               "written"), ==, 3);
}

/* The tool exits before reading its input here, so none is given: writing
 * to its closed standard input would fail. */
static void
test_bad_level (void)
{
  g_autoptr(CatResult) result = run_cat (ARGS ("--level", "loud"), NO_ENV, "");

  assert_exit (result, 2);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_nonnull (strstr (result->err, "\"loud\""));
  g_assert_nonnull (strstr (result->err, "level"));
}

static void
test_bad_field (void)
{
  const char *bad[] = { "novalue", "=value" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CatResult) result = run_cat (ARGS ("--field", "ok=1", "--field", bad[i]),
                                             NO_ENV, "");
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", bad[i]);

      assert_exit (result, 2);
      g_assert_cmpstr (result->out, ==, "");
      g_assert_nonnull (strstr (result->err, "KEY=VALUE"));
      g_assert_nonnull (strstr (result->err, quoted));
    }
}

static void
test_bad_command_line (void)
{
  g_autoptr(CatResult) unknown = run_cat (ARGS ("--no-such-option"), NO_ENV, "");
  g_autoptr(CatResult) extra = run_cat (ARGS ("some-file"), NO_ENV, "");

  assert_exit (unknown, 2);
  g_assert_cmpstr (unknown->out, ==, "");
  g_assert_nonnull (strstr (unknown->err, "--no-such-option"));
  assert_exit (extra, 2);
  g_assert_cmpstr (extra->out, ==, "");
  g_assert_nonnull (strstr (extra->err, "some-file"));
}

static void
test_version (void)
{
  g_autoptr(CatResult) result = run_cat (ARGS ("--version"), NO_ENV, "");

  assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "fapilog-cat " FAPILOG_VERSION_S "\n");
}

/* ------------------------------------------------------------------------ */
/* --print-config                                                           */

/* A directory for XDG_CONFIG_HOME holding the keyfile GSettings backend's
 * store, glib-2.0/settings/keyfile, with @contents. */
static char *
make_keyfile_home (const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *home = g_dir_make_tmp ("fapilog-cat-keyfile-XXXXXX", &error);
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;

  g_assert_no_error (error);
  dir = g_build_filename (home, "glib-2.0", "settings", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  file = g_build_filename (dir, "keyfile", NULL);
  g_assert_true (g_file_set_contents (file, contents, -1, &error));
  g_assert_no_error (error);
  return home;
}

static void
remove_keyfile_home (const char *home)
{
  g_autofree char *file = g_build_filename (home, "glib-2.0", "settings", "keyfile", NULL);
  g_autofree char *settings = g_build_filename (home, "glib-2.0", "settings", NULL);
  g_autofree char *glib = g_build_filename (home, "glib-2.0", NULL);

  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_rmdir (settings), ==, 0);
  g_assert_cmpint (g_rmdir (glib), ==, 0);
  g_assert_cmpint (g_rmdir (home), ==, 0);
}

/* The environment entries that make the tool read @home's keyfile with
 * the schemas of the build directory. */
static GStrv
keyfile_env (const char         *home,
             const char * const *more)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *schema_dir = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autofree char *config_home = g_strconcat ("XDG_CONFIG_HOME=", home, NULL);
  g_autofree char *schemas = NULL;

  g_assert_nonnull (schema_dir);
  schemas = g_strconcat ("GSETTINGS_SCHEMA_DIR=", schema_dir, NULL);
  g_strv_builder_add (builder, config_home);
  g_strv_builder_add (builder, schemas);
  g_strv_builder_add (builder, "GSETTINGS_BACKEND=keyfile");
  if (more != NULL)
    g_strv_builder_addv (builder, (const char **) more);
  return g_strv_builder_end (builder);
}

static JsonObject *
parse_config (CatResult *result)
{
  assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");
  return test_parse_object (result->out);
}

/* @expected is the value in compact JSON. */
static void
assert_setting (JsonObject *config,
                const char *name,
                const char *expected,
                const char *source)
{
  JsonObject *setting;
  g_autofree char *value = NULL;

  g_assert_true (json_object_has_member (config, name));
  setting = json_object_get_object_member (config, name);
  g_assert_cmpuint (json_object_get_size (setting), ==, 2);
  value = json_to_string (json_object_get_member (setting, "value"), FALSE);
  if (g_strcmp0 (value, expected) != 0)
    g_error ("%s is %s, expected %s", name, value, expected);
  g_assert_cmpstr (json_object_get_string_member (setting, "source"), ==, source);
}

static void
assert_setting_double (JsonObject *config,
                       const char *name,
                       double      expected,
                       const char *source)
{
  JsonObject *setting = json_object_get_object_member (config, name);

  g_assert_nonnull (setting);
  g_assert_cmpfloat (json_object_get_double_member (setting, "value"), ==, expected);
  g_assert_cmpstr (json_object_get_string_member (setting, "source"), ==, source);
}

/* The tool's own defaults show as defaults. */
static void
test_print_config_defaults (void)
{
  g_autoptr(CatResult) result = run_cat (ARGS ("--print-config"), NO_ENV, NULL);
  g_autoptr(JsonObject) config = parse_config (result);
  g_autoptr(FapilogSettings) fresh = fapilog_settings_new ();
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (fresh), &n_pspecs);

  g_assert_cmpuint (json_object_get_size (config), ==, n_pspecs + 1);
  assert_setting (config, "preset", "null", "default");
  assert_setting (config, "log-level", "\"debug\"", "default");
  assert_setting (config, "overflow-policy", "\"block\"", "default");
  assert_setting (config, "backpressure-wait-ms", "-1", "default");
  assert_setting (config, "sinks", "[\"stdout_json\"]", "env");
  assert_setting (config, "max-queue-size", "10000", "default");
  assert_setting (config, "protected-levels", "[\"ERROR\",\"CRITICAL\",\"AUDIT\",\"SECURITY\"]",
                  "default");
  assert_setting (config, "file-file-mode", "\"0640\"", "default");
  assert_setting (config, "webhook-secret", "null", "default");
  assert_setting (config, "http-headers", "null", "default");
  assert_setting_double (config, "batch-timeout-seconds", 0.25, "default");
}

/* Each source shows, in its precedence: tool defaults < preset <
 * GSettings < environment. */
static void
test_print_config_sources (void)
{
  g_autofree char *home = make_keyfile_home ("[org/fapilog]\n"
                                             "max-queue-size=uint32 500\n"
                                             "batch-max-size=uint32 50\n"
                                             "log-level='warning'\n"
                                             "service='from-gsettings'\n");
  g_auto(GStrv) env = keyfile_env (home, ARGS ("FAPILOG_PRESET=production",
                                               "FAPILOG_CORE__BATCH_MAX_SIZE=7"));
  g_autoptr(CatResult) result = run_cat (ARGS ("--print-config"), (const char * const *) env, NULL);
  g_autoptr(JsonObject) config = parse_config (result);

  assert_setting (config, "preset", "\"production\"", "env");
  assert_setting (config, "overflow-policy", "\"block\"", "preset");
  assert_setting_double (config, "shutdown-timeout-seconds", 25.0, "preset");
  assert_setting (config, "file-compress-rotated", "true", "preset");
  assert_setting (config, "max-queue-size", "500", "gsettings");
  assert_setting (config, "log-level", "\"warning\"", "gsettings");
  assert_setting (config, "service", "\"from-gsettings\"", "gsettings");
  assert_setting (config, "batch-max-size", "7", "env");
  assert_setting (config, "sinks", "[\"stdout_json\"]", "env");
  assert_setting (config, "backpressure-wait-ms", "-1", "default");
  assert_setting (config, "sink-backlog-size", "0", "default");

  remove_keyfile_home (home);
}

/* Secrets are masked; header names stay. */
static void
test_print_config_secrets (void)
{
  g_autoptr(CatResult) result =
    run_cat (ARGS ("--print-config"),
             ARGS ("FAPILOG_WEBHOOK__SECRET=s3cr3t-value",
                   "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\",\"X-Team\":\"billing\"}"),
             NULL);
  g_autoptr(JsonObject) config = parse_config (result);

  g_assert_null (strstr (result->out, "s3cr3t"));
  g_assert_null (strstr (result->out, "t0ken"));
  g_assert_null (strstr (result->out, "billing"));
  assert_setting (config, "webhook-secret", "\"***\"", "env");
  assert_setting (config, "http-headers", "{\"Authorization\":\"***\",\"X-Team\":\"***\"}", "env");
  assert_setting (config, "webhook-headers", "null", "default");
}

/* The library's error for the same configuration, to compare with. */
static char *
library_error (const char * const *envp)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  if (fapilog_settings_apply_environment (settings, envp, &error))
    {
      pipeline = fapilog_pipeline_new (settings);
      g_assert_false (fapilog_pipeline_add_configured_sinks (pipeline, &error));
    }
  g_assert_nonnull (error);
  return g_strdup_printf ("fapilog-cat: %s\n", error->message);
}

/* A bad configuration: the library's message, exit status 2, nothing on
 * standard output. */
static void
test_print_config_bad (void)
{
  const char * const *cases[] = {
    ARGS ("FAPILOG_CORE__SINKS=stdout_json", "FAPILOG_CORE__MAX_QUEUE_SIZE=abc"),
    ARGS ("FAPILOG_CORE__SINKS=stdout_json", "FAPILOG_PRESET=adaptive"),
    ARGS ("FAPILOG_CORE__SINKS=stdout_json", "FAPILOG_FILE__FILENAME_PREFIX=logs/app"),
    ARGS ("FAPILOG_CORE__SINKS=stdout_json", "FAPILOG_HTTP__HEADERS={\"Authorization\":\"t0ken"),
    ARGS ("FAPILOG_CORE__SINKS=no_such_sink"),
    ARGS ("FAPILOG_CORE__SINKS=webhook"),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CatResult) result = run_cat (ARGS ("--print-config"), cases[i], NULL);
      g_autofree char *expected = library_error (cases[i]);

      assert_exit (result, 2);
      g_assert_cmpstr (result->out, ==, "");
      g_assert_cmpstr (result->err, ==, expected);
      g_assert_null (strstr (result->err, "t0ken"));
    }
}

/* A value the schema accepts but fapilog refuses is reported naming the
 * key. */
static void
test_print_config_bad_gsettings (void)
{
  g_autofree char *home = make_keyfile_home ("[org/fapilog]\n"
                                             "file-filename-prefix='logs/app'\n");
  g_auto(GStrv) env = keyfile_env (home, NULL);
  g_autoptr(CatResult) result = run_cat (ARGS ("--print-config"), (const char * const *) env, NULL);

  assert_exit (result, 2);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_cmpstr (result->err, ==,
                   "fapilog-cat: org.fapilog file-filename-prefix: invalid value \"logs/app\": "
                   "expected the start of a file name: not empty and without '/'\n");
  remove_keyfile_home (home);
}

/* In a run, a preset and GSettings override the tool's defaults (here its
 * DEBUG level gate); the environment overrides both. */
static void
test_run_sources (void)
{
  g_autofree char *home = make_keyfile_home ("[org/fapilog]\nlog-level='error'\n");
  g_auto(GStrv) gsettings_env = keyfile_env (home, NULL);
  g_auto(GStrv) both_env = keyfile_env (home, ARGS ("FAPILOG_CORE__LOG_LEVEL=warning"));
  g_autoptr(CatResult) preset = run_cat (ARGS ("--level", "debug"),
                                         ARGS ("FAPILOG_PRESET=production"), "gated\n");
  g_autoptr(CatResult) gsettings = run_cat (ARGS ("--level", "warning"),
                                            (const char * const *) gsettings_env, "gated\n");
  g_autoptr(CatResult) env = run_cat (ARGS ("--level", "warning"),
                                      (const char * const *) both_env, "passes\n");
  g_autoptr(GPtrArray) entries = NULL;

  assert_exit (preset, 0);
  g_assert_cmpstr (preset->out, ==, "");
  assert_exit (gsettings, 0);
  g_assert_cmpstr (gsettings->out, ==, "");
  assert_exit (env, 0);
  entries = parse_entries (env->out);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (entries, 0), "message"),
                   ==, "passes");
  remove_keyfile_home (home);
}

static void
test_bad_environment (void)
{
  g_autoptr(CatResult) result = run_cat (NO_ARGS,
                                         ARGS ("FAPILOG_CORE__MAX_QUEUE_SIZE=plenty"),
                                         "");
  g_autoptr(CatResult) sink = run_cat (NO_ARGS,
                                       ARGS ("FAPILOG_CORE__SINKS=no_such_sink"),
                                       "");

  assert_exit (result, 2);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_nonnull (strstr (result->err, "FAPILOG_CORE__MAX_QUEUE_SIZE"));
  g_assert_nonnull (strstr (result->err, "plenty"));

  assert_exit (sink, 2);
  g_assert_cmpstr (sink->out, ==, "");
  g_assert_nonnull (strstr (sink->err, "no_such_sink"));
}

static void
test_dropped (void)
{
  const guint n_lines = 5000;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(CatResult) result = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) stats = NULL;
  gint64 dropped, processed;

  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (input, "%u\n", i);

  /* A one-entry queue that the worker leaves full (it waits 10 s for a
   * batch of 1000), and the environment's drop_newest instead of the tool's
   * lossless default: nearly every line must be dropped. */
  result = run_cat (ARGS ("--stats"),
                    ARGS ("FAPILOG_CORE__OVERFLOW_POLICY=drop_newest",
                          "FAPILOG_CORE__MAX_QUEUE_SIZE=1",
                          "FAPILOG_CORE__PROTECTED_LEVELS=[]",
                          "FAPILOG_CORE__BATCH_MAX_SIZE=1000",
                          "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS=10",
                          "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED=false"),
                    input->str);
  assert_exit (result, 1);

  stats = find_stats (result->err);
  dropped = json_object_get_int_member (stats, "dropped");
  processed = json_object_get_int_member (stats, "processed");
  g_assert_cmpint (json_object_get_int_member (stats, "submitted"), ==, n_lines);
  g_assert_cmpint (dropped, >, 0);
  g_assert_cmpint (dropped + processed, ==, n_lines);

  /* What was not dropped was written, in order. */
  entries = parse_entries (result->out);
  g_assert_cmpint (entries->len, ==, processed);
  for (guint i = 1; i < entries->len; i++)
    g_assert_cmpint (g_ascii_strtoll (json_object_get_string_member (g_ptr_array_index (entries, i - 1),
                                                                     "message"), NULL, 10),
                     <,
                     g_ascii_strtoll (json_object_get_string_member (g_ptr_array_index (entries, i),
                                                                     "message"), NULL, 10));
}

static void
test_stdout_closed (void)
{
  const guint n_lines = 1000;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(CatResult) result = NULL;
  g_autoptr(JsonObject) stats = NULL;
  JsonObject *sink;

  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (input, "entry %u\n", i);

  /* The reader went away before the first write: every write meets EPIPE.
   * The tool must count the failures and say so with its exit status
   * instead of being killed by SIGPIPE. */
  result = run_cat_full (ARGS ("--stats"), NO_ENV, input->str, -1, TRUE);
  assert_exit (result, 1);

  stats = find_stats (result->err);
  g_assert_cmpint (json_object_get_int_member (stats, "submitted"), ==, n_lines);
  g_assert_cmpint (json_object_get_int_member (stats, "dropped"), ==, 0);
  sink = json_object_get_object_member (json_object_get_object_member (stats, "sinks"),
                                        "stdout_json");
  g_assert_nonnull (sink);
  g_assert_cmpint (json_object_get_int_member (sink, "failed"), >, 0);
  g_assert_cmpint (json_object_get_int_member (sink, "written"), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* Signals                                                                  */

static char *
read_line (GDataInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
test_signal (gconstpointer data)
{
  int signo = GPOINTER_TO_INT (data);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  const char *input = "one\ntwo\npartial";
  char *line;

  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                            ARGS ("FAPILOG_CORE__BATCH_TIMEOUT_SECONDS=1ms"));
  process = spawn_cat (launcher, NO_ARGS);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  /* One small write arrives in one piece, and standard input stays open:
   * once both complete lines are out, the tool has read the partial line
   * too and is waiting for more. */
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (process),
                                            input, strlen (input), NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) entry = NULL;

      line = read_line (out);
      g_assert_nonnull (line);
      entry = test_parse_object (line);
      g_ptr_array_add (messages, g_strdup (json_object_get_string_member (entry, "message")));
      g_free (line);
    }

  g_subprocess_send_signal (process, signo);

  /* It stops reading, logs the partial line it holds and drains. */
  while ((line = read_line (out)) != NULL)
    {
      g_autoptr(JsonObject) entry = test_parse_object (line);

      g_ptr_array_add (messages, g_strdup (json_object_get_string_member (entry, "message")));
      g_free (line);
    }
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 128 + signo);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (messages, 0), ==, "one");
  g_assert_cmpstr (g_ptr_array_index (messages, 1), ==, "two");
  g_assert_cmpstr (g_ptr_array_index (messages, 2), ==, "partial");

  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* HTTP and webhook sinks, configured through the environment               */

/* What the test's HTTP server received in one request. */
typedef struct {
  char               *method;
  char               *path;
  SoupMessageHeaders *headers;
  GBytes             *body;
} ReceivedRequest;

static void
received_request_free (ReceivedRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  soup_message_headers_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request);
}

/* A SoupServer on 127.0.0.1 that answers 200 to everything and keeps what
 * it was sent. It runs on the test's main context, which
 * run_cat_with_server() iterates while the tool runs. */
typedef struct {
  SoupServer *server;
  GPtrArray  *requests; /* ReceivedRequest */
  char       *base;     /* http://127.0.0.1:PORT */
} Collector;

static void
collector_handler (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Collector *collector = user_data;
  ReceivedRequest *request = g_new0 (ReceivedRequest, 1);

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (path);
  request->headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_ptr_array_add (collector->requests, request);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

static Collector *
collector_new (void)
{
  Collector *collector = g_new0 (Collector, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  collector->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) received_request_free);
  collector->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (collector->server, NULL, collector_handler, collector, NULL);
  soup_server_listen_local (collector->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (collector->server);
  g_assert_nonnull (uris);
  collector->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return collector;
}

static void
collector_free (Collector *collector)
{
  soup_server_disconnect (collector->server);
  g_object_unref (collector->server);
  g_ptr_array_unref (collector->requests);
  g_free (collector->base);
  g_free (collector);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

typedef struct {
  gboolean  done;
  GBytes   *out;
  GBytes   *err;
  GError   *error;
} Communication;

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communication *communication = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result,
                                   &communication->out, &communication->err,
                                   &communication->error);
  communication->done = TRUE;
}

/* A guard, not a synchronization: a tool that never exits fails the test
 * with a message instead of running into the harness's timeout. */
static gboolean
on_cat_too_slow (gpointer user_data)
{
  g_subprocess_force_exit (user_data);
  g_error ("fapilog-cat did not exit within 60 s");
  return G_SOURCE_REMOVE;
}

/* Like run_cat(), but the test's main context runs while the tool does,
 * so that a server made on it answers the tool's requests. The tool has
 * delivered everything (or reported it failed) when it exits. */
static CatResult *
run_cat_with_server (const char * const *args,
                     const char * const *extra_env,
                     const char         *input)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) in = g_bytes_new_static (input, strlen (input));
  Communication communication = { FALSE, NULL, NULL, NULL };
  CatResult *result = g_new0 (CatResult, 1);
  guint guard;

  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            extra_env);
  process = spawn_cat (launcher, args);
  g_subprocess_communicate_async (process, in, NULL, on_communicated, &communication);
  guard = g_timeout_add_seconds (60, on_cat_too_slow, process);
  while (!communication.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
  g_assert_no_error (communication.error);

  record_status (result, process);
  result->out = bytes_to_string (communication.out);
  result->err = bytes_to_string (communication.err);
  g_clear_pointer (&communication.out, g_bytes_unref);
  g_clear_pointer (&communication.err, g_bytes_unref);
  return result;
}

static ReceivedRequest *
received (Collector *collector,
          guint      i)
{
  return g_ptr_array_index (collector->requests, i);
}

/* The envelopes of an ndjson body: one per line, every line ending in a
 * newline. */
static GPtrArray *
ndjson_entries (GBytes *body)
{
  g_autofree char *text = bytes_to_string (body);

  g_assert_true (g_str_has_suffix (text, "\n"));
  return parse_entries (text);
}

/* The default selection picks http when FAPILOG_HTTP__ENDPOINT is set,
 * even with FAPILOG_FILE__DIRECTORY set too; ndjson bodies of at most
 * BATCH_SIZE entries, in order, with the configured header on each. */
static void
test_http_environment (void)
{
  g_autoptr(Collector) collector = collector_new ();
  g_autoptr(CatResult) result = NULL;
  g_autofree char *endpoint = g_strdup_printf ("FAPILOG_HTTP__ENDPOINT=%s/ingest/v1?team=a",
                                               collector->base);
  g_autofree char *directory = g_dir_make_tmp ("fapilog-cat-http-XXXXXX", NULL);
  g_autofree char *directory_var = g_strconcat ("FAPILOG_FILE__DIRECTORY=", directory, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *expected[] = { "first", "second \"quoted\"", "third", "fourth", "fifth" };
  const guint expected_sizes[] = { 2, 2, 1 };
  guint n = 0;

  g_assert_nonnull (directory);
  result = run_cat_with_server (ARGS ("--logger", "cat-http"),
                                ARGS ("FAPILOG_CORE__SINKS=",
                                      endpoint,
                                      directory_var,
                                      "FAPILOG_HTTP__BATCH_FORMAT=ndjson",
                                      "FAPILOG_HTTP__BATCH_SIZE=2",
                                      /* Requests close when full or at
                                       * the drain, never by time. */
                                      "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS=1h",
                                      "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\","
                                      "\"X-Team\":\"billing\"}"),
                                "first\nsecond \"quoted\"\nthird\nfourth\nfifth\n");
  assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_null (strstr (result->err, "t0ken"));

  g_assert_cmpuint (collector->requests->len, ==, G_N_ELEMENTS (expected_sizes));
  for (guint r = 0; r < collector->requests->len; r++)
    {
      ReceivedRequest *request = received (collector, r);
      g_autoptr(GPtrArray) entries = ndjson_entries (request->body);

      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->path, ==, "/ingest/v1");
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==,
                       "Bearer t0ken");
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Team"), ==, "billing");
      g_assert_cmpstr (soup_message_headers_get_content_type (request->headers, NULL), ==,
                       "application/x-ndjson");
      g_assert_null (soup_message_headers_get_one (request->headers, "Content-Encoding"));

      g_assert_cmpuint (entries->len, ==, expected_sizes[r]);
      for (guint i = 0; i < entries->len; i++, n++)
        {
          JsonObject *entry = g_ptr_array_index (entries, i);

          g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, expected[n]);
          g_assert_cmpstr (json_object_get_string_member (entry, "logger"), ==, "cat-http");
        }
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));

  /* http won: the file sink was not made. */
  dir = g_dir_open (directory, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

static GBytes *
gunzip (GBytes *compressed)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_bytes (compressed);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (raw, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, stream,
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* The other layout settings reach the sink: wrapped under another key,
 * gzip-compressed, listed in FAPILOG_CORE__SINKS next to stdout. */
static void
test_http_environment_wrapped_gzip (void)
{
  g_autoptr(Collector) collector = collector_new ();
  g_autoptr(CatResult) result = NULL;
  g_autofree char *endpoint = g_strdup_printf ("FAPILOG_HTTP__ENDPOINT=%s/bulk", collector->base);
  g_autoptr(GPtrArray) stdout_entries = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ReceivedRequest *request;
  JsonObject *root;
  JsonArray *records;

  result = run_cat_with_server (NO_ARGS,
                                ARGS ("FAPILOG_CORE__SINKS=stdout_json,http",
                                      endpoint,
                                      "FAPILOG_HTTP__BATCH_FORMAT=wrapped",
                                      "FAPILOG_HTTP__BATCH_WRAPPER_KEY=records",
                                      "FAPILOG_HTTP__COMPRESSION=gzip",
                                      "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS=1h"),
                                "one\ntwo\n");
  assert_exit (result, 0);
  stdout_entries = parse_entries (result->out);
  g_assert_cmpuint (stdout_entries->len, ==, 2);

  /* Batch size 100 and a batch timeout of an hour: both entries go in the
   * one request sent when the tool drains at the end of its input. */
  g_assert_cmpuint (collector->requests->len, ==, 1);
  request = received (collector, 0);
  g_assert_cmpstr (request->path, ==, "/bulk");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Content-Encoding"), ==, "gzip");
  g_assert_cmpstr (soup_message_headers_get_content_type (request->headers, NULL), ==,
                   "application/json");

  body = gunzip (request->body);
  text = bytes_to_string (body);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (root), ==, 1);
  records = json_object_get_array_member (root, "records");
  g_assert_nonnull (records);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 0),
                                                  "message"), ==, "one");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records, 1),
                                                  "message"), ==, "two");
}

static void
assert_header_not_secret (const char *name,
                          const char *value,
                          gpointer    user_data)
{
  if (strstr (value, user_data) != NULL)
    g_error ("header %s holds the secret", name);
}

static char *
expected_signature (const char *secret,
                    const char *timestamp,
                    GBytes     *body)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  gsize len;
  const guchar *data = g_bytes_get_data (body, &len);

  g_hmac_update (hmac, (const guchar *) timestamp, strlen (timestamp));
  g_hmac_update (hmac, (const guchar *) ".", 1);
  g_hmac_update (hmac, data, len);
  return g_strconcat ("sha256=", g_hmac_get_string (hmac), NULL);
}

/* webhook is chosen by FAPILOG_CORE__SINKS; with the default batch size
 * of 1 each entry is its own request, the bare object, signed with the
 * secret over the exact bytes sent (non-ASCII included). */
static void
test_webhook_environment (void)
{
  static const char secret[] = "wh-s3cr3t-Zq8";
  const char *expected[] = { "payment accepted", "grüße ✓ naïve" };
  g_autoptr(Collector) collector = collector_new ();
  g_autoptr(CatResult) result = NULL;
  g_autofree char *endpoint = g_strdup_printf ("FAPILOG_WEBHOOK__ENDPOINT=%s/hook", collector->base);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  result = run_cat_with_server (ARGS ("--level", "error"),
                                ARGS ("FAPILOG_CORE__SINKS=webhook",
                                      endpoint,
                                      "FAPILOG_WEBHOOK__SECRET=wh-s3cr3t-Zq8",
                                      "FAPILOG_WEBHOOK__HEADERS={\"X-Source\":\"fapilog-cat\"}"),
                                "payment accepted\ngrüße ✓ naïve\n");
  assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_null (strstr (result->err, secret));

  g_assert_cmpuint (collector->requests->len, ==, G_N_ELEMENTS (expected));
  for (guint r = 0; r < collector->requests->len; r++)
    {
      ReceivedRequest *request = received (collector, r);
      const char *timestamp = soup_message_headers_get_one (request->headers, "X-Fapilog-Timestamp");
      const char *signature = soup_message_headers_get_one (request->headers,
                                                            "X-Fapilog-Signature-256");
      g_autofree char *expected_sig = NULL;
      g_autofree char *text = bytes_to_string (request->body);
      g_autoptr(JsonObject) entry = NULL;
      g_autoptr(GError) error = NULL;
      gint64 ts;

      g_assert_cmpstr (request->method, ==, "POST");
      g_assert_cmpstr (request->path, ==, "/hook");
      g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Source"), ==,
                       "fapilog-cat");
      g_assert_cmpstr (soup_message_headers_get_content_type (request->headers, NULL), ==,
                       "application/json");

      /* Signed with GHmac here, independently of the library... */
      g_assert_nonnull (timestamp);
      g_assert_nonnull (signature);
      g_assert_true (g_ascii_string_to_signed (timestamp, 10, 0, G_MAXINT64, &ts, NULL));
      g_assert_cmpint (ts, >=, now - 5);
      g_assert_cmpint (ts, <=, g_get_real_time () / G_USEC_PER_SEC + 5);
      expected_sig = expected_signature (secret, timestamp, request->body);
      g_assert_cmpstr (signature, ==, expected_sig);

      /* ...and by the receivers' API. */
      g_assert_true (fapilog_webhook_verify_signature (secret, timestamp, signature, request->body,
                                                       FAPILOG_WEBHOOK_DEFAULT_TOLERANCE_SECONDS,
                                                       &error));
      g_assert_no_error (error);
      g_assert_false (fapilog_webhook_verify_signature ("another secret", timestamp, signature,
                                                        request->body,
                                                        FAPILOG_WEBHOOK_DEFAULT_TOLERANCE_SECONDS,
                                                        &error));
      g_assert_nonnull (error);
      g_clear_error (&error);

      /* Batch size 1: the body is the entry itself, not an array. */
      entry = test_parse_object (text);
      g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, expected[r]);
      g_assert_cmpstr (json_object_get_string_member (entry, "level"), ==, "ERROR");

      /* The secret itself never goes on the wire. */
      g_assert_null (strstr (text, secret));
      soup_message_headers_foreach (request->headers, assert_header_not_secret, (gpointer) secret);
    }
}

/* Bad sink settings stop the tool before it reads anything, with a message
 * naming the variable; header values and the secret are never shown. */
static void
test_http_bad_environment (void)
{
  g_autoptr(CatResult) headers = run_cat (NO_ARGS,
                                          ARGS ("FAPILOG_CORE__SINKS=http",
                                                "FAPILOG_HTTP__ENDPOINT=http://127.0.0.1:9/",
                                                "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\n\"}",
                                                "FAPILOG_WEBHOOK__SECRET=wh-s3cr3t-Zq8"),
                                          NULL);
  g_autoptr(CatResult) timeout = run_cat (NO_ARGS,
                                          ARGS ("FAPILOG_CORE__SINKS=webhook",
                                                "FAPILOG_WEBHOOK__ENDPOINT=http://127.0.0.1:9/",
                                                "FAPILOG_WEBHOOK__SECRET=wh-s3cr3t-Zq8",
                                                "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS=0"),
                                          NULL);
  g_autoptr(CatResult) no_endpoint = run_cat (NO_ARGS,
                                              ARGS ("FAPILOG_CORE__SINKS=http"),
                                              NULL);

  assert_exit (headers, 2);
  g_assert_cmpstr (headers->out, ==, "");
  g_assert_nonnull (strstr (headers->err, "FAPILOG_HTTP__HEADERS"));
  g_assert_nonnull (strstr (headers->err, "\"Authorization\""));
  g_assert_null (strstr (headers->err, "t0ken"));
  g_assert_null (strstr (headers->err, "wh-s3cr3t-Zq8"));

  assert_exit (timeout, 2);
  g_assert_nonnull (strstr (timeout->err, "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS"));
  g_assert_null (strstr (timeout->err, "wh-s3cr3t-Zq8"));

  assert_exit (no_endpoint, 2);
  g_assert_nonnull (strstr (no_endpoint->err, "FAPILOG_HTTP__ENDPOINT is not set"));
}

int
main (int    argc,
      char **argv)
{
  /* Should the tool die early, writing its standard input must fail the
   * test with an error rather than kill the test program. */
  signal (SIGPIPE, SIG_IGN);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fapilog-cat/plain/lines", test_plain_lines);
  g_test_add_func ("/fapilog-cat/plain/defaults", test_defaults);
  g_test_add_func ("/fapilog-cat/plain/level-names", test_level_names);
  g_test_add_func ("/fapilog-cat/plain/environment-level-gate", test_environment_level_gate);
  g_test_add_func ("/fapilog-cat/plain/long-line", test_long_line);
  g_test_add_func ("/fapilog-cat/plain/nul-byte", test_nul_byte);
  g_test_add_func ("/fapilog-cat/lossless/many-lines", test_many_lines);
  g_test_add_func ("/fapilog-cat/lossless/small-queue", test_many_lines_small_queue);
  g_test_add_func ("/fapilog-cat/json/types", test_json_types);
  g_test_add_func ("/fapilog-cat/json/invalid", test_json_invalid);
  g_test_add_func ("/fapilog-cat/stats", test_stats);
  g_test_add_func ("/fapilog-cat/errors/bad-level", test_bad_level);
  g_test_add_func ("/fapilog-cat/errors/bad-field", test_bad_field);
  g_test_add_func ("/fapilog-cat/errors/bad-command-line", test_bad_command_line);
  g_test_add_func ("/fapilog-cat/errors/bad-environment", test_bad_environment);
  g_test_add_func ("/fapilog-cat/version", test_version);
  g_test_add_func ("/fapilog-cat/print-config/defaults", test_print_config_defaults);
  g_test_add_func ("/fapilog-cat/print-config/sources", test_print_config_sources);
  g_test_add_func ("/fapilog-cat/print-config/secrets", test_print_config_secrets);
  g_test_add_func ("/fapilog-cat/print-config/bad", test_print_config_bad);
  g_test_add_func ("/fapilog-cat/print-config/bad-gsettings", test_print_config_bad_gsettings);
  g_test_add_func ("/fapilog-cat/sources/run", test_run_sources);
  g_test_add_func ("/fapilog-cat/exit/dropped", test_dropped);
  g_test_add_func ("/fapilog-cat/exit/stdout-closed", test_stdout_closed);
  g_test_add_data_func ("/fapilog-cat/signal/term", GINT_TO_POINTER (SIGTERM), test_signal);
  g_test_add_data_func ("/fapilog-cat/signal/int", GINT_TO_POINTER (SIGINT), test_signal);
  g_test_add_func ("/fapilog-cat/http/environment", test_http_environment);
  g_test_add_func ("/fapilog-cat/http/environment-wrapped-gzip", test_http_environment_wrapped_gzip);
  g_test_add_func ("/fapilog-cat/http/bad-environment", test_http_bad_environment);
  g_test_add_func ("/fapilog-cat/webhook/environment", test_webhook_environment);

  return g_test_run ();
}
