/* fapilog-fanout.c: handing batches to every sink, on the worker
 *
 * Each sink gets its own backlog of batches and one write in flight (two
 * for a sink that queues its writes), so a slow sink only ever delays
 * itself. Everything here runs on the worker thread except the counters,
 * which other threads read under counts_lock.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-diagnostics-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-error.h"
#include "fapilog-fallback-private.h"
#include "fapilog-fanout-private.h"
#include "fapilog-sink-private.h"

/* After the stop deadline, each remaining sink still gets this long to
 * react to its cancelled stop before it is abandoned. */
#define STOP_GRACE_US (250 * G_TIME_SPAN_MILLISECOND)

/* Merged batches (see slot_coalesce()) are written from buffers kept for
 * reuse: about one per sink is in flight at a time, and a few hundred KiB
 * each at the default batch size. */
#define MERGE_BUFFERS_KEPT      4
#define MERGE_BUFFER_BYTES_KEPT (8 * 1024 * 1024)

typedef enum {
  MODE_BATCH,
  MODE_SERIALIZED,
  MODE_ENTRY,
} WriteMode;

typedef struct _WriteOp WriteOp;
typedef struct _SinkSlot SinkSlot;
typedef struct _FlushRound FlushRound;

/* One flush of every buffering sink. Referenced by each sink's callback
 * and by the fanout while it waits, so whichever goes last frees it. */
struct _FlushRound {
  gint                   ref_count;
  FapilogFanout         *fanout;           /* NULL once the round is over */
  guint                  pending;
  GSource               *timeout;
  FapilogFanoutDoneFunc  done;
  gpointer               done_data;
};

struct _SinkSlot {
  FapilogFanout *fanout;
  FapilogSink   *sink;
  char          *name;
  WriteMode      mode;
  GQueue         backlog;          /* FapilogBatch*, oldest first */
  guint          backlog_entries;  /* entries waiting, current batch included */
  FapilogBatch  *current;          /* entry modes: the batch being written */
  guint          index;            /* first entry of current not yet finished */
  GQueue         in_flight;        /* WriteOp*, oldest first */
  guint          max_in_flight;
  gboolean       pumping;
  gboolean       started;
  gboolean       buffering;        /* reports outcomes after accepting */
  gulong         delivered_id;
  gulong         failed_id;
  gboolean       last_write_failed;
  guint64        written;          /* under fanout->counts_lock */
  guint64        failed;
};

struct _WriteOp {
  gint          ref_count;
  SinkSlot     *slot;              /* NULL once abandoned */
  WriteMode     mode;
  GCancellable *cancellable;
  GSource      *timeout;
  FapilogBatch *batch;
  guint         first;
  guint         n;
};

struct _FapilogFanout {
  GPtrArray                 *slots;            /* SinkSlot* in order added */
  gboolean                   serialize_in_flush;
  gint64                     write_timeout_us;
  guint                      backlog_max;
  FapilogFanoutProgressFunc  progress;
  gpointer                   progress_data;
  GMutex                     counts_lock;
  GPtrArray                  *abandoned;       /* WriteOp* whose sink never answered */
  guint                      n_buffering;
  FlushRound                *flush_round;      /* the buffering sinks' flush in progress */
  FapilogBufferCache        *merge_buffers;    /* for slot_coalesce() */

  /* start/stop sequencing */
  guint                      step;
  guint                      step_serial;      /* identifies the current start/stop call */
  GError                    *step_error;
  gint64                     stop_deadline_us;
  GCancellable              *step_cancellable;
  GSource                   *step_timeout;
  FapilogFanoutDoneFunc      done;
  gpointer                   done_data;
};

static void slot_pump (SinkSlot *slot);
static void flush_round_end (FlushRound *round, gboolean call_done);
static void on_entries_delivered (FapilogSink *sink, guint n, gpointer user_data);
static void on_entries_failed (FapilogSink *sink, FapilogBatch *batch, guint first,
                               guint n, const GError *error, gpointer user_data);

