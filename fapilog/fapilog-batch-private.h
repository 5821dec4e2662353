/* fapilog-batch-private.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-batch.h"
#include "fapilog-buffer-cache-private.h"

G_BEGIN_DECLS

/* The bytes are made on first use, by whichever thread first asks for them
 * (the worker for a sink that reads them in its _async call, a sink's own
 * thread for one that reads them there); `serialized` is the g_once guard.
 * Until it is set, bytes, data, len and offsets are unset. */
struct _FapilogBatch {
  gint           ref_count;
  guint          n_entries;
  FapilogEntry **entries;      /* owned references */
  GBytes        *bytes;        /* all lines, contiguous */
  const guint8  *data;         /* g_bytes_get_data (bytes) */
  gsize          len;
  gsize         *offsets;      /* n_entries + 1 offsets into data */
  guint64        first_seq;
  guint64        last_seq;
  gsize          serialized;   /* g_once_init_enter() guard of the four above */
};

/* Takes ownership of the array and of the references in it; serializes
 * nothing yet. */
FapilogBatch *_fapilog_batch_new_take_deferred (FapilogEntry **entries,
                                                guint          n_entries);

/* The same, serialized at once. */
FapilogBatch *_fapilog_batch_new_take (FapilogEntry **entries,
                                       guint          n_entries);

/* Makes the bytes if nobody has yet; any thread, any number at once. */
void          _fapilog_batch_ensure_serialized (FapilogBatch *self);

/* Whether the bytes exist already (a snapshot unless the caller holds the
 * only reference). */
gboolean      _fapilog_batch_is_serialized (FapilogBatch *self);

/* The length of the bytes if made, else an estimate; never serializes. */
gsize         _fapilog_batch_size_hint (FapilogBatch *self);

/* One batch holding the entries and lines of @batches[0..n_batches), in
 * order. Takes the caller's reference on each of @batches; an input nobody
 * else references gives up its entries instead of having them referenced
 * again.
 *
 * When every input is ours alone and none is serialized yet, the result is
 * not serialized either: its bytes are made once, in one buffer, by whoever
 * first reads them, and nothing is copied. Otherwise each input is
 * serialized (if it was not) and the lines are copied once into one buffer
 * from @cache, which takes the buffer back when the result's bytes are
 * freed. */
FapilogBatch *_fapilog_batch_concat   (FapilogBatch       **batches,
                                       guint                n_batches,
                                       FapilogBufferCache  *cache);

G_END_DECLS
