/* fapilog-simple-sink.c: a sink base class with synchronous methods
 *
 * The asynchronous FapilogSink methods are implemented once here, in terms
 * of the subclass's plain calls. Each operation becomes a Call, run either
 * at once on the worker or, in MAIN_CONTEXT mode, in the sink's main
 * context (from an idle source there, or from a blocking pipeline call made
 * by the thread that may run that context); its outcome goes back to the
 * worker, where the GTask returns and the per-entry outcomes are reported.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-enum-types.h"
#include "fapilog-error.h"
#include "fapilog-simple-sink-private.h"

/**
 * FapilogSimpleSink:
 *
 * A base class for sinks written as plain synchronous methods, in C or in
 * a language with GObject introspection.
 *
 * A subclass implements one write method —
 * [vfunc@Fapilog.SimpleSink.write] (an entry),
 * [vfunc@Fapilog.SimpleSink.write_serialized] (an entry's JSON line) or
 * [vfunc@Fapilog.SimpleSink.write_batch] (a whole batch) — and, if it
 * needs them, [vfunc@Fapilog.SimpleSink.start],
 * [vfunc@Fapilog.SimpleSink.stop] and
 * [vfunc@Fapilog.SimpleSink.is_healthy]. Each returns %TRUE, or %FALSE
 * with a #GError. The class turns them into the asynchronous
 * [iface@Fapilog.Sink] methods that the pipeline calls.
 *
 * The methods run where [property@Fapilog.SimpleSink:dispatch] says:
 *
 * - %FAPILOG_SIMPLE_SINK_DISPATCH_WORKER (the default): on the pipeline's
 *   worker thread, one call at a time. Fine for C, Vala and Python
 *   (PyGObject takes the GIL). A method that blocks delays this sink's
 *   later entries, not the application; the other sinks of the pipeline
 *   wait for it too, so keep each call short.
 * - %FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT: in the
 *   [struct@GLib.MainContext] that was the thread-default one when the sink
 *   was made, that is on the thread that runs it — for code that must stay
 *   on one thread, like GJS. The calls run from that context's main loop
 *   and, while that thread is blocked in [method@Fapilog.Pipeline.start],
 *   [method@Fapilog.Pipeline.flush] or [method@Fapilog.Pipeline.shutdown],
 *   from inside those calls, so they cannot wait for themselves. When that
 *   thread does neither, the calls wait; writes that wait longer than
 *   [property@Fapilog.Settings:sink-write-timeout-seconds] fail.
 *
 * Each entry's outcome is reported separately: when a batch is written
 * entry by entry, an entry that fails is counted as failed (and goes to the
 * standard-error fallback) while the others count as written. In the
 * interface's terms this makes a simple sink a buffering sink whose flush
 * completes at once.
 *
 * |[<!-- language="JavaScript" -->
 * const JsSink = GObject.registerClass(
 * class JsSink extends Fapilog.SimpleSink {
 *     vfunc_write(entry) {
 *         print(`${entry.get_level_name()} ${entry.get_message()}`);
 *         return true;
 *     }
 * });
 * const sink = new JsSink({name: 'js',
 *     dispatch: Fapilog.SimpleSinkDispatch.MAIN_CONTEXT});
 * ]|
 *
 * Since: 1.0
 */

/**
 * FapilogSimpleSinkClass::start:
 * @self: the sink
 * @error: return location for a #GError
 *
 * Opens what the sink writes to. Called once, before the first write;
 * a failure makes [method@Fapilog.Pipeline.start] fail. Optional.
 *
 * Returns: %TRUE if the sink is ready
 *
 * Since: 1.0
 */

/**
 * FapilogSimpleSinkClass::write:
 * @self: the sink
 * @entry: the entry to write
 * @error: return location for a #GError
 *
 * Writes one entry; read it with [method@Fapilog.Entry.get_level],
 * [method@Fapilog.Entry.get_message], [method@Fapilog.Entry.lookup] and
 * the rest. Used when the sink implements neither
 * [vfunc@Fapilog.SimpleSink.write_batch] nor
 * [vfunc@Fapilog.SimpleSink.write_serialized].
 *
 * Returns: %TRUE if the entry was written
 *
 * Since: 1.0
 */

