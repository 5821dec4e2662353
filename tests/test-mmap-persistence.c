/* test-mmap-persistence.c: FapilogMmapPersistence
 *
 * Real files in temporary directories. The crash case runs a child process
 * (this program run again with `--child crash PATH`) that appends until the
 * parent kills it. Time for the interval sync mode is moved with the
 * object's private clock hook, never by sleeping; threads meet on condition
 * variables.
 *
 * Volume cases append less when FAPILOG_TEST_SCALE_DOWN is set (valgrind).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "fapilog.h"
#include "fapilog-mmap-persistence-private.h"
#include "fapilog-test-utils.h"

static char *self_exe;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static guint
scale (guint n)
{
  const char *s = g_getenv ("FAPILOG_TEST_SCALE_DOWN");
  guint64 d = s != NULL ? g_ascii_strtoull (s, NULL, 10) : 1;

  return d > 1 ? MAX (1, n / (guint) d) : n;
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("fapilog-mmap-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_chmod (dir, 0700);
  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    {
      g_unlink (dir);
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
write_file (const char *path,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

/* A closed file is plain lines: exactly @expected, so no zero padding. */
static void
assert_file_is (const char *path,
                const char *expected,
                gsize       expected_len)
{
  g_autoptr(GBytes) bytes = read_file (path);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpuint (len, ==, expected_len);
  g_assert_null (memchr (data, 0, len));
  g_assert_true (len == 0 || memcmp (data, expected, len) == 0);
}

static FapilogMmapPersistence *
persistence_new (const char *path,
                 const char *first_property,
                 ...)
{
  FapilogMmapPersistence *p = fapilog_mmap_persistence_new (path);
  va_list args;

  /* Everything but the path may be set after construction. */
  va_start (args, first_property);
  g_object_set_valist (G_OBJECT (p), first_property, args);
  va_end (args);
  return p;
}

static void
open_ok (FapilogMmapPersistence *p)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_mmap_persistence_open (p, &error));
  g_assert_no_error (error);
  g_assert_true (fapilog_mmap_persistence_is_open (p));
}

static void
close_ok (FapilogMmapPersistence *p)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_mmap_persistence_close (p, &error));
  g_assert_no_error (error);
  g_assert_false (fapilog_mmap_persistence_is_open (p));
}

static guint64
line_ok (FapilogMmapPersistence *p,
         const char             *line)
{
  g_autoptr(GError) error = NULL;
  guint64 offset = G_MAXUINT64;

  g_assert_true (fapilog_mmap_persistence_append_line (p, (const guint8 *) line,
                                                       strlen (line), &offset, &error));
  g_assert_no_error (error);
  return offset;
}

static guint64
append_ok (FapilogMmapPersistence *p,
           const char             *data,
           gsize                   len)
{
  g_autoptr(GError) error = NULL;
  guint64 offset = G_MAXUINT64;

  g_assert_true (fapilog_mmap_persistence_append (p, (const guint8 *) data, len,
                                                  &offset, &error));
  g_assert_no_error (error);
  return offset;
}

typedef struct {
  guint64 mapped, logical, appended, syncs;
} Stats;

static Stats
get_stats (FapilogMmapPersistence *p)
{
  Stats s;

  fapilog_mmap_persistence_get_stats (p, &s.mapped, &s.logical, &s.appended, &s.syncs);
  return s;
}

/* ------------------------------------------------------------------------ */
/* Properties                                                               */

static void
test_properties (void)
{
  g_autoptr(FapilogMmapPersistence) p = fapilog_mmap_persistence_new ("/nowhere/x.jsonl");
  g_autofree char *path = NULL;
  guint64 initial, min, max, every;
  double factor;
  FapilogMmapSyncMode mode;
  guint interval, file_mode;
  gboolean flush;

  g_object_get (p, "path", &path, "initial-size", &initial, "growth-factor", &factor,
                "growth-min-bytes", &min, "max-size", &max, "sync-mode", &mode,
                "sync-interval-ms", &interval, "sync-every-bytes", &every,
                "flush-on-close", &flush, "file-mode", &file_mode, NULL);
  g_assert_cmpstr (path, ==, "/nowhere/x.jsonl");
  g_assert_cmpuint (initial, ==, 1024 * 1024);
  g_assert_cmpfloat (factor, ==, 2.0);
  g_assert_cmpuint (min, ==, 1024 * 1024);
  g_assert_cmpuint (max, ==, 0);
  g_assert_cmpint (mode, ==, FAPILOG_MMAP_SYNC_NONE);
  g_assert_cmpuint (interval, ==, 1000);
  g_assert_cmpuint (every, ==, 1024 * 1024);
  g_assert_true (flush);
  g_assert_cmpuint (file_mode, ==, 0640);

  /* Not construct-only: set after construction, read back. */
  g_object_set (p, "initial-size", (guint64) 4096, "growth-factor", 1.5,
                "growth-min-bytes", (guint64) 100, "max-size", (guint64) 1 << 30,
                "sync-mode", FAPILOG_MMAP_SYNC_BYTES, "sync-interval-ms", 5u,
                "sync-every-bytes", (guint64) 10, "flush-on-close", FALSE,
                "file-mode", 0600u, NULL);
  g_object_get (p, "initial-size", &initial, "growth-factor", &factor,
                "growth-min-bytes", &min, "max-size", &max, "sync-mode", &mode,
                "sync-interval-ms", &interval, "sync-every-bytes", &every,
                "flush-on-close", &flush, "file-mode", &file_mode, NULL);
  g_assert_cmpuint (initial, ==, 4096);
  g_assert_cmpfloat (factor, ==, 1.5);
  g_assert_cmpuint (min, ==, 100);
  g_assert_cmpuint (max, ==, (guint64) 1 << 30);
  g_assert_cmpint (mode, ==, FAPILOG_MMAP_SYNC_BYTES);
  g_assert_cmpuint (interval, ==, 5);
  g_assert_cmpuint (every, ==, 10);
  g_assert_false (flush);
  g_assert_cmpuint (file_mode, ==, 0600);

  /* Closed: no file touched, stats all zero, unhealthy. */
  g_assert_false (fapilog_mmap_persistence_is_open (p));
  g_assert_false (fapilog_mmap_persistence_health_check (p));
  {
    Stats s = get_stats (p);

    g_assert_cmpuint (s.mapped + s.logical + s.appended + s.syncs, ==, 0);
  }
  /* It is a building block, not a sink. */
  g_assert_false (g_type_is_a (FAPILOG_TYPE_MMAP_PERSISTENCE, FAPILOG_TYPE_SINK));
}

