/* test-pipeline.c: flush, shutdown, fan-out, containment, dispatch
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>
#include <glib-unix.h>

#include "fapilog-test-utils.h"
#include "fapilog-fallback-private.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-sink-private.h"

#define SECOND G_USEC_PER_SEC

/* Every entry ends in exactly one pipeline counter. */
static void
assert_invariant (FapilogStats *stats)
{
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==,
                    fapilog_stats_get_dropped (stats) + fapilog_stats_get_filtered (stats) +
                    fapilog_stats_get_processed (stats) + fapilog_stats_get_unsent (stats) +
                    fapilog_stats_get_queue_depth (stats));
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


static void
test_flush_delivers_everything (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  /* A long batch timeout: only the flush can make the entries move. */
  g_object_set (settings, "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  for (int i = 0; i < 10; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "hello", "i", "i", i, NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);

  lines = test_sink_dup_lines (sink);
  g_assert_cmpuint (lines->len, ==, 10);
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (g_ptr_array_index (lines, i));
      JsonObject *data = json_object_get_object_member (obj, "data");
      g_assert_cmpint (json_object_get_int_member (data, "i"), ==, i);
    }

  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 10);
  g_assert_cmpuint (fapilog_stats_get_processed (stats), ==, 10);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rec"), ==, 10);
  assert_invariant (stats);
}

/* Entries of several loggers and contexts, mixed in one batch, keep their
 * logger and context until they are written, even when the loggers are gone
 * before the batch is made; the worker releases them run by run. */
static void
test_mixed_loggers_and_contexts (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  FapilogLogger *loggers[3];
  /* logger index, correlation id (NULL: none) */
  static const struct { guint logger; const char *corr; } plan[] = {
    { 0, NULL }, { 0, NULL }, { 1, NULL }, { 0, "c1" }, { 2, "c1" },
    { 2, "c2" }, { 1, "c2" }, { 1, NULL }, { 0, NULL }, { 2, "c3" },
  };

  g_object_set (settings, "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  loggers[0] = fapilog_pipeline_get_logger (pipeline, "alpha");
  loggers[1] = fapilog_logger_bind (loggers[0], "bound", "s", "yes", NULL);
  loggers[2] = fapilog_pipeline_get_logger (pipeline, "gamma");

  for (guint i = 0; i < G_N_ELEMENTS (plan); i++)
    {
      if (plan[i].corr != NULL)
        fapilog_context_set_correlation_id (plan[i].corr);
      else
        fapilog_context_clear ();
      fapilog_logger_log (loggers[plan[i].logger], FAPILOG_LEVEL_INFO, "m", "i", "u", i, NULL);
    }
  fapilog_context_clear ();
  for (guint i = 0; i < G_N_ELEMENTS (loggers); i++)
    g_object_unref (loggers[i]);

  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  lines = test_sink_dup_lines (sink);
  g_assert_cmpuint (lines->len, ==, G_N_ELEMENTS (plan));
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (g_ptr_array_index (lines, i));
      JsonObject *context = json_object_get_object_member (obj, "context");
      JsonObject *data = json_object_get_object_member (obj, "data");
      const char *want_logger = plan[i].logger == 2 ? "gamma" : "alpha";

      g_assert_cmpstr (json_object_get_string_member (obj, "logger"), ==, want_logger);
      g_assert_cmpstr (json_object_get_string_member (context, "correlation_id"), ==,
                       plan[i].corr);
      g_assert_cmpint (json_object_get_int_member (data, "i"), ==, i);
      g_assert_cmpint (json_object_has_member (data, "bound"), ==, plan[i].logger == 1);
    }
}

static void
test_flush_empty_and_not_started (void)
{
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (NULL);
  g_autoptr(GError) error = NULL;

  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_false (fapilog_pipeline_flush (pipeline, SECOND, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_NOT_STARTED);
  g_clear_error (&error);

  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_assert_true (fapilog_pipeline_flush (pipeline, SECOND, &error));
  g_assert_no_error (error);

  g_assert_false (fapilog_pipeline_start (pipeline, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_ALREADY_STARTED);
}

static void
test_logged_before_start (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "early");
  g_autoptr(GError) error = NULL;

  fapilog_pipeline_add_sink (pipeline, sink);
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "before start", NULL);
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_cmpuint (test_sink_get_n_received (sink), ==, 1);
}

typedef struct {
  GMainLoop *loop;
  gboolean   ok;
  GError    *error;
} AsyncResult;

static void
on_flushed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->ok = fapilog_pipeline_flush_finish (FAPILOG_PIPELINE (source), result, &r->error);
  g_main_loop_quit (r->loop);
}

static void
test_flush_async (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  AsyncResult r = { 0 };

  g_object_set (settings, "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (int i = 0; i < 50; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_WARNING, "async", NULL);

  r.loop = g_main_loop_new (NULL, FALSE);
  fapilog_pipeline_flush_async (pipeline, -1, NULL, on_flushed, &r);
  g_main_loop_run (r.loop);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpuint (test_sink_get_n_received (sink), ==, 50);
  g_main_loop_unref (r.loop);
}

static void
test_flush_async_timeout_and_cancel (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("stuck", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FapilogStats) stats = NULL;
  AsyncResult r = { 0 };
  TestCapture capture;
  g_autofree char *fallback = NULL;

  test_capture_begin (&capture);
  test_sink_set_hang (sink, TRUE);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "never written", NULL);

  r.loop = g_main_loop_new (NULL, FALSE);
  fapilog_pipeline_flush_async (pipeline, 50 * G_TIME_SPAN_MILLISECOND, NULL, on_flushed, &r);
  g_main_loop_run (r.loop);
  g_assert_false (r.ok);
  g_assert_error (r.error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_TIMED_OUT);
  g_clear_error (&r.error);

  fapilog_pipeline_flush_async (pipeline, -1, cancellable, on_flushed, &r);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (r.loop);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_main_loop_unref (r.loop);

  /* The hung write is failed at the shutdown deadline and reaches the
   * fallback, so the entry is not silently lost. */
  stats = fapilog_pipeline_shutdown (pipeline, 100 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "stuck"), ==, 1);
  assert_invariant (stats);
  fallback = test_capture_end (&capture);
  g_assert_nonnull (strstr (fallback, "never written"));
}

