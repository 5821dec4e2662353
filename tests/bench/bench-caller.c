/* bench-caller.c: what one fapilog_logger_log() call costs its caller
 *
 * Every call is timed on its own, so the report gives the distribution
 * (p50, p99, p99.9, max) rather than an average that hides the tail. The
 * entry has three fields (a string, an int and a double) and goes to a
 * null sink, so the caller is measured and not the output.
 *
 * Modes, each in a fresh process (this program runs itself again with
 * "--child MODE"), so that one mode's heap and threads cannot colour the
 * next:
 *   drop    drop_newest with a queue large enough for every call (1M), in
 *           a tight loop: the caller never waits for room, but it outruns
 *           the worker, so the queue (and the heap) grows during the run;
 *   paced   drop_newest with the default queue (10000), one call every
 *           2 us (500k/s, below what the worker drains): the cost of a
 *           call in a program that does other work between log calls;
 *   block   lossless block mode (wait forever) with the default queue, in
 *           a tight loop: the caller waits whenever the queue is full, so
 *           the tail shows back-pressure;
 *   gated   a DEBUG call under the default INFO level: the cost of a
 *           disabled call.
 * Each mode also reports the page faults and context switches of the
 * calling thread during the timed calls, the usual causes of a long tail.
 *
 * The clock is clock_gettime (CLOCK_MONOTONIC). On Linux with a TSC
 * clocksource it runs in the vDSO without a system call: about 24 ns per
 * read here (a back-to-back pair differs by 20 ns at the median), against
 * about 19 ns for rdtscp. rdtsc would save ~5 ns per sample but needs
 * calibration against a real clock, an invariant TSC and serialization
 * against out-of-order execution, and it is x86-only; the monotonic clock
 * gives nanoseconds directly on any machine. Its cost is measured in each
 * process (the median of one million back-to-back pairs) and subtracted
 * from every sample; what remains is the call.
 *
 * Usage: bench-caller [--calls N] [--warmup N] [--queue N]
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-common.h"

#define CLOCK_PAIRS 1000000
#define GATED_BULK_CALLS 10000000
#define PACE_NS 2000

static gint64 n_calls = 1000000;
static gint64 n_warmup = -1;        /* -1: enough to wrap the queue's ring once */
static gint64 drop_queue_size = 1000000;

static int
compare_u32 (const void *a,
             const void *b)
{
  guint32 x = *(const guint32 *) a;
  guint32 y = *(const guint32 *) b;

  return (x > y) - (x < y);
}

static guint32
percentile (const guint32 *sorted,
            gsize          n,
            double         p)
{
  gsize index = (gsize) (p * (double) n);

  return sorted[MIN (index, n - 1)];
}

/* The median cost of two back-to-back clock reads, in ns. */
static guint32
measure_clock_overhead (void)
{
  guint32 *pairs = g_new (guint32, CLOCK_PAIRS);
  guint32 median;

  for (guint i = 0; i < CLOCK_PAIRS; i++)
    {
      guint64 t0 = bench_now_ns ();
      guint64 t1 = bench_now_ns ();

      pairs[i] = (guint32) MIN (t1 - t0, G_MAXUINT32);
    }
  qsort (pairs, CLOCK_PAIRS, sizeof (guint32), compare_u32);
  median = pairs[CLOCK_PAIRS / 2];
  g_free (pairs);
  return median;
}

/* Sorts @samples, removes the clock overhead and prints the distribution
 * as "key=value" lines for the parent. */
static void
report_samples (guint32 *samples,
                gsize    n,
                guint32  overhead)
{
  guint64 sum = 0;

  qsort (samples, n, sizeof (guint32), compare_u32);
  for (gsize i = 0; i < n; i++)
    {
      samples[i] = samples[i] > overhead ? samples[i] - overhead : 0;
      sum += samples[i];
    }

  bench_report_u64 ("samples", n);
  bench_report_u64 ("min_ns", samples[0]);
  bench_report_u64 ("p50_ns", percentile (samples, n, 0.50));
  bench_report_u64 ("p90_ns", percentile (samples, n, 0.90));
  bench_report_u64 ("p99_ns", percentile (samples, n, 0.99));
  bench_report_u64 ("p999_ns", percentile (samples, n, 0.999));
  bench_report_u64 ("max_ns", samples[n - 1]);
  bench_report_double ("mean_ns", (double) sum / (double) n);
}

static void
report_stats (FapilogStats *stats)
{
  bench_report_u64 ("submitted", fapilog_stats_get_submitted (stats));
  bench_report_u64 ("dropped", fapilog_stats_get_dropped (stats));
  bench_report_u64 ("processed", fapilog_stats_get_processed (stats));
  bench_report_u64 ("high_watermark", fapilog_stats_get_queue_high_watermark (stats));
}

