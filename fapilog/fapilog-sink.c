/* fapilog-sink.c: the interface every output implements
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-batch-private.h"
#include "fapilog-error.h"
#include "fapilog-sink-private.h"
#include "fapilog-sink.h"

/**
 * FapilogSink:
 *
 * An output for log entries: standard output, a file, an HTTP collector, or
 * anything an application writes itself, in C or in a language with
 * GObject introspection.
 *
 * A sink implements [vfunc@Fapilog.Sink.write_async] (one entry) and, when
 * it can do better, [vfunc@Fapilog.Sink.write_batch_async] (a whole batch
 * with its serialized bytes) or [vfunc@Fapilog.Sink.write_serialized_async]
 * (one entry's JSON line). The start and stop methods and the health check
 * are optional.
 *
 * A write reports failure by returning %FALSE with a #GError from its
 * `_finish` function. The pipeline contains failures: it counts them per
 * sink, writes the failed entries to a stderr fallback and goes on.
 *
 * The wrapper functions below (fapilog_sink_write_async() and so on) call the
 * sink's methods, filling in what a sink leaves out: a missing start or stop
 * completes at once, a missing batch method writes entry by entry, a missing
 * entry method writes a batch of one.
 *
 * Since: 1.0
 */

G_DEFINE_INTERFACE (FapilogSink, fapilog_sink, G_TYPE_OBJECT)

/* The count is stored plus one, so that 0 entries written is told apart
 * from "not said". */
static G_DEFINE_QUARK (fapilog-sink-entries-written, entries_written)

void
_fapilog_sink_result_set_written (GAsyncResult *result,
                                  guint         n_written)
{
  g_return_if_fail (G_IS_ASYNC_RESULT (result));
  g_return_if_fail (n_written < G_MAXUINT);

  g_object_set_qdata (G_OBJECT (result), entries_written_quark (),
                      GUINT_TO_POINTER (n_written + 1));
}

gboolean
_fapilog_sink_result_get_written (GAsyncResult *result,
                                  guint        *n_written)
{
  guint stored;

  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  stored = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (result), entries_written_quark ()));
  if (stored == 0)
    return FALSE;
  *n_written = stored - 1;
  return TRUE;
}

static G_DEFINE_QUARK (fapilog-sink-queues-writes, queues_writes)

void
_fapilog_sink_set_queues_writes (FapilogSink *sink,
                                 gboolean     queues_writes)
{
  g_return_if_fail (FAPILOG_IS_SINK (sink));

  g_object_set_qdata (G_OBJECT (sink), queues_writes_quark (),
                      GINT_TO_POINTER (queues_writes ? 1 : 0));
}

gboolean
_fapilog_sink_get_queues_writes (FapilogSink *sink)
{
  g_return_val_if_fail (FAPILOG_IS_SINK (sink), FALSE);

  return g_object_get_qdata (G_OBJECT (sink), queues_writes_quark ()) != NULL;
}

