/* fapilog-queue-private.h: the bounded queue between callers and the worker
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-entry-private.h"

G_BEGIN_DECLS

typedef struct _FapilogQueue FapilogQueue;

typedef enum {
  FAPILOG_ENQUEUE_ACCEPTED,
  FAPILOG_ENQUEUE_DROPPED,     /* full: refused (drop_newest, or block timed out) */
  FAPILOG_ENQUEUE_CLOSED,      /* after shutdown */
} FapilogEnqueueResult;

typedef struct {
  guint64 submitted;
  guint64 dropped;
  guint64 filtered;
  guint64 processed;
  guint64 unsent;
  guint64 queue_depth;         /* queued + taken by the worker but not yet handed out */
  guint64 high_watermark;
} FapilogQueueCounters;

typedef void (*FapilogQueueWakeFunc) (gpointer user_data);

FapilogQueue *_fapilog_queue_new          (guint                  max_size,
                                           guint                  protected_size,
                                           guint                  protected_levels_mask,
                                           FapilogOverflowPolicy  policy,
                                           gint                   wait_ms,
                                           guint                  batch_max_size,
                                           gint64                 batch_timeout_us,
                                           FapilogQueueWakeFunc   wake,
                                           gpointer               wake_data);
void          _fapilog_queue_free         (FapilogQueue          *self);

/* Caller side. Takes ownership of @entry whatever the result; counts it as
 * submitted, and as dropped unless accepted. An entry evicted to make room
 * (drop_oldest) is counted as dropped and released outside the lock. */
FapilogEnqueueResult _fapilog_queue_push  (FapilogQueue          *self,
                                           FapilogEntry          *entry);

/* Worker side: a GSource that dispatches when a batch is due (full, its
 * timeout passed, a flush asked for it, or the queue is draining). The
 * callback is a GSourceFunc. */
GSource      *_fapilog_queue_source_new   (FapilogQueue          *self);
/* Moves up to @max entries into @out (oldest first) and returns how many;
 * they count in queue_depth until _fapilog_queue_account. */
guint         _fapilog_queue_pop          (FapilogQueue          *self,
                                           FapilogEntry         **out,
                                           guint                  max);
/* The same, but only when @max entries are there: 0 otherwise. Lets the
 * worker take the next full batch without a main loop iteration, while a
 * partial batch still waits for its timeout. */
guint         _fapilog_queue_pop_full     (FapilogQueue          *self,
                                           FapilogEntry         **out,
                                           guint                  max);
void          _fapilog_queue_account      (FapilogQueue          *self,
                                           guint                  processed,
                                           guint                  filtered);
/* Entries with seq <= @seq are due now (flush). */
void          _fapilog_queue_expedite     (FapilogQueue          *self,
                                           guint64                seq);
/* Everything queued is due now, and stays so (shutdown). */
void          _fapilog_queue_set_draining (FapilogQueue          *self);
/* While paused the source never dispatches (the block policy's
 * backpressure when a sink's backlog is full). Worker thread only. */
void          _fapilog_queue_set_paused   (FapilogQueue          *self,
                                           gboolean               paused);
/* Refuses new entries from now on; wakes blocked callers (they drop). */
void          _fapilog_queue_close        (FapilogQueue          *self);
/* Removes what is left, counting it as unsent; returns how many. */
guint64       _fapilog_queue_discard_unsent (FapilogQueue        *self);

/* Callers currently blocked for room (block policy). */
guint         _fapilog_queue_get_n_waiting (FapilogQueue         *self);
guint64       _fapilog_queue_last_seq     (FapilogQueue          *self);
/* Every entry with seq <= the result has left the queue (taken by the
 * worker, evicted or discarded). Worker thread, between batches. */
guint64       _fapilog_queue_settled_seq  (FapilogQueue          *self);
void          _fapilog_queue_get_counters (FapilogQueue          *self,
                                           FapilogQueueCounters  *counters);

G_END_DECLS
