/* mainloop-flush.c: logging from a GLib main loop, flushing without blocking it
 *
 * A program built around a GMainLoop (a daemon, a GTK application) must not
 * block its loop. Logging never does: a log call only enqueues. Waiting for
 * the entries to be written is the part that could, so this program uses
 * fapilog_pipeline_flush_async(): the loop goes on dispatching (here a
 * heartbeat timer) while the worker thread writes, and the callback runs
 * back in the loop's context once everything logged before the flush is in
 * the file.
 *
 *   a timeout source logs one entry every 5 ms, ten times;
 *   then it starts the flush and returns;
 *   the flush callback checks the file holds the ten entries, shuts the
 *   pipeline down and quits the loop.
 *
 * The program exits with status 1 if the flush fails, if its callback ran
 * inside fapilog_pipeline_flush_async() instead of from the loop, or if the
 * file does not hold every entry when the callback runs.
 *
 * Build: cc mainloop-flush.c $(pkg-config --cflags --libs fapilog-1)
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <fapilog/fapilog.h>
#include <glib/gstdio.h>

#define N_TICKS 10

typedef struct {
  GMainLoop       *loop;
  FapilogPipeline *pipeline;
  FapilogLogger   *log;
  char            *dir;
  guint            ticks;
  guint            heartbeats;
  guint            heartbeat_id;
  gboolean         flush_started;   /* set once flush_async has returned */
  int              status;
} App;

/* Counts the lines of every file in @dir (the rotating file sink writes
 * one, named after the time it was opened). */
static guint
count_lines (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL))
        for (const char *p = contents; (p = strchr (p, '\n')) != NULL; p++)
          n++;
    }
  return n;
}

static void
flushed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  App *app = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *counters = NULL;
  guint lines;

  if (!app->flush_started)
    {
      /* GIO's rule: a callback never runs inside the _async call. */
      g_printerr ("the flush callback ran before flush_async returned\n");
      app->status = 1;
    }
  if (!fapilog_pipeline_flush_finish (FAPILOG_PIPELINE (source), result, &error))
    {
      g_printerr ("flush failed: %s\n", error->message);
      app->status = 1;
    }

  /* Flushed means written: the file already holds every entry. */
  lines = count_lines (app->dir);
  g_print ("flushed: %u lines in the file, %u heartbeats so far\n", lines, app->heartbeats);
  if (lines != N_TICKS)
    {
      g_printerr ("expected %d lines after the flush, found %u\n", N_TICKS, lines);
      app->status = 1;
    }

  /* Nothing is left to drain, so this returns at once. */
  stats = fapilog_pipeline_shutdown (app->pipeline, G_USEC_PER_SEC);
  counters = fapilog_stats_to_json (stats);
  g_print ("%s\n", counters);
  if (fapilog_stats_get_sink_written (stats, "rotating_file") != N_TICKS)
    app->status = 1;

  g_source_remove (app->heartbeat_id);
  g_main_loop_quit (app->loop);
}

static gboolean
heartbeat (gpointer user_data)
{
  App *app = user_data;

  app->heartbeats++;
  return G_SOURCE_CONTINUE;
}

static gboolean
tick (gpointer user_data)
{
  App *app = user_data;

  app->ticks++;
  fapilog_info (app->log, "tick", "n", "u", app->ticks, NULL);
  if (app->ticks < N_TICKS)
    return G_SOURCE_CONTINUE;

  /* Returns at once; flushed() runs from this loop when the worker is done. */
  fapilog_pipeline_flush_async (app->pipeline, 5 * G_USEC_PER_SEC, NULL, flushed, app);
  app->flush_started = TRUE;
  return G_SOURCE_REMOVE;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  App app = { 0 };

  app.dir = g_dir_make_tmp ("mainloop-flush-XXXXXX", &error);
  if (app.dir == NULL)
    g_error ("%s", error->message);

  app.pipeline = fapilog_pipeline_new (NULL);
  sink = fapilog_rotating_file_sink_new (app.dir);
  fapilog_pipeline_add_sink (app.pipeline, sink);
  if (!fapilog_pipeline_start (app.pipeline, &error))
    g_error ("%s", error->message);
  app.log = fapilog_pipeline_get_logger (app.pipeline, "loop");

  app.loop = g_main_loop_new (NULL, FALSE);
  g_timeout_add (5, tick, &app);
  app.heartbeat_id = g_timeout_add (1, heartbeat, &app);
  g_main_loop_run (app.loop);

  /* Clean up the temporary directory. */
  {
    g_autoptr(GDir) d = g_dir_open (app.dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (app.dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (app.dir);
  }
  g_main_loop_unref (app.loop);
  g_object_unref (app.log);
  g_object_unref (app.pipeline);
  g_free (app.dir);
  return app.status;
}
