/* mmap-sink.c: a custom sink that appends JSON lines to a memory-mapped file
 *
 * MyMmapSink is a complete sink built on FapilogMmapPersistence: start
 * opens the file (resuming after whatever an earlier run left in it),
 * write appends each entry as one JSON line, stop closes the file, and the
 * health check asks the persistence. The library's own `mmap_file` sink
 * does the same with one append per batch.
 *
 * main() logs a few entries through it, shuts the pipeline down, reads the
 * file back and exits with status 1 unless the file ends with exactly
 * those entries.
 *
 * Build: cc mmap-sink.c $(pkg-config --cflags --libs fapilog-1)
 * Run:   ./a.out [FILE]      (default: a file in a new temporary directory)
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <fapilog/fapilog.h>
#include <glib/gstdio.h>

#define MY_TYPE_MMAP_SINK (my_mmap_sink_get_type ())
G_DECLARE_FINAL_TYPE (MyMmapSink, my_mmap_sink, MY, MMAP_SINK, GObject)

struct _MyMmapSink
{
  GObject                 parent_instance;
  FapilogMmapPersistence *store;
};

enum { PROP_0, PROP_NAME };

static void my_mmap_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MyMmapSink, my_mmap_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      my_mmap_sink_iface_init))

/* Start, write and stop all finish the same way: a GTask boolean. */
static gboolean
my_mmap_sink_finish (FapilogSink   *sink,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* start: open (or create) the file; the persistence works in a thread. */
static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (fapilog_mmap_persistence_open_finish (FAPILOG_MMAP_PERSISTENCE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
my_mmap_sink_start_async (FapilogSink         *sink,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  MyMmapSink *self = MY_MMAP_SINK (sink);

  fapilog_mmap_persistence_open_async (self->store, cancellable, on_opened,
                                       g_task_new (self, cancellable, callback, user_data));
}

/* write: one entry, serialized, appended as one line. */
static void
on_appended (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (fapilog_mmap_persistence_append_line_finish (FAPILOG_MMAP_PERSISTENCE (source), result,
                                                   NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);   /* counted as failed, sent to stderr */
}

static void
my_mmap_sink_write_async (FapilogSink         *sink,
                          FapilogEntry        *entry,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  MyMmapSink *self = MY_MMAP_SINK (sink);
  char *json = fapilog_entry_to_json (entry);
  g_autoptr(GBytes) line = g_bytes_new_take (json, strlen (json));

  /* append_line adds the '\n' in the same append: lines never interleave. */
  fapilog_mmap_persistence_append_line_async (self->store, line, cancellable, on_appended,
                                              g_task_new (self, cancellable, callback, user_data));
}

/* stop: sync and close; the file is cut to its data, a plain JSON-lines file. */
static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (fapilog_mmap_persistence_close_finish (FAPILOG_MMAP_PERSISTENCE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
my_mmap_sink_stop_async (FapilogSink         *sink,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  MyMmapSink *self = MY_MMAP_SINK (sink);

  fapilog_mmap_persistence_close_async (self->store, cancellable, on_closed,
                                        g_task_new (self, cancellable, callback, user_data));
}

static gboolean
my_mmap_sink_health_check (FapilogSink *sink)
{
  return fapilog_mmap_persistence_health_check (MY_MMAP_SINK (sink)->store);
}

static void
my_mmap_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->start_async = my_mmap_sink_start_async;
  iface->start_finish = my_mmap_sink_finish;
  iface->write_async = my_mmap_sink_write_async;
  iface->write_finish = my_mmap_sink_finish;
  iface->stop_async = my_mmap_sink_stop_async;
  iface->stop_finish = my_mmap_sink_finish;
  iface->health_check = my_mmap_sink_health_check;
}

static void
my_mmap_sink_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  if (prop_id == PROP_NAME)
    g_value_set_static_string (value, "my_mmap");
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
my_mmap_sink_finalize (GObject *object)
{
  g_clear_object (&MY_MMAP_SINK (object)->store);
  G_OBJECT_CLASS (my_mmap_sink_parent_class)->finalize (object);
}

static void
my_mmap_sink_class_init (MyMmapSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = my_mmap_sink_get_property;
  object_class->finalize = my_mmap_sink_finalize;
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
my_mmap_sink_init (MyMmapSink *self)
{
}

static FapilogSink *
my_mmap_sink_new (const char *path)
{
  MyMmapSink *self = g_object_new (MY_TYPE_MMAP_SINK, NULL);

  self->store = fapilog_mmap_persistence_new (path);
  return FAPILOG_SINK (self);
}

/* ------------------------------------------------------------------------ */

static const struct {
  FapilogLevel level;
  const char  *message;
  const char  *order_id;
  double       amount;
} orders[] = {
  { FAPILOG_LEVEL_INFO, "order placed", "o-1001", 19.5 },
  { FAPILOG_LEVEL_INFO, "order placed", "o-1002", 5.25 },
  { FAPILOG_LEVEL_WARNING, "payment retried", "o-1002", 5.25 },
};

/* Whether @line is the JSON envelope of orders[i]. */
static gboolean
line_matches (const char *line,
              guint       i)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *entry, *data;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  entry = json_node_get_object (json_parser_get_root (parser));
  data = json_object_get_object_member (entry, "data");
  return g_strcmp0 (json_object_get_string_member (entry, "message"), orders[i].message) == 0 &&
         g_strcmp0 (json_object_get_string_member (entry, "level"),
                    fapilog_level_to_string (orders[i].level)) == 0 &&
         data != NULL &&
         g_strcmp0 (json_object_get_string_member (data, "order_id"), orders[i].order_id) == 0 &&
         json_object_get_double_member (data, "amount") == orders[i].amount;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (NULL);
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  guint n_lines, first;
  int status = 0;

  if (argc > 1)
    path = g_strdup (argv[1]);
  else if ((tmp_dir = g_dir_make_tmp ("mmap-sink-XXXXXX", &error)) != NULL)
    path = g_build_filename (tmp_dir, "events.jsonl", NULL);
  else
    g_error ("%s", error->message);

  sink = my_mmap_sink_new (path);
  fapilog_pipeline_add_sink (pipeline, sink);
  if (!fapilog_pipeline_start (pipeline, &error))
    g_error ("%s", error->message);

  log = fapilog_pipeline_get_logger (pipeline, "shop");
  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    fapilog_logger_log (log, orders[i].level, orders[i].message,
                        "order_id", "s", orders[i].order_id,
                        "amount", "d", orders[i].amount,
                        NULL);

  stats = fapilog_pipeline_shutdown (pipeline, 5 * G_USEC_PER_SEC);
  g_print ("%s: written %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT "\n", path,
           fapilog_stats_get_sink_written (stats, "my_mmap"),
           fapilog_stats_get_sink_failed (stats, "my_mmap"));

  /* The file is closed now: plain JSON lines, the new ones at the end (an
   * existing file is appended to). */
  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  /* Every line ends in '\n', so the last piece is empty. */
  if (n_lines == 0 || lines[--n_lines][0] != '\0' || n_lines < G_N_ELEMENTS (orders) ||
      (tmp_dir != NULL && n_lines != G_N_ELEMENTS (orders)))
    status = 1;
  first = n_lines - G_N_ELEMENTS (orders);
  for (guint i = 0; status == 0 && i < G_N_ELEMENTS (orders); i++)
    if (!line_matches (lines[first + i], i))
      status = 1;
  if (status != 0)
    g_printerr ("%s does not end with the %u entries logged\n", path,
                (guint) G_N_ELEMENTS (orders));

  if (tmp_dir != NULL)
    {
      g_unlink (path);
      g_rmdir (tmp_dir);
    }
  return status;
}