/**
 * FapilogSimpleSinkClass::write_serialized:
 * @self: the sink
 * @view: the entry and its JSON line
 * @error: return location for a #GError
 *
 * Writes one entry as the JSON line the pipeline has already made
 * ([method@Fapilog.SerializedView.get_data], ending in `\n`). Used, in
 * preference to [vfunc@Fapilog.SimpleSink.write], when the sink does not
 * implement [vfunc@Fapilog.SimpleSink.write_batch].
 *
 * Returns: %TRUE if the entry was written
 *
 * Since: 1.0
 */

/**
 * FapilogSimpleSinkClass::write_batch:
 * @self: the sink
 * @batch: the entries and their JSON lines
 * @error: return location for a #GError
 *
 * Writes a whole batch: the entries ([method@Fapilog.Batch.get_entry]) and
 * their JSON lines in one buffer ([method@Fapilog.Batch.get_data]). When
 * present it is the only write method called; a failure fails every entry
 * of the batch.
 *
 * Returns: %TRUE if every entry was written
 *
 * Since: 1.0
 */

/**
 * FapilogSimpleSinkClass::stop:
 * @self: the sink
 * @error: return location for a #GError
 *
 * Flushes and closes what the sink writes to, at shutdown, after the last
 * write. A failure is reported as a diagnostic. Optional.
 *
 * Returns: %TRUE if the sink closed cleanly
 *
 * Since: 1.0
 */

/**
 * FapilogSimpleSinkClass::is_healthy:
 * @self: the sink
 *
 * A cheap look at the sink's state, for [method@Fapilog.Pipeline.is_healthy].
 * With %FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT the check runs in the
 * sink's main context and the pipeline sees the result of the previous
 * check (healthy before the first). Optional; the default is healthy.
 *
 * Returns: %TRUE if the sink can write
 *
 * Since: 1.0
 */

typedef enum {
  CALL_START,
  CALL_WRITE,
  CALL_STOP,
  CALL_HEALTH,
} CallKind;

/* The outcome of a run of entries [first, first + n) of a write. */
typedef struct {
  guint   first;
  guint   n;
  GError *error;       /* NULL: written */
} Outcome;

typedef struct {
  CallKind      kind;
  GTask        *task;       /* NULL for CALL_HEALTH */
  FapilogBatch *batch;      /* CALL_WRITE */
  GArray       *outcomes;   /* Outcome, CALL_WRITE */
  GError       *error;      /* CALL_START, CALL_STOP */
  gboolean      given_up;   /* CALL_WRITE: cancelled before it finished */
} Call;

typedef struct {
  FapilogSimpleSinkWakeFunc func;
  gpointer                  user_data;
} Waker;

typedef struct
{
  char                      *name;
  FapilogSimpleSinkDispatch  dispatch;
  GMainContext              *context;          /* MAIN_CONTEXT mode */

  GMutex                     lock;
  GQueue                     calls;            /* Call*, under lock */
  gint                       n_pending;        /* atomic: calls->length, for a look without the lock */
  GSource                   *source;           /* under lock: runs the calls from the context */
  GSList                    *wakers;           /* Waker*, under lock */

  gint                       healthy;          /* atomic: the last check (MAIN_CONTEXT) */
  gint                       health_pending;   /* atomic */
} FapilogSimpleSinkPrivate;

enum {
  PROP_0,
  PROP_NAME,
  PROP_DISPATCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fapilog_simple_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (FapilogSimpleSink, fapilog_simple_sink, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (FapilogSimpleSink)
                                  G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                         fapilog_simple_sink_iface_init))

#define GET_PRIV(self) ((FapilogSimpleSinkPrivate *) fapilog_simple_sink_get_instance_private (self))

/* ---- calls ---------------------------------------------------------------- */

static Call *
call_new (CallKind  kind,
          GTask    *task)
{
  Call *call = g_new0 (Call, 1);

  call->kind = kind;
  call->task = task;
  return call;
}

static void
call_free (Call *call)
{
  if (call->outcomes != NULL)
    {
      for (guint i = 0; i < call->outcomes->len; i++)
        g_clear_error (&g_array_index (call->outcomes, Outcome, i).error);
      g_array_unref (call->outcomes);
    }
  g_clear_pointer (&call->batch, fapilog_batch_unref);
  g_clear_error (&call->error);
  g_clear_object (&call->task);
  g_free (call);
}

