/* test-fapilog-cat.c: the fapilog-cat tool, end to end
 *
 * Runs the real binary (its path is in $FAPILOG_CAT) with a controlled
 * environment, feeds it standard input and checks what it writes: one JSON
 * envelope per line on standard output (FAPILOG_CORE__SINKS=stdout_json),
 * diagnostics and statistics on standard error, and the exit status.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

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

  g_strv_builder_add (env, "FAPILOG_CORE__SINKS=stdout_json");
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
 * @input (-1: a string), and collects everything it writes. With
 * @close_stdout the tool's standard output is a pipe whose reading end is
 * already closed when it starts, so every write to it fails with EPIPE. */
static CatResult *
run_cat_full (const char * const *args,
              const char * const *extra_env,
              const char         *input,
              gssize              input_len,
              gboolean            close_stdout)
{
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) in = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  CatResult *result = g_new0 (CatResult, 1);

  if (!close_stdout)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;
  launcher = make_launcher (flags, extra_env);
  if (close_stdout)
    {
      int fds[2];

      g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
      g_assert_no_error (error);
      g_assert_cmpint (close (fds[0]), ==, 0);
      g_subprocess_launcher_take_stdout_fd (launcher, fds[1]);
    }

  process = spawn_cat (launcher, args);
  if (input_len < 0)
    input_len = strlen (input);
  in = g_bytes_new_static (input, input_len);
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
  g_test_add_func ("/fapilog-cat/exit/dropped", test_dropped);
  g_test_add_func ("/fapilog-cat/exit/stdout-closed", test_stdout_closed);
  g_test_add_data_func ("/fapilog-cat/signal/term", GINT_TO_POINTER (SIGTERM), test_signal);
  g_test_add_data_func ("/fapilog-cat/signal/int", GINT_TO_POINTER (SIGINT), test_signal);

  return g_test_run ();
}
