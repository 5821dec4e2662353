/* fapilog-pipeline.c: queue, worker thread and sinks
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "fapilog-batch-private.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-enum-types.h"
#include "fapilog-envelope-private.h"
#include "fapilog-error.h"
#include "fapilog-fanout-private.h"
#include "fapilog-pipeline-private.h"
#include "fapilog-queue-private.h"
#include "fapilog-settings-private.h"
#include "fapilog-simple-sink-private.h"
#include "fapilog-sink-registry.h"
#include "fapilog-stats-private.h"

/**
 * FapilogPipeline:
 *
 * The queue, the worker thread and the sinks.
 *
 * Log calls on any thread put entries into a bounded queue; one worker
 * thread, running its own [struct@GLib.MainContext], takes them out in
 * batches, serializes each entry once, and hands every batch to every sink.
 * Each sink has its own backlog and at most one write in flight, so a slow
 * or failing sink does not hold up the others; failed writes are counted
 * and the entries go to a stderr fallback.
 *
 * |[<!-- language="C" -->
 * g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (NULL);
 * fapilog_pipeline_add_sink (pipeline, fapilog_stdout_sink_new ());
 * fapilog_pipeline_start (pipeline, &error);
 * g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
 * fapilog_info (log, "started", "port", "i", 8080, NULL);
 * g_autoptr(FapilogStats) stats = fapilog_pipeline_shutdown (pipeline, 5 * G_USEC_PER_SEC);
 * ]|
 *
 * Since: 1.0
 */

typedef enum {
  STATE_CREATED,
  STATE_RUNNING,
  STATE_SHUTTING_DOWN,
  STATE_SHUT_DOWN,
} PipelineState;

/* Hard upper bound on a shutdown that has a deadline, past the deadline and
 * the per-sink stop grace, for a worker stuck inside a sink. */
#define SHUTDOWN_LAST_RESORT_US (2 * G_USEC_PER_SEC)

typedef struct {
  GTask   *task;
  guint64  target;
  GSource *timeout;
  gulong   cancel_id;
} FlushWaiter;

struct _FapilogPipeline
{
  GObject                 parent_instance;

  gint                    level;             /* atomic: the level gate */
  FapilogSettings        *settings;          /* private copy */
  FapilogSettingsFollower *follower;         /* live GSettings keys, or NULL; atomic exchange */
  FapilogEnvelopeStatics *statics;
  FapilogQueue           *queue;
  FapilogFanout          *fanout;
  guint                   batch_max;
  gboolean                backpressure;      /* block policy: pause on full sink backlogs */

  GMutex                  lock;
  GCond                   cond;
  guint                   n_cond_waiters;    /* under lock: threads in a wait on cond */
  PipelineState           state;
  guint64                 accepted_seq;      /* under lock: every sink took (or failed) up to here */
  guint64                 completed_seq;     /* under lock: ... and buffering sinks reported it */
  guint64                 flush_wanted_seq;  /* under lock: what flushes wait for */
  guint64                 flushed_seq;       /* worker: covered by the last buffering-sink flush */
  guint64                 flush_round_seq;   /* worker: covered by the flush running, 0 = none */
  GList                  *flush_waiters;     /* FlushWaiter*, under lock */
  gboolean                sinks_started;     /* under lock */
  GError                 *start_error;       /* under lock */
  gboolean                sinks_stopped;     /* under lock */
  gboolean                drain_finished;    /* under lock */
  gboolean                health_done;       /* under lock */
  gboolean                health_result;
  gint64                  stop_deadline_us;  /* for the worker's stop step */

  GThread                *worker;
  GMainContext           *context;
  GMainLoop              *loop;
  GSource                *queue_source;
  guint64                 dispatched_seq;    /* worker only */
  guint64                 reported_dropped;  /* worker only */
  FapilogEntry          **pop_buffer;        /* worker only */

  /* Simple sinks whose methods run in a main context: a blocking call on
   * the thread that may run it runs their calls while it waits. */
  GPtrArray              *context_sinks;     /* FapilogSimpleSink*; set before start */
};

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_LEVEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FapilogPipeline, fapilog_pipeline, G_TYPE_OBJECT)

static void
wake_worker (gpointer user_data)
{
  FapilogPipeline *self = user_data;

  g_main_context_wakeup (self->context);
}

/* ---- worker side ---------------------------------------------------------- */

static void flush_waiter_return_in_context (FlushWaiter *waiter);

/* Recomputes how far every entry has got and completes the flushes that
 * were waiting for it. Called on the worker after each batch and each sink
 * completion. */
static void update_progress (FapilogPipeline *self);

static void
on_buffering_flushed (const GError *error,
                      gpointer      user_data)
{
  FapilogPipeline *self = user_data;

  self->flushed_seq = self->flush_round_seq;
  self->flush_round_seq = 0;
  update_progress (self);
}

