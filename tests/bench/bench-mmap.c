/* bench-mmap.c: FapilogMmapPersistence against the rotating_file sink and raw write()
 *
 * N lines (default 1M) of 250 bytes each (newline included) go to one file
 * in a fresh directory, each scenario in a fresh process (this program
 * runs itself again with "--child SCENARIO"):
 *
 *   mmap        fapilog_mmap_persistence_append_line() from one thread,
 *               sync-mode none, the default sizes (1 MiB initial, growth
 *               factor 2); "close" is fapilog_mmap_persistence_close() with
 *               flush-on-close (msync, truncate to the logical size, fsync);
 *   rotating    the rotating_file sink through a pipeline, one producer
 *               thread, lossless block mode (as in bench-throughput), one
 *               file (max-bytes 0: no size rotation), fsync when the file
 *               is closed; "appends" runs from the first log call until
 *               fapilog_pipeline_flush() returned (everything written),
 *               "close" is fapilog_pipeline_shutdown() (stop: fsync,
 *               close). Entries have no fields and a message padded so
 *               that each envelope is 250 bytes too (measured first
 *               through a null sink); where the envelope alone (timestamp,
 *               message id, host, pid, ...) is longer than that, the
 *               message is empty and the lines are a little longer (MB/s
 *               counts the real bytes);
 *   raw-write   the floor: the same lines formatted into a 64 KiB buffer,
 *               written with write() whenever the next line would not fit;
 *               "close" is fsync() and close().
 *
 * The mmap and raw lines are built the same way (a template with a 10-digit
 * sequence number written in place), and that formatting is timed in both.
 * Every scenario ends with its data on disk (fsync), so "total" compares
 * like with like; "appends" is the rate a producer sees.
 *
 * Each scenario runs --runs times (default 3), alternating with the
 * others; its row is the run with the median total time. Figures on a
 * shared or virtual machine vary from run to run (first touches of guest
 * memory, other tenants' I/O); the spread is printed.
 *
 * Peak RSS of the mmap scenario counts the file's pages mapped into the
 * process (page cache, shared with the kernel), about the file's size; it
 * is not heap.
 *
 * Usage: bench-mmap [--lines N] [--runs N] [--dir DIR]
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bench-common.h"

#define LINE_BYTES  250          /* newline included */
#define WRITE_CHUNK (64 * 1024)
#define SEQ_DIGITS  10

static gint64 n_lines = 1000000;
static gint64 n_runs = 3;
static char *files_dir = NULL;

/* ---- the lines ----------------------------------------------------------- */

/* {"seq":"0000000042","level":"INFO","message":"mmmm…m"}\n, 250 bytes. */
typedef struct {
  char  line[LINE_BYTES];
  gsize seq_at;
} LineGen;

static void
line_gen_init (LineGen *g)
{
  static const char head[] = "{\"seq\":\"";
  static const char mid[] = "\",\"level\":\"INFO\",\"message\":\"";
  static const char tail[] = "\"}\n";
  char *p = g->line;

  memcpy (p, head, sizeof head - 1);
  p += sizeof head - 1;
  g->seq_at = p - g->line;
  memset (p, '0', SEQ_DIGITS);
  p += SEQ_DIGITS;
  memcpy (p, mid, sizeof mid - 1);
  p += sizeof mid - 1;
  memset (p, 'm', g->line + LINE_BYTES - (sizeof tail - 1) - p);
  memcpy (g->line + LINE_BYTES - (sizeof tail - 1), tail, sizeof tail - 1);
}

/* Writes @i into the line's sequence field; the line is LINE_BYTES long. */
static inline const char *
line_gen_next (LineGen *g,
               guint64  i)
{
  char *d = g->line + g->seq_at + SEQ_DIGITS;

  for (guint k = 0; k < SEQ_DIGITS; k++)
    {
      *--d = (char) ('0' + i % 10);
      i /= 10;
    }
  return g->line;
}