/* A method's result, made consistent: %FALSE always comes with an error. */
static GError *
check_result (FapilogSimpleSink *self,
              const char        *method,
              gboolean           ok,
              GError            *error)
{
  if (ok)
    {
      g_clear_error (&error);
      return NULL;
    }
  if (error == NULL)
    error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                         "%s.%s failed without an error (an exception in a binding?)",
                         G_OBJECT_TYPE_NAME (self), method);
  return error;
}

/* Records the outcome of entries [first, first + n), taking @error; runs of
 * successes, and of identical failures, are merged. */
static void
call_add_outcome (Call   *call,
                  guint   first,
                  guint   n,
                  GError *error)
{
  if (call->outcomes->len > 0)
    {
      Outcome *last = &g_array_index (call->outcomes, Outcome, call->outcomes->len - 1);

      if (last->first + last->n == first &&
          ((last->error == NULL && error == NULL) ||
           (last->error != NULL && error != NULL &&
            last->error->domain == error->domain && last->error->code == error->code &&
            strcmp (last->error->message, error->message) == 0)))
        {
          last->n += n;
          g_clear_error (&error);
          return;
        }
    }
  g_array_append_val (call->outcomes, ((Outcome) { first, n, error }));
}

static void
call_run_write (FapilogSimpleSink      *self,
                FapilogSimpleSinkClass *klass,
                Call                   *call)
{
  GCancellable *cancellable = g_task_get_cancellable (call->task);
  guint n = fapilog_batch_get_n_entries (call->batch);
  GError *error = NULL;
  gboolean ok;

  call->outcomes = g_array_new (FALSE, FALSE, sizeof (Outcome));

  if (klass->write_batch != NULL)
    {
      ok = klass->write_batch (self, call->batch, &error);
      call_add_outcome (call, 0, n, check_result (self, "write_batch", ok, error));
      return;
    }
  if (klass->write_serialized == NULL && klass->write == NULL)
    {
      call_add_outcome (call, 0, n,
                        g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_NOT_SUPPORTED,
                                     "%s implements none of write, write_serialized and write_batch",
                                     G_OBJECT_TYPE_NAME (self)));
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      /* Given up on (timed out, shutdown deadline): the pipeline has already
       * counted these entries as failed. */
      if (g_cancellable_is_cancelled (cancellable))
        {
          call->given_up = TRUE;
          return;
        }
      error = NULL;
      if (klass->write_serialized != NULL)
        {
          FapilogSerializedView *view = fapilog_batch_get_view (call->batch, i);

          ok = klass->write_serialized (self, view, &error);
          fapilog_serialized_view_unref (view);
          call_add_outcome (call, i, 1, check_result (self, "write_serialized", ok, error));
        }
      else
        {
          ok = klass->write (self, fapilog_batch_get_entry (call->batch, i), &error);
          call_add_outcome (call, i, 1, check_result (self, "write", ok, error));
        }
    }
}

/* Runs @call's method; on the worker, or in the sink's main context. */
static void
call_run (FapilogSimpleSink *self,
          Call              *call)
{
  FapilogSimpleSinkClass *klass = FAPILOG_SIMPLE_SINK_GET_CLASS (self);
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);
  GError *error = NULL;
  gboolean ok;

  switch (call->kind)
    {
    case CALL_START:
      if (klass->start != NULL)
        {
          ok = klass->start (self, &error);
          call->error = check_result (self, "start", ok, error);
        }
      break;
    case CALL_STOP:
      /* Even when the deadline has cancelled it: a plain call can't be
       * interrupted, and it is the sink's only chance to close. */
      if (klass->stop != NULL)
        {
          ok = klass->stop (self, &error);
          call->error = check_result (self, "stop", ok, error);
        }
      break;
    case CALL_HEALTH:
      g_atomic_int_set (&priv->healthy, klass->is_healthy == NULL || klass->is_healthy (self));
      break;
    case CALL_WRITE:
    default:
      if (g_cancellable_is_cancelled (g_task_get_cancellable (call->task)))
        call->given_up = TRUE;
      else
        call_run_write (self, klass, call);
      break;
    }
}