static void
update_progress (FapilogPipeline *self)
{
  guint64 settled = _fapilog_queue_settled_seq (self->queue);
  guint64 accepted = _fapilog_fanout_completed_seq (self->fanout, settled);
  gboolean buffering = _fapilog_fanout_has_buffering_sinks (self->fanout);
  gboolean start_round = FALSE;
  GList *done = NULL;

  if (self->backpressure)
    _fapilog_queue_set_paused (self->queue,
                               _fapilog_fanout_is_saturated (self->fanout, self->batch_max));

  g_mutex_lock (&self->lock);
  if (accepted > self->accepted_seq)
    self->accepted_seq = accepted;
  if (!buffering)
    self->completed_seq = self->accepted_seq;
  else
    {
      /* A buffering sink may hold accepted entries for its own batching: a
       * flush is complete only once a flush of those sinks, started after
       * everything it waits for was accepted, has finished. */
      self->completed_seq = MAX (self->completed_seq, MIN (self->accepted_seq, self->flushed_seq));
      /* Once shutting down, the sinks' stop delivers what they hold. */
      start_round = self->state == STATE_RUNNING &&
                    self->flush_round_seq == 0 &&
                    self->flush_wanted_seq > self->flushed_seq &&
                    self->accepted_seq >= self->flush_wanted_seq;
      if (start_round)
        self->flush_round_seq = self->accepted_seq;
    }
  for (GList *l = self->flush_waiters; l != NULL;)
    {
      FlushWaiter *waiter = l->data;
      GList *next = l->next;

      if (waiter->target <= self->completed_seq)
        {
          self->flush_waiters = g_list_delete_link (self->flush_waiters, l);
          done = g_list_prepend (done, waiter);
        }
      l = next;
    }
  /* This runs after every batch and every sink write, and GLib's broadcast
   * is a system call even when nobody waits: skip it then. */
  if (self->n_cond_waiters > 0)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  for (GList *l = done; l != NULL; l = l->next)
    flush_waiter_return_in_context (l->data);
  g_list_free (done);

  if (start_round)
    _fapilog_fanout_flush_buffering (self->fanout, on_buffering_flushed, self);
}

static void
on_fanout_progress (gpointer user_data)
{
  update_progress (user_data);
}

/* One diagnostic per batch at most, and the diagnostics' own rate limit on
 * top: a flood of drops costs the worker a counter read per batch. */
static void
report_drops (FapilogPipeline *self)
{
  FapilogQueueCounters counters;

  _fapilog_queue_get_counters (self->queue, &counters);
  if (counters.dropped > self->reported_dropped)
    {
      _fapilog_diag_warn ("backpressure", "queue full; entries dropped",
                          "dropped", "t", counters.dropped - self->reported_dropped,
                          "dropped_total", "t", counters.dropped,
                          "queue_high_watermark", "t", counters.high_watermark,
                          NULL);
      self->reported_dropped = counters.dropped;
    }
}

/* Full batches found waiting are taken in the same dispatch, up to this
 * many: each main loop iteration costs a poll() and two queue locks, while
 * sink completions and timers must still get their turn after a few
 * batches. A partial batch is never taken this way: it waits for its
 * timeout as before. */
#define MAX_BATCHES_PER_DISPATCH 8

static void
dispatch_popped (FapilogPipeline *self,
                 guint            n)
{
  FapilogEntry **entries;
  FapilogBatch *batch;

  entries = g_new (FapilogEntry *, n);
  memcpy (entries, self->pop_buffer, sizeof (FapilogEntry *) * n);
  /* Not serialized here: the first sink that reads the bytes makes them,
   * on its own thread if it reads them there (rotating_file does). */
  batch = _fapilog_batch_new_take_deferred (entries, n);
  self->dispatched_seq = batch->last_seq;
  _fapilog_fanout_dispatch (self->fanout, batch);
  fapilog_batch_unref (batch);
  _fapilog_queue_account (self->queue, n, 0);
}

static gboolean
on_batch_due (gpointer user_data)
{
  FapilogPipeline *self = user_data;
  guint n;

  n = _fapilog_queue_pop (self->queue, self->pop_buffer, self->batch_max);
  for (guint round = 1; n > 0; round++)
    {
      dispatch_popped (self, n);
      /* Never past a sink's backlog: its completions come only after this
       * dispatch, and the next batch would be refused (dropped) or the
       * queue paused, which a batch at a time would not have done. */
      if (round >= MAX_BATCHES_PER_DISPATCH ||
          _fapilog_fanout_is_saturated (self->fanout, self->batch_max))
        break;
      n = _fapilog_queue_pop_full (self->queue, self->pop_buffer, self->batch_max);
    }

  report_drops (self);
  update_progress (self);
  return G_SOURCE_CONTINUE;
}

