/* test-queue.c: overflow policies, protected levels, order, lossless blocking
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib-unix.h>
#include <string.h>

#include "fapilog-test-utils.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-queue-private.h"
#include "fapilog-settings-private.h"

#define PROTECTED_ERRORS (FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_ERROR) | \
                          FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_CRITICAL))

static void
count_wake (gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

/* An entry whose message is its number, so order is easy to check. */
static FapilogEntry *
numbered (FapilogLevel level,
          int          n)
{
  g_autofree char *message = g_strdup_printf ("%d", n);
  FapilogLoggerCore *core = _fapilog_logger_core_new ("q", NULL, _fapilog_envelope_statics_default ());
  FapilogEntry *entry = _fapilog_entry_new_captured (core, NULL, level, g_get_real_time (), message,
                                                     NULL, 0, NULL, NULL, NULL);

  _fapilog_logger_core_unref (core);
  return entry;
}

static FapilogQueue *
queue_new (guint                 max,
           guint                 protected_size,
           FapilogOverflowPolicy policy,
           gint                  wait_ms,
           gint                 *wakes)
{
  return _fapilog_queue_new (max, protected_size, PROTECTED_ERRORS, policy, wait_ms,
                             256, G_USEC_PER_SEC, count_wake, wakes);
}

/* Appends the messages of @n popped entries to @out, space-separated,
 * and releases the entries. */
static void
take_messages (FapilogQueue  *queue,
               FapilogEntry **entries,
               guint          n,
               GString       *out)
{
  for (guint i = 0; i < n; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, fapilog_entry_get_message (entries[i]));
      fapilog_entry_unref (entries[i]);
    }
  _fapilog_queue_account (queue, n, 0);
}

/* Pops everything and returns the messages joined by spaces. */
static char *
drain_messages (FapilogQueue *queue)
{
  FapilogEntry *entries[64];
  GString *out = g_string_new (NULL);
  guint n;

  while ((n = _fapilog_queue_pop (queue, entries, G_N_ELEMENTS (entries))) > 0)
    take_messages (queue, entries, n, out);
  return g_string_free (out, FALSE);
}

static void
assert_counters (FapilogQueue *queue,
                 guint64       submitted,
                 guint64       dropped,
                 guint64       depth)
{
  FapilogQueueCounters c;

  _fapilog_queue_get_counters (queue, &c);
  g_assert_cmpuint (c.submitted, ==, submitted);
  g_assert_cmpuint (c.dropped, ==, dropped);
  g_assert_cmpuint (c.queue_depth, ==, depth);
  g_assert_cmpuint (c.submitted, ==, c.dropped + c.filtered + c.processed + c.unsent + c.queue_depth);
}

static void
test_drop_newest (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (10, 0, FAPILOG_OVERFLOW_DROP_NEWEST, 50, &wakes);
  g_autofree char *messages = NULL;

  for (int i = 0; i < 15; i++)
    {
      FapilogEnqueueResult result = _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, i));
      g_assert_cmpint (result, ==, i < 10 ? FAPILOG_ENQUEUE_ACCEPTED : FAPILOG_ENQUEUE_DROPPED);
    }
  assert_counters (queue, 15, 5, 10);
  messages = drain_messages (queue);
  /* The first entries survive. */
  g_assert_cmpstr (messages, ==, "0 1 2 3 4 5 6 7 8 9");
  _fapilog_queue_free (queue);
}

/* _fapilog_queue_pop_full() takes exactly a full batch or nothing: a
 * partial batch is left for its timeout, and a paused queue gives none. */
