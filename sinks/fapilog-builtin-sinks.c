/* fapilog-builtin-sinks.c: registration of the sinks shipped in the library
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-builtin-sinks-private.h"
#include "fapilog-error.h"
#include "fapilog-rotating-file-sink.h"
#include "fapilog-settings-private.h"
#include "fapilog-sink-registry.h"
#include "fapilog-stdout-pretty-sink.h"
#include "fapilog-stdout-sink.h"

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

void
_fapilog_builtin_sinks_register (void)
{
  fapilog_sink_registry_register ("stdout_json", create_stdout_json, NULL, NULL);
  fapilog_sink_registry_register ("stdout_pretty", create_stdout_pretty, NULL, NULL);
  fapilog_sink_registry_register ("rotating_file", create_rotating_file, NULL, NULL);
}
