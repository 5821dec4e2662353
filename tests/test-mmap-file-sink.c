/* test-mmap-file-sink.c: the mmap_file sink in real pipelines, on real files
 *
 * Every test works in a fresh temporary directory. What a file must hold is
 * what a recording sink next to the mmap_file sink received, byte for byte:
 * both get the same serialized batches.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "fapilog-fallback-private.h"
#include "fapilog-test-utils.h"

#define SECOND G_USEC_PER_SEC

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

typedef struct {
  char *dir;
  char *path;   /* dir/events.jsonl */
} TmpDir;

static void
tmp_dir_init (TmpDir *tmp)
{
  g_autoptr(GError) error = NULL;

  tmp->dir = g_dir_make_tmp ("fapilog-mmap-sink-XXXXXX", &error);
  g_assert_no_error (error);
  tmp->path = g_build_filename (tmp->dir, "events.jsonl", NULL);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

static void
tmp_dir_clear (TmpDir *tmp)
{
  remove_tree (tmp->dir);
  g_free (tmp->dir);
  g_free (tmp->path);
}

/* The lines of @path without their '\n'. The file must be a plain
 * JSON-lines file: empty, or every line ending in '\n', no NUL byte
 * (padding left by a close that did not truncate). */
static GPtrArray *
read_lines (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_null (memchr (contents, '\0', len));
  if (len > 0)
    g_assert_cmpint (contents[len - 1], ==, '\n');

  for (p = contents; p < contents + len;)
    {
      const char *nl = memchr (p, '\n', contents + len - p);

      g_ptr_array_add (lines, g_strndup (p, nl - p));
      p = nl + 1;
    }
  return lines;
}

static void
assert_same_lines (GPtrArray *actual,
                   GPtrArray *expected)
{
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < actual->len; i++)
    if (strcmp (g_ptr_array_index (actual, i), g_ptr_array_index (expected, i)) != 0)
      g_error ("line %u differs:\n  file:     %s\n  expected: %s", i,
               (char *) g_ptr_array_index (actual, i),
               (char *) g_ptr_array_index (expected, i));
}

static void
append_all (GPtrArray *to,
            GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (to, g_strdup (g_ptr_array_index (from, i)));
}

static FapilogPipeline *
pipeline_with (FapilogSettings *settings,
               FapilogSink     *first,
               ...)
{
  FapilogPipeline *pipeline = fapilog_pipeline_new (settings);
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, first);
  for (FapilogSink *sink = first; sink != NULL; sink = va_arg (args, FapilogSink *))
    fapilog_pipeline_add_sink (pipeline, sink);
  va_end (args);
  fapilog_pipeline_start (pipeline, &error);
  g_assert_no_error (error);
  return pipeline;
}

/* Entries of every kind of field, with text that needs escaping. */
static void
log_entries (FapilogLogger *log,
             const char    *run,
             guint          n)
{
  for (guint i = 0; i < n; i++)
    fapilog_logger_log (log, i % 7 == 0 ? FAPILOG_LEVEL_WARNING : FAPILOG_LEVEL_INFO,
                        "order \"placed\"\tüñí",
                        "run", "s", run,
                        "i", "u", i,
                        "amount", "d", i * 1.25,
                        "ok", "b", i % 2 == 0,
                        NULL);
}


/* ------------------------------------------------------------------------ */
/* The sink on its own                                                      */

/* The sink's properties mirror the persistence's: same names, same types,
 * same defaults, so the documentation of one holds for the other. */
