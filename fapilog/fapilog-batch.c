/* fapilog-batch.c: entries handed to sinks together, with their serialized bytes
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-batch-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"

/* A view is just a position in a batch: the bytes stay in the batch's one
 * buffer, so handing a line to a sink never copies it. */
struct _FapilogSerializedView {
  gint          ref_count;
  FapilogBatch *batch;
  guint         index;
};

G_DEFINE_BOXED_TYPE (FapilogBatch, fapilog_batch,
                     fapilog_batch_ref, fapilog_batch_unref)
G_DEFINE_BOXED_TYPE (FapilogSerializedView, fapilog_serialized_view,
                     fapilog_serialized_view_ref, fapilog_serialized_view_unref)

/* A typical envelope line is 250-400 bytes; reserving this per entry up
 * front usually avoids every regrowth of the batch buffer. */
#define BYTES_PER_ENTRY_GUESS 384

/* The entries were written on other CPUs (the caller's, then the
 * worker's): the first touch of each one waits for its lines to come over,
 * and that wait was a third of the serializer's time. Asking for the
 * lines of an entry a couple of places ahead overlaps the wait with the
 * work on this one. */
#define PREFETCH_AHEAD 2

/* Its size is not known without the very read being hidden: a pool
 * block's worth, which covers the usual entry (header, fields and the text
 * they point to). A prefetch past the end of a smaller allocation is
 * harmless: it never faults. */
static inline void
prefetch_entry (const FapilogEntry *entry)
{
  const char *p = (const char *) entry;

#if defined(__GNUC__) || defined(__clang__)
  for (gsize at = 0; at < FAPILOG_ENTRY_POOL_BLOCK_SIZE; at += 64)
    __builtin_prefetch (p + at, 0, 3);
#else
  (void) p;
#endif
}

/* The lines of every entry into one buffer. Runs once per batch, on the
 * first thread that needs the bytes. */
static void
batch_serialize (FapilogBatch *self)
{
  FapilogJsonBuf buf;
  char *data;

  self->offsets = g_new (gsize, (gsize) self->n_entries + 1);
  _fapilog_json_buf_init (&buf, (gsize) self->n_entries * BYTES_PER_ENTRY_GUESS + 1);

  for (guint i = 0; i < self->n_entries; i++)
    {
      FapilogEntry *entry = self->entries[i];

      if (G_LIKELY (i + PREFETCH_AHEAD < self->n_entries))
        prefetch_entry (self->entries[i + PREFETCH_AHEAD]);

      self->offsets[i] = buf.len;
      _fapilog_envelope_write (&buf, entry, FAPILOG_JSON_NONE);
      _fapilog_json_buf_append_c (&buf, '\n');
    }
  self->offsets[self->n_entries] = buf.len;

  data = _fapilog_json_buf_steal (&buf, &self->len);
  self->bytes = g_bytes_new_take (data, self->len);
  self->data = g_bytes_get_data (self->bytes, NULL);
}

void
_fapilog_batch_ensure_serialized (FapilogBatch *self)
{
  if (g_once_init_enter (&self->serialized))
    {
      batch_serialize (self);
      g_once_init_leave (&self->serialized, 1);
    }
}

gboolean
_fapilog_batch_is_serialized (FapilogBatch *self)
{
  return g_atomic_pointer_get (&self->serialized) != 0;
}

gsize
_fapilog_batch_size_hint (FapilogBatch *self)
{
  if (_fapilog_batch_is_serialized (self))
    return self->len;
  return (gsize) self->n_entries * BYTES_PER_ENTRY_GUESS;
}

FapilogBatch *
_fapilog_batch_new_take_deferred (FapilogEntry **entries,
                                  guint          n_entries)
{
  FapilogBatch *self = g_new0 (FapilogBatch, 1);

  self->ref_count = 1;
  self->n_entries = n_entries;
  self->entries = entries;
  if (n_entries > 0)
    {
      self->first_seq = entries[0]->seq;
      self->last_seq = entries[n_entries - 1]->seq;
    }
  return self;
}