/* CPU time of the whole process (every thread), in seconds. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static guint64
dir_bytes (const char *path,
           guint      *files)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint64 total = 0;

  *files = 0;
  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_stat (file, &st) == 0 && S_ISREG (st.st_mode))
        {
          total += (guint64) st.st_size;
          (*files)++;
        }
    }
  return total;
}

static void
report_common (guint64 t0,
               guint64 t_appended,
               guint64 t_closed,
               double  cpu0,
               guint64 bytes)
{
  guint files = 0;

  bench_report_double ("append_seconds", (double) (t_appended - t0) / 1e9);
  bench_report_double ("close_seconds", (double) (t_closed - t_appended) / 1e9);
  bench_report_double ("cpu_seconds", cpu_seconds () - cpu0);
  bench_report_u64 ("lines", (guint64) n_lines);
  bench_report_u64 ("bytes", bytes);
  bench_report_u64 ("disk_bytes", dir_bytes (files_dir, &files));
  bench_report_u64 ("files", files);
  bench_report_u64 ("rss_kib", bench_peak_rss_kib ());
  {
    struct rusage usage;

    getrusage (RUSAGE_SELF, &usage);
    bench_report_u64 ("minor_faults", (guint64) usage.ru_minflt);
  }
}

/* ---- scenarios, in the child --------------------------------------------- */

static int
run_mmap (void)
{
  g_autofree char *path = g_build_filename (files_dir, "mmap.jsonl", NULL);
  g_autoptr(FapilogMmapPersistence) p = fapilog_mmap_persistence_new (path);
  g_autoptr(GError) error = NULL;
  LineGen gen;
  guint64 t0, t1, t2, mapped = 0, logical = 0, syncs = 0;
  double cpu0;

  line_gen_init (&gen);
  if (!fapilog_mmap_persistence_open (p, &error))
    {
      g_printerr ("bench-mmap: %s\n", error->message);
      return 1;
    }

  cpu0 = cpu_seconds ();
  t0 = bench_now_ns ();
  for (gint64 i = 0; i < n_lines; i++)
    {
      const char *line = line_gen_next (&gen, (guint64) i);

      if (!fapilog_mmap_persistence_append_line (p, (const guint8 *) line, LINE_BYTES - 1,
                                                 NULL, &error))
        {
          g_printerr ("bench-mmap: %s\n", error->message);
          return 1;
        }
    }
  t1 = bench_now_ns ();
  fapilog_mmap_persistence_get_stats (p, &mapped, &logical, NULL, NULL);
  if (!fapilog_mmap_persistence_close (p, &error))
    {
      g_printerr ("bench-mmap: %s\n", error->message);
      return 1;
    }
  t2 = bench_now_ns ();
  fapilog_mmap_persistence_get_stats (p, NULL, NULL, NULL, &syncs);

  report_common (t0, t1, t2, cpu0, logical);
  bench_report_u64 ("mapped_bytes", mapped);
  bench_report_u64 ("syncs", syncs);
  return 0;
}

/* The serialized size of one entry with an empty message and no fields,
 * through a null sink, so that the message can be padded to LINE_BYTES. */
static gsize
measure_envelope (void)
{
  g_autoptr(FapilogSettings) settings = bench_settings_new (FAPILOG_OVERFLOW_BLOCK, 0, 0);
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);
  g_autoptr(FapilogSink) sink = bench_null_sink_new ();
  g_autoptr(FapilogLogger) logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  fapilog_pipeline_add_sink (pipeline, sink);
  if (!fapilog_pipeline_start (pipeline, &error))
    return 0;
  logger = fapilog_pipeline_get_logger (pipeline, BENCH_LOGGER);
  fapilog_logger_log (logger, FAPILOG_LEVEL_INFO, "", NULL);
  stats = fapilog_pipeline_shutdown (pipeline, -1);
  return (gsize) bench_null_sink_get_bytes (BENCH_NULL_SINK (sink));
}

