/* test-settings.c: FapilogSettings, the FAPILOG_* environment and the value parsers
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "fapilog-config-parse-private.h"
#include "fapilog-enum-types.h"
#include "fapilog-error.h"
#include "fapilog-http-sink.h"
#include "fapilog-mmap-file-sink.h"
#include "fapilog-pipeline.h"
#include "fapilog-settings-private.h"
#include "fapilog-sink-registry.h"
#include "fapilog-webhook-sink.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* One text form per property type, so tables can state expectations as
 * strings: enums by nick, lists joined with ',', NULL as "(null)". */
static char *
value_to_string (const GValue *value)
{
  GType type = G_VALUE_TYPE (value);

  if (type == G_TYPE_UINT)
    return g_strdup_printf ("%u", g_value_get_uint (value));
  if (type == G_TYPE_INT)
    return g_strdup_printf ("%d", g_value_get_int (value));
  if (type == G_TYPE_UINT64)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (value));
  if (type == G_TYPE_DOUBLE)
    return g_strdup_printf ("%g", g_value_get_double (value));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (g_value_get_boolean (value) ? "true" : "false");
  if (type == G_TYPE_STRING)
    return g_strdup (g_value_get_string (value) != NULL ? g_value_get_string (value) : "(null)");
  if (type == G_TYPE_STRV)
    {
      char **strv = g_value_get_boxed (value);

      return strv != NULL ? g_strjoinv (",", strv) : g_strdup ("(null)");
    }
  if (G_TYPE_IS_ENUM (type))
    {
      GEnumClass *klass = g_type_class_ref (type);
      GEnumValue *enum_value = g_enum_get_value (klass, g_value_get_enum (value));
      char *nick = g_strdup (enum_value != NULL ? enum_value->value_nick : "(invalid)");

      g_type_class_unref (klass);
      return nick;
    }

  g_assert_not_reached ();
}

static char *
property_to_string (FapilogSettings *settings,
                    const char      *name)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (settings), name);
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (pspec);

  /* The one write-only property: tables compare it through the accessor
   * the webhook factory uses. */
  if (!(pspec->flags & G_PARAM_READABLE))
    {
      const char *secret = _fapilog_settings_get_webhook_secret (settings);

      g_assert_cmpstr (pspec->name, ==, "webhook-secret");
      return g_strdup (secret != NULL ? secret : "(null)");
    }

  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (settings), name, &value);
  return value_to_string (&value);
}

static void
assert_property (FapilogSettings *settings,
                 const char      *name,
                 const char      *expected)
{
  g_autofree char *actual = property_to_string (settings, name);

  if (g_strcmp0 (actual, expected) != 0)
    g_error ("property %s is \"%s\", expected \"%s\"", name, actual, expected);
}

/* Same value and same source for every property. */
static void
assert_same_settings (FapilogSettings *a,
                      FapilogSettings *b)
{
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n_pspecs);

  for (guint i = 0; i < n_pspecs; i++)
    {
      g_autofree char *va = property_to_string (a, pspecs[i]->name);
      g_autofree char *vb = property_to_string (b, pspecs[i]->name);

      if (g_strcmp0 (va, vb) != 0)
        g_error ("property %s differs: \"%s\" vs \"%s\"", pspecs[i]->name, va, vb);
      g_assert_cmpstr (_fapilog_settings_get_source (a, pspecs[i]->name), ==,
                       _fapilog_settings_get_source (b, pspecs[i]->name));
    }

  g_assert_cmpuint (a->protected_levels_mask, ==, b->protected_levels_mask);
}

static gboolean
apply_envv (FapilogSettings  *settings,
            GError          **error,
            const char       *first,
            va_list           args)
{
  g_autoptr(GPtrArray) envp = g_ptr_array_new ();

  for (const char *entry = first; entry != NULL; entry = va_arg (args, const char *))
    g_ptr_array_add (envp, (gpointer) entry);
  g_ptr_array_add (envp, NULL);

  return fapilog_settings_apply_environment (settings, (const char * const *) envp->pdata, error);
}

/* apply_env (settings, &error, "NAME=value", ..., NULL) */
G_GNUC_NULL_TERMINATED static gboolean
apply_env (FapilogSettings  *settings,
           GError          **error,
           const char       *first,
           ...)
{
  va_list args;
  gboolean ok;

  va_start (args, first);
  ok = apply_envv (settings, error, first, args);
  va_end (args);
  return ok;
}

typedef struct {
  GHashTable *counts; /* property name -> count */
  guint       total;
} NotifyLog;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  NotifyLog *log = user_data;
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, pspec->name));

  g_hash_table_insert (log->counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
  log->total++;
}

static void
notify_log_init (NotifyLog       *log,
                 FapilogSettings *settings)
{
  log->counts = g_hash_table_new (g_str_hash, g_str_equal);
  log->total = 0;
  g_signal_connect (settings, "notify", G_CALLBACK (on_notify), log);
}

static void
notify_log_reset (NotifyLog *log)
{
  g_hash_table_remove_all (log->counts);
  log->total = 0;
}

static guint
notify_count (NotifyLog  *log,
              const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (log->counts, name));
}

static void
notify_log_clear (NotifyLog       *log,
                  FapilogSettings *settings)
{
  g_signal_handlers_disconnect_by_func (settings, on_notify, log);
  g_clear_pointer (&log->counts, g_hash_table_unref);
}

/* How our error messages quote a plain ASCII value: like g_strescape(). */
static char *
quoted_fragment (const char *value)
{
  g_autofree char *escaped = g_strescape (value, NULL);

  return g_strdup_printf ("invalid value \"%s\"", escaped);
}

/* ------------------------------------------------------------------------
 * Defaults and the property definitions
 * ------------------------------------------------------------------------ */

static void
test_defaults (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  const guint default_mask = FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_ERROR) |
                             FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_CRITICAL) |
                             FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_AUDIT) |
                             FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_SECURITY);
  static const struct {
    const char *property;
    const char *value;
  } defaults[] = {
    { "log-level", "info" },
    { "max-queue-size", "10000" },
    { "protected-queue-size", "0" },
    { "protected-levels", "ERROR,CRITICAL,AUDIT,SECURITY" },
    { "batch-max-size", "256" },
    { "batch-timeout-seconds", "0.25" },
    { "overflow-policy", "drop-newest" },
    { "backpressure-wait-ms", "50" },
    { "sinks", "(null)" },
    { "serialize-in-flush", "true" },
    { "sink-write-timeout-seconds", "30" },
    { "sink-backlog-size", "0" },
    { "internal-logging-enabled", "true" },
    { "shutdown-timeout-seconds", "3" },
    { "atexit-drain-enabled", "true" },
    { "atexit-drain-timeout-seconds", "2" },
    { "service", "fapilog" },
    { "env", "dev" },
    { "version", "(null)" },
    { "file-directory", "(null)" },
    { "file-filename-prefix", "fapilog" },
    { "file-mode", "json" },
    { "file-max-bytes", "10485760" },
    { "file-interval-seconds", "0" },
    { "file-max-files", "0" },
    { "file-max-total-bytes", "0" },
    { "file-compress-rotated", "false" },
    { "file-file-mode", "416" }, /* 0640 */
    { "file-fsync", "rotate" },
    { "http-endpoint", "(null)" },
    { "http-headers", "(null)" },
    { "http-timeout-seconds", "5" },
    { "http-retry-max-attempts", "3" },
    { "http-retry-backoff-seconds", "1" },
    { "http-retry-max-backoff-seconds", "30" },
    { "http-batch-size", "100" },
    { "http-batch-timeout-seconds", "5" },
    { "http-batch-max-bytes", "1048576" },
    { "http-batch-format", "array" },
    { "http-batch-wrapper-key", "logs" },
    { "http-compression", "none" },
    { "http-tls-ca-file", "(null)" },
    { "http-max-pending-bytes", "16777216" },
    { "webhook-endpoint", "(null)" },
    { "webhook-secret", "(null)" },
    { "webhook-headers", "(null)" },
    { "webhook-timeout-seconds", "5" },
    { "webhook-retry-max-attempts", "3" },
    { "webhook-retry-backoff-seconds", "1" },
    { "webhook-retry-max-backoff-seconds", "30" },
    { "webhook-batch-size", "1" },
    { "webhook-batch-timeout-seconds", "5" },
    { "webhook-max-pending-bytes", "16777216" },
    { "webhook-tls-ca-file", "(null)" },
    { "mmap-path", "(null)" },
    { "mmap-initial-size", "1048576" },
    { "mmap-growth-factor", "2" },
    { "mmap-growth-min-bytes", "1048576" },
    { "mmap-max-size", "0" },
    { "mmap-sync-mode", "none" },
    { "mmap-sync-interval-ms", "1000" },
    { "mmap-sync-every-bytes", "1048576" },
    { "mmap-flush-on-close", "true" },
    { "mmap-file-mode", "416" }, /* 0640 */
  };
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (settings), &n_pspecs);

  /* Every property is in the table, so a new one cannot go untested. */
  g_assert_cmpuint (n_pspecs, ==, G_N_ELEMENTS (defaults));

  for (gsize i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      assert_property (settings, defaults[i].property, defaults[i].value);
      g_assert_cmpstr (_fapilog_settings_get_source (settings, defaults[i].property), ==, "default");
    }

  /* The struct the core reads directly agrees with the properties. */
  g_assert_cmpint (settings->log_level, ==, FAPILOG_LEVEL_INFO);
  g_assert_cmpuint (settings->max_queue_size, ==, 10000);
  g_assert_cmpuint (settings->protected_queue_size, ==, 0);
  g_assert_cmpuint (settings->protected_levels_mask, ==, default_mask);
  g_assert_cmpuint (settings->batch_max_size, ==, 256);
  g_assert_cmpfloat (settings->batch_timeout_seconds, ==, 0.25);
  g_assert_cmpint (settings->overflow_policy, ==, FAPILOG_OVERFLOW_DROP_NEWEST);
  g_assert_cmpint (settings->backpressure_wait_ms, ==, 50);
  g_assert_null (settings->sinks);
  g_assert_true (settings->serialize_in_flush);
  g_assert_cmpfloat (settings->sink_write_timeout_seconds, ==, 30.0);
  g_assert_cmpuint (settings->sink_backlog_size, ==, 0);
  g_assert_true (settings->internal_logging_enabled);
  g_assert_cmpfloat (settings->shutdown_timeout_seconds, ==, 3.0);
  g_assert_true (settings->atexit_drain_enabled);
  g_assert_cmpfloat (settings->atexit_drain_timeout_seconds, ==, 2.0);
  g_assert_cmpstr (settings->service, ==, "fapilog");
  g_assert_cmpstr (settings->env, ==, "dev");
  g_assert_null (settings->version);
  g_assert_null (settings->file_directory);
  g_assert_cmpstr (settings->file_filename_prefix, ==, "fapilog");
  g_assert_cmpint (settings->file_format, ==, FAPILOG_FILE_FORMAT_JSON);
  g_assert_cmpuint (settings->file_max_bytes, ==, 10 * 1024 * 1024);
  g_assert_cmpfloat (settings->file_interval_seconds, ==, 0.0);
  g_assert_cmpuint (settings->file_max_files, ==, 0);
  g_assert_cmpuint (settings->file_max_total_bytes, ==, 0);
  g_assert_false (settings->file_compress_rotated);
  g_assert_cmpuint (settings->file_file_mode, ==, 0640);
  g_assert_cmpint (settings->file_fsync, ==, FAPILOG_FSYNC_ROTATE);
  g_assert_null (settings->http_endpoint);
  g_assert_null (settings->http_headers.json);
  g_assert_null (settings->http_headers.names);
  g_assert_null (settings->http_headers.values);
  g_assert_cmpfloat (settings->http_timeout_seconds, ==, 5.0);
  g_assert_cmpuint (settings->http_retry_max_attempts, ==, 3);
  g_assert_cmpfloat (settings->http_retry_backoff_seconds, ==, 1.0);
  g_assert_cmpfloat (settings->http_retry_max_backoff_seconds, ==, 30.0);
  g_assert_cmpuint (settings->http_batch_size, ==, 100);
  g_assert_cmpfloat (settings->http_batch_timeout_seconds, ==, 5.0);
  g_assert_cmpuint (settings->http_batch_max_bytes, ==, 1024 * 1024);
  g_assert_cmpint (settings->http_batch_format, ==, FAPILOG_HTTP_BATCH_FORMAT_ARRAY);
  g_assert_cmpstr (settings->http_batch_wrapper_key, ==, "logs");
  g_assert_cmpint (settings->http_compression, ==, FAPILOG_HTTP_COMPRESSION_NONE);
  g_assert_null (settings->http_tls_ca_file);
  g_assert_cmpuint (settings->http_max_pending_bytes, ==, 16 * 1024 * 1024);
  g_assert_null (settings->webhook_endpoint);
  g_assert_null (settings->webhook_secret);
  g_assert_null (_fapilog_settings_get_webhook_secret (settings));
  g_assert_null (settings->webhook_headers.json);
  g_assert_null (settings->webhook_headers.names);
  g_assert_cmpfloat (settings->webhook_timeout_seconds, ==, 5.0);
  g_assert_cmpuint (settings->webhook_retry_max_attempts, ==, 3);
  g_assert_cmpfloat (settings->webhook_retry_backoff_seconds, ==, 1.0);
  g_assert_cmpfloat (settings->webhook_retry_max_backoff_seconds, ==, 30.0);
  g_assert_cmpuint (settings->webhook_batch_size, ==, 1);
  g_assert_cmpfloat (settings->webhook_batch_timeout_seconds, ==, 5.0);
  g_assert_cmpuint (settings->webhook_max_pending_bytes, ==, 16 * 1024 * 1024);
  g_assert_null (settings->webhook_tls_ca_file);
  g_assert_null (settings->mmap_path);
  g_assert_cmpuint (settings->mmap_initial_size, ==, 1024 * 1024);
  g_assert_cmpfloat (settings->mmap_growth_factor, ==, 2.0);
  g_assert_cmpuint (settings->mmap_growth_min_bytes, ==, 1024 * 1024);
  g_assert_cmpuint (settings->mmap_max_size, ==, 0);
  g_assert_cmpint (settings->mmap_sync_mode, ==, FAPILOG_MMAP_SYNC_NONE);
  g_assert_cmpuint (settings->mmap_sync_interval_ms, ==, 1000);
  g_assert_cmpuint (settings->mmap_sync_every_bytes, ==, 1024 * 1024);
  g_assert_true (settings->mmap_flush_on_close);
  g_assert_cmpuint (settings->mmap_file_mode, ==, 0640);

  g_assert_cmpuint (_fapilog_settings_get_protected_queue_size (settings), ==, 1000);
  g_assert_cmpuint (_fapilog_settings_get_sink_backlog_size (settings), ==, 10000);
}

static void
test_param_specs (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  GObjectClass *klass = G_OBJECT_GET_CLASS (settings);
  guint n_pspecs;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (klass, &n_pspecs);
  GParamSpec *pspec;

  for (guint i = 0; i < n_pspecs; i++)
    {
      const GValue *default_value;
      g_autofree char *expected = NULL;

      pspec = pspecs[i];
      /* Every property reads back, except the secret. */
      if (strcmp (pspec->name, "webhook-secret") == 0)
        g_assert_false (pspec->flags & G_PARAM_READABLE);
      else
        g_assert_true (pspec->flags & G_PARAM_READABLE);
      g_assert_true (pspec->flags & G_PARAM_WRITABLE);
      g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
      g_assert_cmpint (pspec->flags & G_PARAM_STATIC_STRINGS, ==, G_PARAM_STATIC_STRINGS);

      /* The spec's default (what introspection and GSettings see) is the
       * value a new object has; boxed lists have no default in a spec. */
      if (pspec->value_type == G_TYPE_STRV)
        continue;
      default_value = g_param_spec_get_default_value (pspec);
      expected = value_to_string (default_value);
      assert_property (settings, pspec->name, expected);
    }

  pspec = g_object_class_find_property (klass, "max-queue-size");
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->minimum, ==, 1);
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->maximum, ==, 1000000000);
  pspec = g_object_class_find_property (klass, "batch-max-size");
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->minimum, ==, 1);
  pspec = g_object_class_find_property (klass, "backpressure-wait-ms");
  g_assert_cmpint (G_PARAM_SPEC_INT (pspec)->minimum, ==, -1);
  pspec = g_object_class_find_property (klass, "file-file-mode");
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->minimum, ==, 0);
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->maximum, ==, 0777);
  pspec = g_object_class_find_property (klass, "file-max-bytes");
  g_assert_cmpuint (G_PARAM_SPEC_UINT64 (pspec)->minimum, ==, 0);
  g_assert_cmpuint (G_PARAM_SPEC_UINT64 (pspec)->maximum, ==, G_MAXUINT64);
  pspec = g_object_class_find_property (klass, "file-interval-seconds");
  g_assert_cmpfloat (G_PARAM_SPEC_DOUBLE (pspec)->minimum, ==, 0.0);
  g_assert_cmpfloat (G_PARAM_SPEC_DOUBLE (pspec)->maximum, ==, 365.0 * 86400.0);

  /* At least one attempt, one entry and one byte. */
  {
    static const char * const at_least_one[] = {
      "http-retry-max-attempts", "http-batch-size", "webhook-retry-max-attempts",
      "webhook-batch-size",
    };
    static const char * const bytes_at_least_one[] = {
      "http-batch-max-bytes", "http-max-pending-bytes", "webhook-max-pending-bytes",
    };

    for (gsize i = 0; i < G_N_ELEMENTS (at_least_one); i++)
      {
        pspec = g_object_class_find_property (klass, at_least_one[i]);
        g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->minimum, ==, 1);
      }
    for (gsize i = 0; i < G_N_ELEMENTS (bytes_at_least_one); i++)
      {
        pspec = g_object_class_find_property (klass, bytes_at_least_one[i]);
        g_assert_cmpuint (G_PARAM_SPEC_UINT64 (pspec)->minimum, ==, 1);
        g_assert_cmpuint (G_PARAM_SPEC_UINT64 (pspec)->maximum, ==, G_MAXUINT64);
      }
  }
  pspec = g_object_class_find_property (klass, "http-batch-format");
  g_assert_true (pspec->value_type == FAPILOG_TYPE_HTTP_BATCH_FORMAT);
  pspec = g_object_class_find_property (klass, "mmap-sync-mode");
  g_assert_true (pspec->value_type == FAPILOG_TYPE_MMAP_SYNC_MODE);
  pspec = g_object_class_find_property (klass, "mmap-file-mode");
  g_assert_cmpuint (G_PARAM_SPEC_UINT (pspec)->maximum, ==, 0777);
  pspec = g_object_class_find_property (klass, "mmap-max-size");
  g_assert_cmpuint (G_PARAM_SPEC_UINT64 (pspec)->minimum, ==, 0);
  /* A mapping of 0 bytes, a growth of 0 bytes and a sync every 0 bytes
   * mean nothing. */
  {
    static const char * const mmap_at_least_one[] = {
      "mmap-initial-size", "mmap-growth-min-bytes", "mmap-sync-every-bytes",
    };

    for (gsize i = 0; i < G_N_ELEMENTS (mmap_at_least_one); i++)
      {
        pspec = g_object_class_find_property (klass, mmap_at_least_one[i]);
        g_assert_cmpuint (G_PARAM_SPEC_UINT64 (pspec)->minimum, ==, 1);
      }
  }
  pspec = g_object_class_find_property (klass, "http-compression");
  g_assert_true (pspec->value_type == FAPILOG_TYPE_HTTP_COMPRESSION);

  /* Timeouts cannot be 0 (a busy loop); the rotation interval can, it
   * disables rotation by time. */
  for (guint i = 0; i < n_pspecs; i++)
    if (pspecs[i]->value_type == G_TYPE_DOUBLE &&
        strcmp (pspecs[i]->name, "file-interval-seconds") != 0)
      g_assert_cmpfloat (G_PARAM_SPEC_DOUBLE (pspecs[i])->minimum, >, 0.0);
}

static void
test_derived_sizes (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();

  g_object_set (settings, "max-queue-size", 50, NULL);
  g_assert_cmpuint (_fapilog_settings_get_protected_queue_size (settings), ==, 100);
  g_assert_cmpuint (_fapilog_settings_get_sink_backlog_size (settings), ==, 50);

  g_object_set (settings, "max-queue-size", 5000, NULL);
  g_assert_cmpuint (_fapilog_settings_get_protected_queue_size (settings), ==, 500);

  g_object_set (settings, "protected-queue-size", 7, "sink-backlog-size", 3, NULL);
  g_assert_cmpuint (_fapilog_settings_get_protected_queue_size (settings), ==, 7);
  g_assert_cmpuint (_fapilog_settings_get_sink_backlog_size (settings), ==, 3);
}

/* ------------------------------------------------------------------------
 * Property setters
 * ------------------------------------------------------------------------ */

static void
test_protected_levels_property (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  const char *levels[] = { "error", "Fatal", "bogus", "warn", "", NULL };
  const char *canonical[] = { "WARNING", "ERROR", "CRITICAL", NULL };
  const char *empty[] = { NULL };
  g_auto(GStrv) read_back = NULL;

  g_object_set (settings, "protected-levels", levels, NULL);
  g_assert_cmpuint (settings->protected_levels_mask, ==,
                    FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_WARNING) |
                    FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_ERROR) |
                    FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_CRITICAL));
  g_object_get (settings, "protected-levels", &read_back, NULL);
  g_assert_cmpstrv (read_back, canonical);

  g_object_set (settings, "protected-levels", NULL, NULL);
  g_assert_cmpuint (settings->protected_levels_mask, ==, 0);
  assert_property (settings, "protected-levels", "");

  g_object_set (settings, "protected-levels", canonical, NULL);
  g_object_set (settings, "protected-levels", empty, NULL);
  g_assert_cmpuint (settings->protected_levels_mask, ==, 0);
}

static void
test_sinks_property (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  const char *names[] = { "Stdout-JSON", " HTTP ", "", "rotating_file", NULL };
  const char *expected[] = { "stdout_json", "http", "rotating_file", NULL };
  const char *blank[] = { "", " ", NULL };
  const char *none[] = { NULL };

  g_object_set (settings, "sinks", names, NULL);
  g_assert_cmpstrv (settings->sinks, expected);

  /* Empty lists mean "default selection", which the core reads as NULL. */
  g_object_set (settings, "sinks", none, NULL);
  g_assert_null (settings->sinks);
  g_object_set (settings, "sinks", names, NULL);
  g_object_set (settings, "sinks", blank, NULL);
  g_assert_null (settings->sinks);
  g_object_set (settings, "sinks", names, NULL);
  g_object_set (settings, "sinks", NULL, NULL);
  g_assert_null (settings->sinks);
}

