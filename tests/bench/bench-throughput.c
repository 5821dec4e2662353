/* bench-throughput.c: end-to-end throughput, a raw write() baseline and peak RSS
 *
 * One producer thread (or --producers P threads, each its share) logs N
 * entries (default 1M) with three fields (a
 * string, an int and a double) in lossless block mode (wait forever), and
 * the clock runs from the first log call until fapilog_pipeline_shutdown()
 * returns, i.e. until every entry has been serialized and written. Each
 * scenario runs in a fresh process (this program runs itself again with
 * "--child SCENARIO"), so the peak RSS (getrusage ru_maxrss) belongs to one
 * scenario alone:
 *
 *   stdout       fapilog to the stdout_json sink on a descriptor opened on
 *                /dev/null (one write per batch);
 *   null         fapilog to a null sink that completes each batch at once
 *                (the pipeline's own cost: capture, queue, serialization);
 *   raw-write    the raw baseline: the same lines, serialized beforehand
 *                into memory by a hand-written formatter (not timed), then
 *                written to /dev/null with write() calls of up to 64 KiB
 *                (timed): the floor set by the system calls alone;
 *   raw-format   a hand-written synchronous logger: read the clock, format
 *                the same line into a 64 KiB buffer, write() it to
 *                /dev/null when full; all of it timed. This is what a
 *                program would spend without any logging library.
 *
 * Then the rotating_file sink, each scenario in a fresh directory under a
 * temporary directory (--dir; removed at the end), with the sink's default
 * max-bytes (10 MiB, so 1M entries rotate about 30 times):
 *
 *   raw-write          again, written to a regular file in that temporary
 *                      directory: the baseline of the file scenarios;
 *   rotating           fsync never, no compression (the throughput figure);
 *   rotating-gzip      fsync never, rotated files gzipped;
 *   rotating-fsync     fsync rotate (the sink's default), no compression;
 *   rotating-gzip-fsync fsync rotate, rotated files gzipped.
 *
 * The clock of the file scenarios also stops when fapilog_pipeline_shutdown()
 * returns; the sink's stop waits for pending compressions, so with gzip
 * the time includes compressing every rotated file (the last file, closed
 * by the stop, is never rotated and stays uncompressed).
 *
 * The hand-written formatter produces the same bytes as fapilog's
 * envelope (same keys, order, escaping, number formats); both first lines
 * are printed so that this can be checked by eye.
 *
 * With several producers the threads are started first and released
 * together; they share the logger and so the pipeline's one queue, which
 * is what the figures then measure.
 *
 * Usage: bench-throughput [--entries N] [--producers P] [--batch N] [--queue N]
 *                         [--output FILE] [--dir DIR]
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

#define WRITE_CHUNK (64 * 1024)
#define MAX_LINE 1024

static gint64 n_entries = 1000000;
static gint64 batch_max_size = 0;      /* 0: the default (256) */
static gint64 max_queue_size = 0;      /* 0: the default (10000) */
static gint64 n_producers = 1;
static char *output_path = NULL;       /* NULL: /dev/null */
/* The parent makes one directory per file scenario in it (NULL: a new
 * temporary directory); a child writes its files straight into it. */
static char *files_dir = NULL;

typedef struct {
  const char         *scenario;  /* the child's name */
  const char         *label;
  gboolean            compress;
  FapilogFsyncPolicy  fsync;
} FileScenario;

static const FileScenario file_scenarios[] = {
  { "rotating",            "rotating_file",               FALSE, FAPILOG_FSYNC_NEVER },
  { "rotating-gzip",       "rotating_file + gzip",        TRUE,  FAPILOG_FSYNC_NEVER },
  { "rotating-fsync",      "rotating_file, fsync rotate", FALSE, FAPILOG_FSYNC_ROTATE },
  { "rotating-gzip-fsync", "rotating_file + gzip, fsync", TRUE,  FAPILOG_FSYNC_ROTATE },
};

/* ---- a hand-written formatter for the raw baselines ---------------------- */

typedef struct {
  char    *prefix;          /* ,"diagnostics":{...}, up to "data" */
  gsize    prefix_len;
  guint64  rng[2];
  gint64   cached_sec;
  char     cached_text[20];
} RawFormatter;

static void
raw_formatter_init (RawFormatter *self)
{
  const char *env = g_getenv ("FAPILOG_ENV");

  if (env == NULL)
    env = g_getenv ("ENV");
  if (env == NULL)
    env = "dev";
  /* The values are plain ASCII here, so they need no escaping. */
  self->prefix = g_strdup_printf ("},\"diagnostics\":{\"service\":\"fapilog\",\"env\":\"%s\","
                                  "\"host\":\"%s\",\"pid\":%d},\"data\":{",
                                  env, g_get_host_name (), (int) getpid ());
  self->prefix_len = strlen (self->prefix);
  self->rng[0] = g_random_int () | ((guint64) g_random_int () << 32);
  self->rng[1] = g_random_int () | ((guint64) g_random_int () << 32) | 1;
  self->cached_sec = G_MININT64;
}