static gpointer
worker_main (gpointer data)
{
  FapilogPipeline *self = data;
  sigset_t block;

  /* A sink writing to a closed pipe must get EPIPE, not kill the
   * application: SIGPIPE is blocked on this thread for its whole life. */
  sigemptyset (&block);
  sigaddset (&block, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &block, NULL);

  g_main_context_push_thread_default (self->context);
  g_main_loop_run (self->loop);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* Runs @func on the worker. */
static void
invoke_on_worker (FapilogPipeline *self,
                  GSourceFunc      func)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
on_sinks_started (const GError *error,
                  gpointer      user_data)
{
  FapilogPipeline *self = user_data;

  g_mutex_lock (&self->lock);
  self->sinks_started = TRUE;
  self->start_error = error != NULL ? g_error_copy (error) : NULL;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gboolean
start_sinks_on_worker (gpointer user_data)
{
  FapilogPipeline *self = user_data;

  _fapilog_fanout_start (self->fanout, on_sinks_started, self);
  return G_SOURCE_REMOVE;
}

static void
on_sinks_stopped (const GError *error,
                  gpointer      user_data)
{
  FapilogPipeline *self = user_data;

  g_mutex_lock (&self->lock);
  self->sinks_stopped = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  /* Stopped buffering sinks have reported everything they held. */
  self->flushed_seq = G_MAXUINT64;
  update_progress (self);
}

static gboolean
stop_sinks_on_worker (gpointer user_data)
{
  FapilogPipeline *self = user_data;

  _fapilog_fanout_stop (self->fanout, self->stop_deadline_us, on_sinks_stopped, self);
  return G_SOURCE_REMOVE;
}

/* The simple sinks' waker: a call was queued for a sink's main context. */
static void
on_sink_call_posted (gpointer user_data)
{
  FapilogPipeline *self = user_data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Waits for self->cond with self->lock held, counted so that
 * update_progress() broadcasts only when someone waits. Every wait on
 * self->cond goes through here. */
static gboolean
cond_wait_until (FapilogPipeline *self,
                 gint64           deadline_us)
{
  gboolean signalled = TRUE;

  self->n_cond_waiters++;
  if (deadline_us == G_MAXINT64)
    g_cond_wait (&self->cond, &self->lock);
  else
    signalled = g_cond_wait_until (&self->cond, &self->lock, deadline_us);
  self->n_cond_waiters--;
  return signalled;
}

/* Waits for self->cond, with self->lock held, until @deadline_us (monotonic;
 * G_MAXINT64 = none); FALSE once it has passed. On a thread that may run the
 * main context of a simple sink of this pipeline, runs the calls queued for
 * that sink instead (and returns, so the caller checks again): the thread
 * that runs a GJS sink's context would otherwise wait for itself. The look
 * for calls is made without letting go of the lock, and a sink queues a call
 * before it broadcasts under the lock, so no wake-up is lost. */
static gboolean
pipeline_wait (FapilogPipeline *self,
               gint64           deadline_us)
{
  for (guint i = 0; self->context_sinks != NULL && i < self->context_sinks->len; i++)
    {
      FapilogSimpleSink *sink = g_ptr_array_index (self->context_sinks, i);

      if (deadline_us != G_MAXINT64 && g_get_monotonic_time () >= deadline_us)
        return FALSE;
      if (_fapilog_simple_sink_claim_pending (sink))
        {
          g_mutex_unlock (&self->lock);
          _fapilog_simple_sink_run_claimed (sink);
          g_mutex_lock (&self->lock);
          return TRUE;
        }
    }
  return cond_wait_until (self, deadline_us);
}

/* Stops the sinks (last first) on the worker, then ends the worker thread.
 * @deadline_us is monotonic; G_MAXINT64 waits as long as the sinks take. */
static void
stop_sinks_and_join (FapilogPipeline *self,
                     gint64           deadline_us)
{
  gint64 last_resort;
  gboolean stopped;

  self->stop_deadline_us = deadline_us;
  last_resort = deadline_us == G_MAXINT64
    ? G_MAXINT64
    : deadline_us + SHUTDOWN_LAST_RESORT_US +
      (gint64) _fapilog_fanout_get_n_sinks (self->fanout) * 300 * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&self->lock);
  self->sinks_stopped = FALSE;
  g_mutex_unlock (&self->lock);
  invoke_on_worker (self, stop_sinks_on_worker);

  g_mutex_lock (&self->lock);
  while (!self->sinks_stopped)
    {
      if (!pipeline_wait (self, last_resort))
        break;
    }
  stopped = self->sinks_stopped;
  g_mutex_unlock (&self->lock);

  g_main_loop_quit (self->loop);
  if (stopped)
    g_thread_join (self->worker);
  else
    {
      /* The worker is stuck inside a sink and ignores its deadline. It
       * still points at this pipeline, so the pipeline must outlive it:
       * keep a reference forever rather than free memory under it. */
      _fapilog_diag_warn ("pipeline", "worker thread did not finish; abandoning it", NULL);
      g_object_ref (self);
      g_thread_unref (self->worker);
    }
  self->worker = NULL;
}

/* ---- construction ------------------------------------------------------- */

/* A GSettings key that can change while the pipeline runs did, in the
 * main context the GSettings object belongs to; @live holds the settings
 * with the new value, which no higher source overrides. */
static void
on_live_setting_changed (GObject         *target,
                         FapilogSettings *live,
                         GParamSpec      *pspec)
{
  FapilogPipeline *self = FAPILOG_PIPELINE (target);

  if (strcmp (pspec->name, "log-level") == 0)
    fapilog_pipeline_set_level (self, live->log_level);
  else if (strcmp (pspec->name, "internal-logging-enabled") == 0)
    _fapilog_diagnostics_set_enabled (live->internal_logging_enabled);
}

static void
fapilog_pipeline_constructed (GObject *object)
{
  FapilogPipeline *self = FAPILOG_PIPELINE (object);
  FapilogSettings *settings;

  G_OBJECT_CLASS (fapilog_pipeline_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = fapilog_settings_new ();
  settings = self->settings;

  self->level = settings->log_level;
  self->batch_max = MAX (settings->batch_max_size, 1);
  self->backpressure = settings->overflow_policy == FAPILOG_OVERFLOW_BLOCK;
  self->statics = _fapilog_envelope_statics_new (settings->service, settings->env,
                                                 settings->version);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->queue = _fapilog_queue_new (settings->max_queue_size,
                                    _fapilog_settings_get_protected_queue_size (settings),
                                    settings->protected_levels_mask,
                                    settings->overflow_policy,
                                    settings->backpressure_wait_ms,
                                    self->batch_max,
                                    (gint64) (settings->batch_timeout_seconds * G_USEC_PER_SEC),
                                    wake_worker, self);
  self->fanout = _fapilog_fanout_new (settings->serialize_in_flush,
                                      (gint64) (settings->sink_write_timeout_seconds * G_USEC_PER_SEC),
                                      _fapilog_settings_get_sink_backlog_size (settings),
                                      on_fanout_progress, self);
  self->pop_buffer = g_new (FapilogEntry *, self->batch_max);
  _fapilog_diagnostics_set_enabled (settings->internal_logging_enabled);
  self->follower = _fapilog_settings_follow (settings, object, on_live_setting_changed);
}

static gpointer
shutdown_and_release (gpointer data)
{
  FapilogPipeline *self = data;

  fapilog_stats_unref (fapilog_pipeline_shutdown (self,
                         (gint64) (self->settings->shutdown_timeout_seconds * G_USEC_PER_SEC)));
  g_object_unref (self);
  return NULL;
}

static void
fapilog_pipeline_dispose (GObject *object)
{
  FapilogPipeline *self = FAPILOG_PIPELINE (object);

  if (self->state == STATE_RUNNING && self->worker != NULL && g_thread_self () == self->worker)
    {
      /* The last reference went away on the worker (a sink held it). The
       * worker cannot wait for itself, so the pipeline stays alive and
       * another thread shuts it down and drops this new reference. */
      g_thread_unref (g_thread_new ("fapilog-shutdown", shutdown_and_release, g_object_ref (self)));
      return;
    }

  if (self->state == STATE_RUNNING)
    {
      FapilogStats *stats =
        fapilog_pipeline_shutdown (self, (gint64) (self->settings->shutdown_timeout_seconds * G_USEC_PER_SEC));
      fapilog_stats_unref (stats);
    }

  _fapilog_settings_unfollow (g_atomic_pointer_exchange (&self->follower, NULL));

  G_OBJECT_CLASS (fapilog_pipeline_parent_class)->dispose (object);
}

static void
fapilog_pipeline_finalize (GObject *object)
{
  FapilogPipeline *self = FAPILOG_PIPELINE (object);

  if (self->context_sinks != NULL)
    {
      for (guint i = 0; i < self->context_sinks->len; i++)
        _fapilog_simple_sink_remove_waker (g_ptr_array_index (self->context_sinks, i), self);
      g_ptr_array_unref (self->context_sinks);
    }
  _fapilog_fanout_free (self->fanout);
  _fapilog_queue_free (self->queue);
  if (self->queue_source != NULL)
    {
      g_source_destroy (self->queue_source);
      g_source_unref (self->queue_source);
    }
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  _fapilog_envelope_statics_unref (self->statics);
  g_clear_object (&self->settings);
  g_clear_error (&self->start_error);
  g_free (self->pop_buffer);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fapilog_pipeline_parent_class)->finalize (object);
}

static void
fapilog_pipeline_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FapilogPipeline *self = FAPILOG_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_LEVEL:
      g_value_set_enum (value, fapilog_pipeline_get_level (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_pipeline_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FapilogPipeline *self = FAPILOG_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      {
        FapilogSettings *settings = g_value_get_object (value);
        /* A private copy: the caller may go on changing theirs. */
        self->settings = settings != NULL ? fapilog_settings_copy (settings) : NULL;
      }
      break;
    case PROP_LEVEL:
      fapilog_pipeline_set_level (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_pipeline_class_init (FapilogPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fapilog_pipeline_constructed;
  object_class->dispose = fapilog_pipeline_dispose;
  object_class->finalize = fapilog_pipeline_finalize;
  object_class->get_property = fapilog_pipeline_get_property;
  object_class->set_property = fapilog_pipeline_set_property;

  /**
   * FapilogPipeline:settings:
   *
   * The settings the pipeline was made with (a private copy, so changing
   * the object passed in has no effect afterwards).
   *
   * Since: 1.0
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, FAPILOG_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * FapilogPipeline:level:
   *
   * The level gate: entries below it are discarded in the log call. It can
   * be changed at any time, from any thread.
   *
   * Since: 1.0
   */
  properties[PROP_LEVEL] =
    g_param_spec_enum ("level", NULL, NULL, FAPILOG_TYPE_LEVEL, FAPILOG_LEVEL_INFO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fapilog_pipeline_init (FapilogPipeline *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->state = STATE_CREATED;
}

/**
 * fapilog_pipeline_new:
 * @settings: (nullable): the settings; %NULL means the built-in defaults
 *
 * Makes a pipeline. It accepts entries at once but delivers them only
 * after [method@Fapilog.Pipeline.start]. Sinks are added with
 * [method@Fapilog.Pipeline.add_sink] before starting; a pipeline started
 * without any gets the sinks its settings name.
 *
 * Returns: (transfer full): a new pipeline
 *
 * Since: 1.0
 */
FapilogPipeline *
fapilog_pipeline_new (FapilogSettings *settings)
{
  g_return_val_if_fail (settings == NULL || FAPILOG_IS_SETTINGS (settings), NULL);

  return g_object_new (FAPILOG_TYPE_PIPELINE, "settings", settings, NULL);
}

/**
 * fapilog_pipeline_new_from_environment:
 * @error: return location for a #GError
 *
 * Makes a pipeline configured from outside the program: the preset
 * named by `FAPILOG_PRESET`, then the GSettings schema `org.fapilog` when
 * it is installed (a missing schema is not an error), then the `FAPILOG_*`
 * environment variables, each overriding the one before (see
 * [method@Fapilog.Settings.apply_gsettings] and
 * [method@Fapilog.Settings.apply_environment]). The pipeline gets the
 * sinks they select (`FAPILOG_CORE__SINKS`, or the default selection:
 * `http` when `FAPILOG_HTTP__ENDPOINT` is set, `rotating_file` when
 * `FAPILOG_FILE__DIRECTORY` is set, otherwise `stdout_pretty` on a
 * terminal and `stdout_json` elsewhere). It is not started, so more sinks
 * can be added.
 *
 * While the pipeline lives, it follows the GSettings keys `log-level` and
 * `internal-logging-enabled` unless the environment sets them; their
 * changes arrive through the main context that was the thread-default
 * one when this was called, which must be running.
 *
 * Returns: (transfer full): a new pipeline, or %NULL with a
 *   %FAPILOG_CONFIG_ERROR naming the bad variable or key
 *
 * Since: 1.0
 */
FapilogPipeline *
fapilog_pipeline_new_from_environment (GError **error)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogPipeline) pipeline = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_fapilog_settings_apply_startup (settings, error))
    return NULL;
  pipeline = fapilog_pipeline_new (settings);
  if (!fapilog_pipeline_add_configured_sinks (pipeline, error))
    return NULL;
  return g_steal_pointer (&pipeline);
}

/**
 * fapilog_pipeline_add_sink:
 * @self: a pipeline
 * @sink: (transfer none): a sink
 *
 * Adds a sink. Sinks are added before [method@Fapilog.Pipeline.start];
 * they are started in the order added and stopped in reverse order.
 *
 * Since: 1.0
 */
void
fapilog_pipeline_add_sink (FapilogPipeline *self,
                           FapilogSink     *sink)
{
  gboolean added;

  g_return_if_fail (FAPILOG_IS_PIPELINE (self));
  g_return_if_fail (FAPILOG_IS_SINK (sink));

  g_mutex_lock (&self->lock);
  if (self->state != STATE_CREATED)
    {
      g_mutex_unlock (&self->lock);
      g_critical ("fapilog_pipeline_add_sink: sinks must be added before the pipeline starts");
      return;
    }
  added = _fapilog_fanout_add_sink (self->fanout, sink);
  if (added && _fapilog_simple_sink_get_call_context (sink) != NULL)
    {
      if (self->context_sinks == NULL)
        self->context_sinks = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->context_sinks, g_object_ref (sink));
    }
  g_mutex_unlock (&self->lock);

  /* Outside our lock: the sink calls the waker with its own lock held. */
  if (added && _fapilog_simple_sink_get_call_context (sink) != NULL)
    _fapilog_simple_sink_add_waker (FAPILOG_SIMPLE_SINK (sink), on_sink_call_posted, self);

  if (!added)
    g_critical ("fapilog_pipeline_add_sink: %s implements none of write_async, "
                "write_serialized_async and write_batch_async", G_OBJECT_TYPE_NAME (sink));
}

static char **
default_sink_names (FapilogSettings *settings)
{
  const char *name;

  if (settings->sinks != NULL && settings->sinks[0] != NULL)
    return g_strdupv (settings->sinks);
  if (settings->http_endpoint != NULL && *settings->http_endpoint != '\0')
    name = "http";
  else if (settings->file_directory != NULL && *settings->file_directory != '\0')
    name = "rotating_file";
  else
    name = isatty (STDOUT_FILENO) ? "stdout_pretty" : "stdout_json";
  return g_strdupv ((char *[]) { (char *) name, NULL });
}

/**
 * fapilog_pipeline_add_configured_sinks:
 * @self: a pipeline
 * @error: return location for a #GError
 *
 * Adds the sinks named by the pipeline's settings
 * ([property@Fapilog.Settings:sinks]), or the default selection when that
 * is empty. Either all of them are added or none.
 *
 * Returns: %TRUE on success; %FALSE with %FAPILOG_CONFIG_ERROR_UNKNOWN_SINK
 *   or the sink's own error otherwise
 *
 * Since: 1.0
 */
gboolean
fapilog_pipeline_add_configured_sinks (FapilogPipeline  *self,
                                       GError          **error)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) sinks = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  names = default_sink_names (self->settings);
  for (guint i = 0; names[i] != NULL; i++)
    {
      FapilogSink *sink = fapilog_sink_registry_create (names[i], self->settings, error);

      if (sink == NULL)
        return FALSE;
      g_ptr_array_add (sinks, sink);
    }
  for (guint i = 0; i < sinks->len; i++)
    fapilog_pipeline_add_sink (self, g_ptr_array_index (sinks, i));
  return TRUE;
}

/**
 * fapilog_pipeline_start:
 * @self: a pipeline
 * @error: return location for a #GError
 *
 * Starts the worker thread and every sink (waiting for them), then begins
 * delivering entries, including any logged before this call. If a sink
 * fails to start, the sinks already started are stopped again and the
 * pipeline stays unstarted.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
fapilog_pipeline_start (FapilogPipeline  *self,
                        GError          **error)
{
  GError *start_error;

  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (_fapilog_fanout_get_n_sinks (self->fanout) == 0 &&
      !fapilog_pipeline_add_configured_sinks (self, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  if (self->state != STATE_CREATED)
    {
      PipelineState state = self->state;
      g_mutex_unlock (&self->lock);
      if (state == STATE_RUNNING)
        g_set_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_ALREADY_STARTED,
                     "the pipeline is already running");
      else
        g_set_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_CLOSED,
                     "the pipeline was shut down; make a new one");
      return FALSE;
    }
  self->state = STATE_RUNNING;
  self->sinks_started = FALSE;
  g_mutex_unlock (&self->lock);

  _fapilog_diagnostics_set_enabled (self->settings->internal_logging_enabled);
  self->worker = g_thread_new ("fapilog-worker", worker_main, self);

  /* Sinks start before the queue is served, so no write reaches a sink
   * that is not ready. */
  invoke_on_worker (self, start_sinks_on_worker);
  g_mutex_lock (&self->lock);
  while (!self->sinks_started)
    pipeline_wait (self, G_MAXINT64);
  start_error = g_steal_pointer (&self->start_error);
  g_mutex_unlock (&self->lock);

  if (start_error != NULL)
    {
      /* Undo: stop what did start and end the thread. The pipeline stays
       * unstarted and keeps what was queued, so nothing is lost silently:
       * the caller may add other sinks and start again. */
      stop_sinks_and_join (self, g_get_monotonic_time () +
                           (gint64) (self->settings->shutdown_timeout_seconds * G_USEC_PER_SEC));
      g_mutex_lock (&self->lock);
      self->state = STATE_CREATED;
      g_mutex_unlock (&self->lock);
      g_propagate_error (error, start_error);
      return FALSE;
    }

  self->queue_source = _fapilog_queue_source_new (self->queue);
  g_source_set_callback (self->queue_source, on_batch_due, self, NULL);
  g_source_attach (self->queue_source, self->context);
  return TRUE;
}