FapilogFanout *
_fapilog_fanout_new (gboolean                   serialize_in_flush,
                     gint64                     write_timeout_us,
                     guint                      backlog_max_entries,
                     FapilogFanoutProgressFunc  progress,
                     gpointer                   progress_data)
{
  FapilogFanout *self = g_new0 (FapilogFanout, 1);

  self->slots = g_ptr_array_new ();
  self->abandoned = g_ptr_array_new ();
  self->serialize_in_flush = serialize_in_flush;
  self->write_timeout_us = MAX (write_timeout_us, G_TIME_SPAN_MILLISECOND);
  self->backlog_max = MAX (backlog_max_entries, 1);
  self->progress = progress;
  self->progress_data = progress_data;
  g_mutex_init (&self->counts_lock);
  self->merge_buffers = _fapilog_buffer_cache_new (MERGE_BUFFERS_KEPT, MERGE_BUFFER_BYTES_KEPT);
  return self;
}

static void
op_unref (WriteOp *op)
{
  if (--op->ref_count == 0)
    {
      g_clear_object (&op->cancellable);
      g_clear_pointer (&op->batch, fapilog_batch_unref);
      g_free (op);
    }
}

void
_fapilog_fanout_free (FapilogFanout *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);
      WriteOp *op;

      g_queue_clear_full (&slot->backlog, (GDestroyNotify) fapilog_batch_unref);
      g_clear_pointer (&slot->current, fapilog_batch_unref);
      while ((op = g_queue_pop_head (&slot->in_flight)) != NULL)
        {
          /* A write still in flight when the pipeline goes away: its
           * completion, if it ever comes, must not touch the slot. */
          op->slot = NULL;
          if (op->timeout != NULL)
            {
              g_source_destroy (op->timeout);
              g_clear_pointer (&op->timeout, g_source_unref);
            }
          op_unref (op);
        }
      g_clear_signal_handler (&slot->delivered_id, slot->sink);
      g_clear_signal_handler (&slot->failed_id, slot->sink);
      g_object_unref (slot->sink);
      g_free (slot->name);
      g_free (slot);
    }
  g_ptr_array_unref (self->slots);
  if (self->flush_round != NULL)
    flush_round_end (self->flush_round, FALSE);
  /* Abandoned operations stay referenced by their own callbacks. */
  for (guint i = 0; i < self->abandoned->len; i++)
    op_unref (g_ptr_array_index (self->abandoned, i));
  g_ptr_array_unref (self->abandoned);
  g_clear_error (&self->step_error);
  g_clear_object (&self->step_cancellable);
  if (self->step_timeout != NULL)
    {
      g_source_destroy (self->step_timeout);
      g_source_unref (self->step_timeout);
    }
  g_mutex_clear (&self->counts_lock);
  _fapilog_buffer_cache_close (self->merge_buffers);
  g_free (self);
}

gboolean
_fapilog_fanout_add_sink (FapilogFanout *self,
                          FapilogSink   *sink)
{
  FapilogSinkInterface *iface = FAPILOG_SINK_GET_IFACE (sink);
  SinkSlot *slot;
  WriteMode mode;

  /* The way in is chosen once, here, from what the sink implements (a
   * sink without write_serialized still gets every entry, through write). */
  if (iface->write_batch_async != NULL)
    mode = MODE_BATCH;
  else if (iface->write_serialized_async != NULL &&
           (self->serialize_in_flush || iface->write_async == NULL))
    mode = MODE_SERIALIZED;
  else if (iface->write_async != NULL)
    mode = MODE_ENTRY;
  else
    return FALSE;

  slot = g_new0 (SinkSlot, 1);
  slot->fanout = self;
  slot->sink = g_object_ref (sink);
  slot->name = g_strdup (fapilog_sink_get_name (sink));
  if (slot->name == NULL || *slot->name == '\0')
    {
      g_free (slot->name);
      slot->name = g_strdup (G_OBJECT_TYPE_NAME (sink));
    }
  slot->mode = mode;
  g_queue_init (&slot->backlog);
  g_queue_init (&slot->in_flight);
  /* A second batch write may wait in the sink behind the first, so that
   * the sink's thread finds it there instead of waiting for this thread
   * to hear of the first one's end. Only where the sink keeps them in
   * order. */
  slot->max_in_flight = (mode == MODE_BATCH && _fapilog_sink_get_queues_writes (sink)) ? 2 : 1;
  if (fapilog_sink_is_buffering (sink))
    {
      slot->buffering = TRUE;
      self->n_buffering++;
      slot->delivered_id = g_signal_connect (sink, "entries-delivered",
                                             G_CALLBACK (on_entries_delivered), slot);
      slot->failed_id = g_signal_connect (sink, "entries-failed",
                                          G_CALLBACK (on_entries_failed), slot);
    }
  g_ptr_array_add (self->slots, slot);
  return TRUE;
}