enum {
  SIGNAL_ENTRIES_DELIVERED,
  SIGNAL_ENTRIES_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fapilog_sink_default_init (FapilogSinkInterface *iface)
{
  /**
   * FapilogSink::entries-delivered:
   * @self: the sink
   * @n_entries: how many accepted entries were delivered
   *
   * Emitted by [method@Fapilog.Sink.report_delivered], on the worker
   * thread. The pipeline listens to it to count what a buffering sink
   * delivered; applications rarely need it.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ENTRIES_DELIVERED] =
    g_signal_new ("entries-delivered", G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * FapilogSink::entries-failed:
   * @self: the sink
   * @batch: the batch the entries came in
   * @first: index of the first failed entry in @batch
   * @n_entries: how many entries, from @first on, failed
   * @error: why
   *
   * Emitted by [method@Fapilog.Sink.report_failed], on the worker thread.
   * The pipeline counts the entries as failed and writes them to its
   * stderr fallback.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ENTRIES_FAILED] =
    g_signal_new ("entries-failed", G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  FAPILOG_TYPE_BATCH | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_UINT, G_TYPE_UINT,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * FapilogSink:name:
   *
   * The sink's name, used in statistics and diagnostics: `stdout_json`,
   * `rotating_file`, `http`, or what a custom sink chooses.
   *
   * Since: 1.0
   */
  g_object_interface_install_property (iface,
      g_param_spec_string ("name", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

/**
 * fapilog_sink_get_name:
 * @self: a sink
 *
 * Returns the value of [property@Fapilog.Sink:name].
 *
 * Returns: (transfer none) (nullable): the name
 *
 * Since: 1.0
 */
const char *
fapilog_sink_get_name (FapilogSink *self)
{
  static GQuark name_quark;
  char *name = NULL;

  g_return_val_if_fail (FAPILOG_IS_SINK (self), NULL);

  if (G_UNLIKELY (name_quark == 0))
    name_quark = g_quark_from_static_string ("fapilog-sink-name");
  /* The property is a copy; keep it on the object so the pointer we return
   * lives as long as the sink. */
  g_object_get (self, "name", &name, NULL);
  if (name == NULL)
    return NULL;
  if (g_strcmp0 (g_object_get_qdata (G_OBJECT (self), name_quark), name) == 0)
    {
      g_free (name);
      return g_object_get_qdata (G_OBJECT (self), name_quark);
    }
  g_object_set_qdata_full (G_OBJECT (self), name_quark, name, g_free);
  return name;
}

/* ---- start / stop ------------------------------------------------------- */

/**
 * fapilog_sink_start_async:
 * @self: a sink
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the sink is ready
 * @user_data: data for @callback
 *
 * Opens the sink's resources. Sinks without a start method are ready at
 * once.
 *
 * Since: 1.0
 */
void
fapilog_sink_start_async (FapilogSink         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  FapilogSinkInterface *iface;

  g_return_if_fail (FAPILOG_IS_SINK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->start_async != NULL)
    iface->start_async (self, cancellable, callback, user_data);
  else
    {
      GTask *task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, fapilog_sink_start_async);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

/**
 * fapilog_sink_start_finish:
 * @self: a sink
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the sink started
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_start_finish (FapilogSink   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  FapilogSinkInterface *iface;

  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  if (g_async_result_is_tagged (result, fapilog_sink_start_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->start_finish == NULL)
    return TRUE;
  return iface->start_finish (self, result, error);
}

/**
 * fapilog_sink_stop_async:
 * @self: a sink
 * @cancellable: (nullable): cancelled when the shutdown deadline passes
 * @callback: (scope async): called when the sink has flushed and closed
 * @user_data: data for @callback
 *
 * Flushes and releases the sink's resources. Sinks without a stop method
 * are done at once.
 *
 * Since: 1.0
 */
void
fapilog_sink_stop_async (FapilogSink         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  FapilogSinkInterface *iface;

  g_return_if_fail (FAPILOG_IS_SINK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->stop_async != NULL)
    iface->stop_async (self, cancellable, callback, user_data);
  else
    {
      GTask *task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, fapilog_sink_stop_async);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

/**
 * fapilog_sink_stop_finish:
 * @self: a sink
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the sink stopped cleanly
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_stop_finish (FapilogSink   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  FapilogSinkInterface *iface;

  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  if (g_async_result_is_tagged (result, fapilog_sink_stop_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->stop_finish == NULL)
    return TRUE;
  return iface->stop_finish (self, result, error);
}

/* ---- writes, with fallbacks between the three ways in ------------------- */

/* Writes entries [next, end) of a batch one by one through the best
 * single-entry method, stopping at the first failure. */
typedef struct {
  FapilogBatch *batch;
  guint         next;
} EachState;

static void each_write_next (GTask *task);

static void
each_write_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  FapilogSink *self = FAPILOG_SINK (source);
  FapilogSinkInterface *iface = FAPILOG_SINK_GET_IFACE (self);
  GError *error = NULL;
  gboolean ok;

  if (iface->write_serialized_async != NULL)
    ok = iface->write_serialized_finish (self, result, &error);
  else
    ok = iface->write_finish (self, result, &error);

  if (!ok)
    {
      if (error == NULL)
        error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                             "the sink reported a failure without an error");
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  each_write_next (task);
}

static void
each_write_next (GTask *task)
{
  EachState *state = g_task_get_task_data (task);
  FapilogSink *self = g_task_get_source_object (task);
  FapilogSinkInterface *iface = FAPILOG_SINK_GET_IFACE (self);
  GCancellable *cancellable = g_task_get_cancellable (task);
  guint index_;

  if (state->next >= fapilog_batch_get_n_entries (state->batch))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  index_ = state->next++;
  if (iface->write_serialized_async != NULL)
    {
      FapilogSerializedView *view = fapilog_batch_get_view (state->batch, index_);
      iface->write_serialized_async (self, view, cancellable, each_write_done, task);
      fapilog_serialized_view_unref (view);
    }
  else
    iface->write_async (self, fapilog_batch_get_entry (state->batch, index_), cancellable,
                        each_write_done, task);
}

static void
each_state_free (gpointer data)
{
  EachState *state = data;

  fapilog_batch_unref (state->batch);
  g_free (state);
}

static void
write_each (FapilogSink         *self,
            FapilogBatch        *batch,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  EachState *state = g_new0 (EachState, 1);

  g_task_set_source_tag (task, source_tag);
  state->batch = fapilog_batch_ref (batch);
  g_task_set_task_data (task, state, each_state_free);
  each_write_next (task);
}

static void
batch_of_one_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  FapilogSink *self = FAPILOG_SINK (source);
  GError *error = NULL;

  if (FAPILOG_SINK_GET_IFACE (self)->write_batch_finish (self, result, &error))
    g_task_return_boolean (task, TRUE);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                             "the sink reported a failure without an error");
  g_object_unref (task);
}

static void
write_batch_of_one (FapilogSink         *self,
                    FapilogEntry        *entry,
                    gpointer             source_tag,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  FapilogBatch *batch = fapilog_batch_new (&entry, 1);

  g_task_set_source_tag (task, source_tag);
  FAPILOG_SINK_GET_IFACE (self)->write_batch_async (self, batch, cancellable,
                                                    batch_of_one_done, task);
  fapilog_batch_unref (batch);
}

static void
return_not_supported (FapilogSink         *self,
                      gpointer             source_tag,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_NOT_SUPPORTED,
                           "%s implements no write method", G_OBJECT_TYPE_NAME (self));
  g_object_unref (task);
}

/* A result made by the wrappers below (tagged with @tag) carries the
 * outcome in its GTask; any other came from the sink's own method. */
typedef gboolean (*FinishFunc) (FapilogSink *, GAsyncResult *, GError **);

static gboolean
finish_write (FapilogSink   *self,
              GAsyncResult  *result,
              gpointer       tag,
              FinishFunc     sink_finish,
              GError       **error)
{
  if (g_async_result_is_tagged (result, tag))
    return g_task_propagate_boolean (G_TASK (result), error);
  if (G_UNLIKELY (sink_finish == NULL))
    {
      g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_NOT_SUPPORTED,
                   "%s implements a write method without its _finish method",
                   G_OBJECT_TYPE_NAME (self));
      return FALSE;
    }
  return sink_finish (self, result, error);
}

/**
 * fapilog_sink_write_async:
 * @self: a sink
 * @entry: the entry to write
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the write has finished
 * @user_data: data for @callback
 *
 * Writes one entry.
 *
 * Since: 1.0
 */
void
fapilog_sink_write_async (FapilogSink         *self,
                          FapilogEntry        *entry,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  FapilogSinkInterface *iface;

  g_return_if_fail (FAPILOG_IS_SINK (self));
  g_return_if_fail (entry != NULL);

  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->write_async != NULL)
    iface->write_async (self, entry, cancellable, callback, user_data);
  else if (iface->write_batch_async != NULL)
    write_batch_of_one (self, entry, fapilog_sink_write_async, cancellable, callback, user_data);
  else if (iface->write_serialized_async != NULL)
    {
      FapilogBatch *batch = fapilog_batch_new (&entry, 1);
      write_each (self, batch, fapilog_sink_write_async, cancellable, callback, user_data);
      fapilog_batch_unref (batch);
    }
  else
    return_not_supported (self, fapilog_sink_write_async, callback, user_data);
}