static void
test_pop_full (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (10, 0, FAPILOG_OVERFLOW_DROP_NEWEST, 50, &wakes);
  FapilogEntry *entries[8];
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *rest = NULL;
  int next = 0;

  for (; next < 5; next++)
    _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, next));
  g_assert_cmpuint (_fapilog_queue_pop_full (queue, entries, 4), ==, 4);
  take_messages (queue, entries, 4, out);
  g_assert_cmpstr (out->str, ==, "0 1 2 3");

  /* One, then three entries waiting: not a full batch of four. */
  g_assert_cmpuint (_fapilog_queue_pop_full (queue, entries, 4), ==, 0);
  for (; next < 7; next++)
    _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, next));
  g_assert_cmpuint (_fapilog_queue_pop_full (queue, entries, 4), ==, 0);

  /* Four, but paused. */
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, next++));
  _fapilog_queue_set_paused (queue, TRUE);
  g_assert_cmpuint (_fapilog_queue_pop_full (queue, entries, 4), ==, 0);
  assert_counters (queue, 8, 0, 4);

  _fapilog_queue_set_paused (queue, FALSE);
  g_string_truncate (out, 0);
  g_assert_cmpuint (_fapilog_queue_pop_full (queue, entries, 4), ==, 4);
  take_messages (queue, entries, 4, out);
  g_assert_cmpstr (out->str, ==, "4 5 6 7");
  rest = drain_messages (queue);
  g_assert_cmpstr (rest, ==, "");
  assert_counters (queue, 8, 0, 0);
  _fapilog_queue_free (queue);
}

/* The worker's side of the queue, in this thread: the queue's source on
 * a context of its own, dispatching like the pipeline's worker (batches
 * of up to batch_max, then full ones) and counting what it took. */
typedef struct {
  FapilogQueue *queue;
  guint         batch;
  guint         taken;
  guint         dispatches;
} NapWorker;

static gboolean
nap_worker_dispatch (gpointer user_data)
{
  NapWorker *worker = user_data;
  FapilogEntry *entries[64];
  guint n;

  g_assert_cmpuint (worker->batch, <=, G_N_ELEMENTS (entries));
  worker->dispatches++;
  n = _fapilog_queue_pop (worker->queue, entries, worker->batch);
  while (n > 0)
    {
      for (guint i = 0; i < n; i++)
        fapilog_entry_unref (entries[i]);
      _fapilog_queue_account (worker->queue, n, 0);
      worker->taken += n;
      n = _fapilog_queue_pop_full (worker->queue, entries, worker->batch);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
flag_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @context until the worker has dispatched once more, or 10 s (the
 * batch timeout below is 60 s: only the nap can be that quick). */
static void
nap_worker_wait_dispatch (NapWorker    *worker,
                          GMainContext *context)
{
  guint before = worker->dispatches;
  gboolean timed_out = FALSE;
  GSource *guard = g_timeout_source_new_seconds (10);

  g_source_set_callback (guard, flag_timeout, &timed_out, NULL);
  g_source_attach (guard, context);
  while (worker->dispatches == before && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
  g_assert_false (timed_out);
}

static void
push_n (FapilogQueue *queue,
        guint         n)
{
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, (int) i)), ==,
                     FAPILOG_ENQUEUE_ACCEPTED);
}

/* Under a stream the worker takes batches faster than they fill: rather
 * than have a log call wake it for every batch, it naps after a full one
 * and looks again by itself, and a caller wakes it early only when four
 * batches wait. A nap that finds less than a batch ends the stream: the
 * next full batch wakes it again at once. */