static void
test_shutdown_stats_and_after (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = pipeline_with (settings, sink, NULL);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(FapilogStats) after = NULL;
  g_autoptr(FapilogStats) again = NULL;
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 1000; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "drained", NULL);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 1000);
  g_assert_cmpuint (fapilog_stats_get_processed (stats), ==, 1000);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "rec"), ==, 1000);
  g_assert_cmpuint (fapilog_stats_get_unsent (stats), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_queue_depth (stats), ==, 0);
  g_assert_true (test_sink_get_started (sink));
  g_assert_true (test_sink_get_stopped (sink));
  assert_invariant (stats);

  /* No silent restart: later entries are dropped and counted. */
  fapilog_logger_log (log, FAPILOG_LEVEL_ERROR, "too late", NULL);
  after = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_dropped (after), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_submitted (after), ==, 1001);
  g_assert_cmpuint (test_sink_get_n_received (sink), ==, 1000);
  assert_invariant (after);

  g_assert_false (fapilog_pipeline_flush (pipeline, SECOND, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (fapilog_pipeline_start (pipeline, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_CLOSED);

  again = fapilog_pipeline_shutdown (pipeline, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (again, "rec"), ==, 1000);
}

static void
test_shutdown_deadline_unsent (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("slow", TEST_SINK_ENTRY);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  TestCapture capture;
  g_autofree char *fallback = NULL;
  guint64 failed, written;

  /* 20 ms per entry, 1000 entries, 200 ms deadline: most cannot make it. */
  g_object_set (settings, "batch-max-size", 10, NULL);
  test_capture_begin (&capture);
  test_sink_set_delay_ms (sink, 20);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (int i = 0; i < 1000; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "deadline", NULL);

  stats = fapilog_pipeline_shutdown (pipeline, 200 * G_TIME_SPAN_MILLISECOND);
  fallback = test_capture_end (&capture);
  written = fapilog_stats_get_sink_written (stats, "slow");
  failed = fapilog_stats_get_sink_failed (stats, "slow");
  assert_invariant (stats);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 1000);
  g_assert_cmpuint (fapilog_stats_get_queue_depth (stats), ==, 0);
  g_assert_cmpuint (written, <, 1000);
  /* Handed to the sink: written or failed, nothing in between. */
  g_assert_cmpuint (written + failed, ==, fapilog_stats_get_processed (stats));
  g_assert_cmpuint (fapilog_stats_get_unsent (stats) + fapilog_stats_get_processed (stats), ==, 1000);
  g_assert_true (test_sink_get_stopped (sink));
}

static void
test_failing_sink_isolated (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) bad = test_sink_new ("bad", TEST_SINK_BATCH);
  g_autoptr(FapilogSink) good = test_sink_new ("good", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fallback_lines = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;

  test_capture_begin (&capture);
  test_sink_set_fail (bad, TRUE);
  pipeline = pipeline_with (settings, bad, good, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (int i = 0; i < 100; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "fan-out", "password", "s", "hunter2",
                        "n", "i", i, NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  stats = fapilog_pipeline_get_stats (pipeline);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "good"), ==, 100);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "good"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "bad"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "bad"), ==, 100);
  g_assert_cmpuint (test_sink_get_n_received (good), ==, 100);
  assert_invariant (stats);
  g_assert_false (fapilog_pipeline_is_healthy (pipeline));

  /* Every failed entry reached the fallback, masked. */
  fallback_lines = g_strsplit (g_strstrip (fallback), "\n", -1);
  g_assert_cmpuint (g_strv_length (fallback_lines), ==, 100);
  for (guint i = 0; fallback_lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (fallback_lines[i]);
      JsonObject *data = json_object_get_object_member (obj, "data");
      g_assert_cmpstr (json_object_get_string_member (data, "password"), ==, "***");
      g_assert_cmpint (json_object_get_int_member (data, "n"), ==, i);
    }
  g_assert_null (strstr (fallback, "hunter2"));

  /* The sink recovers: the next write succeeds and health comes back. */
  test_sink_set_fail (bad, FALSE);
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "recovered", NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_cmpuint (test_sink_get_n_received (bad), ==, 1);
  g_assert_true (fapilog_pipeline_is_healthy (pipeline));
}

/* A batch write that fails after its first entries were written: those
 * count as written, only the rest as failed, and only the rest go to the
 * fallback. Every entry ends up in exactly one of the two places. */
static void
test_partial_failure (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) part = test_sink_new ("part", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) taken = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_auto(GStrv) fallback_lines = NULL;
  g_autofree char *fallback = NULL;
  const guint n = 200;
  guint64 written, failed;
  TestCapture capture;

  test_capture_begin (&capture);
  g_object_set (settings, "batch-max-size", 10, NULL);
  test_sink_set_fail (part, TRUE);
  test_sink_set_fail_after (part, 3);
  pipeline = pipeline_with (settings, part, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (guint i = 0; i < n; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "partial", "i", "i", (gint) i, NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_get_stats (pipeline);
  fallback = test_capture_end (&capture);

  written = fapilog_stats_get_sink_written (stats, "part");
  failed = fapilog_stats_get_sink_failed (stats, "part");
  taken = test_sink_dup_lines (part);
  g_assert_cmpuint (written, >, 0);
  g_assert_cmpuint (failed, >, 0);
  g_assert_cmpuint (written + failed, ==, n);
  g_assert_cmpuint (taken->len, ==, written);
  assert_invariant (stats);

  fallback_lines = g_strsplit (g_strstrip (fallback), "\n", -1);
  g_assert_cmpuint (g_strv_length (fallback_lines), ==, failed);
  for (guint i = 0; i < taken->len + failed; i++)
    {
      const char *line = i < taken->len ? g_ptr_array_index (taken, i)
                                        : fallback_lines[i - taken->len];
      g_autoptr(JsonObject) obj = test_parse_object (line);
      JsonObject *data = json_object_get_object_member (obj, "data");
      gint64 value = json_object_get_int_member (data, "i");

      g_assert_cmpint (value, >=, 0);
      g_assert_cmpint (value, <, n);
      g_assert_true (g_hash_table_add (seen, GINT_TO_POINTER ((gint) value + 1)));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);
}

static void
test_slow_sink_isolated (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) slow = test_sink_new ("slow", TEST_SINK_ENTRY);
  g_autoptr(FapilogSink) fast = test_sink_new ("fast", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL;
  gint64 start, elapsed;
  TestCapture capture;

  /* The slow sink takes 200 ms per entry: 50 entries would take 10 s. */
  test_capture_begin (&capture);
  test_sink_set_delay_ms (slow, 200);
  pipeline = pipeline_with (settings, slow, fast, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  start = g_get_monotonic_time ();
  for (int i = 0; i < 50; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "isolated", NULL);
  g_assert_true (test_sink_wait_for (fast, 50, 5 * SECOND));
  elapsed = g_get_monotonic_time () - start;
  /* The fast sink got everything long before the slow one could have. */
  g_assert_cmpint (elapsed, <, 2 * SECOND);
  g_assert_cmpuint (test_sink_get_n_received (slow), <, 50);

  stats = fapilog_pipeline_shutdown (pipeline, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "fast"), ==, 50);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "slow") +
                    fapilog_stats_get_sink_failed (stats, "slow"), ==, 50);
  assert_invariant (stats);
  fallback = test_capture_end (&capture);
  g_assert_nonnull (strstr (fallback, "isolated"));
}