static int
run_child (const char *mode)
{
  g_autoptr(FapilogSettings) settings = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogLogger) logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  FapilogLevel level = FAPILOG_LEVEL_INFO;
  struct rusage usage_before, usage_after;
  guint64 pace_ns = 0;
  guint32 *samples;
  guint32 overhead;
  gint64 warmup;
  guint queue_size;

  if (strcmp (mode, "drop") == 0)
    {
      queue_size = (guint) drop_queue_size;
      settings = bench_settings_new (FAPILOG_OVERFLOW_DROP_NEWEST, queue_size, 0);
    }
  else if (strcmp (mode, "paced") == 0)
    {
      /* One call every 2 us at most (500k/s): less than the worker drains,
       * so the queue stays short, the heap stops growing and the default
       * queue is enough (a drop would show if it were not). */
      queue_size = 10000;
      settings = bench_settings_new (FAPILOG_OVERFLOW_DROP_NEWEST, queue_size, 0);
      pace_ns = PACE_NS;
    }
  else if (strcmp (mode, "block") == 0)
    {
      queue_size = 10000;
      settings = bench_settings_new (FAPILOG_OVERFLOW_BLOCK, queue_size, 0);
    }
  else if (strcmp (mode, "gated") == 0)
    {
      queue_size = 10000;
      settings = bench_settings_new (FAPILOG_OVERFLOW_DROP_NEWEST, queue_size, 0);
      level = FAPILOG_LEVEL_DEBUG;
    }
  else
    {
      g_printerr ("bench-caller: unknown mode %s\n", mode);
      return 2;
    }

  pipeline = fapilog_pipeline_new (settings);
  sink = bench_null_sink_new ();
  fapilog_pipeline_add_sink (pipeline, sink);
  if (!fapilog_pipeline_start (pipeline, &error))
    {
      g_printerr ("bench-caller: cannot start the pipeline: %s\n", error->message);
      return 1;
    }
  logger = fapilog_pipeline_get_logger (pipeline, BENCH_LOGGER);

  overhead = measure_clock_overhead ();
  bench_report_u64 ("clock_overhead_ns", overhead);
  bench_report_u64 ("queue_size", queue_size);

  /* The queue is a ring of queue_size (+ its protected share) slots that
   * the kernel maps on first touch: the warm-up wraps it once so that no
   * measured call pays a page fault for a slot, and lets the worker and
   * the caches settle. (glibc may still hand freed heap back to the
   * kernel after the flush: a queue that grows again faults it back in,
   * which the report shows as minor faults.) */
  warmup = n_warmup >= 0 ? n_warmup : MAX (50000, (gint64) queue_size + queue_size / 10 + 1000);
  for (gint64 i = 0; i < warmup; i++)
    {
      guint64 t0 = bench_now_ns ();

      bench_log (logger, level, (guint64) i);
      if (pace_ns > 0)
        while (bench_now_ns () - t0 < pace_ns)
          ;
    }
  if (!fapilog_pipeline_flush (pipeline, -1, &error))
    {
      g_printerr ("bench-caller: flush failed: %s\n", error->message);
      return 1;
    }
  bench_report_u64 ("warmup", (guint64) warmup);

  samples = g_new (guint32, n_calls);
  memset (samples, 0, sizeof (guint32) * n_calls);   /* fault the pages in now */

  getrusage (RUSAGE_THREAD, &usage_before);
  for (gint64 i = 0; i < n_calls; i++)
    {
      guint64 t0 = bench_now_ns ();
      guint64 t1;

      bench_log (logger, level, (guint64) i);
      t1 = bench_now_ns ();
      samples[i] = (guint32) MIN (t1 - t0, G_MAXUINT32);
      if (pace_ns > 0)
        while (bench_now_ns () - t0 < pace_ns)
          ;
    }
  getrusage (RUSAGE_THREAD, &usage_after);
  /* Page faults and context switches of the calling thread during the
   * measured calls: the usual causes of a long tail. */
  bench_report_u64 ("minor_faults", usage_after.ru_minflt - usage_before.ru_minflt);
  bench_report_u64 ("voluntary_switches", usage_after.ru_nvcsw - usage_before.ru_nvcsw);
  bench_report_u64 ("involuntary_switches", usage_after.ru_nivcsw - usage_before.ru_nivcsw);

  if (level == FAPILOG_LEVEL_DEBUG)
    {
      /* A disabled call costs less than the clock: time a long run of them
       * with one pair of clock reads as well. */
      guint64 t0 = bench_now_ns ();
      guint64 t1;

      for (guint64 i = 0; i < GATED_BULK_CALLS; i++)
        bench_log (logger, level, i);
      t1 = bench_now_ns ();
      bench_report_double ("bulk_mean_ns", (double) (t1 - t0) / GATED_BULK_CALLS);
    }

  stats = fapilog_pipeline_shutdown (pipeline, -1);
  report_samples (samples, (gsize) n_calls, overhead);
  report_stats (stats);
  g_free (samples);
  return 0;
}

