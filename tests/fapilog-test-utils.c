/* fapilog-test-utils.c: helpers shared by the test programs
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "fapilog-test-utils.h"
#include "fapilog-fallback-private.h"
#include "fapilog-sink-private.h"

typedef struct {
  GObject          parent_instance;
  char            *name;
  GMutex           lock;
  GCond            cond;
  GPtrArray       *lines;
  gboolean         fail;
  guint            fail_after;     /* a failing batch still takes this many */
  gboolean         fail_start;
  guint            delay_ms;
  gboolean         hang;
  gboolean         started;
  gboolean         stopped;
  guint            calls_entry;
  guint            calls_serialized;
  guint            calls_batch;
  guint            max_batch;      /* the most entries one write_batch got */
  gboolean         batch_data_bad; /* a batch's data and its lines disagreed */
  GPtrArray       *hung_tasks;    /* kept so a hanging write never completes */
  GFunc            hook;
  gpointer         hook_data;
} TestSink;

typedef struct {
  GObjectClass parent_class;
} TestSinkClass;

enum { PROP_0, PROP_NAME };

static GMutex stop_order_lock;
static GPtrArray *stop_order;

static GType test_sink_get_type_for (TestSinkMethods methods);

#define TEST_SINK(o) ((TestSink *) (o))

static void
test_sink_finalize (GObject *object)
{
  TestSink *self = TEST_SINK (object);

  g_free (self->name);
  g_ptr_array_unref (self->lines);
  g_ptr_array_unref (self->hung_tasks);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (g_type_class_peek_parent (G_OBJECT_GET_CLASS (object)))->finalize (object);
}

static void
test_sink_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  if (prop_id == PROP_NAME)
    g_value_set_string (value, TEST_SINK (object)->name);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
test_sink_class_init (gpointer klass,
                      gpointer class_data)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = test_sink_finalize;
  object_class->get_property = test_sink_get_property;
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
test_sink_instance_init (GTypeInstance *instance,
                         gpointer       klass)
{
  TestSink *self = TEST_SINK (instance);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->hung_tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
record_line (TestSink   *self,
             const char *data,
             gsize       len)
{
  /* Lines arrive with their '\n' on the byte paths; store them without. */
  if (len > 0 && data[len - 1] == '\n')
    len--;
  g_ptr_array_add (self->lines, g_strndup (data, len));
}

typedef struct {
  GTask *task;
} Delayed;

static gboolean
complete_later (gpointer user_data)
{
  GTask *task = user_data;
  TestSink *self = g_task_get_source_object (task);

  if (self->fail)
    g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                             "test sink %s told to fail", self->name);
  else
    g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

/* Completes @task according to the sink's current behaviour. The lock is
 * held by the caller, which recorded the data already (when not failing). */
static void
finish_write (TestSink *self,
              GTask    *task)
{
  if (self->hang)
    {
      g_ptr_array_add (self->hung_tasks, g_object_ref (task));
      return;
    }
  if (self->delay_ms > 0)
    {
      GSource *source = g_timeout_source_new (self->delay_ms);
      g_source_set_callback (source, complete_later, g_object_ref (task), g_object_unref);
      g_source_attach (source, g_main_context_get_thread_default ());
      g_source_unref (source);
      return;
    }
  complete_later (task);
}

static void
test_sink_write_async (FapilogSink         *sink,
                       FapilogEntry        *entry,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TestSink *self = TEST_SINK (sink);
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);
  g_autofree char *json = fapilog_entry_to_json (entry);

  g_mutex_lock (&self->lock);
  self->calls_entry++;
  if (!self->fail)
    record_line (self, json, strlen (json));
  finish_write (self, task);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
test_sink_write_serialized_async (FapilogSink           *sink,
                                  FapilogSerializedView *view,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  TestSink *self = TEST_SINK (sink);
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);
  gsize len;
  const guint8 *data = fapilog_serialized_view_get_data (view, &len);

  g_mutex_lock (&self->lock);
  self->calls_serialized++;
  if (!self->fail)
    record_line (self, (const char *) data, len);
  finish_write (self, task);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
test_sink_write_batch_async (FapilogSink         *sink,
                             FapilogBatch        *batch,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TestSink *self = TEST_SINK (sink);
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);
  guint n = fapilog_batch_get_n_entries (batch);

  if (self->hook != NULL)
    self->hook (sink, self->hook_data);

  g_mutex_lock (&self->lock);
  self->calls_batch++;
  self->max_batch = MAX (self->max_batch, n);
  {
    /* Each entry's line must sit in the batch's data, one after the
     * other, with nothing between or after them. */
    gsize total, at = 0;
    const guint8 *data = fapilog_batch_get_data (batch, &total);

    for (guint i = 0; i < n; i++)
      {
        gsize len;
        const guint8 *line = fapilog_batch_get_entry_data (batch, i, &len);

        if (line != data + at || len == 0 || line[len - 1] != '\n')
          self->batch_data_bad = TRUE;
        at += len;
      }
    if (at != total)
      self->batch_data_bad = TRUE;
  }
  {
    /* A failing write may still have taken the first entries, as a file
     * sink that runs out of space halfway does; it says how many. */
    guint n_taken = self->fail ? MIN (self->fail_after, n) : n;

    for (guint i = 0; i < n_taken; i++)
      {
        gsize len;
        const guint8 *data = fapilog_batch_get_entry_data (batch, i, &len);
        record_line (self, (const char *) data, len);
      }
    if (self->fail && n_taken > 0)
      _fapilog_sink_result_set_written (G_ASYNC_RESULT (task), n_taken);
  }
  finish_write (self, task);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gboolean
test_sink_finish (FapilogSink   *sink,
                  GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_sink_start_async (FapilogSink         *sink,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TestSink *self = TEST_SINK (sink);
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);

  g_mutex_lock (&self->lock);
  if (self->fail_start)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                             "test sink %s refuses to start", self->name);
  else
    {
      self->started = TRUE;
      g_task_return_boolean (task, TRUE);
    }
  g_mutex_unlock (&self->lock);
}