static void
test_backlog_overflow_counted (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) stuck = test_sink_new ("stuck", TEST_SINK_BATCH);
  g_autoptr(FapilogSink) good = test_sink_new ("good", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  TestCapture capture;
  g_autofree char *fallback = NULL;

  /* A backlog of 100 entries behind a sink that never answers. */
  g_object_set (settings, "sink-backlog-size", 100, "batch-max-size", 10, NULL);
  test_capture_begin (&capture);
  test_sink_set_hang (stuck, TRUE);
  pipeline = pipeline_with (settings, stuck, good, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (int i = 0; i < 500; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "overflow", NULL);
  g_assert_true (test_sink_wait_for (good, 500, 10 * SECOND));

  /* "stuck" comes first in the fan-out, so its overflow for a batch is
   * counted before "good" receives that batch: by now it is all there.
   * One batch in flight (10) plus a full backlog (100); the rest failed at
   * once, for this sink only. */
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "stuck"), >=, 500 - 110);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "good"), ==, 0);
  g_clear_pointer (&stats, fapilog_stats_unref);

  stats = fapilog_pipeline_shutdown (pipeline, 100 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "good"), ==, 500);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "stuck"), ==, 500);
  assert_invariant (stats);
  fallback = test_capture_end (&capture);
  g_assert_nonnull (strstr (fallback, "overflow"));
}

/* Lossless block mode: a slow sink slows the callers down instead of
 * losing entries, even when a batch is larger than the sink's backlog. */
static void
test_block_backpressure_through_slow_sink (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) slow = test_sink_new ("slow", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;

  g_object_set (settings,
                "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                "backpressure-wait-ms", -1,
                "max-queue-size", 50,
                "batch-max-size", 40,
                "sink-backlog-size", 30,
                NULL);
  test_sink_set_delay_ms (slow, 2);
  pipeline = pipeline_with (settings, slow, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (int i = 0; i < 2000; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "lossless", "i", "i", i, NULL);

  stats = fapilog_pipeline_shutdown (pipeline, -1);
  g_assert_cmpuint (fapilog_stats_get_dropped (stats), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "slow"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "slow"), ==, 2000);
  g_assert_cmpuint (test_sink_get_n_received (slow), ==, 2000);
  assert_invariant (stats);
}

/* A batch sink that lags behind gets the batches waiting for it merged
 * into one write: fewer, larger writes, every entry once and in order, the
 * counts right, and flush still sees every entry as done. */
static void
test_slow_batch_sink_coalesced (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) slow = test_sink_new ("slow", TEST_SINK_BATCH);
  g_autoptr(FapilogSink) fast = test_sink_new ("fast", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  const guint n = 10000;

  g_object_set (settings,
                "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                "backpressure-wait-ms", -1,
                "max-queue-size", 2000,
                "batch-max-size", 10,
                "sink-backlog-size", 20000,
                NULL);
  test_sink_set_delay_ms (slow, 20);
  pipeline = pipeline_with (settings, slow, fast, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (guint i = 0; i < n; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "merged", "i", "i", (gint) i, NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 60 * SECOND, &error));
  g_assert_no_error (error);

  /* Flush returned: everything reached both sinks already. */
  g_assert_cmpuint (test_sink_get_n_received (slow), ==, n);
  g_assert_cmpuint (test_sink_get_n_received (fast), ==, n);

  /* 1000 batches of 10 at 20 ms each would take 20 s; merged, the slow
   * sink needs a handful of writes, each within the merge bound. */
  g_assert_cmpuint (test_sink_get_max_batch (slow), >, 10);
  g_assert_cmpuint (test_sink_get_max_batch (slow), <=, 4096);
  g_assert_cmpuint (test_sink_get_calls (slow, TEST_SINK_BATCH), <, n / 10);
  g_assert_true (test_sink_get_batch_data_ok (slow));
  g_assert_true (test_sink_get_batch_data_ok (fast));

  lines = test_sink_dup_lines (slow);
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (g_ptr_array_index (lines, i));
      JsonObject *data = json_object_get_object_member (obj, "data");
      g_assert_cmpint (json_object_get_int_member (data, "i"), ==, (gint64) i);
    }

  stats = fapilog_pipeline_shutdown (pipeline, -1);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "slow"), ==, n);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "slow"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "fast"), ==, n);
  g_assert_cmpuint (fapilog_stats_get_dropped (stats), ==, 0);
  assert_invariant (stats);
}

/* A failing sink that lags: its merged writes fail as a whole, and every
 * entry of every merged batch reaches the fallback exactly once, in order. */