/* ---- flush ------------------------------------------------------------------ */

static gboolean
progress_on_worker (gpointer user_data)
{
  update_progress (user_data);
  return G_SOURCE_REMOVE;
}

/* Checks whether a flush/shutdown may block, and what it must wait for. */
static gboolean
begin_wait (FapilogPipeline  *self,
            const char       *what,
            gboolean          for_flush,
            guint64          *target,
            GError          **error)
{
  if (self->worker != NULL && g_thread_self () == self->worker)
    {
      g_set_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_WOULD_DEADLOCK,
                   "%s called on the pipeline's own worker thread (from a sink?) would wait "
                   "for itself", what);
      return FALSE;
    }
  *target = _fapilog_queue_last_seq (self->queue);
  if (for_flush)
    {
      g_mutex_lock (&self->lock);
      self->flush_wanted_seq = MAX (self->flush_wanted_seq, *target);
      g_mutex_unlock (&self->lock);
    }
  _fapilog_queue_expedite (self->queue, *target);
  /* Recompute progress even if the queue is already empty. */
  invoke_on_worker (self, progress_on_worker);
  return TRUE;
}

static gboolean
check_running (FapilogPipeline  *self,
               GError          **error)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = self->state == STATE_RUNNING;
  if (self->state == STATE_CREATED)
    g_set_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_NOT_STARTED,
                 "the pipeline has not been started");
  else if (!ok)
    g_set_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_CLOSED,
                 "the pipeline was shut down");
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * fapilog_pipeline_flush:
 * @self: a pipeline
 * @timeout_us: how long to wait, in microseconds; negative waits as long
 *   as it takes
 * @error: return location for a #GError
 *
 * Waits until every entry logged before the call has been written or has
 * failed, in every sink. Entries logged meanwhile by other threads may or
 * may not be included.
 *
 * Must not be called from a sink (the worker thread):
 * %FAPILOG_PIPELINE_ERROR_WOULD_DEADLOCK.
 *
 * Returns: %TRUE when everything was delivered; %FALSE with
 *   %FAPILOG_PIPELINE_ERROR_TIMED_OUT when the time ran out first
 *
 * Since: 1.0
 */