guint
_fapilog_fanout_get_n_sinks (FapilogFanout *self)
{
  return self->slots->len;
}

/* ---- writes ----------------------------------------------------------- */

static void
record_result (SinkSlot     *slot,
               FapilogBatch *batch,
               guint         first,
               guint         n,
               const GError *error)
{
  FapilogFanout *self = slot->fanout;

  /* A buffering sink's successful write only means "accepted": it counts
   * as written when the sink reports it delivered. */
  if (error == NULL && slot->buffering)
    return;

  g_mutex_lock (&self->counts_lock);
  if (error == NULL)
    slot->written += n;
  else
    slot->failed += n;
  g_mutex_unlock (&self->counts_lock);

  slot->last_write_failed = error != NULL;
  if (error != NULL)
    _fapilog_fallback_write (slot->name, error, batch, first, n);
}

/* Worker thread: the later outcomes of a buffering sink. */
static void
on_entries_delivered (FapilogSink *sink,
                      guint        n,
                      gpointer     user_data)
{
  SinkSlot *slot = user_data;

  g_mutex_lock (&slot->fanout->counts_lock);
  slot->written += n;
  g_mutex_unlock (&slot->fanout->counts_lock);
  slot->last_write_failed = FALSE;
}

static void
on_entries_failed (FapilogSink  *sink,
                   FapilogBatch *batch,
                   guint         first,
                   guint         n,
                   const GError *error,
                   gpointer      user_data)
{
  SinkSlot *slot = user_data;

  g_mutex_lock (&slot->fanout->counts_lock);
  slot->failed += n;
  g_mutex_unlock (&slot->fanout->counts_lock);
  slot->last_write_failed = TRUE;
  _fapilog_fallback_write (slot->name, error, batch, first, n);
}

/* ---- flushing buffering sinks ------------------------------------------- */

static void
flush_round_unref (FlushRound *round)
{
  if (--round->ref_count == 0)
    g_free (round);
}

/* Ends the round once: from the last sink's callback, its timeout, or the
 * fanout going away (without calling back). */
static void
flush_round_end (FlushRound *round,
                 gboolean    call_done)
{
  FapilogFanout *self = round->fanout;

  if (self == NULL)
    return;
  round->fanout = NULL;
  self->flush_round = NULL;
  if (round->timeout != NULL)
    {
      g_source_destroy (round->timeout);
      g_clear_pointer (&round->timeout, g_source_unref);
    }
  if (call_done)
    round->done (NULL, round->done_data);
  flush_round_unref (round);
}

static void
on_sink_flushed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FlushRound *round = user_data;
  GError *error = NULL;

  if (!fapilog_sink_flush_finish (FAPILOG_SINK (source), result, &error))
    {
      _fapilog_diag_warn ("sink", "buffering sink failed to flush",
                          "sink", "s", fapilog_sink_get_name (FAPILOG_SINK (source)),
                          "error", "s", error != NULL ? error->message : "(no error)",
                          NULL);
      g_clear_error (&error);
    }
  if (round->fanout != NULL && --round->pending == 0)
    flush_round_end (round, TRUE);
  flush_round_unref (round);
}

static gboolean
on_flush_round_timeout (gpointer user_data)
{
  FlushRound *round = user_data;

  _fapilog_diag_warn ("sink", "buffering sinks did not finish a flush in time; not waiting longer",
                      "sinks_pending", "u", round->pending, NULL);
  /* The source is being dispatched: just drop our handle on it. */
  g_clear_pointer (&round->timeout, g_source_unref);
  flush_round_end (round, TRUE);
  return G_SOURCE_REMOVE;
}

gboolean
_fapilog_fanout_has_buffering_sinks (FapilogFanout *self)
{
  return self->n_buffering > 0;
}