static void
test_sink_stop_async (FapilogSink         *sink,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestSink *self = TEST_SINK (sink);
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);

  GPtrArray *hung;

  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  /* Like a real sink, stopping gives up the writes still pending; their
   * completions arrive after the pipeline abandoned them. */
  hung = g_steal_pointer (&self->hung_tasks);
  self->hung_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < hung->len; i++)
    g_task_return_new_error (g_ptr_array_index (hung, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "sink stopped");
  g_ptr_array_unref (hung);
  g_mutex_lock (&stop_order_lock);
  if (stop_order == NULL)
    stop_order = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (stop_order, g_strdup (self->name));
  g_mutex_unlock (&stop_order_lock);
  g_task_return_boolean (task, TRUE);
}

static void
test_sink_iface_init (gpointer g_iface,
                      gpointer iface_data)
{
  FapilogSinkInterface *iface = g_iface;
  TestSinkMethods methods = GPOINTER_TO_UINT (iface_data);

  iface->start_async = test_sink_start_async;
  iface->start_finish = test_sink_finish;
  iface->stop_async = test_sink_stop_async;
  iface->stop_finish = test_sink_finish;
  if (methods & TEST_SINK_ENTRY)
    {
      iface->write_async = test_sink_write_async;
      iface->write_finish = test_sink_finish;
    }
  if (methods & TEST_SINK_SERIALIZED)
    {
      iface->write_serialized_async = test_sink_write_serialized_async;
      iface->write_serialized_finish = test_sink_finish;
    }
  if (methods & TEST_SINK_BATCH)
    {
      iface->write_batch_async = test_sink_write_batch_async;
      iface->write_batch_finish = test_sink_finish;
    }
}

static GType
test_sink_get_type_for (TestSinkMethods methods)
{
  static GType types[8];
  static GMutex lock;
  GType type;

  g_mutex_lock (&lock);
  if (types[methods & 7] == 0)
    {
      const GTypeInfo info = {
        sizeof (TestSinkClass), NULL, NULL, test_sink_class_init, NULL, NULL,
        sizeof (TestSink), 0, test_sink_instance_init, NULL,
      };
      const GInterfaceInfo iface_info = {
        test_sink_iface_init, NULL, GUINT_TO_POINTER (methods & 7),
      };
      g_autofree char *type_name = g_strdup_printf ("TestSink%u", methods & 7);

      types[methods & 7] = g_type_register_static (G_TYPE_OBJECT, type_name, &info, 0);
      g_type_add_interface_static (types[methods & 7], FAPILOG_TYPE_SINK, &iface_info);
    }
  type = types[methods & 7];
  g_mutex_unlock (&lock);
  return type;
}

FapilogSink *
test_sink_new (const char      *name,
               TestSinkMethods  methods)
{
  TestSink *self = g_object_new (test_sink_get_type_for (methods), NULL);

  self->name = g_strdup (name);
  return FAPILOG_SINK (self);
}

#define WITH_LOCK(sink, stmt) \
  G_STMT_START { TestSink *s_ = TEST_SINK (sink); g_mutex_lock (&s_->lock); stmt; \
                 g_mutex_unlock (&s_->lock); } G_STMT_END

void
test_sink_set_fail (FapilogSink *sink,
                    gboolean     fail)
{
  WITH_LOCK (sink, s_->fail = fail);
}

void
test_sink_set_fail_after (FapilogSink *sink,
                          guint        n_taken)
{
  WITH_LOCK (sink, s_->fail_after = n_taken);
}