static void
test_stream_naps (void)
{
  const guint batch = 16;
  gint wakes = 0;
  FapilogQueue *queue = _fapilog_queue_new (10000, 0, 0, FAPILOG_OVERFLOW_DROP_NEWEST, 0,
                                            batch, 60 * G_USEC_PER_SEC, count_wake, &wakes);
  GMainContext *context = g_main_context_new ();
  GSource *source = _fapilog_queue_source_new (queue);
  NapWorker worker = { queue, batch, 0, 0 };

  g_source_set_callback (source, nap_worker_dispatch, &worker, NULL);
  g_source_attach (source, context);
  g_main_context_iteration (context, FALSE);        /* empty: the worker idles */

  /* A full batch and a few more: woken when idle, then for the batch. */
  push_n (queue, batch + 5);
  g_assert_cmpint (wakes, ==, 1);
  nap_worker_wait_dispatch (&worker, context);
  g_assert_cmpuint (worker.taken, ==, batch);

  /* Five left, after a full batch: a nap. Another full batch does not
   * wake the worker, which finds it when the nap ends (not 60 s later). */
  g_main_context_iteration (context, FALSE);
  push_n (queue, batch);
  g_assert_cmpint (wakes, ==, 1);
  nap_worker_wait_dispatch (&worker, context);
  g_assert_cmpuint (worker.taken, ==, 2 * batch);
  g_assert_cmpint (wakes, ==, 1);

  /* Napping again (five left): four batches waiting wake it early. Five
   * more come before it runs. */
  g_main_context_iteration (context, FALSE);
  push_n (queue, 4 * batch - 6);
  g_assert_cmpint (wakes, ==, 1);
  push_n (queue, 1);
  g_assert_cmpint (wakes, ==, 2);
  push_n (queue, 5);
  nap_worker_wait_dispatch (&worker, context);
  g_assert_cmpuint (worker.taken, ==, 6 * batch);

  /* Five left; a nap that ends without a full batch ends the stream. The
   * nap is one millisecond: the context runs until a timer of three
   * fires. */
  {
    gboolean passed = FALSE;
    GSource *timer = g_timeout_source_new (3);

    g_source_set_callback (timer, flag_timeout, &passed, NULL);
    g_source_attach (timer, context);
    while (!passed)
      g_main_context_iteration (context, TRUE);
    g_source_unref (timer);
  }
  g_assert_cmpuint (worker.taken, ==, 6 * batch);
  push_n (queue, batch - 6);
  g_assert_cmpint (wakes, ==, 2);
  push_n (queue, 1);
  g_assert_cmpint (wakes, ==, 3);
  nap_worker_wait_dispatch (&worker, context);
  g_assert_cmpuint (worker.taken, ==, 7 * batch);

  g_source_destroy (source);
  g_source_unref (source);
  g_main_context_unref (context);
  g_free (drain_messages (queue));
  _fapilog_queue_free (queue);
}

static void
test_drop_oldest (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (10, 0, FAPILOG_OVERFLOW_DROP_OLDEST, 50, &wakes);
  g_autofree char *messages = NULL;
  FapilogQueueCounters c;

  for (int i = 0; i < 15; i++)
    g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, i)), ==,
                     FAPILOG_ENQUEUE_ACCEPTED);
  assert_counters (queue, 15, 5, 10);
  _fapilog_queue_get_counters (queue, &c);
  g_assert_cmpuint (c.high_watermark, ==, 10);
  messages = drain_messages (queue);
  /* The latest entries survive, in order. */
  g_assert_cmpstr (messages, ==, "5 6 7 8 9 10 11 12 13 14");
  _fapilog_queue_free (queue);
}

static void
test_protected_share (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (4, 2, FAPILOG_OVERFLOW_DROP_NEWEST, 0, &wakes);
  g_autofree char *messages = NULL;

  for (int i = 0; i < 4; i++)
    _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, i));
  /* INFO is refused now, but ERRORs still have their reserved slots. */
  g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 4)), ==, FAPILOG_ENQUEUE_DROPPED);
  g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 5)), ==, FAPILOG_ENQUEUE_ACCEPTED);
  g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_CRITICAL, 6)), ==, FAPILOG_ENQUEUE_ACCEPTED);
  g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 7)), ==, FAPILOG_ENQUEUE_DROPPED);
  assert_counters (queue, 8, 2, 6);
  messages = drain_messages (queue);
  g_assert_cmpstr (messages, ==, "0 1 2 3 5 6");
  _fapilog_queue_free (queue);
}

