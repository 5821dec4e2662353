/* fapilog-cat.c: log standard input, one entry per line, through fapilog
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <fapilog/fapilog.h>

/* Exit statuses. 128 + signal number after SIGINT or SIGTERM. */
enum {
  EXIT_OK = 0,
  EXIT_LOSS = 1,     /* something was dropped, unsent or failed */
  EXIT_USAGE = 2,    /* bad command line or configuration */
};

#define READ_CHUNK (64 * 1024)

/* json-glib parses recursively and overflows the stack on a line of a
 * few hundred thousand '['; log lines never nest anywhere near this. */
#define MAX_JSON_DEPTH 512

/* Signal handling.
 *
 * The pipeline's worker thread (and any thread GLib starts) can receive a
 * process-directed signal, so the handler must not rely on running on the
 * main thread: it records the signal and writes a byte to a pipe that the
 * main thread polls together with standard input. A second signal, when
 * the first one has not managed to end the program (for example because a
 * sink is stuck and the lossless queue is full), kills the program the
 * usual way. */
static volatile sig_atomic_t received_signal;
static int signal_pipe[2] = { -1, -1 };

static void
on_signal (int signo)
{
  int saved_errno = errno;

  if (received_signal != 0)
    {
      /* Still blocked after the first request: the user insists. The
       * signal is blocked during its handler, so it is delivered, with
       * the default action, as soon as we return. */
      signal (signo, SIG_DFL);
      raise (signo);
    }
  else
    {
      received_signal = signo;
      if (write (signal_pipe[1], "", 1) < 0)
        {
          /* Nothing to do: the flag is set, and the pipe can only be
           * full if a byte is already waiting to wake the reader. */
        }
    }
  errno = saved_errno;
}

static gboolean
install_signal_handlers (GError **error)
{
  struct sigaction action = { 0 };

  if (pipe2 (signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "cannot create a pipe: %s", g_strerror (saved_errno));
      return FALSE;
    }

  /* No SA_RESTART: nothing depends on it (the reader polls the pipe),
   * but an interrupted system call is the honest behaviour. */
  action.sa_handler = on_signal;
  sigemptyset (&action.sa_mask);
  sigaddset (&action.sa_mask, SIGINT);
  sigaddset (&action.sa_mask, SIGTERM);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);

  /* Output failures are reported by the exit status and the stats, not by
   * a silent death: a reader that goes away early (`fapilog-cat | head`)
   * must still leave us able to drain, count and say what was lost. */
  signal (SIGPIPE, SIG_IGN);
  return TRUE;
}

/* Command line */

static char *opt_level = NULL;
static char *opt_logger = NULL;
static gboolean opt_json = FALSE;
static char **opt_fields = NULL;
static gboolean opt_stats = FALSE;
static gboolean opt_print_config = FALSE;
static gboolean opt_version = FALSE;

static const GOptionEntry option_entries[] = {
  { "level", 'l', 0, G_OPTION_ARG_STRING, &opt_level,
    "Level of every entry (DEBUG, INFO, WARNING, ERROR, CRITICAL, AUDIT, SECURITY; default INFO)", "LEVEL" },
  { "logger", 'n', 0, G_OPTION_ARG_STRING, &opt_logger,
    "Logger name of every entry (default \"fapilog-cat\")", "NAME" },
  { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json,
    "Each line is a JSON object whose members become data fields", NULL },
  { "field", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &opt_fields,
    "Add a string field to every entry (repeatable)", "KEY=VALUE" },
  { "stats", 's', 0, G_OPTION_ARG_NONE, &opt_stats,
    "Print the final statistics as JSON on standard error", NULL },
  { "print-config", 0, 0, G_OPTION_ARG_NONE, &opt_print_config,
    "Print the effective settings and where each came from as JSON, and exit", NULL },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
    "Print the version and exit", NULL },
  { NULL }
};