void
_fapilog_fanout_flush_buffering (FapilogFanout         *self,
                                 FapilogFanoutDoneFunc  callback,
                                 gpointer               user_data)
{
  FlushRound *round;

  g_return_if_fail (self->flush_round == NULL);

  round = g_new0 (FlushRound, 1);
  /* One for this function, one held until the round ends. */
  round->ref_count = 2;
  round->fanout = self;
  round->done = callback;
  round->done_data = user_data;
  self->flush_round = round;

  /* Count first: a sink may complete its flush before the next is asked. */
  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot->buffering && slot->started)
        {
          round->pending++;
          round->ref_count++;
        }
    }
  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot->buffering && slot->started)
        fapilog_sink_flush_async (slot->sink, NULL, on_sink_flushed, round);
    }

  if (round->fanout == NULL)
    ;  /* every sink completed at once */
  else if (round->pending == 0)
    flush_round_end (round, TRUE);
  else
    {
      /* A sink that never completes its flush must not hold every later
       * flush hostage: the same bound as a write. */
      round->timeout = g_timeout_source_new ((guint) MIN (self->write_timeout_us / 1000, G_MAXUINT));
      g_source_set_callback (round->timeout, on_flush_round_timeout, round, NULL);
      g_source_set_static_name (round->timeout, "fapilog sink flush timeout");
      g_source_attach (round->timeout, g_main_context_get_thread_default ());
    }
  flush_round_unref (round);
}

/* Records the op's outcome: with @error, its first @n_written entries
 * still count as written (a sink that got that far before failing). */
static void
finish_op (SinkSlot     *slot,
           WriteOp      *op,
           guint         n_written,
           const GError *error)
{
  if (op->timeout != NULL)
    {
      g_source_destroy (op->timeout);
      g_clear_pointer (&op->timeout, g_source_unref);
    }
  g_queue_remove (&slot->in_flight, op);
  if (error == NULL)
    record_result (slot, op->batch, op->first, op->n, NULL);
  else
    {
      n_written = MIN (n_written, op->n);
      if (n_written > 0)
        record_result (slot, op->batch, op->first, n_written, NULL);
      if (n_written < op->n)
        record_result (slot, op->batch, op->first + n_written, op->n - n_written, error);
    }
  if (op->mode != MODE_BATCH)
    slot->index = op->first + op->n;
  op_unref (op);
}

static void
on_write_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WriteOp *op = user_data;
  SinkSlot *slot = op->slot;
  FapilogSink *sink = FAPILOG_SINK (source);
  GError *error = NULL;
  guint n_written = 0;
  gboolean ok;

  switch (op->mode)
    {
    case MODE_BATCH:
      ok = fapilog_sink_write_batch_finish (sink, result, &error);
      if (!ok)
        _fapilog_sink_result_get_written (result, &n_written);
      break;
    case MODE_SERIALIZED:
      ok = fapilog_sink_write_serialized_finish (sink, result, &error);
      break;
    case MODE_ENTRY:
    default:
      ok = fapilog_sink_write_finish (sink, result, &error);
      break;
    }

  if (slot == NULL)
    {
      /* Abandoned after its timeout: the entries were already failed. */
      g_clear_error (&error);
      op_unref (op);
      return;
    }

  if (!ok && error == NULL)
    error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                         "sink %s reported a failure without an error", slot->name);
  finish_op (slot, op, n_written, ok ? NULL : error);
  g_clear_error (&error);

  slot_pump (slot);
  slot->fanout->progress (slot->fanout->progress_data);
  op_unref (op);   /* the callback's reference */
}

static gboolean
on_write_timeout (gpointer user_data)
{
  WriteOp *op = user_data;
  SinkSlot *slot = op->slot;
  FapilogFanout *self = slot->fanout;
  GError *error;

  error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_TIMED_OUT,
                       "sink %s did not finish a write within %.3g s",
                       slot->name, (double) self->write_timeout_us / G_USEC_PER_SEC);
  _fapilog_diag_warn ("sink", "sink write timed out; its late completion will be ignored",
                      "sink", "s", slot->name,
                      "entries", "u", op->n,
                      NULL);

  /* The source is being dispatched: just drop our handle on it. */
  g_clear_pointer (&op->timeout, g_source_unref);
  op->slot = NULL;
  op->ref_count++;                       /* for the abandoned list */
  g_ptr_array_add (self->abandoned, op);
  g_cancellable_cancel (op->cancellable);
  finish_op (slot, op, 0, error);        /* drops the slot's reference */
  g_error_free (error);

  slot_pump (slot);
  self->progress (self->progress_data);
  return G_SOURCE_REMOVE;
}