/* ------------------------------------------------------------------------ */
/* Appending                                                                */

static void
test_append_offsets (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "a.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 1024, NULL);
  const char *l1 = "{\"message\":\"hello\"}";
  const char *l2 = "{\"message\":\"world\",\"n\":2}";
  const char *raw = "{\"raw\":true}\n{\"raw\":2}\n";
  GString *expected = g_string_new (NULL);
  Stats s;

  open_ok (p);
  s = get_stats (p);
  g_assert_cmpuint (s.mapped, ==, 1024);
  g_assert_cmpuint (s.logical, ==, 0);
  g_assert_cmpuint (s.appended, ==, 0);
  g_assert_cmpuint (s.syncs, ==, 0);
  g_assert_true (fapilog_mmap_persistence_health_check (p));
  /* While open the file is the mapping: records then zero padding. */
  g_assert_cmpuint (file_size (path), ==, 1024);

  g_assert_cmpuint (line_ok (p, l1), ==, 0);
  g_string_append_printf (expected, "%s\n", l1);
  g_assert_cmpuint (line_ok (p, l2), ==, strlen (l1) + 1);
  g_string_append_printf (expected, "%s\n", l2);
  g_assert_cmpuint (append_ok (p, raw, strlen (raw)), ==, expected->len);
  g_string_append (expected, raw);

  s = get_stats (p);
  g_assert_cmpuint (s.logical, ==, expected->len);
  g_assert_cmpuint (s.appended, ==, expected->len);
  g_assert_cmpuint (s.mapped, ==, 1024);
  g_assert_cmpuint (s.syncs, ==, 0);

  /* The records are visible in the file already (shared mapping). */
  {
    g_autoptr(GBytes) bytes = read_file (path);
    gsize len;
    const guint8 *data = g_bytes_get_data (bytes, &len);

    g_assert_cmpuint (len, ==, 1024);
    g_assert_cmpmem (data, expected->len, expected->str, expected->len);
    for (gsize i = expected->len; i < len; i++)
      g_assert_cmpuint (data[i], ==, 0);
  }

  close_ok (p);
  s = get_stats (p);
  g_assert_cmpuint (s.mapped, ==, 0);
  g_assert_cmpuint (s.logical, ==, expected->len);
  g_assert_cmpuint (s.appended, ==, expected->len);
  /* flush-on-close synced what was appended. */
  g_assert_cmpuint (s.syncs, ==, 1);
  assert_file_is (path, expected->str, expected->len);
  {
    g_autoptr(GBytes) bytes = read_file (path);
    g_auto(GStrv) lines = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 5);
    g_assert_cmpstr (lines[4], ==, "");
    for (guint i = 0; i < 4; i++)
      {
        JsonObject *o = test_parse_object (lines[i]);

        json_object_unref (o);
      }
    g_assert_nonnull (strstr (lines[0], "\"message\":\"hello\""));
  }

  g_string_free (expected, TRUE);
  remove_tree (dir);
}

static void
test_append_empty (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "e.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 64, NULL);
  g_autoptr(GError) error = NULL;
  guint64 offset = 77;
  Stats s;

  open_ok (p);
  line_ok (p, "a");
  /* Zero bytes: success, nothing changes, the offset is the end. */
  g_assert_true (fapilog_mmap_persistence_append (p, NULL, 0, &offset, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (offset, ==, 2);
  s = get_stats (p);
  g_assert_cmpuint (s.logical, ==, 2);
  g_assert_cmpuint (s.appended, ==, 2);
  /* An empty line is a newline. */
  g_assert_true (fapilog_mmap_persistence_append_line (p, NULL, 0, &offset, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (offset, ==, 2);
  /* No offset wanted. */
  g_assert_true (fapilog_mmap_persistence_append_line (p, (const guint8 *) "b", 1, NULL, &error));
  g_assert_no_error (error);
  close_ok (p);
  assert_file_is (path, "a\n\nb\n", 5);
  remove_tree (dir);
}

/* Lines of varying length with a running number, for content checks. */
static char *
make_line (guint t,
           guint i)
{
  g_autofree char *pad = g_strnfill ((i * 7 + t * 13) % 97, (char) ('a' + (i + t) % 26));

  return g_strdup_printf ("{\"t\":%u,\"i\":%u,\"pad\":\"%s\"}", t, i, pad);
}

static void
test_growth_tiny_to_large (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "g.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  GString *expected = g_string_new (NULL);
  guint64 target = scale (4 * 1024 * 1024);
  guint64 last_mapped = 64;
  guint growths = 0;
  Stats s;

  p = persistence_new (path, "initial-size", (guint64) 64, "growth-min-bytes", (guint64) 64, NULL);
  open_ok (p);
  g_assert_cmpuint (get_stats (p).mapped, ==, 64);
  for (guint i = 0; expected->len < target; i++)
    {
      g_autofree char *line = make_line (0, i);

      g_assert_cmpuint (line_ok (p, line), ==, expected->len);
      g_string_append_printf (expected, "%s\n", line);
      s = get_stats (p);
      g_assert_cmpuint (s.logical, ==, expected->len);
      g_assert_cmpuint (s.mapped, >=, s.logical);
      if (s.mapped != last_mapped)
        {
          /* Factor 2, min 64: every growth doubles (no line is longer
           * than the mapping, so "needed" never decides). */
          g_assert_cmpuint (s.mapped, ==, last_mapped * 2);
          last_mapped = s.mapped;
          growths++;
        }
    }
  /* 64 B -> >= 4 MiB: 16 doublings (fewer when scaled down). */
  g_assert_cmpuint (last_mapped, >=, target);
  g_assert_cmpuint (last_mapped, <, 2 * target + 128);
  g_assert_cmpuint (growths, >=, 10);
  g_assert_cmpuint (file_size (path), ==, last_mapped);
  /* Disk space was reserved (the tests run on filesystems with fallocate;
   * tmpfs and ext4 both have it). */
  g_assert_true (_fapilog_mmap_persistence_is_reserved (p));

  /* Content intact across every remap. */
  {
    g_autoptr(GBytes) bytes = read_file (path);

    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), expected->len, expected->str, expected->len);
  }
  close_ok (p);
  assert_file_is (path, expected->str, expected->len);
  g_string_free (expected, TRUE);
  remove_tree (dir);
}

/* The mapped size after each append, for a sequence of append sizes. */
static void
check_growth (guint64        initial,
              double         factor,
              guint64        min,
              guint64        max_size,
              const gsize   *sizes,
              const guint64 *mapped_after,
              gsize          n)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "geo.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  GString *expected = g_string_new (NULL);

  p = persistence_new (path, "initial-size", initial, "growth-factor", factor,
                       "growth-min-bytes", min, "max-size", max_size, NULL);
  open_ok (p);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *data = g_strnfill (sizes[i] - 1, (char) ('A' + i % 26));

      line_ok (p, data);
      g_string_append_printf (expected, "%s\n", data);
      g_assert_cmpuint (get_stats (p).mapped, ==, mapped_after[i]);
      g_assert_cmpuint (file_size (path), ==, mapped_after[i]);
    }
  close_ok (p);
  assert_file_is (path, expected->str, expected->len);
  g_string_free (expected, TRUE);
  remove_tree (dir);
}