static const char description[] =
  "Every line of standard input becomes one entry, delivered through the\n"
  "sinks the configuration selects (FAPILOG_CORE__SINKS, or the default:\n"
  "http if FAPILOG_HTTP__ENDPOINT is set, else rotating_file if\n"
  "FAPILOG_FILE__DIRECTORY is set, else stdout, pretty on a terminal and\n"
  "JSON lines otherwise). The configuration comes from the preset named by\n"
  "FAPILOG_PRESET, the GSettings schema org.fapilog when it is installed,\n"
  "and the FAPILOG_* environment, each overriding the one before.\n"
  "\n"
  "Lines may be of any length; a trailing \"\\n\" or \"\\r\\n\" is removed, a\n"
  "last line without a newline counts, and empty lines are skipped.\n"
  "\n"
  "With --json, each line must be a JSON object. Its members become data\n"
  "fields with their JSON types (null, numbers, booleans, strings, arrays,\n"
  "objects), except a string member \"message\", which becomes the message\n"
  "(without one, the message is empty). A line that is not a JSON object is\n"
  "logged as plain text with a \"fapilog_cat_error\" field, and reported on\n"
  "standard error. Members and --field values with the same key: the\n"
  "member wins.\n"
  "\n"
  "Unlike the library's defaults, fapilog-cat is lossless: it waits for\n"
  "room in a full queue as long as it takes (overflow policy \"block\",\n"
  "no backpressure timeout), and lets every level through (DEBUG). These\n"
  "are only defaults: a preset, GSettings or the environment overrides them\n"
  "(FAPILOG_CORE__OVERFLOW_POLICY, FAPILOG_CORE__BACKPRESSURE_WAIT_MS,\n"
  "FAPILOG_CORE__LOG_LEVEL).\n"
  "\n"
  "--print-config prints the settings this would run with as one JSON\n"
  "object, each as {\"value\": ..., \"source\": ...} with the source one of\n"
  "default, preset, gsettings, env or code; secrets are masked. A bad\n"
  "configuration is reported as in a run, with exit status 2.\n"
  "\n"
  "At end of input, everything queued is delivered before exiting. SIGINT\n"
  "or SIGTERM stops reading and delivers what was read; a second one\n"
  "ends the program at once.\n"
  "\n"
  "Exit status: 0 when every entry was delivered; 1 when an entry was\n"
  "dropped or left unsent, a sink failed, or standard input could not be\n"
  "read; 2 for a bad command line or configuration; 128 + the signal\n"
  "number after SIGINT or SIGTERM.\n";

/* Per-run state */

typedef struct {
  FapilogLogger *logger;
  FapilogLevel   level;
  gboolean       json;
  JsonParser    *parser;
  guint64        line_number;
  GString       *scratch;   /* a line with its NUL bytes replaced */
} Cat;

static void
usage_error (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static void
usage_error (const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("fapilog-cat: %s\n", message);
  g_printerr ("Try \"fapilog-cat --help\" for more information.\n");
}

/* GVariant strings must be valid UTF-8, command-line arguments and JSON
 * (a lone \uD800 escape) need not be. */
static GVariant *
new_string_variant (const char *str)
{
  if (g_utf8_validate (str, -1, NULL))
    return g_variant_new_string (str);
  return g_variant_new_take_string (g_utf8_make_valid (str, -1));
}

static char *
valid_key (const char *key)
{
  if (g_utf8_validate (key, -1, NULL))
    return g_strdup (key);
  return g_utf8_make_valid (key, -1);
}

/* Parses the --field options into an a{sv}, or returns NULL after a
 * diagnostic. A key given twice keeps its last value, in the position of
 * its first occurrence, like members of a JSON object. */
static GVariant *
parse_fields (char **fields)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  GVariantBuilder builder;

  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    {
      const char *equals = strchr (fields[i], '=');
      g_autofree char *key = NULL;
      guint j;

      if (equals == NULL || equals == fields[i])
        {
          usage_error ("--field expects KEY=VALUE with a non-empty KEY, not \"%s\"",
                       fields[i]);
          return NULL;
        }

      key = g_strndup (fields[i], equals - fields[i]);
      for (j = 0; j < keys->len; j++)
        if (strcmp (g_ptr_array_index (keys, j), key) == 0)
          break;
      if (j == keys->len)
        {
          g_ptr_array_add (keys, g_steal_pointer (&key));
          g_ptr_array_add (values, (gpointer) (equals + 1));
        }
      else
        g_ptr_array_index (values, j) = (gpointer) (equals + 1);
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autofree char *key = valid_key (g_ptr_array_index (keys, i));

      g_variant_builder_add (&builder, "{sv}", key,
                             new_string_variant (g_ptr_array_index (values, i)));
    }
  return g_variant_builder_end (&builder);
}

/* JSON to GVariant */

static GVariant *variant_from_json_node (JsonNode *node);

/* Members in document order; a duplicated member keeps its last value (as
 * json-glib does) but appears once. @skip names a member to leave out. */