static void
test_string_properties (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();

  g_object_set (settings, "service", "billing", "env", "prod", "version", "1.2.3", NULL);
  g_assert_cmpstr (settings->service, ==, "billing");
  g_assert_cmpstr (settings->env, ==, "prod");
  g_assert_cmpstr (settings->version, ==, "1.2.3");

  /* service and env go into every envelope, so NULL means "default". */
  g_object_set (settings, "service", NULL, "env", NULL, "version", NULL, NULL);
  g_assert_cmpstr (settings->service, ==, "fapilog");
  g_assert_cmpstr (settings->env, ==, "dev");
  g_assert_null (settings->version);

  g_object_set (settings, "file-directory", "/var/log/app",
                "http-endpoint", "https://logs.example.com/", NULL);
  g_assert_cmpstr (settings->file_directory, ==, "/var/log/app");
  g_assert_cmpstr (settings->http_endpoint, ==, "https://logs.example.com/");
}

static void
test_file_properties (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();

  g_object_set (settings,
                "file-filename-prefix", "billing",
                "file-mode", FAPILOG_FILE_FORMAT_TEXT,
                "file-max-bytes", G_GUINT64_CONSTANT (5) << 30,
                "file-interval-seconds", 3600.0,
                "file-max-files", 7,
                "file-max-total-bytes", G_MAXUINT64,
                "file-compress-rotated", TRUE,
                "file-file-mode", 0600,
                "file-fsync", FAPILOG_FSYNC_BATCH,
                NULL);
  g_assert_cmpstr (settings->file_filename_prefix, ==, "billing");
  g_assert_cmpint (settings->file_format, ==, FAPILOG_FILE_FORMAT_TEXT);
  g_assert_cmpuint (settings->file_max_bytes, ==, G_GUINT64_CONSTANT (5) << 30);
  g_assert_cmpfloat (settings->file_interval_seconds, ==, 3600.0);
  g_assert_cmpuint (settings->file_max_files, ==, 7);
  g_assert_cmpuint (settings->file_max_total_bytes, ==, G_MAXUINT64);
  g_assert_true (settings->file_compress_rotated);
  g_assert_cmpuint (settings->file_file_mode, ==, 0600);
  g_assert_cmpint (settings->file_fsync, ==, FAPILOG_FSYNC_BATCH);
  assert_property (settings, "file-mode", "text");
  assert_property (settings, "file-fsync", "batch");
  assert_property (settings, "file-max-total-bytes", "18446744073709551615");

  /* Zero disables or lifts every limit. */
  g_object_set (settings, "file-max-bytes", G_GUINT64_CONSTANT (0),
                "file-interval-seconds", 0.0, "file-max-files", 0,
                "file-max-total-bytes", G_GUINT64_CONSTANT (0), NULL);
  g_assert_cmpuint (settings->file_max_bytes, ==, 0);
  g_assert_cmpfloat (settings->file_interval_seconds, ==, 0.0);
  g_assert_cmpuint (settings->file_max_files, ==, 0);
  g_assert_cmpuint (settings->file_max_total_bytes, ==, 0);

  /* NULL restores the default prefix. */
  g_object_set (settings, "file-filename-prefix", NULL, NULL);
  g_assert_cmpstr (settings->file_filename_prefix, ==, "fapilog");
}

/* A bad prefix from code is refused with a warning: value, source and
 * notifications as if nothing had been set. */
static void
test_file_prefix_refused (void)
{
  static const char * const bad[] = { "", "logs/app", "/", "../up", "app/" };
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  NotifyLog log;

  g_assert_true (fapilog_settings_apply_environment (settings,
                                                     (const char *[]) { "FAPILOG_FILE__FILENAME_PREFIX=kept", NULL },
                                                     NULL));
  g_assert_cmpstr (_fapilog_settings_get_source (settings, "file-filename-prefix"), ==, "env");
  notify_log_init (&log, settings);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                             "*file-filename-prefix*must not be empty or contain '/'*");
      g_object_set (settings, "file-filename-prefix", bad[i], NULL);
      g_test_assert_expected_messages ();
      g_assert_cmpstr (settings->file_filename_prefix, ==, "kept");
      g_assert_cmpstr (_fapilog_settings_get_source (settings, "file-filename-prefix"), ==, "env");
    }

  g_assert_cmpuint (log.total, ==, 0);
  notify_log_clear (&log, settings);
}

/* Sets @pspec to a valid value different from the current one. */
static void
set_different_value (FapilogSettings *settings,
                     GParamSpec      *pspec)
{
  g_auto(GValue) value = G_VALUE_INIT;
  GType type = pspec->value_type;

  g_value_init (&value, type);
  g_object_get_property (G_OBJECT (settings), pspec->name, &value);

  if (type == G_TYPE_UINT)
    {
      guint v = g_value_get_uint (&value);

      g_value_set_uint (&value, v < G_PARAM_SPEC_UINT (pspec)->maximum ? v + 1 : v - 1);
    }
  else if (type == G_TYPE_UINT64)
    {
      guint64 v = g_value_get_uint64 (&value);

      g_value_set_uint64 (&value, v < G_PARAM_SPEC_UINT64 (pspec)->maximum ? v + 1 : v - 1);
    }
  else if (type == G_TYPE_INT)
    {
      gint v = g_value_get_int (&value);

      g_value_set_int (&value, v < G_PARAM_SPEC_INT (pspec)->maximum ? v + 1 : v - 1);
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double v = g_value_get_double (&value);

      /* Doubling 0 (the rotation interval) would not change it. */
      g_value_set_double (&value, v != 0.0 ? v * 2 : 1.0);
    }
  else if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (&value, !g_value_get_boolean (&value));
  else if (type == G_TYPE_STRING && g_str_has_suffix (pspec->name, "-headers"))
    g_value_set_string (&value, g_value_get_string (&value) == NULL ? "{\"X-Other\":\"1\"}" : NULL);
  else if (type == G_TYPE_STRING)
    g_value_set_string (&value, "something else");
  else if (type == G_TYPE_STRV)
    {
      const char *strv[] = { "DEBUG", NULL };

      g_value_set_boxed (&value, strv);
    }
  else if (G_TYPE_IS_ENUM (type))
    {
      GEnumClass *klass = g_type_class_ref (type);
      gint current = g_value_get_enum (&value);

      for (guint i = 0; i < klass->n_values; i++)
        if (klass->values[i].value != current)
          {
            g_value_set_enum (&value, klass->values[i].value);
            break;
          }
      g_type_class_unref (klass);
    }
  else
    g_assert_not_reached ();

  g_object_set_property (G_OBJECT (settings), pspec->name, &value);
}

static void
test_notify_only_on_change (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (settings), &n_pspecs);
  const char *levels_other_spelling[] = { "security", "Fatal", "audit", "error", NULL };
  const char *sinks[] = { "stdout_json", NULL };
  const char *sinks_other_spelling[] = { "Stdout-JSON", NULL };
  NotifyLog log;

  notify_log_init (&log, settings);

  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      /* The write-only secret has a test of its own. */
      if (!(pspecs[i]->flags & G_PARAM_READABLE))
        continue;

      /* Setting the current value again is not a change. */
      g_value_init (&value, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (settings), pspecs[i]->name, &value);
      notify_log_reset (&log);
      g_object_set_property (G_OBJECT (settings), pspecs[i]->name, &value);
      if (log.total != 0)
        g_error ("%s notified without a change", pspecs[i]->name);

      before = property_to_string (settings, pspecs[i]->name);
      set_different_value (settings, pspecs[i]);
      after = property_to_string (settings, pspecs[i]->name);
      g_assert_cmpstr (before, !=, after);
      if (log.total != 1 || notify_count (&log, pspecs[i]->name) != 1)
        g_error ("%s: %u notifications for one change", pspecs[i]->name, log.total);
    }

  /* The same set of levels in another spelling and order. */
  g_object_set (settings, "protected-levels", levels_other_spelling, NULL);
  notify_log_reset (&log);
  g_object_set (settings, "protected-levels", levels_other_spelling, NULL);
  g_assert_cmpuint (log.total, ==, 0);
  {
    const char *canonical[] = { "ERROR", "CRITICAL", "AUDIT", "SECURITY", NULL };

    g_object_set (settings, "protected-levels", canonical, NULL);
    g_assert_cmpuint (log.total, ==, 0);
  }

  /* The same sinks before and after normalization. */
  g_object_set (settings, "sinks", sinks, NULL);
  notify_log_reset (&log);
  g_object_set (settings, "sinks", sinks_other_spelling, NULL);
  g_assert_cmpuint (log.total, ==, 0);

  /* NULL for service restores a default that is already there. */
  g_object_set (settings, "service", NULL, NULL);
  notify_log_reset (&log);
  g_object_set (settings, "service", "fapilog", NULL);
  g_assert_cmpuint (log.total, ==, 0);

  notify_log_clear (&log, settings);
}

/* ------------------------------------------------------------------------
 * Environment: every variable, good values
 * ------------------------------------------------------------------------ */

typedef struct {
  const char *variable;
  const char *value;
  const char *property;
  const char *expected; /* as value_to_string() renders it */
} GoodCase;

static const GoodCase good_cases[] = {
  { "FAPILOG_CORE__LOG_LEVEL", "debug", "log-level", "debug" },
  { "FAPILOG_CORE__LOG_LEVEL", "INFO", "log-level", "info" },
  { "FAPILOG_CORE__LOG_LEVEL", "Warning", "log-level", "warning" },
  { "FAPILOG_CORE__LOG_LEVEL", "warn", "log-level", "warning" },
  { "FAPILOG_CORE__LOG_LEVEL", " ERROR ", "log-level", "error" },
  { "FAPILOG_CORE__LOG_LEVEL", "critical", "log-level", "critical" },
  { "FAPILOG_CORE__LOG_LEVEL", "FATAL", "log-level", "critical" },
  { "FAPILOG_CORE__LOG_LEVEL", "audit", "log-level", "audit" },
  { "FAPILOG_CORE__LOG_LEVEL", "\"security\"", "log-level", "security" },

  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "1", "max-queue-size", "1" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "500", "max-queue-size", "500" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "1000000000", "max-queue-size", "1000000000" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", " +42 ", "max-queue-size", "42" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "'64'", "max-queue-size", "64" },

  { "FAPILOG_CORE__PROTECTED_QUEUE_SIZE", "250", "protected-queue-size", "250" },
  { "FAPILOG_CORE__PROTECTED_QUEUE_SIZE", "0", "protected-queue-size", "0" },

  { "FAPILOG_CORE__PROTECTED_LEVELS", "[\"ERROR\",\"CRITICAL\"]", "protected-levels", "ERROR,CRITICAL" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "error, audit", "protected-levels", "ERROR,AUDIT" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "security,debug,fatal", "protected-levels", "DEBUG,CRITICAL,SECURITY" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "[\" warn \"]", "protected-levels", "WARNING" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "[]", "protected-levels", "" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "", "protected-levels", "" },

  { "FAPILOG_CORE__BATCH_MAX_SIZE", "1", "batch-max-size", "1" },
  { "FAPILOG_CORE__BATCH_MAX_SIZE", "1000000", "batch-max-size", "1000000" },

  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "5", "batch-timeout-seconds", "5" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "0.25", "batch-timeout-seconds", "0.25" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "250ms", "batch-timeout-seconds", "0.25" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "30s", "batch-timeout-seconds", "30" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "1h", "batch-timeout-seconds", "3600" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "1.5m", "batch-timeout-seconds", "90" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", ".5", "batch-timeout-seconds", "0.5" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "1ms", "batch-timeout-seconds", "0.001" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "1w", "batch-timeout-seconds", "604800" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "365d", "batch-timeout-seconds", "3.1536e+07" },

  { "FAPILOG_CORE__OVERFLOW_POLICY", "block", "overflow-policy", "block" },
  { "FAPILOG_CORE__OVERFLOW_POLICY", "drop_newest", "overflow-policy", "drop-newest" },
  { "FAPILOG_CORE__OVERFLOW_POLICY", "DROP_OLDEST", "overflow-policy", "drop-oldest" },
  { "FAPILOG_CORE__OVERFLOW_POLICY", "drop-oldest", "overflow-policy", "drop-oldest" },
  { "FAPILOG_CORE__OVERFLOW_POLICY", " Block ", "overflow-policy", "block" },

  { "FAPILOG_CORE__DROP_ON_FULL", "true", "overflow-policy", "drop-newest" },
  { "FAPILOG_CORE__DROP_ON_FULL", "false", "overflow-policy", "block" },
  { "FAPILOG_CORE__DROP_ON_FULL", "0", "overflow-policy", "block" },
  { "FAPILOG_CORE__DROP_ON_FULL", "YES", "overflow-policy", "drop-newest" },

  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "-1", "backpressure-wait-ms", "-1" },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "0", "backpressure-wait-ms", "0" },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "200", "backpressure-wait-ms", "200" },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "2147483647", "backpressure-wait-ms", "2147483647" },

  { "FAPILOG_CORE__SINKS", "[\"stdout_json\",\"http\"]", "sinks", "stdout_json,http" },
  { "FAPILOG_CORE__SINKS", "stdout_json, rotating_file", "sinks", "stdout_json,rotating_file" },
  { "FAPILOG_CORE__SINKS", "Stdout-JSON", "sinks", "stdout_json" },
  { "FAPILOG_CORE__SINKS", "[\"Rotating-File\", \" HTTP \"]", "sinks", "rotating_file,http" },
  { "FAPILOG_CORE__SINKS", "[]", "sinks", "(null)" },
  { "FAPILOG_CORE__SINKS", "", "sinks", "(null)" },
  { "FAPILOG_CORE__SINKS", " , ,", "sinks", "(null)" },

  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "false", "serialize-in-flush", "false" },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "0", "serialize-in-flush", "false" },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "No", "serialize-in-flush", "false" },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "OFF", "serialize-in-flush", "false" },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "True", "serialize-in-flush", "true" },

  { "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS", "5", "sink-write-timeout-seconds", "5" },
  { "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS", "1500ms", "sink-write-timeout-seconds", "1.5" },
  { "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS", "2m", "sink-write-timeout-seconds", "120" },

  { "FAPILOG_CORE__SINK_BACKLOG_SIZE", "123", "sink-backlog-size", "123" },
  { "FAPILOG_CORE__SINK_BACKLOG_SIZE", "0", "sink-backlog-size", "0" },

  { "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED", "off", "internal-logging-enabled", "false" },
  { "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED", "FALSE", "internal-logging-enabled", "false" },
  { "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED", "yes", "internal-logging-enabled", "true" },

  { "FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS", "10", "shutdown-timeout-seconds", "10" },
  { "FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS", "0.5h", "shutdown-timeout-seconds", "1800" },

  { "FAPILOG_CORE__ATEXIT_DRAIN_ENABLED", "no", "atexit-drain-enabled", "false" },
  { "FAPILOG_CORE__ATEXIT_DRAIN_ENABLED", "ON", "atexit-drain-enabled", "true" },
  { "FAPILOG_CORE__ATEXIT_DRAIN_ENABLED", "1", "atexit-drain-enabled", "true" },

  { "FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS", "0.5", "atexit-drain-timeout-seconds", "0.5" },
  { "FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS", "1 m", "atexit-drain-timeout-seconds", "60" },

  { "FAPILOG_SERVICE", "billing", "service", "billing" },
  { "FAPILOG_ENV", "prod", "env", "prod" },
  { "ENV", "staging", "env", "staging" },
  { "FAPILOG_VERSION", "1.2.3", "version", "1.2.3" },
  { "FAPILOG_FILE__DIRECTORY", "/var/log/app", "file-directory", "/var/log/app" },

  { "FAPILOG_FILE__FILENAME_PREFIX", "billing", "file-filename-prefix", "billing" },
  { "FAPILOG_FILE__FILENAME_PREFIX", "my app.v2", "file-filename-prefix", "my app.v2" },
  { "FAPILOG_FILE__FILENAME_PREFIX", "..", "file-filename-prefix", ".." },

  { "FAPILOG_FILE__MODE", "json", "file-mode", "json" },
  { "FAPILOG_FILE__MODE", "text", "file-mode", "text" },
  { "FAPILOG_FILE__MODE", "TEXT", "file-mode", "text" },
  { "FAPILOG_FILE__MODE", " Json ", "file-mode", "json" },
  { "FAPILOG_FILE__MODE", "\"text\"", "file-mode", "text" },

  { "FAPILOG_FILE__MAX_BYTES", "10485760", "file-max-bytes", "10485760" },
  { "FAPILOG_FILE__MAX_BYTES", "10 MB", "file-max-bytes", "10485760" },
  { "FAPILOG_FILE__MAX_BYTES", "10MiB", "file-max-bytes", "10485760" },
  { "FAPILOG_FILE__MAX_BYTES", "\"64 kb\"", "file-max-bytes", "65536" },
  { "FAPILOG_FILE__MAX_BYTES", "1.5 GB", "file-max-bytes", "1610612736" },
  { "FAPILOG_FILE__MAX_BYTES", "128", "file-max-bytes", "128" },
  { "FAPILOG_FILE__MAX_BYTES", "0", "file-max-bytes", "0" },
  { "FAPILOG_FILE__MAX_BYTES", "18446744073709551615", "file-max-bytes", "18446744073709551615" },

  { "FAPILOG_FILE__INTERVAL_SECONDS", "3600", "file-interval-seconds", "3600" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "hourly", "file-interval-seconds", "3600" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "Daily", "file-interval-seconds", "86400" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "WEEKLY", "file-interval-seconds", "604800" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "30m", "file-interval-seconds", "1800" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "1h", "file-interval-seconds", "3600" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "2w", "file-interval-seconds", "1.2096e+06" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "100ms", "file-interval-seconds", "0.1" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "1ms", "file-interval-seconds", "0.001" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "365d", "file-interval-seconds", "3.1536e+07" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "'daily'", "file-interval-seconds", "86400" },
  /* 0 is also the default: the source check of test_env_good shows it
   * was applied, and test_env_file_zero starts from other values. */
  { "FAPILOG_FILE__INTERVAL_SECONDS", "0", "file-interval-seconds", "0" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "0s", "file-interval-seconds", "0" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "0.0", "file-interval-seconds", "0" },

  { "FAPILOG_FILE__MAX_FILES", "0", "file-max-files", "0" },
  { "FAPILOG_FILE__MAX_FILES", "5", "file-max-files", "5" },
  { "FAPILOG_FILE__MAX_FILES", "4294967295", "file-max-files", "4294967295" },

  { "FAPILOG_FILE__MAX_TOTAL_BYTES", "1 GiB", "file-max-total-bytes", "1073741824" },
  { "FAPILOG_FILE__MAX_TOTAL_BYTES", "256", "file-max-total-bytes", "256" },
  { "FAPILOG_FILE__MAX_TOTAL_BYTES", "0", "file-max-total-bytes", "0" },

  { "FAPILOG_FILE__COMPRESS_ROTATED", "true", "file-compress-rotated", "true" },
  { "FAPILOG_FILE__COMPRESS_ROTATED", "1", "file-compress-rotated", "true" },
  { "FAPILOG_FILE__COMPRESS_ROTATED", "On", "file-compress-rotated", "true" },
  { "FAPILOG_FILE__COMPRESS_ROTATED", "no", "file-compress-rotated", "false" },

  { "FAPILOG_FILE__FILE_MODE", "0640", "file-file-mode", "416" },
  { "FAPILOG_FILE__FILE_MODE", "640", "file-file-mode", "416" },
  { "FAPILOG_FILE__FILE_MODE", "0600", "file-file-mode", "384" },
  { "FAPILOG_FILE__FILE_MODE", "644", "file-file-mode", "420" },
  { "FAPILOG_FILE__FILE_MODE", "0777", "file-file-mode", "511" },
  { "FAPILOG_FILE__FILE_MODE", "0", "file-file-mode", "0" },
  { "FAPILOG_FILE__FILE_MODE", "00640", "file-file-mode", "416" },
  { "FAPILOG_FILE__FILE_MODE", "\"0640\"", "file-file-mode", "416" },

  { "FAPILOG_FILE__FSYNC", "never", "file-fsync", "never" },
  { "FAPILOG_FILE__FSYNC", "rotate", "file-fsync", "rotate" },
  { "FAPILOG_FILE__FSYNC", "BATCH", "file-fsync", "batch" },
  { "FAPILOG_FILE__FSYNC", " Never ", "file-fsync", "never" },

  { "FAPILOG_HTTP__ENDPOINT", "https://logs.example.com/ingest", "http-endpoint",
    "https://logs.example.com/ingest" },

  /* Headers read back in compact form, in the object's order. */
  { "FAPILOG_HTTP__HEADERS", "{\"Authorization\":\"Bearer t0ken\"}", "http-headers",
    "{\"Authorization\":\"Bearer t0ken\"}" },
  { "FAPILOG_HTTP__HEADERS", " { \"X-B\" : \"2\", \"x-a\":\"two words\" } ", "http-headers",
    "{\"X-B\":\"2\",\"x-a\":\"two words\"}" },
  { "FAPILOG_HTTP__HEADERS", "{\"X-Team\":\"b\\u00fccher\",\"X-Tab\":\"a\\tb\"}", "http-headers",
    "{\"X-Team\":\"b\xc3\xbc" "cher\",\"X-Tab\":\"a\\tb\"}" },
  { "FAPILOG_HTTP__HEADERS", "{\"X-Empty\":\"\",\"!#$%&'*+-.^_`|~09az\":\"x\"}", "http-headers",
    "{\"X-Empty\":\"\",\"!#$%&'*+-.^_`|~09az\":\"x\"}" },
  { "FAPILOG_HTTP__HEADERS", "{}", "http-headers", "(null)" },
  { "FAPILOG_HTTP__HEADERS", "", "http-headers", "(null)" },

  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "10", "http-timeout-seconds", "10" },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "250ms", "http-timeout-seconds", "0.25" },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "1m", "http-timeout-seconds", "60" },

  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "1", "http-retry-max-attempts", "1" },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "10", "http-retry-max-attempts", "10" },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "1000", "http-retry-max-attempts", "1000" },

  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS", "0.5", "http-retry-backoff-seconds", "0.5" },
  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS", "200ms", "http-retry-backoff-seconds", "0.2" },
  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS", "2s", "http-retry-backoff-seconds", "2" },

  { "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS", "60", "http-retry-max-backoff-seconds", "60" },
  { "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS", "2m", "http-retry-max-backoff-seconds", "120" },

  { "FAPILOG_HTTP__BATCH_SIZE", "1", "http-batch-size", "1" },
  { "FAPILOG_HTTP__BATCH_SIZE", "500", "http-batch-size", "500" },
  { "FAPILOG_HTTP__BATCH_SIZE", "1000000", "http-batch-size", "1000000" },

  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "1", "http-batch-timeout-seconds", "1" },
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "100ms", "http-batch-timeout-seconds", "0.1" },
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "30s", "http-batch-timeout-seconds", "30" },

  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "1 MB", "http-batch-max-bytes", "1048576" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "512KiB", "http-batch-max-bytes", "524288" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "\"2 mb\"", "http-batch-max-bytes", "2097152" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "65536", "http-batch-max-bytes", "65536" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "1", "http-batch-max-bytes", "1" },

  { "FAPILOG_HTTP__BATCH_FORMAT", "array", "http-batch-format", "array" },
  { "FAPILOG_HTTP__BATCH_FORMAT", "NDJSON", "http-batch-format", "ndjson" },
  { "FAPILOG_HTTP__BATCH_FORMAT", " Wrapped ", "http-batch-format", "wrapped" },
  { "FAPILOG_HTTP__BATCH_FORMAT", "'ndjson'", "http-batch-format", "ndjson" },

  { "FAPILOG_HTTP__BATCH_WRAPPER_KEY", "records", "http-batch-wrapper-key", "records" },
  { "FAPILOG_HTTP__BATCH_WRAPPER_KEY", "log entries", "http-batch-wrapper-key", "log entries" },

  { "FAPILOG_HTTP__COMPRESSION", "gzip", "http-compression", "gzip" },
  { "FAPILOG_HTTP__COMPRESSION", "GZIP", "http-compression", "gzip" },
  { "FAPILOG_HTTP__COMPRESSION", "none", "http-compression", "none" },

  { "FAPILOG_HTTP__TLS_CA_FILE", "/etc/ssl/private-ca.pem", "http-tls-ca-file",
    "/etc/ssl/private-ca.pem" },

  { "FAPILOG_HTTP__MAX_PENDING_BYTES", "64 MB", "http-max-pending-bytes", "67108864" },
  { "FAPILOG_HTTP__MAX_PENDING_BYTES", "1", "http-max-pending-bytes", "1" },
  { "FAPILOG_HTTP__MAX_PENDING_BYTES", "1.5 GiB", "http-max-pending-bytes", "1610612736" },

  { "FAPILOG_WEBHOOK__ENDPOINT", "https://hooks.example.com/logs", "webhook-endpoint",
    "https://hooks.example.com/logs" },

  /* Taken byte for byte, spaces and quotes included. */
  { "FAPILOG_WEBHOOK__SECRET", "s3cr3t", "webhook-secret", "s3cr3t" },
  { "FAPILOG_WEBHOOK__SECRET", " 'spaced' ", "webhook-secret", " 'spaced' " },

  { "FAPILOG_WEBHOOK__HEADERS", "{\"X-Source\":\"billing\"}", "webhook-headers",
    "{\"X-Source\":\"billing\"}" },
  { "FAPILOG_WEBHOOK__HEADERS", "{}", "webhook-headers", "(null)" },

  { "FAPILOG_WEBHOOK__TIMEOUT_SECONDS", "2", "webhook-timeout-seconds", "2" },
  { "FAPILOG_WEBHOOK__TIMEOUT_SECONDS", "1500ms", "webhook-timeout-seconds", "1.5" },

  { "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS", "1", "webhook-retry-max-attempts", "1" },
  { "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS", "7", "webhook-retry-max-attempts", "7" },

  { "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS", "0.25", "webhook-retry-backoff-seconds", "0.25" },
  { "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS", "3s", "webhook-retry-backoff-seconds", "3" },

  { "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS", "10", "webhook-retry-max-backoff-seconds", "10" },
  { "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS", "1h", "webhook-retry-max-backoff-seconds", "3600" },

  { "FAPILOG_WEBHOOK__BATCH_SIZE", "1", "webhook-batch-size", "1" },
  { "FAPILOG_WEBHOOK__BATCH_SIZE", "25", "webhook-batch-size", "25" },

  { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS", "2", "webhook-batch-timeout-seconds", "2" },
  { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS", "50ms", "webhook-batch-timeout-seconds", "0.05" },

  { "FAPILOG_WEBHOOK__MAX_PENDING_BYTES", "4 MB", "webhook-max-pending-bytes", "4194304" },
  { "FAPILOG_WEBHOOK__MAX_PENDING_BYTES", "100000", "webhook-max-pending-bytes", "100000" },

  { "FAPILOG_WEBHOOK__TLS_CA_FILE", "/etc/ssl/hooks-ca.pem", "webhook-tls-ca-file",
    "/etc/ssl/hooks-ca.pem" },

  { "FAPILOG_MMAP__PATH", "/var/log/app/events.jsonl", "mmap-path", "/var/log/app/events.jsonl" },
  { "FAPILOG_MMAP__PATH", "relative dir/x.log", "mmap-path", "relative dir/x.log" },

  { "FAPILOG_MMAP__INITIAL_SIZE", "4096", "mmap-initial-size", "4096" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "64 KB", "mmap-initial-size", "65536" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "\"2 MiB\"", "mmap-initial-size", "2097152" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "1", "mmap-initial-size", "1" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "9223372036854775807", "mmap-initial-size",
    "9223372036854775807" },

  { "FAPILOG_MMAP__GROWTH_FACTOR", "1.5", "mmap-growth-factor", "1.5" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "4", "mmap-growth-factor", "4" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", " 1.01 ", "mmap-growth-factor", "1.01" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "'3.'", "mmap-growth-factor", "3" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "16", "mmap-growth-factor", "16" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "1024", "mmap-growth-factor", "1024" },

  { "FAPILOG_MMAP__GROWTH_MIN_BYTES", "8 MB", "mmap-growth-min-bytes", "8388608" },
  { "FAPILOG_MMAP__GROWTH_MIN_BYTES", "1", "mmap-growth-min-bytes", "1" },

  { "FAPILOG_MMAP__MAX_SIZE", "1 GiB", "mmap-max-size", "1073741824" },
  { "FAPILOG_MMAP__MAX_SIZE", "100000", "mmap-max-size", "100000" },
  { "FAPILOG_MMAP__MAX_SIZE", "0", "mmap-max-size", "0" },

  { "FAPILOG_MMAP__SYNC_MODE", "none", "mmap-sync-mode", "none" },
  { "FAPILOG_MMAP__SYNC_MODE", "interval", "mmap-sync-mode", "interval" },
  { "FAPILOG_MMAP__SYNC_MODE", "BYTES", "mmap-sync-mode", "bytes" },
  { "FAPILOG_MMAP__SYNC_MODE", " Always ", "mmap-sync-mode", "always" },

  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "250", "mmap-sync-interval-ms", "250" },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "0", "mmap-sync-interval-ms", "0" },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "4294967295", "mmap-sync-interval-ms", "4294967295" },

  { "FAPILOG_MMAP__SYNC_EVERY_BYTES", "64 KiB", "mmap-sync-every-bytes", "65536" },
  { "FAPILOG_MMAP__SYNC_EVERY_BYTES", "1", "mmap-sync-every-bytes", "1" },

  { "FAPILOG_MMAP__FLUSH_ON_CLOSE", "false", "mmap-flush-on-close", "false" },
  { "FAPILOG_MMAP__FLUSH_ON_CLOSE", "OFF", "mmap-flush-on-close", "false" },
  { "FAPILOG_MMAP__FLUSH_ON_CLOSE", "yes", "mmap-flush-on-close", "true" },

  { "FAPILOG_MMAP__FILE_MODE", "0600", "mmap-file-mode", "384" },
  { "FAPILOG_MMAP__FILE_MODE", "644", "mmap-file-mode", "420" },
  { "FAPILOG_MMAP__FILE_MODE", "0", "mmap-file-mode", "0" },
};

