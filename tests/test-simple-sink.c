/* test-simple-sink.c: FapilogSimpleSink, on the worker and in a main context
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-test-utils.h"

#define SECOND G_USEC_PER_SEC

/* ---- a recording sink --------------------------------------------------------
 *
 * RecSink records what its methods receive and the threads they run on.
 * Subclasses choose the write method: EntrySink (write), SerializedSink
 * (write_serialized), BatchSink (write_batch), NoWriteSink (none).
 * Entries whose message is "fail" fail with an error, "false" return FALSE
 * without one.
 */

typedef struct {
  FapilogSimpleSink parent_instance;

  GMutex     lock;
  GPtrArray *messages;      /* char*: entries written, in order */
  GPtrArray *lines;         /* char*: JSON lines received, without '\n' */
  GPtrArray *threads;       /* GThread*: where each method ran */
  guint      start_calls;
  guint      stop_calls;
  guint      write_calls;
  guint      health_calls;
  gboolean   fail_start;
  gboolean   healthy;
} RecSink;

typedef struct {
  FapilogSimpleSinkClass parent_class;
} RecSinkClass;

static GType rec_sink_get_type (void);
G_DEFINE_TYPE (RecSink, rec_sink, FAPILOG_TYPE_SIMPLE_SINK)

#define REC_SINK(o) (G_TYPE_CHECK_INSTANCE_CAST ((o), rec_sink_get_type (), RecSink))
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RecSink, g_object_unref)

static void
rec_note_thread (RecSink *self)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->threads, g_thread_self ());
  g_mutex_unlock (&self->lock);
}

static gboolean
rec_check_message (const char  *message,
                   GError     **error)
{
  if (g_strcmp0 (message, "fail") == 0)
    {
      g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED, "refused %s", message);
      return FALSE;
    }
  return g_strcmp0 (message, "false") != 0;
}

static void
rec_record (RecSink    *self,
            const char *message,
            const char *line,
            gsize       line_len)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->messages, g_strdup (message));
  if (line != NULL)
    {
      g_assert_cmpuint (line_len, >, 0);
      g_assert_cmpint (line[line_len - 1], ==, '\n');
      g_ptr_array_add (self->lines, g_strndup (line, line_len - 1));
    }
  g_mutex_unlock (&self->lock);
}

static gboolean
rec_sink_start (FapilogSimpleSink  *sink,
                GError            **error)
{
  RecSink *self = REC_SINK (sink);

  rec_note_thread (self);
  self->start_calls++;
  if (self->fail_start)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "no access");
      return FALSE;
    }
  return TRUE;
}

static gboolean
rec_sink_stop (FapilogSimpleSink  *sink,
               GError            **error)
{
  RecSink *self = REC_SINK (sink);

  rec_note_thread (self);
  self->stop_calls++;
  return TRUE;
}

static gboolean
rec_sink_is_healthy (FapilogSimpleSink *sink)
{
  RecSink *self = REC_SINK (sink);
  gboolean healthy;

  rec_note_thread (self);
  g_mutex_lock (&self->lock);
  self->health_calls++;
  healthy = self->healthy;
  g_mutex_unlock (&self->lock);
  return healthy;
}

static void
rec_sink_finalize (GObject *object)
{
  RecSink *self = REC_SINK (object);

  g_ptr_array_unref (self->messages);
  g_ptr_array_unref (self->lines);
  g_ptr_array_unref (self->threads);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (rec_sink_parent_class)->finalize (object);
}

static void
rec_sink_class_init (RecSinkClass *klass)
{
  FapilogSimpleSinkClass *sink_class = FAPILOG_SIMPLE_SINK_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = rec_sink_finalize;
  sink_class->start = rec_sink_start;
  sink_class->stop = rec_sink_stop;
  sink_class->is_healthy = rec_sink_is_healthy;
}

static void
rec_sink_init (RecSink *self)
{
  g_mutex_init (&self->lock);
  self->messages = g_ptr_array_new_with_free_func (g_free);
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->threads = g_ptr_array_new ();
  self->healthy = TRUE;
}

/* write */
typedef RecSink EntrySink;
typedef RecSinkClass EntrySinkClass;
static GType entry_sink_get_type (void);
G_DEFINE_TYPE (EntrySink, entry_sink, rec_sink_get_type ())

