/* fapilog-settings-private.h: direct access to settings for the core
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-settings.h"

G_BEGIN_DECLS

/* Bit for a level in protected_levels_mask. */
#define FAPILOG_LEVEL_BIT(level) (1u << ((guint) (level) / 10u))

struct _FapilogSettings {
  GObject               parent_instance;

  FapilogLevel          log_level;                    /* INFO */
  guint                 max_queue_size;               /* 10000 */
  guint                 protected_queue_size;         /* 0 = max(100, max_queue_size / 10) */
  guint                 protected_levels_mask;        /* ERROR|CRITICAL|AUDIT|SECURITY */
  guint                 batch_max_size;               /* 256 */
  double                batch_timeout_seconds;        /* 0.25, > 0 */
  FapilogOverflowPolicy overflow_policy;              /* DROP_NEWEST */
  gint                  backpressure_wait_ms;         /* 50; -1 = wait forever */
  char                **sinks;                        /* normalized names; NULL = default selection */
  gboolean              serialize_in_flush;           /* TRUE */
  double                sink_write_timeout_seconds;   /* 30 */
  guint                 sink_backlog_size;            /* 0 = max_queue_size */
  gboolean              internal_logging_enabled;     /* TRUE */
  double                shutdown_timeout_seconds;     /* 3 */
  gboolean              atexit_drain_enabled;         /* TRUE */
  double                atexit_drain_timeout_seconds; /* 2 */
  char                 *service;                      /* "fapilog" */
  char                 *env;                          /* "dev" */
  char                 *version;                      /* NULL */
  char                 *file_directory;               /* NULL; selects rotating_file by default */
  char                 *file_filename_prefix;         /* "fapilog" */
  FapilogFileFormat     file_format;                  /* JSON; property "file-mode" */
  guint64               file_max_bytes;               /* 10 MiB; 0 disables size rotation */
  double                file_interval_seconds;        /* 0 disables time rotation */
  guint                 file_max_files;               /* 0 = no limit */
  guint64               file_max_total_bytes;         /* 0 = no limit */
  gboolean              file_compress_rotated;        /* FALSE */
  guint                 file_file_mode;               /* 0640 */
  FapilogFsyncPolicy    file_fsync;                   /* ROTATE */
  char                 *http_endpoint;                /* NULL; selects http by default */

  /* Added with the settings implementation: */
  GHashTable           *property_sources;             /* property name (static) -> source; absent = default */
};

guint _fapilog_settings_get_protected_queue_size (FapilogSettings *self);
guint _fapilog_settings_get_sink_backlog_size    (FapilogSettings *self);
/* Where a property's value came from: "default", "env" (applied by
 * fapilog_settings_apply_environment()) or "code" (g_object_set() and
 * friends); %NULL for a name that is not a property. For the
 * configuration report. */
const char *_fapilog_settings_get_source (FapilogSettings *self,
                                          const char      *property);

G_END_DECLS