static void
test_env_good (gconstpointer data)
{
  const GoodCase *c = data;
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogSettings) defaults = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = g_strdup_printf ("%s=%s", c->variable, c->value);
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (settings), &n_pspecs);

  g_assert_true (apply_env (settings, &error, "UNRELATED=1", entry, "PATH=/usr/bin", NULL));
  g_assert_no_error (error);

  assert_property (settings, c->property, c->expected);
  g_assert_cmpstr (_fapilog_settings_get_source (settings, c->property), ==, "env");

  /* Nothing else moved. */
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_autofree char *actual = NULL;
      g_autofree char *expected = NULL;

      if (strcmp (pspecs[i]->name, c->property) == 0)
        continue;
      actual = property_to_string (settings, pspecs[i]->name);
      expected = property_to_string (defaults, pspecs[i]->name);
      g_assert_cmpstr (actual, ==, expected);
      g_assert_cmpstr (_fapilog_settings_get_source (settings, pspecs[i]->name), ==, "default");
    }
}

/* Every variable of the table in the documentation has a good case. */
static void
test_env_every_variable_covered (void)
{
  static const char * const variables[] = {
    "FAPILOG_CORE__LOG_LEVEL", "FAPILOG_CORE__MAX_QUEUE_SIZE",
    "FAPILOG_CORE__PROTECTED_QUEUE_SIZE", "FAPILOG_CORE__PROTECTED_LEVELS",
    "FAPILOG_CORE__BATCH_MAX_SIZE", "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS",
    "FAPILOG_CORE__OVERFLOW_POLICY", "FAPILOG_CORE__DROP_ON_FULL",
    "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "FAPILOG_CORE__SINKS",
    "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS",
    "FAPILOG_CORE__SINK_BACKLOG_SIZE", "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED",
    "FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS", "FAPILOG_CORE__ATEXIT_DRAIN_ENABLED",
    "FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS", "FAPILOG_SERVICE", "FAPILOG_ENV", "ENV",
    "FAPILOG_VERSION", "FAPILOG_FILE__DIRECTORY", "FAPILOG_FILE__FILENAME_PREFIX",
    "FAPILOG_FILE__MODE", "FAPILOG_FILE__MAX_BYTES", "FAPILOG_FILE__INTERVAL_SECONDS",
    "FAPILOG_FILE__MAX_FILES", "FAPILOG_FILE__MAX_TOTAL_BYTES",
    "FAPILOG_FILE__COMPRESS_ROTATED", "FAPILOG_FILE__FILE_MODE", "FAPILOG_FILE__FSYNC",
    "FAPILOG_HTTP__ENDPOINT", "FAPILOG_HTTP__HEADERS", "FAPILOG_HTTP__TIMEOUT_SECONDS",
    "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS",
    "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS", "FAPILOG_HTTP__BATCH_SIZE",
    "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "FAPILOG_HTTP__BATCH_MAX_BYTES",
    "FAPILOG_HTTP__BATCH_FORMAT", "FAPILOG_HTTP__BATCH_WRAPPER_KEY", "FAPILOG_HTTP__COMPRESSION",
    "FAPILOG_HTTP__TLS_CA_FILE", "FAPILOG_HTTP__MAX_PENDING_BYTES",
    "FAPILOG_WEBHOOK__ENDPOINT", "FAPILOG_WEBHOOK__SECRET", "FAPILOG_WEBHOOK__HEADERS",
    "FAPILOG_WEBHOOK__TIMEOUT_SECONDS", "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS",
    "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS", "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS",
    "FAPILOG_WEBHOOK__BATCH_SIZE", "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS",
    "FAPILOG_WEBHOOK__MAX_PENDING_BYTES", "FAPILOG_WEBHOOK__TLS_CA_FILE",
    "FAPILOG_MMAP__PATH", "FAPILOG_MMAP__INITIAL_SIZE", "FAPILOG_MMAP__GROWTH_FACTOR",
    "FAPILOG_MMAP__GROWTH_MIN_BYTES", "FAPILOG_MMAP__MAX_SIZE", "FAPILOG_MMAP__SYNC_MODE",
    "FAPILOG_MMAP__SYNC_INTERVAL_MS", "FAPILOG_MMAP__SYNC_EVERY_BYTES",
    "FAPILOG_MMAP__FLUSH_ON_CLOSE", "FAPILOG_MMAP__FILE_MODE",
  };

  for (gsize v = 0; v < G_N_ELEMENTS (variables); v++)
    {
      gboolean found = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (good_cases) && !found; i++)
        found = strcmp (good_cases[i].variable, variables[v]) == 0;
      if (!found)
        g_error ("no good case for %s", variables[v]);
    }
}

/* ------------------------------------------------------------------------
 * Environment: bad values
 * ------------------------------------------------------------------------ */

typedef struct {
  const char *variable;
  const char *value;
} BadCase;

static const BadCase bad_cases[] = {
  { "FAPILOG_CORE__LOG_LEVEL", "verbose" },
  { "FAPILOG_CORE__LOG_LEVEL", "" },
  { "FAPILOG_CORE__LOG_LEVEL", "20" },
  { "FAPILOG_CORE__LOG_LEVEL", "INFOO" },

  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "ten" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "0" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "-5" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "1000000001" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "1.5" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "10 MB" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "99999999999999999999999" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "1e3" },

  { "FAPILOG_CORE__PROTECTED_QUEUE_SIZE", "-1" },
  { "FAPILOG_CORE__PROTECTED_QUEUE_SIZE", "lots" },
  { "FAPILOG_CORE__PROTECTED_QUEUE_SIZE", "1000000001" },

  { "FAPILOG_CORE__PROTECTED_LEVELS", "[\"ERROR\", 3]" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "[\"ERROR\"" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "ERROR,EROR" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "[\"NOPE\"]" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "[null]" },

  { "FAPILOG_CORE__BATCH_MAX_SIZE", "0" },
  { "FAPILOG_CORE__BATCH_MAX_SIZE", "1000001" },
  { "FAPILOG_CORE__BATCH_MAX_SIZE", "many" },

  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "fast" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "0" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "-1" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "nan" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "inf" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "1e3" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "5 minutes" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "0.0001" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "366d" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "daily" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "" },

  { "FAPILOG_CORE__OVERFLOW_POLICY", "drop" },
  { "FAPILOG_CORE__OVERFLOW_POLICY", "newest" },
  { "FAPILOG_CORE__OVERFLOW_POLICY", "" },

  { "FAPILOG_CORE__DROP_ON_FULL", "maybe" },
  { "FAPILOG_CORE__DROP_ON_FULL", "2" },

  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "-2" },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "50ms" },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "forever" },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "2147483648" },

  { "FAPILOG_CORE__SINKS", "[\"stdout_json\", 1]" },
  { "FAPILOG_CORE__SINKS", "[\"stdout_json\"" },
  { "FAPILOG_CORE__SINKS", "[stdout_json]" },

  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "yep" },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "" },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "2" },

  { "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS", "soon" },
  { "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS", "0" },

  { "FAPILOG_CORE__SINK_BACKLOG_SIZE", "-3" },
  { "FAPILOG_CORE__SINK_BACKLOG_SIZE", "big" },

  { "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED", "enabled" },

  { "FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS", "-3" },
  { "FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS", "NaN" },

  { "FAPILOG_CORE__ATEXIT_DRAIN_ENABLED", "nope" },

  { "FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS", "1y" },
  { "FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS", "0ms" },

  { "FAPILOG_FILE__FILENAME_PREFIX", "" },
  { "FAPILOG_FILE__FILENAME_PREFIX", "logs/app" },
  { "FAPILOG_FILE__FILENAME_PREFIX", "/" },
  { "FAPILOG_FILE__FILENAME_PREFIX", "../app" },

  /* The original library wrote text for anything but "json". */
  { "FAPILOG_FILE__MODE", "jsno" },
  { "FAPILOG_FILE__MODE", "jsonl" },
  { "FAPILOG_FILE__MODE", "plain" },
  { "FAPILOG_FILE__MODE", "" },

  { "FAPILOG_FILE__MAX_BYTES", "10 XB" },
  { "FAPILOG_FILE__MAX_BYTES", "-1" },
  { "FAPILOG_FILE__MAX_BYTES", "ten megabytes" },
  { "FAPILOG_FILE__MAX_BYTES", "18446744073709551616" },
  { "FAPILOG_FILE__MAX_BYTES", "" },

  { "FAPILOG_FILE__INTERVAL_SECONDS", "monthly" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "-1" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "-1h" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "0.0001" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "366d" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "nan" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "1 day" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "" },

  { "FAPILOG_FILE__MAX_FILES", "-1" },
  { "FAPILOG_FILE__MAX_FILES", "4294967296" },
  { "FAPILOG_FILE__MAX_FILES", "ten" },
  { "FAPILOG_FILE__MAX_FILES", "" },

  { "FAPILOG_FILE__MAX_TOTAL_BYTES", "1 PB" },
  { "FAPILOG_FILE__MAX_TOTAL_BYTES", "-5 MB" },
  { "FAPILOG_FILE__MAX_TOTAL_BYTES", "" },

  { "FAPILOG_FILE__COMPRESS_ROTATED", "gzip" },
  { "FAPILOG_FILE__COMPRESS_ROTATED", "" },

  { "FAPILOG_FILE__FILE_MODE", "1000" },
  { "FAPILOG_FILE__FILE_MODE", "4755" },
  { "FAPILOG_FILE__FILE_MODE", "0800" },
  { "FAPILOG_FILE__FILE_MODE", "649" },
  { "FAPILOG_FILE__FILE_MODE", "rw-r-----" },
  { "FAPILOG_FILE__FILE_MODE", "0o640" },
  { "FAPILOG_FILE__FILE_MODE", "-640" },
  { "FAPILOG_FILE__FILE_MODE", "0x1a0" },
  { "FAPILOG_FILE__FILE_MODE", "00000000000000000000000001000" },
  { "FAPILOG_FILE__FILE_MODE", "" },

  { "FAPILOG_FILE__FSYNC", "always" },
  { "FAPILOG_FILE__FSYNC", "true" },
  { "FAPILOG_FILE__FSYNC", "" },

  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "0" },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "-1" },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "fast" },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "366d" },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "" },

  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "0" },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "1001" },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "-1" },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "three" },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "" },

  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS", "0" },
  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS", "soon" },
  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS", "" },

  { "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS", "0" },
  { "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS", "1y" },

  { "FAPILOG_HTTP__BATCH_SIZE", "0" },
  { "FAPILOG_HTTP__BATCH_SIZE", "1000001" },
  { "FAPILOG_HTTP__BATCH_SIZE", "100 entries" },
  { "FAPILOG_HTTP__BATCH_SIZE", "" },

  /* 0 made the original's flush loop spin (G15). */
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "0" },
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "0ms" },
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "-5" },
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "" },

  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "0" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "0 MB" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "1 PB" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "-1" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "" },

  { "FAPILOG_HTTP__BATCH_FORMAT", "json" },
  { "FAPILOG_HTTP__BATCH_FORMAT", "jsonl" },
  { "FAPILOG_HTTP__BATCH_FORMAT", "" },

  { "FAPILOG_HTTP__BATCH_WRAPPER_KEY", "" },

  { "FAPILOG_HTTP__COMPRESSION", "deflate" },
  { "FAPILOG_HTTP__COMPRESSION", "true" },
  { "FAPILOG_HTTP__COMPRESSION", "" },

  { "FAPILOG_HTTP__MAX_PENDING_BYTES", "0" },
  { "FAPILOG_HTTP__MAX_PENDING_BYTES", "lots" },
  { "FAPILOG_HTTP__MAX_PENDING_BYTES", "" },

  { "FAPILOG_WEBHOOK__TIMEOUT_SECONDS", "0" },
  { "FAPILOG_WEBHOOK__TIMEOUT_SECONDS", "later" },

  { "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS", "0" },
  { "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS", "1001" },
  { "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS", "" },

  { "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS", "0" },
  { "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS", "-1s" },

  { "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS", "0" },
  { "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS", "forever" },

  { "FAPILOG_WEBHOOK__BATCH_SIZE", "0" },
  { "FAPILOG_WEBHOOK__BATCH_SIZE", "one" },

  { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS", "0" },
  { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS", "0s" },
  { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS", "" },

  { "FAPILOG_WEBHOOK__MAX_PENDING_BYTES", "0" },
  { "FAPILOG_WEBHOOK__MAX_PENDING_BYTES", "16 XB" },

  /* A mapping must start with at least one byte. */
  { "FAPILOG_MMAP__INITIAL_SIZE", "0" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "0 KB" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "-1 MB" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "1 PB" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "9223372036854775808" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "8 EB" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "big" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "" },

  /* 1 would not grow geometrically; upstream had no factor at all. */
  { "FAPILOG_MMAP__GROWTH_FACTOR", "1" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "1.0" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "0.5" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "0" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "-2" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "1024.5" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "1e1" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "nan" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "inf" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "2x" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "double" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "" },

  { "FAPILOG_MMAP__GROWTH_MIN_BYTES", "0" },
  { "FAPILOG_MMAP__GROWTH_MIN_BYTES", "1 XB" },
  { "FAPILOG_MMAP__GROWTH_MIN_BYTES", "" },

  { "FAPILOG_MMAP__MAX_SIZE", "-1" },
  { "FAPILOG_MMAP__MAX_SIZE", "unlimited" },
  { "FAPILOG_MMAP__MAX_SIZE", "18446744073709551616" },
  { "FAPILOG_MMAP__MAX_SIZE", "9223372036854775808" },
  { "FAPILOG_MMAP__MAX_SIZE", "" },

  { "FAPILOG_MMAP__SYNC_MODE", "fsync" },
  { "FAPILOG_MMAP__SYNC_MODE", "true" },
  { "FAPILOG_MMAP__SYNC_MODE", "never" },
  { "FAPILOG_MMAP__SYNC_MODE", "" },

  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "-5" },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "250ms" },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "1.5" },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "4294967296" },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "" },

  { "FAPILOG_MMAP__SYNC_EVERY_BYTES", "0" },
  { "FAPILOG_MMAP__SYNC_EVERY_BYTES", "some" },
  { "FAPILOG_MMAP__SYNC_EVERY_BYTES", "" },

  { "FAPILOG_MMAP__FLUSH_ON_CLOSE", "sometimes" },
  { "FAPILOG_MMAP__FLUSH_ON_CLOSE", "" },

  { "FAPILOG_MMAP__FILE_MODE", "0800" },
  { "FAPILOG_MMAP__FILE_MODE", "4755" },
  { "FAPILOG_MMAP__FILE_MODE", "rw-r-----" },
  { "FAPILOG_MMAP__FILE_MODE", "" },
};

static void
test_env_bad (gconstpointer data)
{
  const BadCase *c = data;
  /* Good variables next to the bad one: none of them may be applied. */
  static const char * const good[] = {
    "FAPILOG_SERVICE=changed",
    "FAPILOG_CORE__LOG_LEVEL=debug",
    "FAPILOG_CORE__BATCH_MAX_SIZE=3",
    "FAPILOG_CORE__SINKS=http",
  };
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogSettings) reference = fapilog_settings_new ();
  g_autoptr(GPtrArray) envp = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *fragment = quoted_fragment (c->value);
  NotifyLog log;

  /* Start from non-default values, set the same way in both objects, so
   * "unchanged" also covers values and sources other than the defaults. */
  g_object_set (settings, "max-queue-size", 321, NULL);
  g_object_set (reference, "max-queue-size", 321, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    if (!g_str_has_prefix (good[i], c->variable) || good[i][strlen (c->variable)] != '=')
      g_ptr_array_add (envp, g_strdup (good[i]));
  g_ptr_array_add (envp, g_strdup_printf ("%s=%s", c->variable, c->value));
  g_ptr_array_add (envp, NULL);

  notify_log_init (&log, settings);
  g_assert_false (fapilog_settings_apply_environment (settings,
                                                      (const char * const *) envp->pdata,
                                                      &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);

  if (!g_str_has_prefix (error->message, c->variable) ||
      strstr (error->message, fragment) == NULL ||
      strstr (error->message, "expected") == NULL)
    g_error ("message \"%s\" does not name %s, quote the value and list the accepted forms",
             error->message, c->variable);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  g_assert_cmpuint (log.total, ==, 0);
  assert_same_settings (settings, reference);
  notify_log_clear (&log, settings);
}

/* The two messages quoted in the design, word for word. */
static void
test_env_error_messages (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (apply_env (settings, &error, "FAPILOG_CORE__MAX_QUEUE_SIZE=ten", NULL));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "FAPILOG_CORE__MAX_QUEUE_SIZE: invalid value \"ten\": "
                   "expected a whole number from 1 to 1000000000");
  g_clear_error (&error);

  g_assert_false (apply_env (settings, &error, "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS=fast", NULL));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS: invalid value \"fast\": "
                   "expected a duration such as 5, 0.25, 250ms, 30s, 1h");
  g_clear_error (&error);

  /* The variable is named as the program spelled it in our table, and
   * the value as the environment held it. */
  g_assert_false (apply_env (settings, &error, "fapilog_core__overflow_policy=Drop", NULL));
  g_assert_cmpstr (error->message, ==,
                   "FAPILOG_CORE__OVERFLOW_POLICY: invalid value \"Drop\": "
                   "expected one of block, drop_newest, drop_oldest");
}