static void
test_failing_sink_coalesced (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) bad = test_sink_new ("bad", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fallback_lines = NULL;
  g_autofree char *fallback = NULL;
  const guint n = 1000;
  TestCapture capture;

  test_capture_begin (&capture);
  g_object_set (settings,
                "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                "backpressure-wait-ms", -1,
                "batch-max-size", 10,
                NULL);
  test_sink_set_fail (bad, TRUE);
  test_sink_set_delay_ms (bad, 20);
  pipeline = pipeline_with (settings, bad, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (guint i = 0; i < n; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "merged-fail", "i", "i", (gint) i, NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 60 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_shutdown (pipeline, -1);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (test_sink_get_max_batch (bad), >, 10);
  g_assert_cmpuint (test_sink_get_calls (bad, TEST_SINK_BATCH), <, n / 10);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "bad"), ==, n);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "bad"), ==, 0);
  assert_invariant (stats);

  fallback_lines = g_strsplit (g_strstrip (fallback), "\n", -1);
  g_assert_cmpuint (g_strv_length (fallback_lines), ==, n);
  for (guint i = 0; fallback_lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (fallback_lines[i]);
      JsonObject *data = json_object_get_object_member (obj, "data");
      g_assert_cmpint (json_object_get_int_member (data, "i"), ==, (gint64) i);
    }
}

static void
test_write_timeout (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) hung = test_sink_new ("hung", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  TestCapture capture;
  g_autofree char *fallback = NULL;

  g_object_set (settings, "sink-write-timeout-seconds", 0.1, NULL);
  test_capture_begin (&capture);
  test_sink_set_hang (hung, TRUE);
  pipeline = pipeline_with (settings, hung, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "first", NULL);
  /* The flush completes because the hung write is failed at its timeout. */
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);

  /* The sink answers again; the late completion of the first write is
   * ignored and the next write goes through. */
  test_sink_set_hang (hung, FALSE);
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "second", NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));

  stats = fapilog_pipeline_shutdown (pipeline, SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "hung"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "hung"), ==, 1);
  fallback = test_capture_end (&capture);
  g_assert_nonnull (strstr (fallback, "\"first\""));
  g_assert_null (strstr (fallback, "\"second\""));
}

/* ---- a sink that queues its writes: two batch writes in flight ---------- */

#define QUEUED_N 3000

/* Logs QUEUED_N entries ("i" = 0, 1, …) in batches of 10 while @held
 * holds every write it gets, and returns once the fan-out has handed every
 * batch to every sink: @fast (added last, completing at once) has them
 * all, so the fan-out has also offered each one to the sinks before it. */
static void
log_while_held (FapilogPipeline *pipeline,
                FapilogSink     *fast)
{
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");

  for (guint i = 0; i < QUEUED_N; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "queued", "i", "i", (gint) i, NULL);
  g_assert_true (test_sink_wait_for (fast, QUEUED_N, 60 * SECOND));
}

static FapilogSettings *
queued_settings_new (void)
{
  FapilogSettings *settings = test_settings_new ();

  g_object_set (settings,
                "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                "backpressure-wait-ms", -1,
                "batch-max-size", 10,
                "sink-backlog-size", 20000,
                NULL);
  return settings;
}

/* @lines are JSON entries whose "i" runs first, first + 1, … */
static void
assert_consecutive (GPtrArray *lines,
                    guint      first)
{
  for (guint k = 0; k < lines->len; k++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (g_ptr_array_index (lines, k));
      JsonObject *data = json_object_get_object_member (obj, "data");

      g_assert_cmpint (json_object_get_int_member (data, "i"), ==, (gint64) (first + k));
    }
}

/* The captured fallback holds the run's entries 0 … @n - 1, in order, once
 * each (and diagnostics, which are skipped). */
static void
assert_fallback_holds_first (const char *fallback,
                             guint       n)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) split = g_strsplit (fallback, "\n", -1);

  for (guint k = 0; split[k] != NULL; k++)
    if (split[k][0] == '{' && strstr (split[k], "\"message\":\"queued\"") != NULL)
      g_ptr_array_add (lines, g_strdup (split[k]));
  g_assert_cmpuint (lines->len, ==, n);
  assert_consecutive (lines, 0);
}

/* A test sink that says it queues its writes, and holds every write. */
static FapilogSink *
held_queued_sink_new (void)
{
  FapilogSink *sink = test_sink_new ("queued", TEST_SINK_BATCH);

  _fapilog_sink_set_queues_writes (sink, TRUE);
  test_sink_set_hang (sink, TRUE);
  return sink;
}

static void
test_queued_writes_two_in_flight (void)
{
  g_autoptr(FapilogSettings) settings = queued_settings_new ();
  g_autoptr(FapilogSink) queued = held_queued_sink_new ();
  g_autoptr(FapilogSink) plain = test_sink_new ("plain", TEST_SINK_BATCH);
  g_autoptr(FapilogSink) fast = test_sink_new ("fast", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint taken;

  test_sink_set_hang (plain, TRUE);
  pipeline = pipeline_with (settings, queued, plain, fast, NULL);
  log_while_held (pipeline, fast);

  /* The sink that queues got a second write once enough waited behind
   * the first, and no third; the other sink never more than one. */
  g_assert_cmpuint (test_sink_get_n_hung (queued), ==, 2);
  g_assert_cmpuint (test_sink_get_n_hung (plain), ==, 1);
  taken = test_sink_get_n_received (queued);
  g_assert_cmpuint (taken, >, 1024);
  g_assert_cmpuint (taken, <, QUEUED_N);
  g_assert_cmpuint (test_sink_get_calls (queued, TEST_SINK_BATCH), ==, 2);
  g_assert_cmpuint (test_sink_get_calls (plain, TEST_SINK_BATCH), ==, 1);

  /* The other sink catches up. The first queued write ends: the next one
   * takes the rest and waits behind the second. With nothing left
   * waiting, a flush still does not count the two held writes as done. */
  test_sink_set_hang (plain, FALSE);
  test_sink_release_hung (plain, G_MAXUINT, NULL);
  test_sink_release_hung (queued, 1, NULL);
  g_assert_true (test_sink_wait_for (queued, QUEUED_N, 60 * SECOND));
  g_assert_cmpuint (test_sink_get_n_hung (queued), ==, 2);
  g_assert_false (fapilog_pipeline_flush (pipeline, 200 * G_TIME_SPAN_MILLISECOND, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_TIMED_OUT);
  g_clear_error (&error);

  test_sink_set_hang (queued, FALSE);
  test_sink_release_hung (queued, G_MAXUINT, NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 60 * SECOND, &error));
  g_assert_no_error (error);

  lines = test_sink_dup_lines (queued);
  g_assert_cmpuint (lines->len, ==, QUEUED_N);
  assert_consecutive (lines, 0);
  g_assert_true (test_sink_get_batch_data_ok (queued));
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = test_sink_dup_lines (plain);
  g_assert_cmpuint (lines->len, ==, QUEUED_N);
  assert_consecutive (lines, 0);

  stats = fapilog_pipeline_shutdown (pipeline, -1);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "queued"), ==, QUEUED_N);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "queued"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "plain"), ==, QUEUED_N);
  assert_invariant (stats);
}