static void
test_protected_never_evicted (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (4, 2, FAPILOG_OVERFLOW_DROP_OLDEST, 0, &wakes);
  g_autofree char *messages = NULL;

  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 0));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 1));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 2));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 3));
  /* Full for INFO: the oldest INFO (1) goes, the ERRORs stay put. */
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 4));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 5));
  /* Protected entries take the reserved slots; when those are full too, an
   * ERROR evicts the oldest INFO rather than being dropped. */
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 6));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 7));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 8));
  assert_counters (queue, 9, 3, 6);
  messages = drain_messages (queue);
  /* Submission order is kept across levels. */
  g_assert_cmpstr (messages, ==, "0 2 5 6 7 8");
  _fapilog_queue_free (queue);
}

/* Pops exactly @n entries in one call and returns their messages joined
 * by spaces. */
static char *
pop_messages (FapilogQueue *queue,
              guint         n)
{
  FapilogEntry *entries[8];
  GString *out = g_string_new (NULL);

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (entries));
  g_assert_cmpuint (_fapilog_queue_pop (queue, entries, n), ==, n);
  take_messages (queue, entries, n, out);
  return g_string_free (out, FALSE);
}

/* The ring wraps: pops that cross its end come out in order, and each
 * slot's level class travels with its entry when an eviction shifts the
 * older entries up (an ERROR must never be taken for an INFO). */
static void
test_wraparound_keeps_classes (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (4, 2, FAPILOG_OVERFLOW_DROP_OLDEST, 0, &wakes);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *messages = NULL;

  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 0));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 1));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 2));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 3));
  first = pop_messages (queue, 3);
  g_assert_cmpstr (first, ==, "0 1 2");

  /* 6 lands in the ring's first slot; the pop of four crosses the end. */
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 4));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 5));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 6));
  second = pop_messages (queue, 4);
  g_assert_cmpstr (second, ==, "3 4 5 6");

  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 7));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 8));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 9));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 10));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 11));    /* evicts 7 */
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 12));   /* reserved slot */
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 13));    /* evicts 9, shifting 8 */
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 14));    /* evicts 10, not the shifted 8 */
  assert_counters (queue, 15, 3, 5);
  messages = drain_messages (queue);
  g_assert_cmpstr (messages, ==, "8 11 12 13 14");
  _fapilog_queue_free (queue);
}

static void
test_only_protected_left_drops_new (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (2, 1, FAPILOG_OVERFLOW_DROP_OLDEST, 0, &wakes);
  g_autofree char *messages = NULL;

  for (int i = 0; i < 3; i++)
    g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, i)), ==,
                     FAPILOG_ENQUEUE_ACCEPTED);
  /* Nothing evictable: both a new INFO and a new ERROR are refused. */
  g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 3)), ==, FAPILOG_ENQUEUE_DROPPED);
  g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_ERROR, 4)), ==, FAPILOG_ENQUEUE_DROPPED);
  messages = drain_messages (queue);
  g_assert_cmpstr (messages, ==, "0 1 2");
  _fapilog_queue_free (queue);
}

static void
test_block_times_out (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (2, 0, FAPILOG_OVERFLOW_BLOCK, 30, &wakes);
  gint64 start, elapsed;

  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 0));
  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 1));
  start = g_get_monotonic_time ();
  g_assert_cmpint (_fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 2)), ==, FAPILOG_ENQUEUE_DROPPED);
  elapsed = g_get_monotonic_time () - start;
  /* It waited for the configured time before giving up. */
  g_assert_cmpint (elapsed, >=, 30 * G_TIME_SPAN_MILLISECOND);
  assert_counters (queue, 3, 1, 2);
  _fapilog_queue_free (queue);
}

typedef struct {
  FapilogQueue        *queue;
  FapilogEnqueueResult result;
} Pusher;