/* The messages of the file variables, word for word. */
static void
test_env_file_error_messages (void)
{
  static const struct {
    const char *entry;
    const char *message;
  } cases[] = {
    { "FAPILOG_FILE__FILENAME_PREFIX=logs/app",
      "FAPILOG_FILE__FILENAME_PREFIX: invalid value \"logs/app\": "
      "expected the start of a file name: not empty and without '/'" },
    { "FAPILOG_FILE__FILENAME_PREFIX=",
      "FAPILOG_FILE__FILENAME_PREFIX: invalid value \"\": "
      "expected the start of a file name: not empty and without '/'" },
    { "FAPILOG_FILE__MODE=jsno",
      "FAPILOG_FILE__MODE: invalid value \"jsno\": expected one of json, text" },
    { "FAPILOG_FILE__MAX_BYTES=10 XB",
      "FAPILOG_FILE__MAX_BYTES: invalid value \"10 XB\": expected a size such as "
      "10485760, 10 MB, 10MiB or 1.5 KB (a number of bytes, or a number with B, KB, "
      "MB, GB or TB; binary multiples)" },
    { "FAPILOG_FILE__INTERVAL_SECONDS=monthly",
      "FAPILOG_FILE__INTERVAL_SECONDS: invalid value \"monthly\": expected 0 "
      "(no rotation by time), hourly, daily, weekly, or a duration from 1ms to "
      "365d such as 30s, 5m, 1h, 1d" },
    { "FAPILOG_FILE__INTERVAL_SECONDS=366d",
      "FAPILOG_FILE__INTERVAL_SECONDS: invalid value \"366d\": expected 0 "
      "(no rotation by time), hourly, daily, weekly, or a duration from 1ms to "
      "365d such as 30s, 5m, 1h, 1d" },
    { "FAPILOG_FILE__MAX_FILES=-1",
      "FAPILOG_FILE__MAX_FILES: invalid value \"-1\": "
      "expected a whole number from 0 to 4294967295" },
    { "FAPILOG_FILE__COMPRESS_ROTATED=gzip",
      "FAPILOG_FILE__COMPRESS_ROTATED: invalid value \"gzip\": "
      "expected a boolean: true, false, 1, 0, yes, no, on or off" },
    { "FAPILOG_FILE__FILE_MODE=4755",
      "FAPILOG_FILE__FILE_MODE: invalid value \"4755\": "
      "expected octal permission bits from 0 to 0777, such as 0640 or 640" },
    { "FAPILOG_FILE__FSYNC=always",
      "FAPILOG_FILE__FSYNC: invalid value \"always\": expected one of never, rotate, batch" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (apply_env (settings, &error, cases[i].entry, NULL));
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* The messages of the mmap variables, word for word. */
static void
test_env_mmap_error_messages (void)
{
  static const struct {
    const char *entry;
    const char *message;
  } cases[] = {
    { "FAPILOG_MMAP__INITIAL_SIZE=0",
      "FAPILOG_MMAP__INITIAL_SIZE: invalid value \"0\": "
      "expected a size from 1 to 9223372036854775807 bytes, such as 1048576, 1 MB or 512 KiB" },
    { "FAPILOG_MMAP__MAX_SIZE=8 EB",
      "FAPILOG_MMAP__MAX_SIZE: invalid value \"8 EB\": expected a size such as "
      "10485760, 10 MB, 10MiB or 1.5 KB (a number of bytes, or a number with B, KB, "
      "MB, GB or TB; binary multiples)" },
    { "FAPILOG_MMAP__MAX_SIZE=8589934592 GB",
      "FAPILOG_MMAP__MAX_SIZE: invalid value \"8589934592 GB\": "
      "expected a size from 0 to 9223372036854775807 bytes, such as 1048576, 1 MB or 512 KiB" },
    { "FAPILOG_MMAP__GROWTH_FACTOR=1",
      "FAPILOG_MMAP__GROWTH_FACTOR: invalid value \"1\": "
      "expected a number greater than 1 and at most 1024, such as 2 or 1.5" },
    { "FAPILOG_MMAP__GROWTH_FACTOR=twice",
      "FAPILOG_MMAP__GROWTH_FACTOR: invalid value \"twice\": "
      "expected a number greater than 1 and at most 1024, such as 2 or 1.5" },
    { "FAPILOG_MMAP__MAX_SIZE=lots",
      "FAPILOG_MMAP__MAX_SIZE: invalid value \"lots\": expected a size such as "
      "10485760, 10 MB, 10MiB or 1.5 KB (a number of bytes, or a number with B, KB, "
      "MB, GB or TB; binary multiples)" },
    { "FAPILOG_MMAP__SYNC_MODE=fsync",
      "FAPILOG_MMAP__SYNC_MODE: invalid value \"fsync\": "
      "expected one of none, interval, bytes, always" },
    { "FAPILOG_MMAP__SYNC_INTERVAL_MS=1s",
      "FAPILOG_MMAP__SYNC_INTERVAL_MS: invalid value \"1s\": "
      "expected a whole number from 0 to 4294967295" },
    { "FAPILOG_MMAP__FLUSH_ON_CLOSE=maybe",
      "FAPILOG_MMAP__FLUSH_ON_CLOSE: invalid value \"maybe\": "
      "expected a boolean: true, false, 1, 0, yes, no, on or off" },
    { "FAPILOG_MMAP__FILE_MODE=0800",
      "FAPILOG_MMAP__FILE_MODE: invalid value \"0800\": "
      "expected octal permission bits from 0 to 0777, such as 0640 or 640" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (apply_env (settings, &error, cases[i].entry, NULL));
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* With several bad variables the first in the documented table is
 * reported, whatever their order in envp. */
static void
test_env_first_error (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (apply_env (settings, &error,
                             "FAPILOG_CORE__BATCH_MAX_SIZE=zero",
                             "FAPILOG_CORE__LOG_LEVEL=loud",
                             NULL));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_true (g_str_has_prefix (error->message, "FAPILOG_CORE__LOG_LEVEL:"));
}

/* ------------------------------------------------------------------------
 * Environment: names, aliases, precedence
 * ------------------------------------------------------------------------ */

static void
test_env_drop_on_full (void)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(FapilogSettings) s = fapilog_settings_new ();

    /* A default of the program, which the environment overrides. */
    fapilog_settings_set_from_source (s, FAPILOG_SETTING_SOURCE_DEFAULT,
                                      "overflow-policy", FAPILOG_OVERFLOW_BLOCK, NULL);
    g_assert_true (apply_env (s, &error, "FAPILOG_CORE__DROP_ON_FULL=true", NULL));
    g_assert_cmpint (s->overflow_policy, ==, FAPILOG_OVERFLOW_DROP_NEWEST);
    g_assert_true (apply_env (s, &error, "FAPILOG_CORE__DROP_ON_FULL=off", NULL));
    g_assert_cmpint (s->overflow_policy, ==, FAPILOG_OVERFLOW_BLOCK);
    g_assert_cmpstr (_fapilog_settings_get_source (s, "overflow-policy"), ==, "env");
  }

  /* OVERFLOW_POLICY wins, in either order. */
  {
    g_autoptr(FapilogSettings) s = fapilog_settings_new ();

    g_assert_true (apply_env (s, &error,
                              "FAPILOG_CORE__OVERFLOW_POLICY=drop_oldest",
                              "FAPILOG_CORE__DROP_ON_FULL=false", NULL));
    g_assert_cmpint (s->overflow_policy, ==, FAPILOG_OVERFLOW_DROP_OLDEST);
  }
  {
    g_autoptr(FapilogSettings) s = fapilog_settings_new ();

    g_assert_true (apply_env (s, &error,
                              "FAPILOG_CORE__DROP_ON_FULL=true",
                              "FAPILOG_CORE__OVERFLOW_POLICY=block", NULL));
    g_assert_cmpint (s->overflow_policy, ==, FAPILOG_OVERFLOW_BLOCK);
  }

  /* The losing alias is still validated: a typo is never silent. */
  {
    g_autoptr(FapilogSettings) s = fapilog_settings_new ();

    g_assert_false (apply_env (s, &error,
                               "FAPILOG_CORE__OVERFLOW_POLICY=block",
                               "FAPILOG_CORE__DROP_ON_FULL=ture", NULL));
    g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
    g_assert_true (g_str_has_prefix (error->message, "FAPILOG_CORE__DROP_ON_FULL:"));
    g_assert_cmpint (s->overflow_policy, ==, FAPILOG_OVERFLOW_DROP_NEWEST);
  }
}

static void
test_env_case_insensitive_names (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (apply_env (s, &error,
                            "fapilog_core__log_level=debug",
                            "Fapilog_Core__Max_Queue_Size=7",
                            "fapilog_service=svc",
                            "FAPILOG_core__SINKS=http",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpint (s->log_level, ==, FAPILOG_LEVEL_DEBUG);
  g_assert_cmpuint (s->max_queue_size, ==, 7);
  g_assert_cmpstr (s->service, ==, "svc");
  g_assert_cmpstr (s->sinks[0], ==, "http");
}

static void
test_env_last_wins (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  /* The earlier, overridden value is not even looked at. */
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_CORE__BATCH_MAX_SIZE=bad",
                            "fapilog_core__batch_max_size=9",
                            "FAPILOG_SERVICE=one",
                            "FAPILOG_SERVICE=two",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpuint (s->batch_max_size, ==, 9);
  g_assert_cmpstr (s->service, ==, "two");

  g_assert_false (apply_env (s, &error,
                             "FAPILOG_CORE__BATCH_MAX_SIZE=9",
                             "FAPILOG_CORE__BATCH_MAX_SIZE=bad",
                             NULL));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
}

static void
test_env_env_precedence (void)
{
  static const struct {
    const char *entries[3];
    const char *expected;
  } cases[] = {
    { { "ENV=staging", NULL }, "staging" },
    { { "FAPILOG_ENV=prod", "ENV=staging", NULL }, "prod" },
    { { "ENV=staging", "FAPILOG_ENV=prod", NULL }, "prod" },
    { { "FAPILOG_ENV=", "ENV=staging", NULL }, "staging" },
    { { "fapilog_env=prod", "ENV=staging", NULL }, "prod" },
    /* ENV is not ours: only the exact name counts. */
    { { "env=lower", "Env=mixed", NULL }, "dev" },
    { { "FAPILOG_ENV=", NULL }, "dev" },
    { { NULL }, "dev" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FapilogSettings) s = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (fapilog_settings_apply_environment (s, cases[i].entries, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (s->env, ==, cases[i].expected);
      g_assert_cmpstr (_fapilog_settings_get_source (s, "env"), ==,
                       strcmp (cases[i].expected, "dev") == 0 ? "default" : "env");
    }
}

static void
test_env_empty_text (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_object_set (s, "version", "9", NULL);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_SERVICE=",
                            "FAPILOG_VERSION=",
                            "FAPILOG_FILE__DIRECTORY=",
                            "FAPILOG_HTTP__ENDPOINT=",
                            "FAPILOG_MMAP__PATH=",
                            NULL));
  g_assert_cmpstr (s->service, ==, "fapilog");
  g_assert_cmpstr (_fapilog_settings_get_source (s, "service"), ==, "default");
  g_assert_cmpstr (s->version, ==, "9");
  g_assert_null (s->file_directory);
  g_assert_null (s->http_endpoint);
  g_assert_null (s->mmap_path);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "mmap-path"), ==, "default");
}

/* 0 in the environment disables rotation and lifts limits of lower
 * sources. */
static void
test_env_file_zero (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  /* Defaults of the program, which the environment overrides. */
  fapilog_settings_set_from_source (s, FAPILOG_SETTING_SOURCE_DEFAULT,
                                    "file-max-bytes", G_GUINT64_CONSTANT (1000),
                                    "file-interval-seconds", 60.0,
                                    "file-max-files", 3,
                                    "file-max-total-bytes", G_GUINT64_CONSTANT (5000),
                                    NULL);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_FILE__MAX_BYTES=0",
                            "FAPILOG_FILE__INTERVAL_SECONDS=0",
                            "FAPILOG_FILE__MAX_FILES=0",
                            "FAPILOG_FILE__MAX_TOTAL_BYTES=0 MB",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpuint (s->file_max_bytes, ==, 0);
  g_assert_cmpfloat (s->file_interval_seconds, ==, 0.0);
  g_assert_cmpuint (s->file_max_files, ==, 0);
  g_assert_cmpuint (s->file_max_total_bytes, ==, 0);

  fapilog_settings_set_from_source (s, FAPILOG_SETTING_SOURCE_PRESET,
                                    "file-interval-seconds", 60.0, NULL);
  g_assert_cmpfloat (s->file_interval_seconds, ==, 0.0);
  g_assert_true (apply_env (s, &error, "FAPILOG_FILE__INTERVAL_SECONDS=0ms", NULL));
  g_assert_cmpfloat (s->file_interval_seconds, ==, 0.0);
}

/* Every FAPILOG_FILE__* variable at once, as a deployment would set them. */
static void
test_env_file_all (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  notify_log_init (&log, s);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_FILE__DIRECTORY=/var/log/billing",
                            "FAPILOG_FILE__FILENAME_PREFIX=billing",
                            "FAPILOG_FILE__MODE=text",
                            "FAPILOG_FILE__MAX_BYTES=\"64 MB\"",
                            "FAPILOG_FILE__INTERVAL_SECONDS=daily",
                            "FAPILOG_FILE__MAX_FILES=14",
                            "FAPILOG_FILE__MAX_TOTAL_BYTES=1GiB",
                            "FAPILOG_FILE__COMPRESS_ROTATED=yes",
                            "FAPILOG_FILE__FILE_MODE=0600",
                            "FAPILOG_FILE__FSYNC=never",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpstr (s->file_directory, ==, "/var/log/billing");
  g_assert_cmpstr (s->file_filename_prefix, ==, "billing");
  g_assert_cmpint (s->file_format, ==, FAPILOG_FILE_FORMAT_TEXT);
  g_assert_cmpuint (s->file_max_bytes, ==, 64 * 1024 * 1024);
  g_assert_cmpfloat (s->file_interval_seconds, ==, 86400.0);
  g_assert_cmpuint (s->file_max_files, ==, 14);
  g_assert_cmpuint (s->file_max_total_bytes, ==, 1024 * 1024 * 1024);
  g_assert_true (s->file_compress_rotated);
  g_assert_cmpuint (s->file_file_mode, ==, 0600);
  g_assert_cmpint (s->file_fsync, ==, FAPILOG_FSYNC_NEVER);

  /* One notification per property, all values changed. */
  g_assert_cmpuint (log.total, ==, 10);
  g_assert_cmpuint (notify_count (&log, "file-file-mode"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "file-max-bytes"), ==, 1);

  /* The same again in other spellings: sources stay "env", nothing is
   * notified. */
  notify_log_reset (&log);
  g_assert_true (apply_env (s, &error,
                            "fapilog_file__mode=TEXT",
                            "FAPILOG_FILE__MAX_BYTES=67108864",
                            "FAPILOG_FILE__INTERVAL_SECONDS=24h",
                            "FAPILOG_FILE__FILE_MODE=600",
                            "FAPILOG_FILE__FSYNC=Never",
                            NULL));
  g_assert_cmpuint (log.total, ==, 0);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "file-file-mode"), ==, "env");

  notify_log_clear (&log, s);
}

/* Every FAPILOG_MMAP__* variable at once. */
static void
test_env_mmap_all (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  notify_log_init (&log, s);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_MMAP__PATH=/var/log/app/events.jsonl",
                            "FAPILOG_MMAP__INITIAL_SIZE=64 KB",
                            "FAPILOG_MMAP__GROWTH_FACTOR=1.5",
                            "FAPILOG_MMAP__GROWTH_MIN_BYTES=\"256 KiB\"",
                            "FAPILOG_MMAP__MAX_SIZE=1GiB",
                            "FAPILOG_MMAP__SYNC_MODE=interval",
                            "FAPILOG_MMAP__SYNC_INTERVAL_MS=200",
                            "FAPILOG_MMAP__SYNC_EVERY_BYTES=4 MB",
                            "FAPILOG_MMAP__FLUSH_ON_CLOSE=no",
                            "FAPILOG_MMAP__FILE_MODE=0600",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpstr (s->mmap_path, ==, "/var/log/app/events.jsonl");
  g_assert_cmpuint (s->mmap_initial_size, ==, 64 * 1024);
  g_assert_cmpfloat (s->mmap_growth_factor, ==, 1.5);
  g_assert_cmpuint (s->mmap_growth_min_bytes, ==, 256 * 1024);
  g_assert_cmpuint (s->mmap_max_size, ==, 1024 * 1024 * 1024);
  g_assert_cmpint (s->mmap_sync_mode, ==, FAPILOG_MMAP_SYNC_INTERVAL);
  g_assert_cmpuint (s->mmap_sync_interval_ms, ==, 200);
  g_assert_cmpuint (s->mmap_sync_every_bytes, ==, 4 * 1024 * 1024);
  g_assert_false (s->mmap_flush_on_close);
  g_assert_cmpuint (s->mmap_file_mode, ==, 0600);

  /* One notification per property, all values changed; nothing else
   * moved, and the path selects no sink by itself. */
  g_assert_cmpuint (log.total, ==, 10);
  g_assert_cmpuint (notify_count (&log, "mmap-sync-mode"), ==, 1);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "mmap-growth-factor"), ==, "env");
  g_assert_cmpstr (_fapilog_settings_get_source (s, "file-directory"), ==, "default");
  g_assert_null (s->sinks);

  /* The same again in other spellings: nothing is notified. */
  notify_log_reset (&log);
  g_assert_true (apply_env (s, &error,
                            "fapilog_mmap__sync_mode=Interval",
                            "FAPILOG_MMAP__INITIAL_SIZE=65536",
                            "FAPILOG_MMAP__GROWTH_FACTOR=1.50",
                            "FAPILOG_MMAP__FILE_MODE=600",
                            NULL));
  g_assert_cmpuint (log.total, ==, 0);

  notify_log_clear (&log, s);
}

/* Every FAPILOG_HTTP__* variable at once. */
static void
test_env_http_all (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  const char *expected_names[] = { "Authorization", "X-Team", NULL };
  const char *expected_values[] = { "Bearer t0ken", "billing", NULL };
  NotifyLog log;

  notify_log_init (&log, s);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_HTTP__ENDPOINT=https://logs.example.com/v1",
                            "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\",\"X-Team\":\"billing\"}",
                            "FAPILOG_HTTP__TIMEOUT_SECONDS=2500ms",
                            "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS=5",
                            "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS=0.5",
                            "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS=1m",
                            "FAPILOG_HTTP__BATCH_SIZE=250",
                            "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS=2s",
                            "FAPILOG_HTTP__BATCH_MAX_BYTES=256 KB",
                            "FAPILOG_HTTP__BATCH_FORMAT=wrapped",
                            "FAPILOG_HTTP__BATCH_WRAPPER_KEY=events",
                            "FAPILOG_HTTP__COMPRESSION=gzip",
                            "FAPILOG_HTTP__TLS_CA_FILE=/etc/ssl/ca.pem",
                            "FAPILOG_HTTP__MAX_PENDING_BYTES=8MiB",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpstr (s->http_endpoint, ==, "https://logs.example.com/v1");
  g_assert_cmpstr (s->http_headers.json, ==,
                   "{\"Authorization\":\"Bearer t0ken\",\"X-Team\":\"billing\"}");
  g_assert_cmpstrv (s->http_headers.names, expected_names);
  g_assert_cmpstrv (s->http_headers.values, expected_values);
  g_assert_cmpfloat (s->http_timeout_seconds, ==, 2.5);
  g_assert_cmpuint (s->http_retry_max_attempts, ==, 5);
  g_assert_cmpfloat (s->http_retry_backoff_seconds, ==, 0.5);
  g_assert_cmpfloat (s->http_retry_max_backoff_seconds, ==, 60.0);
  g_assert_cmpuint (s->http_batch_size, ==, 250);
  g_assert_cmpfloat (s->http_batch_timeout_seconds, ==, 2.0);
  g_assert_cmpuint (s->http_batch_max_bytes, ==, 256 * 1024);
  g_assert_cmpint (s->http_batch_format, ==, FAPILOG_HTTP_BATCH_FORMAT_WRAPPED);
  g_assert_cmpstr (s->http_batch_wrapper_key, ==, "events");
  g_assert_cmpint (s->http_compression, ==, FAPILOG_HTTP_COMPRESSION_GZIP);
  g_assert_cmpstr (s->http_tls_ca_file, ==, "/etc/ssl/ca.pem");
  g_assert_cmpuint (s->http_max_pending_bytes, ==, 8 * 1024 * 1024);

  /* One notification per property, all values changed; the webhook
   * group is untouched. */
  g_assert_cmpuint (log.total, ==, 14);
  g_assert_cmpuint (notify_count (&log, "http-headers"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "http-compression"), ==, 1);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "http-headers"), ==, "env");
  g_assert_cmpstr (_fapilog_settings_get_source (s, "webhook-endpoint"), ==, "default");

  /* The same headers in another layout are the same value. */
  notify_log_reset (&log);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_HTTP__HEADERS= {\"Authorization\" : \"Bearer t0ken\", \"X-Team\":\"billing\"} ",
                            "FAPILOG_HTTP__BATCH_FORMAT=WRAPPED",
                            NULL));
  g_assert_cmpuint (log.total, ==, 0);

  /* Empty headers remove them. */
  g_assert_true (apply_env (s, &error, "FAPILOG_HTTP__HEADERS=", NULL));
  g_assert_null (s->http_headers.json);
  g_assert_null (s->http_headers.names);
  g_assert_null (s->http_headers.values);
  g_assert_cmpuint (notify_count (&log, "http-headers"), ==, 1);

  notify_log_clear (&log, s);
}

