/* fapilog-builtin-sinks.c: registration of the sinks shipped in the library
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-builtin-sinks-private.h"
#include "fapilog-error.h"
#include "fapilog-http-sink.h"
#include "fapilog-mmap-file-sink.h"
#include "fapilog-rotating-file-sink.h"
#include "fapilog-settings-private.h"
#include "fapilog-sink-registry.h"
#include "fapilog-stdout-pretty-sink.h"
#include "fapilog-stdout-sink.h"
#include "fapilog-webhook-sink.h"

static FapilogSink *
create_stdout_json (FapilogSettings  *settings,
                    gpointer          user_data,
                    GError          **error)
{
  return fapilog_stdout_sink_new ();
}

static FapilogSink *
create_stdout_pretty (FapilogSettings  *settings,
                      gpointer          user_data,
                      GError          **error)
{
  return fapilog_stdout_pretty_sink_new ();
}

/* From the FAPILOG_FILE__* settings; the directory is required. */
static FapilogSink *
create_rotating_file (FapilogSettings  *settings,
                      gpointer          user_data,
                      GError          **error)
{
  if (settings == NULL || settings->file_directory == NULL || settings->file_directory[0] == '\0')
    {
      g_set_error_literal (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
                           "FAPILOG_FILE__DIRECTORY is not set");
      return NULL;
    }

  return g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", settings->file_directory,
                       "filename-prefix", settings->file_filename_prefix != NULL ?
                                          settings->file_filename_prefix : "fapilog",
                       "mode", settings->file_format,
                       "max-bytes", settings->file_max_bytes,
                       "interval-seconds", settings->file_interval_seconds,
                       "max-files", settings->file_max_files,
                       "max-total-bytes", settings->file_max_total_bytes,
                       "compress-rotated", settings->file_compress_rotated,
                       "file-mode", settings->file_file_mode,
                       "fsync", settings->file_fsync,
                       NULL);
}

static void
add_http_header (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  fapilog_http_sink_set_header (user_data, name, value);
}

/* From the FAPILOG_HTTP__* settings; the endpoint is required. */
static FapilogSink *
create_http (FapilogSettings  *settings,
             gpointer          user_data,
             GError          **error)
{
  FapilogHttpSink *sink;

  if (settings == NULL || settings->http_endpoint == NULL || settings->http_endpoint[0] == '\0')
    {
      g_set_error_literal (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
                           "FAPILOG_HTTP__ENDPOINT is not set");
      return NULL;
    }

  sink = g_object_new (FAPILOG_TYPE_HTTP_SINK,
                       "endpoint", settings->http_endpoint,
                       "timeout-seconds", settings->http_timeout_seconds,
                       "retry-max-attempts", settings->http_retry_max_attempts,
                       "retry-backoff-seconds", settings->http_retry_backoff_seconds,
                       "retry-max-backoff-seconds", settings->http_retry_max_backoff_seconds,
                       "batch-size", settings->http_batch_size,
                       "batch-timeout-seconds", settings->http_batch_timeout_seconds,
                       "batch-max-bytes", (guint64) settings->http_batch_max_bytes,
                       "batch-format", settings->http_batch_format,
                       "batch-wrapper-key", settings->http_batch_wrapper_key,
                       "compression", settings->http_compression,
                       "tls-ca-file", settings->http_tls_ca_file,
                       "max-pending-bytes", (guint64) settings->http_max_pending_bytes,
                       NULL);
  _fapilog_settings_foreach_http_header (settings, add_http_header, sink);
  return FAPILOG_SINK (sink);
}

static void
add_webhook_header (const char *name,
                    const char *value,
                    gpointer    user_data)
{
  fapilog_webhook_sink_set_header (user_data, name, value);
}

/* From the FAPILOG_WEBHOOK__* settings; the endpoint is required, the
 * secret is not (requests then go unsigned). */
static FapilogSink *
create_webhook (FapilogSettings  *settings,
                gpointer          user_data,
                GError          **error)
{
  FapilogWebhookSink *sink;

  if (settings == NULL || settings->webhook_endpoint == NULL ||
      settings->webhook_endpoint[0] == '\0')
    {
      g_set_error_literal (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
                           "FAPILOG_WEBHOOK__ENDPOINT is not set");
      return NULL;
    }

  sink = g_object_new (FAPILOG_TYPE_WEBHOOK_SINK,
                       "endpoint", settings->webhook_endpoint,
                       "secret", _fapilog_settings_get_webhook_secret (settings),
                       "timeout-seconds", settings->webhook_timeout_seconds,
                       "retry-max-attempts", settings->webhook_retry_max_attempts,
                       "retry-backoff-seconds", settings->webhook_retry_backoff_seconds,
                       "retry-max-backoff-seconds", settings->webhook_retry_max_backoff_seconds,
                       "batch-size", settings->webhook_batch_size,
                       "batch-timeout-seconds", settings->webhook_batch_timeout_seconds,
                       "max-pending-bytes", (guint64) settings->webhook_max_pending_bytes,
                       "tls-ca-file", settings->webhook_tls_ca_file,
                       NULL);
  _fapilog_settings_foreach_webhook_header (settings, add_webhook_header, sink);
  return FAPILOG_SINK (sink);
}

/* From the FAPILOG_MMAP__* settings; the path is required. The path alone
 * selects nothing: the sink is used when FAPILOG_CORE__SINKS names it. */
static FapilogSink *
create_mmap_file (FapilogSettings  *settings,
                  gpointer          user_data,
                  GError          **error)
{
  if (settings == NULL || settings->mmap_path == NULL || settings->mmap_path[0] == '\0')
    {
      g_set_error_literal (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
                           "FAPILOG_MMAP__PATH is not set");
      return NULL;
    }

  return g_object_new (FAPILOG_TYPE_MMAP_FILE_SINK,
                       "path", settings->mmap_path,
                       "initial-size", settings->mmap_initial_size,
                       "growth-factor", settings->mmap_growth_factor,
                       "growth-min-bytes", settings->mmap_growth_min_bytes,
                       "max-size", settings->mmap_max_size,
                       "sync-mode", settings->mmap_sync_mode,
                       "sync-interval-ms", settings->mmap_sync_interval_ms,
                       "sync-every-bytes", settings->mmap_sync_every_bytes,
                       "flush-on-close", settings->mmap_flush_on_close,
                       "file-mode", settings->mmap_file_mode,
                       NULL);
}

void
_fapilog_builtin_sinks_register (void)
{
  fapilog_sink_registry_register ("stdout_json", create_stdout_json, NULL, NULL);
  fapilog_sink_registry_register ("stdout_pretty", create_stdout_pretty, NULL, NULL);
  fapilog_sink_registry_register ("rotating_file", create_rotating_file, NULL, NULL);
  fapilog_sink_registry_register ("http", create_http, NULL, NULL);
  fapilog_sink_registry_register ("webhook", create_webhook, NULL, NULL);
  fapilog_sink_registry_register ("mmap_file", create_mmap_file, NULL, NULL);
}