static void
test_properties (void)
{
  g_autoptr(FapilogSink) sink = fapilog_mmap_file_sink_new ("/tmp/x.jsonl");
  g_autoptr(FapilogMmapPersistence) persistence = fapilog_mmap_persistence_new ("/tmp/x.jsonl");
  static const char * const names[] = {
    "path", "initial-size", "growth-factor", "growth-min-bytes", "max-size", "sync-mode",
    "sync-interval-ms", "sync-every-bytes", "flush-on-close", "file-mode",
  };

  g_assert_true (FAPILOG_IS_MMAP_FILE_SINK (sink));
  g_assert_cmpstr (fapilog_sink_get_name (sink), ==, "mmap_file");

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *a = g_object_class_find_property (G_OBJECT_GET_CLASS (sink), names[i]);
      GParamSpec *b = g_object_class_find_property (G_OBJECT_GET_CLASS (persistence), names[i]);
      g_auto(GValue) va = G_VALUE_INIT;
      g_auto(GValue) vb = G_VALUE_INIT;

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      if (a->value_type != b->value_type)
        g_error ("%s: %s in the sink, %s in the persistence", names[i],
                 g_type_name (a->value_type), g_type_name (b->value_type));
      g_value_init (&va, a->value_type);
      g_value_init (&vb, b->value_type);
      g_object_get_property (G_OBJECT (sink), names[i], &va);
      g_object_get_property (G_OBJECT (persistence), names[i], &vb);
      if (g_param_values_cmp (a, &va, &vb) != 0)
        g_error ("%s: the sink and the persistence have different defaults", names[i]);

      /* The same ranges: whatever the sink accepts, the persistence
       * takes without a warning. */
      if (G_IS_PARAM_SPEC_UINT64 (a))
        {
          g_assert_cmpuint (G_PARAM_SPEC_UINT64 (a)->minimum, ==, G_PARAM_SPEC_UINT64 (b)->minimum);
          g_assert_cmpuint (G_PARAM_SPEC_UINT64 (a)->maximum, ==, G_PARAM_SPEC_UINT64 (b)->maximum);
        }
      else if (G_IS_PARAM_SPEC_UINT (a))
        {
          g_assert_cmpuint (G_PARAM_SPEC_UINT (a)->minimum, ==, G_PARAM_SPEC_UINT (b)->minimum);
          g_assert_cmpuint (G_PARAM_SPEC_UINT (a)->maximum, ==, G_PARAM_SPEC_UINT (b)->maximum);
        }
      else if (G_IS_PARAM_SPEC_DOUBLE (a))
        {
          g_assert_cmpfloat (G_PARAM_SPEC_DOUBLE (a)->minimum, ==, G_PARAM_SPEC_DOUBLE (b)->minimum);
          g_assert_cmpfloat (G_PARAM_SPEC_DOUBLE (a)->maximum, ==, G_PARAM_SPEC_DOUBLE (b)->maximum);
        }
    }

  /* Nothing to check before start. */
  g_assert_false (fapilog_sink_health_check (sink));
}

/* N entries through a real pipeline: after shutdown the file holds exactly
 * the lines a recording sink got, in order, and nothing else. */
static void
test_end_to_end (void)
{
  TmpDir tmp;
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogSink) recorder = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  const guint n = 2000;
  struct stat st;

  tmp_dir_init (&tmp);
  sink = g_object_new (FAPILOG_TYPE_MMAP_FILE_SINK,
                       "path", tmp.path,
                       "file-mode", 0600,
                       NULL);
  pipeline = pipeline_with (settings, sink, recorder, NULL);
  g_assert_true (fapilog_sink_health_check (sink));
  g_assert_true (fapilog_pipeline_is_healthy (pipeline));

  log = fapilog_pipeline_get_logger (pipeline, "shop");
  log_entries (log, "one", n);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);

  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "mmap_file"), ==, n);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "mmap_file"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rec"), ==, n);
  g_assert_false (fapilog_sink_health_check (sink));

  expected = test_sink_dup_lines (recorder);
  lines = read_lines (tmp.path);
  assert_same_lines (lines, expected);
  for (guint i = 0; i < lines->len; i += 97)
    {
      g_autoptr(JsonObject) entry = test_parse_object (g_ptr_array_index (lines, i));

      g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==,
                       "order \"placed\"\tüñí");
    }

  /* The permission bits asked for (0600 survives any umask). */
  g_assert_cmpint (g_stat (tmp.path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  tmp_dir_clear (&tmp);
}

/* Runs one pipeline on @path, logging @n entries; returns what it wrote. */
static GPtrArray *
run_once (const char *path,
          const char *run,
          guint       n)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_mmap_file_sink_new (path);
  g_autoptr(FapilogSink) recorder = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = pipeline_with (settings, sink, recorder, NULL);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;

  log_entries (log, run, n);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "mmap_file"), ==, n);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "mmap_file"), ==, 0);
  return test_sink_dup_lines (recorder);
}

/* A second run appends after the first run's data instead of overwriting
 * it (upstream reset the offset to 0, G11). */