/* Every FAPILOG_WEBHOOK__* variable at once. */
static void
test_env_webhook_all (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  const char *expected_names[] = { "X-Source", NULL };
  const char *expected_values[] = { "billing", NULL };
  NotifyLog log;

  notify_log_init (&log, s);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_WEBHOOK__ENDPOINT=https://hooks.example.com/in",
                            "FAPILOG_WEBHOOK__SECRET=s3cr3t",
                            "FAPILOG_WEBHOOK__HEADERS={\"X-Source\":\"billing\"}",
                            "FAPILOG_WEBHOOK__TIMEOUT_SECONDS=3",
                            "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS=2",
                            "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS=100ms",
                            "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS=5s",
                            "FAPILOG_WEBHOOK__BATCH_SIZE=10",
                            "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS=0.5",
                            "FAPILOG_WEBHOOK__MAX_PENDING_BYTES=2 MB",
                            "FAPILOG_WEBHOOK__TLS_CA_FILE=/etc/ssl/hooks.pem",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpstr (s->webhook_endpoint, ==, "https://hooks.example.com/in");
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (s), ==, "s3cr3t");
  g_assert_cmpstr (s->webhook_headers.json, ==, "{\"X-Source\":\"billing\"}");
  g_assert_cmpstrv (s->webhook_headers.names, expected_names);
  g_assert_cmpstrv (s->webhook_headers.values, expected_values);
  g_assert_cmpfloat (s->webhook_timeout_seconds, ==, 3.0);
  g_assert_cmpuint (s->webhook_retry_max_attempts, ==, 2);
  g_assert_cmpfloat (s->webhook_retry_backoff_seconds, ==, 0.1);
  g_assert_cmpfloat (s->webhook_retry_max_backoff_seconds, ==, 5.0);
  g_assert_cmpuint (s->webhook_batch_size, ==, 10);
  g_assert_cmpfloat (s->webhook_batch_timeout_seconds, ==, 0.5);
  g_assert_cmpuint (s->webhook_max_pending_bytes, ==, 2 * 1024 * 1024);
  g_assert_cmpstr (s->webhook_tls_ca_file, ==, "/etc/ssl/hooks.pem");
  /* GObject notifies no write-only property: ten, not eleven. */
  g_assert_cmpuint (log.total, ==, 10);
  g_assert_cmpuint (notify_count (&log, "webhook-secret"), ==, 0);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "webhook-secret"), ==, "env");

  /* The http group is untouched: the two sinks are configured apart. */
  g_assert_null (s->http_endpoint);
  g_assert_null (s->http_headers.json);
  g_assert_cmpuint (s->http_batch_size, ==, 100);

  /* An empty secret counts as unset: the one set before stays. */
  notify_log_reset (&log);
  g_assert_true (apply_env (s, &error, "FAPILOG_WEBHOOK__SECRET=", NULL));
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (s), ==, "s3cr3t");
  g_assert_cmpuint (log.total, ==, 0);

  notify_log_clear (&log, s);
}

/* The messages of the http and webhook variables, word for word. */
static void
test_env_http_error_messages (void)
{
  static const struct {
    const char *entry;
    const char *message;
  } cases[] = {
    { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS=0",
      "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS: invalid value \"0\": "
      "expected a duration from 1ms to 365d, such as 5, 0.25, 250ms, 30s, 1h" },
    { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS=0s",
      "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS: invalid value \"0s\": "
      "expected a duration from 1ms to 365d, such as 5, 0.25, 250ms, 30s, 1h" },
    { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS=0",
      "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS: invalid value \"0\": "
      "expected a whole number from 1 to 1000" },
    { "FAPILOG_HTTP__BATCH_SIZE=0",
      "FAPILOG_HTTP__BATCH_SIZE: invalid value \"0\": "
      "expected a whole number from 1 to 1000000" },
    { "FAPILOG_HTTP__BATCH_MAX_BYTES=0 MB",
      "FAPILOG_HTTP__BATCH_MAX_BYTES: invalid value \"0 MB\": "
      "expected a size of at least 1 byte, such as 1048576, 1 MB or 512 KiB" },
    { "FAPILOG_HTTP__MAX_PENDING_BYTES=lots",
      "FAPILOG_HTTP__MAX_PENDING_BYTES: invalid value \"lots\": expected a size such as "
      "10485760, 10 MB, 10MiB or 1.5 KB (a number of bytes, or a number with B, KB, "
      "MB, GB or TB; binary multiples)" },
    { "FAPILOG_HTTP__BATCH_FORMAT=json",
      "FAPILOG_HTTP__BATCH_FORMAT: invalid value \"json\": "
      "expected one of array, ndjson, wrapped" },
    { "FAPILOG_HTTP__COMPRESSION=deflate",
      "FAPILOG_HTTP__COMPRESSION: invalid value \"deflate\": expected one of none, gzip" },
    { "FAPILOG_HTTP__BATCH_WRAPPER_KEY=",
      "FAPILOG_HTTP__BATCH_WRAPPER_KEY: invalid value \"\": "
      "expected the name of the member that holds the entries, such as logs: not empty" },
    { "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\"",
      "FAPILOG_HTTP__HEADERS: invalid value (not shown, it may hold a credential): "
      "not valid JSON; expected a JSON object of header names to string values, such as "
      "{\"Authorization\":\"Bearer <token>\",\"X-Team\":\"billing\"}" },
    { "FAPILOG_WEBHOOK__HEADERS={\"Authorization\":\"Bearer t0ken\\r\\nX-Evil: 1\"}",
      "FAPILOG_WEBHOOK__HEADERS: invalid value (not shown, it may hold a credential): "
      "the value of header \"Authorization\" holds a line break or another control "
      "character; expected a JSON object of header names to string values, such as "
      "{\"Authorization\":\"Bearer <token>\",\"X-Team\":\"billing\"}" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (apply_env (settings, &error, cases[i].entry, NULL));
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* ------------------------------------------------------------------------
 * Headers
 * ------------------------------------------------------------------------ */

typedef struct {
  const char *value;
  const char *problem; /* a fragment of the message */
} HeadersBadCase;

/* Every value holds "t0ken", which must never appear in the message. */
static const HeadersBadCase headers_bad_cases[] = {
  { "{", "not valid JSON" },
  { "{\"Authorization\":\"Bearer t0ken\"", "not valid JSON" },
  { "{\"Authorization\":\"Bearer t0ken\",}", "not valid JSON" },
  { "Authorization: Bearer t0ken", "not valid JSON" },
  { "[\"Authorization\",\"Bearer t0ken\"]", "the JSON is not an object" },
  { "\"Bearer t0ken\"", "the JSON is not an object" },
  { "5", "the JSON is not an object" },
  { "{\"X-Count\":5,\"X-t0ken\":\"a\"}", "the value of header \"X-Count\" is not a string" },
  { "{\"X-A\":null,\"X-B\":\"t0ken\"}", "the value of header \"X-A\" is not a string" },
  { "{\"X-A\":true,\"X-B\":\"t0ken\"}", "the value of header \"X-A\" is not a string" },
  { "{\"X-A\":[\"t0ken\"]}", "the value of header \"X-A\" is not a string" },
  { "{\"X-A\":{\"Bearer\":\"t0ken\"}}", "the value of header \"X-A\" is not a string" },
  { "{\"\":\"Bearer t0ken\"}", "\"\" is not a header name" },
  { "{\"Bad Name\":\"Bearer t0ken\"}", "\"Bad Name\" is not a header name" },
  { "{\"X-A:\":\"Bearer t0ken\"}", "\"X-A:\" is not a header name" },
  { "{\"X-A\\r\\nX-Evil\":\"Bearer t0ken\"}", "\"X-A\\r\\nX-Evil\" is not a header name" },
  { "{\"X-\\u00e9\":\"Bearer t0ken\"}", "\"X-\xc3\xa9\" is not a header name" },
  { "{\"Authorization\":\"Bearer t0ken\\r\\nX-Evil: 1\"}",
    "the value of header \"Authorization\" holds a line break" },
  { "{\"Authorization\":\"Bearer t0ken\\n\"}",
    "the value of header \"Authorization\" holds a line break" },
  { "{\"Authorization\":\"Bearer t0ken\\r\"}",
    "the value of header \"Authorization\" holds a line break" },
  { "{\"X-A\":\"t0ken\\u0001\"}", "the value of header \"X-A\" holds a line break" },
  { "{\"X-A\":\"t0ken\\u007f\"}", "the value of header \"X-A\" holds a line break" },
  /* A NUL would silently cut the value. */
  { "{\"X-A\":\"t0ken\\u0000rest\"}", "holds a NUL character" },
  { "{\"X-A\\u0000t0ken\":\"v\"}", "holds a NUL character" },
  { "{\"Authorization\":\"Bearer t0ken\",\"authorization\":\"Bearer t0ken2\"}",
    "header \"authorization\" is given twice" },
  { "{\"X-A\":\"t0ken\",\"X-A\":\"t0ken2\"}", "header \"X-A\" is given twice" },
};

static void
test_env_headers_bad (gconstpointer data)
{
  const HeadersBadCase *c = data;
  static const char * const variables[] = { "FAPILOG_HTTP__HEADERS", "FAPILOG_WEBHOOK__HEADERS" };

  for (gsize v = 0; v < G_N_ELEMENTS (variables); v++)
    {
      g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
      g_autoptr(FapilogSettings) reference = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *entry = g_strdup_printf ("%s=%s", variables[v], c->value);
      g_autofree char *prefix = g_strdup_printf ("%s: invalid value (not shown, it may hold "
                                                 "a credential): ", variables[v]);

      /* All or nothing: the good variable next to it is not applied. */
      g_assert_false (apply_env (settings, &error, "FAPILOG_HTTP__BATCH_SIZE=7", entry, NULL));
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      if (!g_str_has_prefix (error->message, prefix) ||
          strstr (error->message, c->problem) == NULL ||
          strstr (error->message, "expected a JSON object of header names to string values") == NULL)
        g_error ("unexpected message for %s: %s", entry, error->message);
      if (strstr (error->message, "t0ken") != NULL)
        g_error ("the message shows the value: %s", error->message);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (strchr (error->message, '\n'));
      g_assert_null (strchr (error->message, '\r'));
      assert_same_settings (settings, reference);
    }
}

/* The parser itself: order, empty objects, whitespace. */
static void
test_parse_headers (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) values = NULL;
  const char *expected_names[] = { "Z-Last", "A-First", "x-lower", NULL };
  const char *expected_values[] = { "1", " spaced\tvalue ", "", NULL };
  const char *none[] = { NULL };

  g_assert_true (_fapilog_parse_headers ("X",
                                         "\n {\"Z-Last\":\"1\",\"A-First\":\" spaced\\tvalue \","
                                         "\"x-lower\":\"\"} \t",
                                         &names, &values, &error));
  g_assert_no_error (error);
  g_assert_cmpstrv (names, expected_names);
  g_assert_cmpstrv (values, expected_values);
  g_clear_pointer (&names, g_strfreev);
  g_clear_pointer (&values, g_strfreev);

  /* Empty lists, never NULL, for "nothing". */
  g_assert_true (_fapilog_parse_headers ("X", "{}", &names, &values, &error));
  g_assert_cmpstrv (names, none);
  g_assert_cmpstrv (values, none);
  g_clear_pointer (&names, g_strfreev);
  g_clear_pointer (&values, g_strfreev);
  g_assert_true (_fapilog_parse_headers ("X", "  ", &names, &values, &error));
  g_assert_cmpstrv (names, none);
  g_clear_pointer (&names, g_strfreev);
  g_clear_pointer (&values, g_strfreev);

  /* An escaped backslash before "u0000" is no NUL. */
  g_assert_true (_fapilog_parse_headers ("X", "{\"X-A\":\"a\\\\u0000\"}", &names, &values, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (values[0], ==, "a\\u0000");
  g_clear_pointer (&names, g_strfreev);
  g_clear_pointer (&values, g_strfreev);

  /* A repeat inside a nested object is reported as what it is: a value
   * that is not a string. */
  g_assert_false (_fapilog_parse_headers ("X", "{\"X-A\":{\"k\":\"1\",\"k\":\"2\"}}",
                                          &names, &values, &error));
  g_assert_nonnull (strstr (error->message, "the value of header \"X-A\" is not a string"));
  g_assert_null (names);
  g_assert_null (values);
}

static void
collect_header (const char *name,
                const char *value,
                gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup_printf ("%s=%s", name, value));
}

static char *
joined_headers (FapilogSettings *settings,
                gboolean         webhook)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);

  if (webhook)
    _fapilog_settings_foreach_webhook_header (settings, collect_header, pairs);
  else
    _fapilog_settings_foreach_http_header (settings, collect_header, pairs);
  g_ptr_array_add (pairs, NULL);
  return g_strjoinv ("|", (char **) pairs->pdata);
}

static void
test_headers_property (void)
{
  static const char * const properties[] = { "http-headers", "webhook-headers" };

  for (gsize p = 0; p < G_N_ELEMENTS (properties); p++)
    {
      g_autoptr(FapilogSettings) s = fapilog_settings_new ();
      gboolean webhook = g_str_has_prefix (properties[p], "webhook");
      const FapilogSettingsHeaders *headers = webhook ? &s->webhook_headers : &s->http_headers;
      const FapilogSettingsHeaders *other = webhook ? &s->http_headers : &s->webhook_headers;
      g_autofree char *joined = NULL;
      g_autofree char *read_back = NULL;
      NotifyLog log;

      notify_log_init (&log, s);
      g_object_set (s, properties[p], " {\"X-B\":\"2\", \"X-A\" : \"Bearer t0ken\"} ", NULL);
      g_object_get (s, properties[p], &read_back, NULL);
      g_assert_cmpstr (read_back, ==, "{\"X-B\":\"2\",\"X-A\":\"Bearer t0ken\"}");
      g_assert_cmpstr (headers->json, ==, read_back);
      joined = joined_headers (s, webhook);
      g_assert_cmpstr (joined, ==, "X-B=2|X-A=Bearer t0ken");
      g_clear_pointer (&joined, g_free);
      g_assert_null (other->json);
      joined = joined_headers (s, !webhook);
      g_assert_cmpstr (joined, ==, "");
      g_clear_pointer (&joined, g_free);
      g_assert_cmpuint (notify_count (&log, properties[p]), ==, 1);
      g_assert_cmpstr (_fapilog_settings_get_source (s, properties[p]), ==, "code");

      /* Bad headers from code: a warning that shows no value; value,
       * source and notifications as if nothing had been set. The code's
       * value is taken back first, or it would hide the environment's. */
      g_assert_true (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_CODE,
                                                                properties[p], NULL));
      g_assert_null (headers->json);
      notify_log_reset (&log);
      g_assert_true (apply_env (s, NULL, webhook ? "FAPILOG_WEBHOOK__HEADERS={\"X-Env\":\"1\"}"
                                                 : "FAPILOG_HTTP__HEADERS={\"X-Env\":\"1\"}",
                                NULL));
      g_assert_cmpuint (log.total, ==, 1);
      notify_log_reset (&log);
      {
        static const char * const bad[] = {
          "{\"Authorization\":\"Bearer t0ken\"",
          "{\"Authorization\":\"Bearer t0ken\\r\\nX-Evil: 1\"}",
          "{\"X-A\":42, \"X-B\":\"t0ken\"}",
          "[\"t0ken\"]",
        };

        for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
          {
            /* The pattern has no '*' around t0ken, and the message is
             * checked not to hold it by the assertion on the message
             * below. */
            g_autofree char *pattern = g_strdup_printf ("FapilogSettings:%s: invalid value (not shown, "
                                                        "it may hold a credential): *; the value is ignored",
                                                        properties[p]);

            g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, pattern);
            g_object_set (s, properties[p], bad[i], NULL);
            g_test_assert_expected_messages ();
            g_assert_cmpstr (headers->json, ==, "{\"X-Env\":\"1\"}");
            g_assert_cmpstr (_fapilog_settings_get_source (s, properties[p]), ==, "env");
          }
      }
      g_assert_cmpuint (log.total, ==, 0);

      /* An empty object and NULL both mean no headers. */
      g_object_set (s, properties[p], "{}", NULL);
      g_assert_null (headers->json);
      g_assert_null (headers->names);
      g_assert_null (headers->values);
      g_assert_cmpuint (log.total, ==, 1);
      g_object_set (s, properties[p], NULL, NULL);
      g_assert_cmpuint (log.total, ==, 1);
      g_clear_pointer (&read_back, g_free);
      g_object_get (s, properties[p], &read_back, NULL);
      g_assert_null (read_back);
      joined = joined_headers (s, webhook);
      g_assert_cmpstr (joined, ==, "");

      notify_log_clear (&log, s);
    }
}

/* The warning for bad headers set in code goes through the GLib log
 * writer; this one counts the messages and checks that none holds a
 * header value (every field of the structured message, not only the
 * text), then writes them to stderr as usual. */
static GLogWriterOutput
hidden_value_writer (GLogLevelFlags   log_level,
                     const GLogField *fields,
                     gsize            n_fields,
                     gpointer         user_data)
{
  guint *n_messages = user_data;

  for (gsize i = 0; i < n_fields; i++)
    {
      gssize length = fields[i].length;

      if (length < 0)
        length = strlen (fields[i].value);
      if (g_strstr_len (fields[i].value, length, "t0ken") != NULL)
        {
          fputs ("a log field shows a header value\n", stderr);
          abort ();
        }
      if (strcmp (fields[i].key, "MESSAGE") == 0)
        (*n_messages)++;
    }
  return g_log_writer_default (log_level, fields, n_fields, NULL);
}

static void
test_headers_warning_hides_value (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(FapilogSettings) s = fapilog_settings_new ();
      guint n_messages = 0;

      /* Warnings are fatal in tests; here they are what is looked at. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_log_set_writer_func (hidden_value_writer, &n_messages, NULL);
      g_object_set (s, "http-headers", "{\"Authorization\":\"Bearer t0ken\\n\"}", NULL);
      g_object_set (s, "webhook-headers", "{\"Authorization\":\"Bearer t0ken\"", NULL);
      g_object_set (s, "http-headers", "{\"Authorization\":7,\"X\":\"t0ken\"}", NULL);
      g_assert_cmpuint (n_messages, ==, 3);
      g_assert_null (s->http_headers.json);
      g_assert_null (s->webhook_headers.json);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*FapilogSettings:http-headers: invalid value (not shown*");
  g_test_trap_assert_stderr_unmatched ("*t0ken*");
  g_test_trap_assert_stdout_unmatched ("*t0ken*");
}

/* ------------------------------------------------------------------------
 * The http and webhook properties from code
 * ------------------------------------------------------------------------ */

static void
test_http_properties (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();

  g_object_set (s,
                "http-timeout-seconds", 2.5,
                "http-retry-max-attempts", 9,
                "http-retry-backoff-seconds", 0.25,
                "http-retry-max-backoff-seconds", 8.0,
                "http-batch-size", 42,
                "http-batch-timeout-seconds", 0.75,
                "http-batch-max-bytes", G_GUINT64_CONSTANT (4096),
                "http-batch-format", FAPILOG_HTTP_BATCH_FORMAT_NDJSON,
                "http-batch-wrapper-key", "items",
                "http-compression", FAPILOG_HTTP_COMPRESSION_GZIP,
                "http-tls-ca-file", "/ca.pem",
                "http-max-pending-bytes", G_GUINT64_CONSTANT (1) << 33,
                "webhook-endpoint", "http://127.0.0.1:1/hook",
                "webhook-timeout-seconds", 1.5,
                "webhook-retry-max-attempts", 4,
                "webhook-retry-backoff-seconds", 0.5,
                "webhook-retry-max-backoff-seconds", 2.0,
                "webhook-batch-size", 3,
                "webhook-batch-timeout-seconds", 0.125,
                "webhook-max-pending-bytes", G_GUINT64_CONSTANT (65536),
                "webhook-tls-ca-file", "/hooks.pem",
                NULL);
  g_assert_cmpfloat (s->http_timeout_seconds, ==, 2.5);
  g_assert_cmpuint (s->http_retry_max_attempts, ==, 9);
  g_assert_cmpfloat (s->http_retry_backoff_seconds, ==, 0.25);
  g_assert_cmpfloat (s->http_retry_max_backoff_seconds, ==, 8.0);
  g_assert_cmpuint (s->http_batch_size, ==, 42);
  g_assert_cmpfloat (s->http_batch_timeout_seconds, ==, 0.75);
  g_assert_cmpuint (s->http_batch_max_bytes, ==, 4096);
  g_assert_cmpint (s->http_batch_format, ==, FAPILOG_HTTP_BATCH_FORMAT_NDJSON);
  g_assert_cmpstr (s->http_batch_wrapper_key, ==, "items");
  g_assert_cmpint (s->http_compression, ==, FAPILOG_HTTP_COMPRESSION_GZIP);
  g_assert_cmpstr (s->http_tls_ca_file, ==, "/ca.pem");
  g_assert_cmpuint (s->http_max_pending_bytes, ==, G_GUINT64_CONSTANT (1) << 33);
  g_assert_cmpstr (s->webhook_endpoint, ==, "http://127.0.0.1:1/hook");
  g_assert_cmpfloat (s->webhook_timeout_seconds, ==, 1.5);
  g_assert_cmpuint (s->webhook_retry_max_attempts, ==, 4);
  g_assert_cmpfloat (s->webhook_retry_backoff_seconds, ==, 0.5);
  g_assert_cmpfloat (s->webhook_retry_max_backoff_seconds, ==, 2.0);
  g_assert_cmpuint (s->webhook_batch_size, ==, 3);
  g_assert_cmpfloat (s->webhook_batch_timeout_seconds, ==, 0.125);
  g_assert_cmpuint (s->webhook_max_pending_bytes, ==, 65536);
  g_assert_cmpstr (s->webhook_tls_ca_file, ==, "/hooks.pem");
  assert_property (s, "http-batch-format", "ndjson");
  assert_property (s, "http-compression", "gzip");

  /* NULL restores the wrapper key's default. */
  g_object_set (s, "http-batch-wrapper-key", NULL, NULL);
  g_assert_cmpstr (s->http_batch_wrapper_key, ==, "logs");
}

/* An empty wrapper key from code is refused like a bad prefix. */
static void
test_wrapper_key_refused (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  NotifyLog log;

  g_object_set (s, "http-batch-wrapper-key", "kept", NULL);
  notify_log_init (&log, s);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                         "*http-batch-wrapper-key*must not be empty*");
  g_object_set (s, "http-batch-wrapper-key", "", NULL);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (s->http_batch_wrapper_key, ==, "kept");
  g_assert_cmpstr (_fapilog_settings_get_source (s, "http-batch-wrapper-key"), ==, "code");
  g_assert_cmpuint (log.total, ==, 0);
  notify_log_clear (&log, s);
}

/* ------------------------------------------------------------------------
 * The webhook secret
 * ------------------------------------------------------------------------ */

static void
test_webhook_secret_write_only (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (s), "webhook-secret");
  g_auto(GValue) value = G_VALUE_INIT;
  NotifyLog log;

  g_assert_nonnull (pspec);
  g_assert_true (pspec->value_type == G_TYPE_STRING);
  g_assert_cmpint (pspec->flags & (G_PARAM_READABLE | G_PARAM_WRITABLE), ==, G_PARAM_WRITABLE);
  g_assert_null (g_param_spec_get_default_value (pspec)->data[0].v_pointer);

  /* GObject never notifies a property that cannot be read, so a
   * handler cannot be handed the secret either. */
  notify_log_init (&log, s);
  g_object_set (s, "webhook-secret", "s3cr3t", NULL);
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (s), ==, "s3cr3t");
  g_assert_cmpstr (_fapilog_settings_get_source (s, "webhook-secret"), ==, "code");
  g_assert_cmpuint (log.total, ==, 0);

  /* Reading it is refused by GObject, and gives nothing. */
  g_value_init (&value, G_TYPE_STRING);
  g_test_expect_message ("GLib-GObject", G_LOG_LEVEL_WARNING, "*webhook-secret*not readable*");
  g_object_get_property (G_OBJECT (s), "webhook-secret", &value);
  g_test_assert_expected_messages ();
  g_assert_null (g_value_get_string (&value));

  /* Replaced; an empty secret is none, like NULL. */
  g_object_set (s, "webhook-secret", "other", NULL);
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (s), ==, "other");
  g_object_set (s, "webhook-secret", "", NULL);
  g_assert_null (_fapilog_settings_get_webhook_secret (s));
  g_object_set (s, "webhook-secret", "again", NULL);
  g_object_set (s, "webhook-secret", NULL, NULL);
  g_assert_null (_fapilog_settings_get_webhook_secret (s));
  g_assert_cmpstr (_fapilog_settings_get_source (s, "webhook-secret"), ==, "code");
  g_assert_cmpuint (log.total, ==, 0);

  notify_log_clear (&log, s);
}

