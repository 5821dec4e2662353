/* fapilog-queue.c: the bounded queue between callers and the worker
 *
 * One ring buffer under one mutex. Unprotected entries may fill it up to
 * max_size; entries of protected levels may also use the protected_size
 * slots above that, so a flood of INFO can never crowd out an ERROR. One ring
 * (rather than a queue per class) keeps submission order across levels.
 *
 * The worker is not woken per entry: a caller wakes it only when the queue
 * turns non-empty while the worker sleeps without a deadline, or when a full
 * batch is ready while it sleeps on a batch timeout.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-queue-private.h"
#include "fapilog-settings-private.h"

/* How long a worker that just took a full batch waits before looking at
 * the queue again (the main loop counts in milliseconds): under a stream,
 * a full batch waits at most this long, against batch-timeout-seconds
 * (0.25 s) for a partial one. A napping worker is woken early once
 * NAP_WAKE_BATCHES batches wait (or half the queue, if that is less). */
#define NAP_MS           1
#define NAP_WAKE_BATCHES 4

struct _FapilogQueue {
  GMutex                 lock;
  GCond                  space;          /* signalled when the worker frees slots */

  FapilogEntry         **ring;
  /* Whether each slot's entry is of a protected level, kept beside the ring
   * so that the worker's pop reads no entry under the lock: the first read
   * of an entry the caller just wrote is a cache miss on another core, and
   * a caller that finds the lock taken meanwhile sleeps in the kernel. */
  guint8                *slot_protected;
  guint                  capacity;       /* max_size + protected_size */
  guint                  head;
  guint                  len;
  guint                  n_unprotected;

  guint                  max_size;
  guint                  protected_mask;
  FapilogOverflowPolicy  policy;
  gint                   wait_ms;
  guint                  batch_max;
  gint64                 batch_timeout_us;

  guint64                last_seq;
  guint64                expedite_seq;   /* entries up to here are due now */
  gboolean               draining;
  gboolean               closed;
  gboolean               paused;         /* a sink backlog is full (block policy) */
  guint                  n_waiting;      /* callers blocked for space */

  /* Under a steady stream, a worker that takes batches faster than the
   * callers fill them would sleep after each one and be woken by the call
   * that completes the next: a system call (and the wake-up of another
   * CPU) on a logging thread for every batch, which cost the callers more
   * than logging the batch did. After a full batch the worker naps
   * instead: it looks at the queue again by itself NAP_MS later, and a
   * caller wakes it early only once NAP_WAKE_BATCHES batches wait. */
  enum { WORKER_BUSY, WORKER_IDLE, WORKER_TIMED, WORKER_NAPPING } worker_state;
  gboolean               streaming;      /* the worker's last pop took a full batch */
  gint64                 nap_end;        /* monotonic time the current nap ends */
  guint                  nap_wake_len;   /* a napping worker is woken at this length */
  FapilogQueueWakeFunc   wake;
  gpointer               wake_data;

  FapilogQueueCounters   counters;       /* queue_depth derived on read */
  guint64                in_worker;
};

FapilogQueue *
_fapilog_queue_new (guint                  max_size,
                    guint                  protected_size,
                    guint                  protected_levels_mask,
                    FapilogOverflowPolicy  policy,
                    gint                   wait_ms,
                    guint                  batch_max_size,
                    gint64                 batch_timeout_us,
                    FapilogQueueWakeFunc   wake,
                    gpointer               wake_data)
{
  FapilogQueue *self = g_new0 (FapilogQueue, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->space);
  self->max_size = MAX (max_size, 1);
  self->capacity = self->max_size + (protected_levels_mask != 0 ? protected_size : 0);
  self->ring = g_new0 (FapilogEntry *, self->capacity);
  self->slot_protected = g_new0 (guint8, self->capacity);
  self->protected_mask = protected_levels_mask;
  self->policy = policy;
  self->wait_ms = wait_ms;
  self->batch_max = MAX (batch_max_size, 1);
  self->batch_timeout_us = MAX (batch_timeout_us, 1);
  self->nap_wake_len = MAX (self->batch_max, MIN (NAP_WAKE_BATCHES * self->batch_max, self->max_size / 2));
  self->worker_state = WORKER_BUSY;
  self->wake = wake;
  self->wake_data = wake_data;
  return self;
}

void
_fapilog_queue_free (FapilogQueue *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->len; i++)
    fapilog_entry_unref (self->ring[(self->head + i) % self->capacity]);
  g_free (self->ring);
  g_free (self->slot_protected);
  g_cond_clear (&self->space);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static inline gboolean
