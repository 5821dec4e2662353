/* fapilog-buffer-cache.c: large byte buffers kept warm for reuse
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-buffer-cache-private.h"

/* Every buffer starts with this header; the caller sees the bytes after it. */
typedef struct {
  FapilogBufferCache *owner;      /* a reference, while the buffer is out */
  gsize               capacity;   /* bytes after the header */
} BlockHeader;

/* Keeps the bytes 16-byte aligned, as malloc's own blocks are. */
#define HEADER_SIZE ((sizeof (BlockHeader) + 15) & ~(gsize) 15)

/* New buffers are rounded up to this, so one that is a little larger than
 * the last can still reuse it next time. */
#define SIZE_STEP (64 * 1024)

struct _FapilogBufferCache {
  gint          ref_count;   /* the owner's, plus one per buffer that is out */
  GMutex        lock;
  gboolean      closed;
  guint         max_blocks;
  gsize         max_bytes;
  GPtrArray    *free_blocks; /* BlockHeader*, waiting for reuse */
  gsize         free_bytes;
};

static inline guint8 *
block_data (BlockHeader *block)
{
  return (guint8 *) block + HEADER_SIZE;
}

static inline BlockHeader *
block_of (guint8 *data)
{
  return (BlockHeader *) (data - HEADER_SIZE);
}

FapilogBufferCache *
_fapilog_buffer_cache_new (guint max_blocks,
                           gsize max_bytes)
{
  FapilogBufferCache *self = g_new0 (FapilogBufferCache, 1);

  self->ref_count = 1;
  g_mutex_init (&self->lock);
  self->max_blocks = max_blocks;
  self->max_bytes = max_bytes;
  self->free_blocks = g_ptr_array_new_with_free_func (g_free);
  return self;
}

static void
cache_unref (FapilogBufferCache *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_ptr_array_unref (self->free_blocks);
  g_mutex_clear (&self->lock);
  g_free (self);
}

void
_fapilog_buffer_cache_close (FapilogBufferCache *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_ptr_array_set_size (self->free_blocks, 0);
  self->free_bytes = 0;
  g_mutex_unlock (&self->lock);
  cache_unref (self);
}

guint8 *
_fapilog_buffer_cache_take (FapilogBufferCache *self,
                            gsize               size)
{
  BlockHeader *block = NULL;
  guint fit = G_MAXUINT, largest = G_MAXUINT;
  gsize fit_capacity = G_MAXSIZE, largest_capacity = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (size <= G_MAXSIZE - HEADER_SIZE - SIZE_STEP, NULL);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->free_blocks->len; i++)
    {
      gsize capacity = ((BlockHeader *) g_ptr_array_index (self->free_blocks, i))->capacity;

      if (capacity >= size && capacity < fit_capacity)
        {
          fit = i;
          fit_capacity = capacity;
        }
      if (capacity > largest_capacity)
        {
          largest = i;
          largest_capacity = capacity;
        }
    }
  if (fit != G_MAXUINT)
    {
      block = g_ptr_array_steal_index_fast (self->free_blocks, fit);
      self->free_bytes -= block->capacity;
    }
  else if (largest != G_MAXUINT)
    {
      /* Nothing fits: the largest buffer makes way for a bigger one, so the
       * cache follows the sizes in use instead of holding ones that are
       * always too small. */
      self->free_bytes -= largest_capacity;
      g_ptr_array_remove_index_fast (self->free_blocks, largest);
    }
  g_mutex_unlock (&self->lock);

  if (block == NULL)
    {
      gsize capacity = MAX ((size + SIZE_STEP - 1) / SIZE_STEP * SIZE_STEP, SIZE_STEP);

      block = g_malloc (HEADER_SIZE + capacity);
      block->capacity = capacity;
    }
  g_atomic_int_inc (&self->ref_count);
  block->owner = self;
  return block_data (block);
}

static void
give_back (gpointer data)
{
  BlockHeader *block = data;
  FapilogBufferCache *self = block->owner;
  gboolean kept = FALSE;

  block->owner = NULL;
  g_mutex_lock (&self->lock);
  if (!self->closed &&
      self->free_blocks->len < self->max_blocks &&
      block->capacity <= self->max_bytes - self->free_bytes)
    {
      g_ptr_array_add (self->free_blocks, block);
      self->free_bytes += block->capacity;
      kept = TRUE;
    }
  g_mutex_unlock (&self->lock);
  if (!kept)
    g_free (block);
  cache_unref (self);
}

GBytes *
_fapilog_buffer_cache_wrap (FapilogBufferCache *self,
                            guint8             *data,
                            gsize               len)
{
  BlockHeader *block;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);
  block = block_of (data);
  g_return_val_if_fail (block->owner == self, NULL);
  g_return_val_if_fail (len <= block->capacity, NULL);

  return g_bytes_new_with_free_func (data, len, give_back, block);
}

guint
_fapilog_buffer_cache_get_n_cached (FapilogBufferCache *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  n = self->free_blocks->len;
  g_mutex_unlock (&self->lock);
  return n;
}
