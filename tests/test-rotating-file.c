/* test-rotating-file.c: the rotating_file sink
 *
 * Real files in temporary directories. The sink is driven directly through
 * the sink interface on a main context the test iterates, or through a
 * pipeline; crash and disk-full cases run in a child process (this program
 * run again with `--child MODE …`). Time is moved with the sink's private
 * clock hook, never by sleeping.
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <zlib.h>

#include "fapilog.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-rotating-file-sink-private.h"
#include "fapilog-sink-private.h"
#include "fapilog-test-utils.h"

static char *self_exe;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("fapilog-rf-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* Names in @dir, sorted by the sink's order: the time part, then N. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const char *na = *(const char * const *) a;
  const char *nb = *(const char * const *) b;
  const char *da = strchr (na, '-');
  const char *db = strchr (nb, '-');
  int c;
  guint64 sa = 0, sb = 0;

  if (da == NULL || db == NULL || strlen (da) < 16 || strlen (db) < 16)
    return strcmp (na, nb);
  c = strncmp (da, db, 16);
  if (c != 0)
    return c;
  if (da[16] == '-')
    sa = g_ascii_strtoull (da + 17, NULL, 10);
  if (db[16] == '-')
    sb = g_ascii_strtoull (db + 17, NULL, 10);
  return sa < sb ? -1 : sa > sb ? 1 : strcmp (na, nb);
}

static GPtrArray *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* The names in @dir are exactly @expected (in any order). */
static void
assert_names (const char         *dir,
              const char * const *expected)
{
  g_autoptr(GPtrArray) names = list_dir (dir);
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < names->len; i++)
    if (!g_strv_contains (expected, g_ptr_array_index (names, i)))
      g_error ("unexpected file %s", (const char *) g_ptr_array_index (names, i));
  g_assert_cmpuint (names->len, ==, n);
}

static GString *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  return g_string_new_len (contents, len);
}

static GString *
read_gzip (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GString *out = g_string_new (NULL);
  gzFile gz = gzopen (path, "rb");
  char buf[8192];
  int n;

  g_assert_nonnull (gz);
  while ((n = gzread (gz, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpint (gzclose (gz), ==, Z_OK);
  return out;
}

static guint64
file_size (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

/* The permission bits of @dir/@name (setuid and sticky bits included). */
static guint
file_mode_of (const char *dir,
              const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
touch_file (const char *dir,
            const char *name,
            gsize       size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *data = g_strnfill (size, 'x');
  g_autoptr(GError) error = NULL;

  if (size > 0)
    data[size - 1] = '\n';
  g_assert_true (g_file_set_contents (path, data, size, &error));
  g_assert_no_error (error);
}

/* Every line of @text is a JSON object; returns how many. */
static guint
count_json_lines (const char *text,
                  gsize       len,
                  const char *where)
{
  const char *p = text, *end = text + len;
  guint n = 0;

  if (len > 0 && text[len - 1] != '\n')
    g_error ("%s does not end with a newline (torn line)", where);
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      g_autofree char *line = g_strndup (p, nl - p);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      if (!json_parser_load_from_data (parser, line, -1, &error) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        g_error ("%s: line %u is not a JSON object: %s", where, n + 1, line);
      n++;
      p = nl + 1;
    }
  return n;
}

/* 2026-11-24T10:30:00.123456Z */
static gint64
fixed_timestamp (void)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, 24, 10, 30, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + 123456;
}

static FapilogEntry *
make_entry (const char *message,
            GVariant   *fields)
{
  FapilogEntry *entry = fapilog_entry_new (FAPILOG_LEVEL_INFO, "app", message, fields);

  entry->timestamp_us = fixed_timestamp ();
  return entry;
}

/* @n entries whose messages are @sizes[i] bytes long ("m…"). */
static FapilogBatch *
make_batch (const guint *sizes,
            guint        n)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fapilog_entry_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strnfill (sizes[i], 'm');

      g_ptr_array_add (entries, make_entry (message, g_variant_new_parsed ("{'i': <%u>}", i)));
    }
  return fapilog_batch_new ((FapilogEntry **) entries->pdata, n);
}

/* A fake clock, moved by the tests. */
static gint64 fake_now_us;

static gint64
fake_clock (gpointer data)
{
  return __atomic_load_n (&fake_now_us, __ATOMIC_SEQ_CST);
}

static void
set_fake_now (gint64 t)
{
  __atomic_store_n (&fake_now_us, t, __ATOMIC_SEQ_CST);
}

/* ---- the sink on a context of our own --------------------------------- */

typedef struct {
  GMainContext *context;
  FapilogSink  *sink;
} Driver;

typedef struct {
  GAsyncResult *result;
} AsyncResult;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *ar = user_data;

  ar->result = g_object_ref (result);
}

static void
driver_wait (Driver      *d,
             AsyncResult *ar)
{
  while (ar->result == NULL)
    g_main_context_iteration (d->context, TRUE);
}

static void
driver_start (Driver      *d,
              FapilogSink *sink)
{
  g_autoptr(GError) error = NULL;
  AsyncResult ar = { NULL };

  d->context = g_main_context_new ();
  d->sink = sink;
  g_main_context_push_thread_default (d->context);
  fapilog_sink_start_async (sink, NULL, store_result, &ar);
  driver_wait (d, &ar);
  g_assert_true (fapilog_sink_start_finish (sink, ar.result, &error));
  g_assert_no_error (error);
  g_object_unref (ar.result);
}

static gboolean
driver_write (Driver        *d,
              FapilogBatch  *batch,
              GError       **error)
{
  AsyncResult ar = { NULL };
  gboolean ok;

  fapilog_sink_write_batch_async (d->sink, batch, NULL, store_result, &ar);
  driver_wait (d, &ar);
  ok = fapilog_sink_write_batch_finish (d->sink, ar.result, error);
  g_object_unref (ar.result);
  return ok;
}

static void
driver_stop (Driver *d)
{
  g_autoptr(GError) error = NULL;
  AsyncResult ar = { NULL };

  fapilog_sink_stop_async (d->sink, NULL, store_result, &ar);
  driver_wait (d, &ar);
  g_assert_true (fapilog_sink_stop_finish (d->sink, ar.result, &error));
  g_assert_no_error (error);
  g_object_unref (ar.result);
  while (g_main_context_pending (d->context))
    g_main_context_iteration (d->context, FALSE);
  g_main_context_pop_thread_default (d->context);
  g_main_context_unref (d->context);
  d->context = NULL;
}

static GString *
concat_files (const char *dir,
              GPtrArray  *names)
{
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      GString *one = read_file (dir, g_ptr_array_index (names, i));

      g_string_append_len (all, one->str, one->len);
      g_string_free (one, TRUE);
    }
  return all;
}

/* ------------------------------------------------------------------------ */
/* Size rotation                                                            */

static void
test_size_exact (void)
{
  g_autofree char *dir = make_tmp_dir ();
  const guint sizes[10] = { 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 10);
  g_autoptr(FapilogBatch) batch2 = make_batch (sizes, 4);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  FapilogSink *sink;
  Driver d;
  gsize line_len, len;
  const guint8 *data;
  GString *all;

  fapilog_batch_get_entry_data (batch, 0, &line_len);
  for (guint i = 1; i < 10; i++)
    {
      gsize l;

      fapilog_batch_get_entry_data (batch, i, &l);
      g_assert_cmpuint (l, ==, line_len);
    }

  /* Exactly three lines per file: the limit is reached, not passed. */
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir,
                       "max-bytes", (guint64) (3 * line_len),
                       NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  g_assert_no_error (error);
  g_assert_true (driver_write (&d, batch2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (_fapilog_rotating_file_sink_get_rotations (FAPILOG_ROTATING_FILE_SINK (sink)), ==, 4);
  driver_stop (&d);
  g_object_unref (sink);

  names = list_dir (dir);
  /* 14 lines: 3+3+3+3+2. */
  g_assert_cmpuint (names->len, ==, 5);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      g_assert_true (g_str_has_prefix (name, "fapilog-"));
      g_assert_true (g_str_has_suffix (name, ".jsonl"));
      g_assert_cmpuint (file_size (dir, name), ==, (i < 4 ? 3 : 2) * line_len);
    }

  /* Nothing lost, nothing reordered, split only at line ends. */
  all = concat_files (dir, names);
  data = fapilog_batch_get_data (batch, &len);
  g_assert_cmpuint (all->len, ==, len + 4 * line_len);
  g_assert_cmpmem (all->str, len, data, len);
  data = fapilog_batch_get_data (batch2, &len);
  g_assert_cmpmem (all->str + 10 * line_len, len, data, len);
  g_string_free (all, TRUE);

  /* A limit one byte short of three lines gives two lines per file. */
  remove_tree (dir);
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir,
                       "max-bytes", (guint64) (3 * line_len - 1),
                       NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  driver_stop (&d);
  g_object_unref (sink);
  g_clear_pointer (&names, g_ptr_array_unref);
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 5);
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, i)), ==, 2 * line_len);
  remove_tree (dir);
}