is_protected (FapilogQueue *self,
              FapilogEntry *entry)
{
  return (self->protected_mask & FAPILOG_LEVEL_BIT (entry->level)) != 0;
}

static inline gboolean
has_room (FapilogQueue *self,
          gboolean      protected_)
{
  return self->len < (protected_ ? self->capacity : self->max_size);
}

/* Removes the oldest unprotected entry, keeping the order of the rest:
 * the entries before it move up one slot. It is usually at or near the
 * head, so the move is short. */
static FapilogEntry *
evict_oldest_unprotected (FapilogQueue *self)
{
  guint i;

  if (self->n_unprotected == 0)
    return NULL;

  for (i = 0; i < self->len; i++)
    {
      guint slot = (self->head + i) % self->capacity;
      FapilogEntry *victim = self->ring[slot];

      if (!self->slot_protected[slot])
        {
          for (guint j = i; j > 0; j--)
            {
              guint to = (self->head + j) % self->capacity;
              guint from = (self->head + j - 1) % self->capacity;

              self->ring[to] = self->ring[from];
              self->slot_protected[to] = self->slot_protected[from];
            }
          self->ring[self->head] = NULL;
          self->head = (self->head + 1) % self->capacity;
          self->len--;
          self->n_unprotected--;
          return victim;
        }
    }
  return NULL;
}

/* Called with the lock held; returns whether the worker must be woken. */
static gboolean
append (FapilogQueue *self,
        FapilogEntry *entry,
        gboolean      protected_)
{
  guint slot = (self->head + self->len) % self->capacity;

  self->ring[slot] = entry;
  self->slot_protected[slot] = protected_ ? 1 : 0;
  self->len++;
  if (!protected_)
    self->n_unprotected++;
  entry->seq = ++self->last_seq;
  if (self->len > self->counters.high_watermark)
    self->counters.high_watermark = self->len;

  if (self->worker_state == WORKER_IDLE ||
      (self->worker_state == WORKER_TIMED && self->len >= self->batch_max) ||
      (self->worker_state == WORKER_NAPPING && self->len >= self->nap_wake_len))
    {
      self->worker_state = WORKER_BUSY;
      return TRUE;
    }
  return FALSE;
}

FapilogEnqueueResult
_fapilog_queue_push (FapilogQueue *self,
                     FapilogEntry *entry)
{
  gboolean protected_ = is_protected (self, entry);
  FapilogEntry *evicted = NULL;
  FapilogEnqueueResult result;
  gboolean wake = FALSE;

  g_mutex_lock (&self->lock);
  self->counters.submitted++;

  if (G_UNLIKELY (self->closed))
    result = FAPILOG_ENQUEUE_CLOSED;
  else if (G_LIKELY (has_room (self, protected_)))
    result = FAPILOG_ENQUEUE_ACCEPTED;
  else if (self->policy == FAPILOG_OVERFLOW_DROP_OLDEST &&
           (evicted = evict_oldest_unprotected (self)) != NULL)
    {
      self->counters.dropped++;
      result = FAPILOG_ENQUEUE_ACCEPTED;
    }
  else if (self->policy == FAPILOG_OVERFLOW_BLOCK && self->wait_ms != 0)
    {
      gint64 deadline = self->wait_ms > 0
        ? g_get_monotonic_time () + (gint64) self->wait_ms * G_TIME_SPAN_MILLISECOND
        : G_MAXINT64;

      self->n_waiting++;
      /* The worker may be asleep on a batch timeout with a full queue
       * behind it: make sure it runs. */
      if (self->worker_state != WORKER_BUSY)
        {
          self->worker_state = WORKER_BUSY;
          wake = TRUE;
        }
      while (!self->closed && !has_room (self, protected_))
        {
          if (wake)
            {
              /* Waking the worker needs no lock, but must not race its
               * sleep: do it before waiting, with the lock released. */
              g_mutex_unlock (&self->lock);
              self->wake (self->wake_data);
              g_mutex_lock (&self->lock);
              wake = FALSE;
              continue;
            }
          if (deadline == G_MAXINT64)
            g_cond_wait (&self->space, &self->lock);
          else if (!g_cond_wait_until (&self->space, &self->lock, deadline))
            break;
        }
      self->n_waiting--;
      if (self->closed)
        result = FAPILOG_ENQUEUE_CLOSED;
      else if (has_room (self, protected_))
        result = FAPILOG_ENQUEUE_ACCEPTED;
      else
        result = FAPILOG_ENQUEUE_DROPPED;
    }
  else
    result = FAPILOG_ENQUEUE_DROPPED;

  if (result == FAPILOG_ENQUEUE_ACCEPTED)
    wake = append (self, entry, protected_);
  else
    self->counters.dropped++;
  g_mutex_unlock (&self->lock);

  if (wake)
    self->wake (self->wake_data);
  if (result != FAPILOG_ENQUEUE_ACCEPTED)
    fapilog_entry_unref (entry);
  if (evicted != NULL)
    fapilog_entry_unref (evicted);
  return result;
}