gboolean
fapilog_pipeline_flush (FapilogPipeline  *self,
                        gint64            timeout_us,
                        GError          **error)
{
  gint64 deadline;
  guint64 target;
  gboolean done;

  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_running (self, error) || !begin_wait (self, "fapilog_pipeline_flush", TRUE, &target, error))
    return FALSE;

  deadline = timeout_us < 0 ? G_MAXINT64 : g_get_monotonic_time () + timeout_us;
  g_mutex_lock (&self->lock);
  while (self->completed_seq < target)
    {
      if (!pipeline_wait (self, deadline))
        break;
    }
  done = self->completed_seq >= target;
  g_mutex_unlock (&self->lock);

  if (!done)
    g_set_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_TIMED_OUT,
                 "flush did not complete within %" G_GINT64_FORMAT " µs", timeout_us);
  return done;
}

static void
flush_waiter_free (FlushWaiter *waiter)
{
  if (waiter->timeout != NULL)
    {
      g_source_destroy (waiter->timeout);
      g_source_unref (waiter->timeout);
    }
  g_object_unref (waiter->task);
  g_free (waiter);
}

/* Returns the task once: the caller has already removed @waiter from the
 * list under the lock, so no other path can reach it. */
static void
flush_waiter_return (FlushWaiter *waiter,
                     GError      *error)
{
  GCancellable *cancellable = g_task_get_cancellable (waiter->task);

  if (waiter->cancel_id != 0)
    g_cancellable_disconnect (cancellable, waiter->cancel_id);
  if (error != NULL)
    g_task_return_error (waiter->task, error);
  else
    g_task_return_boolean (waiter->task, TRUE);
  flush_waiter_free (waiter);
}

