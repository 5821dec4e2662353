/* fapilog-settings-private.h: direct access to settings for the core
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-settings.h"

G_BEGIN_DECLS

/* Bit for a level in protected_levels_mask. */
#define FAPILOG_LEVEL_BIT(level) (1u << ((guint) (level) / 10u))

/* HTTP headers from a JSON object such as {"Authorization":"Bearer t0ken"}.
 * The values may be credentials: nothing but the sink's requests may show
 * them (no diagnostic, no error message, no configuration report). */
typedef struct {
  char  *json;    /* the object in compact canonical form; NULL = no headers */
  char **names;   /* NULL-terminated, in the object's order; NULL = no headers */
  char **values;  /* the same length as names */
} FapilogSettingsHeaders;

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

  /* Added with the http and webhook sinks: */
  FapilogSettingsHeaders http_headers;                /* none */
  double                http_timeout_seconds;         /* 5 */
  guint                 http_retry_max_attempts;      /* 3, total attempts, >= 1 */
  double                http_retry_backoff_seconds;   /* 1 */
  double                http_retry_max_backoff_seconds; /* 30 */
  guint                 http_batch_size;              /* 100 */
  double                http_batch_timeout_seconds;   /* 5, > 0 */
  guint64               http_batch_max_bytes;         /* 1 MiB */
  FapilogHttpBatchFormat http_batch_format;           /* ARRAY */
  char                 *http_batch_wrapper_key;       /* "logs", never empty */
  FapilogHttpCompression http_compression;            /* NONE */
  char                 *http_tls_ca_file;             /* NULL: the system's trust store */
  guint64               http_max_pending_bytes;       /* 16 MiB */
  char                 *webhook_endpoint;             /* NULL */
  char                 *webhook_secret;               /* NULL: unsigned; write-only, zeroed when freed */
  FapilogSettingsHeaders webhook_headers;             /* none */
  double                webhook_timeout_seconds;      /* 5 */
  guint                 webhook_retry_max_attempts;   /* 3 */
  double                webhook_retry_backoff_seconds; /* 1 */
  double                webhook_retry_max_backoff_seconds; /* 30 */
  guint                 webhook_batch_size;           /* 1 */
  double                webhook_batch_timeout_seconds; /* 5, > 0 */
  guint64               webhook_max_pending_bytes;    /* 16 MiB */
  char                 *webhook_tls_ca_file;          /* NULL */

  /* Added with the mmap_file sink (the defaults are those of
   * FapilogMmapPersistence): */
  char                 *mmap_path;                    /* NULL; selects nothing by default */
  guint64               mmap_initial_size;            /* 1 MiB, >= 1 */
  double                mmap_growth_factor;           /* 2.0, > 1.0 */
  guint64               mmap_growth_min_bytes;        /* 1 MiB, >= 1 */
  guint64               mmap_max_size;                /* 0 = unlimited */
  FapilogMmapSyncMode   mmap_sync_mode;               /* see DEFAULT_MMAP_SYNC_MODE */
  guint                 mmap_sync_interval_ms;        /* see DEFAULT_MMAP_SYNC_INTERVAL_MS */
  guint64               mmap_sync_every_bytes;        /* see DEFAULT_MMAP_SYNC_EVERY_BYTES */
  gboolean              mmap_flush_on_close;          /* TRUE */
  guint                 mmap_file_mode;               /* 0640 */

  /* Where values come from (added with GSettings and presets): for each
   * property, NULL or an array of one GValue per FapilogSettingSource,
   * unset where that source gave no value. The fields above hold the
   * value of the highest source that has one, or the built-in default. */
  GValue              **layers;
  char                 *preset;                       /* NULL, or the name of the preset applied */
  FapilogSettingSource  preset_chosen_by;             /* ENV (FAPILOG_PRESET) or CODE */
  GSettings            *gsettings;                    /* NULL, or the GSettings last applied */
};

guint _fapilog_settings_get_protected_queue_size (FapilogSettings *self);
guint _fapilog_settings_get_sink_backlog_size    (FapilogSettings *self);
/* Where a property's value came from, as the nick of its
 * FapilogSettingSource ("default", "preset", "gsettings", "env", "code");
 * %NULL for a name that is not a property. */