static gpointer
push_in_thread (gpointer data)
{
  Pusher *pusher = data;

  pusher->result = _fapilog_queue_push (pusher->queue, numbered (FAPILOG_LEVEL_INFO, 99));
  return NULL;
}

static void
test_block_forever_until_room (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (1, 0, FAPILOG_OVERFLOW_BLOCK, -1, &wakes);
  FapilogEntry *out[1];
  Pusher pusher = { queue, FAPILOG_ENQUEUE_DROPPED };
  GThread *thread;
  g_autofree char *messages = NULL;

  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 0));
  thread = g_thread_new ("pusher", push_in_thread, &pusher);
  /* Wait until the pusher is really blocked on the condition. */
  while (_fapilog_queue_get_n_waiting (queue) == 0)
    g_thread_yield ();
  g_assert_cmpuint (_fapilog_queue_pop (queue, out, 1), ==, 1);
  _fapilog_queue_account (queue, 1, 0);
  fapilog_entry_unref (out[0]);
  g_thread_join (thread);
  g_assert_cmpint (pusher.result, ==, FAPILOG_ENQUEUE_ACCEPTED);
  messages = drain_messages (queue);
  g_assert_cmpstr (messages, ==, "99");
  _fapilog_queue_free (queue);
}

static void
test_close_releases_blocked (void)
{
  gint wakes = 0;
  FapilogQueue *queue = queue_new (1, 0, FAPILOG_OVERFLOW_BLOCK, -1, &wakes);
  Pusher pusher = { queue, FAPILOG_ENQUEUE_ACCEPTED };
  GThread *thread;

  _fapilog_queue_push (queue, numbered (FAPILOG_LEVEL_INFO, 0));
  thread = g_thread_new ("pusher", push_in_thread, &pusher);
  while (_fapilog_queue_get_n_waiting (queue) == 0)
    g_thread_yield ();
  _fapilog_queue_close (queue);
  g_thread_join (thread);
  g_assert_cmpint (pusher.result, ==, FAPILOG_ENQUEUE_CLOSED);
  g_assert_cmpuint (_fapilog_queue_discard_unsent (queue), ==, 1);
  assert_counters (queue, 2, 1, 0);
  _fapilog_queue_free (queue);
}

/* ---- 8 threads x 100k, lossless, in per-thread order ---------------------- */

#define N_THREADS 8

static guint
entries_per_thread (void)
{
  /* Under valgrind the same test runs with fewer entries: it checks memory
   * there, not volume. */
  const char *scale = g_getenv ("FAPILOG_TEST_SCALE_DOWN");
  guint n = 100000;

  if (scale != NULL && atoi (scale) > 1)
    n /= (guint) atoi (scale);
  return n;
}

typedef struct {
  GObject  parent_instance;
  guint64  next[N_THREADS];
  guint64  total;
  guint64  out_of_order;
} OrderSink;

typedef GObjectClass OrderSinkClass;

static void order_sink_iface_init (FapilogSinkInterface *iface);
static GType order_sink_get_type (void);

G_DEFINE_TYPE_WITH_CODE (OrderSink, order_sink, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK, order_sink_iface_init))

static void
order_sink_write_batch_async (FapilogSink         *sink,
                              FapilogBatch        *batch,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  OrderSink *self = (OrderSink *) sink;
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);

  for (guint i = 0; i < fapilog_batch_get_n_entries (batch); i++)
    {
      FapilogEntry *entry = fapilog_batch_get_entry (batch, i);
      g_autoptr(GVariant) t = fapilog_entry_lookup (entry, "data.t");
      g_autoptr(GVariant) n = fapilog_entry_lookup (entry, "data.n");
      gint64 thread = g_variant_get_int64 (t);
      gint64 seq = g_variant_get_int64 (n);

      if (thread < 0 || thread >= N_THREADS || (guint64) seq != self->next[thread])
        self->out_of_order++;
      else
        self->next[thread]++;
      self->total++;
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
order_sink_finish (FapilogSink   *sink,
                   GAsyncResult  *result,
                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
order_sink_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  g_value_set_string (value, "order");
}

static void
order_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->write_batch_async = order_sink_write_batch_async;
  iface->write_batch_finish = order_sink_finish;
}