static gboolean
return_success_in_idle (gpointer user_data)
{
  flush_waiter_return (user_data, NULL);
  return G_SOURCE_REMOVE;
}

/* Completes a claimed waiter from its task's own context. The worker must
 * not do it: dropping the waiter's task reference there could drop the
 * last reference to the pipeline on its own worker thread, which cannot
 * join itself. */
static void
flush_waiter_return_in_context (FlushWaiter *waiter)
{
  GSource *idle = g_idle_source_new ();

  g_source_set_callback (idle, return_success_in_idle, waiter, NULL);
  g_source_set_static_name (idle, "fapilog flush completion");
  g_source_attach (idle, g_task_get_context (waiter->task));
  g_source_unref (idle);
}

/* Removes @waiter if it is still waiting; returns whether it was. */
static gboolean
flush_waiter_claim (FapilogPipeline *self,
                    FlushWaiter     *waiter)
{
  GList *link;

  g_mutex_lock (&self->lock);
  link = g_list_find (self->flush_waiters, waiter);
  if (link != NULL)
    self->flush_waiters = g_list_delete_link (self->flush_waiters, link);
  g_mutex_unlock (&self->lock);
  return link != NULL;
}

static gboolean
on_flush_timeout (gpointer user_data)
{
  FlushWaiter *waiter = user_data;
  FapilogPipeline *self = g_task_get_source_object (waiter->task);

  if (flush_waiter_claim (self, waiter))
    {
      /* The source is being dispatched; flush_waiter_free must not
       * destroy it again. */
      g_clear_pointer (&waiter->timeout, g_source_unref);
      flush_waiter_return (waiter,
                           g_error_new (FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_TIMED_OUT,
                                        "flush did not complete in time"));
    }
  return G_SOURCE_REMOVE;
}

static gboolean
return_cancelled_in_idle (gpointer user_data)
{
  FlushWaiter *waiter = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (g_task_get_cancellable (waiter->task), &error);
  flush_waiter_return (waiter, error);
  return G_SOURCE_REMOVE;
}

static void
on_flush_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  FlushWaiter *waiter = user_data;
  FapilogPipeline *self = g_task_get_source_object (waiter->task);

  /* Disconnecting from inside the handler would deadlock, so the return
   * happens from an idle in the task's context. */
  if (flush_waiter_claim (self, waiter))
    {
      GSource *idle = g_idle_source_new ();
      waiter->cancel_id = 0;
      g_source_set_callback (idle, return_cancelled_in_idle, waiter, NULL);
      g_source_attach (idle, g_task_get_context (waiter->task));
      g_source_unref (idle);
    }
}