static void
raw_formatter_clear (RawFormatter *self)
{
  g_free (self->prefix);
}

static inline char *
put_literal (char       *p,
             const char *s,
             gsize       len)
{
  memcpy (p, s, len);
  return p + len;
}
#define PUT(p, lit) put_literal ((p), (lit), sizeof (lit) - 1)

/* A JSON string: quotes, escapes for '"', '\\' and control characters,
 * and U+FFFD for bytes that are not UTF-8. */
static char *
put_string (char       *p,
            const char *s,
            gsize       len)
{
  static const char hex[] = "0123456789abcdef";
  const char *end = s + len;

  *p++ = '"';
  while (s < end)
    {
      guchar c = (guchar) *s;

      if (G_LIKELY (c >= 0x20 && c < 0x80 && c != '"' && c != '\\'))
        {
          *p++ = (char) c;
          s++;
        }
      else if (c < 0x80)
        {
          *p++ = '\\';
          switch (c)
            {
            case '"': *p++ = '"'; break;
            case '\\': *p++ = '\\'; break;
            case '\n': *p++ = 'n'; break;
            case '\r': *p++ = 'r'; break;
            case '\t': *p++ = 't'; break;
            default:
              p = PUT (p, "u00");
              *p++ = hex[c >> 4];
              *p++ = hex[c & 15];
            }
          s++;
        }
      else
        {
          gunichar u = g_utf8_get_char_validated (s, end - s);

          if (u == (gunichar) -1 || u == (gunichar) -2)
            {
              p = PUT (p, "\xef\xbf\xbd");
              s++;
            }
          else
            {
              const char *next = g_utf8_next_char (s);

              p = put_literal (p, s, next - s);
              s = next;
            }
        }
    }
  *p++ = '"';
  return p;
}

static char *
put_u64 (char    *p,
         guint64  v)
{
  char tmp[24];
  char *t = tmp + sizeof tmp;

  do
    {
      *--t = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  return put_literal (p, t, tmp + sizeof tmp - t);
}

static char *
put_i64 (char   *p,
         gint64  v)
{
  if (v < 0)
    {
      *p++ = '-';
      return put_u64 (p, (guint64) 0 - (guint64) v);
    }
  return put_u64 (p, (guint64) v);
}

/* The shortest decimal form for values with at most three decimals (the
 * benchmark's doubles all have one); anything else through %.17g. */
static char *
put_double (char   *p,
            double  v)
{
  double scaled = v * 1000.0;

  if (v > -1e12 && v < 1e12 && scaled == (double) (gint64) scaled)
    {
      gint64 m = (gint64) scaled;
      guint64 a = m < 0 ? (guint64) -m : (guint64) m;
      guint frac = (guint) (a % 1000);

      if (m < 0)
        *p++ = '-';
      p = put_u64 (p, a / 1000);
      *p++ = '.';
      if (frac == 0)
        *p++ = '0';
      else
        {
          *p++ = (char) ('0' + frac / 100);
          if (frac % 100 != 0)
            {
              *p++ = (char) ('0' + (frac / 10) % 10);
              if (frac % 10 != 0)
                *p++ = (char) ('0' + frac % 10);
            }
        }
      return p;
    }
  else
    {
      char tmp[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (tmp, sizeof tmp, "%.17g", v);
      return put_literal (p, tmp, strlen (tmp));
    }
}

static inline void
put2 (char *p,
      int   v)
{
  p[0] = (char) ('0' + v / 10);
  p[1] = (char) ('0' + v % 10);
}

static char *
put_timestamp (RawFormatter *self,
               char         *p,
               gint64        us)
{
  gint64 sec = us / G_USEC_PER_SEC;
  int ms = (int) ((us % G_USEC_PER_SEC) / 1000);

  if (sec != self->cached_sec)
    {
      time_t t = (time_t) sec;
      struct tm tm;
      int year;

      gmtime_r (&t, &tm);
      year = tm.tm_year + 1900;
      put2 (self->cached_text, year / 100);
      put2 (self->cached_text + 2, year % 100);
      self->cached_text[4] = '-';
      put2 (self->cached_text + 5, tm.tm_mon + 1);
      self->cached_text[7] = '-';
      put2 (self->cached_text + 8, tm.tm_mday);
      self->cached_text[10] = 'T';
      put2 (self->cached_text + 11, tm.tm_hour);
      self->cached_text[13] = ':';
      put2 (self->cached_text + 14, tm.tm_min);
      self->cached_text[16] = ':';
      put2 (self->cached_text + 17, MIN (tm.tm_sec, 59));
      self->cached_sec = sec;
    }
  p = put_literal (p, self->cached_text, 19);
  *p++ = '.';
  *p++ = (char) ('0' + ms / 100);
  *p++ = (char) ('0' + (ms / 10) % 10);
  *p++ = (char) ('0' + ms % 10);
  *p++ = 'Z';
  return p;
}

static char *
put_uuid4 (RawFormatter *self,
           char         *p)
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];

  for (guint half = 0; half < 2; half++)
    {
      /* xorshift128+ */
      guint64 s1 = self->rng[0];
      const guint64 s0 = self->rng[1];
      guint64 r;

      self->rng[0] = s0;
      s1 ^= s1 << 23;
      self->rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
      r = self->rng[1] + s0;
      memcpy (bytes + half * 8, &r, 8);
    }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *p++ = '-';
      *p++ = hex[bytes[i] >> 4];
      *p++ = hex[bytes[i] & 15];
    }
  return p;
}