static void
test_growth_geometric (void)
{
  /* new = max (size * factor, size + min, needed), capped at max-size. */
  {
    /* Factor 2 wins: 100 -> 200 -> 400 -> 800 -> 1600. */
    static const gsize sizes[] =     { 100, 1, 99, 1, 199, 1, 399, 1 };
    static const guint64 mapped[] =  { 100, 200, 200, 400, 400, 800, 800, 1600 };

    check_growth (100, 2.0, 10, 0, sizes, mapped, G_N_ELEMENTS (sizes));
  }
  {
    /* growth-min wins over a small factor: 100 -> 1100 -> 2100;
     * then factor 1.5 of 2100 = 3150 > 3100. */
    static const gsize sizes[] =     { 100, 1, 999, 1, 999, 1 };
    static const guint64 mapped[] =  { 100, 1100, 1100, 2100, 2100, 3150 };

    check_growth (100, 1.5, 1000, 0, sizes, mapped, G_N_ELEMENTS (sizes));
  }
  {
    /* The append itself needs more than both: 64 -> 64 + 500. */
    static const gsize sizes[] =     { 10, 554 };
    static const guint64 mapped[] =  { 64, 564 };

    check_growth (64, 2.0, 64, 0, sizes, mapped, G_N_ELEMENTS (sizes));
  }
  {
    /* Capped at max-size: 64 -> 100 (not 128), and the last append fits
     * exactly. */
    static const gsize sizes[] =     { 64, 30, 6 };
    static const guint64 mapped[] =  { 64, 100, 100 };

    check_growth (64, 2.0, 64, 100, sizes, mapped, G_N_ELEMENTS (sizes));
  }
  {
    /* initial-size above max-size: the mapping starts at max-size. */
    static const gsize sizes[] =     { 50 };
    static const guint64 mapped[] =  { 80 };

    check_growth (4096, 2.0, 64, 80, sizes, mapped, G_N_ELEMENTS (sizes));
  }
}

/* The same growth without fallocate (as on filesystems without it): the
 * file is extended sparsely and everything else is the same. */
static void
test_growth_without_fallocate (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "sparse.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  GString *expected = g_string_new (NULL);

  p = persistence_new (path, "initial-size", (guint64) 64, "growth-min-bytes", (guint64) 64, NULL);
  _fapilog_mmap_persistence_set_use_fallocate (p, FALSE);
  open_ok (p);
  g_assert_false (_fapilog_mmap_persistence_is_reserved (p));
  for (guint i = 0; expected->len < scale (256 * 1024); i++)
    {
      g_autofree char *line = make_line (1, i);

      g_assert_cmpuint (line_ok (p, line), ==, expected->len);
      g_string_append_printf (expected, "%s\n", line);
    }
  g_assert_cmpuint (file_size (path), ==, get_stats (p).mapped);
  g_assert_true (fapilog_mmap_persistence_health_check (p));
  close_ok (p);
  assert_file_is (path, expected->str, expected->len);
  g_string_free (expected, TRUE);
  remove_tree (dir);
}