/**
 * fapilog_pipeline_flush_async:
 * @self: a pipeline
 * @timeout_us: how long to wait, in microseconds; negative waits as long
 *   as it takes
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the flush is complete
 * @user_data: data for @callback
 *
 * The asynchronous form of [method@Fapilog.Pipeline.flush], for programs
 * with a main loop: @callback runs in the thread-default main context of
 * the caller.
 *
 * Since: 1.0
 */
void
fapilog_pipeline_flush_async (FapilogPipeline     *self,
                              gint64               timeout_us,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  FlushWaiter *waiter;
  guint64 target;

  g_return_if_fail (FAPILOG_IS_PIPELINE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fapilog_pipeline_flush_async);

  if (!check_running (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Registered before asking the worker to look, so no completion is
   * missed; the target is known only then, so it is filled in under the
   * lock. */
  waiter = g_new0 (FlushWaiter, 1);
  waiter->task = g_object_ref (task);
  waiter->target = G_MAXUINT64;
  g_mutex_lock (&self->lock);
  self->flush_waiters = g_list_prepend (self->flush_waiters, waiter);
  g_mutex_unlock (&self->lock);

  if (timeout_us >= 0)
    {
      waiter->timeout = g_timeout_source_new ((guint) MIN ((timeout_us + 999) / 1000, G_MAXUINT));
      g_source_set_callback (waiter->timeout, on_flush_timeout, waiter, NULL);
      g_source_attach (waiter->timeout, g_task_get_context (task));
    }
  if (cancellable != NULL)
    waiter->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_flush_cancelled),
                                               waiter, NULL);

  if (!begin_wait (self, "fapilog_pipeline_flush_async", TRUE, &target, &error))
    {
      if (flush_waiter_claim (self, waiter))
        flush_waiter_return (waiter, error);
      else
        g_clear_error (&error);
      return;
    }
  g_mutex_lock (&self->lock);
  waiter->target = target;
  g_mutex_unlock (&self->lock);
  invoke_on_worker (self, progress_on_worker);
}

/**
 * fapilog_pipeline_flush_finish:
 * @self: a pipeline
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when everything logged before the flush was delivered
 *
 * Since: 1.0
 */
gboolean
fapilog_pipeline_flush_finish (FapilogPipeline  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, fapilog_pipeline_flush_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- shutdown ------------------------------------------------------------- */

static gboolean
finish_drain_on_worker (gpointer user_data)
{
  FapilogPipeline *self = user_data;
  guint64 unsent;

  /* Whatever the deadline left behind: queued entries are reported as
   * unsent, entries a sink still holds are failed (and go to the stderr
   * fallback) so that no sink is left owing anything. */
  unsent = _fapilog_queue_discard_unsent (self->queue);
  _fapilog_fanout_fail_pending (self->fanout, "shutdown deadline passed");
  if (unsent > 0)
    _fapilog_diag_warn ("pipeline", "shutdown deadline passed with entries still queued",
                        "unsent", "t", unsent, NULL);
  g_mutex_lock (&self->lock);
  self->drain_finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

/**
 * fapilog_pipeline_shutdown:
 * @self: a pipeline
 * @timeout_us: the deadline, in microseconds from now; negative waits as
 *   long as it takes
 *
 * Stops accepting entries, delivers what is queued within the deadline,
 * stops the sinks in reverse order and ends the worker thread. Entries still
 * queued at the deadline are counted as unsent; entries a sink had not
 * finished are counted as failed for that sink and written to the stderr
 * fallback.
 *
 * After shutdown, log calls are counted as dropped; the pipeline does not
 * restart. Calling shutdown again returns the same final counts.
 *
 * Called from the worker thread (from inside a sink), shutdown cannot wait
 * for itself: it closes the queue, emits a diagnostic and returns the
 * current counts; the owner of the pipeline completes the shutdown.
 *
 * Returns: (transfer full): the final statistics
 *
 * Since: 1.0
 */
FapilogStats *
fapilog_pipeline_shutdown (FapilogPipeline *self,
                           gint64           timeout_us)
{
  gint64 deadline;
  guint64 target;
  PipelineState previous;
  GError *error = NULL;

  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), NULL);

  deadline = timeout_us < 0 ? G_MAXINT64 : g_get_monotonic_time () + timeout_us;

  g_mutex_lock (&self->lock);
  previous = self->state;
  if (previous == STATE_RUNNING)
    self->state = STATE_SHUTTING_DOWN;
  else if (previous == STATE_CREATED)
    self->state = STATE_SHUT_DOWN;
  g_mutex_unlock (&self->lock);

  _fapilog_queue_close (self->queue);

  if (previous == STATE_CREATED)
    {
      /* Never started: nothing can deliver what was queued. */
      _fapilog_queue_discard_unsent (self->queue);
      return fapilog_pipeline_get_stats (self);
    }
  if (previous != STATE_RUNNING)
    {
      /* Shut down already, or being shut down by another thread: wait for
       * that to end so the counts are final. */
      g_mutex_lock (&self->lock);
      while (self->state != STATE_SHUT_DOWN)
        pipeline_wait (self, G_MAXINT64);
      g_mutex_unlock (&self->lock);
      return fapilog_pipeline_get_stats (self);
    }

  if (!begin_wait (self, "fapilog_pipeline_shutdown", FALSE, &target, &error))
    {
      /* From inside a sink: cannot wait for ourselves. The queue is closed;
       * the pipeline's owner completes the shutdown. */
      _fapilog_diag_warn ("pipeline", "shutdown from the worker thread refused",
                          "error", "s", error->message, NULL);
      g_error_free (error);
      g_mutex_lock (&self->lock);
      self->state = STATE_RUNNING;
      g_mutex_unlock (&self->lock);
      return fapilog_pipeline_get_stats (self);
    }
  _fapilog_queue_set_draining (self->queue);

  /* Buffering sinks deliver what they hold when they are stopped. */
  g_mutex_lock (&self->lock);
  while (self->accepted_seq < target)
    {
      if (!pipeline_wait (self, deadline))
        break;
    }
  self->drain_finished = FALSE;
  g_mutex_unlock (&self->lock);

  invoke_on_worker (self, finish_drain_on_worker);
  g_mutex_lock (&self->lock);
  while (!self->drain_finished)
    pipeline_wait (self, G_MAXINT64);
  g_mutex_unlock (&self->lock);

  stop_sinks_and_join (self, deadline);
  _fapilog_settings_unfollow (g_atomic_pointer_exchange (&self->follower, NULL));

  g_mutex_lock (&self->lock);
  self->state = STATE_SHUT_DOWN;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  return fapilog_pipeline_get_stats (self);
}