static GVariant *
variant_from_json_object (JsonObject *object,
                          const char *skip)
{
  g_autoptr(GHashTable) seen = NULL;
  GVariantBuilder builder;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      g_autofree char *key = NULL;

      if (skip != NULL && strcmp (name, skip) == 0)
        continue;

      /* Only objects with more than one member can repeat a name; the
       * set is made lazily so the common small object costs nothing. */
      if (json_object_get_size (object) > 1)
        {
          if (seen == NULL)
            seen = g_hash_table_new (g_str_hash, g_str_equal);
          if (!g_hash_table_add (seen, (gpointer) name))
            continue;
        }

      key = valid_key (name);
      g_variant_builder_add (&builder, "{sv}", key,
                             variant_from_json_node (json_object_get_member (object, name)));
    }
  return g_variant_builder_end (&builder);
}

static GVariant *
variant_from_json_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return variant_from_json_object (json_node_get_object (node), NULL);

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        GVariantBuilder builder;

        /* Elements may have different types, hence av. */
        g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
        for (guint i = 0; i < n; i++)
          g_variant_builder_add (&builder, "v",
                                 variant_from_json_node (json_array_get_element (array, i)));
        return g_variant_builder_end (&builder);
      }

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          return g_variant_new_int64 (json_node_get_int (node));
        case G_TYPE_DOUBLE:
          return g_variant_new_double (json_node_get_double (node));
        case G_TYPE_BOOLEAN:
          return g_variant_new_boolean (json_node_get_boolean (node));
        case G_TYPE_STRING:
          return new_string_variant (json_node_get_string (node));
        default:
          break;
        }
      break;

    case JSON_NODE_NULL:
      break;

    default:
      break;
    }

  /* null, and anything json-glib might add later: a maybe-type Nothing,
   * which the envelope writes as null. */
  return g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL);
}

static const char *
json_node_kind (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return "a string";
        case G_TYPE_BOOLEAN:
          return "a boolean";
        default:
          return "a number";
        }
    default:
      return "not an object";
    }
}

/* Whether the arrays and objects of the JSON text in @text nest at most
 * MAX_JSON_DEPTH deep. Brackets inside strings do not count. Invalid JSON
 * passes; the parser rejects it. */
static gboolean
json_depth_ok (const char *text,
               gsize       len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* Logging one line */

static void
log_plain (Cat        *cat,
           const char *line,
           const char *parse_error)
{
  GVariant *fields = NULL;

  if (parse_error != NULL)
    {
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", "fapilog_cat_error",
                             new_string_variant (parse_error));
      fields = g_variant_builder_end (&builder);
    }
  fapilog_logger_log_variant (cat->logger, cat->level, line, fields);
}

static void
log_json (Cat        *cat,
          const char *line,
          gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  JsonNode *root;

  if (!json_depth_ok (line, len))
    reason = g_strdup_printf ("nested more than %d levels deep", MAX_JSON_DEPTH);
  else if (json_parser_load_from_data (cat->parser, line, len, &error))
    {
      root = json_parser_get_root (cat->parser);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *object = json_node_get_object (root);
          JsonNode *message = json_object_get_member (object, "message");
          const char *text = "";
          GVariant *fields;

          /* Only a string can be the message; any other "message" stays a
           * data field so that nothing in the line is lost. */
          if (message != NULL && JSON_NODE_HOLDS_VALUE (message) &&
              json_node_get_value_type (message) == G_TYPE_STRING)
            text = json_node_get_string (message);
          else
            message = NULL;

          fields = variant_from_json_object (object, message != NULL ? "message" : NULL);
          fapilog_logger_log_variant (cat->logger, cat->level, text, fields);
          return;
        }
      reason = root != NULL ? g_strdup_printf ("the line is %s", json_node_kind (root))
                            : g_strdup ("the line holds no JSON value");
    }
  else
    reason = g_strdup (error->message);

  g_printerr ("fapilog-cat: line %" G_GUINT64_FORMAT ": not a JSON object: %s\n",
              cat->line_number, reason);
  log_plain (cat, line, reason);
}