/* Both writes in flight fail: each one's entries are failed and sent to
 * the fallback once, in order; the writes after them succeed. */
static void
test_queued_writes_fail (void)
{
  g_autoptr(FapilogSettings) settings = queued_settings_new ();
  g_autoptr(FapilogSink) queued = held_queued_sink_new ();
  g_autoptr(FapilogSink) fast = test_sink_new ("fast", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) write_error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                                               "disk said no");
  g_autofree char *fallback = NULL;
  TestCapture capture;
  guint taken;

  test_capture_begin (&capture);
  pipeline = pipeline_with (settings, queued, fast, NULL);
  log_while_held (pipeline, fast);
  g_assert_cmpuint (test_sink_get_n_hung (queued), ==, 2);
  taken = test_sink_get_n_received (queued);

  test_sink_set_hang (queued, FALSE);
  test_sink_release_hung (queued, G_MAXUINT, write_error);
  g_assert_true (fapilog_pipeline_flush (pipeline, 60 * SECOND, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_shutdown (pipeline, -1);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "queued"), ==, taken);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "queued"), ==, QUEUED_N - taken);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "fast"), ==, QUEUED_N);
  assert_invariant (stats);

  assert_fallback_holds_first (fallback, taken);
}

/* Both writes in flight time out; the fan-out goes on with the next ones
 * (which time out too), and every entry is failed once, in order. */
static void
test_queued_writes_timeout (void)
{
  g_autoptr(FapilogSettings) settings = queued_settings_new ();
  g_autoptr(FapilogSink) queued = held_queued_sink_new ();
  g_autoptr(FapilogSink) fast = test_sink_new ("fast", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;

  g_object_set (settings, "sink-write-timeout-seconds", 0.2, NULL);
  test_capture_begin (&capture);
  pipeline = pipeline_with (settings, queued, fast, NULL);
  log_while_held (pipeline, fast);
  g_assert_true (fapilog_pipeline_flush (pipeline, 60 * SECOND, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (test_sink_get_calls (queued, TEST_SINK_BATCH), >=, 2);
  stats = fapilog_pipeline_shutdown (pipeline, SECOND);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "queued"), ==, QUEUED_N);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "queued"), ==, 0);
  assert_invariant (stats);

  assert_fallback_holds_first (fallback, QUEUED_N);
}

static void
test_dispatch_preference (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSettings) no_serialize = test_settings_new ();
  g_autoptr(FapilogSink) all = test_sink_new ("all", TEST_SINK_BATCH | TEST_SINK_SERIALIZED | TEST_SINK_ENTRY);
  g_autoptr(FapilogSink) ser = test_sink_new ("ser", TEST_SINK_SERIALIZED | TEST_SINK_ENTRY);
  g_autoptr(FapilogSink) ent = test_sink_new ("ent", TEST_SINK_ENTRY);
  g_autoptr(FapilogSink) ser2 = test_sink_new ("ser2", TEST_SINK_SERIALIZED | TEST_SINK_ENTRY);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogPipeline) pipeline2 = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogLogger) log2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;

  pipeline = pipeline_with (settings, all, ser, ent, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  for (int i = 0; i < 5; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "dispatch", "i", "i", i, NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));

  g_assert_cmpuint (test_sink_get_calls (all, TEST_SINK_BATCH), >=, 1);
  g_assert_cmpuint (test_sink_get_calls (all, TEST_SINK_SERIALIZED), ==, 0);
  g_assert_cmpuint (test_sink_get_calls (all, TEST_SINK_ENTRY), ==, 0);
  g_assert_cmpuint (test_sink_get_calls (ser, TEST_SINK_SERIALIZED), ==, 5);
  g_assert_cmpuint (test_sink_get_calls (ser, TEST_SINK_ENTRY), ==, 0);
  g_assert_cmpuint (test_sink_get_calls (ent, TEST_SINK_ENTRY), ==, 5);

  /* Every path carries the same entries in the same order. */
  a = test_sink_dup_lines (all);
  b = test_sink_dup_lines (ser);
  c = test_sink_dup_lines (ent);
  g_assert_cmpuint (a->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      /* Same bytes on the batch and the serialized paths: serialized once. */
      g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
      g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (c, i));
    }

  /* Without serialize-in-flush, a sink that also has write gets write. */
  g_object_set (no_serialize, "serialize-in-flush", FALSE, NULL);
  pipeline2 = pipeline_with (no_serialize, ser2, NULL);
  log2 = fapilog_pipeline_get_logger (pipeline2, "app");
  fapilog_logger_log (log2, FAPILOG_LEVEL_INFO, "plain", NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline2, 10 * SECOND, &error));
  g_assert_cmpuint (test_sink_get_calls (ser2, TEST_SINK_ENTRY), ==, 1);
  g_assert_cmpuint (test_sink_get_calls (ser2, TEST_SINK_SERIALIZED), ==, 0);
}