/* On the worker: reports the outcome and returns the task. */
static void
call_complete (FapilogSimpleSink *self,
               Call              *call)
{
  FapilogSink *sink = FAPILOG_SINK (self);
  GTask *task = call->task;

  if (call->kind != CALL_WRITE)
    {
      if (call->error != NULL)
        g_task_return_error (task, g_steal_pointer (&call->error));
      else
        g_task_return_boolean (task, TRUE);
    }
  else if (call->given_up || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      /* The pipeline failed these entries when it gave up on the write;
       * reporting them again would count them twice. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the write was given up before it finished");
    }
  else
    {
      for (guint i = 0; i < call->outcomes->len; i++)
        {
          Outcome *outcome = &g_array_index (call->outcomes, Outcome, i);

          if (outcome->error == NULL)
            fapilog_sink_report_delivered (sink, outcome->n);
          else
            fapilog_sink_report_failed (sink, call->batch, outcome->first, outcome->n,
                                        outcome->error);
        }
      /* Accepted: every entry's outcome has just been reported. */
      g_task_return_boolean (task, TRUE);
    }
  call_free (call);
}

static gboolean
call_complete_in_idle (gpointer user_data)
{
  Call *call = user_data;

  call_complete (g_task_get_source_object (call->task), call);
  return G_SOURCE_REMOVE;
}

/* After call_run(), on the thread that ran it. */
static void
call_return (FapilogSimpleSink *self,
             Call              *call)
{
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);
  GSource *idle;

  if (call->kind == CALL_HEALTH)
    {
      g_atomic_int_set (&priv->health_pending, FALSE);
      call_free (call);
      return;
    }
  if (priv->context == NULL)
    {
      call_complete (self, call);   /* already on the worker */
      return;
    }
  /* Back to the worker, in whose context the task was made. */
  idle = g_idle_source_new ();
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, call_complete_in_idle, call, NULL);
  g_source_set_static_name (idle, "fapilog simple sink completion");
  g_source_attach (idle, g_task_get_context (call->task));
  g_source_unref (idle);
}

/* The source holds the sink weakly: a strong reference would keep the
 * sink, and through it the context, alive for as long as the source waits
 * in a context that nobody runs. Queued calls keep the sink alive anyway. */
static gboolean
on_calls_due (gpointer user_data)
{
  FapilogSimpleSink *self = g_weak_ref_get (user_data);
  FapilogSimpleSinkPrivate *priv;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  priv = GET_PRIV (self);
  g_mutex_lock (&priv->lock);
  if (priv->source == g_main_current_source ())
    g_clear_pointer (&priv->source, g_source_unref);
  g_mutex_unlock (&priv->lock);
  /* Dispatching in the context: this thread owns it already. */
  if (g_main_context_acquire (priv->context))
    _fapilog_simple_sink_run_claimed (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* Runs @call where the sink's methods run. Called on the worker. */
static void
dispatch (FapilogSimpleSink *self,
          Call              *call)
{
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);

  if (priv->context == NULL)
    {
      call_run (self, call);
      call_return (self, call);
      return;
    }

  g_mutex_lock (&priv->lock);
  g_queue_push_tail (&priv->calls, call);
  g_atomic_int_inc (&priv->n_pending);
  if (priv->source == NULL)
    {
      GWeakRef *weak = g_new0 (GWeakRef, 1);

      g_weak_ref_init (weak, self);
      priv->source = g_idle_source_new ();
      g_source_set_priority (priv->source, G_PRIORITY_DEFAULT);
      g_source_set_callback (priv->source, on_calls_due, weak, weak_ref_free);
      g_source_set_static_name (priv->source, "fapilog simple sink calls");
      g_source_attach (priv->source, priv->context);
    }
  /* A pipeline blocked on the context's thread runs the call itself. */
  for (GSList *l = priv->wakers; l != NULL; l = l->next)
    {
      Waker *waker = l->data;
      waker->func (waker->user_data);
    }
  g_mutex_unlock (&priv->lock);
}

gboolean
_fapilog_simple_sink_claim_pending (FapilogSimpleSink *self)
{
  FapilogSimpleSinkPrivate *priv;

  g_return_val_if_fail (FAPILOG_IS_SIMPLE_SINK (self), FALSE);

  priv = GET_PRIV (self);
  /* Owning the context is what makes this thread the one that may run
   * the calls: no other thread can be running them meanwhile. */
  return priv->context != NULL &&
         g_atomic_int_get (&priv->n_pending) > 0 &&
         g_main_context_acquire (priv->context);
}

void
_fapilog_simple_sink_run_claimed (FapilogSimpleSink *self)
{
  FapilogSimpleSinkPrivate *priv;

  g_return_if_fail (FAPILOG_IS_SIMPLE_SINK (self));

  priv = GET_PRIV (self);
  for (;;)
    {
      Call *call;

      g_mutex_lock (&priv->lock);
      call = g_queue_pop_head (&priv->calls);
      if (call != NULL)
        g_atomic_int_add (&priv->n_pending, -1);
      else if (priv->source != NULL)
        {
          /* Drained here: the source has nothing left to do. */
          g_source_destroy (priv->source);
          g_clear_pointer (&priv->source, g_source_unref);
        }
      g_mutex_unlock (&priv->lock);
      if (call == NULL)
        break;
      call_run (self, call);
      call_return (self, call);
    }
  g_main_context_release (priv->context);
}

GMainContext *
_fapilog_simple_sink_get_call_context (FapilogSink *sink)
{
  if (!FAPILOG_IS_SIMPLE_SINK (sink))
    return NULL;
  return GET_PRIV (FAPILOG_SIMPLE_SINK (sink))->context;
}

void
_fapilog_simple_sink_add_waker (FapilogSimpleSink         *self,
                                FapilogSimpleSinkWakeFunc  func,
                                gpointer                   user_data)
{
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);
  Waker *waker = g_new0 (Waker, 1);

  waker->func = func;
  waker->user_data = user_data;
  g_mutex_lock (&priv->lock);
  priv->wakers = g_slist_prepend (priv->wakers, waker);
  g_mutex_unlock (&priv->lock);
}