void
test_sink_set_fail_start (FapilogSink *sink,
                          gboolean     fail)
{
  WITH_LOCK (sink, s_->fail_start = fail);
}

void
test_sink_set_delay_ms (FapilogSink *sink,
                        guint        delay_ms)
{
  WITH_LOCK (sink, s_->delay_ms = delay_ms);
}

void
test_sink_set_write_hook (FapilogSink *sink,
                          GFunc        hook,
                          gpointer     hook_data)
{
  WITH_LOCK (sink, s_->hook = hook; s_->hook_data = hook_data);
}

void
test_sink_set_hang (FapilogSink *sink,
                    gboolean     hang)
{
  WITH_LOCK (sink, s_->hang = hang);
}

guint
test_sink_get_n_hung (FapilogSink *sink)
{
  guint n;

  WITH_LOCK (sink, n = s_->hung_tasks->len);
  return n;
}

void
test_sink_release_hung (FapilogSink  *sink,
                        guint         n,
                        const GError *error)
{
  TestSink *self = TEST_SINK (sink);
  GPtrArray *released = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&self->lock);
  while (released->len < n && self->hung_tasks->len > 0)
    g_ptr_array_add (released, g_ptr_array_steal_index (self->hung_tasks, 0));
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < released->len; i++)
    {
      GTask *task = g_ptr_array_index (released, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_ptr_array_unref (released);
}

GPtrArray *
test_sink_dup_lines (FapilogSink *sink)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  WITH_LOCK (sink,
             for (guint i = 0; i < s_->lines->len; i++)
               g_ptr_array_add (copy, g_strdup (g_ptr_array_index (s_->lines, i))));
  return copy;
}

guint
test_sink_get_n_received (FapilogSink *sink)
{
  guint n = 0;

  WITH_LOCK (sink, n = s_->lines->len);
  return n;
}

guint
test_sink_get_calls (FapilogSink     *sink,
                     TestSinkMethods  method)
{
  guint n = 0;

  WITH_LOCK (sink,
             n = method == TEST_SINK_ENTRY ? s_->calls_entry
               : method == TEST_SINK_SERIALIZED ? s_->calls_serialized
               : s_->calls_batch);
  return n;
}

guint
test_sink_get_max_batch (FapilogSink *sink)
{
  guint n = 0;

  WITH_LOCK (sink, n = s_->max_batch);
  return n;
}

gboolean
test_sink_get_batch_data_ok (FapilogSink *sink)
{
  gboolean ok = FALSE;

  WITH_LOCK (sink, ok = !s_->batch_data_bad);
  return ok;
}

gboolean
test_sink_get_started (FapilogSink *sink)
{
  gboolean started = FALSE;

  WITH_LOCK (sink, started = s_->started);
  return started;
}

gboolean
test_sink_get_stopped (FapilogSink *sink)
{
  gboolean stopped = FALSE;

  WITH_LOCK (sink, stopped = s_->stopped);
  return stopped;
}

GPtrArray *
test_sink_stop_order (void)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&stop_order_lock);
  if (stop_order != NULL)
    for (guint i = 0; i < stop_order->len; i++)
      g_ptr_array_add (copy, g_strdup (g_ptr_array_index (stop_order, i)));
  g_mutex_unlock (&stop_order_lock);
  return copy;
}

gboolean
test_sink_wait_for (FapilogSink *sink,
                    guint        n,
                    gint64       timeout_us)
{
  TestSink *self = TEST_SINK (sink);
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean reached;

  g_mutex_lock (&self->lock);
  while (self->lines->len < n)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  reached = self->lines->len >= n;
  g_mutex_unlock (&self->lock);
  return reached;
}

FapilogSettings *
test_settings_new (void)
{
  /* Short batch timeout so tests never wait on batching; no diagnostics
   * noise on the test's stderr. */
  return g_object_new (FAPILOG_TYPE_SETTINGS,
                       "batch-timeout-seconds", 0.01,
                       "internal-logging-enabled", FALSE,
                       NULL);
}

JsonObject *
test_parse_object (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

void
test_capture_begin (TestCapture *capture)
{
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  /* Big enough that the fallback never blocks on a test's few lines. */
  fcntl (fds[1], F_SETPIPE_SZ, 1 << 20);
  capture->read_fd = fds[0];
  capture->write_fd = fds[1];
  _fapilog_fallback_set_fd (capture->write_fd);
}

/* Returns what was written since test_capture_begin(). */
char *
test_capture_end (TestCapture *capture)
{
  GString *out = g_string_new (NULL);
  char buf[4096];
  gssize n;

  _fapilog_fallback_set_fd (-1);
  close (capture->write_fd);
  while ((n = read (capture->read_fd, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (capture->read_fd);
  return g_string_free (out, FALSE);
}
