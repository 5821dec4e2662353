/* fapilog-buffer-cache-private.h: large byte buffers kept warm for reuse
 *
 * The fan-out merges the batches a busy sink left waiting into one buffer
 * of a few hundred KiB. Freshly allocated, such a buffer comes from pages
 * that malloc has just handed back to the kernel (blocks this size are
 * mmapped, or trimmed off the heap's top when freed), so every write into
 * it takes page faults; reusing a buffer keeps its pages mapped.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FapilogBufferCache FapilogBufferCache;

/* Keeps up to @max_blocks freed buffers, @max_bytes of them in all. */
FapilogBufferCache *_fapilog_buffer_cache_new   (guint               max_blocks,
                                                 gsize               max_bytes);
/* Drops the owner's reference. Buffers still in use keep the cache alive
 * until they are freed; they are not kept for reuse after this. */
void                _fapilog_buffer_cache_close (FapilogBufferCache *self);

/* A buffer of at least @size bytes, recycled if one fits. Hand it to
 * _fapilog_buffer_cache_wrap() when it is filled. Any thread. */
guint8             *_fapilog_buffer_cache_take  (FapilogBufferCache *self,
                                                 gsize               size);
/* Bytes for the first @len bytes of @data (from _fapilog_buffer_cache_take
 * on @self); the last reference on them gives the buffer back, from
 * whichever thread drops it. */
GBytes             *_fapilog_buffer_cache_wrap  (FapilogBufferCache *self,
                                                 guint8             *data,
                                                 gsize               len);

/* Buffers waiting for reuse; for tests. */
guint               _fapilog_buffer_cache_get_n_cached (FapilogBufferCache *self);

G_END_DECLS