static void
test_resume (void)
{
  TmpDir tmp;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lines = NULL;

  tmp_dir_init (&tmp);
  first = run_once (tmp.path, "one", 300);
  second = run_once (tmp.path, "two", 200);

  append_all (expected, first);
  append_all (expected, second);
  lines = read_lines (tmp.path);
  assert_same_lines (lines, expected);

  tmp_dir_clear (&tmp);
}

/* A process killed while appending leaves the mapped size padded with
 * zeros, perhaps after a torn line. The next run cuts both off and appends
 * after the last complete line. */
static void
test_resume_after_crash (void)
{
  static const char torn[] = "{\"timestamp\":\"2026-11-24T10:30:00.123Z\",\"level\":\"IN";
  TmpDir tmp;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lines = NULL;
  char zeros[8192] = { 0 };
  int fd;

  tmp_dir_init (&tmp);
  first = run_once (tmp.path, "one", 50);

  /* What a SIGKILL in the middle of an append leaves behind. */
  fd = open (tmp.path, O_WRONLY | O_APPEND | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, torn, strlen (torn)), ==, (gssize) strlen (torn));
  g_assert_cmpint (write (fd, zeros, sizeof zeros), ==, (gssize) sizeof zeros);
  g_assert_cmpint (close (fd), ==, 0);

  second = run_once (tmp.path, "two", 50);

  append_all (expected, first);
  append_all (expected, second);
  lines = read_lines (tmp.path);
  assert_same_lines (lines, expected);

  tmp_dir_clear (&tmp);
}

/* The length of one line of log_fill(): the entries differ only in
 * fixed-width parts (time, message id, a four-digit number). */
static gsize
measure_fill_line (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) recorder = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = pipeline_with (settings, recorder, NULL);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "fill");
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "fill", "n", "s", "0000", NULL);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  lines = test_sink_dup_lines (recorder);
  g_assert_cmpuint (lines->len, ==, 1);
  return strlen (g_ptr_array_index (lines, 0)) + 1;
}

static void
log_fill (FapilogLogger *log,
          guint          from,
          guint          n)
{
  for (guint i = from; i < from + n; i++)
    {
      char number[8];

      g_snprintf (number, sizeof number, "%04u", i);
      fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "fill", "n", "s", number, NULL);
    }
}

/* max-size is exact and a batch is appended whole or not at all: with
 * room for one and a half lines left, a batch of two fails entirely
 * (counted, both entries in the fallback, the file untouched), and a
 * batch of one still fits afterwards. */
static void
test_max_size (void)
{
  TmpDir tmp;
  gsize line = measure_fill_line ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogSink) recorder = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;
  struct stat st;

  tmp_dir_init (&tmp);
  /* Only flush makes a batch: what is logged between two flushes is
   * exactly one batch. */
  g_object_set (settings, "batch-timeout-seconds", 60.0, NULL);
  sink = g_object_new (FAPILOG_TYPE_MMAP_FILE_SINK,
                       "path", tmp.path,
                       "initial-size", (guint64) line,
                       "growth-min-bytes", (guint64) 1,
                       "max-size", (guint64) (4 * line + line / 2),
                       NULL);
  test_capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, recorder, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "fill");

  log_fill (log, 0, 3);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "mmap_file"), ==, 3);
  g_clear_pointer (&stats, fapilog_stats_unref);

  /* 3 + 2 lines > 4.5 lines: the batch fails although its first line
   * would fit. */
  log_fill (log, 3, 2);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "mmap_file"), ==, 3);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "mmap_file"), ==, 2);
  g_clear_pointer (&stats, fapilog_stats_unref);

  /* 3 + 1 lines <= 4.5 lines. */
  log_fill (log, 5, 1);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  fallback = test_capture_end (&capture);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "mmap_file"), ==, 4);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "mmap_file"), ==, 2);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rec"), ==, 6);

  /* The failed entries went to the fallback, the others did not. */
  g_assert_nonnull (strstr (fallback, "\"0003\""));
  g_assert_nonnull (strstr (fallback, "\"0004\""));
  g_assert_null (strstr (fallback, "\"0002\""));
  g_assert_null (strstr (fallback, "\"0005\""));

  received = test_sink_dup_lines (recorder);
  g_assert_cmpuint (received->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    if (i != 3 && i != 4)
      g_ptr_array_add (expected, g_strdup (g_ptr_array_index (received, i)));
  lines = read_lines (tmp.path);
  assert_same_lines (lines, expected);
  g_assert_cmpint (g_stat (tmp.path, &st), ==, 0);
  g_assert_cmpuint (st.st_size, ==, 4 * line);

  tmp_dir_clear (&tmp);
}

