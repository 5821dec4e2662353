/* bench-http.c: entries per second through the http sink to a loopback server
 *
 * One producer thread logs N entries (default 200k) with three fields in
 * lossless block mode to a pipeline whose only sink is `http`, POSTing to
 * a SoupServer on 127.0.0.1 that runs on a thread and main context of its
 * own, reads each body and answers 200. The clock runs from the first log
 * call until fapilog_pipeline_shutdown() returns, i.e. until the server
 * has acknowledged every request. Scenarios:
 *
 *   batch-size 100 and 1000, each without and with gzip (compressed in a
 *   GIO pool thread; the server does not decompress).
 *
 * The sink accepts entries at once and holds them in its own queue of
 * requests, bounded by max-pending-bytes; the benchmark raises that bound
 * to 1 GiB so that a producer faster than the loopback round trips is
 * measured rather than cut off, and prints how much was failed anyway.
 * Each scenario runs in a fresh process, so that its peak RSS is its own.
 *
 * Usage: bench-http [--entries N]
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <sys/resource.h>

#include <libsoup/soup.h>

#include "bench-common.h"

static gint64 n_entries = 200000;

typedef struct {
  const char             *name;       /* the child's argument */
  const char             *label;
  guint                   batch_size;
  FapilogHttpCompression  compression;
} Scenario;

static const Scenario scenarios[] = {
  { "b100",       "batch 100",          100,  FAPILOG_HTTP_COMPRESSION_NONE },
  { "b100-gzip",  "batch 100, gzip",    100,  FAPILOG_HTTP_COMPRESSION_GZIP },
  { "b1000",      "batch 1000",         1000, FAPILOG_HTTP_COMPRESSION_NONE },
  { "b1000-gzip", "batch 1000, gzip",   1000, FAPILOG_HTTP_COMPRESSION_GZIP },
};

/* ---- the loopback server ------------------------------------------------- */

typedef struct {
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  /* Written on the server thread, read after it has been joined. */
  guint64       requests;
  guint64       body_bytes;
} Server;

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Server *s = user_data;

  s->requests++;
  s->body_bytes += (guint64) soup_server_message_get_request_body (msg)->length;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

static gpointer
server_main (gpointer data)
{
  Server *s = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (s->context);
  s->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (s->server, NULL, on_request, s, NULL);
  if (!soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("bench-http: cannot listen: %s", error->message);
  uris = soup_server_get_uris (s->server);
  s->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&s->lock);
  s->ready = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);

  g_main_loop_run (s->loop);
  soup_server_disconnect (s->server);
  g_clear_object (&s->server);
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* ---- one scenario, in the child ------------------------------------------ */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int
run_child (const char *name)
{
  const Scenario *sc = NULL;
  Server server = { 0 };
  GThread *thread;
  g_autoptr(FapilogSettings) settings = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogLogger) logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint64 t0, t_logged, t1;
  double cpu0;

  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    if (strcmp (scenarios[i].name, name) == 0)
      sc = &scenarios[i];
  if (sc == NULL)
    {
      g_printerr ("bench-http: unknown scenario %s\n", name);
      return 2;
    }

  g_mutex_init (&server.lock);
  g_cond_init (&server.cond);
  server.context = g_main_context_new ();
  server.loop = g_main_loop_new (server.context, FALSE);
  thread = g_thread_new ("bench-http-server", server_main, &server);
  g_mutex_lock (&server.lock);
  while (!server.ready)
    g_cond_wait (&server.cond, &server.lock);
  g_mutex_unlock (&server.lock);
  url = g_strdup_printf ("http://127.0.0.1:%u/ingest", server.port);

  sink = fapilog_http_sink_new (url);
  g_object_set (sink,
                "batch-size", sc->batch_size,
                "batch-timeout-seconds", 1.0,
                "compression", sc->compression,
                "max-pending-bytes", (guint64) 1 << 30,
                NULL);
  settings = bench_settings_new (FAPILOG_OVERFLOW_BLOCK, 0, 0);
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  if (!fapilog_pipeline_start (pipeline, &error))
    {
      g_printerr ("bench-http: cannot start the pipeline: %s\n", error->message);
      return 1;
    }
  logger = fapilog_pipeline_get_logger (pipeline, BENCH_LOGGER);

  cpu0 = cpu_seconds ();
  t0 = bench_now_ns ();
  for (gint64 i = 0; i < n_entries; i++)
    bench_log (logger, FAPILOG_LEVEL_INFO, (guint64) i);
  t_logged = bench_now_ns ();
  stats = fapilog_pipeline_shutdown (pipeline, -1);
  t1 = bench_now_ns ();

  g_main_context_invoke (server.context, quit_loop, server.loop);
  g_thread_join (thread);

  bench_report_double ("seconds", (double) (t1 - t0) / 1e9);
  bench_report_double ("log_seconds", (double) (t_logged - t0) / 1e9);
  bench_report_double ("cpu_seconds", cpu_seconds () - cpu0);
  bench_report_u64 ("entries", (guint64) n_entries);
  bench_report_u64 ("written", fapilog_stats_get_sink_written (stats, "http"));
  bench_report_u64 ("failed", fapilog_stats_get_sink_failed (stats, "http"));
  bench_report_u64 ("dropped", fapilog_stats_get_dropped (stats));
  bench_report_u64 ("requests", server.requests);
  bench_report_u64 ("body_bytes", server.body_bytes);
  bench_report_u64 ("rss_kib", bench_peak_rss_kib ());

  g_main_loop_unref (server.loop);
  g_main_context_unref (server.context);
  g_mutex_clear (&server.lock);
  g_cond_clear (&server.cond);
  return 0;
}