void
_fapilog_simple_sink_remove_waker (FapilogSimpleSink *self,
                                   gpointer           user_data)
{
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);

  g_mutex_lock (&priv->lock);
  for (GSList *l = priv->wakers; l != NULL; l = l->next)
    {
      Waker *waker = l->data;

      if (waker->user_data == user_data)
        {
          priv->wakers = g_slist_delete_link (priv->wakers, l);
          g_free (waker);
          break;
        }
    }
  g_mutex_unlock (&priv->lock);
}

/* ---- the FapilogSink interface ------------------------------------------ */

static gboolean
simple_sink_finish (FapilogSink   *sink,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
simple_sink_start_async (FapilogSink         *sink,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (sink, cancellable, callback, user_data);

  g_task_set_source_tag (task, simple_sink_start_async);
  dispatch (FAPILOG_SIMPLE_SINK (sink), call_new (CALL_START, task));
}

static void
simple_sink_stop_async (FapilogSink         *sink,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (sink, cancellable, callback, user_data);

  g_task_set_source_tag (task, simple_sink_stop_async);
  dispatch (FAPILOG_SIMPLE_SINK (sink), call_new (CALL_STOP, task));
}

static void
simple_sink_write_batch_async (FapilogSink         *sink,
                               FapilogBatch        *batch,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (sink, cancellable, callback, user_data);
  Call *call = call_new (CALL_WRITE, task);

  g_task_set_source_tag (task, simple_sink_write_batch_async);
  call->batch = fapilog_batch_ref (batch);
  dispatch (FAPILOG_SIMPLE_SINK (sink), call);
}

/* Every entry's outcome is reported before its write completes, so there
 * is never anything to wait for. */
static void
simple_sink_flush_async (FapilogSink         *sink,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (sink, cancellable, callback, user_data);

  g_task_set_source_tag (task, simple_sink_flush_async);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
simple_sink_health_check (FapilogSink *sink)
{
  FapilogSimpleSink *self = FAPILOG_SIMPLE_SINK (sink);
  FapilogSimpleSinkClass *klass = FAPILOG_SIMPLE_SINK_GET_CLASS (self);
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);

  if (klass->is_healthy == NULL)
    return TRUE;
  if (priv->context == NULL)
    return klass->is_healthy (self);

  /* The check can't block the worker on another thread: it is run there
   * and the pipeline sees the result of the previous one. */
  if (g_atomic_int_compare_and_exchange (&priv->health_pending, FALSE, TRUE))
    dispatch (self, call_new (CALL_HEALTH, NULL));
  return g_atomic_int_get (&priv->healthy);
}

static void
fapilog_simple_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->start_async = simple_sink_start_async;
  iface->start_finish = simple_sink_finish;
  iface->write_batch_async = simple_sink_write_batch_async;
  iface->write_batch_finish = simple_sink_finish;
  iface->stop_async = simple_sink_stop_async;
  iface->stop_finish = simple_sink_finish;
  iface->flush_async = simple_sink_flush_async;
  iface->flush_finish = simple_sink_finish;
  iface->health_check = simple_sink_health_check;
}