static void
test_size_oversized (void)
{
  g_autofree char *dir = make_tmp_dir ();
  const guint sizes[5] = { 10, 1000, 10, 10, 1200 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 5);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  FapilogSink *sink;
  gsize l[5];
  Driver d;

  for (guint i = 0; i < 5; i++)
    fapilog_batch_get_entry_data (batch, i, &l[i]);
  /* Two small lines fill a file exactly; the big ones do not fit alone. */
  g_assert_cmpuint (l[1], >, l[2] + l[3]);
  g_assert_cmpuint (l[4], >, l[2] + l[3]);

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir,
                       "max-bytes", (guint64) (l[2] + l[3]),
                       NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  g_assert_no_error (error);
  driver_stop (&d);
  g_object_unref (sink);

  /* [small] [oversized] [small small] [oversized]: each oversized entry
   * alone, no empty file anywhere. */
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 4);
  g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, 0)), ==, l[0]);
  g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, 1)), ==, l[1]);
  g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, 2)), ==, l[2] + l[3]);
  g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, 3)), ==, l[4]);
  remove_tree (dir);
}

/* Rotations within one second get "-N" names that sort after the plain
 * one, also past 9, and never reuse a number of a deleted file. */
static void
test_names_same_second (void)
{
  g_autofree char *dir = make_tmp_dir ();
  const guint sizes[1] = { 10 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 1);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  FapilogSink *sink;
  Driver d;

  set_fake_now (fixed_timestamp ());
  /* A compressed file of that second already exists: it counts. */
  touch_file (dir, "fapilog-20261124-103000.jsonl.gz", 10);

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir, "max-bytes", (guint64) 1, NULL);
  _fapilog_rotating_file_sink_set_clock (FAPILOG_ROTATING_FILE_SINK (sink), fake_clock, NULL);
  driver_start (&d, sink);
  for (guint i = 0; i < 12; i++)
    {
      g_assert_true (driver_write (&d, batch, &error));
      g_assert_no_error (error);
    }
  driver_stop (&d);
  g_object_unref (sink);

  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 13);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "fapilog-20261124-103000.jsonl.gz");
  for (guint i = 1; i <= 12; i++)
    {
      g_autofree char *expected = g_strdup_printf ("fapilog-20261124-103000-%u.jsonl", i);

      g_assert_cmpstr (g_ptr_array_index (names, i), ==, expected);
    }

  /* Version order, as file managers sort, agrees with creation order: the
   * unnumbered file of a second first, and -10 after -9. */
  {
    g_autoptr(GPtrArray) by_version = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < names->len; i++)
      g_ptr_array_add (by_version, g_utf8_collate_key_for_filename (g_ptr_array_index (names, i), -1));
    for (guint i = 1; i < by_version->len; i++)
      g_assert_cmpint (strcmp (g_ptr_array_index (by_version, i - 1),
                               g_ptr_array_index (by_version, i)), <, 0);
  }
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Time rotation                                                            */

static FapilogPipeline *
start_pipeline (FapilogSink *sink)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(GError) error = NULL;
  FapilogPipeline *pipeline;

  g_object_set (settings, "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                "backpressure-wait-ms", -1, NULL);
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_assert_no_error (error);
  return pipeline;
}

static void
flush (FapilogPipeline *pipeline)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_pipeline_flush (pipeline, 30 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static void
test_time_rotation (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *first = NULL;
  g_autofree char *path = NULL;
  FapilogRotatingFileSink *rf;
  /* 2026-11-24 10:29:59 UTC; hourly rotation. */
  gint64 t0 = fixed_timestamp () - 623456 - 500000;

  set_fake_now (t0);
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir, "interval-seconds", 3600.0, NULL);
  rf = FAPILOG_ROTATING_FILE_SINK (sink);
  _fapilog_rotating_file_sink_set_clock (rf, fake_clock, NULL);
  pipeline = start_pipeline (sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  fapilog_info (log, "one", NULL);
  flush (pipeline);
  first = fapilog_rotating_file_sink_dup_current_path (rf);
  g_assert_nonnull (first);
  g_assert_true (g_str_has_suffix (first, "/fapilog-20261124-102959.jsonl"));

  /* Before the boundary (11:00:00): a clock change closes nothing. */
  set_fake_now (t0 + (gint64) 1800 * G_USEC_PER_SEC);
  _fapilog_rotating_file_sink_clock_changed (rf);
  fapilog_info (log, "two", NULL);
  flush (pipeline);
  g_assert_true (_fapilog_rotating_file_sink_wait_background (rf, 10 * G_USEC_PER_SEC));
  g_assert_cmpuint (_fapilog_rotating_file_sink_get_rotations (rf), ==, 0);

  /* Past 11:00:00 with no write: the timer on the worker closes the idle
   * file. */
  set_fake_now (t0 + (gint64) 1801 * G_USEC_PER_SEC);
  _fapilog_rotating_file_sink_clock_changed (rf);
  g_assert_true (_fapilog_rotating_file_sink_wait_rotations (rf, 1, 30 * G_USEC_PER_SEC));
  path = fapilog_rotating_file_sink_dup_current_path (rf);
  g_assert_null (path);

  /* No empty file is opened for the new period until a write. */
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 1);
  g_clear_pointer (&names, g_ptr_array_unref);

  fapilog_info (log, "three", NULL);
  flush (pipeline);
  path = fapilog_rotating_file_sink_dup_current_path (rf);
  g_assert_true (g_str_has_suffix (path, "/fapilog-20261124-110000.jsonl"));
  g_clear_pointer (&path, g_free);

  /* A write after the next boundary rotates first, even before the timer
   * is told. */
  set_fake_now (t0 + (gint64) (1801 + 3600) * G_USEC_PER_SEC);
  fapilog_info (log, "four", NULL);
  flush (pipeline);
  g_assert_cmpuint (_fapilog_rotating_file_sink_get_rotations (rf), ==, 2);

  stats = fapilog_pipeline_shutdown (pipeline, 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rotating_file"), ==, 4);

  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "fapilog-20261124-102959.jsonl");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "fapilog-20261124-110000.jsonl");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "fapilog-20261124-120000.jsonl");
  {
    GString *a = read_file (dir, g_ptr_array_index (names, 0));

    g_assert_cmpuint (count_json_lines (a->str, a->len, "first"), ==, 2);
    g_string_free (a, TRUE);
  }
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Retention                                                                */

/* Writes @n_batches one-line batches, one file each, with @prop set to
 * @value. Retention runs after each rotation, not only at stop: with
 * @before_stop, the directory holds exactly those names once the last
 * rotation's background work is done, while the last file is still open. */
static void
run_and_rotate (const char         *dir,
                const char         *prop,
                guint64             value,
                guint               n_batches,
                const char * const *before_stop)
{
  const guint sizes[1] = { 100 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 1);
  g_autoptr(GError) error = NULL;
  FapilogSink *sink;
  Driver d;

  /* One line per file: every batch after the first rotates. */
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir, "max-bytes", (guint64) 1, NULL);
  if (g_str_equal (prop, "max-files"))
    {
      g_object_unref (sink);
      sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                           "directory", dir, "max-bytes", (guint64) 1,
                           "max-files", (guint) value, NULL);
    }
  else
    {
      g_object_unref (sink);
      sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                           "directory", dir, "max-bytes", (guint64) 1,
                           "max-total-bytes", value, NULL);
    }
  _fapilog_rotating_file_sink_set_clock (FAPILOG_ROTATING_FILE_SINK (sink), fake_clock, NULL);
  driver_start (&d, sink);
  for (guint i = 0; i < n_batches; i++)
    {
      g_assert_true (driver_write (&d, batch, &error));
      g_assert_no_error (error);
    }
  if (before_stop != NULL)
    {
      g_assert_true (_fapilog_rotating_file_sink_wait_background (FAPILOG_ROTATING_FILE_SINK (sink),
                                                                 30 * G_USEC_PER_SEC));
      assert_names (dir, before_stop);
    }
  driver_stop (&d);
  g_object_unref (sink);
}

static void
test_retention_count (void)
{
  g_autofree char *dir = make_tmp_dir ();

  set_fake_now (fixed_timestamp ());
  /* An earlier run's files, a compressed one among them, and files that are
   * not ours (never touched). */
  touch_file (dir, "fapilog-20250101-000000.jsonl", 50);
  touch_file (dir, "fapilog-20250101-000000-1.log.gz", 50);
  touch_file (dir, "fapilog-20250102-000000.jsonl", 50);
  touch_file (dir, "fapilog-notes.jsonl", 50);
  touch_file (dir, "other-20250101-000000.jsonl", 50);

  /* Start alone prunes the earlier run to 2. */
  run_and_rotate (dir, "max-files", 2, 0, NULL);
  {
    const char * const expected[] = {
      "fapilog-notes.jsonl", "fapilog-20250101-000000-1.log.gz",
      "fapilog-20250102-000000.jsonl", "other-20250101-000000.jsonl", NULL
    };
    assert_names (dir, expected);
  }

  /* 5 files written in one second. Before the stop, the 3 newest rotated
   * files stay beside the active one; the stop rotates that one too, and
   * only the 3 newest survive. */
  {
    const char * const expected[] = {
      "fapilog-notes.jsonl", "fapilog-20261124-103000-1.jsonl",
      "fapilog-20261124-103000-2.jsonl", "fapilog-20261124-103000-3.jsonl",
      "fapilog-20261124-103000-4.jsonl", "other-20250101-000000.jsonl", NULL
    };
    run_and_rotate (dir, "max-files", 3, 5, expected);
  }
  {
    const char * const expected[] = {
      "fapilog-notes.jsonl", "fapilog-20261124-103000-2.jsonl",
      "fapilog-20261124-103000-3.jsonl", "fapilog-20261124-103000-4.jsonl",
      "other-20250101-000000.jsonl", NULL
    };
    assert_names (dir, expected);
  }
  remove_tree (dir);
}