/* @line is NUL-terminated at @len (its newline was overwritten). */
static void
handle_line (Cat  *cat,
             char *line,
             gsize len)
{
  cat->line_number++;

  if (len > 0 && line[len - 1] == '\r')
    line[--len] = '\0';
  if (len == 0)
    return;

  /* A NUL byte would silently cut the message short; show it as U+FFFD,
   * as the envelope does for any byte that is not text. JSON cannot
   * contain a raw NUL, so the parser still rejects such a line. */
  if (memchr (line, '\0', len) != NULL)
    {
      g_string_truncate (cat->scratch, 0);
      for (gsize i = 0; i < len; i++)
        {
          if (line[i] == '\0')
            g_string_append (cat->scratch, "\xef\xbf\xbd");
          else
            g_string_append_c (cat->scratch, line[i]);
        }
      if (cat->json)
        {
          g_autofree char *reason = g_strdup ("the line contains a NUL byte");

          g_printerr ("fapilog-cat: line %" G_GUINT64_FORMAT ": not a JSON object: %s\n",
                      cat->line_number, reason);
          log_plain (cat, cat->scratch->str, reason);
        }
      else
        log_plain (cat, cat->scratch->str, NULL);
      return;
    }

  if (cat->json)
    log_json (cat, line, len);
  else
    log_plain (cat, line, NULL);
}

/* Reads standard input to its end (or to a signal), logging each line.
 * Returns FALSE if reading failed. */
static gboolean
read_input (Cat *cat)
{
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  gsize scanned = 0;     /* bytes of @pending known to hold no newline */
  gboolean ok = TRUE;
  struct pollfd fds[2] = {
    { .fd = STDIN_FILENO, .events = POLLIN },
    { .fd = signal_pipe[0], .events = POLLIN },
  };

  while (received_signal == 0)
    {
      guint old_len = pending->len;
      gsize start = 0;
      gssize n;
      guint8 *nl;

      if (poll (fds, G_N_ELEMENTS (fds), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          g_printerr ("fapilog-cat: cannot wait for standard input: %s\n",
                      g_strerror (errno));
          ok = FALSE;
          break;
        }
      if (fds[1].revents != 0)
        break;

      /* GByteArray lengths are guint: refuse a line of 4 GiB rather than
       * let the length wrap. */
      if (old_len > G_MAXUINT - READ_CHUNK - 1)
        {
          g_printerr ("fapilog-cat: line %" G_GUINT64_FORMAT ": longer than 4 GiB, giving up\n",
                      cat->line_number + 1);
          g_byte_array_set_size (pending, 0);
          ok = FALSE;
          break;
        }

      /* Read straight into the tail of the line buffer: no copy, and a
       * line of any length simply makes the buffer grow. */
      g_byte_array_set_size (pending, old_len + READ_CHUNK);
      n = read (STDIN_FILENO, pending->data + old_len, READ_CHUNK);
      if (n < 0)
        {
          int saved_errno = errno;

          g_byte_array_set_size (pending, old_len);
          if (saved_errno == EINTR || saved_errno == EAGAIN)
            continue;
          g_printerr ("fapilog-cat: cannot read standard input: %s\n",
                      g_strerror (saved_errno));
          ok = FALSE;
          break;
        }
      g_byte_array_set_size (pending, old_len + n);
      if (n == 0)
        break;

      while ((nl = memchr (pending->data + scanned, '\n', pending->len - scanned)) != NULL)
        {
          gsize end = nl - pending->data;

          *nl = '\0';
          handle_line (cat, (char *) pending->data + start, end - start);
          start = end + 1;
          scanned = start;
        }
      g_byte_array_remove_range (pending, 0, start);
      scanned = pending->len;
    }

  /* The last line, without its newline (at end of input), or the
   * incomplete line a signal interrupted: it was given to us, log it. */
  if (pending->len > 0)
    {
      gsize len = pending->len;

      g_byte_array_append (pending, (const guint8 *) "", 1);
      handle_line (cat, (char *) pending->data, len);
    }
  return ok;
}

/* The pipeline */

static FapilogSettings *
make_settings (GError **error)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();

  /* The tool's defaults: a preset, GSettings and the environment all
   * override them. */
  fapilog_settings_set_from_source (settings, FAPILOG_SETTING_SOURCE_DEFAULT,
                                    "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                                    "backpressure-wait-ms", -1,
                                    "log-level", FAPILOG_LEVEL_DEBUG,
                                    NULL);
  /* As fapilog_pipeline_new_from_environment() does; FAPILOG_PRESET is
   * read with the environment. */
  if (!fapilog_settings_apply_gsettings (settings, NULL, error) ||
      !fapilog_settings_apply_environment (settings, NULL, error))
    return NULL;
  return g_steal_pointer (&settings);
}

/* A pipeline with the configured sinks, not started. */
static FapilogPipeline *
make_pipeline (FapilogSettings  *settings,
               GError          **error)
{
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);

  if (!fapilog_pipeline_add_configured_sinks (pipeline, error))
    return NULL;
  return g_steal_pointer (&pipeline);
}