static void
order_sink_class_init (OrderSinkClass *klass)
{
  klass->get_property = order_sink_get_property;
  g_object_class_override_property (klass, 1, "name");
}

static void
order_sink_init (OrderSink *self)
{
}

typedef struct {
  FapilogLogger *log;
  gint           thread;
  guint          count;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->count; i++)
    fapilog_logger_log (producer->log, FAPILOG_LEVEL_INFO, "volume",
                        "t", "i", producer->thread, "n", "x", (gint64) i, NULL);
  return NULL;
}

static void
test_lossless_many_threads (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  OrderSink *sink = g_object_new (order_sink_get_type (), NULL);
  Producer producers[N_THREADS];
  GThread *threads[N_THREADS];
  guint per_thread = entries_per_thread ();
  guint64 expected = (guint64) per_thread * N_THREADS;

  /* A small queue so the producers really block. */
  g_object_set (settings,
                "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                "backpressure-wait-ms", -1,
                "max-queue-size", 1000,
                NULL);
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, FAPILOG_SINK (sink));
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  log = fapilog_pipeline_get_logger (pipeline, "volume");

  for (gint t = 0; t < N_THREADS; t++)
    {
      producers[t] = (Producer) { log, t, per_thread };
      threads[t] = g_thread_new ("producer", produce, &producers[t]);
    }
  for (gint t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);

  stats = fapilog_pipeline_shutdown (pipeline, -1);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, expected);
  g_assert_cmpuint (fapilog_stats_get_dropped (stats), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_processed (stats), ==, expected);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "order"), ==, expected);
  g_assert_cmpuint (fapilog_stats_get_queue_high_watermark (stats), <=, 1000 + 100);
  g_assert_cmpuint (sink->total, ==, expected);
  g_assert_cmpuint (sink->out_of_order, ==, 0);
  for (gint t = 0; t < N_THREADS; t++)
    g_assert_cmpuint (sink->next[t], ==, per_thread);
  g_object_unref (sink);
}

/* ---- entry pool ---------------------------------------------------------- */

static FapilogEntry *
small_entry (guint i)
{
  g_autofree char *message = g_strdup_printf ("pooled %u", i);

  return fapilog_entry_new (FAPILOG_LEVEL_INFO, "pool", message, NULL);
}

/* A freed entry's block is handed out again, and the new entry is whole:
 * nothing of the old one shows through. */
static void
test_entry_pool_reuse (void)
{
  FapilogEntry *first = small_entry (1);
  FapilogEntry *second;
  gpointer block = first;
  g_autofree char *first_id = g_strdup (fapilog_entry_get_message_id (first));

  g_assert_cmpuint (first->pooled, ==, TRUE);
  fapilog_entry_unref (first);
  second = small_entry (2);
  /* The thread's cache is last in, first out. */
  g_assert_true ((gpointer) second == block);
  g_assert_cmpstr (fapilog_entry_get_message (second), ==, "pooled 2");
  g_assert_cmpstr (fapilog_entry_get_logger_name (second), ==, "pool");
  g_assert_cmpint (fapilog_entry_get_level (second), ==, FAPILOG_LEVEL_INFO);
  g_assert_cmpuint (second->n_fields, ==, 0);
  /* A fresh id, not the previous occupant's. */
  g_assert_cmpstr (fapilog_entry_get_message_id (second), !=, first_id);
  fapilog_entry_unref (second);

  /* An entry too large for a block is malloc'ed, and freed, as before. */
  {
    g_autofree char *big = g_strnfill (FAPILOG_ENTRY_POOL_BLOCK_SIZE, 'x');
    FapilogEntry *large = fapilog_entry_new (FAPILOG_LEVEL_INFO, "pool", big, NULL);

    g_assert_cmpuint (large->pooled, ==, FALSE);
    g_assert_cmpstr (fapilog_entry_get_message (large), ==, big);
    fapilog_entry_unref (large);
  }
}