/* Formats entry @i logged at @timestamp_us into @out (MAX_LINE bytes at
 * least; the benchmark's lines are about 310) and returns its length,
 * newline included. */
static gsize
raw_format_line (RawFormatter *self,
                 char         *out,
                 guint64       i,
                 gint64        timestamp_us)
{
  const char *user = bench_value_s (i);
  char *p = out;

  p = PUT (p, "{\"timestamp\":\"");
  p = put_timestamp (self, p, timestamp_us);
  p = PUT (p, "\",\"level\":");
  p = put_string (p, "INFO", 4);
  p = PUT (p, ",\"message\":");
  p = put_string (p, BENCH_MESSAGE, sizeof (BENCH_MESSAGE) - 1);
  p = PUT (p, ",\"logger\":");
  p = put_string (p, BENCH_LOGGER, sizeof (BENCH_LOGGER) - 1);
  p = PUT (p, ",\"context\":{\"message_id\":\"");
  p = put_uuid4 (self, p);
  p = PUT (p, "\",\"correlation_id\":null");
  p = put_literal (p, self->prefix, self->prefix_len);
  p = put_string (p, BENCH_KEY_S, sizeof (BENCH_KEY_S) - 1);
  *p++ = ':';
  p = put_string (p, user, strlen (user));
  *p++ = ',';
  p = put_string (p, BENCH_KEY_I, sizeof (BENCH_KEY_I) - 1);
  *p++ = ':';
  p = put_i64 (p, bench_value_i (i));
  *p++ = ',';
  p = put_string (p, BENCH_KEY_D, sizeof (BENCH_KEY_D) - 1);
  *p++ = ':';
  p = put_double (p, bench_value_d (i));
  p = PUT (p, "}}\n");
  return p - out;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR || errno == EAGAIN)
            continue;
          g_printerr ("bench-throughput: write: %s\n", g_strerror (errno));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static const char *
output_name (void)
{
  return output_path != NULL ? output_path : "/dev/null";
}