/* From a mapping smaller than one line, growing by the factor (or by the
 * one byte minimum), through batches of every size up to lines larger than
 * the whole mapping. */
static void
test_growth (void)
{
  static const double factors[] = { 2.0, 1.1 };

  for (gsize f = 0; f < G_N_ELEMENTS (factors); f++)
    {
      TmpDir tmp;
      g_autoptr(FapilogSettings) settings = test_settings_new ();
      g_autoptr(FapilogSink) sink = NULL;
      g_autoptr(FapilogSink) recorder = test_sink_new ("rec", TEST_SINK_BATCH);
      g_autoptr(FapilogPipeline) pipeline = NULL;
      g_autoptr(FapilogLogger) log = NULL;
      g_autoptr(FapilogStats) stats = NULL;
      g_autoptr(GPtrArray) expected = NULL;
      g_autoptr(GPtrArray) lines = NULL;
      g_autoptr(GRand) rand = g_rand_new_with_seed (42);
      guint n = 0;

      tmp_dir_init (&tmp);
      sink = g_object_new (FAPILOG_TYPE_MMAP_FILE_SINK,
                           "path", tmp.path,
                           "initial-size", (guint64) 64,
                           "growth-factor", factors[f],
                           "growth-min-bytes", (guint64) 1,
                           NULL);
      pipeline = pipeline_with (settings, sink, recorder, NULL);
      log = fapilog_pipeline_get_logger (pipeline, "grow");

      for (guint round = 0; round < 40; round++)
        {
          g_autoptr(GError) error = NULL;
          guint batch = g_rand_int_range (rand, 1, 60);

          for (guint i = 0; i < batch; i++, n++)
            {
              gsize size = g_rand_int_range (rand, 0, 3) == 0 ? g_rand_int_range (rand, 1000, 20000)
                                                             : g_rand_int_range (rand, 0, 100);
              g_autofree char *payload = g_strnfill (size, 'a' + (char) (n % 26));

              fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "grow", "payload", "s", payload, NULL);
            }
          g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
          g_assert_no_error (error);
        }

      stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
      g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "mmap_file"), ==, n);
      g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "mmap_file"), ==, 0);

      expected = test_sink_dup_lines (recorder);
      lines = read_lines (tmp.path);
      assert_same_lines (lines, expected);
      tmp_dir_clear (&tmp);
    }
}

/* Every sync mode delivers the same file (what each one adds is only
 * visible after a machine crash). */
static void
test_sync_modes (void)
{
  GEnumClass *klass = g_type_class_ref (FAPILOG_TYPE_MMAP_SYNC_MODE);

  for (guint m = 0; m < klass->n_values; m++)
    {
      TmpDir tmp;
      g_autoptr(FapilogSettings) settings = test_settings_new ();
      g_autoptr(FapilogSink) sink = NULL;
      g_autoptr(FapilogSink) recorder = test_sink_new ("rec", TEST_SINK_BATCH);
      g_autoptr(FapilogPipeline) pipeline = NULL;
      g_autoptr(FapilogLogger) log = NULL;
      g_autoptr(FapilogStats) stats = NULL;
      g_autoptr(GPtrArray) expected = NULL;
      g_autoptr(GPtrArray) lines = NULL;

      tmp_dir_init (&tmp);
      sink = g_object_new (FAPILOG_TYPE_MMAP_FILE_SINK,
                           "path", tmp.path,
                           "sync-mode", klass->values[m].value,
                           "sync-interval-ms", 1u,
                           "sync-every-bytes", (guint64) 4096,
                           "flush-on-close", m % 2 == 0,
                           NULL);
      pipeline = pipeline_with (settings, sink, recorder, NULL);
      log = fapilog_pipeline_get_logger (pipeline, klass->values[m].value_nick);
      log_entries (log, klass->values[m].value_nick, 300);
      stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
      g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "mmap_file"), ==, 300);

      expected = test_sink_dup_lines (recorder);
      lines = read_lines (tmp.path);
      assert_same_lines (lines, expected);
      tmp_dir_clear (&tmp);
    }

  g_type_class_unref (klass);
}