/* --print-config: checks the configuration as a run would, short of
 * starting the sinks, and prints it. */
static int
print_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSettings) settings = make_settings (&error);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autofree char *json = NULL;

  if (settings != NULL)
    pipeline = make_pipeline (settings, &error);
  if (pipeline == NULL)
    {
      g_printerr ("fapilog-cat: %s\n", error->message);
      return EXIT_USAGE;
    }
  json = fapilog_settings_to_json (settings);
  g_print ("%s\n", json);
  return EXIT_OK;
}

/* Whether the final counts show any loss. */
static gboolean
stats_show_loss (FapilogStats *stats)
{
  g_auto(GStrv) names = fapilog_stats_get_sink_names (stats);
  guint64 failed = 0;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    failed += fapilog_stats_get_sink_failed (stats, names[i]);

  return fapilog_stats_get_dropped (stats) > 0 ||
         fapilog_stats_get_unsent (stats) > 0 ||
         failed > 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) fields = NULL;
  g_autoptr(FapilogSettings) settings = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) root_logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  FapilogLevel level = FAPILOG_LEVEL_INFO;
  Cat cat = { 0 };
  gboolean read_ok;
  int status;

  context = g_option_context_new ("- log standard input, one entry per line");
  g_option_context_set_summary (context,
                                "Reads lines from standard input and logs each one as a structured\n"
                                "entry through fapilog.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, option_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      usage_error ("%s", error->message);
      return EXIT_USAGE;
    }

  if (opt_version)
    {
      g_print ("fapilog-cat %s\n", FAPILOG_VERSION_S);
      return EXIT_OK;
    }

  if (argc > 1)
    {
      usage_error ("unexpected argument \"%s\" (input is read from standard input only)",
                   argv[1]);
      return EXIT_USAGE;
    }

  if (opt_print_config)
    return print_config ();

  if (opt_level != NULL && !fapilog_level_from_string (opt_level, &level))
    {
      usage_error ("unknown level \"%s\" (expected DEBUG, INFO, WARNING, ERROR, "
                   "CRITICAL, AUDIT or SECURITY)", opt_level);
      return EXIT_USAGE;
    }

  fields = parse_fields (opt_fields);
  if (fields == NULL)
    return EXIT_USAGE;
  g_variant_ref_sink (fields);

  /* Before the pipeline exists, so that no write of the worker thread can
   * meet a closed pipe with SIGPIPE still at its default action. */
  if (!install_signal_handlers (&error))
    {
      g_printerr ("fapilog-cat: %s\n", error->message);
      return EXIT_LOSS;
    }

  settings = make_settings (&error);
  if (settings != NULL)
    pipeline = make_pipeline (settings, &error);
  if (pipeline != NULL && !fapilog_pipeline_start (pipeline, &error))
    g_clear_object (&pipeline);
  if (pipeline == NULL)
    {
      g_printerr ("fapilog-cat: %s\n", error->message);
      return EXIT_USAGE;
    }

  root_logger = fapilog_pipeline_get_logger (pipeline,
                                             opt_logger != NULL ? opt_logger : "fapilog-cat");
  /* The --field values are bound to the logger: copied once, and a JSON
   * member of the same name, logged with the call, overrides them. */
  cat.logger = g_variant_n_children (fields) > 0
               ? fapilog_logger_bind_variant (root_logger, fields)
               : g_object_ref (root_logger);
  cat.level = level;
  cat.json = opt_json;
  cat.parser = opt_json ? json_parser_new_immutable () : NULL;
  cat.scratch = g_string_new (NULL);

  read_ok = read_input (&cat);

  g_clear_object (&cat.logger);
  g_clear_object (&cat.parser);
  g_string_free (cat.scratch, TRUE);

  /* Lossless means waiting for the sinks as long as they take; a second
   * signal is the way out of a stuck sink. */
  stats = fapilog_pipeline_shutdown (pipeline, -1);

  if (opt_stats)
    {
      g_autofree char *json = fapilog_stats_to_json (stats);

      g_printerr ("%s\n", json);
    }

  if (received_signal != 0)
    status = 128 + received_signal;
  else if (!read_ok || stats_show_loss (stats))
    status = EXIT_LOSS;
  else
    status = EXIT_OK;

  g_clear_pointer (&opt_level, g_free);
  g_clear_pointer (&opt_logger, g_free);
  g_clear_pointer (&opt_fields, g_strfreev);
  return status;
}