static void
test_start_failure_and_stop_order (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) one = test_sink_new ("order-one", TEST_SINK_BATCH);
  g_autoptr(FapilogSink) two = test_sink_new ("order-two", TEST_SINK_BATCH);
  g_autoptr(FapilogSink) refuses = test_sink_new ("refuses", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);
  g_autoptr(FapilogPipeline) pipeline2 = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GError) error = NULL;

  test_sink_set_fail_start (refuses, TRUE);
  fapilog_pipeline_add_sink (pipeline, one);
  fapilog_pipeline_add_sink (pipeline, refuses);
  g_assert_false (fapilog_pipeline_start (pipeline, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START);
  g_assert_nonnull (strstr (error->message, "refuses"));
  /* What did start was stopped again. */
  g_assert_true (test_sink_get_started (one));
  g_assert_true (test_sink_get_stopped (one));
  g_clear_object (&pipeline);

  pipeline2 = pipeline_with (settings, one, two, NULL);
  stats = fapilog_pipeline_shutdown (pipeline2, SECOND);
  order = test_sink_stop_order ();
  g_assert_cmpuint (order->len, >=, 3);
  g_assert_cmpstr (g_ptr_array_index (order, order->len - 2), ==, "order-two");
  g_assert_cmpstr (g_ptr_array_index (order, order->len - 1), ==, "order-one");
}

typedef struct {
  FapilogPipeline *pipeline;
  gint             refused;
  gint             calls;
} FlushFromSink;

static void
flush_from_sink (gpointer sink,
                 gpointer user_data)
{
  FlushFromSink *state = user_data;
  GError *error = NULL;

  g_atomic_int_inc (&state->calls);
  if (!fapilog_pipeline_flush (state->pipeline, SECOND, &error) &&
      g_error_matches (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_WOULD_DEADLOCK))
    g_atomic_int_inc (&state->refused);
  g_clear_error (&error);
}

/* A sink that calls flush from its own write, on the worker thread, gets
 * an error instead of a deadlock. */
static void
test_flush_from_worker_refused (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = pipeline_with (settings, sink, NULL);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "x");
  g_autoptr(GError) error = NULL;
  FlushFromSink state = { pipeline, 0, 0 };

  test_sink_set_write_hook (sink, flush_from_sink, &state);
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "x", NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&state.calls), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&state.refused), ==, 1);
  test_sink_set_write_hook (sink, NULL, NULL);
}

typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean finalized;
  gpointer pipeline;   /* the last reference, dropped by the sink */
} LastRef;

static void
drop_last_ref_from_sink (gpointer sink,
                         gpointer user_data)
{
  LastRef *state = user_data;

  g_clear_object (&state->pipeline);
}

static void
on_pipeline_finalized (gpointer  user_data,
                       GObject  *where_the_object_was)
{
  LastRef *state = user_data;

  g_mutex_lock (&state->lock);
  state->finalized = TRUE;
  g_cond_signal (&state->cond);
  g_mutex_unlock (&state->lock);
}

/* A sink that drops the last reference to its pipeline, on the worker
 * thread: the pipeline must still shut down cleanly (and not free itself
 * under its own worker). */
static void
test_last_ref_dropped_on_worker (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("holder", TEST_SINK_BATCH);
  FapilogPipeline *pipeline = pipeline_with (settings, sink, NULL);
  FapilogLogger *log = fapilog_pipeline_get_logger (pipeline, "x");
  gint64 deadline = g_get_monotonic_time () + 10 * SECOND;
  LastRef state = { 0 };

  g_mutex_init (&state.lock);
  g_cond_init (&state.cond);
  g_object_weak_ref (G_OBJECT (pipeline), on_pipeline_finalized, &state);
  state.pipeline = pipeline;   /* takes over the test's reference */
  test_sink_set_write_hook (sink, drop_last_ref_from_sink, &state);

  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "the last words", NULL);
  g_object_unref (log);

  g_mutex_lock (&state.lock);
  while (!state.finalized)
    if (!g_cond_wait_until (&state.cond, &state.lock, deadline))
      break;
  g_mutex_unlock (&state.lock);
  g_assert_true (state.finalized);
  g_assert_cmpuint (test_sink_get_n_received (sink), ==, 1);
  g_assert_true (test_sink_get_stopped (sink));
  test_sink_set_write_hook (sink, NULL, NULL);
  g_mutex_clear (&state.lock);
  g_cond_clear (&state.cond);
}

static void
test_level_gate_live (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = pipeline_with (settings, sink, NULL);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  fapilog_logger_log (log, FAPILOG_LEVEL_DEBUG, "hidden", NULL);
  g_assert_false (fapilog_logger_is_enabled (log, FAPILOG_LEVEL_DEBUG));
  fapilog_pipeline_set_level (pipeline, FAPILOG_LEVEL_DEBUG);
  g_assert_true (fapilog_logger_is_enabled (log, FAPILOG_LEVEL_DEBUG));
  fapilog_logger_log (log, FAPILOG_LEVEL_DEBUG, "shown", NULL);
  fapilog_pipeline_set_level (pipeline, FAPILOG_LEVEL_ERROR);
  fapilog_logger_log (log, FAPILOG_LEVEL_WARNING, "hidden too", NULL);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));

  stats = fapilog_pipeline_get_stats (pipeline);
  /* Below the gate is not even submitted. */
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 1);
  g_assert_cmpuint (test_sink_get_n_received (sink), ==, 1);
}

static void
test_configured_sinks (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  const char *bad[] = { "stdout_json", "no-such-sink", NULL };
  const char *good[] = { "Stdout-JSON", NULL };

  g_object_set (settings, "sinks", bad, NULL);
  pipeline = fapilog_pipeline_new (settings);
  g_assert_false (fapilog_pipeline_add_configured_sinks (pipeline, &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_UNKNOWN_SINK);
  /* Names are normalized when configured ('-' becomes '_'). */
  g_assert_nonnull (strstr (error->message, "no_such_sink"));
  g_assert_nonnull (strstr (error->message, "stdout_json"));
  g_clear_error (&error);
  g_clear_object (&pipeline);

  g_object_set (settings, "sinks", good, NULL);
  pipeline = fapilog_pipeline_new (settings);
  g_assert_true (fapilog_pipeline_add_configured_sinks (pipeline, &error));
  g_assert_no_error (error);
  stats = fapilog_pipeline_get_stats (pipeline);
  names = fapilog_stats_get_sink_names (stats);
  g_assert_cmpstrv (names, ((const char * const[]) { "stdout_json", NULL }));
}

/* ---- buffering sinks ------------------------------------------------------ */

/* Holds what it accepts until flushed or stopped, like a sink with its own
 * batching. With fail_odd, entries whose "i" field is odd fail on delivery.
 * With hang_stop, stop holds on until its cancellable fires (the deadline)
 * and then reports what it held as failed. */
#define TEST_TYPE_BUF_SINK (test_buf_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestBufSink, test_buf_sink, TEST, BUF_SINK, GObject)

struct _TestBufSink {
  GObject    parent_instance;
  GPtrArray *held;        /* FapilogBatch*, each held whole */
  gboolean   fail_odd;
  gboolean   hang_stop;
  guint      delivered;   /* atomic */
  guint      flushes;     /* atomic */
  GTask     *stop_task;
};

static void test_buf_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestBufSink, test_buf_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK, test_buf_sink_iface_init))