static void
test_retention_bytes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GPtrArray) names = NULL;
  guint64 total = 0;
  gsize line;

  {
    const guint sizes[1] = { 100 };
    g_autoptr(FapilogBatch) batch = make_batch (sizes, 1);

    fapilog_batch_get_entry_data (batch, 0, &line);
  }

  set_fake_now (fixed_timestamp ());
  touch_file (dir, "fapilog-20250101-000000.jsonl", 1000);
  touch_file (dir, "fapilog-20250102-000000.jsonl.gz", 10);

  /* Room for exactly 3 lines: the old files go first, then the oldest of
   * this run; before the stop, as soon as the rotations happen. */
  {
    const char * const expected[] = {
      "fapilog-20261124-103000-1.jsonl", "fapilog-20261124-103000-2.jsonl",
      "fapilog-20261124-103000-3.jsonl", "fapilog-20261124-103000-4.jsonl", NULL
    };
    run_and_rotate (dir, "max-total-bytes", 3 * line, 5, expected);
  }
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 3);
  for (guint i = 0; i < names->len; i++)
    {
      g_assert_true (g_str_has_prefix (g_ptr_array_index (names, i), "fapilog-20261124-103000"));
      total += file_size (dir, g_ptr_array_index (names, i));
    }
  g_assert_cmpuint (total, ==, 3 * line);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "fapilog-20261124-103000-2.jsonl");
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Compression                                                              */

static void
test_gzip (void)
{
  g_autofree char *dir = make_tmp_dir ();
  const guint sizes[6] = { 100, 200, 300, 400, 500, 600 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 6);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  FapilogSink *sink;
  GString *all;
  const guint8 *data;
  gsize len;
  Driver d;

  set_fake_now (fixed_timestamp ());
  /* An interrupted compression of an earlier run. */
  touch_file (dir, "fapilog-20250101-000000.jsonl.gz.tmp", 30);

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir, "max-bytes", (guint64) 1000,
                       "compress-rotated", TRUE, NULL);
  _fapilog_rotating_file_sink_set_clock (FAPILOG_ROTATING_FILE_SINK (sink), fake_clock, NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  g_assert_no_error (error);
  g_assert_true (_fapilog_rotating_file_sink_wait_background (FAPILOG_ROTATING_FILE_SINK (sink),
                                                              30 * G_USEC_PER_SEC));
  driver_stop (&d);
  g_object_unref (sink);

  /* Rotated files are .gz only (originals gone, no temporaries), the file
   * active at stop stays plain; together: exactly the batch, in as many
   * files as the size rule gives (a file closes before the line that would
   * take it past 1000 bytes). */
  {
    guint expected_files = 1;
    gsize in_file = 0;

    for (guint i = 0; i < 6; i++)
      {
        gsize line;

        fapilog_batch_get_entry_data (batch, i, &line);
        if (in_file > 0 && in_file + line > 1000)
          {
            expected_files++;
            in_file = 0;
          }
        in_file += line;
      }
    names = list_dir (dir);
    g_assert_cmpuint (expected_files, >=, 3);
    g_assert_cmpuint (names->len, ==, expected_files);
  }
  all = g_string_new (NULL);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GString *one;

      g_assert_false (g_str_has_suffix (name, ".tmp"));
      if (i + 1 < names->len)
        {
          g_assert_true (g_str_has_suffix (name, ".jsonl.gz"));
          one = read_gzip (dir, name);
        }
      else
        {
          g_assert_true (g_str_has_suffix (name, ".jsonl"));
          one = read_file (dir, name);
        }
      g_assert_cmpuint (one->len, <=, 1000);
      g_string_append_len (all, one->str, one->len);
      g_string_free (one, TRUE);
    }
  data = fapilog_batch_get_data (batch, &len);
  g_assert_cmpmem (all->str, all->len, data, len);
  g_string_free (all, TRUE);

  /* The next start compresses what the last run left plain. */
  {
    g_autofree char *last = g_strdup (g_ptr_array_index (names, names->len - 1));
    g_autofree char *gz = g_strconcat (last, ".gz", NULL);
    GString *before = read_file (dir, last);
    GString *after;

    sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                         "directory", dir, "compress-rotated", TRUE, NULL);
    driver_start (&d, sink);
    g_assert_true (_fapilog_rotating_file_sink_wait_background (FAPILOG_ROTATING_FILE_SINK (sink),
                                                                30 * G_USEC_PER_SEC));
    driver_stop (&d);
    g_object_unref (sink);

    {
      g_autofree char *last_path = g_build_filename (dir, last, NULL);

      g_assert_false (g_file_test (last_path, G_FILE_TEST_EXISTS));
    }
    after = read_gzip (dir, gz);
    g_assert_cmpmem (after->str, after->len, before->str, before->len);
    g_string_free (before, TRUE);
    g_string_free (after, TRUE);
  }
  remove_tree (dir);
}

/* A compression that fails keeps the rotated file and says so. The failure
 * is made real: the temporary name is a symbolic link into a directory
 * that does not exist, so creating it fails even for root. */
static void
test_gzip_failure_keeps_original (void)
{
  g_autofree char *dir = make_tmp_dir ();
  const guint sizes[2] = { 100, 200 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *gz = NULL;
  g_autofree char *missing = NULL;
  GString *diag = g_string_new (NULL);
  FapilogRotatingFileSink *rf;
  FapilogSink *sink;
  GString *kept;
  char buf[4096];
  gssize n;
  int fds[2];
  Driver d;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  _fapilog_diagnostics_set_enabled (TRUE);
  _fapilog_diagnostics_set_fd (fds[1]);

  set_fake_now (fixed_timestamp ());
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir, "compress-rotated", TRUE, NULL);
  rf = FAPILOG_ROTATING_FILE_SINK (sink);
  _fapilog_rotating_file_sink_set_clock (rf, fake_clock, NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  g_assert_no_error (error);

  first = fapilog_rotating_file_sink_dup_current_path (rf);
  g_assert_nonnull (first);
  tmp = g_strconcat (first, ".gz.tmp", NULL);
  gz = g_strconcat (first, ".gz", NULL);
  missing = g_build_filename (dir, "no-such-dir", "x", NULL);
  g_assert_cmpint (symlink (missing, tmp), ==, 0);

  fapilog_rotating_file_sink_rotate (rf);
  g_assert_true (_fapilog_rotating_file_sink_wait_rotations (rf, 1, 30 * G_USEC_PER_SEC));
  g_assert_true (_fapilog_rotating_file_sink_wait_background (rf, 30 * G_USEC_PER_SEC));
  driver_stop (&d);
  g_object_unref (sink);

  _fapilog_diagnostics_set_fd (-1);
  close (fds[1]);
  while ((n = read (fds[0], buf, sizeof buf)) > 0)
    g_string_append_len (diag, buf, n);
  close (fds[0]);

  /* The original is intact, no .gz was published, and the diagnostic
   * names the file. */
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (gz, G_FILE_TEST_EXISTS));
  {
    g_autofree char *base = g_path_get_basename (first);
    kept = read_file (dir, base);
  }
  {
    gsize batch_len;
    const guint8 *batch_data = fapilog_batch_get_data (batch, &batch_len);

    g_assert_cmpmem (kept->str, kept->len, batch_data, batch_len);
  }
  g_string_free (kept, TRUE);
  g_assert_nonnull (strstr (diag->str, "compression failed"));
  g_assert_nonnull (strstr (diag->str, first));
  g_string_free (diag, TRUE);
  g_unlink (tmp);
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Reopen, forced rotation, permissions, text, health                       */

/* After a reopen between the "before" lines and an "after" one: the renamed
 * file @moved holds the @n_before earlier lines and nothing later, and
 * @path was created again for the "after" line alone. */
static void
assert_reopened (const char *moved,
                 guint       n_before,
                 const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (moved, &contents, &len, NULL));
  g_assert_cmpuint (count_json_lines (contents, len, moved), ==, n_before);
  g_assert_nonnull (strstr (contents, "\"before\""));
  g_assert_null (strstr (contents, "\"after\""));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (count_json_lines (contents, len, path), ==, 1);
  g_assert_nonnull (strstr (contents, "\"after\""));
}

