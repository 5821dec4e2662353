/* custom-sink.c: a sink of your own, in C
 *
 * MyFileSink appends each batch's JSON lines to a file with asynchronous
 * GIO, the way doc/writing-a-sink.md describes: every virtual method it
 * implements is an _async/_finish pair built on GTask, and all of them run
 * on the pipeline's worker thread, whose main context is the thread-default
 * one there.
 *
 *   start_async        opens the file for appending (g_file_append_to_async)
 *   write_batch_async  writes the batch's contiguous bytes in one operation
 *   stop_async         closes the file
 *   health_check       FALSE after a failed write, until one succeeds
 *
 * main() registers the sink under the name "my_file", selects it the way
 * FAPILOG_CORE__SINKS would, logs three entries and reads the file back;
 * then it points a second pipeline at /dev/full to show a failing write
 * being counted (and its entries written to stderr by the fallback). It
 * exits with status 1 if either outcome is not what it should be.
 *
 * Build: cc custom-sink.c $(pkg-config --cflags --libs fapilog-1)
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <fapilog/fapilog.h>
#include <glib/gstdio.h>

#define MY_TYPE_FILE_SINK (my_file_sink_get_type ())
G_DECLARE_FINAL_TYPE (MyFileSink, my_file_sink, MY, FILE_SINK, GObject)

struct _MyFileSink
{
  GObject        parent_instance;

  GFile         *file;
  GOutputStream *stream;        /* from start to stop; worker thread only */
  gboolean       last_write_ok;
};

enum { PROP_0, PROP_NAME };

static void my_file_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MyFileSink, my_file_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      my_file_sink_iface_init))

/* start_finish, write_batch_finish and stop_finish are all this: each
 * operation ends with a boolean GTask whose source object is the sink. */
static gboolean
my_file_sink_finish (FapilogSink   *sink,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- start: open the file ------------------------------------------------ */

static void
file_opened (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MyFileSink *self = g_task_get_source_object (task);
  GError *error = NULL;
  GFileOutputStream *stream = g_file_append_to_finish (G_FILE (source), result, &error);

  if (stream == NULL)
    {
      /* fapilog_pipeline_start() fails with this error, naming the sink. */
      g_task_return_error (task, error);
      return;
    }
  self->stream = G_OUTPUT_STREAM (stream);
  g_task_return_boolean (task, TRUE);
}

static void
my_file_sink_start_async (FapilogSink         *sink,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  MyFileSink *self = MY_FILE_SINK (sink);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, my_file_sink_start_async);
  g_file_append_to_async (self->file, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT,
                          cancellable, file_opened, task);
}

/* -- write_batch: one write for the whole batch -------------------------- */

static void
batch_written (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MyFileSink *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->last_write_ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result,
                                                          NULL, &error);
  if (self->last_write_ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);   /* counted as failed; entries go to stderr */
}

static void
my_file_sink_write_batch_async (FapilogSink         *sink,
                                FapilogBatch        *batch,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  MyFileSink *self = MY_FILE_SINK (sink);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  gsize len;
  const guint8 *data = fapilog_batch_get_data (batch, &len);

  g_task_set_source_tag (task, my_file_sink_write_batch_async);
  /* The bytes belong to the batch: it must outlive the write. */
  g_task_set_task_data (task, fapilog_batch_ref (batch), (GDestroyNotify) fapilog_batch_unref);
  g_output_stream_write_all_async (self->stream, data, len, G_PRIORITY_DEFAULT,
                                   cancellable, batch_written, task);
}

/* -- stop: close the file ------------------------------------------------ */

static void
file_closed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
my_file_sink_stop_async (FapilogSink         *sink,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  MyFileSink *self = MY_FILE_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GOutputStream) stream = g_steal_pointer (&self->stream);

  g_task_set_source_tag (task, my_file_sink_stop_async);
  if (stream == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_output_stream_close_async (stream, G_PRIORITY_DEFAULT, cancellable, file_closed,
                                 g_steal_pointer (&task));
}

/* -- health_check: synchronous, a look at the state ---------------------- */

static gboolean
my_file_sink_health_check (FapilogSink *sink)
{
  return MY_FILE_SINK (sink)->last_write_ok;
}

static void
my_file_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->start_async = my_file_sink_start_async;
  iface->start_finish = my_file_sink_finish;
  iface->write_batch_async = my_file_sink_write_batch_async;
  iface->write_batch_finish = my_file_sink_finish;
  iface->stop_async = my_file_sink_stop_async;
  iface->stop_finish = my_file_sink_finish;
  iface->health_check = my_file_sink_health_check;
}