/**
 * fapilog_sink_write_finish:
 * @self: a sink
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the entry was written
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_write_finish (FapilogSink   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return finish_write (self, result, fapilog_sink_write_async,
                       FAPILOG_SINK_GET_IFACE (self)->write_finish, error);
}

/**
 * fapilog_sink_write_serialized_async:
 * @self: a sink
 * @view: the entry and its JSON line
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the write has finished
 * @user_data: data for @callback
 *
 * Writes one pre-serialized entry. Sinks without this method get the entry
 * through their other write methods.
 *
 * Since: 1.0
 */
void
fapilog_sink_write_serialized_async (FapilogSink           *self,
                                     FapilogSerializedView *view,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data)
{
  FapilogSinkInterface *iface;

  g_return_if_fail (FAPILOG_IS_SINK (self));
  g_return_if_fail (view != NULL);

  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->write_serialized_async != NULL)
    iface->write_serialized_async (self, view, cancellable, callback, user_data);
  else if (iface->write_async != NULL || iface->write_batch_async != NULL)
    {
      /* Reuse the entry-level fallbacks, tagged for this method. */
      FapilogEntry *entry = fapilog_serialized_view_get_entry (view);

      if (iface->write_async != NULL)
        {
          FapilogBatch *batch = fapilog_batch_new (&entry, 1);
          write_each (self, batch, fapilog_sink_write_serialized_async, cancellable,
                      callback, user_data);
          fapilog_batch_unref (batch);
        }
      else
        write_batch_of_one (self, entry, fapilog_sink_write_serialized_async, cancellable,
                            callback, user_data);
    }
  else
    return_not_supported (self, fapilog_sink_write_serialized_async, callback, user_data);
}