/* Writes @n entries of @batch from @first: all of them in batch mode, one
 * in the entry modes. */
static void
start_write (SinkSlot     *slot,
             FapilogBatch *batch,
             guint         first,
             guint         n)
{
  FapilogFanout *self = slot->fanout;
  WriteOp *op = g_new0 (WriteOp, 1);

  op->ref_count = 1;
  op->slot = slot;
  op->mode = slot->mode;
  op->cancellable = g_cancellable_new ();
  op->batch = fapilog_batch_ref (batch);
  op->first = first;
  op->n = n;

  op->timeout = g_timeout_source_new ((guint) MIN (self->write_timeout_us / 1000, G_MAXUINT));
  g_source_set_callback (op->timeout, on_write_timeout, op, NULL);
  g_source_set_static_name (op->timeout, "fapilog sink write timeout");
  g_source_attach (op->timeout, g_main_context_get_thread_default ());

  g_queue_push_tail (&slot->in_flight, op);
  /* The callback owns one reference of the op; the slot shares it until
   * the op finishes (finish_op drops the slot's use). */
  op->ref_count++;
  switch (slot->mode)
    {
    case MODE_BATCH:
      fapilog_sink_write_batch_async (slot->sink, op->batch, op->cancellable,
                                      on_write_done, op);
      break;
    case MODE_SERIALIZED:
      {
        FapilogSerializedView *view = fapilog_batch_get_view (op->batch, op->first);
        fapilog_sink_write_serialized_async (slot->sink, view, op->cancellable,
                                             on_write_done, op);
        fapilog_serialized_view_unref (view);
      }
      break;
    case MODE_ENTRY:
    default:
      fapilog_sink_write_async (slot->sink, fapilog_batch_get_entry (op->batch, op->first),
                                op->cancellable, on_write_done, op);
      break;
    }
}

/* Bounds on one coalesced batch: enough to spread a sink's per-write cost
 * (a thread hop, a syscall) over many entries, small enough that one write
 * stays short and the copy stays within a few MiB. */
#define COALESCE_MAX_ENTRIES 4096
#define COALESCE_MAX_BYTES   (4 * 1024 * 1024)
/* Batches are rarely this small; the bound keeps the merge list on the stack. */
#define COALESCE_MAX_PARTS   256

/* A batch sink that fell behind has several batches waiting; writing them
 * one per call would pay the sink's per-write cost for each. Merges @head
 * (just taken from the backlog) with the batches after it, in order, up to
 * the bounds. Only the oldest batches are taken, so per-sink order holds.
 * Batches no sink has read the bytes of are merged without a copy: the
 * merged batch is serialized once, by the sink (see _fapilog_batch_concat()).
 * Their size is then an estimate. */
static FapilogBatch *
slot_coalesce (SinkSlot     *slot,
               FapilogBatch *head)
{
  FapilogBatch *parts[COALESCE_MAX_PARTS];
  guint n_parts = 1, n_entries = head->n_entries;
  gsize len = _fapilog_batch_size_hint (head);
  FapilogBatch *next;

  parts[0] = head;
  while ((next = g_queue_peek_head (&slot->backlog)) != NULL &&
         n_parts < G_N_ELEMENTS (parts) &&
         n_entries + next->n_entries <= COALESCE_MAX_ENTRIES &&
         len + _fapilog_batch_size_hint (next) <= COALESCE_MAX_BYTES)
    {
      parts[n_parts++] = g_queue_pop_head (&slot->backlog);
      n_entries += next->n_entries;
      len += _fapilog_batch_size_hint (next);
    }
  if (n_parts == 1)
    return head;
  return _fapilog_batch_concat (parts, n_parts, slot->fanout->merge_buffers);
}

/* A second write is queued behind a running one only once this much
 * waits: enough that the sink's thread has a write's worth of work ready
 * when the first ends, without splitting a backlog that one write would
 * take anyway into many small ones. */
#define SECOND_WRITE_MIN_ENTRIES (COALESCE_MAX_ENTRIES / 4)