static gboolean
entry_sink_write (FapilogSimpleSink  *sink,
                  FapilogEntry       *entry,
                  GError            **error)
{
  RecSink *self = REC_SINK (sink);
  const char *message = fapilog_entry_get_message (entry);

  rec_note_thread (self);
  self->write_calls++;
  if (!rec_check_message (message, error))
    return FALSE;
  rec_record (self, message, NULL, 0);
  return TRUE;
}

static void
entry_sink_class_init (EntrySinkClass *klass)
{
  FAPILOG_SIMPLE_SINK_CLASS (klass)->write = entry_sink_write;
}

static void
entry_sink_init (EntrySink *self)
{
}

/* write_serialized (and write, which must not be used then) */
typedef RecSink SerializedSink;
typedef RecSinkClass SerializedSinkClass;
static GType serialized_sink_get_type (void);
G_DEFINE_TYPE (SerializedSink, serialized_sink, rec_sink_get_type ())

static gboolean
serialized_sink_write_serialized (FapilogSimpleSink      *sink,
                                  FapilogSerializedView  *view,
                                  GError                **error)
{
  RecSink *self = REC_SINK (sink);
  const char *message = fapilog_entry_get_message (fapilog_serialized_view_get_entry (view));
  gsize len = 0;
  const guint8 *data = fapilog_serialized_view_get_data (view, &len);

  rec_note_thread (self);
  self->write_calls++;
  if (!rec_check_message (message, error))
    return FALSE;
  rec_record (self, message, (const char *) data, len);
  return TRUE;
}

static gboolean
serialized_sink_write (FapilogSimpleSink  *sink,
                       FapilogEntry       *entry,
                       GError            **error)
{
  g_assert_not_reached ();
  return FALSE;
}

static void
serialized_sink_class_init (SerializedSinkClass *klass)
{
  FAPILOG_SIMPLE_SINK_CLASS (klass)->write_serialized = serialized_sink_write_serialized;
  FAPILOG_SIMPLE_SINK_CLASS (klass)->write = serialized_sink_write;
}

static void
serialized_sink_init (SerializedSink *self)
{
}

/* write_batch: fails the whole batch when any entry says "fail" */
typedef RecSink BatchSink;
typedef RecSinkClass BatchSinkClass;
static GType batch_sink_get_type (void);
G_DEFINE_TYPE (BatchSink, batch_sink, rec_sink_get_type ())

static gboolean
batch_sink_write_batch (FapilogSimpleSink  *sink,
                        FapilogBatch       *batch,
                        GError            **error)
{
  RecSink *self = REC_SINK (sink);
  guint n = fapilog_batch_get_n_entries (batch);

  rec_note_thread (self);
  self->write_calls++;
  for (guint i = 0; i < n; i++)
    if (!rec_check_message (fapilog_entry_get_message (fapilog_batch_get_entry (batch, i)), error))
      return FALSE;
  for (guint i = 0; i < n; i++)
    {
      gsize len = 0;
      const guint8 *line = fapilog_batch_get_entry_data (batch, i, &len);

      rec_record (self, fapilog_entry_get_message (fapilog_batch_get_entry (batch, i)),
                  (const char *) line, len);
    }
  return TRUE;
}

static void
batch_sink_class_init (BatchSinkClass *klass)
{
  FAPILOG_SIMPLE_SINK_CLASS (klass)->write_batch = batch_sink_write_batch;
}

static void
batch_sink_init (BatchSink *self)
{
}

/* no write method at all */
typedef RecSink NoWriteSink;
typedef RecSinkClass NoWriteSinkClass;
static GType no_write_sink_get_type (void);
G_DEFINE_TYPE (NoWriteSink, no_write_sink, rec_sink_get_type ())

static void
no_write_sink_class_init (NoWriteSinkClass *klass)
{
}

static void
no_write_sink_init (NoWriteSink *self)
{
}

/* ---- helpers ------------------------------------------------------------- */

static RecSink *
rec_new (GType                      type,
         const char                *name,
         FapilogSimpleSinkDispatch  dispatch)
{
  return g_object_new (type, "name", name, "dispatch", dispatch, NULL);
}