static void
test_reopen (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *path = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *path2 = NULL;
  FapilogRotatingFileSink *rf;

  sink = fapilog_rotating_file_sink_new (dir);
  rf = FAPILOG_ROTATING_FILE_SINK (sink);
  pipeline = start_pipeline (sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  fapilog_info (log, "before", NULL);
  flush (pipeline);
  path = fapilog_rotating_file_sink_dup_current_path (rf);
  g_assert_nonnull (path);

  /* What logrotate does: rename, then signal. */
  moved = g_strconcat (path, ".1", NULL);
  g_assert_cmpint (g_rename (path, moved), ==, 0);
  fapilog_rotating_file_sink_reopen (rf);
  /* The next write serves the request if the worker has not yet. */
  fapilog_info (log, "after", NULL);
  flush (pipeline);

  path2 = fapilog_rotating_file_sink_dup_current_path (rf);
  g_assert_cmpstr (path2, ==, path);
  stats = fapilog_pipeline_shutdown (pipeline, 30 * G_USEC_PER_SEC);

  assert_reopened (moved, 1, path);
  remove_tree (dir);
}

/* logrotate's way: rename the file, then SIGHUP. The handler is a
 * g_unix_signal source on a thread of the application's own (neither the
 * logging thread nor the worker), which is where reopen must be safe. */
typedef struct {
  FapilogRotatingFileSink *sink;
  GMainLoop               *loop;
  GThread                 *ran_on;
} HupHandler;

static gboolean
on_sighup (gpointer user_data)
{
  HupHandler *h = user_data;

  fapilog_rotating_file_sink_reopen (h->sink);
  h->ran_on = g_thread_self ();
  g_main_loop_quit (h->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
run_hup_loop (gpointer user_data)
{
  HupHandler *h = user_data;
  GMainContext *context = g_main_loop_get_context (h->loop);

  g_main_context_push_thread_default (context);
  g_main_loop_run (h->loop);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_reopen_sighup (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autofree char *path = NULL;
  g_autofree char *moved = NULL;
  HupHandler h = { NULL, };
  GSource *source;
  GThread *thread;

  sink = fapilog_rotating_file_sink_new (dir);
  h.sink = FAPILOG_ROTATING_FILE_SINK (sink);
  h.loop = g_main_loop_new (context, FALSE);
  /* Made before the signal is sent: from here on SIGHUP is GLib's. */
  source = g_unix_signal_source_new (SIGHUP);
  g_source_set_callback (source, on_sighup, &h, NULL);
  g_source_attach (source, context);
  g_source_unref (source);
  thread = g_thread_new ("sighup", run_hup_loop, &h);

  pipeline = start_pipeline (sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_info (log, "before", NULL);
  fapilog_info (log, "also before", NULL);
  flush (pipeline);
  path = fapilog_rotating_file_sink_dup_current_path (h.sink);
  g_assert_nonnull (path);

  moved = g_strconcat (path, ".1", NULL);
  g_assert_cmpint (g_rename (path, moved), ==, 0);
  g_assert_cmpint (kill (getpid (), SIGHUP), ==, 0);
  /* The loop ends when the handler has run. */
  g_thread_join (thread);
  g_assert_nonnull (h.ran_on);
  g_assert_true (h.ran_on == thread);

  fapilog_info (log, "after", NULL);
  flush (pipeline);
  stats = fapilog_pipeline_shutdown (pipeline, 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rotating_file"), ==, 3);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "rotating_file"), ==, 0);

  assert_reopened (moved, 2, path);

  g_main_loop_unref (h.loop);
  remove_tree (dir);
}

static void
test_forced_rotate (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) names = NULL;
  FapilogRotatingFileSink *rf;

  sink = fapilog_rotating_file_sink_new (dir);
  rf = FAPILOG_ROTATING_FILE_SINK (sink);

  /* Before start: recorded, harmless (no file to rotate). */
  fapilog_rotating_file_sink_rotate (rf);
  pipeline = start_pipeline (sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_info (log, "one", NULL);
  flush (pipeline);

  fapilog_rotating_file_sink_rotate (rf);
  g_assert_true (_fapilog_rotating_file_sink_wait_rotations (rf, 1, 30 * G_USEC_PER_SEC));
  /* An empty (absent) file is not rotated, and the request is not kept
   * for the next file either. */
  fapilog_rotating_file_sink_rotate (rf);
  fapilog_info (log, "two", NULL);
  flush (pipeline);
  fapilog_info (log, "three", NULL);
  flush (pipeline);
  g_assert_true (_fapilog_rotating_file_sink_wait_background (rf, 30 * G_USEC_PER_SEC));
  g_assert_cmpuint (_fapilog_rotating_file_sink_get_rotations (rf), ==, 1);

  stats = fapilog_pipeline_shutdown (pipeline, 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (_fapilog_rotating_file_sink_get_rotations (rf), ==, 1);
  /* The file of "one", then one file with "two" and "three". */
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 2);
  {
    g_autoptr(GString) first = read_file (dir, g_ptr_array_index (names, 0));
    g_autoptr(GString) second = read_file (dir, g_ptr_array_index (names, 1));

    g_assert_cmpuint (count_json_lines (first->str, first->len, "first file"), ==, 1);
    g_assert_nonnull (strstr (first->str, "\"one\""));
    g_assert_cmpuint (count_json_lines (second->str, second->len, "second file"), ==, 2);
    g_assert_nonnull (strstr (second->str, "\"two\""));
    g_assert_nonnull (strstr (second->str, "\"three\""));
  }
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Blocks reserved ahead of writes, and given back                          */

/* Bytes of disk that @dir/@name holds beyond what its size needs, less one
 * block of slack for the filesystem's own bookkeeping (0 if none). */
static guint64
reserved_past_end (const char *dir,
                   const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;
  guint64 block, needed, held;

  g_assert_cmpint (stat (path, &st), ==, 0);
  block = st.st_blksize > 0 ? (guint64) st.st_blksize : 4096;
  needed = ((guint64) st.st_size + block - 1) / block * block + block;
  held = (guint64) st.st_blocks * 512;
  return held > needed ? held - needed : 0;
}

/* The one line of make_file_with_reserve()'s file. */
static const char leftover_line[] = "{\"message\":\"earlier run\"}\n";

/* Makes @dir/@name with one complete line and @reserve bytes reserved past
 * it, as a killed run leaves its file; FALSE if this filesystem cannot
 * reserve blocks that way. */
static gboolean
make_file_with_reserve (const char *dir,
                        const char *name,
                        gsize       reserve)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL, 0640);
  gboolean ok;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, leftover_line, sizeof leftover_line - 1), ==,
                   (gssize) (sizeof leftover_line - 1));
  ok = fallocate (fd, FALLOC_FL_KEEP_SIZE, 0, (off_t) reserve) == 0;
  g_assert_cmpint (close (fd), ==, 0);
  return ok && reserved_past_end (dir, name) >= reserve / 2;
}

/* The active file has blocks reserved ahead of its writes, up to max-bytes;
 * a rotation, a stop and the next start (after a kill) give them back, and
 * the sizes never show them. */
static void
test_reserve (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const guint64 max_bytes = 1024 * 1024;
  const char *leftover = "fapilog-20200101-000000.jsonl";
  FapilogRotatingFileSink *rf;

  if (!make_file_with_reserve (dir, leftover, max_bytes))
    {
      g_test_skip ("this filesystem does not reserve blocks with fallocate()");
      remove_tree (dir);
      return;
    }

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir,
                       "max-bytes", max_bytes,
                       NULL);
  rf = FAPILOG_ROTATING_FILE_SINK (sink);
  pipeline = start_pipeline (sink);
  /* The start gave back what the killed run had reserved. */
  g_assert_cmpuint (reserved_past_end (dir, leftover), ==, 0);
  g_assert_cmpuint (file_size (dir, leftover), ==, sizeof leftover_line - 1);

  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_info (log, "one", NULL);
  flush (pipeline);
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 2);
  /* One short line, and most of max-bytes reserved behind it. */
  g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, 1)), <, 1024);
  g_assert_cmpuint (reserved_past_end (dir, g_ptr_array_index (names, 1)), >=, max_bytes / 2);
  g_clear_pointer (&names, g_ptr_array_unref);

  fapilog_rotating_file_sink_rotate (rf);
  g_assert_true (_fapilog_rotating_file_sink_wait_rotations (rf, 1, 30 * G_USEC_PER_SEC));
  g_assert_true (_fapilog_rotating_file_sink_wait_background (rf, 30 * G_USEC_PER_SEC));
  fapilog_info (log, "two", NULL);
  flush (pipeline);
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpuint (reserved_past_end (dir, g_ptr_array_index (names, 1)), ==, 0);
  g_assert_cmpuint (reserved_past_end (dir, g_ptr_array_index (names, 2)), >=, max_bytes / 2);

  /* Cut short from outside (logrotate's copytruncate): giving back the
   * reservation must not grow the file back to what the sink wrote. */
  {
    g_autofree char *active = g_build_filename (dir, g_ptr_array_index (names, 2), NULL);

    g_assert_cmpint (truncate (active, 0), ==, 0);
    fapilog_rotating_file_sink_rotate (rf);
    g_assert_true (_fapilog_rotating_file_sink_wait_rotations (rf, 2, 30 * G_USEC_PER_SEC));
    g_assert_true (_fapilog_rotating_file_sink_wait_background (rf, 30 * G_USEC_PER_SEC));
    g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, 2)), ==, 0);
    g_assert_cmpuint (reserved_past_end (dir, g_ptr_array_index (names, 2)), ==, 0);
    g_assert_cmpuint (g_unlink (active), ==, 0);
  }
  g_clear_pointer (&names, g_ptr_array_unref);
  fapilog_info (log, "three", NULL);
  flush (pipeline);

  stats = fapilog_pipeline_shutdown (pipeline, 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rotating_file"), ==, 3);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "rotating_file"), ==, 0);
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 3);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GString) text = read_file (dir, g_ptr_array_index (names, i));

      g_assert_cmpuint (reserved_past_end (dir, g_ptr_array_index (names, i)), ==, 0);
      g_assert_cmpuint (text->len, ==, file_size (dir, g_ptr_array_index (names, i)));
      g_assert_cmpuint (count_json_lines (text->str, text->len, g_ptr_array_index (names, i)), ==, 1);
    }
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* The fsync of a rotated file is off the write path                        */

typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean open;      /* the gate: syncs wait until it opens */
  guint    entered;   /* syncs that reached the hook */
} SyncGate;

static void
gated_sync (const char *path,
            gpointer    data)
{
  SyncGate *gate = data;

  g_assert_true (g_str_has_suffix (path, ".jsonl"));
  g_mutex_lock (&gate->lock);
  gate->entered++;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static gboolean
wait_entered (SyncGate *gate,
              guint     n)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gboolean ok = TRUE;

  g_mutex_lock (&gate->lock);
  while (gate->entered < n && ok)
    ok = g_cond_wait_until (&gate->cond, &gate->lock, end);
  ok = gate->entered >= n;
  g_mutex_unlock (&gate->lock);
  return ok;
}

/* With fsync rotate (the default), a size rotation leaves the old file's
 * fsync to the maintenance thread: while that fsync is held up, logging
 * into the next files goes on and flushes complete. Stop waits for every
 * pending fsync, and no line is lost. */
static void
test_fsync_off_write_path (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GString) all = NULL;
  SyncGate gate = { 0, };
  FapilogRotatingFileSink *rf;
  FapilogFsyncPolicy policy;
  guint rotations;

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK, "directory", dir,
                       "max-bytes", (guint64) 2048, NULL);
  rf = FAPILOG_ROTATING_FILE_SINK (sink);
  g_object_get (sink, "fsync", &policy, NULL);
  g_assert_cmpint (policy, ==, FAPILOG_FSYNC_ROTATE);
  _fapilog_rotating_file_sink_set_sync_hook (rf, gated_sync, &gate);
  pipeline = start_pipeline (sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  for (int i = 0; i < 20; i++)
    fapilog_info (log, "before the first rotation", "i", "i", i, NULL);
  flush (pipeline);
  g_assert_true (_fapilog_rotating_file_sink_wait_rotations (rf, 1, 30 * G_USEC_PER_SEC));
  g_assert_true (wait_entered (&gate, 1));

  /* The first rotated file's fsync is held; several more files fill up. */
  for (int i = 0; i < 100; i++)
    fapilog_info (log, "while the fsync waits", "i", "i", i, NULL);
  flush (pipeline);
  g_assert_cmpuint (_fapilog_rotating_file_sink_get_rotations (rf), >=, 3);
  g_mutex_lock (&gate.lock);
  g_assert_cmpuint (gate.entered, ==, 1);
  gate.open = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);

  stats = fapilog_pipeline_shutdown (pipeline, 30 * G_USEC_PER_SEC);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rotating_file"), ==, 120);
  rotations = _fapilog_rotating_file_sink_get_rotations (rf);
  /* The held fsync and the ones queued behind it, up to the cap, went
   * through the background fsync before stop returned; rotations beyond
   * the cap synced in the write path. The last file was closed (and
   * synced) by stop itself. */
  g_assert_cmpuint (rotations, >, FAPILOG_ROTATING_FILE_MAX_PENDING_SYNCS);
  g_assert_cmpuint (gate.entered, ==, FAPILOG_ROTATING_FILE_MAX_PENDING_SYNCS);
  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, rotations + 1);
  all = concat_files (dir, names);
  g_assert_cmpuint (count_json_lines (all->str, all->len, "all files"), ==, 120);

  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
  remove_tree (dir);
}

static void
test_permissions (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *sub = g_build_filename (dir, "a", "b", NULL);
  const guint sizes[1] = { 10 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 1);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  FapilogSink *sink;
  mode_t old;
  Driver d;

  /* An umask that would strip everything but the owner's bits. */
  old = umask (0077);
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK, "directory", sub, NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  g_assert_no_error (error);
  driver_stop (&d);
  g_object_unref (sink);
  umask (old);

  names = list_dir (sub);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpuint (file_mode_of (sub, g_ptr_array_index (names, 0)), ==, 0640);
  g_clear_pointer (&names, g_ptr_array_unref);

  /* Any mode is applied exactly. */
  old = umask (0022);
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK, "directory", sub,
                       "file-mode", 0664u, NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  driver_stop (&d);
  g_object_unref (sink);
  umask (old);
  names = list_dir (sub);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpuint (file_mode_of (sub, g_ptr_array_index (names, 1)), ==, 0664);
  remove_tree (dir);
}

static void
test_text_mode (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  FapilogEntry *entries[2];
  g_autoptr(FapilogBatch) batch = NULL;
  FapilogSink *sink;
  GString *out;
  Driver d;

  entries[0] = make_entry ("user login", g_variant_new_parsed ("{'user_id': <'u-1'>, 'attempt': <3>}"));
  entries[1] = make_entry ("two\nlines", g_variant_new_parsed ("{'path': <'/etc/app conf'>, 'q': <'say \"hi\"'>, 'eq': <'a=b'>, 'nl': <'x\ny'>}"));
  batch = fapilog_batch_new (entries, 2);
  fapilog_entry_unref (entries[0]);
  fapilog_entry_unref (entries[1]);

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK, "directory", dir,
                       "mode", FAPILOG_FILE_FORMAT_TEXT, NULL);
  driver_start (&d, sink);
  g_assert_true (driver_write (&d, batch, &error));
  g_assert_no_error (error);
  driver_stop (&d);
  g_object_unref (sink);

  names = list_dir (dir);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (names, 0), ".log"));
  out = read_file (dir, g_ptr_array_index (names, 0));
  g_assert_cmpstr (out->str, ==,
                   "2026-11-24T10:30:00.123Z INFO app \"user login\" user_id=u-1 attempt=3\n"
                   "2026-11-24T10:30:00.123Z INFO app \"two\\nlines\" path=\"/etc/app conf\" "
                   "q=\"say \\\"hi\\\"\" eq=\"a=b\" nl=\"x\\ny\"\n");
  g_string_free (out, TRUE);
  remove_tree (dir);
}

/* While @dir cannot take a new file: the sink is unhealthy, and a write
 * that needs a file fails clearly, naming the directory. */
static void
assert_cannot_create (Driver     *d,
                      const char *dir)
{
  const guint sizes[1] = { 10 };
  g_autoptr(FapilogBatch) batch = make_batch (sizes, 1);
  g_autoptr(GError) error = NULL;

  g_assert_false (fapilog_sink_health_check (d->sink));
  g_assert_false (driver_write (d, batch, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, dir));
}