FapilogBatch *
_fapilog_batch_new_take (FapilogEntry **entries,
                         guint          n_entries)
{
  FapilogBatch *self = _fapilog_batch_new_take_deferred (entries, n_entries);

  _fapilog_batch_ensure_serialized (self);
  return self;
}

/* Moves (or, from an input somebody else holds, references) the entries
 * of @batches into @entries, in order, and drops the inputs. */
static void
take_entries (FapilogBatch  **batches,
              guint           n_batches,
              FapilogEntry  **entries)
{
  guint e = 0;

  for (guint b = 0; b < n_batches; b++)
    {
      FapilogBatch *part = batches[b];
      guint n = part->n_entries;

      /* Only our reference left: nobody can look at the part's entries
       * any more, so move them (saves an atomic increment now and an
       * atomic decrement when the part goes). */
      if (g_atomic_int_get (&part->ref_count) == 1)
        {
          memcpy (entries + e, part->entries, n * sizeof (FapilogEntry *));
          part->n_entries = 0;
        }
      else
        for (guint i = 0; i < n; i++)
          entries[e + i] = fapilog_entry_ref (part->entries[i]);
      e += n;
      fapilog_batch_unref (part);
    }
}

FapilogBatch *
_fapilog_batch_concat (FapilogBatch       **batches,
                       guint                n_batches,
                       FapilogBufferCache  *cache)
{
  FapilogBatch *self;
  FapilogEntry **entries;
  guint n_entries = 0, e = 0;
  gboolean deferred = TRUE;
  gsize len = 0, *offsets;
  guint8 *data;

  g_return_val_if_fail (n_batches > 0, NULL);
  g_return_val_if_fail (cache != NULL, NULL);

  for (guint b = 0; b < n_batches; b++)
    {
      n_entries += batches[b]->n_entries;
      /* An input another sink also holds may have its bytes made by that
       * sink's thread at any moment; the result then copies them rather
       * than making them a second time. */
      if (g_atomic_int_get (&batches[b]->ref_count) != 1 ||
          _fapilog_batch_is_serialized (batches[b]))
        deferred = FALSE;
    }
  entries = g_new (FapilogEntry *, MAX (n_entries, 1));

  if (deferred)
    {
      take_entries (batches, n_batches, entries);
      return _fapilog_batch_new_take_deferred (entries, n_entries);
    }

  for (guint b = 0; b < n_batches; b++)
    {
      _fapilog_batch_ensure_serialized (batches[b]);
      len += batches[b]->len;
    }

  /* The lines before the inputs go (take_entries() drops them). */
  offsets = g_new (gsize, (gsize) n_entries + 1);
  data = _fapilog_buffer_cache_take (cache, len + 1);
  len = 0;
  for (guint b = 0; b < n_batches; b++)
    {
      FapilogBatch *part = batches[b];

      memcpy (data + len, part->data, part->len);
      for (guint i = 0; i < part->n_entries; i++)
        offsets[e + i] = len + part->offsets[i];
      e += part->n_entries;
      len += part->len;
    }
  offsets[n_entries] = len;
  /* Like the serializer's buffer: a NUL after the last line, in case a
   * reader treats the data as a string. */
  data[len] = '\0';

  take_entries (batches, n_batches, entries);
  /* Not yet shared, so the guard is set without g_once. */
  self = _fapilog_batch_new_take_deferred (entries, n_entries);
  self->offsets = offsets;
  self->len = len;
  self->bytes = _fapilog_buffer_cache_wrap (cache, data, len);
  self->data = data;
  self->serialized = 1;
  return self;
}