static FapilogPipeline *
start_pipeline (FapilogSettings *settings,
                RecSink         *sink)
{
  FapilogPipeline *pipeline = fapilog_pipeline_new (settings);
  g_autoptr(GError) error = NULL;

  fapilog_pipeline_add_sink (pipeline, FAPILOG_SINK (sink));
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_assert_no_error (error);
  return pipeline;
}

static void
log_messages (FapilogLogger      *log,
              const char * const *messages)
{
  for (guint i = 0; messages[i] != NULL; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, messages[i], "i", "i", (int) i, NULL);
}

static void
assert_messages (RecSink            *sink,
                 const char * const *expected)
{
  g_mutex_lock (&sink->lock);
  g_assert_cmpuint (sink->messages->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (g_ptr_array_index (sink->messages, i), ==, expected[i]);
  g_mutex_unlock (&sink->lock);
}

/* Every method ran on @thread (NULL: on one thread that is not this one). */
static void
assert_threads (RecSink *sink,
                GThread *thread)
{
  g_mutex_lock (&sink->lock);
  g_assert_cmpuint (sink->threads->len, >, 0);
  if (thread == NULL)
    {
      thread = g_ptr_array_index (sink->threads, 0);
      g_assert_true (thread != g_thread_self ());
    }
  for (guint i = 0; i < sink->threads->len; i++)
    g_assert_true (g_ptr_array_index (sink->threads, i) == thread);
  g_mutex_unlock (&sink->lock);
}

/* ---- properties ------------------------------------------------------------ */

static void
test_properties (void)
{
  g_autoptr(RecSink) worker = rec_new (entry_sink_get_type (), "w",
                                       FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(RecSink) in_context = NULL;
  g_autoptr(RecSink) unnamed = g_object_new (entry_sink_get_type (), NULL);
  FapilogSimpleSinkDispatch dispatch;
  char *name = NULL;

  g_assert_cmpstr (fapilog_sink_get_name (FAPILOG_SINK (worker)), ==, "w");
  g_assert_cmpint (fapilog_simple_sink_get_dispatch (FAPILOG_SIMPLE_SINK (worker)), ==,
                   FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_assert_null (fapilog_simple_sink_get_main_context (FAPILOG_SIMPLE_SINK (worker)));
  /* Each entry's outcome is reported on its own. */
  g_assert_true (fapilog_sink_is_buffering (FAPILOG_SINK (worker)));

  g_assert_null (fapilog_sink_get_name (FAPILOG_SINK (unnamed)));
  g_assert_cmpint (fapilog_simple_sink_get_dispatch (FAPILOG_SIMPLE_SINK (unnamed)), ==,
                   FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);

  /* The context is the thread-default one where the sink is made. */
  g_main_context_push_thread_default (context);
  in_context = rec_new (entry_sink_get_type (), "c", FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  g_main_context_pop_thread_default (context);
  g_assert_true (fapilog_simple_sink_get_main_context (FAPILOG_SIMPLE_SINK (in_context)) == context);
  g_object_get (in_context, "name", &name, "dispatch", &dispatch, NULL);
  g_assert_cmpstr (name, ==, "c");
  g_assert_cmpint (dispatch, ==, FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  g_free (name);

  /* Without a thread-default context, the global default one. */
  g_clear_object (&in_context);
  in_context = rec_new (entry_sink_get_type (), "c", FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  g_assert_true (fapilog_simple_sink_get_main_context (FAPILOG_SIMPLE_SINK (in_context)) ==
                 g_main_context_default ());
}

/* ---- on the worker ------------------------------------------------------------ */

static const char * const plain[] = { "one", "two", "three", "four", "five", NULL };

static void
run_worker_plain (GType type)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = rec_new (type, "rec", FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_autoptr(FapilogPipeline) pipeline = start_pipeline (settings, sink);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (sink->start_calls, ==, 1);
  log_messages (log, plain);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  assert_messages (sink, plain);

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (sink->stop_calls, ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rec"), ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "rec"), ==, 0);
  /* start, the writes and stop: all on the worker. */
  assert_threads (sink, NULL);

  /* The byte methods got each entry's own JSON line. */
  for (guint i = 0; i < sink->lines->len; i++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (g_ptr_array_index (sink->lines, i));
      g_assert_cmpstr (json_object_get_string_member (obj, "message"), ==, plain[i]);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (obj, "data"), "i"),
                       ==, i);
    }
}

static void
test_worker_write (void)
{
  run_worker_plain (entry_sink_get_type ());
}

static void
test_worker_write_serialized (void)
{
  run_worker_plain (serialized_sink_get_type ());
}

static void
test_worker_write_batch (void)
{
  run_worker_plain (batch_sink_get_type ());
}

/* An entry that fails is counted and sent to the fallback on its own; the
 * entries around it are written. */
static void
test_worker_failures (void)
{
  static const char * const mixed[] = { "ok1", "fail", "ok2", "false", "ok3", NULL };
  static const char * const written[] = { "ok1", "ok2", "ok3", NULL };
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = rec_new (entry_sink_get_type (), "rec",
                                     FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;

  test_capture_begin (&capture);
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_messages (log, mixed);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  fallback = test_capture_end (&capture);

  assert_messages (sink, written);
  g_assert_cmpuint (sink->write_calls, ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rec"), ==, 3);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "rec"), ==, 2);
  g_assert_nonnull (strstr (fallback, "\"message\":\"fail\""));
  g_assert_nonnull (strstr (fallback, "\"message\":\"false\""));
  g_assert_null (strstr (fallback, "\"message\":\"ok"));
}

/* A batch method's failure fails the whole batch. */
static void
test_worker_batch_failure (void)
{
  static const char * const batch[] = { "a", "fail", "b", NULL };
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = rec_new (batch_sink_get_type (), "rec",
                                     FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;

  /* Logged before start, so they make one batch. */
  log_messages (log, batch);
  test_capture_begin (&capture);
  fapilog_pipeline_add_sink (pipeline, FAPILOG_SINK (sink));
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_assert_no_error (error);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (sink->write_calls, ==, 1);
  g_assert_cmpuint (sink->messages->len, ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rec"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "rec"), ==, 3);
  g_assert_nonnull (strstr (fallback, "\"message\":\"a\""));
  g_assert_nonnull (strstr (fallback, "\"message\":\"b\""));
}

static void
test_no_write_method (void)
{
  static const char * const two[] = { "x", "y", NULL };
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = rec_new (no_write_sink_get_type (), "none",
                                     FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;

  test_capture_begin (&capture);
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_messages (log, two);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, NULL));
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "none"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "none"), ==, 2);
  g_assert_nonnull (strstr (fallback, "\"message\":\"y\""));
}

static void
test_start_failure (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = rec_new (entry_sink_get_type (), "rec",
                                     FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);
  g_autoptr(GError) error = NULL;

  sink->fail_start = TRUE;
  fapilog_pipeline_add_sink (pipeline, FAPILOG_SINK (sink));
  g_assert_false (fapilog_pipeline_start (pipeline, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START);
  g_assert_nonnull (strstr (error->message, "no access"));
  g_assert_cmpuint (sink->start_calls, ==, 1);
  g_assert_cmpuint (sink->stop_calls, ==, 0);
}

static void
test_worker_health (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = rec_new (entry_sink_get_type (), "rec",
                                     FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);
  g_autoptr(FapilogPipeline) pipeline = start_pipeline (settings, sink);
  g_autoptr(FapilogStats) stats = NULL;

  g_assert_true (fapilog_pipeline_is_healthy (pipeline));
  g_mutex_lock (&sink->lock);
  sink->healthy = FALSE;
  g_mutex_unlock (&sink->lock);
  g_assert_false (fapilog_pipeline_is_healthy (pipeline));
  g_assert_cmpuint (sink->health_calls, ==, 2);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  assert_threads (sink, NULL);
}

/* ---- in a main context ------------------------------------------------------------ */

/* The thread that owns the sink's context never runs a main loop: start,
 * flush and shutdown, called there, run the sink's methods themselves. */
static void
test_context_blocking_calls (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(RecSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);
  sink = rec_new (serialized_sink_get_type (), "ctx", FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  pipeline = start_pipeline (settings, sink);
  g_assert_cmpuint (sink->start_calls, ==, 1);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_messages (log, plain);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  assert_messages (sink, plain);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_main_context_pop_thread_default (context);

  g_assert_cmpuint (sink->stop_calls, ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "ctx"), ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "ctx"), ==, 0);
  assert_threads (sink, g_thread_self ());
}

/* The last reference goes away without a shutdown: the shutdown made by
 * dispose, on the owner's thread, still stops the sink there. */
static void
test_context_unref_without_shutdown (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(RecSink) sink = NULL;
  FapilogPipeline *pipeline;
  FapilogLogger *log;

  g_main_context_push_thread_default (context);
  sink = rec_new (entry_sink_get_type (), "ctx", FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_messages (log, plain);
  g_object_unref (log);
  g_object_unref (pipeline);
  g_main_context_pop_thread_default (context);

  assert_messages (sink, plain);
  g_assert_cmpuint (sink->stop_calls, ==, 1);
  assert_threads (sink, g_thread_self ());
}

static void
on_flushed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GMainLoop *loop = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_pipeline_flush_finish (FAPILOG_PIPELINE (source), result, &error));
  g_assert_no_error (error);
  g_main_loop_quit (loop);
}

/* The normal way for a program with a main loop: the methods run from the
 * loop, and the flush completes there. */
static void
test_context_main_loop (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(RecSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  guint writes;

  g_main_context_push_thread_default (context);
  sink = rec_new (batch_sink_get_type (), "ctx", FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_messages (log, plain);
  fapilog_pipeline_flush_async (pipeline, 10 * SECOND, NULL, on_flushed, loop);
  g_main_loop_run (loop);
  assert_messages (sink, plain);
  writes = sink->write_calls;

  /* The health check runs in the context too; the pipeline sees the
   * previous result. */
  g_assert_true (fapilog_pipeline_is_healthy (pipeline));
  while (sink->health_calls < 1)
    g_main_context_iteration (context, TRUE);
  g_mutex_lock (&sink->lock);
  sink->healthy = FALSE;
  g_mutex_unlock (&sink->lock);
  g_assert_true (fapilog_pipeline_is_healthy (pipeline));
  while (sink->health_calls < 2)
    g_main_context_iteration (context, TRUE);
  g_assert_false (fapilog_pipeline_is_healthy (pipeline));

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_main_context_pop_thread_default (context);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "ctx"), ==, 5);
  g_assert_cmpuint (sink->write_calls, ==, writes);
  assert_threads (sink, g_thread_self ());
}

/* A context run by another thread's main loop: this thread's blocking
 * calls leave the sink's methods to that thread. */
typedef struct {
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         cond;
  gboolean      running;
  gboolean      release;
} LoopThread;

static gboolean
signal_running (gpointer user_data)
{
  LoopThread *lt = user_data;

  g_mutex_lock (&lt->lock);
  lt->running = TRUE;
  g_cond_broadcast (&lt->cond);
  g_mutex_unlock (&lt->lock);
  return G_SOURCE_REMOVE;
}

static gpointer
loop_thread_main (gpointer data)
{
  LoopThread *lt = data;

  GSource *idle = g_idle_source_new ();

  /* Runs once the loop owns the context, which it keeps until it quits. */
  g_source_set_callback (idle, signal_running, lt, NULL);
  g_source_attach (idle, lt->context);
  g_source_unref (idle);
  g_main_context_push_thread_default (lt->context);
  g_main_loop_run (lt->loop);
  g_main_context_pop_thread_default (lt->context);
  return NULL;
}

static void
test_context_other_thread (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  LoopThread lt = { 0 };
  GThread *thread;

  lt.context = g_main_context_new ();
  lt.loop = g_main_loop_new (lt.context, FALSE);
  g_mutex_init (&lt.lock);
  g_cond_init (&lt.cond);

  g_main_context_push_thread_default (lt.context);
  sink = rec_new (entry_sink_get_type (), "ctx", FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  g_main_context_pop_thread_default (lt.context);

  thread = g_thread_new ("loop", loop_thread_main, &lt);
  g_mutex_lock (&lt.lock);
  while (!lt.running)
    g_cond_wait (&lt.cond, &lt.lock);
  g_mutex_unlock (&lt.lock);

  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_messages (log, plain);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  assert_messages (sink, plain);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (sink->stop_calls, ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "ctx"), ==, 5);
  assert_threads (sink, thread);

  g_main_loop_quit (lt.loop);
  g_thread_join (thread);
  g_main_loop_unref (lt.loop);
  g_main_context_unref (lt.context);
  g_mutex_clear (&lt.lock);
  g_cond_clear (&lt.cond);
}

/* Nobody runs the context for a while (another thread holds it without
 * iterating): the writes time out and are counted as failed instead of
 * hanging the flush. When the context runs again, the abandoned writes are
 * skipped, not counted twice, and later writes go through. */
static gpointer
hold_context_main (gpointer data)
{
  LoopThread *lt = data;

  g_assert_true (g_main_context_acquire (lt->context));
  g_mutex_lock (&lt->lock);
  lt->running = TRUE;
  g_cond_broadcast (&lt->cond);
  while (!lt->release)
    g_cond_wait (&lt->cond, &lt->lock);
  g_mutex_unlock (&lt->lock);
  g_main_context_release (lt->context);
  return NULL;
}

static void
test_context_stalled (void)
{
  static const char * const stalled[] = { "s1", "s2", NULL };
  static const char * const later[] = { "later", NULL };
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(RecSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;
  LoopThread lt = { 0 };
  GThread *thread;

  lt.context = g_main_context_new ();
  g_mutex_init (&lt.lock);
  g_cond_init (&lt.cond);
  g_object_set (settings, "sink-write-timeout-seconds", 0.2, NULL);

  /* Pushing a context as thread-default also acquires it: pop it again,
   * so that the holder can take it. */
  g_main_context_push_thread_default (lt.context);
  sink = rec_new (entry_sink_get_type (), "ctx", FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT);
  g_main_context_pop_thread_default (lt.context);
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  thread = g_thread_new ("holder", hold_context_main, &lt);
  g_mutex_lock (&lt.lock);
  while (!lt.running)
    g_cond_wait (&lt.cond, &lt.lock);
  g_mutex_unlock (&lt.lock);

  test_capture_begin (&capture);
  log_messages (log, stalled);
  g_assert_true (fapilog_pipeline_flush (pipeline, 30 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "ctx"), ==, 2);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "ctx"), ==, 0);
  g_clear_pointer (&stats, fapilog_stats_unref);

  g_mutex_lock (&lt.lock);
  lt.release = TRUE;
  g_cond_broadcast (&lt.cond);
  g_mutex_unlock (&lt.lock);
  g_thread_join (thread);

  log_messages (log, later);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  fallback = test_capture_end (&capture);

  assert_messages (sink, later);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "ctx"), ==, 2);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "ctx"), ==, 1);
  g_assert_cmpuint (sink->stop_calls, ==, 1);
  g_assert_nonnull (strstr (fallback, "\"message\":\"s1\""));
  g_assert_nonnull (strstr (fallback, "\"message\":\"s2\""));

  g_main_context_unref (lt.context);
  g_mutex_clear (&lt.lock);
  g_cond_clear (&lt.cond);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/simple-sink/properties", test_properties);
  g_test_add_func ("/simple-sink/worker/write", test_worker_write);
  g_test_add_func ("/simple-sink/worker/write-serialized", test_worker_write_serialized);
  g_test_add_func ("/simple-sink/worker/write-batch", test_worker_write_batch);
  g_test_add_func ("/simple-sink/worker/failures", test_worker_failures);
  g_test_add_func ("/simple-sink/worker/batch-failure", test_worker_batch_failure);
  g_test_add_func ("/simple-sink/worker/no-write-method", test_no_write_method);
  g_test_add_func ("/simple-sink/worker/start-failure", test_start_failure);
  g_test_add_func ("/simple-sink/worker/health", test_worker_health);
  g_test_add_func ("/simple-sink/main-context/blocking-calls", test_context_blocking_calls);
  g_test_add_func ("/simple-sink/main-context/unref-without-shutdown",
                   test_context_unref_without_shutdown);
  g_test_add_func ("/simple-sink/main-context/main-loop", test_context_main_loop);
  g_test_add_func ("/simple-sink/main-context/other-thread", test_context_other_thread);
  g_test_add_func ("/simple-sink/main-context/stalled", test_context_stalled);

  return g_test_run ();
}