static int
run_rotating (void)
{
  g_autoptr(FapilogSettings) settings = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogLogger) logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gsize base = measure_envelope ();
  guint64 t0, t1, t2;
  guint files = 0;
  double cpu0;

  if (base == 0)
    {
      g_printerr ("bench-mmap: cannot measure the envelope\n");
      return 1;
    }
  /* Plain ASCII, so one character is one byte of the envelope. */
  message = g_strnfill (base < LINE_BYTES ? LINE_BYTES - base : 0, 'm');

  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", files_dir,
                       "max-bytes", (guint64) 0,
                       "fsync", FAPILOG_FSYNC_ROTATE,
                       NULL);
  settings = bench_settings_new (FAPILOG_OVERFLOW_BLOCK, 0, 0);
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  if (!fapilog_pipeline_start (pipeline, &error))
    {
      g_printerr ("bench-mmap: cannot start the pipeline: %s\n", error->message);
      return 1;
    }
  logger = fapilog_pipeline_get_logger (pipeline, BENCH_LOGGER);

  cpu0 = cpu_seconds ();
  t0 = bench_now_ns ();
  /* Each entry is distinct all the same: its message id is a new UUID. */
  for (gint64 i = 0; i < n_lines; i++)
    fapilog_logger_log (logger, FAPILOG_LEVEL_INFO, message, NULL);
  if (!fapilog_pipeline_flush (pipeline, -1, &error))
    {
      g_printerr ("bench-mmap: flush: %s\n", error->message);
      return 1;
    }
  t1 = bench_now_ns ();
  stats = fapilog_pipeline_shutdown (pipeline, -1);
  t2 = bench_now_ns ();

  report_common (t0, t1, t2, cpu0, dir_bytes (files_dir, &files));
  bench_report_u64 ("envelope_without_message", base);
  bench_report_u64 ("written", fapilog_stats_get_sink_written (stats, "rotating_file"));
  bench_report_u64 ("failed", fapilog_stats_get_sink_failed (stats, "rotating_file"));
  bench_report_u64 ("dropped", fapilog_stats_get_dropped (stats));
  return 0;
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_printerr ("bench-mmap: write: %s\n", g_strerror (errno));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static int
run_raw_write (void)
{
  g_autofree char *path = g_build_filename (files_dir, "raw.jsonl", NULL);
  g_autofree char *buf = g_malloc (WRITE_CHUNK);
  LineGen gen;
  gsize len = 0;
  guint64 bytes = 0, writes = 0, t0, t1, t2;
  double cpu0;
  int fd;

  line_gen_init (&gen);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0)
    {
      g_printerr ("bench-mmap: cannot open %s: %s\n", path, g_strerror (errno));
      return 1;
    }

  cpu0 = cpu_seconds ();
  t0 = bench_now_ns ();
  for (gint64 i = 0; i < n_lines; i++)
    {
      if (len + LINE_BYTES > WRITE_CHUNK)
        {
          if (!write_all (fd, buf, len))
            return 1;
          bytes += len;
          writes++;
          len = 0;
        }
      memcpy (buf + len, line_gen_next (&gen, (guint64) i), LINE_BYTES);
      len += LINE_BYTES;
    }
  if (len > 0)
    {
      if (!write_all (fd, buf, len))
        return 1;
      bytes += len;
      writes++;
    }
  t1 = bench_now_ns ();
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      g_printerr ("bench-mmap: fsync/close %s: %s\n", path, g_strerror (errno));
      return 1;
    }
  t2 = bench_now_ns ();

  report_common (t0, t1, t2, cpu0, bytes);
  bench_report_u64 ("writes", writes);
  return 0;
}

/* ---- the parent ------------------------------------------------------------ */

static void
print_row (const char *label,
           GHashTable *r,
           double      raw_total)
{
  double append_s = bench_result_double (r, "append_seconds");
  double close_s = bench_result_double (r, "close_seconds");
  double lines = (double) bench_result_u64 (r, "lines");
  double bytes = (double) bench_result_u64 (r, "bytes");

  g_print ("%-30s %9.4f %11.0f %9.1f %8.4f %9.4f %9.1f %8.0f %7.2fx %8.1f\n",
           label, append_s, lines / append_s, bytes / append_s / 1e6, close_s,
           append_s + close_s, bytes / (append_s + close_s) / 1e6,
           bench_result_double (r, "cpu_seconds") * 1e9 / lines,
           (append_s + close_s) / raw_total,
           (double) bench_result_u64 (r, "rss_kib") / 1024.0);
}