enum { BUF_PROP_0, BUF_PROP_NAME };

static void
test_buf_sink_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  g_value_set_string (value, "buf");
}

static void
test_buf_sink_finalize (GObject *object)
{
  TestBufSink *self = TEST_BUF_SINK (object);

  g_ptr_array_unref (self->held);
  g_clear_object (&self->stop_task);
  G_OBJECT_CLASS (test_buf_sink_parent_class)->finalize (object);
}

static void
test_buf_sink_class_init (TestBufSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_buf_sink_get_property;
  object_class->finalize = test_buf_sink_finalize;
  g_object_class_override_property (object_class, BUF_PROP_NAME, "name");
}

static void
test_buf_sink_init (TestBufSink *self)
{
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) fapilog_batch_unref);
}

/* Reports every held entry: delivered, or failed if asked to. */
static void
buf_sink_release (TestBufSink *self,
                  const GError *shutdown_error)
{
  for (guint b = 0; b < self->held->len; b++)
    {
      FapilogBatch *batch = g_ptr_array_index (self->held, b);
      guint n = fapilog_batch_get_n_entries (batch);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GVariant) v = fapilog_entry_lookup (fapilog_batch_get_entry (batch, i), "data.i");
          gboolean odd = v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_INT64) &&
                         (g_variant_get_int64 (v) % 2) != 0;

          if (shutdown_error != NULL)
            fapilog_sink_report_failed (FAPILOG_SINK (self), batch, i, 1, shutdown_error);
          else if (self->fail_odd && odd)
            {
              g_autoptr(GError) error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_HTTP_STATUS,
                                                     "odd entries are refused");
              fapilog_sink_report_failed (FAPILOG_SINK (self), batch, i, 1, error);
            }
          else
            {
              fapilog_sink_report_delivered (FAPILOG_SINK (self), 1);
              g_atomic_int_inc (&self->delivered);
            }
        }
    }
  g_ptr_array_set_size (self->held, 0);
}

static void
buf_sink_write_batch_async (FapilogSink *sink, FapilogBatch *batch, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  TestBufSink *self = TEST_BUF_SINK (sink);
  g_autoptr(GTask) task = g_task_new (sink, cancellable, callback, user_data);

  g_ptr_array_add (self->held, fapilog_batch_ref (batch));
  g_task_return_boolean (task, TRUE);
}

static gboolean
buf_sink_finish (FapilogSink *sink, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
buf_sink_release_in_idle (gpointer user_data)
{
  GTask *task = user_data;
  TestBufSink *self = g_task_get_source_object (task);

  buf_sink_release (self, NULL);
  g_atomic_int_inc (&self->flushes);
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

static void
buf_sink_flush_async (FapilogSink *sink, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (sink, cancellable, callback, user_data);
  GSource *idle = g_idle_source_new ();

  /* Later, from the worker's main context, as a network sink would. */
  g_source_set_callback (idle, buf_sink_release_in_idle, task, g_object_unref);
  g_source_attach (idle, g_main_context_get_thread_default ());
  g_source_unref (idle);
}

static void
buf_sink_on_stop_cancelled (GCancellable *cancellable, gpointer user_data)
{
  TestBufSink *self = user_data;
  g_autoptr(GError) error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_SHUTDOWN,
                                         "shutdown deadline passed before delivery");
  GTask *task = g_steal_pointer (&self->stop_task);

  buf_sink_release (self, error);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
buf_sink_stop_async (FapilogSink *sink, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  TestBufSink *self = TEST_BUF_SINK (sink);
  GTask *task = g_task_new (sink, cancellable, callback, user_data);

  if (!self->hang_stop)
    {
      buf_sink_release (self, NULL);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_assert_nonnull (cancellable);
  self->stop_task = task;
  g_cancellable_connect (cancellable, G_CALLBACK (buf_sink_on_stop_cancelled), self, NULL);
}

static void
test_buf_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->write_batch_async = buf_sink_write_batch_async;
  iface->write_batch_finish = buf_sink_finish;
  iface->flush_async = buf_sink_flush_async;
  iface->flush_finish = buf_sink_finish;
  iface->stop_async = buf_sink_stop_async;
  iface->stop_finish = buf_sink_finish;
}

static void
log_numbered (FapilogLogger *log, int n)
{
  for (int i = 0; i < n; i++)
    fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "held", "i", "i", i, NULL);
}

static void
test_buffering_flush_waits_for_delivery (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(TestBufSink) sink = g_object_new (TEST_TYPE_BUF_SINK, NULL);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_sink_is_buffering (FAPILOG_SINK (sink)));
  pipeline = pipeline_with (settings, FAPILOG_SINK (sink), NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  log_numbered (log, 50);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  /* The sink only lets go of entries when it is flushed: the pipeline's
   * flush must have asked, and waited for the reports. */
  g_assert_cmpuint (g_atomic_int_get (&sink->delivered), ==, 50);
  g_assert_cmpuint (g_atomic_int_get (&sink->flushes), >=, 1);
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "buf"), ==, 50);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "buf"), ==, 0);
  g_clear_pointer (&stats, fapilog_stats_unref);

  /* A flush with nothing new does not need another round to complete, and a
   * second batch is delivered by the next flush. */
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  log_numbered (log, 10);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  g_assert_cmpuint (g_atomic_int_get (&sink->delivered), ==, 60);
  stats = fapilog_pipeline_shutdown (pipeline, 5 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "buf"), ==, 60);
  assert_invariant (stats);
}