static void
test_health_and_properties (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *name = NULL;
  g_autofree char *prefix = NULL;
  FapilogSink *sink;
  FapilogFsyncPolicy fsync_policy;
  guint64 max_bytes;
  guint mode;
  Driver d;

  sink = fapilog_rotating_file_sink_new (dir);
  g_object_get (sink, "name", &name, "filename-prefix", &prefix, "max-bytes", &max_bytes,
                "file-mode", &mode, "fsync", &fsync_policy, NULL);
  g_assert_cmpstr (name, ==, "rotating_file");
  g_assert_cmpstr (prefix, ==, "fapilog");
  g_assert_cmpuint (max_bytes, ==, 10 * 1024 * 1024);
  g_assert_cmpuint (mode, ==, 0640);
  g_assert_cmpint (fsync_policy, ==, FAPILOG_FSYNC_ROTATE);

  g_assert_false (fapilog_sink_health_check (sink));   /* not started */
  driver_start (&d, sink);
  /* No file yet, but one can be made. */
  g_assert_null (fapilog_rotating_file_sink_dup_current_path (FAPILOG_ROTATING_FILE_SINK (sink)));
  g_assert_true (fapilog_sink_health_check (sink));

  /* The directory taken away (this stops root too, whom permissions
   * don't). Back again, health waits for a file that opens. */
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  assert_cannot_create (&d, dir);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_false (fapilog_sink_health_check (sink));   /* last open failed */
  {
    const guint sizes[1] = { 10 };
    g_autoptr(FapilogBatch) batch = make_batch (sizes, 1);
    g_autoptr(GError) error = NULL;

    g_assert_true (driver_write (&d, batch, &error));
    g_assert_no_error (error);
    g_assert_true (fapilog_sink_health_check (sink));
  }

  if (geteuid () != 0)
    {
      /* Not writable for us: the same, by permissions. The active file is
       * rotated away first, so the next write needs a new one. */
      g_autofree char *path = fapilog_rotating_file_sink_dup_current_path (FAPILOG_ROTATING_FILE_SINK (sink));

      g_assert_nonnull (path);
      fapilog_rotating_file_sink_rotate (FAPILOG_ROTATING_FILE_SINK (sink));
      g_assert_cmpint (chmod (dir, 0500), ==, 0);
      assert_cannot_create (&d, dir);
      g_assert_cmpint (chmod (dir, 0700), ==, 0);
      g_assert_false (fapilog_sink_health_check (sink));   /* last open failed */
    }
  driver_stop (&d);
  g_assert_false (fapilog_sink_health_check (sink));
  g_object_unref (sink);

  /* A bad prefix fails start instead of writing elsewhere. */
  {
    g_autoptr(GError) error = NULL;
    AsyncResult ar = { NULL };
    GMainContext *context = g_main_context_new ();

    sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK, "directory", dir,
                         "filename-prefix", "../evil", NULL);
    g_main_context_push_thread_default (context);
    fapilog_sink_start_async (sink, NULL, store_result, &ar);
    while (ar.result == NULL)
      g_main_context_iteration (context, TRUE);
    g_assert_false (fapilog_sink_start_finish (sink, ar.result, &error));
    g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED);
    g_object_unref (ar.result);
    g_object_unref (sink);
    while (g_main_context_pending (context))
      g_main_context_iteration (context, FALSE);
    g_main_context_pop_thread_default (context);
    g_main_context_unref (context);
  }
  remove_tree (dir);
}

static void
test_registry (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSink) sink = NULL;

  g_assert_true (fapilog_sink_registry_contains ("rotating_file"));
  sink = fapilog_sink_registry_create ("rotating_file", settings, &error);
  g_assert_null (sink);
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "FAPILOG_FILE__DIRECTORY"));
}

/* Every FAPILOG_FILE__* variable reaches the sink the registry builds. */
static void
test_environment_properties (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *prefix = NULL;
  FapilogFileFormat mode;
  FapilogFsyncPolicy fsync_policy;
  guint64 max_bytes, max_total_bytes;
  double interval;
  guint max_files, file_mode;
  gboolean compress;
  const char * const envp[] = {
    "FAPILOG_FILE__DIRECTORY=/var/log/app",
    "FAPILOG_FILE__FILENAME_PREFIX=app",
    "FAPILOG_FILE__MODE=text",
    "FAPILOG_FILE__MAX_BYTES=2 MB",
    "FAPILOG_FILE__INTERVAL_SECONDS=hourly",
    "FAPILOG_FILE__MAX_FILES=7",
    "FAPILOG_FILE__MAX_TOTAL_BYTES=1 GB",
    "FAPILOG_FILE__COMPRESS_ROTATED=true",
    "FAPILOG_FILE__FILE_MODE=0600",
    "FAPILOG_FILE__FSYNC=batch",
    NULL
  };

  g_assert_true (fapilog_settings_apply_environment (settings, envp, &error));
  g_assert_no_error (error);
  sink = fapilog_sink_registry_create ("rotating_file", settings, &error);
  g_assert_no_error (error);
  g_assert_true (FAPILOG_IS_ROTATING_FILE_SINK (sink));
  g_object_get (sink,
                "directory", &directory, "filename-prefix", &prefix, "mode", &mode,
                "max-bytes", &max_bytes, "interval-seconds", &interval,
                "max-files", &max_files, "max-total-bytes", &max_total_bytes,
                "compress-rotated", &compress, "file-mode", &file_mode,
                "fsync", &fsync_policy, NULL);
  g_assert_cmpstr (directory, ==, "/var/log/app");
  g_assert_cmpstr (prefix, ==, "app");
  g_assert_cmpint (mode, ==, FAPILOG_FILE_FORMAT_TEXT);
  g_assert_cmpuint (max_bytes, ==, 2 * 1024 * 1024);
  g_assert_cmpfloat (interval, ==, 3600.0);
  g_assert_cmpuint (max_files, ==, 7);
  g_assert_cmpuint (max_total_bytes, ==, (guint64) 1024 * 1024 * 1024);
  g_assert_true (compress);
  g_assert_cmpuint (file_mode, ==, 0600);
  g_assert_cmpint (fsync_policy, ==, FAPILOG_FSYNC_BATCH);
}

static void
test_bad_arguments (void)
{
  if (g_test_subprocess ())
    {
      g_assert_null (fapilog_rotating_file_sink_new (NULL));
      fapilog_rotating_file_sink_rotate (NULL);
      fapilog_rotating_file_sink_reopen (NULL);
      g_assert_null (fapilog_rotating_file_sink_dup_current_path (NULL));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*");
}

/* ------------------------------------------------------------------------ */
/* Child processes                                                          */

static FapilogPipeline *
child_pipeline (FapilogSink *sink,
                gboolean     diagnostics)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  FapilogPipeline *pipeline;

  g_object_set (settings,
                "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                "backpressure-wait-ms", -1,
                "batch-timeout-seconds", 0.01,
                "internal-logging-enabled", diagnostics,
                NULL);
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  if (!fapilog_pipeline_start (pipeline, &error))
    g_error ("start: %s", error->message);
  return pipeline;
}

/* --child crash DIR: logs forever (lossless), rounds of CRASH_ROUND
 * entries, printing after every round's flush how many entries are
 * confirmed written. */
#define CRASH_ROUND 97

static int
child_crash (const char *dir)
{
  g_autoptr(FapilogSink) sink = NULL;
  FapilogPipeline *pipeline;
  FapilogLogger *log;
  g_autofree char *padding = g_strnfill (200, 'p');
  guint64 total = 0;

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK, "directory", dir,
                       "max-bytes", (guint64) 64 * 1024, "fsync", FAPILOG_FSYNC_NEVER, NULL);
  pipeline = child_pipeline (sink, FALSE);
  log = fapilog_pipeline_get_logger (pipeline, "child");
  for (guint round = 0; round < 1000000; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FapilogStats) stats = NULL;

      for (guint i = 0; i < CRASH_ROUND; i++)
        fapilog_info (log, padding, "round", "u", round, "i", "u", i, NULL);
      if (!fapilog_pipeline_flush (pipeline, 60 * G_USEC_PER_SEC, &error))
        g_error ("flush: %s", error->message);
      stats = fapilog_pipeline_get_stats (pipeline);
      total = fapilog_stats_get_sink_written (stats, "rotating_file");
      printf ("%" G_GUINT64_FORMAT "\n", total);
      fflush (stdout);
    }
  return 0;
}

/* --child efbig DIR: RLIMIT_FSIZE below max-bytes, so writes meet EFBIG. */
#define EFBIG_LIMIT 20000
#define EFBIG_N 1200

static int
child_efbig (const char *dir)
{
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  FapilogPipeline *pipeline;
  FapilogLogger *log;
  g_autofree char *padding = g_strnfill (150, 'p');
  struct rlimit rl = { EFBIG_LIMIT, EFBIG_LIMIT };

  if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
    g_error ("setrlimit: %s", g_strerror (errno));
  /* Default disposition: a SIGXFSZ that got through would kill us. */
  signal (SIGXFSZ, SIG_DFL);

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK, "directory", dir,
                       "max-bytes", (guint64) 1024 * 1024, NULL);
  pipeline = child_pipeline (sink, TRUE);
  log = fapilog_pipeline_get_logger (pipeline, "child");
  for (guint i = 0; i < EFBIG_N; i++)
    {
      fapilog_info (log, padding, "i", "u", i, NULL);
      if (i % 10 == 9)
        {
          g_autoptr(GError) error = NULL;

          if (!fapilog_pipeline_flush (pipeline, 60 * G_USEC_PER_SEC, &error))
            g_error ("flush: %s", error->message);
        }
    }
  stats = fapilog_pipeline_shutdown (pipeline, 60 * G_USEC_PER_SEC);
  printf ("written=%" G_GUINT64_FORMAT " failed=%" G_GUINT64_FORMAT "\n",
          fapilog_stats_get_sink_written (stats, "rotating_file"),
          fapilog_stats_get_sink_failed (stats, "rotating_file"));
  fflush (stdout);
  g_object_unref (pipeline);
  g_object_unref (log);
  return 0;
}

static guint
check_all_files (const char *dir)
{
  g_autoptr(GPtrArray) names = list_dir (dir);
  guint lines = 0;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GString *text = read_file (dir, name);

      g_assert_true (g_str_has_suffix (name, ".jsonl"));
      lines += count_json_lines (text->str, text->len, name);
      g_string_free (text, TRUE);
    }
  return lines;
}

/* ------------------------------------------------------------------------ */
/* Writes queued behind a running one                                       */

