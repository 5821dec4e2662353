/* test-buffer-cache.c: reuse, limits and lifetime of the merge buffers
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-test-utils.h"
#include "fapilog-buffer-cache-private.h"

static GBytes *
filled (FapilogBufferCache *cache,
        gsize               size,
        guint8            **data_out)
{
  guint8 *data = _fapilog_buffer_cache_take (cache, size);

  /* The whole requested size is writable (ASan and valgrind check it). */
  memset (data, 'x', size);
  if (data_out != NULL)
    *data_out = data;
  return _fapilog_buffer_cache_wrap (cache, data, size);
}

/* A freed buffer is handed out again for a request it fits, and the
 * bytes see exactly what was written. */
static void
test_reuse (void)
{
  FapilogBufferCache *cache = _fapilog_buffer_cache_new (4, 8 << 20);
  guint8 *first, *second;
  GBytes *bytes;
  gsize len;

  bytes = filled (cache, 300000, &first);
  g_assert_true (g_bytes_get_data (bytes, &len) == first);
  g_assert_cmpuint (len, ==, 300000);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 0);
  g_bytes_unref (bytes);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 1);

  bytes = filled (cache, 200000, &second);
  g_assert_true (second == first);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 0);
  g_bytes_unref (bytes);

  _fapilog_buffer_cache_close (cache);
}

/* The smallest buffer that fits is taken; when none fits, the largest
 * makes way for a new one instead of the cache keeping buffers that are
 * always too small. */
static void
test_best_fit_and_growth (void)
{
  FapilogBufferCache *cache = _fapilog_buffer_cache_new (4, 64 << 20);
  guint8 *small, *large, *got;
  GBytes *a, *b, *c;

  a = filled (cache, 100000, &small);
  b = filled (cache, 1000000, &large);
  g_bytes_unref (a);
  g_bytes_unref (b);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 2);

  c = filled (cache, 50000, &got);
  g_assert_true (got == small);
  g_bytes_unref (c);

  /* Nothing holds 4 MB: the 1 MB buffer goes, the 100 kB one stays. */
  c = filled (cache, 4000000, &got);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 1);
  g_bytes_unref (c);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 2);
  c = filled (cache, 3000000, &got);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 1);
  g_bytes_unref (c);

  _fapilog_buffer_cache_close (cache);
}

/* At most max_blocks buffers, and max_bytes of them in all, wait for
 * reuse; the rest are freed when their bytes go. */
static void
test_limits (void)
{
  FapilogBufferCache *cache = _fapilog_buffer_cache_new (2, 1 << 20);
  GBytes *bytes[3];

  for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
    bytes[i] = filled (cache, 65536, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
    g_bytes_unref (bytes[i]);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 2);
  _fapilog_buffer_cache_close (cache);

  /* One buffer larger than max_bytes is never kept. */
  cache = _fapilog_buffer_cache_new (2, 1 << 20);
  g_bytes_unref (filled (cache, 2 << 20, NULL));
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 0);
  _fapilog_buffer_cache_close (cache);
}

static gpointer
unref_bytes (gpointer data)
{
  g_bytes_unref (data);
  return NULL;
}

/* Bytes may outlive the cache's owner (a sink keeps a batch after the
 * pipeline is gone) and be freed on another thread; the last of them
 * frees the cache. Leaks or a use after free show under ASan and
 * valgrind. */
static void
test_bytes_outlive_close (void)
{
  FapilogBufferCache *cache = _fapilog_buffer_cache_new (4, 8 << 20);
  GBytes *kept = filled (cache, 70000, NULL);
  GBytes *other = filled (cache, 80000, NULL);
  GThread *thread;

  g_bytes_unref (other);
  g_assert_cmpuint (_fapilog_buffer_cache_get_n_cached (cache), ==, 1);
  _fapilog_buffer_cache_close (cache);

  g_assert_cmpuint (g_bytes_get_size (kept), ==, 70000);
  g_assert_cmpint (((const char *) g_bytes_get_data (kept, NULL))[69999], ==, 'x');
  thread = g_thread_new ("unref", unref_bytes, kept);
  g_thread_join (thread);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/buffer-cache/reuse", test_reuse);
  g_test_add_func ("/buffer-cache/best-fit-and-growth", test_best_fit_and_growth);
  g_test_add_func ("/buffer-cache/limits", test_limits);
  g_test_add_func ("/buffer-cache/bytes-outlive-close", test_bytes_outlive_close);

  return g_test_run ();
}