static void
test_max_size_exact (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "max.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = g_strnfill (59, 'x');    /* 60 with its newline */
  g_autofree char *second = g_strnfill (39, 'y');   /* 40: exactly to 100 */
  g_autofree char *expected = NULL;
  g_autofree char *message = NULL;
  guint64 offset = 12345;
  Stats s;

  p = persistence_new (path, "initial-size", (guint64) 64, "growth-min-bytes", (guint64) 16,
                       "max-size", (guint64) 100, NULL);
  open_ok (p);

  /* Too big from the start: refused, nothing written. */
  {
    g_autofree char *big = g_strnfill (101, 'z');

    g_assert_false (fapilog_mmap_persistence_append (p, (const guint8 *) big, 101, &offset, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_nonnull (strstr (error->message, "max-size 100"));
    g_assert_nonnull (strstr (error->message, "101 bytes"));
    g_clear_error (&error);
    g_assert_cmpuint (offset, ==, 12345);
    g_assert_cmpuint (get_stats (p).logical, ==, 0);
  }

  g_assert_cmpuint (line_ok (p, first), ==, 0);
  /* Fits exactly (G12: the limit is checked against the records, not a
   * rounded-up size). */
  g_assert_cmpuint (line_ok (p, second), ==, 60);
  s = get_stats (p);
  g_assert_cmpuint (s.logical, ==, 100);
  g_assert_cmpuint (s.mapped, ==, 100);

  /* One byte more: refused, nothing written. */
  g_assert_false (fapilog_mmap_persistence_append (p, (const guint8 *) "!", 1, &offset, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  message = g_strdup_printf ("appending 1 bytes to %s would pass max-size 100 "
                             "(logical size 100)", path);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  /* An empty line is one byte too. */
  g_assert_false (fapilog_mmap_persistence_append_line (p, NULL, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  /* Zero bytes still fit. */
  g_assert_true (fapilog_mmap_persistence_append (p, NULL, 0, NULL, &error));
  g_assert_no_error (error);

  s = get_stats (p);
  g_assert_cmpuint (s.logical, ==, 100);
  g_assert_cmpuint (s.appended, ==, 100);
  g_assert_cmpuint (s.mapped, ==, 100);
  g_assert_true (fapilog_mmap_persistence_health_check (p));

  close_ok (p);
  expected = g_strdup_printf ("%s\n%s\n", first, second);
  assert_file_is (path, expected, 100);

  /* Reopened full: still refuses, still intact. */
  open_ok (p);
  g_assert_cmpuint (get_stats (p).logical, ==, 100);
  g_assert_false (fapilog_mmap_persistence_append_line (p, (const guint8 *) "a", 1, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  /* Raising the limit lets appends through again. */
  g_object_set (p, "max-size", (guint64) 102, NULL);
  line_ok (p, "a");
  close_ok (p);
  {
    g_autofree char *more = g_strdup_printf ("%sa\n", expected);

    assert_file_is (path, more, 102);
  }
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Concurrency                                                              */

#define N_THREADS 8

typedef struct {
  FapilogMmapPersistence *p;
  guint                   t;
  guint                   n;
  GMutex                 *gate_lock;
  GCond                  *gate_cond;
  gboolean               *gate_open;
  guint64                 bytes;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;

  /* Start together, so the appends really race. */
  g_mutex_lock (w->gate_lock);
  while (!*w->gate_open)
    g_cond_wait (w->gate_cond, w->gate_lock);
  g_mutex_unlock (w->gate_lock);

  for (guint i = 0; i < w->n; i++)
    {
      g_autofree char *line = make_line (w->t, i);
      GError *error = NULL;

      if (!fapilog_mmap_persistence_append_line (w->p, (const guint8 *) line, strlen (line),
                                                 NULL, &error))
        g_error ("append: %s", error->message);
      w->bytes += strlen (line) + 1;
    }
  return NULL;
}

/* Checks that @data holds only whole JSON lines {"t","i",...}, each
 * (t, i) once, each thread's in order, and returns the count per thread
 * in @counts (N_THREADS entries). */
static void
check_lines (const char *data,
             gsize       len,
             guint      *counts,
             guint       n_threads)
{
  const char *p = data;
  const char *end = data + len;
  g_autofree gint64 *next = g_new0 (gint64, n_threads);

  g_assert_true (len == 0 || data[len - 1] == '\n');
  g_assert_null (memchr (data, 0, len));
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      g_autofree char *line = g_strndup (p, nl - p);
      JsonObject *o = test_parse_object (line);
      gint64 t = json_object_get_int_member (o, "t");
      gint64 i = json_object_get_int_member (o, "i");
      g_autofree char *again = make_line ((guint) t, (guint) i);

      g_assert_cmpint (t, >=, 0);
      g_assert_cmpint (t, <, n_threads);
      /* Each thread appends in order, so its lines appear in order, each
       * exactly once. */
      g_assert_cmpint (i, ==, next[t]);
      next[t]++;
      g_assert_cmpstr (line, ==, again);
      json_object_unref (o);
      p = nl + 1;
    }
  for (guint t = 0; t < n_threads; t++)
    counts[t] = (guint) next[t];
}

static void
test_concurrent (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "c.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  GMutex gate_lock;
  GCond gate_cond;
  gboolean gate_open = FALSE;
  Writer writers[N_THREADS];
  GThread *threads[N_THREADS];
  guint n = scale (5000);
  guint64 total = 0;
  guint counts[N_THREADS];
  Stats s;

  /* Small steps, so the mapping grows (remaps) while threads append. */
  p = persistence_new (path, "initial-size", (guint64) 4096, "growth-min-bytes", (guint64) 4096,
                       "growth-factor", 1.25, NULL);
  open_ok (p);
  g_mutex_init (&gate_lock);
  g_cond_init (&gate_cond);
  for (guint t = 0; t < N_THREADS; t++)
    {
      writers[t] = (Writer) { p, t, n, &gate_lock, &gate_cond, &gate_open, 0 };
      threads[t] = g_thread_new ("writer", writer_thread, &writers[t]);
    }
  g_mutex_lock (&gate_lock);
  gate_open = TRUE;
  g_cond_broadcast (&gate_cond);
  g_mutex_unlock (&gate_lock);
  for (guint t = 0; t < N_THREADS; t++)
    {
      g_thread_join (threads[t]);
      total += writers[t].bytes;
    }

  s = get_stats (p);
  g_assert_cmpuint (s.logical, ==, total);
  g_assert_cmpuint (s.appended, ==, total);
  close_ok (p);

  g_assert_cmpuint (file_size (path), ==, total);
  {
    g_autoptr(GBytes) bytes = read_file (path);
    gsize len;
    const char *data = g_bytes_get_data (bytes, &len);

    check_lines (data, len, counts, N_THREADS);
    for (guint t = 0; t < N_THREADS; t++)
      g_assert_cmpuint (counts[t], ==, n);
  }
  g_mutex_clear (&gate_lock);
  g_cond_clear (&gate_cond);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Reopen and recovery                                                      */

static void
test_reopen (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "r.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 256, NULL);
  GString *expected = g_string_new (NULL);
  Stats s;

  open_ok (p);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *line = make_line (0, i);

      line_ok (p, line);
      g_string_append_printf (expected, "%s\n", line);
    }
  close_ok (p);
  assert_file_is (path, expected->str, expected->len);

  /* The same object again: resumes at the end (G11: never at 0). */
  open_ok (p);
  s = get_stats (p);
  g_assert_cmpuint (s.logical, ==, expected->len);
  g_assert_cmpuint (s.appended, ==, 0);
  g_assert_cmpuint (s.syncs, ==, 0);
  /* More records than initial-size: growth-min-bytes of room past them. */
  g_assert_cmpuint (expected->len, >, 256);
  g_assert_cmpuint (s.mapped, ==, expected->len + 1024 * 1024);
  {
    g_autofree char *line = make_line (1, 0);

    g_assert_cmpuint (line_ok (p, line), ==, expected->len);
    g_string_append_printf (expected, "%s\n", line);
  }
  close_ok (p);
  assert_file_is (path, expected->str, expected->len);

  /* A new object on the same file. */
  {
    g_autoptr(FapilogMmapPersistence) q = persistence_new (path, "initial-size", (guint64) 1 << 16,
                                                           NULL);
    g_autofree char *line = make_line (2, 0);

    open_ok (q);
    s = get_stats (q);
    g_assert_cmpuint (s.logical, ==, expected->len);
    g_assert_cmpuint (s.mapped, ==, 1 << 16);
    g_assert_cmpuint (line_ok (q, line), ==, expected->len);
    g_string_append_printf (expected, "%s\n", line);
    close_ok (q);
  }
  assert_file_is (path, expected->str, expected->len);

  /* Open twice and close twice: idempotent. */
  open_ok (p);
  open_ok (p);
  g_assert_cmpuint (get_stats (p).logical, ==, expected->len);
  close_ok (p);
  close_ok (p);
  assert_file_is (path, expected->str, expected->len);

  g_string_free (expected, TRUE);
  remove_tree (dir);
}

typedef struct {
  const char *name;
  const char *content;     /* what a crash left, before the padding */
  gsize       content_len; /* 0: strlen (content) */
  gsize       padding;     /* zero bytes after it */
  gsize       resume;      /* the logical end open must find */
} RecoveryCase;

static const RecoveryCase recovery_cases[] = {
  { "complete+padding", "{\"a\":1}\n{\"a\":2}\n", 0, 4000, 16 },
  { "torn+padding", "{\"a\":1}\n{\"a\":2}\n{\"a\":3,\"to", 0, 5000, 16 },
  { "torn-no-padding", "{\"a\":1}\n{\"a\":2}\n{\"a\":3,\"to", 0, 0, 16 },
  { "complete-no-padding", "{\"a\":1}\n{\"a\":2}\n", 0, 0, 16 },
  /* A torn line may hold zeros of its own (pages not all written). */
  { "torn-with-zeros", "{\"a\":1}\n{\"a\":2}\n{\"a\0\0\0b", 23, 300, 16 },
  { "only-torn", "{\"a\":1,\"torn\"", 0, 100, 0 },
  { "only-padding", "", 0, 70000, 0 },
  { "empty", "", 0, 0, 0 },
  /* Padding longer than the scan chunk (64 KiB) before the last line. */
  { "long-padding", "{\"a\":1}\n", 0, 200000, 8 },
};

static void
test_recovery (gconstpointer data)
{
  const RecoveryCase *rc = data;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "crashed.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 128, NULL);
  gsize content_len = rc->content_len > 0 ? rc->content_len : strlen (rc->content);
  g_autofree char *crafted = g_malloc0 (content_len + rc->padding + 1);
  g_autofree char *expected = NULL;
  Stats s;

  memcpy (crafted, rc->content, content_len);
  write_file (path, crafted, content_len + rc->padding);

  open_ok (p);
  s = get_stats (p);
  g_assert_cmpuint (s.logical, ==, rc->resume);
  g_assert_cmpuint (s.appended, ==, 0);
  g_assert_cmpuint (s.mapped, ==, MAX (128, rc->resume));
  /* The torn bytes and the old padding are gone; the room past the
   * records is zero. */
  {
    g_autoptr(GBytes) bytes = read_file (path);
    gsize len;
    const guint8 *d = g_bytes_get_data (bytes, &len);

    g_assert_cmpuint (len, ==, s.mapped);
    g_assert_cmpmem (d, rc->resume, rc->content, rc->resume);
    for (gsize i = rc->resume; i < len; i++)
      g_assert_cmpuint (d[i], ==, 0);
  }

  /* Later appends follow the last complete record. */
  g_assert_cmpuint (line_ok (p, "{\"after\":true}"), ==, rc->resume);
  close_ok (p);
  expected = g_strdup_printf ("%.*s{\"after\":true}\n", (int) rc->resume, rc->content);
  assert_file_is (path, expected, strlen (expected));
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Crash of the process                                                     */

#define CRASH_THREADS 3

typedef struct {
  FapilogMmapPersistence *p;
  guint                   t;
} CrashWriter;

static GMutex crash_out_lock;

static gpointer
crash_writer (gpointer data)
{
  CrashWriter *w = data;

  for (guint i = 0; i < 50000000; i++)
    {
      g_autofree char *line = make_line (w->t, i);
      char report[64];
      int n;
      GError *error = NULL;

      if (!fapilog_mmap_persistence_append_line (w->p, (const guint8 *) line, strlen (line),
                                                 NULL, &error))
        {
          g_printerr ("append: %s\n", error->message);
          _exit (3);
        }
      /* The append returned: report it as committed. */
      n = g_snprintf (report, sizeof report, "%u %u\n", w->t, i);
      g_mutex_lock (&crash_out_lock);
      if (write (STDOUT_FILENO, report, (size_t) n) != n)
        _exit (0);   /* the parent has gone */
      g_mutex_unlock (&crash_out_lock);
    }
  return NULL;
}

/* --child crash PATH: appends from CRASH_THREADS threads until killed,
 * reporting "t i" after each append returns. Small growth steps, so it is
 * killed at some random point of appending or growing. */
static int
child_crash (const char *path)
{
  FapilogMmapPersistence *p;
  CrashWriter writers[CRASH_THREADS];
  GThread *threads[CRASH_THREADS];
  GError *error = NULL;

  p = persistence_new (path, "initial-size", (guint64) 4096, "growth-min-bytes", (guint64) 8192,
                       "growth-factor", 1.1, NULL);
  if (!fapilog_mmap_persistence_open (p, &error))
    {
      g_printerr ("open: %s\n", error->message);
      return 3;
    }
  for (guint t = 0; t < CRASH_THREADS; t++)
    {
      writers[t] = (CrashWriter) { p, t };
      threads[t] = g_thread_new ("crash-writer", crash_writer, &writers[t]);
    }
  for (guint t = 0; t < CRASH_THREADS; t++)
    g_thread_join (threads[t]);
  return 0;
}

static void
test_crash (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "sub", "crash.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  gint64 reported[CRASH_THREADS] = { -1, -1, -1 };
  guint counts[CRASH_THREADS];
  guint target = scale (20000);
  guint seen = 0;
  gsize end = 0;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self_exe, "--child", "crash", path, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  /* Kill it in the middle of appending (it never stops on its own). */
  while (seen < target)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);
      guint t, i;

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("child ended early");
      g_assert_cmpint (sscanf (line, "%u %u", &t, &i), ==, 2);
      g_assert_cmpuint (t, <, CRASH_THREADS);
      reported[t] = MAX (reported[t], (gint64) i);
      seen++;
    }
  g_subprocess_send_signal (child, SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  /* As the crash left it: records, maybe a torn line, zero padding. */
  {
    g_autoptr(GBytes) bytes = read_file (path);
    gsize len, tail;
    const char *data = g_bytes_get_data (bytes, &len);

    tail = len;
    while (tail > 0 && data[tail - 1] == 0)
      tail--;
    while (tail > 0 && data[tail - 1] != '\n')
      tail--;
    end = tail;
    g_test_message ("killed after %u reports; file %" G_GSIZE_FORMAT " bytes, records %"
                    G_GSIZE_FORMAT, seen, len, end);
    /* Every line before the end whole, each once, no zero bytes (the copy
     * happens under the lock, so there is never a hole before a completed
     * record). */
    check_lines (data, end, counts, CRASH_THREADS);
    for (guint t = 0; t < CRASH_THREADS; t++)
      g_assert_cmpint ((gint64) counts[t], >=, reported[t] + 1);
  }

  /* Reopen: resumes exactly there; close leaves a plain file. */
  {
    g_autoptr(FapilogMmapPersistence) p = fapilog_mmap_persistence_new (path);
    g_autoptr(GBytes) before = read_file (path);
    g_autofree char *expected = NULL;

    open_ok (p);
    g_assert_cmpuint (get_stats (p).logical, ==, end);
    line_ok (p, "{\"t\":0,\"i\":-1}");
    close_ok (p);
    expected = g_strdup_printf ("%.*s{\"t\":0,\"i\":-1}\n", (int) end,
                                (const char *) g_bytes_get_data (before, NULL));
    assert_file_is (path, expected, strlen (expected));
  }
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Sync modes                                                               */

static void
test_sync_always (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "s.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  g_autoptr(GError) error = NULL;
  guint n = scale (200);
  Stats s;

  p = persistence_new (path, "initial-size", (guint64) 4096, "growth-min-bytes", (guint64) 4096,
                       "sync-mode", FAPILOG_MMAP_SYNC_ALWAYS, NULL);
  open_ok (p);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = make_line (0, i);

      if (i % 2 == 0)
        line_ok (p, line);
      else
        {
          g_autofree char *with_nl = g_strconcat (line, "\n", NULL);

          append_ok (p, with_nl, strlen (with_nl));
        }
      g_assert_cmpuint (get_stats (p).syncs, ==, i + 1);
    }
  /* Nothing left to sync: an explicit sync and close add none. */
  g_assert_true (fapilog_mmap_persistence_sync (p, &error));
  g_assert_no_error (error);
  close_ok (p);
  s = get_stats (p);
  g_assert_cmpuint (s.syncs, ==, n);
  remove_tree (dir);
}

static void
test_sync_bytes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "s.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line99 = g_strnfill (99, 'q');

  /* Appends of 100 bytes, N = 1000: exactly floor (total / N) syncs. */
  p = persistence_new (path, "initial-size", (guint64) 4096, "growth-min-bytes", (guint64) 4096,
                       "sync-mode", FAPILOG_MMAP_SYNC_BYTES,
                       "sync-every-bytes", (guint64) 1000, NULL);
  open_ok (p);
  for (guint i = 1; i <= 95; i++)
    {
      line_ok (p, line99);
      g_assert_cmpuint (get_stats (p).syncs, ==, (i * 100) / 1000);
    }
  g_assert_cmpuint (get_stats (p).syncs, ==, 9);
  close_ok (p);
  /* The 500 unsynced bytes at close. */
  g_assert_cmpuint (get_stats (p).syncs, ==, 10);

  /* Appends that do not divide N: a sync when at least N bytes have been
   * appended since the last sync of any kind, then counting starts again.
   * 7-byte appends, N = 10: a sync every second append (at 14 bytes). */
  g_object_set (p, "sync-every-bytes", (guint64) 10, NULL);
  open_ok (p);
  for (guint i = 1; i <= 20; i++)
    {
      append_ok (p, "abcdef\n", 7);
      g_assert_cmpuint (get_stats (p).syncs, ==, i / 2);
    }
  /* An explicit sync resets the count. */
  append_ok (p, "abcdef\n", 7);
  g_assert_cmpuint (get_stats (p).syncs, ==, 10);
  g_assert_true (fapilog_mmap_persistence_sync (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (get_stats (p).syncs, ==, 11);
  append_ok (p, "abcdef\n", 7);       /* 7 since the last sync */
  g_assert_cmpuint (get_stats (p).syncs, ==, 11);
  append_ok (p, "abcdef\n", 7);       /* 14 */
  g_assert_cmpuint (get_stats (p).syncs, ==, 12);
  /* One append of N bytes or more syncs at once. */
  append_ok (p, "0123456789abcdef\n", 17);
  g_assert_cmpuint (get_stats (p).syncs, ==, 13);
  close_ok (p);
  g_assert_cmpuint (get_stats (p).syncs, ==, 13);
  remove_tree (dir);
}

static gint64 fake_now;

/* Called by the object on this test's own thread (under its lock). */
static gint64
fake_clock (gpointer data)
{
  return fake_now;
}

static void
test_sync_interval (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "s.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  g_autoptr(GError) error = NULL;

  p = persistence_new (path, "initial-size", (guint64) 4096,
                       "sync-mode", FAPILOG_MMAP_SYNC_INTERVAL, "sync-interval-ms", 1000u, NULL);
  fake_now = 1000000;
  _fapilog_mmap_persistence_set_clock (p, fake_clock, NULL);
  open_ok (p);                     /* the interval starts at open */

  line_ok (p, "a");
  g_assert_cmpuint (get_stats (p).syncs, ==, 0);
  fake_now += 999999;
  line_ok (p, "b");
  g_assert_cmpuint (get_stats (p).syncs, ==, 0);
  fake_now += 1;                   /* exactly the interval */
  line_ok (p, "c");
  g_assert_cmpuint (get_stats (p).syncs, ==, 1);
  line_ok (p, "d");
  g_assert_cmpuint (get_stats (p).syncs, ==, 1);
  fake_now += 5000000;             /* long idle: one sync at the next append */
  line_ok (p, "e");
  line_ok (p, "f");
  g_assert_cmpuint (get_stats (p).syncs, ==, 2);

  /* An explicit sync restarts the interval. */
  fake_now += 500000;
  g_assert_true (fapilog_mmap_persistence_sync (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (get_stats (p).syncs, ==, 3);
  fake_now += 600000;
  line_ok (p, "g");
  g_assert_cmpuint (get_stats (p).syncs, ==, 3);
  fake_now += 400000;
  line_ok (p, "h");
  g_assert_cmpuint (get_stats (p).syncs, ==, 4);

  close_ok (p);
  g_assert_cmpuint (get_stats (p).syncs, ==, 4);
  assert_file_is (path, "a\nb\nc\nd\ne\nf\ng\nh\n", 16);
  remove_tree (dir);
}

static void
test_sync_none (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "s.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 256,
                                                         "growth-min-bytes", (guint64) 256, NULL);
  g_autoptr(GError) error = NULL;
  GString *expected = g_string_new (NULL);

  open_ok (p);
  /* Not even a sync at open. */
  g_assert_true (fapilog_mmap_persistence_sync (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (get_stats (p).syncs, ==, 0);
  for (guint i = 0; i < scale (1000); i++)
    {
      g_autofree char *line = make_line (0, i);

      line_ok (p, line);
      g_string_append_printf (expected, "%s\n", line);
    }
  g_assert_cmpuint (get_stats (p).syncs, ==, 0);
  g_assert_true (fapilog_mmap_persistence_sync (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (get_stats (p).syncs, ==, 1);
  /* Nothing new: no msync, not counted. */
  g_assert_true (fapilog_mmap_persistence_sync (p, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (get_stats (p).syncs, ==, 1);
  line_ok (p, "x");
  close_ok (p);
  g_assert_cmpuint (get_stats (p).syncs, ==, 2);

  /* flush-on-close off: close does not sync. */
  g_object_set (p, "flush-on-close", FALSE, NULL);
  open_ok (p);
  line_ok (p, "y");
  close_ok (p);
  g_assert_cmpuint (get_stats (p).syncs, ==, 0);
  g_assert_cmpuint (get_stats (p).appended, ==, 2);
  g_string_append (expected, "x\ny\n");
  assert_file_is (path, expected->str, expected->len);
  g_string_free (expected, TRUE);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

static void
expect_open_error (const char *path,
                   GQuark      domain,
                   int         code,
                   const char *in_message_1,
                   const char *in_message_2)
{
  g_autoptr(FapilogMmapPersistence) p = fapilog_mmap_persistence_new (path);
  g_autoptr(GError) error = NULL;

  g_assert_false (fapilog_mmap_persistence_open (p, &error));
  g_assert_error (error, domain, code);
  g_test_message ("%s: %s", path, error->message);
  if (in_message_1 != NULL)
    g_assert_nonnull (strstr (error->message, in_message_1));
  if (in_message_2 != NULL)
    g_assert_nonnull (strstr (error->message, in_message_2));
  g_assert_false (fapilog_mmap_persistence_is_open (p));
  g_assert_false (fapilog_mmap_persistence_health_check (p));
  /* Still usable: appends say it is not open. */
  g_clear_error (&error);
  g_assert_false (fapilog_mmap_persistence_append_line (p, (const guint8 *) "a", 1, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

static void
test_errors_paths (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *file = g_build_filename (dir, "plain-file", NULL);
  g_autofree char *under_file = g_build_filename (file, "x.jsonl", NULL);
  g_autofree char *deep_under_file = g_build_filename (file, "a", "b", "x.jsonl", NULL);
  g_autofree char *deep_parent = g_build_filename (file, "a", "b", NULL);

  write_file (file, "not a directory\n", 16);

  expect_open_error ("", G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "path is empty", NULL);
  /* A directory. */
  expect_open_error (dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, dir, "Is a directory");
  /* The parent is a regular file. */
  expect_open_error (under_file, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, file, "Not a directory");
  expect_open_error (deep_under_file, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                     deep_parent, "Not a directory");
  /* Not a regular file. */
  expect_open_error ("/dev/null", G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                     "/dev/null", "not a regular file");
  /* The regular file was not touched. */
  assert_file_is (file, "not a directory\n", 16);
  remove_tree (dir);
}

static void
test_errors_permissions (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *ro = g_build_filename (dir, "read-only", NULL);
  g_autofree char *path = g_build_filename (ro, "x.jsonl", NULL);
  g_autofree char *deep = g_build_filename (ro, "sub", "x.jsonl", NULL);

  /* Root ignores permission bits, and the tests usually run as root. */
  if (geteuid () == 0)
    {
      g_test_skip ("running as root: permission bits do not apply");
      remove_tree (dir);
      return;
    }
  g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
  expect_open_error (path, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, path, "Permission denied");
  expect_open_error (deep, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "cannot create directory",
                     "Permission denied");
  remove_tree (dir);
}

static void
test_errors_closed (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "c.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 64, NULL);
  g_autoptr(GError) error = NULL;
  guint64 offset = 99;

  /* Before open. */
  g_assert_false (fapilog_mmap_persistence_append (p, (const guint8 *) "a\n", 2, &offset, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_false (fapilog_mmap_persistence_sync (p, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* Closing what is not open is fine. */
  close_ok (p);

  open_ok (p);
  line_ok (p, "one");
  close_ok (p);
  /* After close. */
  g_assert_false (fapilog_mmap_persistence_append_line (p, (const guint8 *) "two", 3, &offset,
                                                        &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (fapilog_mmap_persistence_append (p, NULL, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpuint (offset, ==, 99);
  assert_file_is (path, "one\n", 4);
  remove_tree (dir);
}

static void
test_errors_busy (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "b.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 64, NULL);
  g_autoptr(FapilogMmapPersistence) q = persistence_new (path, "initial-size", (guint64) 64, NULL);
  g_autoptr(GError) error = NULL;

  open_ok (p);
  line_ok (p, "first");
  /* A second writer would overwrite the first one's records. */
  g_assert_false (fapilog_mmap_persistence_open (q, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  /* The failed open changed nothing. */
  line_ok (p, "second");
  close_ok (p);
  open_ok (q);
  line_ok (q, "third");
  close_ok (q);
  assert_file_is (path, "first\nsecond\nthird\n", 19);
  remove_tree (dir);
}

static void
test_file_mode (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "a", "b", "m.jsonl", NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(FapilogMmapPersistence) p = NULL;
  GStatBuf st;
  mode_t old_umask = umask (027);

  /* Parents made with 0755 less the umask; the file with file-mode
   * exactly. */
  p = persistence_new (path, "initial-size", (guint64) 64, "file-mode", 0604u, NULL);
  open_ok (p);
  close_ok (p);
  g_assert_cmpint (g_stat (parent, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpuint (st.st_mode & 07777, ==, 0750);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0604);

  /* An existing file keeps its mode. */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_object_set (p, "file-mode", 0644u, NULL);
  open_ok (p);
  close_ok (p);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);

  umask (old_umask);
  remove_tree (dir);
}

static void
test_health (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "h.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 8192, NULL);

  g_assert_false (fapilog_mmap_persistence_health_check (p));
  open_ok (p);
  g_assert_true (fapilog_mmap_persistence_health_check (p));
  line_ok (p, "a");
  g_assert_true (fapilog_mmap_persistence_health_check (p));
  close_ok (p);
  g_assert_false (fapilog_mmap_persistence_health_check (p));

  /* Truncated by someone else: appends could SIGBUS, so unhealthy. */
  open_ok (p);
  g_assert_cmpint (truncate (path, 10), ==, 0);
  g_assert_false (fapilog_mmap_persistence_health_check (p));
  close_ok (p);

  /* Deleted by someone else. */
  open_ok (p);
  g_assert_true (fapilog_mmap_persistence_health_check (p));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (fapilog_mmap_persistence_health_check (p));
  close_ok (p);
  remove_tree (dir);
}

/* An object dropped while open closes its file like close() would. */
static void
test_finalize_open (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "f.jsonl", NULL);
  FapilogMmapPersistence *p = persistence_new (path, "initial-size", (guint64) 4096, NULL);

  open_ok (p);
  line_ok (p, "kept");
  g_object_unref (p);
  assert_file_is (path, "kept\n", 5);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Async                                                                    */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "async", "a.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = persistence_new (path, "initial-size", (guint64) 256,
                                                         "growth-min-bytes", (guint64) 256, NULL);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  GString *expected = g_string_new (NULL);
  GAsyncResult *results[16] = { NULL, };
  guint64 offsets[16];

  fapilog_mmap_persistence_open_async (p, NULL, store_result, &result);
  g_assert_true (fapilog_mmap_persistence_open_finish (p, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (fapilog_mmap_persistence_is_open (p));

  /* One at a time, as a sink does: in order. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *line = make_line (0, i);
      g_autoptr(GBytes) bytes = g_bytes_new (line, strlen (line));
      guint64 offset = G_MAXUINT64;

      fapilog_mmap_persistence_append_line_async (p, bytes, NULL, store_result, &result);
      g_assert_true (fapilog_mmap_persistence_append_line_finish (p, wait_result (&result),
                                                                  &offset, &error));
      g_assert_no_error (error);
      g_clear_object (&result);
      g_assert_cmpuint (offset, ==, expected->len);
      g_string_append_printf (expected, "%s\n", line);
    }

  /* Sixteen in flight at once: distinct offsets, every line once. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *line = make_line (1, i);
      g_autoptr(GBytes) bytes = g_bytes_new (line, strlen (line));

      fapilog_mmap_persistence_append_line_async (p, bytes, NULL, store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autofree char *line = make_line (1, i);

      g_assert_true (fapilog_mmap_persistence_append_line_finish (p, wait_result (&results[i]),
                                                                  &offsets[i], &error));
      g_assert_no_error (error);
      g_clear_object (&results[i]);
      g_assert_cmpuint (offsets[i], >=, expected->len);
      for (guint j = 0; j < i; j++)
        g_assert_cmpuint (offsets[i], !=, offsets[j]);
    }

  /* Cancelled before it starts: nothing appended. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GBytes) bytes = g_bytes_new_static ("never", 5);
    guint64 logical = get_stats (p).logical;

    g_cancellable_cancel (cancellable);
    fapilog_mmap_persistence_append_line_async (p, bytes, cancellable, store_result, &result);
    g_assert_false (fapilog_mmap_persistence_append_line_finish (p, wait_result (&result),
                                                                 NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_clear_object (&result);
    g_assert_cmpuint (get_stats (p).logical, ==, logical);
  }

  fapilog_mmap_persistence_close_async (p, NULL, store_result, &result);
  g_assert_true (fapilog_mmap_persistence_close_finish (p, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_false (fapilog_mmap_persistence_is_open (p));

  /* Append after an async close fails as CLOSED through the async path. */
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static ("late", 4);

    fapilog_mmap_persistence_append_line_async (p, bytes, NULL, store_result, &result);
    g_assert_false (fapilog_mmap_persistence_append_line_finish (p, wait_result (&result),
                                                                 NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
    g_clear_error (&error);
    g_clear_object (&result);
  }

  {
    g_autoptr(GBytes) bytes = read_file (path);
    gsize len;
    const char *data = g_bytes_get_data (bytes, &len);
    g_auto(GStrv) lines = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    g_assert_null (memchr (data, 0, len));
    g_assert_cmpmem (data, expected->len, expected->str, expected->len);
    lines = g_strsplit (data + expected->len, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (results) + 1);
    for (guint i = 0; i < G_N_ELEMENTS (results); i++)
      g_hash_table_add (seen, g_strdup (lines[i]));
    for (guint i = 0; i < G_N_ELEMENTS (results); i++)
      {
        g_autofree char *line = make_line (1, i);

        g_assert_true (g_hash_table_contains (seen, line));
        /* Each offset points at its own line. */
        g_assert_cmpmem (data + offsets[i], strlen (line), line, strlen (line));
      }
  }

  /* The failed open is reported through the async path too. */
  {
    g_autoptr(FapilogMmapPersistence) bad = fapilog_mmap_persistence_new (dir);

    fapilog_mmap_persistence_open_async (bad, NULL, store_result, &result);
    g_assert_false (fapilog_mmap_persistence_open_finish (bad, wait_result (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
    g_clear_error (&error);
    g_clear_object (&result);
  }

  g_string_free (expected, TRUE);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  if (argc >= 4 && g_str_equal (argv[1], "--child"))
    {
      if (g_str_equal (argv[2], "crash"))
        return child_crash (argv[3]);
      return 2;
    }

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mmap-persistence/properties", test_properties);
  g_test_add_func ("/mmap-persistence/append/offsets", test_append_offsets);
  g_test_add_func ("/mmap-persistence/append/empty", test_append_empty);
  g_test_add_func ("/mmap-persistence/growth/tiny-to-large", test_growth_tiny_to_large);
  g_test_add_func ("/mmap-persistence/growth/geometric", test_growth_geometric);
  g_test_add_func ("/mmap-persistence/growth/without-fallocate", test_growth_without_fallocate);
  g_test_add_func ("/mmap-persistence/max-size/exact", test_max_size_exact);
  g_test_add_func ("/mmap-persistence/concurrent", test_concurrent);
  g_test_add_func ("/mmap-persistence/reopen", test_reopen);
  for (gsize i = 0; i < G_N_ELEMENTS (recovery_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/mmap-persistence/recovery/%s",
                                               recovery_cases[i].name);

      g_test_add_data_func (name, &recovery_cases[i], test_recovery);
    }
  g_test_add_func ("/mmap-persistence/crash", test_crash);
  g_test_add_func ("/mmap-persistence/sync/always", test_sync_always);
  g_test_add_func ("/mmap-persistence/sync/bytes", test_sync_bytes);
  g_test_add_func ("/mmap-persistence/sync/interval", test_sync_interval);
  g_test_add_func ("/mmap-persistence/sync/none", test_sync_none);
  g_test_add_func ("/mmap-persistence/errors/paths", test_errors_paths);
  g_test_add_func ("/mmap-persistence/errors/permissions", test_errors_permissions);
  g_test_add_func ("/mmap-persistence/errors/closed", test_errors_closed);
  g_test_add_func ("/mmap-persistence/errors/busy", test_errors_busy);
  g_test_add_func ("/mmap-persistence/file-mode", test_file_mode);
  g_test_add_func ("/mmap-persistence/health", test_health);
  g_test_add_func ("/mmap-persistence/finalize-open", test_finalize_open);
  g_test_add_func ("/mmap-persistence/async", test_async);

  return g_test_run ();
}