typedef struct {
  GArray *order;     /* the tags of the completed writes, as they came */
  guint   pending;
} QueuedWrites;

static void
on_queued_write_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  QueuedWrites *q = g_task_get_task_data (G_TASK (user_data));
  g_autoptr(GError) error = NULL;
  guint tag = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (user_data), "tag"));

  g_assert_true (fapilog_sink_write_batch_finish (FAPILOG_SINK (source), result, &error));
  g_assert_no_error (error);
  g_array_append_val (q->order, tag);
  q->pending--;
  g_object_unref (user_data);
}

/* Entries whose messages are "<round>-<k>" for k in [first, first + n). */
static FapilogBatch *
make_round_batch (guint round,
                  guint first,
                  guint n)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fapilog_entry_unref);

  for (guint k = first; k < first + n; k++)
    {
      g_autofree char *message = g_strdup_printf ("%u-%u", round, k);

      g_ptr_array_add (entries, make_entry (message, NULL));
    }
  return fapilog_batch_new ((FapilogEntry **) entries->pdata, n);
}

/* The fan-out may start a second write before the first has completed
 * (the sink says it keeps them in order); the sink must then write them,
 * and complete them, in the order they were started, across rotations. */
static void
test_queued_writes (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GPtrArray) names = NULL;
  QueuedWrites q = { g_array_new (FALSE, FALSE, sizeof (guint)), 0 };
  const guint rounds = 100, in_round = 4;
  FapilogSink *sink;
  Driver d;
  GString *all;
  g_auto(GStrv) lines = NULL;

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", dir,
                       "max-bytes", (guint64) 4096,
                       NULL);
  g_assert_true (_fapilog_sink_get_queues_writes (sink));
  driver_start (&d, sink);

  for (guint r = 0; r < rounds; r++)
    {
      /* Writes of different sizes, so that a later one would often be
       * ready first if they ran side by side. */
      for (guint w = 0; w < in_round; w++)
        {
          guint n = w % 2 == 0 ? 24 : 1;
          g_autoptr(FapilogBatch) batch = make_round_batch (r, w * 100, n);
          /* A carrier for the tag and the shared state. */
          GTask *carrier = g_task_new (NULL, NULL, NULL, NULL);

          g_task_set_task_data (carrier, &q, NULL);
          g_object_set_data (G_OBJECT (carrier), "tag", GUINT_TO_POINTER (r * in_round + w));
          q.pending++;
          fapilog_sink_write_batch_async (sink, batch, NULL, on_queued_write_done, carrier);
        }
      while (q.pending > 0)
        g_main_context_iteration (d.context, TRUE);
    }
  driver_stop (&d);
  g_object_unref (sink);

  g_assert_cmpuint (q.order->len, ==, rounds * in_round);
  for (guint i = 0; i < q.order->len; i++)
    g_assert_cmpuint (g_array_index (q.order, guint, i), ==, i);
  g_array_unref (q.order);

  /* Every line once, in the order the writes were started. */
  names = list_dir (dir);
  g_assert_cmpuint (names->len, >, 1);
  g_assert_cmpuint (check_all_files (dir), ==, rounds * 2 * 25);
  all = concat_files (dir, names);
  lines = g_strsplit (all->str, "\n", -1);
  g_string_free (all, TRUE);
  {
    guint at = 0;

    for (guint r = 0; r < rounds; r++)
      for (guint w = 0; w < in_round; w++)
        for (guint k = w * 100; k < w * 100 + (w % 2 == 0 ? 24 : 1); k++)
          {
            g_autoptr(JsonObject) obj = test_parse_object (lines[at++]);
            g_autofree char *expected = g_strdup_printf ("%u-%u", r, k);

            g_assert_cmpstr (json_object_get_string_member (obj, "message"), ==, expected);
          }
    g_assert_cmpstr (lines[at], ==, "");
  }
  remove_tree (dir);
}

/* The crash child's entries carry the fields "round" and "i". Checks that the lines of every file in @dir, in file order, are
 * entries 0, 1, 2, … with no gap, repeat or reordering, and returns how
 * many. With @allow_torn_tail, the newest file may end in one partial line
 * (a write that SIGKILL cut short); it is not counted. */
static guint
check_crash_sequence (const char *dir,
                      gboolean    allow_torn_tail)
{
  g_autoptr(GPtrArray) names = list_dir (dir);
  guint64 next = 0;

  for (guint f = 0; f < names->len; f++)
    {
      const char *name = g_ptr_array_index (names, f);
      g_autoptr(GString) text = read_file (dir, name);
      const char *p = text->str, *end = text->str + text->len;

      g_assert_true (g_str_has_suffix (name, ".jsonl"));
      while (p < end)
        {
          const char *nl = memchr (p, '\n', end - p);
          g_autofree char *line = NULL;
          g_autoptr(JsonObject) obj = NULL;
          JsonObject *data;
          guint64 index_;

          if (nl == NULL)
            {
              if (!allow_torn_tail || f + 1 < names->len)
                g_error ("%s ends in a partial line: %s", name, p);
              break;
            }
          line = g_strndup (p, nl - p);
          obj = test_parse_object (line);
          data = json_object_get_object_member (obj, "data");
          g_assert_nonnull (data);
          index_ = (guint64) json_object_get_int_member (data, "round") * CRASH_ROUND +
                   (guint64) json_object_get_int_member (data, "i");
          if (index_ != next)
            g_error ("%s: entry %" G_GUINT64_FORMAT " where %" G_GUINT64_FORMAT " was due",
                     name, index_, next);
          next++;
          p = nl + 1;
        }
    }
  return (guint) next;
}

static void
test_crash (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  guint64 confirmed = 0;
  guint lines;
  guint target = g_getenv ("FAPILOG_TEST_SCALE_DOWN") != NULL ? 1000 : 5000;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self_exe, "--child", "crash", dir, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  /* Kill it while it is writing, well past a few rotations. */
  while (confirmed < target)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("child ended early");
      confirmed = g_ascii_strtoull (line, NULL, 10);
    }
  g_subprocess_send_signal (child, SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  /* The child may have confirmed more rounds than we read before the
   * kill: its last word is the one that counts. */
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        break;
      confirmed = g_ascii_strtoull (line, NULL, 10);
    }

  /* As the kill left them: every confirmed entry is there, once and in
   * order, and at most the round after it besides. SIGKILL can interrupt
   * a write between pages and leave a partial last line in the newest
   * file, never anywhere else. */
  lines = check_crash_sequence (dir, TRUE);
  g_test_message ("confirmed %" G_GUINT64_FORMAT ", found %u lines", confirmed, lines);
  g_assert_cmpuint (lines, >=, confirmed);
  g_assert_cmpuint (lines, <=, confirmed + CRASH_ROUND);

  /* The next start cuts a partial line back; the whole lines stay. */
  {
    FapilogSink *sink = fapilog_rotating_file_sink_new (dir);
    Driver d;

    driver_start (&d, sink);
    driver_stop (&d);
    g_object_unref (sink);
  }
  g_assert_cmpuint (check_all_files (dir), ==, lines);
  g_assert_cmpuint (check_crash_sequence (dir, FALSE), ==, lines);
  remove_tree (dir);
}

/* Adds the field "i" of every entry of the efbig child's logger in
 * @text (JSON lines, others skipped) to @seen, failing on a repeat;
 * returns how many. */
static guint
collect_child_indices (const char *text,
                       GHashTable *seen,
                       const char *where)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *root, *data;
      guint i;

      if (lines[l][0] != '{' ||
          !json_parser_load_from_data (parser, lines[l], -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      root = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (root, "logger", ""), "child") != 0)
        continue;
      data = json_object_get_object_member (root, "data");
      g_assert_nonnull (data);
      i = (guint) json_object_get_int_member (data, "i");
      if (!g_hash_table_add (seen, GUINT_TO_POINTER (i + 1)))
        g_error ("%s: entry %u appears a second time", where, i);
      n++;
    }
  return n;
}

static void
test_efbig (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;
  guint64 written = 0, failed = 0;
  guint lines;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error, self_exe, "--child", "efbig", dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (child, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  err_text = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
  if (!g_subprocess_get_if_exited (child))
    g_error ("child killed by signal %d; stderr:\n%s", g_subprocess_get_term_sig (child), err_text);
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);

  out_text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_assert_cmpint (sscanf (out_text, "written=%" G_GUINT64_FORMAT " failed=%" G_GUINT64_FORMAT,
                           &written, &failed), ==, 2);
  /* Clear failures, counted, and the rest written. */
  g_assert_cmpuint (failed, >, 0);
  g_assert_cmpuint (written, >, 0);
  g_assert_cmpuint (written + failed, ==, EFBIG_N);
  g_assert_nonnull (strstr (err_text, "File too large"));
  g_assert_nonnull (strstr (err_text, dir));

  /* Every file within the limit, whole lines only; logging went on in
   * fresh files after each failure. */
  names = list_dir (dir);
  g_assert_cmpuint (names->len, >=, 3);
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpuint (file_size (dir, g_ptr_array_index (names, i)), <=, EFBIG_LIMIT);
  lines = check_all_files (dir);
  g_assert_cmpuint (lines, ==, written);

  /* Each entry is in exactly one place: a file if it was counted written,
   * the stderr fallback if it was counted failed. */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
    guint in_files = 0, in_fallback;

    for (guint f = 0; f < names->len; f++)
      {
        g_autoptr(GString) text = read_file (dir, g_ptr_array_index (names, f));

        in_files += collect_child_indices (text->str, seen, g_ptr_array_index (names, f));
      }
    in_fallback = collect_child_indices (err_text, seen, "the fallback");
    g_assert_cmpuint (in_files, ==, written);
    g_assert_cmpuint (in_fallback, ==, failed);
    g_assert_cmpuint (g_hash_table_size (seen), ==, EFBIG_N);
    for (guint i = 0; i < EFBIG_N; i++)
      g_assert_true (g_hash_table_contains (seen, GUINT_TO_POINTER (i + 1)));
  }
  remove_tree (dir);
}