/**
 * fapilog_sink_write_serialized_finish:
 * @self: a sink
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the entry was written
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_write_serialized_finish (FapilogSink   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return finish_write (self, result, fapilog_sink_write_serialized_async,
                       FAPILOG_SINK_GET_IFACE (self)->write_serialized_finish, error);
}

/**
 * fapilog_sink_write_batch_async:
 * @self: a sink
 * @batch: the entries and their serialized bytes
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the write has finished
 * @user_data: data for @callback
 *
 * Writes a whole batch. Sinks without this method get the entries one by
 * one; the first failure ends the write.
 *
 * Since: 1.0
 */
void
fapilog_sink_write_batch_async (FapilogSink         *self,
                                FapilogBatch        *batch,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  FapilogSinkInterface *iface;

  g_return_if_fail (FAPILOG_IS_SINK (self));
  g_return_if_fail (batch != NULL);

  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->write_batch_async != NULL)
    iface->write_batch_async (self, batch, cancellable, callback, user_data);
  else if (iface->write_async != NULL || iface->write_serialized_async != NULL)
    write_each (self, batch, fapilog_sink_write_batch_async, cancellable, callback, user_data);
  else
    return_not_supported (self, fapilog_sink_write_batch_async, callback, user_data);
}

/**
 * fapilog_sink_write_batch_finish:
 * @self: a sink
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if every entry of the batch was written
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_write_batch_finish (FapilogSink   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return finish_write (self, result, fapilog_sink_write_batch_async,
                       FAPILOG_SINK_GET_IFACE (self)->write_batch_finish, error);
}

/**
 * fapilog_sink_health_check:
 * @self: a sink
 *
 * Asks the sink whether it can write. Sinks without a health check are
 * healthy.
 *
 * Returns: %TRUE if the sink is healthy
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_health_check (FapilogSink *self)
{
  FapilogSinkInterface *iface;

  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);

  iface = FAPILOG_SINK_GET_IFACE (self);
  return iface->health_check != NULL ? iface->health_check (self) : TRUE;
}

/* ---- buffering sinks ---------------------------------------------------- */