/* The secret is in no message: not when another variable is bad (and then
 * not applied either), not when the environment is fine. */
static void
test_webhook_secret_not_in_errors (void)
{
  static const char * const bad[] = {
    "FAPILOG_WEBHOOK__BATCH_SIZE=0",
    "FAPILOG_WEBHOOK__HEADERS={\"X-A\":1}",
    "FAPILOG_WEBHOOK__ENDPOINT_TYPO=x",  /* ignored: the environment applies */
    "FAPILOG_CORE__LOG_LEVEL=s3cr3t-but-not-a-level",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(FapilogSettings) s = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;
      gboolean ok;

      ok = apply_env (s, &error, "FAPILOG_WEBHOOK__SECRET=Xy9-secret-value", bad[i], NULL);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (_fapilog_settings_get_webhook_secret (s), ==, "Xy9-secret-value");
          continue;
        }
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      g_assert_null (strstr (error->message, "Xy9-secret-value"));
      g_assert_null (strstr (error->message, "SECRET"));
      g_assert_null (_fapilog_settings_get_webhook_secret (s));
      g_assert_cmpstr (_fapilog_settings_get_source (s, "webhook-secret"), ==, "default");
    }
}

static void
test_env_ignored (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSettings) reference = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  notify_log_init (&log, s);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_CORE__WORKER_COUNT=banana",
                            "FAPILOG_CORE__ENRICHERS=[broken",
                            "FAPILOG_CORE__LOG_LEVELS=nope",
                            "FAPILOG_CORE__LOG_LEVEL_X=nope",
                            "XFAPILOG_CORE__LOG_LEVEL=nope",
                            "FAPILOG_NOPE=1",
                            "FAPILOG_CORE__LOG_LEVEL",
                            "=FAPILOG_CORE__LOG_LEVEL=nope",
                            /* Upstream's other spellings and the group it
                             * declared but never read (G24). */
                            "FAPILOG_HTTP__HEADERS_JSON={",
                            "FAPILOG_SINK_CONFIG__HTTP__BATCH_FORMAT=bogus",
                            "FAPILOG_SINK_CONFIG__WEBHOOK__SECRET=s3cr3t",
                            "FAPILOG_WEBHOOK__SIGNATURE_MODE=header",
                            "",
                            NULL));
  g_assert_no_error (error);
  g_assert_cmpuint (log.total, ==, 0);
  assert_same_settings (s, reference);
  notify_log_clear (&log, s);
}

static void
test_env_notifications (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  NotifyLog log;

  notify_log_init (&log, s);

  /* Values equal to the current ones: recorded as coming from the
   * environment, but nothing changed, so nothing is notified. */
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_CORE__LOG_LEVEL=INFO",
                            "FAPILOG_CORE__MAX_QUEUE_SIZE=10000",
                            "FAPILOG_CORE__PROTECTED_LEVELS=security,audit,critical,error",
                            "FAPILOG_CORE__DROP_ON_FULL=true",
                            "FAPILOG_SERVICE=fapilog",
                            NULL));
  g_assert_cmpuint (log.total, ==, 0);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "log-level"), ==, "env");
  g_assert_cmpstr (_fapilog_settings_get_source (s, "overflow-policy"), ==, "env");

  /* Changes: one notification per changed property. */
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_CORE__LOG_LEVEL=debug",
                            "FAPILOG_CORE__MAX_QUEUE_SIZE=10000",
                            "FAPILOG_CORE__OVERFLOW_POLICY=block",
                            "FAPILOG_CORE__DROP_ON_FULL=true",
                            "FAPILOG_CORE__SINKS=a,b",
                            NULL));
  g_assert_cmpuint (log.total, ==, 3);
  g_assert_cmpuint (notify_count (&log, "log-level"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "overflow-policy"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "sinks"), ==, 1);

  notify_log_clear (&log, s);
}

/* envp = NULL reads the process environment. The test first removes
 * every variable that could matter from this (single-threaded) test
 * process, so what it finds is only what it set. A subprocess would be
 * tidier, but GLib's child watch thread shows up as a leak in valgrind. */
static void
test_env_process (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = g_listenv ();

  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strncasecmp (names[i], "FAPILOG_", 8) == 0 || strcmp (names[i], "ENV") == 0)
      g_unsetenv (names[i]);

  g_setenv ("FAPILOG_CORE__MAX_QUEUE_SIZE", "4321", TRUE);
  g_setenv ("ENV", "from-process", TRUE);
  g_assert_true (fapilog_settings_apply_environment (s, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s->max_queue_size, ==, 4321);
  g_assert_cmpstr (s->env, ==, "from-process");

  g_setenv ("FAPILOG_CORE__MAX_QUEUE_SIZE", "lots", TRUE);
  g_assert_false (fapilog_settings_apply_environment (s, NULL, &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpuint (s->max_queue_size, ==, 4321);

  g_unsetenv ("FAPILOG_CORE__MAX_QUEUE_SIZE");
  g_unsetenv ("ENV");
}

/* ------------------------------------------------------------------------
 * Copy and sources
 * ------------------------------------------------------------------------ */

static void
test_copy (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSettings) copy = NULL;
  g_autoptr(FapilogSettings) default_copy = NULL;
  g_autoptr(FapilogSettings) defaults = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  const char *levels[] = { "DEBUG", "SECURITY", NULL };
  const char *other_sinks[] = { "other", NULL };

  default_copy = fapilog_settings_copy (defaults);
  assert_same_settings (default_copy, defaults);

  g_assert_true (apply_env (s, &error,
                            "FAPILOG_CORE__MAX_QUEUE_SIZE=77",
                            "FAPILOG_CORE__SINKS=stdout_json,http",
                            "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS=2s",
                            "FAPILOG_VERSION=3.1",
                            NULL));
  g_object_set (s,
                "log-level", FAPILOG_LEVEL_WARNING,
                "protected-levels", levels,
                "overflow-policy", FAPILOG_OVERFLOW_DROP_OLDEST,
                "backpressure-wait-ms", -1,
                "serialize-in-flush", FALSE,
                "internal-logging-enabled", FALSE,
                "atexit-drain-enabled", FALSE,
                "service", "svc",
                "file-directory", "/tmp/logs",
                "http-endpoint", "http://localhost:1/",
                "protected-queue-size", 11,
                "sink-backlog-size", 12,
                "batch-max-size", 13,
                "sink-write-timeout-seconds", 14.0,
                "shutdown-timeout-seconds", 15.0,
                "atexit-drain-timeout-seconds", 16.0,
                "env", "qa",
                "file-filename-prefix", "copied",
                "file-mode", FAPILOG_FILE_FORMAT_TEXT,
                "file-max-bytes", G_GUINT64_CONSTANT (1) << 40,
                "file-max-files", 9,
                "file-compress-rotated", TRUE,
                "file-file-mode", 0604,
                NULL);
  g_assert_true (apply_env (s, &error,
                            "FAPILOG_FILE__INTERVAL_SECONDS=hourly",
                            "FAPILOG_FILE__MAX_TOTAL_BYTES=3 GB",
                            "FAPILOG_FILE__FSYNC=batch",
                            "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\"}",
                            "FAPILOG_HTTP__BATCH_FORMAT=ndjson",
                            "FAPILOG_HTTP__BATCH_MAX_BYTES=64 KB",
                            "FAPILOG_WEBHOOK__SECRET=s3cr3t",
                            NULL));
  g_object_set (s,
                "http-compression", FAPILOG_HTTP_COMPRESSION_GZIP,
                "http-batch-wrapper-key", "items",
                "webhook-headers", "{\"X-Source\":\"copy\"}",
                "webhook-batch-timeout-seconds", 0.5,
                "mmap-path", "/tmp/copied.jsonl",
                "mmap-growth-factor", 3.0,
                "mmap-sync-mode", FAPILOG_MMAP_SYNC_ALWAYS,
                NULL);
  g_assert_true (apply_env (s, &error, "FAPILOG_MMAP__MAX_SIZE=5 MB", NULL));

  copy = fapilog_settings_copy (s);
  g_assert_true (copy != s);
  assert_same_settings (copy, s);
  g_assert_cmpstr (_fapilog_settings_get_source (copy, "max-queue-size"), ==, "env");
  g_assert_cmpstr (_fapilog_settings_get_source (copy, "service"), ==, "code");
  g_assert_cmpstr (copy->file_filename_prefix, ==, "copied");
  g_assert_cmpint (copy->file_format, ==, FAPILOG_FILE_FORMAT_TEXT);
  g_assert_cmpuint (copy->file_max_bytes, ==, G_GUINT64_CONSTANT (1) << 40);
  g_assert_cmpfloat (copy->file_interval_seconds, ==, 3600.0);
  g_assert_cmpuint (copy->file_max_files, ==, 9);
  g_assert_cmpuint (copy->file_max_total_bytes, ==, G_GUINT64_CONSTANT (3) << 30);
  g_assert_true (copy->file_compress_rotated);
  g_assert_cmpuint (copy->file_file_mode, ==, 0604);
  g_assert_cmpint (copy->file_fsync, ==, FAPILOG_FSYNC_BATCH);
  g_assert_cmpstr (_fapilog_settings_get_source (copy, "file-fsync"), ==, "env");
  g_assert_cmpstr (_fapilog_settings_get_source (copy, "file-file-mode"), ==, "code");

  /* The write-only secret and the parsed headers are copied too. */
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (copy), ==, "s3cr3t");
  g_assert_true (copy->webhook_secret != s->webhook_secret);
  g_assert_cmpstr (_fapilog_settings_get_source (copy, "webhook-secret"), ==, "env");
  g_assert_cmpstr (copy->http_headers.names[0], ==, "Authorization");
  g_assert_cmpstr (copy->http_headers.values[0], ==, "Bearer t0ken");
  g_assert_null (copy->http_headers.names[1]);
  g_assert_cmpstr (copy->webhook_headers.json, ==, "{\"X-Source\":\"copy\"}");
  g_assert_cmpint (copy->http_batch_format, ==, FAPILOG_HTTP_BATCH_FORMAT_NDJSON);
  g_assert_cmpint (copy->http_compression, ==, FAPILOG_HTTP_COMPRESSION_GZIP);
  g_assert_cmpuint (copy->http_batch_max_bytes, ==, 65536);
  g_assert_cmpstr (copy->http_batch_wrapper_key, ==, "items");
  g_assert_cmpfloat (copy->webhook_batch_timeout_seconds, ==, 0.5);
  g_assert_cmpstr (copy->mmap_path, ==, "/tmp/copied.jsonl");
  g_assert_true (copy->mmap_path != s->mmap_path);
  g_assert_cmpfloat (copy->mmap_growth_factor, ==, 3.0);
  g_assert_cmpint (copy->mmap_sync_mode, ==, FAPILOG_MMAP_SYNC_ALWAYS);
  g_assert_cmpuint (copy->mmap_max_size, ==, 5 * 1024 * 1024);
  g_assert_cmpstr (_fapilog_settings_get_source (copy, "mmap-max-size"), ==, "env");
  g_assert_cmpstr (_fapilog_settings_get_source (copy, "mmap-path"), ==, "code");

  /* Independent storage. */
  g_assert_true (copy->sinks != s->sinks);
  g_object_set (copy, "sinks", other_sinks, "service", "changed", "max-queue-size", 1,
                "file-filename-prefix", "other", NULL);
  g_assert_cmpstr (s->sinks[0], ==, "stdout_json");
  g_assert_cmpstr (s->service, ==, "svc");
  g_assert_cmpstr (s->file_filename_prefix, ==, "copied");
  g_assert_cmpuint (s->max_queue_size, ==, 77);
}

static void
test_sources (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSettings) constructed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (_fapilog_settings_get_source (s, "log-level"), ==, "default");
  g_assert_null (_fapilog_settings_get_source (s, "no-such-property"));

  g_assert_true (apply_env (s, &error, "FAPILOG_CORE__LOG_LEVEL=error", NULL));
  g_assert_cmpstr (_fapilog_settings_get_source (s, "log-level"), ==, "env");
  /* GObject's underscore spelling finds the same property. */
  g_assert_cmpstr (_fapilog_settings_get_source (s, "log_level"), ==, "env");

  /* Code after the environment, even with the same value, is code... */
  g_object_set (s, "log-level", FAPILOG_LEVEL_ERROR, NULL);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "log-level"), ==, "code");

  /* ...and the environment applied later does not take over: code has
   * the higher precedence, whatever the order. */
  g_assert_true (apply_env (s, &error, "FAPILOG_CORE__LOG_LEVEL=debug", NULL));
  g_assert_cmpstr (_fapilog_settings_get_source (s, "log-level"), ==, "code");
  g_assert_cmpint (s->log_level, ==, FAPILOG_LEVEL_ERROR);

  g_assert_cmpstr (_fapilog_settings_get_source (s, "max-queue-size"), ==, "default");

  constructed = g_object_new (FAPILOG_TYPE_SETTINGS, "max-queue-size", 5, NULL);
  g_assert_cmpstr (_fapilog_settings_get_source (constructed, "max-queue-size"), ==, "code");
  g_assert_cmpstr (_fapilog_settings_get_source (constructed, "batch-max-size"), ==, "default");
}

/* ------------------------------------------------------------------------
 * Presets
 * ------------------------------------------------------------------------ */

typedef struct {
  const char *property;
  const char *value;
} Expected;

typedef struct {
  const char     *name;
  const Expected *values;   /* ends with { NULL } */
} PresetCase;

/* What doc/configuration.md promises for each preset; every other property
 * keeps its default. */
static const Expected dev_expected[] = {
  { "log-level", "debug" },
  { "sinks", "stdout_pretty" },
  { "batch-max-size", "1" },
  { "internal-logging-enabled", "true" },
  { NULL }
};

static const Expected production_expected[] = {
  { "log-level", "info" },
  { "sinks", "stdout_json" },
  { "max-queue-size", "10000" },
  { "batch-max-size", "256" },
  { "batch-timeout-seconds", "0.25" },
  { "overflow-policy", "block" },
  { "shutdown-timeout-seconds", "25" },
  { "file-max-bytes", "52428800" },
  { "file-max-files", "10" },
  { "file-compress-rotated", "true" },
  { NULL }
};

static const Expected serverless_expected[] = {
  { "log-level", "info" },
  { "sinks", "stdout_json" },
  { "max-queue-size", "10000" },
  { "batch-max-size", "25" },
  { "overflow-policy", "drop-newest" },
  { NULL }
};

static const Expected hardened_expected[] = {
  { "log-level", "info" },
  { "sinks", "stdout_json,rotating_file" },
  { "max-queue-size", "10000" },
  { "batch-max-size", "100" },
  { "overflow-policy", "block" },
  { "file-directory", "./logs" },
  { "file-max-bytes", "52428800" },
  { "file-max-files", "10" },
  { "file-compress-rotated", "true" },
  { NULL }
};

static const Expected minimal_expected[] = {
  { "max-queue-size", "10000" },
  { "batch-max-size", "256" },
  { "overflow-policy", "drop-newest" },
  { NULL }
};

static const PresetCase preset_cases[] = {
  { "dev", dev_expected },
  { "production", production_expected },
  { "serverless", serverless_expected },
  { "hardened", hardened_expected },
  { "minimal", minimal_expected },
};

static const char *
expected_value (const Expected *values,
                const char     *property)
{
  for (guint i = 0; values[i].property != NULL; i++)
    if (strcmp (values[i].property, property) == 0)
      return values[i].value;
  return NULL;
}

static void
test_preset_values (gconstpointer data)
{
  const PresetCase *c = data;
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogSettings) defaults = fapilog_settings_new ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (settings), &n_pspecs);

  g_assert_null (fapilog_settings_get_preset (settings));
  g_assert_true (fapilog_settings_apply_preset (settings, c->name, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fapilog_settings_get_preset (settings), ==, c->name);

  for (guint i = 0; i < n_pspecs; i++)
    {
      const char *name = pspecs[i]->name;
      const char *expected = expected_value (c->values, name);

      if (!(pspecs[i]->flags & G_PARAM_READABLE))
        {
          g_assert_null (expected);
          g_assert_cmpint (fapilog_settings_get_source (settings, name), ==,
                           FAPILOG_SETTING_SOURCE_DEFAULT);
          continue;
        }
      if (expected != NULL)
        {
          assert_property (settings, name, expected);
          g_assert_cmpint (fapilog_settings_get_source (settings, name), ==,
                           FAPILOG_SETTING_SOURCE_PRESET);
        }
      else
        {
          g_autofree char *default_value = property_to_string (defaults, name);

          assert_property (settings, name, default_value);
          g_assert_cmpint (fapilog_settings_get_source (settings, name), ==,
                           FAPILOG_SETTING_SOURCE_DEFAULT);
        }
    }

  /* Every preset makes a pipeline with the sinks it names. */
  pipeline = fapilog_pipeline_new (settings);
  g_assert_true (fapilog_pipeline_add_configured_sinks (pipeline, &error));
  g_assert_no_error (error);
}

/* Every preset the library knows has a case above, and only those. */
static void
test_preset_names (void)
{
  const char * const *names = fapilog_settings_get_preset_names ();

  g_assert_cmpuint (g_strv_length ((char **) names), ==, G_N_ELEMENTS (preset_cases));
  for (gsize i = 0; i < G_N_ELEMENTS (preset_cases); i++)
    g_assert_cmpstr (names[i], ==, preset_cases[i].name);
}

static void
test_preset_unknown (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (fapilog_settings_apply_preset (settings, "prod", &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "preset: invalid value \"prod\": expected one of dev, production, "
                   "serverless, hardened, minimal");
  g_assert_null (fapilog_settings_get_preset (settings));
  g_clear_error (&error);

  /* Names are words: case and surrounding space do not matter. */
  g_assert_true (fapilog_settings_apply_preset (settings, " Production ", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fapilog_settings_get_preset (settings), ==, "production");
}

/* One preset at a time: the second replaces all of the first. */
static void
test_preset_replaces (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogSettings) production = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  NotifyLog log;

  g_assert_true (fapilog_settings_apply_preset (settings, "dev", &error));
  notify_log_init (&log, settings);
  g_assert_true (fapilog_settings_apply_preset (settings, "production", &error));
  g_assert_true (fapilog_settings_apply_preset (production, "production", &error));
  json = fapilog_settings_to_json (settings);
  expected = fapilog_settings_to_json (production);
  g_assert_cmpstr (json, ==, expected);

  /* One notification per property whose value changed. */
  g_assert_cmpuint (notify_count (&log, "log-level"), ==, 1);
  g_assert_cmpuint (notify_count (&log, "internal-logging-enabled"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "max-queue-size"), ==, 0);
  g_assert_cmpuint (notify_count (&log, "shutdown-timeout-seconds"), ==, 1);
  notify_log_clear (&log, settings);
}

/* FAPILOG_PRESET picks a preset beneath the other variables. */
static void
test_preset_environment (void)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(FapilogSettings) s = fapilog_settings_new ();

    g_assert_true (apply_env (s, &error,
                              "FAPILOG_CORE__BATCH_MAX_SIZE=7",
                              "fapilog_preset=Serverless",
                              NULL));
    g_assert_no_error (error);
    g_assert_cmpstr (fapilog_settings_get_preset (s), ==, "serverless");
    assert_property (s, "batch-max-size", "7");
    g_assert_cmpstr (_fapilog_settings_get_source (s, "batch-max-size"), ==, "env");
    assert_property (s, "sinks", "stdout_json");
    g_assert_cmpstr (_fapilog_settings_get_source (s, "sinks"), ==, "preset");
  }

  /* Empty: no preset. */
  {
    g_autoptr(FapilogSettings) s = fapilog_settings_new ();

    g_assert_true (apply_env (s, &error, "FAPILOG_PRESET=", NULL));
    g_assert_null (fapilog_settings_get_preset (s));
  }

  /* Unknown: an error listing the presets, and nothing applied. */
  {
    g_autoptr(FapilogSettings) s = fapilog_settings_new ();

    g_assert_false (apply_env (s, &error,
                               "FAPILOG_CORE__MAX_QUEUE_SIZE=5",
                               "FAPILOG_PRESET=adaptive",
                               NULL));
    g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
    g_assert_cmpstr (error->message, ==,
                     "FAPILOG_PRESET: invalid value \"adaptive\": expected one of dev, "
                     "production, serverless, hardened, minimal");
    g_assert_null (fapilog_settings_get_preset (s));
    g_assert_cmpuint (s->max_queue_size, ==, 10000);
    g_clear_error (&error);
  }
}

/* Who chooses the preset follows the precedence too: a preset applied in
 * code stays, whatever the order, and FAPILOG_PRESET only fills in when
 * the program chose none. */
static void
test_preset_chosen_by (void)
{
  for (guint code_first = 0; code_first < 2; code_first++)
    {
      g_autoptr(FapilogSettings) s = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;

      if (code_first)
        g_assert_true (fapilog_settings_apply_preset (s, "hardened", &error));
      g_assert_true (apply_env (s, &error, "FAPILOG_PRESET=dev", NULL));
      if (!code_first)
        g_assert_true (fapilog_settings_apply_preset (s, "hardened", &error));
      g_assert_cmpstr (fapilog_settings_get_preset (s), ==, "hardened");
      assert_property (s, "log-level", "info");
      assert_property (s, "batch-max-size", "100");
      json = fapilog_settings_to_json (s);
      g_assert_nonnull (strstr (json, "\n  \"preset\": {\"value\":\"hardened\",\"source\":\"code\"},\n"));
    }
}

/* ------------------------------------------------------------------------
 * Sources and precedence (GSettings: test-gsettings.c)
 * ------------------------------------------------------------------------ */