/* /dev/null, or the file given with --output, emptied first. */
static int
open_output (void)
{
  int fd = open (output_name (), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

  if (fd < 0)
    g_printerr ("bench-throughput: cannot open %s: %s\n", output_name (), g_strerror (errno));
  return fd;
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

/* ---- scenarios, in the child ----------------------------------------------- */

typedef struct {
  FapilogLogger *logger;
  guint64        first;   /* entry numbers [first, end) */
  guint64        end;
  GMutex        *lock;    /* the start gate */
  GCond         *cond;
  gboolean      *open;
} Producer;

static gpointer
run_producer (gpointer data)
{
  Producer *p = data;

  g_mutex_lock (p->lock);
  while (!*p->open)
    g_cond_wait (p->cond, p->lock);
  g_mutex_unlock (p->lock);

  for (guint64 i = p->first; i < p->end; i++)
    bench_log (p->logger, FAPILOG_LEVEL_INFO, i);
  return NULL;
}

/* Logs entries 0 … N-1 from --producers threads, each a contiguous share,
 * all released at once; returns when every thread has logged its share. */
static void
log_from_threads (FapilogLogger *logger)
{
  GMutex lock;
  GCond cond;
  gboolean open = FALSE;
  Producer *producers = g_new0 (Producer, n_producers);
  GThread **threads = g_new0 (GThread *, n_producers);
  guint64 share = (guint64) n_entries / (guint64) n_producers;

  g_mutex_init (&lock);
  g_cond_init (&cond);
  for (gint64 t = 0; t < n_producers; t++)
    {
      producers[t].logger = logger;
      producers[t].first = (guint64) t * share;
      /* The last thread also takes what does not divide evenly. */
      producers[t].end = t + 1 == n_producers ? (guint64) n_entries : (guint64) (t + 1) * share;
      producers[t].lock = &lock;
      producers[t].cond = &cond;
      producers[t].open = &open;
      threads[t] = g_thread_new ("producer", run_producer, &producers[t]);
    }
  g_mutex_lock (&lock);
  open = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);
  for (gint64 t = 0; t < n_producers; t++)
    g_thread_join (threads[t]);
  g_mutex_clear (&lock);
  g_cond_clear (&cond);
  g_free (threads);
  g_free (producers);
}

/* Logs the N entries through a new pipeline writing to @sink, shuts it
 * down and reports the figures every fapilog scenario shares. */
static gboolean
run_pipeline (FapilogSink *sink)
{
  g_autoptr(FapilogSettings) settings = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  const char *sink_name = fapilog_sink_get_name (sink);
  guint64 t0, t_logged, t1;
  double cpu0;

  settings = bench_settings_new (FAPILOG_OVERFLOW_BLOCK, (guint) max_queue_size,
                                 (guint) batch_max_size);
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  if (!fapilog_pipeline_start (pipeline, &error))
    {
      g_printerr ("bench-throughput: cannot start the pipeline: %s\n", error->message);
      return FALSE;
    }
  logger = fapilog_pipeline_get_logger (pipeline, BENCH_LOGGER);
  bench_report_u64 ("rss_start_kib", bench_peak_rss_kib ());

  cpu0 = cpu_seconds ();
  t0 = bench_now_ns ();
  if (n_producers == 1)
    for (gint64 i = 0; i < n_entries; i++)
      bench_log (logger, FAPILOG_LEVEL_INFO, (guint64) i);
  else
    log_from_threads (logger);
  t_logged = bench_now_ns ();
  stats = fapilog_pipeline_shutdown (pipeline, -1);
  t1 = bench_now_ns ();

  bench_report_double ("seconds", (double) (t1 - t0) / 1e9);
  bench_report_double ("cpu_seconds", cpu_seconds () - cpu0);
  bench_report_double ("log_seconds", (double) (t_logged - t0) / 1e9);
  bench_report_u64 ("entries", (guint64) n_entries);
  bench_report_u64 ("submitted", fapilog_stats_get_submitted (stats));
  bench_report_u64 ("dropped", fapilog_stats_get_dropped (stats));
  bench_report_u64 ("processed", fapilog_stats_get_processed (stats));
  bench_report_u64 ("unsent", fapilog_stats_get_unsent (stats));
  bench_report_u64 ("written", fapilog_stats_get_sink_written (stats, sink_name));
  bench_report_u64 ("failed", fapilog_stats_get_sink_failed (stats, sink_name));
  bench_report_u64 ("rss_kib", bench_peak_rss_kib ());
  return TRUE;
}

static int
run_fapilog (gboolean to_stdout)
{
  g_autoptr(FapilogSink) sink = NULL;
  int fd = -1;

  if (to_stdout)
    {
      fd = open_output ();
      if (fd < 0)
        return 1;
      sink = fapilog_stdout_sink_new_for_fd (fd);
    }
  else
    sink = bench_null_sink_new ();

  if (!run_pipeline (sink))
    return 1;

  if (!to_stdout)
    {
      bench_report_u64 ("bytes", bench_null_sink_get_bytes (BENCH_NULL_SINK (sink)));
      bench_report_string ("first_line", bench_null_sink_get_first_line (BENCH_NULL_SINK (sink)));
    }

  g_clear_object (&sink);
  if (fd >= 0)
    close (fd);
  return 0;
}

typedef struct {
  guint   files;       /* every regular file */
  guint   gz_files;    /* ... of which end in .gz */
  guint   plain_files; /* ... of which end in .jsonl */
  guint64 bytes;       /* their sizes */
  guint64 plain_bytes;
} DirSummary;

static void
summarize_dir (const char *path,
               DirSummary *summary)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  memset (summary, 0, sizeof *summary);
  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_stat (file, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      summary->files++;
      summary->bytes += (guint64) st.st_size;
      if (g_str_has_suffix (name, ".gz"))
        summary->gz_files++;
      else if (g_str_has_suffix (name, ".jsonl"))
        {
          summary->plain_files++;
          summary->plain_bytes += (guint64) st.st_size;
        }
    }
}

static int
run_rotating (const FileScenario *fs)
{
  g_autoptr(FapilogSink) sink = NULL;
  DirSummary summary;
  guint64 max_bytes = 0;

  /* The sink's settings are construct-only. max-bytes keeps its default. */
  sink = g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", files_dir,
                       "compress-rotated", fs->compress,
                       "fsync", fs->fsync,
                       NULL);
  g_object_get (sink, "max-bytes", &max_bytes, NULL);

  if (!run_pipeline (sink))
    return 1;

  /* The sink's stop waits for pending compressions, so the time above
   * includes them, and only the last file (closed by the stop, never
   * rotated) should be left uncompressed. */
  summarize_dir (files_dir, &summary);
  bench_report_u64 ("max_bytes", max_bytes);
  bench_report_u64 ("files", summary.files);
  bench_report_u64 ("gz_files", summary.gz_files);
  bench_report_u64 ("plain_files", summary.plain_files);
  bench_report_u64 ("disk_bytes", summary.bytes);
  bench_report_u64 ("plain_bytes", summary.plain_bytes);

  g_clear_object (&sink);
  return 0;
}