static void
on_flush_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_pipeline_flush_finish (FAPILOG_PIPELINE (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_buffering_flush_async (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(TestBufSink) sink = g_object_new (TEST_TYPE_BUF_SINK, NULL);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  gboolean done = FALSE;

  pipeline = pipeline_with (settings, FAPILOG_SINK (sink), NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_numbered (log, 20);
  fapilog_pipeline_flush_async (pipeline, 10 * SECOND, NULL, on_flush_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_atomic_int_get (&sink->delivered), ==, 20);
}

static void
test_buffering_failures_counted (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(TestBufSink) sink = g_object_new (TEST_TYPE_BUF_SINK, NULL);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fallback_lines = NULL;
  g_autofree char *fallback = NULL;
  TestCapture capture;

  sink->fail_odd = TRUE;
  test_capture_begin (&capture);
  pipeline = pipeline_with (settings, FAPILOG_SINK (sink), NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_numbered (log, 40);
  g_assert_true (fapilog_pipeline_flush (pipeline, 10 * SECOND, &error));
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_false (fapilog_pipeline_is_healthy (pipeline));
  g_clear_object (&pipeline);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "buf"), ==, 20);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "buf"), ==, 20);
  /* Each failed entry reached the fallback: the odd ones, in order. */
  fallback_lines = g_strsplit (g_strstrip (fallback), "\n", -1);
  g_assert_cmpuint (g_strv_length (fallback_lines), ==, 20);
  for (guint k = 0; fallback_lines[k] != NULL; k++)
    {
      g_autoptr(JsonObject) obj = test_parse_object (fallback_lines[k]);
      JsonObject *data = json_object_get_object_member (obj, "data");
      g_assert_cmpint (json_object_get_int_member (data, "i"), ==, 2 * k + 1);
    }
}

static void
test_buffering_stop_delivers (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(TestBufSink) sink = g_object_new (TEST_TYPE_BUF_SINK, NULL);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;

  pipeline = pipeline_with (settings, FAPILOG_SINK (sink), NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_numbered (log, 30);
  /* No flush: the stop alone must hand over what the sink holds. */
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (g_atomic_int_get (&sink->flushes), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "buf"), ==, 30);
  g_assert_cmpuint (g_atomic_int_get (&sink->delivered), ==, 30);
  assert_invariant (stats);
}

static void
test_buffering_stop_deadline (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(TestBufSink) sink = g_object_new (TEST_TYPE_BUF_SINK, NULL);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL;
  g_auto(GStrv) fallback_lines = NULL;
  gint64 start;
  TestCapture capture;

  sink->hang_stop = TRUE;
  test_capture_begin (&capture);
  pipeline = pipeline_with (settings, FAPILOG_SINK (sink), NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_numbered (log, 25);
  start = g_get_monotonic_time ();
  stats = fapilog_pipeline_shutdown (pipeline, SECOND / 5);
  /* The deadline, plus the fanout's grace for stops, not more. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * SECOND);
  fallback = test_capture_end (&capture);

  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "buf"), ==, 0);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "buf"), ==, 25);
  g_assert_cmpuint (fapilog_stats_get_processed (stats), ==, 25);
  /* The failed entries are not lost: they went to the fallback. */
  fallback_lines = g_strsplit (g_strstrip (fallback), "\n", -1);
  g_assert_cmpuint (g_strv_length (fallback_lines), ==, 25);
  assert_invariant (stats);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipeline/flush-delivers-everything", test_flush_delivers_everything);
  g_test_add_func ("/pipeline/mixed-loggers-and-contexts", test_mixed_loggers_and_contexts);
  g_test_add_func ("/pipeline/flush-empty-and-not-started", test_flush_empty_and_not_started);
  g_test_add_func ("/pipeline/logged-before-start", test_logged_before_start);
  g_test_add_func ("/pipeline/flush-async", test_flush_async);
  g_test_add_func ("/pipeline/flush-async-timeout-and-cancel", test_flush_async_timeout_and_cancel);
  g_test_add_func ("/pipeline/shutdown-stats-and-after", test_shutdown_stats_and_after);
  g_test_add_func ("/pipeline/shutdown-deadline-unsent", test_shutdown_deadline_unsent);
  g_test_add_func ("/pipeline/failing-sink-isolated", test_failing_sink_isolated);
  g_test_add_func ("/pipeline/partial-failure", test_partial_failure);
  g_test_add_func ("/pipeline/slow-sink-isolated", test_slow_sink_isolated);
  g_test_add_func ("/pipeline/backlog-overflow-counted", test_backlog_overflow_counted);
  g_test_add_func ("/pipeline/block-backpressure-through-slow-sink", test_block_backpressure_through_slow_sink);
  g_test_add_func ("/pipeline/slow-batch-sink-coalesced", test_slow_batch_sink_coalesced);
  g_test_add_func ("/pipeline/failing-sink-coalesced", test_failing_sink_coalesced);
  g_test_add_func ("/pipeline/write-timeout", test_write_timeout);
  g_test_add_func ("/pipeline/queued-writes/two-in-flight", test_queued_writes_two_in_flight);
  g_test_add_func ("/pipeline/queued-writes/fail", test_queued_writes_fail);
  g_test_add_func ("/pipeline/queued-writes/timeout", test_queued_writes_timeout);
  g_test_add_func ("/pipeline/dispatch-preference", test_dispatch_preference);
  g_test_add_func ("/pipeline/start-failure-and-stop-order", test_start_failure_and_stop_order);
  g_test_add_func ("/pipeline/flush-from-worker-refused", test_flush_from_worker_refused);
  g_test_add_func ("/pipeline/last-ref-dropped-on-worker", test_last_ref_dropped_on_worker);
  g_test_add_func ("/pipeline/level-gate-live", test_level_gate_live);
  g_test_add_func ("/pipeline/configured-sinks", test_configured_sinks);
  g_test_add_func ("/pipeline/buffering/flush-waits-for-delivery", test_buffering_flush_waits_for_delivery);
  g_test_add_func ("/pipeline/buffering/flush-async", test_buffering_flush_async);
  g_test_add_func ("/pipeline/buffering/failures-counted", test_buffering_failures_counted);
  g_test_add_func ("/pipeline/buffering/stop-delivers", test_buffering_stop_delivers);
  g_test_add_func ("/pipeline/buffering/stop-deadline", test_buffering_stop_deadline);

  return g_test_run ();
}