/* ---- GObject ---------------------------------------------------------------- */

static void
fapilog_simple_sink_constructed (GObject *object)
{
  FapilogSimpleSink *self = FAPILOG_SIMPLE_SINK (object);
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);

  G_OBJECT_CLASS (fapilog_simple_sink_parent_class)->constructed (object);

  if (priv->dispatch == FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT)
    priv->context = g_main_context_ref_thread_default ();
}

static void
fapilog_simple_sink_finalize (GObject *object)
{
  FapilogSimpleSink *self = FAPILOG_SIMPLE_SINK (object);
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);

  /* Queued calls hold the sink through their tasks, so none are left. */
  g_warn_if_fail (g_queue_is_empty (&priv->calls));
  if (priv->source != NULL)
    {
      g_source_destroy (priv->source);
      g_source_unref (priv->source);
    }
  g_slist_free_full (priv->wakers, g_free);
  g_clear_pointer (&priv->context, g_main_context_unref);
  g_free (priv->name);
  g_mutex_clear (&priv->lock);

  G_OBJECT_CLASS (fapilog_simple_sink_parent_class)->finalize (object);
}

static void
fapilog_simple_sink_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FapilogSimpleSinkPrivate *priv = GET_PRIV (FAPILOG_SIMPLE_SINK (object));

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;
    case PROP_DISPATCH:
      g_value_set_enum (value, priv->dispatch);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_simple_sink_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FapilogSimpleSinkPrivate *priv = GET_PRIV (FAPILOG_SIMPLE_SINK (object));

  switch (prop_id)
    {
    case PROP_NAME:
      g_free (priv->name);
      priv->name = g_value_dup_string (value);
      break;
    case PROP_DISPATCH:
      priv->dispatch = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_simple_sink_class_init (FapilogSimpleSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fapilog_simple_sink_constructed;
  object_class->finalize = fapilog_simple_sink_finalize;
  object_class->get_property = fapilog_simple_sink_get_property;
  object_class->set_property = fapilog_simple_sink_set_property;

  /**
   * FapilogSimpleSink:name:
   *
   * The sink's name, as in [property@Fapilog.Sink:name]: it keys the
   * sink's counters in [struct@Fapilog.Stats]. Without one, the sink is
   * counted under its type name.
   *
   * Since: 1.0
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * FapilogSimpleSink:dispatch: (getter get_dispatch)
   *
   * Where the sink's methods run: on the pipeline's worker thread (the
   * default), or in the main context that is the thread-default one when
   * the sink is made (see [enum@Fapilog.SimpleSinkDispatch]). GJS sinks
   * must use %FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT.
   *
   * Since: 1.0
   */
  properties[PROP_DISPATCH] =
    g_param_spec_enum ("dispatch", NULL, NULL,
                       FAPILOG_TYPE_SIMPLE_SINK_DISPATCH, FAPILOG_SIMPLE_SINK_DISPATCH_WORKER,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fapilog_simple_sink_init (FapilogSimpleSink *self)
{
  FapilogSimpleSinkPrivate *priv = GET_PRIV (self);

  g_mutex_init (&priv->lock);
  g_queue_init (&priv->calls);
  priv->healthy = TRUE;
}

/**
 * fapilog_simple_sink_get_dispatch:
 * @self: a simple sink
 *
 * Returns the value of [property@Fapilog.SimpleSink:dispatch].
 *
 * Returns: where the sink's methods run
 *
 * Since: 1.0
 */
FapilogSimpleSinkDispatch
fapilog_simple_sink_get_dispatch (FapilogSimpleSink *self)
{
  g_return_val_if_fail (FAPILOG_IS_SIMPLE_SINK (self), FAPILOG_SIMPLE_SINK_DISPATCH_WORKER);

  return GET_PRIV (self)->dispatch;
}

/**
 * fapilog_simple_sink_get_main_context:
 * @self: a simple sink
 *
 * Returns the main context the sink's methods run in, captured when the
 * sink was made with %FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT.
 *
 * Returns: (transfer none) (nullable): the context, or %NULL when the
 *   methods run on the worker thread
 *
 * Since: 1.0
 */
GMainContext *
fapilog_simple_sink_get_main_context (FapilogSimpleSink *self)
{
  g_return_val_if_fail (FAPILOG_IS_SIMPLE_SINK (self), NULL);

  return GET_PRIV (self)->context;
}