static int
run_raw_write (void)
{
  RawFormatter formatter;
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize capacity = (gsize) n_entries * 400 + MAX_LINE;
  char *all = g_malloc (capacity);
  gsize len = 0, chunk_start = 0, start;
  g_autofree char *first_line = NULL;
  guint64 t0, t1;
  double cpu0;
  int fd;

  fd = open_output ();
  if (fd < 0)
    return 1;
  raw_formatter_init (&formatter);

  /* Not timed: every line into one buffer, remembering where each write
   * of at most 64 KiB of whole lines must end. */
  for (gint64 i = 0; i < n_entries; i++)
    {
      gsize n;

      if (len + MAX_LINE > capacity)
        {
          capacity *= 2;
          all = g_realloc (all, capacity);
        }
      n = raw_format_line (&formatter, all + len, (guint64) i, g_get_real_time ());
      if (len + n - chunk_start > WRITE_CHUNK)
        {
          g_array_append_val (cuts, len);
          chunk_start = len;
        }
      len += n;
    }
  g_array_append_val (cuts, len);

  cpu0 = cpu_seconds ();
  t0 = bench_now_ns ();
  start = 0;
  for (guint c = 0; c < cuts->len; c++)
    {
      gsize end = g_array_index (cuts, gsize, c);

      if (!write_all (fd, all + start, end - start))
        return 1;
      start = end;
    }
  t1 = bench_now_ns ();

  bench_report_double ("seconds", (double) (t1 - t0) / 1e9);
  bench_report_double ("cpu_seconds", cpu_seconds () - cpu0);
  bench_report_u64 ("entries", (guint64) n_entries);
  bench_report_u64 ("bytes", len);
  bench_report_u64 ("writes", cuts->len);
  first_line = g_strndup (all, (const char *) memchr (all, '\n', len) - all);
  bench_report_string ("first_line", first_line);
  bench_report_u64 ("rss_kib", bench_peak_rss_kib ());

  raw_formatter_clear (&formatter);
  g_array_unref (cuts);
  g_free (all);
  close (fd);
  return 0;
}

static int
run_raw_format (void)
{
  RawFormatter formatter;
  char *buf = g_malloc (WRITE_CHUNK + MAX_LINE);
  gsize len = 0, bytes = 0;
  guint64 writes = 0;
  guint64 t0, t1;
  double cpu0;
  int fd;

  fd = open_output ();
  if (fd < 0)
    return 1;
  raw_formatter_init (&formatter);
  bench_report_u64 ("rss_start_kib", bench_peak_rss_kib ());

  cpu0 = cpu_seconds ();
  t0 = bench_now_ns ();
  for (gint64 i = 0; i < n_entries; i++)
    {
      /* Format in place; a line that overflows the 64 KiB goes out with
       * the next write (the buffer has MAX_LINE bytes of slack). */
      gsize n = raw_format_line (&formatter, buf + len, (guint64) i, g_get_real_time ());

      if (len + n > WRITE_CHUNK)
        {
          if (!write_all (fd, buf, len))
            return 1;
          writes++;
          bytes += len;
          memmove (buf, buf + len, n);
          len = 0;
        }
      len += n;
    }
  if (len > 0)
    {
      if (!write_all (fd, buf, len))
        return 1;
      writes++;
      bytes += len;
    }
  t1 = bench_now_ns ();

  bench_report_double ("seconds", (double) (t1 - t0) / 1e9);
  bench_report_double ("cpu_seconds", cpu_seconds () - cpu0);
  bench_report_u64 ("entries", (guint64) n_entries);
  bench_report_u64 ("bytes", bytes);
  bench_report_u64 ("writes", writes);
  bench_report_u64 ("rss_kib", bench_peak_rss_kib ());

  raw_formatter_clear (&formatter);
  g_free (buf);
  close (fd);
  return 0;
}

static int
run_child (const char *scenario)
{
  if (strcmp (scenario, "stdout") == 0)
    return run_fapilog (TRUE);
  if (strcmp (scenario, "null") == 0)
    return run_fapilog (FALSE);
  if (strcmp (scenario, "raw-write") == 0)
    return run_raw_write ();
  if (strcmp (scenario, "raw-format") == 0)
    return run_raw_format ();
  for (gsize i = 0; i < G_N_ELEMENTS (file_scenarios); i++)
    if (strcmp (scenario, file_scenarios[i].scenario) == 0)
      {
        if (files_dir == NULL)
          {
            g_printerr ("bench-throughput: %s needs --dir\n", scenario);
            return 2;
          }
        return run_rotating (&file_scenarios[i]);
      }
  g_printerr ("bench-throughput: unknown scenario %s\n", scenario);
  return 2;
}

/* ---- the parent: run every scenario and print the table ------------------- */