static gboolean
slot_can_start_batch (SinkSlot *slot)
{
  guint n = g_queue_get_length (&slot->in_flight);

  if (g_queue_is_empty (&slot->backlog))
    return FALSE;
  if (n == 0)
    return TRUE;
  return n < slot->max_in_flight && slot->backlog_entries >= SECOND_WRITE_MIN_ENTRIES;
}

/* Starts the next write if there is room for one. A sink may complete
 * inside its _async call; the loops (rather than recursion) keep the stack
 * flat then. */
static void
slot_pump (SinkSlot *slot)
{
  if (slot->pumping)
    return;
  slot->pumping = TRUE;
  if (slot->mode == MODE_BATCH)
    {
      while (slot_can_start_batch (slot))
        {
          FapilogBatch *batch = g_queue_pop_head (&slot->backlog);

          if (!g_queue_is_empty (&slot->backlog))
            batch = slot_coalesce (slot, batch);
          slot->backlog_entries -= batch->n_entries;
          start_write (slot, batch, 0, batch->n_entries);
          fapilog_batch_unref (batch);
        }
    }
  else
    {
      /* Entry-at-a-time modes gain nothing from merging or queueing: they
       * pay per entry anyway. */
      while (g_queue_is_empty (&slot->in_flight))
        {
          if (slot->current != NULL && slot->index >= slot->current->n_entries)
            g_clear_pointer (&slot->current, fapilog_batch_unref);
          if (slot->current == NULL)
            {
              slot->current = g_queue_pop_head (&slot->backlog);
              if (slot->current == NULL)
                break;
              slot->index = 0;
            }
          slot->backlog_entries--;
          start_write (slot, slot->current, slot->index, 1);
        }
    }
  slot->pumping = FALSE;
}

void
_fapilog_fanout_dispatch (FapilogFanout *self,
                          FapilogBatch  *batch)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);

      /* An empty backlog takes any batch, so a batch larger than the bound
       * still reaches a sink that keeps up. */
      if (slot->backlog_entries > 0 &&
          slot->backlog_entries + batch->n_entries > self->backlog_max)
        {
          GError *error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_BACKLOG_FULL,
                                       "sink %s is %u entries behind; batch not delivered to it",
                                       slot->name, slot->backlog_entries);
          record_result (slot, batch, 0, batch->n_entries, error);
          g_error_free (error);
          continue;
        }
      slot->backlog_entries += batch->n_entries;
      g_queue_push_tail (&slot->backlog, fapilog_batch_ref (batch));
      slot_pump (slot);
    }
}

static guint64
slot_completed_seq (SinkSlot *slot)
{
  WriteOp *oldest = g_queue_peek_head (&slot->in_flight);
  FapilogBatch *pending = slot->current;

  if (oldest != NULL)
    return oldest->batch->entries[oldest->first]->seq - 1;
  if (pending != NULL && slot->index < pending->n_entries)
    return pending->entries[slot->index]->seq - 1;
  pending = g_queue_peek_head (&slot->backlog);
  if (pending != NULL)
    return pending->first_seq - 1;
  return G_MAXUINT64;
}

guint64
_fapilog_fanout_completed_seq (FapilogFanout *self,
                               guint64        dispatched_seq)
{
  guint64 completed = dispatched_seq;

  for (guint i = 0; i < self->slots->len; i++)
    completed = MIN (completed, slot_completed_seq (g_ptr_array_index (self->slots, i)));
  return completed;
}

gboolean
_fapilog_fanout_is_saturated (FapilogFanout *self,
                              guint          next_batch_size)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);

      /* Exactly the dispatch rule: saturated when the next batch would be
       * refused. */
      if (slot->backlog_entries > 0 &&
          slot->backlog_entries + next_batch_size > self->backlog_max)
        return TRUE;
    }
  return FALSE;
}