static guint
pop_locked (FapilogQueue  *self,
            FapilogEntry **out,
            guint          n)
{
  /* At most two runs: up to the end of the ring, then from its start. */
  for (guint done = 0; done < n; )
    {
      guint run = MIN (n - done, self->capacity - self->head);
      guint n_protected = 0;

      memcpy (out + done, self->ring + self->head, run * sizeof (FapilogEntry *));
      memset (self->ring + self->head, 0, run * sizeof (FapilogEntry *));
      for (guint i = 0; i < run; i++)
        n_protected += self->slot_protected[self->head + i];
      self->n_unprotected -= run - n_protected;
      self->head = (self->head + run) % self->capacity;
      done += run;
    }
  self->len -= n;
  self->in_worker += n;
  self->streaming = n >= self->batch_max;
  if (n > 0 && self->n_waiting > 0)
    g_cond_broadcast (&self->space);
  return n;
}

guint
_fapilog_queue_pop (FapilogQueue  *self,
                    FapilogEntry **out,
                    guint          max)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = pop_locked (self, out, MIN (max, self->len));
  g_mutex_unlock (&self->lock);
  return n;
}

guint
_fapilog_queue_pop_full (FapilogQueue  *self,
                         FapilogEntry **out,
                         guint          max)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  if (self->len >= max && !self->paused)
    n = pop_locked (self, out, max);
  g_mutex_unlock (&self->lock);
  return n;
}

void
_fapilog_queue_account (FapilogQueue *self,
                        guint         processed,
                        guint         filtered)
{
  g_mutex_lock (&self->lock);
  g_assert (self->in_worker >= (guint64) processed + filtered);
  self->in_worker -= (guint64) processed + filtered;
  self->counters.processed += processed;
  self->counters.filtered += filtered;
  g_mutex_unlock (&self->lock);
}

static void
wake_if_sleeping_locked (FapilogQueue *self,
                         gboolean     *wake)
{
  if (self->worker_state != WORKER_BUSY)
    {
      self->worker_state = WORKER_BUSY;
      *wake = TRUE;
    }
}

void
_fapilog_queue_expedite (FapilogQueue *self,
                         guint64       seq)
{
  gboolean wake = FALSE;

  g_mutex_lock (&self->lock);
  if (seq > self->expedite_seq)
    self->expedite_seq = seq;
  wake_if_sleeping_locked (self, &wake);
  g_mutex_unlock (&self->lock);
  if (wake)
    self->wake (self->wake_data);
}

void
_fapilog_queue_set_draining (FapilogQueue *self)
{
  gboolean wake = FALSE;

  g_mutex_lock (&self->lock);
  self->draining = TRUE;
  wake_if_sleeping_locked (self, &wake);
  g_mutex_unlock (&self->lock);
  if (wake)
    self->wake (self->wake_data);
}

void
_fapilog_queue_set_paused (FapilogQueue *self,
                           gboolean      paused)
{
  g_mutex_lock (&self->lock);
  self->paused = paused;
  g_mutex_unlock (&self->lock);
}

void
_fapilog_queue_close (FapilogQueue *self)
{
  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_cond_broadcast (&self->space);
  g_mutex_unlock (&self->lock);
}

guint64
_fapilog_queue_discard_unsent (FapilogQueue *self)
{
  FapilogEntry **left;
  guint n;

  g_mutex_lock (&self->lock);
  n = self->len;
  left = g_new (FapilogEntry *, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      left[i] = self->ring[self->head];
      self->ring[self->head] = NULL;
      self->head = (self->head + 1) % self->capacity;
    }
  self->len = 0;
  self->n_unprotected = 0;
  self->counters.unsent += n;
  g_cond_broadcast (&self->space);
  g_mutex_unlock (&self->lock);

  _fapilog_entry_unref_many (left, n);
  g_free (left);
  return n;
}