static void
print_row (const char *label,
           GHashTable *r)
{
  g_print ("%-38s %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
           " %8" G_GUINT64_FORMAT " %7.1f %9" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
           " %9" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %5" G_GUINT64_FORMAT
           "/%-5" G_GUINT64_FORMAT "\n",
           label,
           bench_result_u64 (r, "p50_ns"),
           bench_result_u64 (r, "p99_ns"),
           bench_result_u64 (r, "p999_ns"),
           bench_result_u64 (r, "max_ns"),
           bench_result_double (r, "mean_ns"),
           bench_result_u64 (r, "submitted"),
           bench_result_u64 (r, "dropped"),
           bench_result_u64 (r, "high_watermark"),
           bench_result_u64 (r, "minor_faults"),
           bench_result_u64 (r, "voluntary_switches"),
           bench_result_u64 (r, "involuntary_switches"));
}

int
main (int   argc,
      char *argv[])
{
  static const struct {
    const char *mode;
    const char *label;
  } modes[] = {
    { "drop",  "drop_newest, queue" },
    { "paced", "drop_newest paced 1/2us, queue" },
    { "block", "block (lossless), queue" },
    { "gated", "level-gated DEBUG < INFO" },
  };
  const char *child_mode = NULL;
  GOptionEntry entries[] = {
    { "calls", 0, 0, G_OPTION_ARG_INT64, &n_calls, "Measured calls per mode (default 1000000)", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT64, &n_warmup, "Warm-up calls (default: one wrap of the queue)", "N" },
    { "queue", 0, 0, G_OPTION_ARG_INT64, &drop_queue_size, "Queue size in drop mode (default 1000000)", "N" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child_mode, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- fapilog caller benchmark");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *calls_arg = NULL;
  g_autofree char *warmup_arg = NULL;
  g_autofree char *queue_arg = NULL;
  GHashTable *first = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-caller: %s\n", error->message);
      return 2;
    }
  if (n_calls < 1 || drop_queue_size < 1 || drop_queue_size > 100000000)
    {
      g_printerr ("bench-caller: --calls and --queue must be positive\n");
      return 2;
    }

  if (child_mode != NULL)
    return run_child (child_mode);

  envp = bench_clean_environment ();
  calls_arg = g_strdup_printf ("--calls=%" G_GINT64_FORMAT, n_calls);
  warmup_arg = g_strdup_printf ("--warmup=%" G_GINT64_FORMAT, n_warmup);
  queue_arg = g_strdup_printf ("--queue=%" G_GINT64_FORMAT, drop_queue_size);

  g_print ("fapilog caller benchmark: fapilog_logger_log() with 3 fields (s, i, d), null sink\n");
  bench_print_machine ();

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      const char *args[] = { "--child", modes[m].mode, calls_arg, warmup_arg, queue_arg, NULL };
      GHashTable *r = bench_run_child (args, envp);
      g_autofree char *label = NULL;

      if (r == NULL)
        return 1;
      if (first == NULL)
        {
          first = g_hash_table_ref (r);
          g_print ("clock: clock_gettime(CLOCK_MONOTONIC), %" G_GUINT64_FORMAT
                   " ns per back-to-back pair (median), subtracted from every sample\n",
                   bench_result_u64 (r, "clock_overhead_ns"));
          g_print ("calls: %" G_GUINT64_FORMAT " timed one by one per mode, after warm-up; "
                   "each mode in a fresh process\n\n",
                   bench_result_u64 (r, "samples"));
          g_print ("%-38s %6s %6s %7s %8s %7s %9s %8s %9s %8s %11s\n",
                   "mode (ns per call)", "p50", "p99", "p99.9", "max", "mean",
                   "submitted", "dropped", "queue-hwm", "faults", "csw vol/inv");
        }
      if (strcmp (modes[m].mode, "gated") == 0)
        label = g_strdup (modes[m].label);
      else
        label = g_strdup_printf ("%s %" G_GUINT64_FORMAT, modes[m].label,
                                 bench_result_u64 (r, "queue_size"));
      print_row (label, r);
      if (strcmp (modes[m].mode, "gated") == 0)
        g_print ("%-38s %.2f ns per call (mean of %u calls, one clock pair)\n",
                 "level-gated, bulk", bench_result_double (r, "bulk_mean_ns"),
                 GATED_BULK_CALLS);
      g_hash_table_unref (r);
    }

  g_print ("\ntargets: p50 <= 250 ns, p99 <= 2000 ns (drop_newest row)\n");
  g_clear_pointer (&first, g_hash_table_unref);
  return 0;
}