static void
print_file_row (const char *label,
                GHashTable *r,
                guint64     bytes,
                double      raw_file_seconds)
{
  double seconds = bench_result_double (r, "seconds");
  double entries = (double) bench_result_u64 (r, "entries");

  g_print ("%-28s %8.4f %11.0f %9.1f %8.0f %8.2fx %6" G_GUINT64_FORMAT " %9.1f %8.1f\n",
           label, seconds, entries / seconds, (double) bytes / seconds / 1e6,
           bench_result_double (r, "cpu_seconds") * 1e9 / entries,
           seconds / raw_file_seconds,
           bench_result_u64 (r, "files"),
           (double) bench_result_u64 (r, "disk_bytes") / 1e6,
           (double) bench_result_u64 (r, "rss_kib") / 1024.0);
}

static void
print_row (const char *label,
           GHashTable *r,
           guint64     bytes,
           double      raw_write_seconds,
           double      raw_format_seconds)
{
  double seconds = bench_result_double (r, "seconds");
  double entries = (double) bench_result_u64 (r, "entries");

  g_print ("%-24s %8.4f %11.0f %9.1f %8.0f %9.1fx %7.2fx %8.1f\n",
           label, seconds, entries / seconds, (double) bytes / seconds / 1e6,
           bench_result_double (r, "cpu_seconds") * 1e9 / entries,
           seconds / raw_write_seconds, seconds / raw_format_seconds,
           (double) bench_result_u64 (r, "rss_kib") / 1024.0);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const scenarios[] = { "stdout", "null", "raw-write", "raw-format" };
  g_autofree char *child_scenario = NULL;   /* GOption gives a copy */
  GOptionEntry entries[] = {
    { "entries", 0, 0, G_OPTION_ARG_INT64, &n_entries, "Entries per scenario (default 1000000)", "N" },
    { "producers", 0, 0, G_OPTION_ARG_INT64, &n_producers, "Producer threads sharing the entries (default 1)", "P" },
    { "batch", 0, 0, G_OPTION_ARG_INT64, &batch_max_size, "batch-max-size (default: the library's, 256)", "N" },
    { "queue", 0, 0, G_OPTION_ARG_INT64, &max_queue_size, "max-queue-size (default: the library's, 10000)", "N" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output_path, "Write to FILE instead of /dev/null (emptied by each scenario, removed at the end)", "FILE" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &files_dir, "Make the directories of the rotating_file scenarios and their raw baseline in DIR (default: a new temporary directory; what is made is removed at the end)", "DIR" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child_scenario, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- fapilog throughput benchmark");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *entries_arg = NULL;
  g_autofree char *batch_arg = NULL;
  g_autofree char *queue_arg = NULL;
  g_autofree char *producers_arg = NULL;
  g_autofree char *output_arg = NULL;
  GHashTable *results[G_N_ELEMENTS (scenarios)] = { NULL, };
  GHashTable *file_results[G_N_ELEMENTS (file_scenarios)] = { NULL, };
  GHashTable *fl_stdout, *fl_null, *raw_write, *raw_format, *raw_file = NULL;
  g_autofree char *base_dir = NULL;
  g_autofree char *raw_file_path = NULL;
  gboolean made_base_dir = FALSE;
  double rw, rf, rfile;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-throughput: %s\n", error->message);
      return 2;
    }
  if (n_entries < 1 || batch_max_size < 0 || batch_max_size > 1000000 ||
      max_queue_size < 0 || max_queue_size > 100000000 ||
      n_producers < 1 || n_producers > 64 || n_producers > n_entries)
    {
      g_printerr ("bench-throughput: --entries must be positive, --producers 1 to 64 (and at most "
                  "--entries), --batch and --queue in range\n");
      return 2;
    }

  if (child_scenario != NULL)
    return run_child (child_scenario);

  envp = bench_clean_environment ();
  entries_arg = g_strdup_printf ("--entries=%" G_GINT64_FORMAT, n_entries);
  batch_arg = g_strdup_printf ("--batch=%" G_GINT64_FORMAT, batch_max_size);
  queue_arg = g_strdup_printf ("--queue=%" G_GINT64_FORMAT, max_queue_size);
  /* The raw scenarios have one thread whatever this says. */
  producers_arg = g_strdup_printf ("--producers=%" G_GINT64_FORMAT, n_producers);
  output_arg = g_strdup_printf ("--output=%s", output_name ());

  for (guint s = 0; s < G_N_ELEMENTS (scenarios); s++)
    {
      const char *args[] = { "--child", scenarios[s], entries_arg, producers_arg, batch_arg,
                             queue_arg, output_arg, NULL };

      results[s] = bench_run_child (args, envp);
      if (results[s] == NULL)
        return 1;
    }
  fl_stdout = results[0];
  fl_null = results[1];
  raw_write = results[2];
  raw_format = results[3];
  if (output_path != NULL && strcmp (output_path, "/dev/null") != 0)
    g_unlink (output_path);
  rw = bench_result_double (raw_write, "seconds");
  rf = bench_result_double (raw_format, "seconds");

  /* The file scenarios: the raw baseline written to a file, then the
   * rotating_file sink, each in a directory of its own that is removed
   * right after, so that no scenario's dirty pages are written back
   * during the next one. */
  if (files_dir != NULL)
    {
      base_dir = g_strdup (files_dir);
      if (g_mkdir_with_parents (base_dir, 0700) != 0)
        {
          g_printerr ("bench-throughput: cannot make %s: %s\n", base_dir, g_strerror (errno));
          return 1;
        }
    }
  else
    {
      base_dir = g_dir_make_tmp ("fapilog-bench-XXXXXX", &error);
      if (base_dir == NULL)
        {
          g_printerr ("bench-throughput: %s\n", error->message);
          return 1;
        }
      made_base_dir = TRUE;
    }

  raw_file_path = g_build_filename (base_dir, "raw-write.jsonl", NULL);
  {
    g_autofree char *raw_output_arg = g_strdup_printf ("--output=%s", raw_file_path);
    const char *args[] = { "--child", "raw-write", entries_arg, raw_output_arg, NULL };

    raw_file = bench_run_child (args, envp);
    g_unlink (raw_file_path);
    if (raw_file == NULL)
      return 1;
  }
  rfile = bench_result_double (raw_file, "seconds");

  for (gsize f = 0; f < G_N_ELEMENTS (file_scenarios); f++)
    {
      g_autofree char *dir = g_build_filename (base_dir, file_scenarios[f].scenario, NULL);
      g_autofree char *dir_arg = g_strdup_printf ("--dir=%s", dir);
      const char *args[] = { "--child", file_scenarios[f].scenario, entries_arg, producers_arg,
                             batch_arg, queue_arg, dir_arg, NULL };

      if (g_mkdir (dir, 0700) != 0)
        {
          g_printerr ("bench-throughput: cannot make %s: %s\n", dir, g_strerror (errno));
          return 1;
        }
      file_results[f] = bench_run_child (args, envp);
      bench_remove_dir (dir);
      if (file_results[f] == NULL)
        return 1;
    }

  g_print ("fapilog throughput benchmark: %" G_GINT64_FORMAT " entries, 3 fields (s, i, d), "
           "%" G_GINT64_FORMAT " producer thread%s (raw scenarios: 1), lossless block mode\n",
           n_entries, n_producers, n_producers == 1 ? "" : "s");
  bench_print_machine ();
  g_print ("settings: batch-max-size %s, max-queue-size %s; each scenario in a fresh process\n",
           batch_max_size > 0 ? batch_arg + strlen ("--batch=") : "256 (default)",
           max_queue_size > 0 ? queue_arg + strlen ("--queue=") : "10000 (default)");
  g_print ("output: %s; fapilog time: first log call -> fapilog_pipeline_shutdown() returned\n\n",
           output_name ());

  g_print ("%-24s %8s %11s %9s %8s %10s %8s %8s\n",
           "scenario", "seconds", "entries/s", "MB/s", "CPU ns/e", "/raw-write", "/raw-fmt", "RSS MiB");
  /* /dev/null does not count bytes: the stdout run wrote what the null
   * sink run was given, the same entries serialized the same way. */
  print_row ("fapilog stdout_json", fl_stdout, bench_result_u64 (fl_null, "bytes"), rw, rf);
  print_row ("fapilog null sink", fl_null, bench_result_u64 (fl_null, "bytes"), rw, rf);
  print_row ("raw write() 64 KiB", raw_write, bench_result_u64 (raw_write, "bytes"), rw, rf);
  print_row ("raw format + write()", raw_format, bench_result_u64 (raw_format, "bytes"), rw, rf);

  g_print ("\n(CPU ns/e: user + system CPU time of all threads per entry; ratios are time /\n"
           " baseline time: lower is better, 1.0x = as fast as the baseline)\n");
  g_print ("raw-write RSS holds all %" G_GINT64_FORMAT " lines in memory; it is not a fapilog figure\n",
           n_entries);
  g_print ("\nbytes: fapilog %" G_GUINT64_FORMAT " (%.1f per line), raw %" G_GUINT64_FORMAT
           " (%.1f per line), in %" G_GUINT64_FORMAT " writes of <= 64 KiB\n",
           bench_result_u64 (fl_null, "bytes"),
           (double) bench_result_u64 (fl_null, "bytes") / n_entries,
           bench_result_u64 (raw_write, "bytes"),
           (double) bench_result_u64 (raw_write, "bytes") / n_entries,
           bench_result_u64 (raw_write, "writes"));
  g_print ("first line, fapilog: %s\n", (const char *) g_hash_table_lookup (fl_null, "first_line"));
  g_print ("first line, raw:     %s\n", (const char *) g_hash_table_lookup (raw_write, "first_line"));

  g_print ("\nproducer: log calls took %.3f s (stdout_json) and %.3f s (null) of the totals above\n",
           bench_result_double (fl_stdout, "log_seconds"), bench_result_double (fl_null, "log_seconds"));
  g_print ("RSS before logging (pipeline started): %.1f MiB (stdout_json), %.1f MiB (null)\n",
           bench_result_u64 (fl_stdout, "rss_start_kib") / 1024.0,
           bench_result_u64 (fl_null, "rss_start_kib") / 1024.0);
  g_print ("final stats, stdout_json: submitted %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT
           ", processed %" G_GUINT64_FORMAT ", unsent %" G_GUINT64_FORMAT
           ", written %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT "\n",
           bench_result_u64 (fl_stdout, "submitted"), bench_result_u64 (fl_stdout, "dropped"),
           bench_result_u64 (fl_stdout, "processed"), bench_result_u64 (fl_stdout, "unsent"),
           bench_result_u64 (fl_stdout, "written"), bench_result_u64 (fl_stdout, "failed"));
  g_print ("final stats, null sink:   submitted %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT
           ", processed %" G_GUINT64_FORMAT ", unsent %" G_GUINT64_FORMAT
           ", written %" G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT "\n",
           bench_result_u64 (fl_null, "submitted"), bench_result_u64 (fl_null, "dropped"),
           bench_result_u64 (fl_null, "processed"), bench_result_u64 (fl_null, "unsent"),
           bench_result_u64 (fl_null, "written"), bench_result_u64 (fl_null, "failed"));

  g_print ("\ntargets: >= 1000000 entries/s end to end; within 3x of the raw baseline; "
           "peak RSS <= 64 MiB\n");

  g_print ("\nrotating_file: files in %s (%s), max-bytes %" G_GUINT64_FORMAT
           " (the sink's default), a fresh directory per scenario\n\n",
           base_dir, bench_fs_type_name (base_dir), bench_result_u64 (file_results[0], "max_bytes"));
  g_print ("%-28s %8s %11s %9s %8s %9s %6s %9s %8s\n",
           "scenario", "seconds", "entries/s", "MB/s", "CPU ns/e", "/raw-file", "files",
           "disk MB", "RSS MiB");
  g_print ("%-28s %8.4f %11.0f %9.1f %8.0f %8.2fx %6d %9.1f %8.1f\n",
           "raw write() 64 KiB, file", rfile,
           (double) bench_result_u64 (raw_file, "entries") / rfile,
           (double) bench_result_u64 (raw_file, "bytes") / rfile / 1e6,
           bench_result_double (raw_file, "cpu_seconds") * 1e9 /
             (double) bench_result_u64 (raw_file, "entries"),
           1.0, 1, (double) bench_result_u64 (raw_file, "bytes") / 1e6,
           (double) bench_result_u64 (raw_file, "rss_kib") / 1024.0);
  /* MB/s counts the serialized bytes (as the null sink got them), before
   * compression; "disk MB" is what the directory held at the end. */
  for (gsize f = 0; f < G_N_ELEMENTS (file_scenarios); f++)
    print_file_row (file_scenarios[f].label, file_results[f],
                    bench_result_u64 (fl_null, "bytes"), rfile);

  g_print ("\n(/raw-file: time / the time of the raw write() of the same bytes to a file in\n"
           " the same directory; MB/s counts the serialized bytes, before compression)\n");
  for (gsize f = 0; f < G_N_ELEMENTS (file_scenarios); f++)
    {
      GHashTable *r = file_results[f];

      g_print ("%s: log calls done after %.3f s; submitted %" G_GUINT64_FORMAT
               ", dropped %" G_GUINT64_FORMAT ", written %" G_GUINT64_FORMAT
               ", failed %" G_GUINT64_FORMAT "; %" G_GUINT64_FORMAT " files (%"
               G_GUINT64_FORMAT " gzipped)",
               file_scenarios[f].label, bench_result_double (r, "log_seconds"),
               bench_result_u64 (r, "submitted"), bench_result_u64 (r, "dropped"),
               bench_result_u64 (r, "written"), bench_result_u64 (r, "failed"),
               bench_result_u64 (r, "files"), bench_result_u64 (r, "gz_files"));
      if (file_scenarios[f].compress)
        g_print ("; %s\n",
                 bench_result_u64 (r, "plain_files") <= 1 &&
                 bench_result_u64 (r, "files") == bench_result_u64 (r, "gz_files") +
                                                  bench_result_u64 (r, "plain_files")
                 ? "every rotated file compressed"
                 : "ROTATED FILES LEFT UNCOMPRESSED");
      else
        g_print ("; the files hold %" G_GUINT64_FORMAT " bytes (%s the serialized bytes)\n",
                 bench_result_u64 (r, "plain_bytes"),
                 bench_result_u64 (r, "plain_bytes") == bench_result_u64 (fl_null, "bytes")
                 ? "=" : "DIFFERENT FROM");
    }
  g_print ("\nrotating_file target: within 1.5x of the raw write() to a file, without "
           "compression\n");

  if (made_base_dir)
    g_rmdir (base_dir);

  for (guint s = 0; s < G_N_ELEMENTS (scenarios); s++)
    g_hash_table_unref (results[s]);
  for (gsize f = 0; f < G_N_ELEMENTS (file_scenarios); f++)
    g_hash_table_unref (file_results[f]);
  g_hash_table_unref (raw_file);
  return 0;
}