/**
 * fapilog_batch_new:
 * @entries: (array length=n_entries) (nullable): the entries, in order; %NULL
 *   when @n_entries is 0
 * @n_entries: the number of entries
 *
 * Makes a batch of @entries and serializes each of them once. The pipeline
 * makes batches itself; this is for tests and for code that drives a sink
 * directly.
 *
 * Returns: (transfer full): a new #FapilogBatch
 *
 * Since: 1.0
 */
FapilogBatch *
fapilog_batch_new (FapilogEntry **entries,
                   guint          n_entries)
{
  FapilogEntry **copy;
  guint i;

  g_return_val_if_fail (entries != NULL || n_entries == 0, NULL);
  for (i = 0; i < n_entries; i++)
    g_return_val_if_fail (entries[i] != NULL, NULL);

  copy = g_new (FapilogEntry *, MAX (n_entries, 1));
  for (i = 0; i < n_entries; i++)
    copy[i] = fapilog_entry_ref (entries[i]);

  return _fapilog_batch_new_take (copy, n_entries);
}

/**
 * fapilog_batch_ref:
 * @self: a #FapilogBatch
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
FapilogBatch *
fapilog_batch_ref (FapilogBatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * fapilog_batch_unref:
 * @self: (transfer full): a #FapilogBatch
 *
 * Releases a reference on @self; the last one frees the batch, its bytes
 * (unless still referenced through [method@Fapilog.Batch.get_bytes]) and its
 * references on the entries.
 *
 * Since: 1.0
 */
void
fapilog_batch_unref (FapilogBatch *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  _fapilog_entry_unref_many (self->entries, self->n_entries);
  g_free (self->entries);
  g_free (self->offsets);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self);
}

/**
 * fapilog_batch_get_n_entries:
 * @self: a #FapilogBatch
 *
 * Returns: the number of entries in @self
 *
 * Since: 1.0
 */
guint
fapilog_batch_get_n_entries (FapilogBatch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_entries;
}

/**
 * fapilog_batch_get_entry:
 * @self: a #FapilogBatch
 * @index_: a position, less than [method@Fapilog.Batch.get_n_entries]
 *
 * Returns: (transfer none): the entry at @index_, owned by @self
 *
 * Since: 1.0
 */
FapilogEntry *
fapilog_batch_get_entry (FapilogBatch *self,
                         guint         index_)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index_ < self->n_entries, NULL);

  return self->entries[index_];
}

/**
 * fapilog_batch_get_data:
 * @self: a #FapilogBatch
 * @length: (out) (optional): the number of bytes
 *
 * Returns the JSON lines of every entry, in order, contiguous, each ending in
 * `\n`: exactly what a byte-oriented sink writes, in one call.
 *
 * A batch is serialized once, by the first call that needs its bytes (this
 * one, [method@Fapilog.Batch.get_bytes], [method@Fapilog.Batch.get_entry_data]
 * or a view's data), on whatever thread makes it. Any thread may call it,
 * several at once: a sink that hands the batch to a thread of its own and
 * reads the bytes there moves the serialization off the worker too.
 *
 * Returns: (transfer none) (array length=length): the bytes, owned by @self
 *
 * Since: 1.0
 */
const guint8 *
fapilog_batch_get_data (FapilogBatch *self,
                        gsize        *length)
{
  if (length != NULL)
    *length = 0;

  g_return_val_if_fail (self != NULL, NULL);

  _fapilog_batch_ensure_serialized (self);
  if (length != NULL)
    *length = self->len;
  return self->data;
}

/**
 * fapilog_batch_get_bytes:
 * @self: a #FapilogBatch
 *
 * Returns the same bytes as [method@Fapilog.Batch.get_data] as a #GBytes,
 * which may outlive the batch.
 *
 * Returns: (transfer full): a new reference to the bytes of @self
 *
 * Since: 1.0
 */
GBytes *
fapilog_batch_get_bytes (FapilogBatch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  _fapilog_batch_ensure_serialized (self);
  return g_bytes_ref (self->bytes);
}