/* A path that cannot be opened fails the pipeline's start with an error
 * that names the sink and the file. */
static void
test_start_fails (void)
{
  TmpDir tmp;
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = NULL;
  g_autofree char *path = NULL;

  tmp_dir_init (&tmp);
  /* The parent "directory" is a regular file. */
  blocker = g_build_filename (tmp.dir, "not-a-directory", NULL);
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  path = g_build_filename (blocker, "events.jsonl", NULL);

  sink = fapilog_mmap_file_sink_new (path);
  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_false (fapilog_pipeline_start (pipeline, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START);
  if (strstr (error->message, "mmap_file") == NULL || strstr (error->message, blocker) == NULL)
    g_error ("the error does not name the sink and the file: %s", error->message);
  g_assert_false (fapilog_sink_health_check (sink));

  tmp_dir_clear (&tmp);
}

/* Two sinks on one file would overwrite each other's lines: the second
 * cannot start while the first has the file open. */
static void
test_file_busy (void)
{
  TmpDir tmp;
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) first = NULL;
  g_autoptr(FapilogSink) second = NULL;
  g_autoptr(FapilogPipeline) running = NULL;
  g_autoptr(FapilogPipeline) refused = fapilog_pipeline_new (settings);
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  tmp_dir_init (&tmp);
  first = fapilog_mmap_file_sink_new (tmp.path);
  second = fapilog_mmap_file_sink_new (tmp.path);
  running = pipeline_with (settings, first, NULL);

  fapilog_pipeline_add_sink (refused, second);
  g_assert_false (fapilog_pipeline_start (refused, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START);
  if (strstr (error->message, "already open") == NULL)
    g_error ("the error does not say the file is busy: %s", error->message);
  g_assert_true (fapilog_sink_health_check (first));

  stats = fapilog_pipeline_shutdown (running, 10 * SECOND);
  tmp_dir_clear (&tmp);
}

/* ------------------------------------------------------------------------ */
/* Configured through the environment: fapilog-cat                          */

typedef struct {
  int   status;   /* exit status; the tool must exit, not be killed */
  char *err;
} CatRun;

static void
cat_run_clear (CatRun *run)
{
  g_free (run->err);
}

/* Runs $FAPILOG_CAT with only @env (and PATH) in its environment,
 * feeding it @input from a file: a child that refuses its configuration
 * exits without reading, which through a pipe would be a race between
 * its exit and our write (EPIPE). */
static void
run_cat (const char * const *env,
         const char         *input,
         CatRun             *run)
{
  const char *cat = g_getenv ("FAPILOG_CAT");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) envp = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *in_path = NULL;
  int in_fd;
  const char *path = g_getenv ("PATH");
  g_autofree char *path_var = path != NULL ? g_strconcat ("PATH=", path, NULL) : NULL;

  if (cat == NULL)
    g_error ("FAPILOG_CAT must name the fapilog-cat binary to test");

  if (path_var != NULL)
    g_strv_builder_add (builder, path_var);
  g_strv_builder_addv (builder, (const char **) env);
  envp = g_strv_builder_end (builder);

  in_fd = g_file_open_tmp ("fapilog-mmap-cat-in-XXXXXX", &in_path, &error);
  g_assert_no_error (error);
  close (in_fd);
  g_assert_true (g_file_set_contents (in_path, input, -1, NULL));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, envp);
  g_subprocess_launcher_set_stdin_file_path (launcher, in_path);
  process = g_subprocess_launcher_spawn (launcher, &error, cat, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_unlink (in_path);

  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  run->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
}

static void
assert_cat_lines (const char *path,
                  guint       n)
{
  g_autoptr(GPtrArray) lines = read_lines (path);

  g_assert_cmpuint (lines->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) entry = test_parse_object (g_ptr_array_index (lines, i));
      g_autofree char *message = g_strdup_printf ("line %u", i);

      g_assert_cmpstr (json_object_get_string_member (entry, "message"), ==, message);
      g_assert_cmpstr (json_object_get_string_member (entry, "logger"), ==, "fapilog-cat");
    }
}