void
_fapilog_fanout_fail_pending (FapilogFanout *self,
                              const char    *reason)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);
      GError *error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_TIMED_OUT,
                                   "%s: entries not written to sink %s", reason, slot->name);
      FapilogBatch *batch;
      WriteOp *op;

      while ((op = g_queue_peek_head (&slot->in_flight)) != NULL)
        {
          op->slot = NULL;
          op->ref_count++;
          g_ptr_array_add (self->abandoned, op);
          g_cancellable_cancel (op->cancellable);
          finish_op (slot, op, 0, error);
        }
      if (slot->current != NULL && slot->index < slot->current->n_entries)
        record_result (slot, slot->current, slot->index,
                       slot->current->n_entries - slot->index, error);
      g_clear_pointer (&slot->current, fapilog_batch_unref);
      while ((batch = g_queue_pop_head (&slot->backlog)) != NULL)
        {
          record_result (slot, batch, 0, batch->n_entries, error);
          fapilog_batch_unref (batch);
        }
      slot->backlog_entries = 0;
      g_error_free (error);
    }
}

void
_fapilog_fanout_get_sink_counts (FapilogFanout *self,
                                 GPtrArray     *names,
                                 GArray        *written,
                                 GArray        *failed)
{
  g_mutex_lock (&self->counts_lock);
  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);

      g_ptr_array_add (names, g_strdup (slot->name));
      g_array_append_val (written, slot->written);
      g_array_append_val (failed, slot->failed);
    }
  g_mutex_unlock (&self->counts_lock);
}

gboolean
_fapilog_fanout_is_healthy (FapilogFanout *self)
{
  for (guint i = 0; i < self->slots->len; i++)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, i);

      if (slot->last_write_failed || !fapilog_sink_health_check (slot->sink))
        return FALSE;
    }
  return TRUE;
}

/* ---- start and stop ----------------------------------------------------- */

static void start_next (FapilogFanout *self);
static void stop_next (FapilogFanout *self);

static void
clear_step (FapilogFanout *self)
{
  if (self->step_timeout != NULL)
    {
      g_source_destroy (self->step_timeout);
      g_clear_pointer (&self->step_timeout, g_source_unref);
    }
  g_clear_object (&self->step_cancellable);
}

/* The step token lets a late start/stop completion recognise that the
 * fanout gave up on it: it carries the step number it was issued for. */
typedef struct {
  FapilogFanout *self;
  guint          step;
} StepToken;

static void
on_start_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  StepToken *token = user_data;
  FapilogFanout *self = token->self;
  GError *error = NULL;
  gboolean ok = fapilog_sink_start_finish (FAPILOG_SINK (source), result, &error);

  if (token->step != self->step_serial)
    {
      g_clear_error (&error);
      g_free (token);
      return;
    }
  g_free (token);
  clear_step (self);

  if (!ok)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, self->step);
      if (error == NULL)
        error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                             "failed without an error");
      self->step_error = g_error_new (FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START,
                                      "sink %s failed to start: %s", slot->name, error->message);
      g_error_free (error);
    }
  else
    ((SinkSlot *) g_ptr_array_index (self->slots, self->step))->started = TRUE;

  self->step++;
  start_next (self);
}

static gboolean
on_start_timeout (gpointer user_data)
{
  FapilogFanout *self = user_data;
  SinkSlot *slot = g_ptr_array_index (self->slots, self->step);

  g_clear_pointer (&self->step_timeout, g_source_unref);
  g_cancellable_cancel (self->step_cancellable);
  g_clear_object (&self->step_cancellable);
  self->step_serial++;
  self->step_error = g_error_new (FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START,
                                  "sink %s did not finish starting within %.3g s",
                                  slot->name, (double) self->write_timeout_us / G_USEC_PER_SEC);
  self->step++;
  start_next (self);
  return G_SOURCE_REMOVE;
}

static void
start_next (FapilogFanout *self)
{
  StepToken *token;
  SinkSlot *slot;

  if (self->step_error != NULL || self->step >= self->slots->len)
    {
      GError *error = g_steal_pointer (&self->step_error);
      self->done (error, self->done_data);
      g_clear_error (&error);
      return;
    }

  slot = g_ptr_array_index (self->slots, self->step);
  token = g_new0 (StepToken, 1);
  token->self = self;
  token->step = ++self->step_serial;
  self->step_cancellable = g_cancellable_new ();
  self->step_timeout = g_timeout_source_new ((guint) MIN (self->write_timeout_us / 1000, G_MAXUINT));
  g_source_set_callback (self->step_timeout, on_start_timeout, self, NULL);
  g_source_attach (self->step_timeout, g_main_context_get_thread_default ());
  fapilog_sink_start_async (slot->sink, self->step_cancellable, on_start_done, token);
}