/**
 * fapilog_batch_get_entry_data:
 * @self: a #FapilogBatch
 * @index_: a position, less than [method@Fapilog.Batch.get_n_entries]
 * @length: (out) (optional): the number of bytes, the final `\n` included
 *
 * Returns the JSON line of one entry, within the data of the batch.
 *
 * Returns: (transfer none) (array length=length): the bytes, owned by @self
 *
 * Since: 1.0
 */
const guint8 *
fapilog_batch_get_entry_data (FapilogBatch *self,
                              guint         index_,
                              gsize        *length)
{
  if (length != NULL)
    *length = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index_ < self->n_entries, NULL);

  _fapilog_batch_ensure_serialized (self);
  if (length != NULL)
    *length = self->offsets[index_ + 1] - self->offsets[index_];
  return self->data + self->offsets[index_];
}

/**
 * fapilog_batch_get_view:
 * @self: a #FapilogBatch
 * @index_: a position, less than [method@Fapilog.Batch.get_n_entries]
 *
 * Returns the entry at @index_ together with its JSON line, as handed to
 * sinks that implement `write_serialized`. The view keeps @self alive; no
 * bytes are copied.
 *
 * Returns: (transfer full): a new #FapilogSerializedView
 *
 * Since: 1.0
 */
FapilogSerializedView *
fapilog_batch_get_view (FapilogBatch *self,
                        guint         index_)
{
  FapilogSerializedView *view;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index_ < self->n_entries, NULL);

  view = g_new (FapilogSerializedView, 1);
  view->ref_count = 1;
  view->batch = fapilog_batch_ref (self);
  view->index = index_;

  return view;
}

/**
 * fapilog_serialized_view_ref:
 * @self: a #FapilogSerializedView
 *
 * Acquires a reference on @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
FapilogSerializedView *
fapilog_serialized_view_ref (FapilogSerializedView *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * fapilog_serialized_view_unref:
 * @self: (transfer full): a #FapilogSerializedView
 *
 * Releases a reference on @self, and with the last one its reference on the
 * batch it belongs to.
 *
 * Since: 1.0
 */
void
fapilog_serialized_view_unref (FapilogSerializedView *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  fapilog_batch_unref (self->batch);
  g_free (self);
}

/**
 * fapilog_serialized_view_get_data:
 * @self: a #FapilogSerializedView
 * @length: (out) (optional): the number of bytes, the final `\n` included
 *
 * Returns: (transfer none) (array length=length): the JSON line of the
 *   entry, owned by @self
 *
 * Since: 1.0
 */
const guint8 *
fapilog_serialized_view_get_data (FapilogSerializedView *self,
                                  gsize                 *length)
{
  if (length != NULL)
    *length = 0;

  g_return_val_if_fail (self != NULL, NULL);

  return fapilog_batch_get_entry_data (self->batch, self->index, length);
}

/**
 * fapilog_serialized_view_get_bytes:
 * @self: a #FapilogSerializedView
 *
 * Returns the same bytes as [method@Fapilog.SerializedView.get_data] as a
 * #GBytes (a slice of the batch's bytes, not a copy).
 *
 * Returns: (transfer full): a new #GBytes
 *
 * Since: 1.0
 */
GBytes *
fapilog_serialized_view_get_bytes (FapilogSerializedView *self)
{
  FapilogBatch *batch;
  gsize start;

  g_return_val_if_fail (self != NULL, NULL);

  batch = self->batch;
  _fapilog_batch_ensure_serialized (batch);
  start = batch->offsets[self->index];

  return g_bytes_new_from_bytes (batch->bytes, start,
                                 batch->offsets[self->index + 1] - start);
}

/**
 * fapilog_serialized_view_get_entry:
 * @self: a #FapilogSerializedView
 *
 * Returns: (transfer none): the entry whose line this is, owned by @self
 *
 * Since: 1.0
 */
FapilogEntry *
fapilog_serialized_view_get_entry (FapilogSerializedView *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->batch->entries[self->index];
}
