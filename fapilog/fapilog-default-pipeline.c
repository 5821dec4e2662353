/* fapilog-default-pipeline.c: the process-wide pipeline behind fapilog_get_logger()
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>

#include "fapilog-diagnostics-private.h"
#include "fapilog-pipeline.h"
#include "fapilog-settings-private.h"
#include "fapilog-stdout-sink.h"

static GMutex default_lock;
static FapilogPipeline *default_pipeline;   /* lives until the process ends */
static GHashTable *default_loggers;         /* name -> FapilogLogger */
static gboolean atexit_registered;

static void
drain_at_exit (void)
{
  FapilogSettings *settings;
  FapilogStats *stats;

  g_mutex_lock (&default_lock);
  settings = default_pipeline != NULL ? fapilog_pipeline_get_settings (default_pipeline) : NULL;
  g_mutex_unlock (&default_lock);
  if (settings == NULL)
    return;
  stats = fapilog_shutdown_with_stats ((gint64) (settings->atexit_drain_timeout_seconds * G_USEC_PER_SEC));
  if (stats != NULL)
    fapilog_stats_unref (stats);
}

/* A configuration problem is always reported, even when the configuration
 * (or the failure to read it) turned diagnostics off. */
static void
report_config_problem (const char   *message,
                       const GError *error)
{
  gboolean was_enabled = _fapilog_diagnostics_get_enabled ();

  _fapilog_diagnostics_set_enabled (TRUE);
  _fapilog_diag_warn ("config", message, "error", "s", error->message, NULL);
  _fapilog_diagnostics_set_enabled (was_enabled);
}

static FapilogPipeline *
stdout_pipeline (FapilogSettings *settings)
{
  g_autoptr(FapilogSink) sink = fapilog_stdout_sink_new ();
  FapilogPipeline *pipeline = fapilog_pipeline_new (settings);

  fapilog_pipeline_add_sink (pipeline, sink);
  return pipeline;
}

/* Builds the default pipeline. A bad configuration must not take logging
 * away: it is reported, and what cannot be honoured falls back to JSON on
 * stdout. Settings that parsed are kept (_fapilog_settings_apply_startup is
 * all-or-nothing, so a bad variable means the built-in defaults). */
static FapilogPipeline *
create_default_pipeline (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  FapilogPipeline *pipeline;

  if (!_fapilog_settings_apply_startup (settings, &error))
    {
      report_config_problem ("bad FAPILOG_* variable or GSettings key; using the built-in defaults and JSON on stdout",
                             error);
      g_clear_error (&error);
      pipeline = stdout_pipeline (settings);
    }
  else
    {
      pipeline = fapilog_pipeline_new (settings);
      if (!fapilog_pipeline_add_configured_sinks (pipeline, &error))
        {
          report_config_problem ("configured sinks unavailable; logging JSON to stdout", error);
          g_clear_error (&error);
          g_object_unref (pipeline);
          pipeline = stdout_pipeline (settings);
        }
    }

  if (fapilog_pipeline_start (pipeline, &error))
    return pipeline;

  report_config_problem ("default pipeline failed to start; logging JSON to stdout", error);
  g_clear_error (&error);
  fapilog_stats_unref (fapilog_pipeline_shutdown (pipeline, 0));
  g_object_unref (pipeline);
  pipeline = stdout_pipeline (settings);
  if (!fapilog_pipeline_start (pipeline, &error))
    report_config_problem ("fallback pipeline failed to start", error);
  return pipeline;
}

/**
 * fapilog_get_logger:
 * @name: (nullable): the logger name; %NULL means `"root"`
 *
 * Returns a logger of the process-wide default pipeline, which is made and
 * started on first use from `FAPILOG_PRESET`, the GSettings schema
 * `org.fapilog` (when installed) and the `FAPILOG_*` environment variables
 * (see [ctor@Fapilog.Pipeline.new_from_environment]). A bad variable or
 * key does not stop logging: a diagnostic names it on stderr and the
 * default pipeline writes JSON lines to stdout.
 *
 * The default pipeline is drained at process exit (unless
 * `FAPILOG_CORE__ATEXIT_DRAIN_ENABLED=false`), within
 * `FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS`.
 *
 * Returns: (transfer none): the logger; it stays valid for the life of the
 *   process
 *
 * Since: 1.0
 */
FapilogLogger *
fapilog_get_logger (const char *name)
{
  FapilogLogger *logger;
  const char *key = name != NULL ? name : "root";

  g_mutex_lock (&default_lock);
  if (default_pipeline == NULL)
    {
      FapilogSettings *settings;

      default_pipeline = create_default_pipeline ();
      default_loggers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      settings = fapilog_pipeline_get_settings (default_pipeline);
      if (settings->atexit_drain_enabled && !atexit_registered)
        atexit_registered = atexit (drain_at_exit) == 0;
    }
  logger = g_hash_table_lookup (default_loggers, key);
  if (logger == NULL)
    {
      logger = fapilog_pipeline_get_logger (default_pipeline, key);
      g_hash_table_insert (default_loggers, g_strdup (key), logger);
    }
  g_mutex_unlock (&default_lock);
  return logger;
}

/**
 * fapilog_shutdown_with_stats:
 * @timeout_us: the deadline, in microseconds; negative waits as long as it
 *   takes
 *
 * Shuts the default pipeline down (see [method@Fapilog.Pipeline.shutdown])
 * and returns its final statistics. Loggers from [func@Fapilog.get_logger]
 * stay valid; what they log afterwards is counted as dropped.
 *
 * Returns: (transfer full) (nullable): the final statistics, or %NULL if
 *   the default pipeline was never used
 *
 * Since: 1.0
 */
FapilogStats *
fapilog_shutdown_with_stats (gint64 timeout_us)
{
  FapilogPipeline *pipeline;

  g_mutex_lock (&default_lock);
  pipeline = default_pipeline != NULL ? g_object_ref (default_pipeline) : NULL;
  g_mutex_unlock (&default_lock);
  if (pipeline == NULL)
    return NULL;

  {
    FapilogStats *stats = fapilog_pipeline_shutdown (pipeline, timeout_us);
    g_object_unref (pipeline);
    return stats;
  }
}

/**
 * fapilog_shutdown:
 *
 * Shuts the default pipeline down within
 * `FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS` (3 s by default). Does nothing if
 * it was never used.
 *
 * Since: 1.0
 */
void
fapilog_shutdown (void)
{
  FapilogSettings *settings = NULL;
  FapilogStats *stats;

  g_mutex_lock (&default_lock);
  if (default_pipeline != NULL)
    settings = fapilog_pipeline_get_settings (default_pipeline);
  g_mutex_unlock (&default_lock);
  if (settings == NULL)
    return;

  stats = fapilog_shutdown_with_stats ((gint64) (settings->shutdown_timeout_seconds * G_USEC_PER_SEC));
  if (stats != NULL)
    fapilog_stats_unref (stats);
}
