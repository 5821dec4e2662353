/* bench-common.h: helpers shared by the benchmark programs
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <time.h>

#include <fapilog/fapilog.h>

G_BEGIN_DECLS

/* The message and the three fields (a string, an int and a double) every
 * benchmark logs, so that all figures describe the same entry shape. */
#define BENCH_MESSAGE  "request served"
#define BENCH_LOGGER   "bench"
#define BENCH_KEY_S    "user"
#define BENCH_KEY_I    "attempt"
#define BENCH_KEY_D    "elapsed_ms"

/* The values of the i-th entry: four user names of equal length, the loop
 * counter, and a double with an exact short decimal form. */
const char  *bench_value_s              (guint64      i);
#define bench_value_i(i) ((gint32) ((i) & G_MAXINT32))
#define bench_value_d(i) ((double) ((i) % 1000) * 0.125 + 0.5)

/* Logs entry @i through @logger at @level with the three fields. */
#define bench_log(logger, level, i) \
  fapilog_logger_log ((logger), (level), BENCH_MESSAGE, \
                      BENCH_KEY_S, "s", bench_value_s (i), \
                      BENCH_KEY_I, "i", bench_value_i (i), \
                      BENCH_KEY_D, "d", bench_value_d (i), \
                      NULL)

/* CLOCK_MONOTONIC in nanoseconds; through the vDSO on Linux, no syscall. */
static inline guint64
bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

/* A sink that accepts every batch at once and only counts what it got:
 * what remains of a run with it is the pipeline's own cost. */
#define BENCH_TYPE_NULL_SINK (bench_null_sink_get_type ())
G_DECLARE_FINAL_TYPE (BenchNullSink, bench_null_sink, BENCH, NULL_SINK, GObject)

FapilogSink *bench_null_sink_new           (void);
guint64      bench_null_sink_get_entries   (BenchNullSink *self);
guint64      bench_null_sink_get_bytes     (BenchNullSink *self);
/* The first line the sink received (without its newline), or NULL. */
const char  *bench_null_sink_get_first_line (BenchNullSink *self);

/* Settings for a benchmark pipeline: the given overflow policy (block waits
 * forever, i.e. lossless), queue size (0 keeps the default) and batch size
 * (0 keeps the default). Internal diagnostics stay on so drops are seen. */
FapilogSettings *bench_settings_new        (FapilogOverflowPolicy policy,
                                            guint                 max_queue_size,
                                            guint                 batch_max_size);

/* Peak resident set size of this process so far, in KiB. */
guint64      bench_peak_rss_kib            (void);

/* Removes the files in @path and then @path (one level: the benchmarks
 * make no subdirectories). */
void         bench_remove_dir              (const char  *path);

/* A short name of the file system type @path is on ("ext2/3/4", "tmpfs",
 * ...), for the report. */
const char  *bench_fs_type_name            (const char  *path);

/* Prints the machine lines every benchmark report starts with. */
void         bench_print_machine           (void);

/* Warns on stderr about environment variables that distort the figures
 * (MALLOC_CHECK_, MALLOC_PERTURB_, FAPILOG_*) and returns an environment
 * without them, for the child processes. */
char       **bench_clean_environment       (void);

/* Runs this program again ("/proc/self/exe") with @args, in a fresh
 * process with @envp, and parses the "key=value" lines it prints on
 * standard output. Returns NULL (with a message on stderr) if the child
 * failed. */
GHashTable  *bench_run_child               (const char * const *args,
                                            char              **envp);

/* Typed lookups in what bench_run_child() returned; 0 when missing. */
double       bench_result_double           (GHashTable  *result,
                                            const char  *key);
guint64      bench_result_u64              (GHashTable  *result,
                                            const char  *key);

/* Prints "key=value" for a child's report. */
void         bench_report_u64              (const char  *key,
                                            guint64      value);
void         bench_report_double           (const char  *key,
                                            double       value);
void         bench_report_string           (const char  *key,
                                            const char  *value);

G_END_DECLS