/**
 * fapilog_sink_is_buffering:
 * @self: a sink
 *
 * Whether @self is a buffering sink: one that implements
 * [vfunc@Fapilog.Sink.flush_async], accepts entries on write and reports
 * their outcome later (see [iface@Fapilog.Sink]).
 *
 * Returns: %TRUE for a buffering sink
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_is_buffering (FapilogSink *self)
{
  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);

  return FAPILOG_SINK_GET_IFACE (self)->flush_async != NULL;
}

/**
 * fapilog_sink_flush_async:
 * @self: a sink
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when everything accepted so far has
 *   been delivered or has failed
 * @user_data: data for @callback
 *
 * Asks a buffering sink to deliver what it holds now, without waiting for
 * its own batching. A sink that does not buffer has nothing to deliver and
 * completes at once.
 *
 * Since: 1.0
 */
void
fapilog_sink_flush_async (FapilogSink         *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  FapilogSinkInterface *iface;

  g_return_if_fail (FAPILOG_IS_SINK (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = FAPILOG_SINK_GET_IFACE (self);
  if (iface->flush_async != NULL)
    iface->flush_async (self, cancellable, callback, user_data);
  else
    {
      GTask *task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, fapilog_sink_flush_async);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

/**
 * fapilog_sink_flush_finish:
 * @self: a sink
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Fapilog.Sink.flush_async]. The outcome of each entry
 * is reported separately (through
 * [signal@Fapilog.Sink::entries-delivered] and
 * [signal@Fapilog.Sink::entries-failed]); an error here means the flush
 * itself could not be carried out.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_flush_finish (FapilogSink   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (FAPILOG_IS_SINK (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return finish_write (self, result, fapilog_sink_flush_async,
                       FAPILOG_SINK_GET_IFACE (self)->flush_finish, error);
}

/**
 * fapilog_sink_report_delivered:
 * @self: a buffering sink
 * @n_entries: how many accepted entries were delivered
 *
 * Tells the pipeline that @n_entries accepted entries reached their
 * destination. Call it on the worker thread (from the sink's own
 * callbacks, which run there).
 *
 * Since: 1.0
 */
void
fapilog_sink_report_delivered (FapilogSink *self,
                               guint        n_entries)
{
  g_return_if_fail (FAPILOG_IS_SINK (self));

  if (n_entries > 0)
    g_signal_emit (self, signals[SIGNAL_ENTRIES_DELIVERED], 0, n_entries);
}

/**
 * fapilog_sink_report_failed:
 * @self: a buffering sink
 * @batch: the batch the entries were accepted from
 * @first: index of the first failed entry in @batch
 * @n_entries: how many entries, from @first on, failed
 * @error: why they failed
 *
 * Tells the pipeline that entries a buffering sink had accepted could not
 * be delivered. The pipeline counts them as failed for this sink and
 * writes them to its stderr fallback, so they are not lost silently. Call
 * it on the worker thread.
 *
 * Since: 1.0
 */
void
fapilog_sink_report_failed (FapilogSink  *self,
                            FapilogBatch *batch,
                            guint         first,
                            guint         n_entries,
                            const GError *error)
{
  g_return_if_fail (FAPILOG_IS_SINK (self));
  g_return_if_fail (batch != NULL);
  g_return_if_fail (error != NULL);
  g_return_if_fail (first <= fapilog_batch_get_n_entries (batch));
  g_return_if_fail (n_entries <= fapilog_batch_get_n_entries (batch) - first);

  if (n_entries > 0)
    g_signal_emit (self, signals[SIGNAL_ENTRIES_FAILED], 0, batch, first, n_entries, error);
}