void
_fapilog_fanout_start (FapilogFanout         *self,
                       FapilogFanoutDoneFunc  callback,
                       gpointer               user_data)
{
  self->done = callback;
  self->done_data = user_data;
  self->step = 0;
  g_clear_error (&self->step_error);
  start_next (self);
}

static void
on_stop_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StepToken *token = user_data;
  FapilogFanout *self = token->self;
  GError *error = NULL;
  gboolean ok = fapilog_sink_stop_finish (FAPILOG_SINK (source), result, &error);

  if (token->step != self->step_serial)
    {
      g_clear_error (&error);
      g_free (token);
      return;
    }
  g_free (token);
  clear_step (self);

  if (!ok)
    {
      SinkSlot *slot = g_ptr_array_index (self->slots, self->step);
      _fapilog_diag_warn ("sink", "sink failed to stop",
                          "sink", "s", slot->name,
                          "error", "s", error != NULL ? error->message : "unknown error",
                          NULL);
    }
  g_clear_error (&error);
  stop_next (self);
}

/* At the deadline the stop is cancelled and given STOP_GRACE_US to wind up
 * (a buffering sink reports what it still holds); after that it is
 * abandoned. */
static gboolean
on_stop_timeout (gpointer user_data)
{
  FapilogFanout *self = user_data;
  SinkSlot *slot = g_ptr_array_index (self->slots, self->step);
  guint serial = self->step_serial;

  /* The source is being dispatched: just drop our handle on it. */
  g_clear_pointer (&self->step_timeout, g_source_unref);

  if (!g_cancellable_is_cancelled (self->step_cancellable))
    {
      GCancellable *cancellable = g_object_ref (self->step_cancellable);

      g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);
      /* A sink may complete its stop inside the cancellation; then the
       * next sink's stop is already under way and is not ours to touch. */
      if (serial != self->step_serial)
        return G_SOURCE_REMOVE;
      self->step_timeout = g_timeout_source_new (STOP_GRACE_US / 1000);
      g_source_set_callback (self->step_timeout, on_stop_timeout, self, NULL);
      g_source_attach (self->step_timeout, g_main_context_get_thread_default ());
      return G_SOURCE_REMOVE;
    }

  g_clear_object (&self->step_cancellable);
  self->step_serial++;
  _fapilog_diag_warn ("sink", "sink did not stop before the shutdown deadline; abandoned",
                      "sink", "s", slot->name, NULL);
  stop_next (self);
  return G_SOURCE_REMOVE;
}

static void
stop_next (FapilogFanout *self)
{
  StepToken *token;
  SinkSlot *slot = NULL;
  gint64 now, wait_us;

  /* Last added, first stopped; sinks that never started are skipped. */
  while (self->step > 0)
    {
      slot = g_ptr_array_index (self->slots, --self->step);
      if (slot->started)
        break;
      slot = NULL;
    }
  if (slot == NULL)
    {
      self->done (NULL, self->done_data);
      return;
    }
  slot->started = FALSE;

  token = g_new0 (StepToken, 1);
  token->self = self;
  token->step = ++self->step_serial;
  self->step_cancellable = g_cancellable_new ();

  now = g_get_monotonic_time ();
  if (self->stop_deadline_us == G_MAXINT64)
    wait_us = -1;
  else if (now >= self->stop_deadline_us)
    {
      g_cancellable_cancel (self->step_cancellable);
      wait_us = STOP_GRACE_US;
    }
  else
    wait_us = self->stop_deadline_us - now;

  if (wait_us >= 0)
    {
      self->step_timeout = g_timeout_source_new ((guint) MIN ((wait_us + 999) / 1000, G_MAXUINT));
      g_source_set_callback (self->step_timeout, on_stop_timeout, self, NULL);
      g_source_attach (self->step_timeout, g_main_context_get_thread_default ());
    }
  fapilog_sink_stop_async (slot->sink, self->step_cancellable, on_stop_done, token);
}

void
_fapilog_fanout_stop (FapilogFanout         *self,
                      gint64                 deadline_us,
                      FapilogFanoutDoneFunc  callback,
                      gpointer               user_data)
{
  self->done = callback;
  self->done_data = user_data;
  self->stop_deadline_us = deadline_us;
  self->step = self->slots->len;
  stop_next (self);
}