const char *_fapilog_settings_get_source (FapilogSettings *self,
                                          const char      *property);

/* Every variable fapilog_settings_apply_environment() reads, aliases
 * included, in the order it checks them. For tests. */
char      **_fapilog_settings_list_environment_variables (void);

/* The smallest timeout, duration or rotation interval other than 0. */
#define FAPILOG_SETTINGS_MIN_DURATION 0.001

/* Gives @property the value @value (of the property's type) from @source,
 * or takes back the value @source gave (@value %NULL). A value the
 * property refuses (a bad file prefix, empty wrapper key, bad headers) is
 * not stored, with the warning g_object_set() gives. Returns whether the
 * property's effective value changed (it does not when a higher source
 * has a value); the change is notified. */
gboolean _fapilog_settings_set_source_value (FapilogSettings      *self,
                                             GParamSpec           *pspec,
                                             FapilogSettingSource  source,
                                             const GValue         *value);
/* Takes back every value @source gave. */
void     _fapilog_settings_clear_source     (FapilogSettings      *self,
                                             FapilogSettingSource  source);
/* The value the property has without any source: the built-in default.
 * @value is unset; the caller unsets it after use. */
void     _fapilog_settings_get_builtin_default (GParamSpec *pspec,
                                                GValue     *value);
/* Whether two values of @pspec's type are equal (lists by content). */
gboolean _fapilog_settings_values_equal (GParamSpec   *pspec,
                                         const GValue *a,
                                         const GValue *b);

/* Presets (fapilog-presets.c). */

/* Replaces the preset layer of @self with the preset @name (which must
 * exist), chosen by @chosen_by (ENV or CODE): a preset chosen by the
 * environment does not replace one chosen in code. */
void     _fapilog_settings_use_preset       (FapilogSettings      *self,
                                             const char           *name,
                                             FapilogSettingSource  chosen_by);

/* GSettings (fapilog-settings-gsettings.c). */

/* Follows the keys of @settings's GSettings (if any was applied) that
 * can change while a pipeline runs: log-level and
 * internal-logging-enabled. When such a key changes and the property's
 * effective value changes with it (a higher source may hold it), @func is
 * called with a strong reference to @target and a private copy of the
 * settings holding the new value, in the thread-default main context the
 * GSettings object was created in. Returns %NULL when there is nothing to
 * follow. */
typedef struct _FapilogSettingsFollower FapilogSettingsFollower;
typedef void (*FapilogSettingsLiveFunc) (GObject         *target,
                                         FapilogSettings *live,
                                         GParamSpec      *pspec);

FapilogSettingsFollower *_fapilog_settings_follow   (FapilogSettings         *settings,
                                                     GObject                 *target,
                                                     FapilogSettingsLiveFunc  func);
/* Stops following; @func is not called after this returns, except by a
 * change being delivered on another thread at this very moment. */
void                     _fapilog_settings_unfollow (FapilogSettingsFollower *follower);

/* Applies, in this order of precedence, what a program configured "from
 * the environment" reads: the preset of FAPILOG_PRESET, the org.fapilog
 * GSettings when that schema is installed, and the FAPILOG_* variables.
 * Used by fapilog_pipeline_new_from_environment() and the default
 * pipeline. */
gboolean _fapilog_settings_apply_startup   (FapilogSettings  *self,
                                            GError          **error);

/* The webhook secret (the property is write-only), or %NULL when none is
 * set. Only for the webhook sink's factory: never print it. */
const char *_fapilog_settings_get_webhook_secret (FapilogSettings *self);

typedef void (*FapilogSettingsHeaderFunc) (const char *name,
                                           const char *value,
                                           gpointer    user_data);

/* Calls @func for each header of http-headers (webhook-headers), in the
 * order of the JSON object. */
void _fapilog_settings_foreach_http_header    (FapilogSettings           *self,
                                               FapilogSettingsHeaderFunc  func,
                                               gpointer                   user_data);
void _fapilog_settings_foreach_webhook_header (FapilogSettings           *self,
                                               FapilogSettingsHeaderFunc  func,
                                               gpointer                   user_data);

G_END_DECLS