/* -- the GObject side ------------------------------------------------------ */

static void
my_file_sink_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_NAME:
      /* The name keys the sink's counters in FapilogStats. */
      g_value_set_static_string (value, "my_file");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
my_file_sink_finalize (GObject *object)
{
  MyFileSink *self = MY_FILE_SINK (object);

  g_clear_object (&self->stream);
  g_clear_object (&self->file);
  G_OBJECT_CLASS (my_file_sink_parent_class)->finalize (object);
}

static void
my_file_sink_class_init (MyFileSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = my_file_sink_get_property;
  object_class->finalize = my_file_sink_finalize;
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
my_file_sink_init (MyFileSink *self)
{
  self->last_write_ok = TRUE;
}

static FapilogSink *
my_file_sink_new (const char *path)
{
  MyFileSink *self = g_object_new (MY_TYPE_FILE_SINK, NULL);

  self->file = g_file_new_for_path (path);
  return FAPILOG_SINK (self);
}

/* The factory behind the name "my_file"; @user_data is the path. */
static FapilogSink *
create_my_file (FapilogSettings  *settings,
                gpointer          user_data,
                GError          **error)
{
  return my_file_sink_new (user_data);
}

/* ------------------------------------------------------------------------ */

/* Logs @n_orders entries through a pipeline with the sinks @sinks names,
 * shuts it down and returns its final counters. */
static FapilogStats *
log_orders (const char * const *sinks,
            guint               n_orders)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;

  g_object_set (settings, "sinks", sinks, NULL);
  pipeline = fapilog_pipeline_new (settings);
  if (!fapilog_pipeline_add_configured_sinks (pipeline, &error) ||
      !fapilog_pipeline_start (pipeline, &error))
    g_error ("%s", error->message);

  log = fapilog_pipeline_get_logger (pipeline, "shop");
  for (guint i = 0; i < n_orders; i++)
    fapilog_info (log, "order placed", "order", "u", 1000 + i, "amount", "d", 9.5, NULL);
  return fapilog_pipeline_shutdown (pipeline, 5 * G_USEC_PER_SEC);
}

int
main (void)
{
  const char * const sinks[] = { "my_file", NULL };
  const guint n_orders = 3;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("custom-sink-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;

  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "orders.jsonl", NULL);

  /* Registered, the sink is selected by name like a built-in one. */
  fapilog_sink_registry_register ("my_file", create_my_file, g_strdup (path), g_free);
  stats = log_orders (sinks, n_orders);
  g_print ("%s: written %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT "\n", path,
           fapilog_stats_get_sink_written (stats, "my_file"),
           fapilog_stats_get_sink_failed (stats, "my_file"));

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s", error->message);
  lines = g_strsplit (contents, "\n", -1);
  /* n_orders lines, each ending in '\n', so the last piece is empty. */
  if (fapilog_stats_get_sink_written (stats, "my_file") != n_orders ||
      g_strv_length (lines) != n_orders + 1 || lines[n_orders][0] != '\0')
    status = 1;
  for (guint i = 0; status == 0 && i < n_orders; i++)
    {
      g_autofree char *order = g_strdup_printf ("\"order\":%u", 1000 + i);

      if (strstr (lines[i], "\"message\":\"order placed\"") == NULL ||
          strstr (lines[i], order) == NULL)
        status = 1;
    }
  if (status != 0)
    g_printerr ("%s does not hold the %u orders logged\n", path, n_orders);
  g_unlink (path);
  g_rmdir (dir);

  /* A full disk: the write fails with ENOSPC; the pipeline counts the
   * entries as failed, writes them to stderr and goes on. */
  if (status == 0 && g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_autoptr(FapilogStats) failed = NULL;

      fapilog_sink_registry_register ("my_file", create_my_file, g_strdup ("/dev/full"), g_free);
      failed = log_orders (sinks, n_orders);
      g_print ("/dev/full: written %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT "\n",
               fapilog_stats_get_sink_written (failed, "my_file"),
               fapilog_stats_get_sink_failed (failed, "my_file"));
      if (fapilog_stats_get_sink_written (failed, "my_file") != 0 ||
          fapilog_stats_get_sink_failed (failed, "my_file") != n_orders)
        {
          g_printerr ("writes to /dev/full were not counted as failed\n");
          status = 1;
        }
    }
  return status;
}