/* FAPILOG_CORE__SINKS=mmap_file with the FAPILOG_MMAP__* options selects
 * and configures the sink; a second run appends; a missing path or a bad
 * value is refused with the variable named (exit status 2). */
static void
test_environment (void)
{
  TmpDir tmp;
  g_autofree char *path = NULL;
  g_autofree char *path_var = NULL;
  GString *input = g_string_new (NULL);
  g_autofree char *first_half = NULL;
  CatRun run = { 0, NULL };
  struct stat st;

  tmp_dir_init (&tmp);
  /* A directory that does not exist yet, created on start. */
  path = g_build_filename (tmp.dir, "sub", "cat.jsonl", NULL);
  path_var = g_strconcat ("FAPILOG_MMAP__PATH=", path, NULL);
  for (guint i = 0; i < 400; i++)
    g_string_append_printf (input, "line %u\n", i);
  /* The first 150 lines. */
  first_half = g_strndup (input->str, strstr (input->str, "line 150\n") - input->str);

  {
    const char *env[] = {
      "FAPILOG_CORE__SINKS=mmap_file", path_var,
      "FAPILOG_MMAP__INITIAL_SIZE=1 KB", "FAPILOG_MMAP__GROWTH_FACTOR=1.5",
      "FAPILOG_MMAP__GROWTH_MIN_BYTES=512", "FAPILOG_MMAP__SYNC_MODE=bytes",
      "FAPILOG_MMAP__SYNC_EVERY_BYTES=8 KB", "FAPILOG_MMAP__FILE_MODE=0600",
      "FAPILOG_MMAP__MAX_SIZE=100 MB", NULL,
    };

    run_cat (env, first_half, &run);
    if (run.status != 0)
      g_error ("fapilog-cat exited with %d:\n%s", run.status, run.err);
    cat_run_clear (&run);
    assert_cat_lines (path, 150);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

    /* The whole input again: the file now holds 150 + 400 lines. */
    run_cat (env, input->str, &run);
    g_assert_cmpint (run.status, ==, 0);
    cat_run_clear (&run);
    {
      g_autoptr(GPtrArray) lines = read_lines (path);

      g_assert_cmpuint (lines->len, ==, 550);
    }
  }

  {
    const char *env[] = { "FAPILOG_CORE__SINKS=mmap_file", NULL };

    run_cat (env, "x\n", &run);
    g_assert_cmpint (run.status, ==, 2);
    if (strstr (run.err, "FAPILOG_MMAP__PATH is not set") == NULL)
      g_error ("no clear error without a path:\n%s", run.err);
    cat_run_clear (&run);
  }

  {
    const char *env[] = {
      "FAPILOG_CORE__SINKS=mmap_file", path_var, "FAPILOG_MMAP__GROWTH_FACTOR=1", NULL,
    };

    run_cat (env, "x\n", &run);
    g_assert_cmpint (run.status, ==, 2);
    if (strstr (run.err, "FAPILOG_MMAP__GROWTH_FACTOR: invalid value \"1\"") == NULL)
      g_error ("no clear error for a bad growth factor:\n%s", run.err);
    cat_run_clear (&run);
  }

  /* Neither refused configuration touched the file. */
  {
    g_autoptr(GPtrArray) lines = read_lines (path);

    g_assert_cmpuint (lines->len, ==, 550);
  }

  g_string_free (input, TRUE);
  tmp_dir_clear (&tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mmap-file-sink/properties", test_properties);
  g_test_add_func ("/mmap-file-sink/end-to-end", test_end_to_end);
  g_test_add_func ("/mmap-file-sink/resume", test_resume);
  g_test_add_func ("/mmap-file-sink/resume-after-crash", test_resume_after_crash);
  g_test_add_func ("/mmap-file-sink/max-size", test_max_size);
  g_test_add_func ("/mmap-file-sink/growth", test_growth);
  g_test_add_func ("/mmap-file-sink/sync-modes", test_sync_modes);
  g_test_add_func ("/mmap-file-sink/start-fails", test_start_fails);
  g_test_add_func ("/mmap-file-sink/file-busy", test_file_busy);
  g_test_add_func ("/mmap-file-sink/environment", test_environment);

  return g_test_run ();
}