/* ------------------------------------------------------------------------ */
/* Environment, end to end                                                  */

/* Runs fapilog-cat on 300 input lines of about 50 bytes (600 with the
 * envelope) with only @env_pairs ("NAME", "value", …, NULL) in its
 * environment besides PATH. */
static void
run_cat (const char *cat,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) err = NULL;
  GString *text = g_string_new (NULL);
  const char *name;
  va_list args;

  for (guint i = 0; i < 300; i++)
    g_string_append_printf (text, "line %u of the input, with some padding to fill files\n", i);
  input = g_string_free_to_bytes (text);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, NULL);
  g_subprocess_launcher_setenv (launcher, "PATH", g_getenv ("PATH"), TRUE);
  va_start (args, cat);
  while ((name = va_arg (args, const char *)) != NULL)
    g_subprocess_launcher_setenv (launcher, name, va_arg (args, const char *), TRUE);
  va_end (args);
  child = g_subprocess_launcher_spawn (launcher, &error, cat, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (child, input, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (child) || g_subprocess_get_exit_status (child) != 0)
    g_error ("fapilog-cat failed: %.*s", (int) g_bytes_get_size (err),
             (const char *) g_bytes_get_data (err, NULL));
}

static void
string_free (gpointer string)
{
  g_string_free (string, TRUE);
}

static void
test_environment (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *sub = g_build_filename (dir, "logs", NULL);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func (string_free);
  const char *cat = g_getenv ("FAPILOG_CAT");
  guint lines = 0;

  if (cat == NULL)
    {
      g_test_skip ("FAPILOG_CAT not set");
      return;
    }

  run_cat (cat,
           "FAPILOG_FILE__DIRECTORY", sub,
           "FAPILOG_FILE__FILENAME_PREFIX", "cat",
           "FAPILOG_FILE__MAX_BYTES", "10 KB",
           "FAPILOG_FILE__MAX_FILES", "3",
           "FAPILOG_FILE__COMPRESS_ROTATED", "true",
           "FAPILOG_FILE__FILE_MODE", "0600",
           NULL);

  /* 300 lines of ~600 bytes in 10 kB files, gzipped when rotated; the
   * final retention at stop counts the last file too: 3 in all, the newest
   * plain (the next start would compress it). */
  names = list_dir (sub);
  g_assert_cmpuint (names->len, ==, 3);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GString *content;

      g_assert_true (g_str_has_prefix (name, "cat-"));
      g_assert_cmpuint (file_mode_of (sub, name), ==, 0600);
      if (i + 1 < names->len)
        {
          g_assert_true (g_str_has_suffix (name, ".jsonl.gz"));
          content = read_gzip (sub, name);
        }
      else
        {
          g_assert_true (g_str_has_suffix (name, ".jsonl"));
          content = read_file (sub, name);
        }
      g_assert_cmpuint (content->len, <=, 10 * 1024);
      lines += count_json_lines (content->str, content->len, name);
      g_ptr_array_add (contents, content);
    }
  g_assert_cmpuint (lines, <, 300);
  g_assert_cmpuint (lines, >, 0);
  /* "10 KB" is 10 KiB, not 10,000 bytes: each rotated file was full, the
   * next line would have passed 10,240 bytes. */
  for (guint i = 0; i + 1 < contents->len; i++)
    {
      GString *full = g_ptr_array_index (contents, i);
      GString *next = g_ptr_array_index (contents, i + 1);
      const char *nl = memchr (next->str, '\n', next->len);

      g_assert_nonnull (nl);
      g_assert_cmpuint (full->len + (gsize) (nl + 1 - next->str), >, 10 * 1024);
    }
  remove_tree (sub);

  /* FAPILOG_FILE__DIRECTORY alone selects the sink, with its defaults. */
  run_cat (cat, "FAPILOG_FILE__DIRECTORY", sub, NULL);
  g_clear_pointer (&names, g_ptr_array_unref);
  names = list_dir (sub);
  g_assert_cmpuint (names->len, ==, 1);
  {
    const char *name = g_ptr_array_index (names, 0);
    g_autoptr(GString) content = read_file (sub, name);

    g_assert_true (g_str_has_prefix (name, "fapilog-"));
    g_assert_true (g_str_has_suffix (name, ".jsonl"));
    g_assert_cmpuint (file_mode_of (sub, name), ==, 0640);
    g_assert_cmpuint (count_json_lines (content->str, content->len, name), ==, 300);
  }
  remove_tree (sub);

  /* Text mode, time rotation and the byte budget: .log files of text
   * lines, at most 8 KiB in all once stopped. */
  run_cat (cat,
           "FAPILOG_FILE__DIRECTORY", sub,
           "FAPILOG_FILE__MODE", "text",
           "FAPILOG_FILE__INTERVAL_SECONDS", "hourly",
           "FAPILOG_FILE__MAX_BYTES", "2 KB",
           "FAPILOG_FILE__MAX_TOTAL_BYTES", "8 KB",
           "FAPILOG_FILE__FSYNC", "batch",
           NULL);
  g_clear_pointer (&names, g_ptr_array_unref);
  names = list_dir (sub);
  g_assert_cmpuint (names->len, >=, 2);
  {
    guint64 total = 0;

    for (guint i = 0; i < names->len; i++)
      {
        const char *name = g_ptr_array_index (names, i);
        g_autoptr(GString) content = read_file (sub, name);

        g_assert_true (g_str_has_suffix (name, ".log"));
        g_assert_cmpuint (content->len, <=, 2 * 1024);
        g_assert_true (content->len > 0 && content->str[content->len - 1] == '\n');
        /* timestamp level logger message (quoted: it has spaces) */
        g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z INFO \\S+ \"line \\d+ of the input",
                                             content->str, G_REGEX_MULTILINE, 0));
        g_assert_false (content->str[0] == '{');
        total += content->len;
      }
    g_assert_cmpuint (total, <=, 8 * 1024);
    /* Only what had to go went: the newest file deleted (at most 2 KiB)
     * would not have fitted beside these. */
    g_assert_cmpuint (total, >, 8 * 1024 - 2 * 1024);
  }
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
      if (g_str_equal (argv[2], "efbig"))
        return child_efbig (argv[3]);
      return 2;
    }

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);

  g_test_init (&argc, &argv, NULL);
  /* fapilog-cat may exit on a configuration error before reading the
   * input fed to it: that is an EPIPE for the test, not a SIGPIPE. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/rotating-file/size/exact", test_size_exact);
  g_test_add_func ("/rotating-file/size/oversized", test_size_oversized);
  g_test_add_func ("/rotating-file/names/same-second", test_names_same_second);
  g_test_add_func ("/rotating-file/time", test_time_rotation);
  g_test_add_func ("/rotating-file/retention/count", test_retention_count);
  g_test_add_func ("/rotating-file/retention/bytes", test_retention_bytes);
  g_test_add_func ("/rotating-file/gzip", test_gzip);
  g_test_add_func ("/rotating-file/gzip-failure-keeps-original", test_gzip_failure_keeps_original);
  g_test_add_func ("/rotating-file/reopen", test_reopen);
  g_test_add_func ("/rotating-file/reopen-sighup", test_reopen_sighup);
  g_test_add_func ("/rotating-file/rotate", test_forced_rotate);
  g_test_add_func ("/rotating-file/reserve", test_reserve);
  g_test_add_func ("/rotating-file/queued-writes", test_queued_writes);
  g_test_add_func ("/rotating-file/fsync-off-write-path", test_fsync_off_write_path);
  g_test_add_func ("/rotating-file/permissions", test_permissions);
  g_test_add_func ("/rotating-file/text", test_text_mode);
  g_test_add_func ("/rotating-file/health", test_health_and_properties);
  g_test_add_func ("/rotating-file/registry", test_registry);
  g_test_add_func ("/rotating-file/environment/properties", test_environment_properties);
  g_test_add_func ("/rotating-file/bad-arguments", test_bad_arguments);
  g_test_add_func ("/rotating-file/crash", test_crash);
  g_test_add_func ("/rotating-file/efbig", test_efbig);
  g_test_add_func ("/rotating-file/environment", test_environment);

  return g_test_run ();
}
