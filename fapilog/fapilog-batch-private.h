/* fapilog-batch-private.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-batch.h"
#include "fapilog-buffer-cache-private.h"

G_BEGIN_DECLS

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
};

/* Serializes @entries (message ids must be assigned) and takes ownership of
 * the array and of the references in it. */
FapilogBatch *_fapilog_batch_new_take (FapilogEntry **entries,
                                       guint          n_entries);

/* One batch holding the entries and lines of @batches[0..n_batches), in
 * order: the lines are copied once into one buffer (so the result's data is
 * contiguous like any batch's) and the offsets shifted. Takes the caller's
 * reference on each of @batches; an input nobody else references gives up
 * its entries instead of having them referenced again. The buffer comes
 * from @cache and goes back to it when the result's bytes are freed. */
FapilogBatch *_fapilog_batch_concat   (FapilogBatch       **batches,
                                       guint                n_batches,
                                       FapilogBufferCache  *cache);

G_END_DECLS