static void
test_precedence_order (void)
{
  static const char * const envp[] = {
    "FAPILOG_CORE__LOG_LEVEL=error", "FAPILOG_CORE__MAX_QUEUE_SIZE=300", NULL
  };
  g_autofree char *reference = NULL;

  /* Program defaults, preset, environment, code: in both orders. */
  for (guint reverse = 0; reverse < 2; reverse++)
    {
      g_autoptr(FapilogSettings) s = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;

      for (guint i = 0; i < 4; i++)
        {
          switch (reverse ? 3 - i : i)
            {
            case 0:
              fapilog_settings_set_from_source (s, FAPILOG_SETTING_SOURCE_DEFAULT,
                                                "log-level", FAPILOG_LEVEL_WARNING,
                                                "max-queue-size", 100,
                                                "batch-max-size", 101,
                                                "sink-backlog-size", 102,
                                                NULL);
              break;
            case 1:
              g_assert_true (fapilog_settings_apply_preset (s, "dev", &error));
              break;
            case 2:
              g_assert_true (fapilog_settings_apply_environment (s, envp, &error));
              break;
            case 3:
              g_object_set (s, "log-level", FAPILOG_LEVEL_AUDIT, NULL);
              break;
            default:
              g_assert_not_reached ();
            }
          g_assert_no_error (error);
        }

      assert_property (s, "log-level", "audit");
      g_assert_cmpstr (_fapilog_settings_get_source (s, "log-level"), ==, "code");
      assert_property (s, "max-queue-size", "300");
      g_assert_cmpstr (_fapilog_settings_get_source (s, "max-queue-size"), ==, "env");
      assert_property (s, "batch-max-size", "1");
      g_assert_cmpstr (_fapilog_settings_get_source (s, "batch-max-size"), ==, "preset");
      assert_property (s, "sink-backlog-size", "102");
      g_assert_cmpstr (_fapilog_settings_get_source (s, "sink-backlog-size"), ==, "default");

      json = fapilog_settings_to_json (s);
      if (reference == NULL)
        reference = g_steal_pointer (&json);
      else
        g_assert_cmpstr (json, ==, reference);
    }
}

static void
test_set_from_source (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_auto(GValue) value = G_VALUE_INIT;
  NotifyLog log;

  notify_log_init (&log, s);
  g_value_init (&value, G_TYPE_UINT);

  /* A lower source than the one in place is kept beneath. */
  g_object_set (s, "batch-max-size", 5, NULL);
  g_value_set_uint (&value, 6);
  g_assert_false (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_ENV,
                                                             "batch-max-size", &value));
  g_assert_cmpuint (s->batch_max_size, ==, 5);
  g_assert_cmpuint (notify_count (&log, "batch-max-size"), ==, 1);

  /* Taking the code's value back shows it. */
  g_assert_true (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_CODE,
                                                            "batch_max_size", NULL));
  g_assert_cmpuint (s->batch_max_size, ==, 6);
  g_assert_cmpint (fapilog_settings_get_source (s, "batch-max-size"), ==,
                   FAPILOG_SETTING_SOURCE_ENV);
  g_assert_cmpuint (notify_count (&log, "batch-max-size"), ==, 2);

  /* Taking back what a source never gave changes nothing (and nothing
   * above it hides the value beneath). */
  g_assert_true (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_PRESET,
                                                            "max-queue-size", NULL));
  g_assert_cmpuint (s->max_queue_size, ==, 10000);
  g_assert_cmpuint (notify_count (&log, "max-queue-size"), ==, 0);

  /* A value that transforms to the property's type. */
  {
    g_auto(GValue) as_int = G_VALUE_INIT;

    g_value_init (&as_int, G_TYPE_INT);
    g_value_set_int (&as_int, 42);
    g_assert_true (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_PRESET,
                                                              "max-queue-size", &as_int));
    g_assert_cmpuint (s->max_queue_size, ==, 42);
  }

  /* Out of the property's range, or refused by the property: a warning,
   * nothing stored. */
  g_value_set_uint (&value, 0);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*out of range*batch-max-size*");
  g_assert_false (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_CODE,
                                                             "batch-max-size", &value));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (s->batch_max_size, ==, 6);
  {
    g_auto(GValue) prefix = G_VALUE_INIT;

    g_value_init (&prefix, G_TYPE_STRING);
    g_value_set_static_string (&prefix, "a/b");
    g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*file-filename-prefix*ignoring*");
    g_assert_false (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_DEFAULT,
                                                               "file-filename-prefix", &prefix));
    g_test_assert_expected_messages ();
    g_assert_cmpint (fapilog_settings_get_source (s, "file-filename-prefix"), ==,
                     FAPILOG_SETTING_SOURCE_DEFAULT);
  }

  /* The varargs form, with several properties and one notification
   * each. */
  notify_log_reset (&log);
  fapilog_settings_set_from_source (s, FAPILOG_SETTING_SOURCE_DEFAULT,
                                    "service", "billing",
                                    "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
                                    "file-max-bytes", G_GUINT64_CONSTANT (1) << 33,
                                    "batch-timeout-seconds", 0.5,
                                    NULL);
  g_assert_cmpstr (s->service, ==, "billing");
  g_assert_cmpint (s->overflow_policy, ==, FAPILOG_OVERFLOW_BLOCK);
  g_assert_cmpuint (s->file_max_bytes, ==, G_GUINT64_CONSTANT (1) << 33);
  g_assert_cmpfloat (s->batch_timeout_seconds, ==, 0.5);
  g_assert_cmpuint (log.total, ==, 4);
  g_assert_cmpstr (_fapilog_settings_get_source (s, "service"), ==, "default");

  notify_log_clear (&log, s);
}

/* The secret goes through the sources like any value, and every copy of
 * it is kept and freed. */
static void
test_secret_sources (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSettings) copy = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (apply_env (s, &error, "FAPILOG_WEBHOOK__SECRET=from-env", NULL));
  g_object_set (s, "webhook-secret", "from-code", NULL);
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (s), ==, "from-code");
  copy = fapilog_settings_copy (s);
  g_assert_true (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_CODE,
                                                            "webhook-secret", NULL));
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (s), ==, "from-env");
  g_assert_cmpstr (_fapilog_settings_get_source (s, "webhook-secret"), ==, "env");
  g_assert_cmpstr (_fapilog_settings_get_webhook_secret (copy), ==, "from-code");
}

static void
test_to_json (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  JsonObject *root;
  JsonObject *member;
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (s), &n_pspecs);

  g_assert_true (apply_env (s, &error,
                            "FAPILOG_PRESET=production",
                            "FAPILOG_WEBHOOK__SECRET=s3cr3t-value",
                            "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\",\"X-Team\":\"billing\"}",
                            "FAPILOG_CORE__MAX_QUEUE_SIZE=77",
                            NULL));
  g_object_set (s, "file-file-mode", 0600, "version", "2.4.1", NULL);
  json = fapilog_settings_to_json (s);

  /* No secret, anywhere. */
  g_assert_null (strstr (json, "s3cr3t"));
  g_assert_null (strstr (json, "t0ken"));
  g_assert_null (strstr (json, "billing"));

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  /* The preset first, then one member per property, each with a value
   * and a source. */
  {
    g_autoptr(GList) names = json_object_get_members (root);

    g_assert_cmpstr (names->data, ==, "preset");
    g_assert_cmpuint (g_list_length (names), ==, n_pspecs + 1);
  }
  member = json_object_get_object_member (root, "preset");
  g_assert_cmpstr (json_object_get_string_member (member, "value"), ==, "production");
  g_assert_cmpstr (json_object_get_string_member (member, "source"), ==, "env");
  for (guint i = 0; i < n_pspecs; i++)
    {
      member = json_object_get_object_member (root, pspecs[i]->name);
      g_assert_nonnull (member);
      g_assert_true (json_object_has_member (member, "value"));
      g_assert_cmpstr (json_object_get_string_member (member, "source"), ==,
                       _fapilog_settings_get_source (s, pspecs[i]->name));
    }

  member = json_object_get_object_member (root, "webhook-secret");
  g_assert_cmpstr (json_object_get_string_member (member, "value"), ==, "***");
  g_assert_cmpstr (json_object_get_string_member (member, "source"), ==, "env");
  member = json_object_get_object_member (json_object_get_object_member (root, "http-headers"),
                                          "value");
  g_assert_cmpstr (json_object_get_string_member (member, "Authorization"), ==, "***");
  g_assert_cmpstr (json_object_get_string_member (member, "X-Team"), ==, "***");
  g_assert_cmpuint (json_object_get_size (member), ==, 2);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (root, "webhook-headers"),
                                              "value"));

  member = json_object_get_object_member (root, "log-level");
  g_assert_cmpstr (json_object_get_string_member (member, "value"), ==, "info");
  g_assert_cmpstr (json_object_get_string_member (member, "source"), ==, "preset");
  member = json_object_get_object_member (root, "max-queue-size");
  g_assert_cmpint (json_object_get_int_member (member, "value"), ==, 77);
  member = json_object_get_object_member (root, "sinks");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (member, "value"), 0),
                   ==, "stdout_json");
  member = json_object_get_object_member (root, "protected-levels");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (member, "value")), ==, 4);
  member = json_object_get_object_member (root, "batch-timeout-seconds");
  g_assert_cmpfloat (json_object_get_double_member (member, "value"), ==, 0.25);
  member = json_object_get_object_member (root, "overflow-policy");
  g_assert_cmpstr (json_object_get_string_member (member, "value"), ==, "block");
  member = json_object_get_object_member (root, "file-file-mode");
  g_assert_cmpstr (json_object_get_string_member (member, "value"), ==, "0600");
  g_assert_cmpstr (json_object_get_string_member (member, "source"), ==, "code");
  member = json_object_get_object_member (root, "mmap-file-mode");
  g_assert_cmpstr (json_object_get_string_member (member, "value"), ==, "0640");
  member = json_object_get_object_member (root, "file-directory");
  g_assert_true (json_object_get_null_member (member, "value"));
  g_assert_cmpstr (json_object_get_string_member (member, "source"), ==, "default");
  member = json_object_get_object_member (root, "file-compress-rotated");
  g_assert_true (json_object_get_boolean_member (member, "value"));
  member = json_object_get_object_member (root, "version");
  g_assert_cmpstr (json_object_get_string_member (member, "value"), ==, "2.4.1");
}