/* ---- queries -------------------------------------------------------------- */

/**
 * fapilog_pipeline_get_stats:
 * @self: a pipeline
 *
 * Takes a snapshot of the counters. Safe from any thread at any time.
 *
 * Returns: (transfer full): the statistics
 *
 * Since: 1.0
 */
FapilogStats *
fapilog_pipeline_get_stats (FapilogPipeline *self)
{
  FapilogQueueCounters counters;
  GPtrArray *names;
  GArray *written, *failed;

  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), NULL);

  names = g_ptr_array_new_with_free_func (g_free);
  written = g_array_new (FALSE, FALSE, sizeof (guint64));
  failed = g_array_new (FALSE, FALSE, sizeof (guint64));
  _fapilog_queue_get_counters (self->queue, &counters);
  _fapilog_fanout_get_sink_counts (self->fanout, names, written, failed);
  return _fapilog_stats_new (&counters, names, written, failed);
}

/**
 * fapilog_pipeline_get_logger:
 * @self: a pipeline
 * @name: (nullable): the logger name; %NULL means `"root"`
 *
 * Returns a logger that logs into this pipeline. Loggers are cheap and
 * keep the pipeline alive.
 *
 * Returns: (transfer full): a new logger
 *
 * Since: 1.0
 */
FapilogLogger *
fapilog_pipeline_get_logger (FapilogPipeline *self,
                             const char      *name)
{
  FapilogLoggerCore *core;
  FapilogLogger *logger;

  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), NULL);

  core = _fapilog_logger_core_new (name, NULL, self->statics);
  logger = _fapilog_logger_new (self, core);
  _fapilog_logger_core_unref (core);
  return logger;
}

/**
 * fapilog_pipeline_get_settings:
 * @self: a pipeline
 *
 * Returns: (transfer none): the pipeline's settings (read them; changing
 *   them has no effect on a pipeline that exists)
 *
 * Since: 1.0
 */
FapilogSettings *
fapilog_pipeline_get_settings (FapilogPipeline *self)
{
  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), NULL);
  return self->settings;
}

/**
 * fapilog_pipeline_get_level:
 * @self: a pipeline
 *
 * Returns: the current level gate
 *
 * Since: 1.0
 */
FapilogLevel
fapilog_pipeline_get_level (FapilogPipeline *self)
{
  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), FAPILOG_LEVEL_INFO);
  return (FapilogLevel) g_atomic_int_get (&self->level);
}

/**
 * fapilog_pipeline_set_level:
 * @self: a pipeline
 * @level: the new level gate
 *
 * Changes the level gate at once, for every logger of the pipeline, from
 * any thread. A pipeline that follows GSettings (see
 * [method@Fapilog.Settings.apply_gsettings]) sets it again when the
 * `log-level` key next changes.
 *
 * Since: 1.0
 */
void
fapilog_pipeline_set_level (FapilogPipeline *self,
                            FapilogLevel     level)
{
  g_return_if_fail (FAPILOG_IS_PIPELINE (self));

  if (g_atomic_int_exchange (&self->level, (gint) level) != (gint) level)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL]);
}

static gboolean
health_on_worker (gpointer user_data)
{
  FapilogPipeline *self = user_data;
  gboolean healthy = _fapilog_fanout_is_healthy (self->fanout);

  g_mutex_lock (&self->lock);
  self->health_result = healthy;
  self->health_done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

/**
 * fapilog_pipeline_is_healthy:
 * @self: a pipeline
 *
 * Asks every sink for its health check (on the worker thread, where sinks
 * live) and looks at their last writes.
 *
 * Returns: %TRUE if the pipeline runs and every sink is healthy and its
 *   last write succeeded
 *
 * Since: 1.0
 */
gboolean
fapilog_pipeline_is_healthy (FapilogPipeline *self)
{
  gboolean healthy;
  gint64 deadline;

  g_return_val_if_fail (FAPILOG_IS_PIPELINE (self), FALSE);

  if (!check_running (self, NULL) || g_thread_self () == self->worker)
    return FALSE;

  g_mutex_lock (&self->lock);
  self->health_done = FALSE;
  g_mutex_unlock (&self->lock);
  invoke_on_worker (self, health_on_worker);

  /* A worker busy for a whole second is not healthy either. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  g_mutex_lock (&self->lock);
  while (!self->health_done)
    if (!cond_wait_until (self, deadline))
      break;
  healthy = self->health_done && self->health_result;
  g_mutex_unlock (&self->lock);
  return healthy;
}

/* ---- for loggers ---------------------------------------------------------- */

gint
_fapilog_pipeline_get_level_gate (FapilogPipeline *self)
{
  return g_atomic_int_get (&self->level);
}

void
_fapilog_pipeline_submit (FapilogPipeline *self,
                          FapilogEntry    *entry)
{
  /* Drops are counted by the queue and reported by the worker (see
   * report_drops): the caller thread does no I/O, not even for that. */
  _fapilog_queue_push (self->queue, entry);
}