/* ---- the parent: every scenario, then the table --------------------------- */

int
main (int   argc,
      char *argv[])
{
  const char *child = NULL;
  GOptionEntry options[] = {
    { "entries", 0, 0, G_OPTION_ARG_INT64, &n_entries, "Entries per scenario (default 200000)", "N" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- fapilog http sink benchmark");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *entries_arg = NULL;
  GHashTable *results[G_N_ELEMENTS (scenarios)] = { NULL, };

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-http: %s\n", error->message);
      return 2;
    }
  if (n_entries < 1)
    {
      g_printerr ("bench-http: --entries must be positive\n");
      return 2;
    }
  if (child != NULL)
    return run_child (child);

  envp = bench_clean_environment ();
  entries_arg = g_strdup_printf ("--entries=%" G_GINT64_FORMAT, n_entries);
  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      const char *args[] = { "--child", scenarios[i].name, entries_arg, NULL };

      results[i] = bench_run_child (args, envp);
      if (results[i] == NULL)
        return 1;
    }

  g_print ("fapilog http sink benchmark: %" G_GINT64_FORMAT " entries, 3 fields (s, i, d), "
           "1 producer thread, lossless block mode\n", n_entries);
  bench_print_machine ();
  g_print ("server: SoupServer on 127.0.0.1 in its own thread, answers 200 after reading "
           "each body; each scenario in a fresh process\n");
  g_print ("time: first log call -> fapilog_pipeline_shutdown() returned (every request "
           "acknowledged)\n\n");

  g_print ("%-18s %8s %11s %9s %9s %9s %8s %8s %8s\n",
           "scenario", "seconds", "entries/s", "requests", "body MB", "B/entry",
           "CPU ns/e", "failed", "RSS MiB");
  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      GHashTable *r = results[i];
      double seconds = bench_result_double (r, "seconds");
      double written = (double) bench_result_u64 (r, "written");
      double entries = (double) bench_result_u64 (r, "entries");

      g_print ("%-18s %8.3f %11.0f %9" G_GUINT64_FORMAT " %9.1f %9.1f %8.0f %8" G_GUINT64_FORMAT
               " %8.1f\n",
               scenarios[i].label, seconds, written / seconds,
               bench_result_u64 (r, "requests"),
               (double) bench_result_u64 (r, "body_bytes") / 1e6,
               (double) bench_result_u64 (r, "body_bytes") / entries,
               bench_result_double (r, "cpu_seconds") * 1e9 / entries,
               bench_result_u64 (r, "failed"),
               (double) bench_result_u64 (r, "rss_kib") / 1024.0);
    }

  g_print ("\n(entries/s counts entries the server acknowledged; body MB is what went on\n"
           " the wire, compressed or not; CPU ns/e: CPU time of all threads, the server's\n"
           " included, per entry)\n");
  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    g_print ("%s: log calls done after %.3f s; written %" G_GUINT64_FORMAT ", failed %"
             G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT "\n",
             scenarios[i].label, bench_result_double (results[i], "log_seconds"),
             bench_result_u64 (results[i], "written"), bench_result_u64 (results[i], "failed"),
             bench_result_u64 (results[i], "dropped"));

  for (gsize i = 0; i < G_N_ELEMENTS (scenarios); i++)
    g_hash_table_unref (results[i]);
  return 0;
}