static void
test_bad_arguments (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  guint64 size = 7;

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*FAPILOG_IS_SETTINGS*");
  g_assert_false (fapilog_settings_apply_environment (NULL, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*FAPILOG_IS_SETTINGS*");
  g_assert_null (fapilog_settings_copy (NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*value != NULL*");
  g_assert_false (_fapilog_parse_size ("X", NULL, &size, NULL));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (size, ==, 7);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*property != NULL*");
  g_assert_null (_fapilog_settings_get_source (s, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*property_name != NULL*");
  g_assert_cmpint (fapilog_settings_get_source (s, NULL), ==, FAPILOG_SETTING_SOURCE_DEFAULT);
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no property named \"no-such\"*");
  g_assert_cmpint (fapilog_settings_get_source (s, "no-such"), ==, FAPILOG_SETTING_SOURCE_DEFAULT);
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*no property named \"no-such\"*");
  g_assert_false (fapilog_settings_set_property_from_source (s, FAPILOG_SETTING_SOURCE_CODE,
                                                             "no-such", NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*source < N_SOURCES*");
  g_assert_false (fapilog_settings_set_property_from_source (s, (FapilogSettingSource) 9,
                                                             "log-level", NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*name != NULL*");
  g_assert_false (fapilog_settings_apply_preset (s, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*FAPILOG_IS_SETTINGS*");
  g_assert_null (fapilog_settings_to_json (NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*name != NULL*");
  g_assert_null (_fapilog_normalize_name (NULL));
  g_test_assert_expected_messages ();
}

/* ------------------------------------------------------------------------
 * The http and webhook factories of the sink registry
 * ------------------------------------------------------------------------ */

/* Every FAPILOG_HTTP__* setting reaches the sink made for the name
 * "http"; the headers are checked end to end in test-fapilog-cat. */
static void
test_factory_http (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *wrapper_key = NULL;
  g_autofree char *tls_ca_file = NULL;
  double timeout, backoff, max_backoff, batch_timeout;
  guint attempts, batch_size;
  guint64 batch_max_bytes, max_pending_bytes;
  FapilogHttpBatchFormat format;
  FapilogHttpCompression compression;

  g_assert_true (apply_env (s, &error,
                            "FAPILOG_HTTP__ENDPOINT=http://127.0.0.1:9/ingest",
                            "FAPILOG_HTTP__HEADERS={\"Authorization\":\"Bearer t0ken\"}",
                            "FAPILOG_HTTP__TIMEOUT_SECONDS=2500ms",
                            "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS=6",
                            "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS=0.5",
                            "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS=7",
                            "FAPILOG_HTTP__BATCH_SIZE=17",
                            "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS=250ms",
                            "FAPILOG_HTTP__BATCH_MAX_BYTES=64 KB",
                            "FAPILOG_HTTP__BATCH_FORMAT=wrapped",
                            "FAPILOG_HTTP__BATCH_WRAPPER_KEY=records",
                            "FAPILOG_HTTP__COMPRESSION=gzip",
                            "FAPILOG_HTTP__TLS_CA_FILE=/etc/ssl/ca.pem",
                            "FAPILOG_HTTP__MAX_PENDING_BYTES=3 MB",
                            NULL));
  g_assert_no_error (error);

  sink = fapilog_sink_registry_create ("http", s, &error);
  g_assert_no_error (error);
  g_assert_true (FAPILOG_IS_HTTP_SINK (sink));
  g_object_get (sink,
                "endpoint", &endpoint,
                "timeout-seconds", &timeout,
                "retry-max-attempts", &attempts,
                "retry-backoff-seconds", &backoff,
                "retry-max-backoff-seconds", &max_backoff,
                "batch-size", &batch_size,
                "batch-timeout-seconds", &batch_timeout,
                "batch-max-bytes", &batch_max_bytes,
                "batch-format", &format,
                "batch-wrapper-key", &wrapper_key,
                "compression", &compression,
                "tls-ca-file", &tls_ca_file,
                "max-pending-bytes", &max_pending_bytes,
                NULL);
  g_assert_cmpstr (endpoint, ==, "http://127.0.0.1:9/ingest");
  g_assert_cmpfloat (timeout, ==, 2.5);
  g_assert_cmpuint (attempts, ==, 6);
  g_assert_cmpfloat (backoff, ==, 0.5);
  g_assert_cmpfloat (max_backoff, ==, 7.0);
  g_assert_cmpuint (batch_size, ==, 17);
  g_assert_cmpfloat (batch_timeout, ==, 0.25);
  g_assert_cmpuint (batch_max_bytes, ==, 65536);
  g_assert_cmpint (format, ==, FAPILOG_HTTP_BATCH_FORMAT_WRAPPED);
  g_assert_cmpstr (wrapper_key, ==, "records");
  g_assert_cmpint (compression, ==, FAPILOG_HTTP_COMPRESSION_GZIP);
  g_assert_cmpstr (tls_ca_file, ==, "/etc/ssl/ca.pem");
  g_assert_cmpuint (max_pending_bytes, ==, 3 * 1024 * 1024);
}

/* The defaults of the settings are the sink's defaults. */
static void
test_factory_http_defaults (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSink) made = NULL;
  g_autoptr(FapilogSink) plain = fapilog_http_sink_new ("http://127.0.0.1:9/");
  g_autoptr(GError) error = NULL;
  static const char * const names[] = {
    "timeout-seconds", "retry-max-attempts", "retry-backoff-seconds",
    "retry-max-backoff-seconds", "batch-size", "batch-timeout-seconds", "batch-max-bytes",
    "batch-format", "batch-wrapper-key", "compression", "tls-ca-file", "max-pending-bytes",
  };

  g_object_set (s, "http-endpoint", "http://127.0.0.1:9/", NULL);
  made = fapilog_sink_registry_create ("http", s, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (made), names[i]);
      g_auto(GValue) a = G_VALUE_INIT;
      g_auto(GValue) b = G_VALUE_INIT;
      g_autofree char *va = NULL;
      g_autofree char *vb = NULL;

      g_assert_nonnull (pspec);
      g_value_init (&a, pspec->value_type);
      g_value_init (&b, pspec->value_type);
      g_object_get_property (G_OBJECT (made), names[i], &a);
      g_object_get_property (G_OBJECT (plain), names[i], &b);
      va = value_to_string (&a);
      vb = value_to_string (&b);
      if (g_strcmp0 (va, vb) != 0)
        g_error ("%s: %s from the settings, %s by default", names[i], va, vb);
    }
}

static void
test_factory_webhook (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *tls_ca_file = NULL;
  double timeout, backoff, max_backoff, batch_timeout;
  guint attempts, batch_size;
  guint64 max_pending_bytes;

  g_assert_true (apply_env (s, &error,
                            "FAPILOG_WEBHOOK__ENDPOINT=http://127.0.0.1:9/hook",
                            "FAPILOG_WEBHOOK__SECRET=s3cr3t",
                            "FAPILOG_WEBHOOK__HEADERS={\"X-Source\":\"test\"}",
                            "FAPILOG_WEBHOOK__TIMEOUT_SECONDS=3",
                            "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS=4",
                            "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS=100ms",
                            "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS=9s",
                            "FAPILOG_WEBHOOK__BATCH_SIZE=5",
                            "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS=2",
                            "FAPILOG_WEBHOOK__MAX_PENDING_BYTES=1 MB",
                            "FAPILOG_WEBHOOK__TLS_CA_FILE=/etc/ssl/hooks.pem",
                            NULL));
  g_assert_no_error (error);

  sink = fapilog_sink_registry_create ("webhook", s, &error);
  g_assert_no_error (error);
  g_assert_true (FAPILOG_IS_WEBHOOK_SINK (sink));
  g_object_get (sink,
                "endpoint", &endpoint,
                "timeout-seconds", &timeout,
                "retry-max-attempts", &attempts,
                "retry-backoff-seconds", &backoff,
                "retry-max-backoff-seconds", &max_backoff,
                "batch-size", &batch_size,
                "batch-timeout-seconds", &batch_timeout,
                "max-pending-bytes", &max_pending_bytes,
                "tls-ca-file", &tls_ca_file,
                NULL);
  g_assert_cmpstr (endpoint, ==, "http://127.0.0.1:9/hook");
  g_assert_cmpfloat (timeout, ==, 3.0);
  g_assert_cmpuint (attempts, ==, 4);
  g_assert_cmpfloat (backoff, ==, 0.1);
  g_assert_cmpfloat (max_backoff, ==, 9.0);
  g_assert_cmpuint (batch_size, ==, 5);
  g_assert_cmpfloat (batch_timeout, ==, 2.0);
  g_assert_cmpuint (max_pending_bytes, ==, 1024 * 1024);
  g_assert_cmpstr (tls_ca_file, ==, "/etc/ssl/hooks.pem");
}

/* Without an endpoint there is nothing to make: a clear error naming the
 * variable. */
static void
test_factory_no_endpoint (void)
{
  static const struct {
    const char *sink;
    const char *message;
  } cases[] = {
    { "http", "FAPILOG_HTTP__ENDPOINT is not set" },
    { "webhook", "FAPILOG_WEBHOOK__ENDPOINT is not set" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FapilogSettings) s = fapilog_settings_new ();
      g_autoptr(GError) error = NULL;

      /* The other sink's endpoint does not count. */
      g_object_set (s, "http-endpoint", i == 1 ? "http://127.0.0.1:9/" : NULL,
                    "webhook-endpoint", i == 0 ? "http://127.0.0.1:9/" : NULL, NULL);
      g_assert_null (fapilog_sink_registry_create (cases[i].sink, s, &error));
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_clear_error (&error);

      /* An empty endpoint is no endpoint. */
      g_object_set (s, i == 0 ? "http-endpoint" : "webhook-endpoint", "", NULL);
      g_assert_null (fapilog_sink_registry_create (cases[i].sink, s, &error));
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* Every FAPILOG_MMAP__* value reaches the mmap_file sink. */
static void
test_factory_mmap (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint64 initial_size, growth_min_bytes, max_size, sync_every_bytes;
  double growth_factor;
  FapilogMmapSyncMode sync_mode;
  guint sync_interval_ms, file_mode;
  gboolean flush_on_close;

  g_assert_true (apply_env (s, &error,
                            "FAPILOG_MMAP__PATH=/tmp/nowhere/events.jsonl",
                            "FAPILOG_MMAP__INITIAL_SIZE=8 KB",
                            "FAPILOG_MMAP__GROWTH_FACTOR=3",
                            "FAPILOG_MMAP__GROWTH_MIN_BYTES=16 KB",
                            "FAPILOG_MMAP__MAX_SIZE=2 MB",
                            "FAPILOG_MMAP__SYNC_MODE=bytes",
                            "FAPILOG_MMAP__SYNC_INTERVAL_MS=77",
                            "FAPILOG_MMAP__SYNC_EVERY_BYTES=32 KB",
                            "FAPILOG_MMAP__FLUSH_ON_CLOSE=false",
                            "FAPILOG_MMAP__FILE_MODE=0604",
                            NULL));
  g_assert_no_error (error);

  sink = fapilog_sink_registry_create ("mmap_file", s, &error);
  g_assert_no_error (error);
  g_assert_true (FAPILOG_IS_MMAP_FILE_SINK (sink));
  g_assert_cmpstr (fapilog_sink_get_name (sink), ==, "mmap_file");
  g_object_get (sink,
                "path", &path,
                "initial-size", &initial_size,
                "growth-factor", &growth_factor,
                "growth-min-bytes", &growth_min_bytes,
                "max-size", &max_size,
                "sync-mode", &sync_mode,
                "sync-interval-ms", &sync_interval_ms,
                "sync-every-bytes", &sync_every_bytes,
                "flush-on-close", &flush_on_close,
                "file-mode", &file_mode,
                NULL);
  g_assert_cmpstr (path, ==, "/tmp/nowhere/events.jsonl");
  g_assert_cmpuint (initial_size, ==, 8 * 1024);
  g_assert_cmpfloat (growth_factor, ==, 3.0);
  g_assert_cmpuint (growth_min_bytes, ==, 16 * 1024);
  g_assert_cmpuint (max_size, ==, 2 * 1024 * 1024);
  g_assert_cmpint (sync_mode, ==, FAPILOG_MMAP_SYNC_BYTES);
  g_assert_cmpuint (sync_interval_ms, ==, 77);
  g_assert_cmpuint (sync_every_bytes, ==, 32 * 1024);
  g_assert_false (flush_on_close);
  g_assert_cmpuint (file_mode, ==, 0604);
}

/* The defaults of the settings are the sink's defaults. */
static void
test_factory_mmap_defaults (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(FapilogSink) made = NULL;
  g_autoptr(FapilogSink) plain = fapilog_mmap_file_sink_new ("/tmp/x.jsonl");
  g_autoptr(GError) error = NULL;
  static const char * const names[] = {
    "initial-size", "growth-factor", "growth-min-bytes", "max-size", "sync-mode",
    "sync-interval-ms", "sync-every-bytes", "flush-on-close", "file-mode",
  };

  g_object_set (s, "mmap-path", "/tmp/x.jsonl", NULL);
  made = fapilog_sink_registry_create ("mmap_file", s, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (made), names[i]);
      g_auto(GValue) a = G_VALUE_INIT;
      g_auto(GValue) b = G_VALUE_INIT;
      g_autofree char *va = NULL;
      g_autofree char *vb = NULL;

      g_assert_nonnull (pspec);
      g_value_init (&a, pspec->value_type);
      g_value_init (&b, pspec->value_type);
      g_object_get_property (G_OBJECT (made), names[i], &a);
      g_object_get_property (G_OBJECT (plain), names[i], &b);
      va = value_to_string (&a);
      vb = value_to_string (&b);
      if (g_strcmp0 (va, vb) != 0)
        g_error ("%s: %s from the settings, %s by default", names[i], va, vb);
    }
}

/* Without a path there is nothing to map: a clear error naming the
 * variable, also when another sink's location is set. */
static void
test_factory_mmap_no_path (void)
{
  g_autoptr(FapilogSettings) s = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_object_set (s, "file-directory", "/tmp", NULL);
  g_assert_null (fapilog_sink_registry_create ("mmap_file", s, &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "FAPILOG_MMAP__PATH is not set");
  g_clear_error (&error);

  g_object_set (s, "mmap-path", "", NULL);
  g_assert_null (fapilog_sink_registry_create ("mmap_file", s, &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "FAPILOG_MMAP__PATH is not set");
  g_clear_error (&error);

  /* The registry knows the name under both spellings. */
  g_assert_true (fapilog_sink_registry_contains ("mmap_file"));
  g_assert_true (fapilog_sink_registry_contains ("MMAP-File"));
}

/* ------------------------------------------------------------------------
 * Value parsers
 * ------------------------------------------------------------------------ */

static void
assert_invalid (GError     *error,
                const char *variable,
                const char *value,
                const char *expected_words)
{
  g_autofree char *fragment = quoted_fragment (value);

  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  if (!g_str_has_prefix (error->message, variable) ||
      strstr (error->message, fragment) == NULL ||
      strstr (error->message, expected_words) == NULL)
    g_error ("unexpected message for \"%s\": %s", value, error->message);
}

static void
test_parse_size (void)
{
  static const struct {
    const char *text;
    guint64     bytes;
  } good[] = {
    { "10485760", 10485760 },
    { "10 MB", 10485760 },
    { "10MiB", 10485760 },
    { "10mb", 10485760 },
    { "1.5KB", 1536 },
    { "1.5 KB", 1536 },
    { "\"5 gb\"", G_GUINT64_CONSTANT (5) << 30 },
    { "'2 KiB'", 2048 },
    { " \" 3 kib \" ", 3072 },
    { "512b", 512 },
    { "512 B", 512 },
    { "0", 0 },
    { "1 TB", G_GUINT64_CONSTANT (1) << 40 },
    { "2TiB", G_GUINT64_CONSTANT (2) << 40 },
    { "1 GiB", G_GUINT64_CONSTANT (1) << 30 },
    { "1.5", 1 },
    { ".5KB", 512 },
    { "0.5 kb", 512 },
    { "1.0009765625 KB", 1025 },
    { "1.", 1 },
    { "18446744073709551615", G_MAXUINT64 },
    { "16777215 TB", G_MAXUINT64 - ((G_GUINT64_CONSTANT (1) << 40) - 1) },
  };
  static const char * const bad[] = {
    "", "  ", "-1", "-1 MB", "+1", "ten", "10 XB", "10 M", "10 K", "MB", ".",
    "18446744073709551616", "16777216 TB", "1e3", "nan", "inf", "10 MB extra",
    "\"10 MB", "0x10", "1,5 KB", "10 MB MB", "1.5.5 KB",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 bytes = 0;

      if (!_fapilog_parse_size ("FAPILOG_FILE__MAX_BYTES", good[i].text, &bytes, &error))
        g_error ("\"%s\": %s", good[i].text, error->message);
      if (bytes != good[i].bytes)
        g_error ("\"%s\" gave %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                 good[i].text, bytes, good[i].bytes);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint64 bytes = 99;

      if (_fapilog_parse_size ("FAPILOG_FILE__MAX_BYTES", bad[i], &bytes, &error))
        g_error ("\"%s\" was accepted as %" G_GUINT64_FORMAT, bad[i], bytes);
      g_assert_cmpuint (bytes, ==, 99);
      assert_invalid (error, "FAPILOG_FILE__MAX_BYTES", bad[i], "expected a size such as");
    }
}

static void
test_parse_duration (void)
{
  static const struct {
    const char *text;
    gboolean    keywords;
    double      seconds;
  } good[] = {
    { "5", FALSE, 5 },
    { "0.25", FALSE, 0.25 },
    { "250ms", FALSE, 0.25 },
    { "30s", FALSE, 30 },
    { "1h", FALSE, 3600 },
    { "5m", FALSE, 300 },
    { "2d", FALSE, 172800 },
    { "1w", FALSE, 604800 },
    { "1.5h", FALSE, 5400 },
    { "30 S", FALSE, 30 },
    { "100MS", FALSE, 0.1 },
    { "\"10s\"", FALSE, 10 },
    { " 7 ", FALSE, 7 },
    { "0", FALSE, 0 },
    { "daily", TRUE, 86400 },
    { "Hourly", TRUE, 3600 },
    { "WEEKLY", TRUE, 604800 },
    { "1h", TRUE, 3600 },
  };
  static const struct {
    const char *text;
    gboolean    keywords;
  } bad[] = {
    { "-1", FALSE }, { "-1s", TRUE }, { "nan", FALSE }, { "NaN", TRUE }, { "inf", FALSE },
    { "infinity", TRUE }, { "fast", FALSE }, { "1e3", FALSE }, { "5 minutes", FALSE },
    { "", FALSE }, { "1hh", FALSE }, { "1.2.3", FALSE }, { "s", FALSE }, { "10ms5", FALSE },
    { "daily", FALSE }, { "monthly", TRUE }, { "+5", FALSE }, { "0x10", FALSE },
  };
  g_autofree char *huge = g_strnfill (400, '9');

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      double seconds = -1;

      if (!_fapilog_parse_duration ("X", good[i].text, good[i].keywords, &seconds, &error))
        g_error ("\"%s\": %s", good[i].text, error->message);
      g_assert_cmpfloat_with_epsilon (seconds, good[i].seconds, 1e-9);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      double seconds = -1;

      if (_fapilog_parse_duration ("FAPILOG_FILE__INTERVAL_SECONDS", bad[i].text,
                                   bad[i].keywords, &seconds, &error))
        g_error ("\"%s\" was accepted as %g", bad[i].text, seconds);
      g_assert_cmpfloat (seconds, ==, -1);
      assert_invalid (error, "FAPILOG_FILE__INTERVAL_SECONDS", bad[i].text,
                      "expected a duration such as 5, 0.25, 250ms, 30s, 1h");
      if (bad[i].keywords)
        g_assert_nonnull (strstr (error->message, "hourly, daily, weekly"));
      else
        g_assert_null (strstr (error->message, "hourly, daily, weekly"));
    }

  /* 400 digits overflow a double to infinity: rejected, not accepted as inf. */
  {
    g_autoptr(GError) error = NULL;
    double seconds = -1;

    g_assert_false (_fapilog_parse_duration ("X", huge, FALSE, &seconds, &error));
    g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  }
}

static void
test_parse_boolean (void)
{
  static const struct {
    const char *text;
    gboolean    value;
  } good[] = {
    { "true", TRUE }, { "TRUE", TRUE }, { "True", TRUE }, { "1", TRUE }, { "yes", TRUE },
    { "YES", TRUE }, { "on", TRUE }, { "On", TRUE }, { " true ", TRUE }, { "\"yes\"", TRUE },
    { "false", FALSE }, { "FALSE", FALSE }, { "0", FALSE }, { "no", FALSE }, { "No", FALSE },
    { "off", FALSE }, { "OFF", FALSE },
  };
  static const char * const bad[] = { "", "2", "-1", "y", "n", "t", "f", "truee", "enabled", "01" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean value = !good[i].value;

      g_assert_true (_fapilog_parse_boolean ("X", good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, good[i].value);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean value = 42;

      g_assert_false (_fapilog_parse_boolean ("FAPILOG_CORE__SERIALIZE_IN_FLUSH", bad[i], &value, &error));
      g_assert_cmpint (value, ==, 42);
      assert_invalid (error, "FAPILOG_CORE__SERIALIZE_IN_FLUSH", bad[i],
                      "true, false, 1, 0, yes, no, on or off");
    }
}

static void
test_parse_int (void)
{
  g_autoptr(GError) error = NULL;
  gint64 n = 0;

  g_assert_true (_fapilog_parse_int ("X", "5", 1, 10, &n, &error));
  g_assert_cmpint (n, ==, 5);
  g_assert_true (_fapilog_parse_int ("X", " +10 ", 1, 10, &n, &error));
  g_assert_cmpint (n, ==, 10);
  g_assert_true (_fapilog_parse_int ("X", "-0", 0, 10, &n, &error));
  g_assert_cmpint (n, ==, 0);
  g_assert_true (_fapilog_parse_int ("X", "-9223372036854775808", G_MININT64, G_MAXINT64, &n, &error));
  g_assert_cmpint (n, ==, G_MININT64);
  g_assert_true (_fapilog_parse_int ("X", "9223372036854775807", G_MININT64, G_MAXINT64, &n, &error));
  g_assert_cmpint (n, ==, G_MAXINT64);
  g_assert_no_error (error);

  n = 3;
  g_assert_false (_fapilog_parse_int ("V", "11", 1, 10, &n, &error));
  g_assert_cmpstr (error->message, ==, "V: invalid value \"11\": expected a whole number from 1 to 10");
  g_clear_error (&error);
  g_assert_false (_fapilog_parse_int ("V", "x", 0, G_MAXINT64, &n, &error));
  g_assert_cmpstr (error->message, ==, "V: invalid value \"x\": expected a whole number of at least 0");
  g_clear_error (&error);

  {
    static const char * const bad[] = {
      "", "-", "+", "5.0", "1e2", "0x10", "1 0", "10_000", "9223372036854775808",
      "-9223372036854775809", "99999999999999999999999999", "--1",
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        if (_fapilog_parse_int ("V", bad[i], G_MININT64, G_MAXINT64, &n, &error))
          g_error ("\"%s\" was accepted as %" G_GINT64_FORMAT, bad[i], n);
        assert_invalid (error, "V", bad[i], "expected a whole number");
        g_clear_error (&error);
      }
  }
  g_assert_cmpint (n, ==, 3);
}

static void
test_parse_level (void)
{
  static const struct {
    const char  *text;
    FapilogLevel level;
  } good[] = {
    { "DEBUG", FAPILOG_LEVEL_DEBUG }, { "info", FAPILOG_LEVEL_INFO },
    { "Warning", FAPILOG_LEVEL_WARNING }, { "WARN", FAPILOG_LEVEL_WARNING },
    { "error", FAPILOG_LEVEL_ERROR }, { "CRITICAL", FAPILOG_LEVEL_CRITICAL },
    { "fatal", FAPILOG_LEVEL_CRITICAL }, { "Audit", FAPILOG_LEVEL_AUDIT },
    { " security ", FAPILOG_LEVEL_SECURITY },
  };
  static const char * const bad[] = { "", "TRACE", "20", "ERR", "info!" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      FapilogLevel level = 0;

      g_assert_true (_fapilog_parse_level ("X", good[i].text, &level, &error));
      g_assert_no_error (error);
      g_assert_cmpint (level, ==, good[i].level);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      FapilogLevel level = 0;

      g_assert_false (_fapilog_parse_level ("X", bad[i], &level, &error));
      g_assert_cmpint (level, ==, 0);
      assert_invalid (error, "X", bad[i], "DEBUG, INFO, WARNING, ERROR, CRITICAL, AUDIT or SECURITY");
    }
}

static void
test_parse_string_list (void)
{
  static const struct {
    const char *text;
    const char *joined; /* items joined with '|' */
  } good[] = {
    { "[\"stdout_json\",\"rotating_file\"]", "stdout_json|rotating_file" },
    { "  [ \"a\" , \" b \", \"\" ]  ", "a|b" },
    { "[]", "" },
    { "", "" },
    { "a,b", "a|b" },
    { " a , b ,, c ", "a|b|c" },
    { "single", "single" },
    { "\"a\", 'b'", "a|b" },
    { "[\"with,comma\"]", "with,comma" },
  };
  static const char * const bad[] = {
    "[1]", "[\"a\", null]", "[\"a\", [\"b\"]]", "[\"a\", {}]", "[\"a\"", "[a,b]", "[true]",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) items = NULL;
      g_autofree char *joined = NULL;

      if (!_fapilog_parse_string_list ("X", good[i].text, &items, &error))
        g_error ("\"%s\": %s", good[i].text, error->message);
      /* Never NULL, even when empty: callers tell "[]" from unset. */
      g_assert_nonnull (items);
      joined = g_strjoinv ("|", items);
      g_assert_cmpstr (joined, ==, good[i].joined);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char **items = NULL;

      if (_fapilog_parse_string_list ("FAPILOG_CORE__SINKS", bad[i], &items, &error))
        g_error ("\"%s\" was accepted", bad[i]);
      g_assert_null (items);
      assert_invalid (error, "FAPILOG_CORE__SINKS", bad[i], "expected a JSON list of strings");
    }
}

static void
test_parse_choice (void)
{
  static const char * const choices[] = { "json", "text", "drop_newest", NULL };
  g_autoptr(GError) error = NULL;
  guint index = 99;

  g_assert_true (_fapilog_parse_choice ("X", "TEXT", choices, &index, &error));
  g_assert_cmpuint (index, ==, 1);
  g_assert_true (_fapilog_parse_choice ("X", " 'Drop-Newest' ", choices, &index, &error));
  g_assert_cmpuint (index, ==, 2);
  g_assert_no_error (error);

  index = 99;
  g_assert_false (_fapilog_parse_choice ("FAPILOG_FILE__MODE", "xml", choices, &index, &error));
  g_assert_cmpuint (index, ==, 99);
  g_assert_cmpstr (error->message, ==,
                   "FAPILOG_FILE__MODE: invalid value \"xml\": expected one of json, text, drop_newest");
}

static void
test_parse_decimal (void)
{
  static const struct {
    const char *text;
    double      value;
  } good[] = {
    { "2", 2.0 },
    { "1.5", 1.5 },
    { ".5", 0.5 },
    { "3.", 3.0 },
    { "0", 0.0 },
    { " 1.25 ", 1.25 },
    { "\"4\"", 4.0 },
    { "'1.01'", 1.01 },
  };
  static const char * const bad[] = {
    "", " ", ".", "-2", "+2", "1e3", "nan", "inf", "0x10", "1,5", "2x", "1.2.3", "two",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      double value = -1.0;

      g_assert_true (_fapilog_parse_decimal ("FACTOR", good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (value, ==, good[i].value);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      double value = -1.0;

      g_assert_false (_fapilog_parse_decimal ("FACTOR", bad[i], &value, &error));
      assert_invalid (error, "FACTOR", bad[i], "expected a number such as 2 or 1.5");
      g_assert_cmpfloat (value, ==, -1.0);
    }
}

static void
test_parse_file_mode (void)
{
  static const struct {
    const char *text;
    guint       mode;
  } good[] = {
    { "0640", 0640 }, { "640", 0640 }, { "0", 0 }, { "000", 0 }, { "777", 0777 },
    { "0777", 0777 }, { "600", 0600 }, { "7", 07 }, { " 0644 ", 0644 }, { "'750'", 0750 },
    { "0000000000000000000000640", 0640 },
  };
  static const char * const bad[] = {
    "", " ", "1000", "01000", "4755", "2750", "8", "0800", "649", "0o640", "0x1a0",
    "-640", "+640", "640.0", "6 40", "rw-r-----", "u=rw", "99999999999999999999999",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      guint mode = 12345;

      if (!_fapilog_parse_file_mode ("X", good[i].text, &mode, &error))
        g_error ("\"%s\": %s", good[i].text, error->message);
      g_assert_cmpuint (mode, ==, good[i].mode);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint mode = 12345;

      if (_fapilog_parse_file_mode ("FAPILOG_FILE__FILE_MODE", bad[i], &mode, &error))
        g_error ("\"%s\" was accepted as %o", bad[i], mode);
      g_assert_cmpuint (mode, ==, 12345);
      assert_invalid (error, "FAPILOG_FILE__FILE_MODE", bad[i],
                      "expected octal permission bits from 0 to 0777");
    }
}

static void
test_normalize_name (void)
{
  static const struct {
    const char *in;
    const char *out;
  } cases[] = {
    { "Stdout-JSON", "stdout_json" },
    { "rotating_file", "rotating_file" },
    { "HTTP", "http" },
    { "a-b-c", "a_b_c" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = _fapilog_normalize_name (cases[i].in);

      g_assert_cmpstr (normalized, ==, cases[i].out);
    }
}

/* Whatever bytes the environment holds, the message stays one line of
 * valid UTF-8 of bounded length. */
static void
test_error_quoting (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *long_value = g_strnfill (10000, 'x');
  gboolean b;

  g_assert_false (_fapilog_parse_boolean ("X", "a\nb\tc\x01\xff\"\\", &b, &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_cmpstr (error->message, ==,
                   "X: invalid value \"a\\nb\\tc\\x01\\xff\\\"\\\\\": "
                   "expected a boolean: true, false, 1, 0, yes, no, on or off");
  g_clear_error (&error);

  /* Valid UTF-8 is kept as it is. */
  g_assert_false (_fapilog_parse_boolean ("X", "j\xc3\xa1", &b, &error));
  g_assert_nonnull (strstr (error->message, "\"j\xc3\xa1\""));
  g_clear_error (&error);

  g_assert_false (_fapilog_parse_boolean ("X", long_value, &b, &error));
  g_assert_cmpuint (strlen (error->message), <, 400);
  g_assert_nonnull (strstr (error->message, "...\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/defaults", test_defaults);
  g_test_add_func ("/settings/param-specs", test_param_specs);
  g_test_add_func ("/settings/derived-sizes", test_derived_sizes);
  g_test_add_func ("/settings/property/protected-levels", test_protected_levels_property);
  g_test_add_func ("/settings/property/sinks", test_sinks_property);
  g_test_add_func ("/settings/property/strings", test_string_properties);
  g_test_add_func ("/settings/property/file", test_file_properties);
  g_test_add_func ("/settings/property/file-prefix-refused", test_file_prefix_refused);
  g_test_add_func ("/settings/property/notify-only-on-change", test_notify_only_on_change);
  g_test_add_func ("/settings/property/http", test_http_properties);
  g_test_add_func ("/settings/property/wrapper-key-refused", test_wrapper_key_refused);
  g_test_add_func ("/settings/property/headers", test_headers_property);
  g_test_add_func ("/settings/property/headers-warning-hides-value", test_headers_warning_hides_value);
  g_test_add_func ("/settings/property/webhook-secret-write-only", test_webhook_secret_write_only);
  g_test_add_func ("/settings/env/webhook-secret-not-in-errors", test_webhook_secret_not_in_errors);

  for (gsize i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/env/good/%s/%02" G_GSIZE_FORMAT,
                                               good_cases[i].variable, i);

      g_test_add_data_func (path, &good_cases[i], test_env_good);
    }
  g_test_add_func ("/settings/env/good/every-variable", test_env_every_variable_covered);

  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/env/bad/%s/%02" G_GSIZE_FORMAT,
                                               bad_cases[i].variable, i);

      g_test_add_data_func (path, &bad_cases[i], test_env_bad);
    }
  g_test_add_func ("/settings/env/error-messages", test_env_error_messages);
  g_test_add_func ("/settings/env/file-error-messages", test_env_file_error_messages);
  g_test_add_func ("/settings/env/mmap-error-messages", test_env_mmap_error_messages);
  g_test_add_func ("/settings/env/first-error", test_env_first_error);
  g_test_add_func ("/settings/env/drop-on-full", test_env_drop_on_full);
  g_test_add_func ("/settings/env/case-insensitive-names", test_env_case_insensitive_names);
  g_test_add_func ("/settings/env/last-wins", test_env_last_wins);
  g_test_add_func ("/settings/env/env-precedence", test_env_env_precedence);
  g_test_add_func ("/settings/env/empty-text", test_env_empty_text);
  g_test_add_func ("/settings/env/file-zero", test_env_file_zero);
  g_test_add_func ("/settings/env/file-all", test_env_file_all);
  g_test_add_func ("/settings/env/mmap-all", test_env_mmap_all);
  g_test_add_func ("/settings/env/http-all", test_env_http_all);
  g_test_add_func ("/settings/env/webhook-all", test_env_webhook_all);
  g_test_add_func ("/settings/env/http-error-messages", test_env_http_error_messages);
  for (gsize i = 0; i < G_N_ELEMENTS (headers_bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/env/headers-bad/%02" G_GSIZE_FORMAT, i);

      g_test_add_data_func (path, &headers_bad_cases[i], test_env_headers_bad);
    }
  g_test_add_func ("/settings/env/ignored", test_env_ignored);
  g_test_add_func ("/settings/env/notifications", test_env_notifications);
  g_test_add_func ("/settings/env/process", test_env_process);

  g_test_add_func ("/settings/copy", test_copy);
  g_test_add_func ("/settings/sources", test_sources);
  g_test_add_func ("/settings/sources/precedence-order", test_precedence_order);
  g_test_add_func ("/settings/sources/set-from-source", test_set_from_source);
  g_test_add_func ("/settings/sources/secret", test_secret_sources);
  g_test_add_func ("/settings/to-json", test_to_json);

  for (gsize i = 0; i < G_N_ELEMENTS (preset_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/settings/preset/values/%s", preset_cases[i].name);

      g_test_add_data_func (path, &preset_cases[i], test_preset_values);
    }
  g_test_add_func ("/settings/preset/names", test_preset_names);
  g_test_add_func ("/settings/preset/unknown", test_preset_unknown);
  g_test_add_func ("/settings/preset/replaces", test_preset_replaces);
  g_test_add_func ("/settings/preset/environment", test_preset_environment);
  g_test_add_func ("/settings/preset/chosen-by", test_preset_chosen_by);
  g_test_add_func ("/settings/bad-arguments", test_bad_arguments);

  g_test_add_func ("/settings/factory/http", test_factory_http);
  g_test_add_func ("/settings/factory/http-defaults", test_factory_http_defaults);
  g_test_add_func ("/settings/factory/webhook", test_factory_webhook);
  g_test_add_func ("/settings/factory/no-endpoint", test_factory_no_endpoint);
  g_test_add_func ("/settings/factory/mmap", test_factory_mmap);
  g_test_add_func ("/settings/factory/mmap-defaults", test_factory_mmap_defaults);
  g_test_add_func ("/settings/factory/mmap-no-path", test_factory_mmap_no_path);

  g_test_add_func ("/settings/parse/size", test_parse_size);
  g_test_add_func ("/settings/parse/duration", test_parse_duration);
  g_test_add_func ("/settings/parse/boolean", test_parse_boolean);
  g_test_add_func ("/settings/parse/int", test_parse_int);
  g_test_add_func ("/settings/parse/level", test_parse_level);
  g_test_add_func ("/settings/parse/string-list", test_parse_string_list);
  g_test_add_func ("/settings/parse/choice", test_parse_choice);
  g_test_add_func ("/settings/parse/file-mode", test_parse_file_mode);
  g_test_add_func ("/settings/parse/decimal", test_parse_decimal);
  g_test_add_func ("/settings/parse/headers", test_parse_headers);
  g_test_add_func ("/settings/parse/normalize-name", test_normalize_name);
  g_test_add_func ("/settings/parse/error-quoting", test_error_quoting);

  return g_test_run ();
}