typedef struct {
  const char *scenario;
  const char *label;
} Scenario;

static double
total_seconds (GHashTable *r)
{
  return bench_result_double (r, "append_seconds") + bench_result_double (r, "close_seconds");
}

static int
compare_total (gconstpointer a,
               gconstpointer b)
{
  double ta = total_seconds (*(GHashTable * const *) a);
  double tb = total_seconds (*(GHashTable * const *) b);

  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

static const Scenario scenarios[] = {
  { "mmap",      "mmap append_line (sync none)" },
  { "rotating",  "rotating_file via pipeline" },
  { "raw-write", "raw write() 64 KiB" },
};

int
main (int   argc,
      char *argv[])
{
  g_autofree char *child_scenario = NULL;   /* GOption gives a copy */
  GOptionEntry entries[] = {
    { "lines", 0, 0, G_OPTION_ARG_INT64, &n_lines, "Lines per scenario (default 1000000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT64, &n_runs, "Runs per scenario; the median is shown (default 3)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &files_dir, "Make the scenarios' directories in DIR (default: a new temporary directory; what is made is removed at the end)", "DIR" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child_scenario, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- FapilogMmapPersistence benchmark");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *lines_arg = NULL;
  g_autofree char *base_dir = NULL;
  GHashTable *results[G_N_ELEMENTS (scenarios)] = { NULL, };
  GPtrArray *runs[G_N_ELEMENTS (scenarios)];
  double spread_min[G_N_ELEMENTS (scenarios)], spread_max[G_N_ELEMENTS (scenarios)];
  gboolean made_base_dir = FALSE;
  GHashTable *mm, *rot, *raw;
  double raw_total;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-mmap: %s\n", error->message);
      return 2;
    }
  if (n_lines < 1 || n_runs < 1 || n_runs > 100)
    {
      g_printerr ("bench-mmap: --lines must be positive, --runs in 1..100\n");
      return 2;
    }

  if (child_scenario != NULL)
    {
      if (files_dir == NULL)
        {
          g_printerr ("bench-mmap: --child needs --dir\n");
          return 2;
        }
      if (strcmp (child_scenario, "mmap") == 0)
        return run_mmap ();
      if (strcmp (child_scenario, "rotating") == 0)
        return run_rotating ();
      if (strcmp (child_scenario, "raw-write") == 0)
        return run_raw_write ();
      g_printerr ("bench-mmap: unknown scenario %s\n", child_scenario);
      return 2;
    }

  envp = bench_clean_environment ();
  lines_arg = g_strdup_printf ("--lines=%" G_GINT64_FORMAT, n_lines);
  if (files_dir != NULL)
    {
      base_dir = g_strdup (files_dir);
      if (g_mkdir_with_parents (base_dir, 0700) != 0)
        {
          g_printerr ("bench-mmap: cannot make %s: %s\n", base_dir, g_strerror (errno));
          return 1;
        }
    }
  else
    {
      base_dir = g_dir_make_tmp ("fapilog-bench-mmap-XXXXXX", &error);
      if (base_dir == NULL)
        {
          g_printerr ("bench-mmap: %s\n", error->message);
          return 1;
        }
      made_base_dir = TRUE;
    }

  /* A fresh directory per run, removed right after it, so that no run's
   * dirty pages are written back during the next one. */
  for (gsize s = 0; s < G_N_ELEMENTS (scenarios); s++)
    runs[s] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  for (gint64 r = 0; r < n_runs; r++)
    for (gsize s = 0; s < G_N_ELEMENTS (scenarios); s++)
      {
        g_autofree char *dir = g_build_filename (base_dir, scenarios[s].scenario, NULL);
        g_autofree char *dir_arg = g_strdup_printf ("--dir=%s", dir);
        const char *args[] = { "--child", scenarios[s].scenario, lines_arg, dir_arg, NULL };
        GHashTable *result;

        if (g_mkdir (dir, 0700) != 0)
          {
            g_printerr ("bench-mmap: cannot make %s: %s\n", dir, g_strerror (errno));
            return 1;
          }
        result = bench_run_child (args, envp);
        bench_remove_dir (dir);
        if (result == NULL)
          return 1;
        g_ptr_array_add (runs[s], result);
      }
  for (gsize s = 0; s < G_N_ELEMENTS (scenarios); s++)
    {
      g_ptr_array_sort (runs[s], compare_total);
      results[s] = g_hash_table_ref (g_ptr_array_index (runs[s], runs[s]->len / 2));
      spread_min[s] = total_seconds (g_ptr_array_index (runs[s], 0));
      spread_max[s] = total_seconds (g_ptr_array_index (runs[s], runs[s]->len - 1));
    }
  mm = results[0];
  rot = results[1];
  raw = results[2];
  raw_total = total_seconds (raw);

  g_print ("FapilogMmapPersistence benchmark: %" G_GINT64_FORMAT " lines of %d bytes, "
           "1 producer thread, one file per scenario\n", n_lines, LINE_BYTES);
  bench_print_machine ();
  g_print ("files in %s (%s); each run in a fresh process and directory; %" G_GINT64_FORMAT
           " run(s) per scenario, the median shown\n\n", base_dir, bench_fs_type_name (base_dir), n_runs);

  g_print ("%-30s %9s %11s %9s %8s %9s %9s %8s %8s %8s\n",
           "scenario", "append s", "appends/s", "MB/s", "close s", "total s", "total MB/s",
           "CPU ns/l", "/raw", "RSS MiB");
  print_row (scenarios[0].label, mm, raw_total);
  print_row (scenarios[1].label, rot, raw_total);
  print_row (scenarios[2].label, raw, raw_total);

  g_print ("\n(append s: producing every line: the loop of appends; for rotating_file until\n"
           " fapilog_pipeline_flush() returned, i.e. all written. close s: mmap close with\n"
           " flush-on-close (msync, truncate, fsync); pipeline shutdown (fsync, close);\n"
           " fsync + close for raw. /raw: total time / raw total. CPU ns/l: user + system\n"
           " CPU of all threads per line, close included)\n");
  for (gsize s = 0; s < G_N_ELEMENTS (scenarios); s++)
    g_print ("%s: total s over the runs %.4f .. %.4f; %" G_GUINT64_FORMAT " minor page faults\n",
             scenarios[s].label, spread_min[s], spread_max[s],
             bench_result_u64 (results[s], "minor_faults"));
  g_print ("mmap: mapping grew to %" G_GUINT64_FORMAT " bytes for %" G_GUINT64_FORMAT
           " bytes of lines; %" G_GUINT64_FORMAT " sync(s) (the close); closed file %"
           G_GUINT64_FORMAT " bytes (%s the lines); peak RSS includes the mapped file pages\n",
           bench_result_u64 (mm, "mapped_bytes"), bench_result_u64 (mm, "bytes"),
           bench_result_u64 (mm, "syncs"), bench_result_u64 (mm, "disk_bytes"),
           bench_result_u64 (mm, "disk_bytes") == (guint64) n_lines * LINE_BYTES ? "=" : "DIFFERENT FROM");
  g_print ("rotating_file: %" G_GUINT64_FORMAT " file(s), %" G_GUINT64_FORMAT " bytes "
           "(%.1f per line; envelope without message %" G_GUINT64_FORMAT
           "); written %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT ", dropped %"
           G_GUINT64_FORMAT "\n",
           bench_result_u64 (rot, "files"), bench_result_u64 (rot, "bytes"),
           (double) bench_result_u64 (rot, "bytes") / (double) n_lines,
           bench_result_u64 (rot, "envelope_without_message"),
           bench_result_u64 (rot, "written"), bench_result_u64 (rot, "failed"),
           bench_result_u64 (rot, "dropped"));
  g_print ("raw write(): %" G_GUINT64_FORMAT " writes, %" G_GUINT64_FORMAT " bytes\n",
           bench_result_u64 (raw, "writes"), bench_result_u64 (raw, "bytes"));

  if (made_base_dir)
    g_rmdir (base_dir);
  for (gsize s = 0; s < G_N_ELEMENTS (scenarios); s++)
    {
      g_hash_table_unref (results[s]);
      g_ptr_array_unref (runs[s]);
    }
  return 0;
}