guint
_fapilog_queue_get_n_waiting (FapilogQueue *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_waiting;
  g_mutex_unlock (&self->lock);
  return n;
}

guint64
_fapilog_queue_last_seq (FapilogQueue *self)
{
  guint64 seq;

  g_mutex_lock (&self->lock);
  seq = self->last_seq;
  g_mutex_unlock (&self->lock);
  return seq;
}

guint64
_fapilog_queue_settled_seq (FapilogQueue *self)
{
  guint64 seq;

  /* One lock for both reads: a push between them would otherwise count an
   * entry that was never handed out as settled. */
  g_mutex_lock (&self->lock);
  seq = self->len > 0 ? self->ring[self->head]->seq - 1 : self->last_seq;
  g_mutex_unlock (&self->lock);
  return seq;
}

void
_fapilog_queue_get_counters (FapilogQueue         *self,
                             FapilogQueueCounters *counters)
{
  g_mutex_lock (&self->lock);
  *counters = self->counters;
  counters->queue_depth = self->len + self->in_worker;
  g_mutex_unlock (&self->lock);
}

/* ---- the worker's view: a GSource ------------------------------------- */

typedef struct {
  GSource       source;
  FapilogQueue *queue;
} QueueSource;

/* Decides, under the lock, whether a batch is due; if not, records how the
 * worker will sleep so that callers know when to wake it. */
static gboolean
queue_source_prepare (GSource *source,
                      gint    *timeout)
{
  FapilogQueue *self = ((QueueSource *) source)->queue;
  gboolean ready = FALSE;

  g_mutex_lock (&self->lock);
  if (self->len == 0 || self->paused)
    {
      /* Paused: the worker itself resumes when a sink catches up. */
      self->worker_state = self->paused ? WORKER_BUSY : WORKER_IDLE;
      if (self->len == 0)
        self->streaming = FALSE;
      *timeout = -1;
    }
  else if (self->len >= self->batch_max || self->draining || self->n_waiting > 0 ||
           self->ring[self->head]->seq <= self->expedite_seq)
    {
      self->worker_state = WORKER_BUSY;
      ready = TRUE;
    }
  else
    {
      /* The batch is due batch_timeout after its oldest entry was logged.
       * The entry's wall-clock stamp saves callers a second clock read; a
       * clock step is clamped so a batch never waits longer than the
       * timeout from now. */
      gint64 now = g_get_real_time ();
      gint64 due = self->ring[self->head]->timestamp_us + self->batch_timeout_us;
      gint64 wait = CLAMP (due - now, 0, self->batch_timeout_us);
      gint64 mono = 0;   /* monotonic time, read only for a nap */

      if (wait == 0)
        {
          self->worker_state = WORKER_BUSY;
          ready = TRUE;
        }
      else if (self->streaming &&
               (self->worker_state != WORKER_NAPPING ||
                (mono = g_get_monotonic_time ()) < self->nap_end))
        {
          /* Another batch is probably on its way: look again shortly
           * (for the rest of the nap, if something else woke the worker). */
          if (self->worker_state != WORKER_NAPPING)
            {
              mono = g_get_monotonic_time ();
              self->nap_end = mono + NAP_MS * G_TIME_SPAN_MILLISECOND;
              self->worker_state = WORKER_NAPPING;
            }
          *timeout = (gint) MIN ((MIN (wait, self->nap_end - mono) + 999) / 1000, NAP_MS);
        }
      else
        {
          /* A nap that ended without a full batch ends the stream. */
          self->streaming = FALSE;
          self->worker_state = WORKER_TIMED;
          /* Round up so the wake-up is never early. */
          *timeout = (gint) MIN ((wait + 999) / 1000, G_MAXINT);
        }
    }
  g_mutex_unlock (&self->lock);
  if (ready)
    *timeout = 0;
  return ready;
}

static gboolean
queue_source_check (GSource *source)
{
  gint timeout;

  return queue_source_prepare (source, &timeout);
}

static gboolean
queue_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  return callback != NULL ? callback (user_data) : G_SOURCE_REMOVE;
}

static GSourceFuncs queue_source_funcs = {
  queue_source_prepare,
  queue_source_check,
  queue_source_dispatch,
  NULL, NULL, NULL,
};

GSource *
_fapilog_queue_source_new (FapilogQueue *self)
{
  QueueSource *source = (QueueSource *) g_source_new (&queue_source_funcs, sizeof (QueueSource));

  source->queue = self;
  g_source_set_static_name ((GSource *) source, "fapilog queue");
  return (GSource *) source;
}