typedef struct {
  guint          n;
  FapilogEntry **entries;
  guint          cached_after;
} Burst;

static gpointer
burst_thread (gpointer data)
{
  Burst *burst = data;

  for (guint i = 0; i < burst->n; i++)
    burst->entries[i] = small_entry (i);
  /* Half freed one at a time here, through this thread's cache... */
  for (guint i = 0; i < burst->n / 2; i++)
    fapilog_entry_unref (burst->entries[i]);
  _fapilog_entry_pool_get_counts (NULL, &burst->cached_after);
  return NULL;
}

/* After a burst far larger than the pool, what the pool keeps is bounded:
 * per thread, in the shared list, and after the thread exits. */
static void
test_entry_pool_bounded_after_burst (void)
{
  Burst burst = { 2 * FAPILOG_ENTRY_POOL_MAX_SHARED + 8000, NULL, 0 };
  guint shared = 0, cached = 0;
  GThread *thread;

  burst.entries = g_new (FapilogEntry *, burst.n);
  thread = g_thread_new ("burst", burst_thread, &burst);
  g_thread_join (thread);

  g_assert_cmpuint (burst.cached_after, <=, FAPILOG_ENTRY_POOL_MAX_CACHED);
  /* The thread exited: its cache went back to the shared list (bounded). */
  _fapilog_entry_pool_get_counts (&shared, NULL);
  g_assert_cmpuint (shared, <=, FAPILOG_ENTRY_POOL_MAX_SHARED);

  /* ... and the other half freed as a batch would, from this thread. */
  _fapilog_entry_unref_many (burst.entries + burst.n / 2, burst.n - burst.n / 2);
  _fapilog_entry_pool_get_counts (&shared, &cached);
  g_assert_cmpuint (shared, <=, FAPILOG_ENTRY_POOL_MAX_SHARED);
  g_assert_cmpuint (cached, <=, FAPILOG_ENTRY_POOL_MAX_CACHED);
  /* The pool is not empty either: the next entries come from it. */
  g_assert_cmpuint (shared, >=, FAPILOG_ENTRY_POOL_MAX_SHARED - FAPILOG_ENTRY_POOL_CHAIN);
  g_free (burst.entries);
}

typedef struct {
  GAsyncQueue *to_freer;
  guint        count;
} PoolProducer;

static gpointer
pool_produce (gpointer data)
{
  PoolProducer *producer = data;

  for (guint i = 0; i < producer->count; i++)
    g_async_queue_push (producer->to_freer, small_entry (i));
  return NULL;
}

/* Several threads allocate while one other thread frees them in batches
 * (as the worker does): every entry arrives intact, and the producers'
 * caches go back to the pool when they exit. */
static void
test_entry_pool_cross_thread (void)
{
  GAsyncQueue *queue = g_async_queue_new ();
  PoolProducer producer = { queue, entries_per_thread () / 5 };
  GThread *threads[N_THREADS];
  guint *seen = g_new0 (guint, producer.count);
  guint total = producer.count * N_THREADS, done = 0;
  FapilogEntry *batch[64];
  guint shared = 0;

  for (gint t = 0; t < N_THREADS; t++)
    threads[t] = g_thread_new ("pool-producer", pool_produce, &producer);
  while (done < total)
    {
      guint n = 0;

      batch[n++] = g_async_queue_pop (queue);
      while (n < G_N_ELEMENTS (batch) && (batch[n] = g_async_queue_try_pop (queue)) != NULL)
        n++;
      for (guint i = 0; i < n; i++)
        {
          guint number;

          g_assert_true (sscanf (fapilog_entry_get_message (batch[i]), "pooled %u", &number) == 1);
          g_assert_cmpuint (number, <, producer.count);
          g_assert_cmpstr (fapilog_entry_get_logger_name (batch[i]), ==, "pool");
          seen[number]++;
        }
      _fapilog_entry_unref_many (batch, n);
      done += n;
    }
  for (gint t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);
  g_async_queue_unref (queue);

  g_assert_cmpuint (done, ==, total);
  /* Each producer made each number once. */
  for (guint i = 0; i < producer.count; i++)
    g_assert_cmpuint (seen[i], ==, N_THREADS);
  g_free (seen);
  _fapilog_entry_pool_get_counts (&shared, NULL);
  g_assert_cmpuint (shared, <=, FAPILOG_ENTRY_POOL_MAX_SHARED);
}

/* drop_newest through a whole pipeline: counts add up, nothing blocks. */
static void
test_pipeline_drop_counts (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  const char *none[] = { NULL };
  int diag[2];
  char report[4096];
  gssize n;

  /* The worker never runs before the flush (long batch timeout), so the
   * queue of 10 fills and the rest is dropped. */
  g_object_set (settings, "max-queue-size", 10, "protected-levels", none,
                "batch-timeout-seconds", 60.0, "internal-logging-enabled", TRUE, NULL);
  g_assert_true (g_unix_open_pipe (diag, FD_CLOEXEC, NULL));
  _fapilog_diagnostics_set_fd (diag[1]);
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  log = fapilog_pipeline_get_logger (pipeline, "drops");
  for (int i = 0; i < 100; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_ERROR, "flood", NULL);
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  stats = fapilog_pipeline_shutdown (pipeline, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 100);
  g_assert_cmpuint (fapilog_stats_get_dropped (stats), ==, 90);
  g_assert_cmpuint (fapilog_stats_get_processed (stats), ==, 10);
  g_assert_cmpuint (test_sink_get_n_received (sink), ==, 10);

  /* The drops were reported once, by the worker, with the count. */
  _fapilog_diagnostics_set_fd (-1);
  close (diag[1]);
  n = read (diag[0], report, sizeof report - 1);
  close (diag[0]);
  g_assert_cmpint (n, >, 0);
  report[n] = '\0';
  g_assert_nonnull (strstr (report, "\"component\":\"backpressure\""));
  g_assert_nonnull (strstr (report, "\"dropped\":90"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/queue/drop-newest", test_drop_newest);
  g_test_add_func ("/queue/drop-oldest", test_drop_oldest);
  g_test_add_func ("/queue/pop-full", test_pop_full);
  g_test_add_func ("/queue/stream-naps", test_stream_naps);
  g_test_add_func ("/queue/protected-share", test_protected_share);
  g_test_add_func ("/queue/protected-never-evicted", test_protected_never_evicted);
  g_test_add_func ("/queue/only-protected-left-drops-new", test_only_protected_left_drops_new);
  g_test_add_func ("/queue/wraparound-keeps-classes", test_wraparound_keeps_classes);
  g_test_add_func ("/queue/block-times-out", test_block_times_out);
  g_test_add_func ("/queue/block-forever-until-room", test_block_forever_until_room);
  g_test_add_func ("/queue/close-releases-blocked", test_close_releases_blocked);
  g_test_add_func ("/queue/pipeline-drop-counts", test_pipeline_drop_counts);
  g_test_add_func ("/queue/lossless-many-threads", test_lossless_many_threads);
  g_test_add_func ("/queue/entry-pool/reuse", test_entry_pool_reuse);
  g_test_add_func ("/queue/entry-pool/bounded-after-burst", test_entry_pool_bounded_after_burst);
  g_test_add_func ("/queue/entry-pool/cross-thread", test_entry_pool_cross_thread);

  return g_test_run ();
}
