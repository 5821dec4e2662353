/* test-gsettings.c: settings from GSettings, the five sources, live changes
 *
 * Runs with GSETTINGS_BACKEND=memory and GSETTINGS_SCHEMA_DIR naming the
 * schemas compiled in the build directory (tests/meson.build). The memory
 * backend lives as long as the process, so every test that writes keys
 * uses a path of its own (the relocatable schema), or resets what it set
 * at /org/fapilog/. Tests that need another environment run in a
 * subprocess.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fapilog-diagnostics-private.h"
#include "fapilog-enum-types.h"
#include "fapilog-error.h"
#include "fapilog-pipeline.h"
#include "fapilog-settings-private.h"
#include "fapilog-test-utils.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* A GSettings of the relocatable schema at a path no other test uses. */
static GSettings *
new_relocatable (void)
{
  static guint counter;
  g_autofree char *path = g_strdup_printf ("/org/example/FapilogTests/%u/", ++counter);

  return g_settings_new_with_path (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID, path);
}

static GSettingsSchema *
lookup_schema (const char *id)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

  g_assert_nonnull (source);
  return g_settings_schema_source_lookup (source, id, TRUE);
}

static void
set_key (GSettings  *gsettings,
         const char *key,
         const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = g_variant_parse (NULL, text, NULL, NULL, &error);

  g_assert_no_error (error);
  if (!g_settings_set_value (gsettings, key, value))
    g_error ("cannot set %s to %s", key, text);
}

static void
reset_all_keys (GSettings *gsettings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (gsettings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (gsettings, keys[i]);
}

/* Text form of a property, as test-settings.c has it: enums by nick,
 * lists joined with ',', NULL as "(null)". */
static char *
property_to_string (FapilogSettings *settings,
                    const char      *name)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (settings), name);
  g_auto(GValue) value = G_VALUE_INIT;
  GType type;

  g_assert_nonnull (pspec);
  g_assert_true (pspec->flags & G_PARAM_READABLE);
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (settings), name, &value);
  type = G_VALUE_TYPE (&value);

  if (type == G_TYPE_UINT)
    return g_strdup_printf ("%u", g_value_get_uint (&value));
  if (type == G_TYPE_INT)
    return g_strdup_printf ("%d", g_value_get_int (&value));
  if (type == G_TYPE_UINT64)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (&value));
  if (type == G_TYPE_DOUBLE)
    return g_strdup_printf ("%g", g_value_get_double (&value));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (g_value_get_boolean (&value) ? "true" : "false");
  if (type == G_TYPE_STRING)
    return g_strdup (g_value_get_string (&value) != NULL ? g_value_get_string (&value) : "(null)");
  if (type == G_TYPE_STRV)
    {
      char **strv = g_value_get_boxed (&value);

      return strv != NULL ? g_strjoinv (",", strv) : g_strdup ("(null)");
    }
  if (G_TYPE_IS_ENUM (type))
    {
      GEnumClass *klass = g_type_class_ref (type);
      GEnumValue *enum_value = g_enum_get_value (klass, g_value_get_enum (&value));
      char *nick = g_strdup (enum_value != NULL ? enum_value->value_nick : "(invalid)");

      g_type_class_unref (klass);
      return nick;
    }
  g_assert_not_reached ();
}

static void
assert_property (FapilogSettings *settings,
                 const char      *name,
                 const char      *expected,
                 const char      *source)
{
  g_autofree char *actual = property_to_string (settings, name);

  if (g_strcmp0 (actual, expected) != 0)
    g_error ("property %s is \"%s\", expected \"%s\"", name, actual, expected);
  g_assert_cmpstr (_fapilog_settings_get_source (settings, name), ==, source);
}

/* The readable properties whose source is not "default". */
static GPtrArray *
non_default_properties (FapilogSettings *settings)
{
  GPtrArray *names = g_ptr_array_new ();
  guint n_pspecs;
  g_autofree GParamSpec **pspecs =
    g_object_class_list_properties (G_OBJECT_GET_CLASS (settings), &n_pspecs);

  for (guint i = 0; i < n_pspecs; i++)
    if (fapilog_settings_get_source (settings, pspecs[i]->name) != FAPILOG_SETTING_SOURCE_DEFAULT)
      g_ptr_array_add (names, (gpointer) pspecs[i]->name);
  return names;
}

static void
assert_all_default (FapilogSettings *settings)
{
  g_autoptr(GPtrArray) changed = non_default_properties (settings);
  g_autoptr(FapilogSettings) fresh = fapilog_settings_new ();
  g_autofree char *expected = fapilog_settings_to_json (fresh);
  g_autofree char *actual = fapilog_settings_to_json (settings);

  if (changed->len > 0)
    g_error ("%s is not from the defaults", (const char *) g_ptr_array_index (changed, 0));
  g_assert_cmpstr (actual, ==, expected);
}

/* Settings for pipelines in tests: a short batch timeout and quiet
 * diagnostics, as defaults of the program so that every source may
 * override them. */
static FapilogSettings *
new_test_settings (void)
{
  FapilogSettings *settings = fapilog_settings_new ();

  fapilog_settings_set_from_source (settings, FAPILOG_SETTING_SOURCE_DEFAULT,
                                    "batch-timeout-seconds", 0.01,
                                    "internal-logging-enabled", FALSE,
                                    NULL);
  return settings;
}

static gboolean
on_guard_timeout (gpointer user_data)
{
  g_error ("%s: what the test waits for did not happen within 30 s",
           (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Iterates @context until the pipeline's level is @level. A guard fails
 * the test rather than let it hang; nothing sleeps. */
static void
wait_for_level (GMainContext    *context,
                FapilogPipeline *pipeline,
                FapilogLevel     level)
{
  GSource *guard = g_timeout_source_new_seconds (30);

  g_source_set_callback (guard, on_guard_timeout, (gpointer) "wait_for_level", NULL);
  g_source_attach (guard, context);
  while (fapilog_pipeline_get_level (pipeline) != level)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
}

/* A "changed" handler connected after the pipeline's: when it has run
 * for a change, the pipeline's handler has run for it too. */
typedef struct {
  guint seen;
} Sentinel;

static void
on_sentinel (GSettings  *gsettings,
             const char *key,
             gpointer    user_data)
{
  Sentinel *sentinel = user_data;

  sentinel->seen++;
}

static void
wait_for_sentinel (Sentinel *sentinel,
                   guint     seen)
{
  GSource *guard = g_timeout_source_new_seconds (30);

  g_source_set_callback (guard, on_guard_timeout, (gpointer) "wait_for_sentinel", NULL);
  g_source_attach (guard, NULL);
  while (sentinel->seen < seen)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
}

/* ------------------------------------------------------------------------
 * The schemas
 * ------------------------------------------------------------------------ */

static void
test_schema_installed (void)
{
  g_autoptr(GSettingsSchema) fixed = lookup_schema (FAPILOG_SETTINGS_SCHEMA_ID);
  g_autoptr(GSettingsSchema) relocatable = lookup_schema (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID);

  g_assert_nonnull (fixed);
  g_assert_nonnull (relocatable);
  g_assert_cmpstr (g_settings_schema_get_id (fixed), ==, "org.fapilog");
  g_assert_cmpstr (g_settings_schema_get_path (fixed), ==, "/org/fapilog/");
  g_assert_cmpstr (g_settings_schema_get_id (relocatable), ==, "org.fapilog.relocatable");
  g_assert_null (g_settings_schema_get_path (relocatable));
}

/* The two schemas are written out separately: they must stay alike. */
static void
test_schema_same_keys (void)
{
  g_autoptr(GSettingsSchema) fixed = lookup_schema (FAPILOG_SETTINGS_SCHEMA_ID);
  g_autoptr(GSettingsSchema) relocatable = lookup_schema (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID);
  g_auto(GStrv) fixed_keys = g_settings_schema_list_keys (fixed);
  g_auto(GStrv) relocatable_keys = g_settings_schema_list_keys (relocatable);

  g_assert_cmpuint (g_strv_length (fixed_keys), ==, g_strv_length (relocatable_keys));
  for (guint i = 0; relocatable_keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) a = NULL;
      g_autoptr(GSettingsSchemaKey) b = NULL;
      g_autoptr(GVariant) default_a = NULL;
      g_autoptr(GVariant) default_b = NULL;
      g_autoptr(GVariant) range_a = NULL;
      g_autoptr(GVariant) range_b = NULL;

      g_assert_true (g_settings_schema_has_key (fixed, relocatable_keys[i]));
      a = g_settings_schema_get_key (relocatable, relocatable_keys[i]);
      b = g_settings_schema_get_key (fixed, relocatable_keys[i]);
      g_assert_true (g_variant_type_equal (g_settings_schema_key_get_value_type (a),
                                           g_settings_schema_key_get_value_type (b)));
      default_a = g_settings_schema_key_get_default_value (a);
      default_b = g_settings_schema_key_get_default_value (b);
      g_assert_true (g_variant_equal (default_a, default_b));
      range_a = g_settings_schema_key_get_range (a);
      range_b = g_settings_schema_key_get_range (b);
      g_assert_true (g_variant_equal (range_a, range_b));
      g_assert_cmpstr (g_settings_schema_key_get_summary (a), ==,
                       g_settings_schema_key_get_summary (b));
      g_assert_cmpstr (g_settings_schema_key_get_description (a), ==,
                       g_settings_schema_key_get_description (b));
    }
}

/* Every key is named like a property, and its default is the property's
 * built-in default: a key at its default, even set explicitly, gives
 * the value the property has without any source. */
static void
test_schema_defaults (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(FapilogSettings) untouched = fapilog_settings_new ();
  g_autoptr(FapilogSettings) explicit = fapilog_settings_new ();
  g_autoptr(FapilogSettings) fresh = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_settings_apply_gsettings (untouched, gsettings, &error));
  g_assert_no_error (error);
  assert_all_default (untouched);

  g_object_get (gsettings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);
      g_autoptr(GVariant) value = g_settings_schema_key_get_default_value (key);

      g_assert_nonnull (g_object_class_find_property (G_OBJECT_GET_CLASS (explicit), keys[i]));
      g_assert_true (g_settings_set_value (gsettings, keys[i], value));
    }

  g_assert_true (fapilog_settings_apply_gsettings (explicit, gsettings, &error));
  g_assert_no_error (error);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *expected = property_to_string (fresh, keys[i]);

      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);
      g_autoptr(GVariant) value = g_settings_schema_key_get_default_value (key);

      /* Set by the user, even to the default: it counts. Text left
       * empty counts as unset. */
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) &&
          *g_variant_get_string (value, NULL) == '\0')
        assert_property (explicit, keys[i], expected, "default");
      else
        assert_property (explicit, keys[i], expected, "gsettings");
    }
}

/* Enumerations: the schema's nicks and values are those of the GEnums,
 * so that g_settings_get_enum() and g_settings_bind() agree with the
 * properties; the level flags are FAPILOG_LEVEL_BIT(). */
static void
test_schema_enums (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  guint n_enums = 0;

  g_object_get (gsettings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);
      g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (settings), keys[i]);
      const char *range_type;
      g_autoptr(GVariant) choices = NULL;
      g_autofree const char **nicks = NULL;

      g_variant_get (range, "(&sv)", &range_type, &choices);
      if (strcmp (range_type, "enum") == 0)
        {
          GEnumClass *klass = g_type_class_ref (pspec->value_type);

          n_enums++;
          g_assert_true (G_TYPE_IS_ENUM (pspec->value_type));
          nicks = g_variant_get_strv (choices, NULL);
          g_assert_cmpuint (g_strv_length ((char **) nicks), ==, klass->n_values);
          for (guint j = 0; nicks[j] != NULL; j++)
            {
              GEnumValue *value = g_enum_get_value_by_nick (klass, nicks[j]);

              g_assert_nonnull (value);
              g_assert_true (g_settings_set_string (gsettings, keys[i], nicks[j]));
              g_assert_cmpint (g_settings_get_enum (gsettings, keys[i]), ==, value->value);
            }
          g_type_class_unref (klass);
        }
      else if (strcmp (range_type, "flags") == 0)
        {
          static const char * const all[] = {
            "debug", "info", "warning", "error", "critical", "audit", "security", NULL
          };
          guint expected = 0;

          g_assert_cmpstr (keys[i], ==, "protected-levels");
          nicks = g_variant_get_strv (choices, NULL);
          g_assert_cmpuint (g_strv_length ((char **) nicks), ==, 7);
          for (guint j = 0; all[j] != NULL; j++)
            {
              g_assert_true (g_strv_contains (nicks, all[j]));
              expected |= FAPILOG_LEVEL_BIT ((j + 1) * 10);
            }
          g_assert_true (g_settings_set_strv (gsettings, keys[i], all));
          g_assert_cmpuint (g_settings_get_flags (gsettings, keys[i]), ==, expected);
        }
    }

  g_assert_cmpuint (n_enums, ==, 7);
}

/* Numeric ranges are the properties' ranges. */
static void
test_schema_ranges (void)
{
  g_autoptr(GSettingsSchema) schema = lookup_schema (FAPILOG_SETTINGS_SCHEMA_ID);
  g_auto(GStrv) keys = g_settings_schema_list_keys (schema);
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, keys[i]);
      g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (settings), keys[i]);
      const char *range_type;
      g_autoptr(GVariant) limits = NULL;
      gboolean ranged;

      g_variant_get (range, "(&sv)", &range_type, &limits);
      ranged = strcmp (range_type, "range") == 0;

      if (G_IS_PARAM_SPEC_UINT (pspec))
        {
          GParamSpecUInt *spec = G_PARAM_SPEC_UINT (pspec);
          guint32 min = 0, max = G_MAXUINT32;

          if (ranged)
            g_variant_get (limits, "(uu)", &min, &max);
          g_assert_cmpuint (min, ==, spec->minimum);
          g_assert_cmpuint (max, ==, spec->maximum);
        }
      else if (G_IS_PARAM_SPEC_INT (pspec))
        {
          GParamSpecInt *spec = G_PARAM_SPEC_INT (pspec);
          gint32 min = G_MININT32, max = G_MAXINT32;

          if (ranged)
            g_variant_get (limits, "(ii)", &min, &max);
          g_assert_cmpint (min, ==, spec->minimum);
          g_assert_cmpint (max, ==, spec->maximum);
        }
      else if (G_IS_PARAM_SPEC_UINT64 (pspec))
        {
          GParamSpecUInt64 *spec = G_PARAM_SPEC_UINT64 (pspec);
          guint64 min = 0, max = G_MAXUINT64;

          if (ranged)
            g_variant_get (limits, "(tt)", &min, &max);
          g_assert_cmpuint (min, ==, spec->minimum);
          g_assert_cmpuint (max, ==, spec->maximum);
        }
      else if (G_IS_PARAM_SPEC_DOUBLE (pspec))
        {
          GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (pspec);
          double min, max;

          g_assert_true (ranged);
          g_variant_get (limits, "(dd)", &min, &max);
          g_assert_cmpfloat (min, ==, spec->minimum);
          g_assert_cmpfloat (max, ==, spec->maximum);
        }
      else
        g_assert_false (ranged);
    }
}

/* No key for a secret. */
static void
test_schema_no_secrets (void)
{
  static const char * const secrets[] = { "webhook-secret", "http-headers", "webhook-headers" };
  g_autoptr(GSettingsSchema) fixed = lookup_schema (FAPILOG_SETTINGS_SCHEMA_ID);
  g_autoptr(GSettingsSchema) relocatable = lookup_schema (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID);

  for (gsize i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_assert_false (g_settings_schema_has_key (fixed, secrets[i]));
      g_assert_false (g_settings_schema_has_key (relocatable, secrets[i]));
    }
}

/* ------------------------------------------------------------------------
 * Every key sets what its environment variable sets
 * ------------------------------------------------------------------------ */

typedef struct {
  const char *variable;
  const char *env_value;
  const char *key;
  const char *variant;   /* GVariant text */
} KeyCase;

static const KeyCase key_cases[] = {
  { "FAPILOG_CORE__LOG_LEVEL", "debug", "log-level", "'debug'" },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE", "77", "max-queue-size", "uint32 77" },
  { "FAPILOG_CORE__PROTECTED_QUEUE_SIZE", "12", "protected-queue-size", "uint32 12" },
  { "FAPILOG_CORE__PROTECTED_LEVELS", "security, warning", "protected-levels", "['security', 'warning']" },
  { "FAPILOG_CORE__BATCH_MAX_SIZE", "9", "batch-max-size", "uint32 9" },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "2s", "batch-timeout-seconds", "2.0" },
  { "FAPILOG_CORE__OVERFLOW_POLICY", "drop_oldest", "overflow-policy", "'drop-oldest'" },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS", "-1", "backpressure-wait-ms", "-1" },
  { "FAPILOG_CORE__SINKS", "stdout_json, http", "sinks", "['stdout_json', 'http']" },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH", "false", "serialize-in-flush", "false" },
  { "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS", "1m", "sink-write-timeout-seconds", "60.0" },
  { "FAPILOG_CORE__SINK_BACKLOG_SIZE", "500", "sink-backlog-size", "uint32 500" },
  { "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED", "off", "internal-logging-enabled", "false" },
  { "FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS", "10", "shutdown-timeout-seconds", "10.0" },
  { "FAPILOG_CORE__ATEXIT_DRAIN_ENABLED", "no", "atexit-drain-enabled", "false" },
  { "FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS", "500ms", "atexit-drain-timeout-seconds", "0.5" },
  { "FAPILOG_SERVICE", "billing", "service", "'billing'" },
  { "FAPILOG_ENV", "prod", "env", "'prod'" },
  { "FAPILOG_VERSION", "2.4.1", "version", "'2.4.1'" },
  { "FAPILOG_FILE__DIRECTORY", "/var/log/billing", "file-directory", "'/var/log/billing'" },
  { "FAPILOG_FILE__FILENAME_PREFIX", "billing", "file-filename-prefix", "'billing'" },
  { "FAPILOG_FILE__MODE", "text", "file-mode", "'text'" },
  { "FAPILOG_FILE__MAX_BYTES", "1 MB", "file-max-bytes", "uint64 1048576" },
  { "FAPILOG_FILE__INTERVAL_SECONDS", "daily", "file-interval-seconds", "86400.0" },
  { "FAPILOG_FILE__MAX_FILES", "7", "file-max-files", "uint32 7" },
  { "FAPILOG_FILE__MAX_TOTAL_BYTES", "1 GB", "file-max-total-bytes", "uint64 1073741824" },
  { "FAPILOG_FILE__COMPRESS_ROTATED", "true", "file-compress-rotated", "true" },
  { "FAPILOG_FILE__FILE_MODE", "0600", "file-file-mode", "uint32 384" },
  { "FAPILOG_FILE__FSYNC", "batch", "file-fsync", "'batch'" },
  { "FAPILOG_HTTP__ENDPOINT", "https://logs.example.com/in", "http-endpoint", "'https://logs.example.com/in'" },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS", "30s", "http-timeout-seconds", "30.0" },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS", "5", "http-retry-max-attempts", "uint32 5" },
  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS", "2", "http-retry-backoff-seconds", "2.0" },
  { "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS", "1m", "http-retry-max-backoff-seconds", "60.0" },
  { "FAPILOG_HTTP__BATCH_SIZE", "500", "http-batch-size", "uint32 500" },
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS", "1s", "http-batch-timeout-seconds", "1.0" },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES", "64 KB", "http-batch-max-bytes", "uint64 65536" },
  { "FAPILOG_HTTP__BATCH_FORMAT", "ndjson", "http-batch-format", "'ndjson'" },
  { "FAPILOG_HTTP__BATCH_WRAPPER_KEY", "items", "http-batch-wrapper-key", "'items'" },
  { "FAPILOG_HTTP__COMPRESSION", "gzip", "http-compression", "'gzip'" },
  { "FAPILOG_HTTP__TLS_CA_FILE", "/etc/ssl/ca.pem", "http-tls-ca-file", "'/etc/ssl/ca.pem'" },
  { "FAPILOG_HTTP__MAX_PENDING_BYTES", "1 MB", "http-max-pending-bytes", "uint64 1048576" },
  { "FAPILOG_WEBHOOK__ENDPOINT", "https://hooks.example.com/", "webhook-endpoint", "'https://hooks.example.com/'" },
  { "FAPILOG_WEBHOOK__TIMEOUT_SECONDS", "30s", "webhook-timeout-seconds", "30.0" },
  { "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS", "5", "webhook-retry-max-attempts", "uint32 5" },
  { "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS", "2", "webhook-retry-backoff-seconds", "2.0" },
  { "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS", "1m", "webhook-retry-max-backoff-seconds", "60.0" },
  { "FAPILOG_WEBHOOK__BATCH_SIZE", "10", "webhook-batch-size", "uint32 10" },
  { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS", "1s", "webhook-batch-timeout-seconds", "1.0" },
  { "FAPILOG_WEBHOOK__MAX_PENDING_BYTES", "1 MB", "webhook-max-pending-bytes", "uint64 1048576" },
  { "FAPILOG_WEBHOOK__TLS_CA_FILE", "/etc/ssl/hooks.pem", "webhook-tls-ca-file", "'/etc/ssl/hooks.pem'" },
  { "FAPILOG_MMAP__PATH", "/var/log/billing/events.jsonl", "mmap-path", "'/var/log/billing/events.jsonl'" },
  { "FAPILOG_MMAP__INITIAL_SIZE", "4 MB", "mmap-initial-size", "uint64 4194304" },
  { "FAPILOG_MMAP__GROWTH_FACTOR", "1.5", "mmap-growth-factor", "1.5" },
  { "FAPILOG_MMAP__GROWTH_MIN_BYTES", "2 MB", "mmap-growth-min-bytes", "uint64 2097152" },
  { "FAPILOG_MMAP__MAX_SIZE", "1 GB", "mmap-max-size", "uint64 1073741824" },
  { "FAPILOG_MMAP__SYNC_MODE", "interval", "mmap-sync-mode", "'interval'" },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS", "200", "mmap-sync-interval-ms", "uint32 200" },
  { "FAPILOG_MMAP__SYNC_EVERY_BYTES", "64 KB", "mmap-sync-every-bytes", "uint64 65536" },
  { "FAPILOG_MMAP__FLUSH_ON_CLOSE", "false", "mmap-flush-on-close", "false" },
  { "FAPILOG_MMAP__FILE_MODE", "0600", "mmap-file-mode", "uint32 384" },
};

/* The variables without a key, and why. */
static const char * const variables_without_key[] = {
  "FAPILOG_PRESET",              /* chooses a source, it is not a setting */
  "FAPILOG_CORE__DROP_ON_FULL",  /* an alias of overflow-policy */
  "ENV",                         /* an alias of env */
  "FAPILOG_HTTP__HEADERS",       /* may hold credentials */
  "FAPILOG_WEBHOOK__SECRET",     /* a credential */
  "FAPILOG_WEBHOOK__HEADERS",    /* may hold credentials */
};

static void
test_key_matches_variable (gconstpointer data)
{
  const KeyCase *c = data;
  g_autoptr(FapilogSettings) from_env = fapilog_settings_new ();
  g_autoptr(FapilogSettings) from_key = fapilog_settings_new ();
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(GPtrArray) env_changed = NULL;
  g_autoptr(GPtrArray) key_changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = g_strdup_printf ("%s=%s", c->variable, c->env_value);
  g_autofree char *env_value = NULL;
  g_autofree char *key_value = NULL;
  const char *envp[] = { entry, NULL };

  g_assert_true (fapilog_settings_apply_environment (from_env, envp, &error));
  g_assert_no_error (error);
  set_key (gsettings, c->key, c->variant);
  g_assert_true (fapilog_settings_apply_gsettings (from_key, gsettings, &error));
  g_assert_no_error (error);

  /* One property each, the same one, named like the key... */
  env_changed = non_default_properties (from_env);
  key_changed = non_default_properties (from_key);
  g_assert_cmpuint (env_changed->len, ==, 1);
  g_assert_cmpuint (key_changed->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (key_changed, 0), ==, c->key);
  g_assert_cmpstr (g_ptr_array_index (env_changed, 0), ==, c->key);
  g_assert_cmpint (fapilog_settings_get_source (from_env, c->key), ==, FAPILOG_SETTING_SOURCE_ENV);
  g_assert_cmpint (fapilog_settings_get_source (from_key, c->key), ==, FAPILOG_SETTING_SOURCE_GSETTINGS);

  /* ...with the same value, which is not the default. */
  env_value = property_to_string (from_env, c->key);
  key_value = property_to_string (from_key, c->key);
  g_assert_cmpstr (env_value, ==, key_value);
  {
    g_autoptr(FapilogSettings) fresh = fapilog_settings_new ();
    g_autofree char *default_value = property_to_string (fresh, c->key);

    g_assert_cmpstr (key_value, !=, default_value);
  }
}

/* The table covers every key of the schema, and every variable the
 * library reads has a key or a reason not to. */
static void
test_keys_cover_environment (void)
{
  g_autoptr(GSettingsSchema) schema = lookup_schema (FAPILOG_SETTINGS_SCHEMA_ID);
  g_auto(GStrv) keys = g_settings_schema_list_keys (schema);
  g_auto(GStrv) variables = _fapilog_settings_list_environment_variables ();

  g_assert_cmpuint (g_strv_length (keys), ==, G_N_ELEMENTS (key_cases));
  for (guint i = 0; keys[i] != NULL; i++)
    {
      guint found = 0;

      for (gsize j = 0; j < G_N_ELEMENTS (key_cases); j++)
        if (strcmp (key_cases[j].key, keys[i]) == 0)
          found++;
      if (found != 1)
        g_error ("key %s is in the table %u times", keys[i], found);
    }

  g_assert_cmpuint (g_strv_length (variables), ==,
                    G_N_ELEMENTS (key_cases) + G_N_ELEMENTS (variables_without_key));
  for (guint i = 0; variables[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (gsize j = 0; j < G_N_ELEMENTS (key_cases); j++)
        found |= strcmp (key_cases[j].variable, variables[i]) == 0;
      for (gsize j = 0; j < G_N_ELEMENTS (variables_without_key); j++)
        found |= strcmp (variables_without_key[j], variables[i]) == 0;
      if (!found)
        g_error ("variable %s has neither a key nor a reason", variables[i]);
    }
}

/* ------------------------------------------------------------------------
 * Applying
 * ------------------------------------------------------------------------ */

/* The default schema at /org/fapilog/ is read when no GSettings is given. */
static void
test_apply_default_schema (void)
{
  g_autoptr(GSettings) gsettings = g_settings_new (FAPILOG_SETTINGS_SCHEMA_ID);
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  set_key (gsettings, "log-level", "'warning'");
  set_key (gsettings, "sinks", "['stdout_json']");
  g_assert_true (fapilog_settings_apply_gsettings (settings, NULL, &error));
  g_assert_no_error (error);
  assert_property (settings, "log-level", "warning", "gsettings");
  assert_property (settings, "sinks", "stdout_json", "gsettings");
  assert_property (settings, "max-queue-size", "10000", "default");

  /* The settings keep the GSettings object, for pipelines to follow. */
  g_assert_nonnull (settings->gsettings);
  g_object_get (settings->gsettings, "settings-schema", &schema, NULL);
  g_assert_cmpstr (g_settings_schema_get_id (schema), ==, "org.fapilog");

  reset_all_keys (gsettings);
}

/* A program's own path, with the relocatable schema; the default path is
 * not involved. */
static void
test_apply_relocatable (void)
{
  g_autoptr(GSettings) own =
    g_settings_new_with_path (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID,
                              "/org/example/Billing/logging/");
  g_autoptr(GSettings) global = g_settings_new (FAPILOG_SETTINGS_SCHEMA_ID);
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogSettings) from_global = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  set_key (own, "log-level", "'debug'");
  set_key (own, "service", "'billing'");
  set_key (own, "file-max-bytes", "uint64 5242880");
  g_assert_true (fapilog_settings_apply_gsettings (settings, own, &error));
  g_assert_no_error (error);
  assert_property (settings, "log-level", "debug", "gsettings");
  assert_property (settings, "service", "billing", "gsettings");
  assert_property (settings, "file-max-bytes", "5242880", "gsettings");
  g_assert_true (settings->gsettings == own);

  g_assert_null (g_settings_get_user_value (global, "log-level"));
  g_assert_true (fapilog_settings_apply_gsettings (from_global, NULL, &error));
  assert_all_default (from_global);

  /* An error names the schema with the path, as `gsettings` takes it. */
  set_key (own, "file-filename-prefix", "'logs/billing'");
  g_assert_false (fapilog_settings_apply_gsettings (settings, own, &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "org.fapilog.relocatable:/org/example/Billing/logging/ file-filename-prefix: "
                   "invalid value \"logs/billing\": expected the start of a file name: "
                   "not empty and without '/'");
  reset_all_keys (own);
}

/* GSettings is one source: applying again replaces what it gave before,
 * a key reset takes its value back. */
static void
test_apply_replaces (void)
{
  g_autoptr(GSettings) first = new_relocatable ();
  g_autoptr(GSettings) second = new_relocatable ();
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  set_key (first, "service", "'first'");
  set_key (first, "batch-max-size", "uint32 3");
  set_key (second, "batch-max-size", "uint32 4");
  g_assert_true (fapilog_settings_apply_gsettings (settings, first, &error));
  assert_property (settings, "service", "first", "gsettings");
  g_assert_true (fapilog_settings_apply_gsettings (settings, second, &error));
  assert_property (settings, "service", "fapilog", "default");
  assert_property (settings, "batch-max-size", "4", "gsettings");
  g_assert_true (settings->gsettings == second);

  g_settings_reset (second, "batch-max-size");
  g_assert_true (fapilog_settings_apply_gsettings (settings, second, &error));
  g_assert_no_error (error);
  assert_all_default (settings);
}

/* Keys at their default do not hide a preset; a key the user set does,
 * even to the default; empty text is unset. */
static void
test_apply_over_preset (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_settings_apply_preset (settings, "hardened", &error));
  set_key (gsettings, "log-level", "'info'");
  set_key (gsettings, "file-directory", "''");
  set_key (gsettings, "version", "''");
  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  g_assert_no_error (error);

  assert_property (settings, "log-level", "info", "gsettings");
  assert_property (settings, "batch-max-size", "100", "preset");
  assert_property (settings, "sinks", "stdout_json,rotating_file", "preset");
  assert_property (settings, "file-directory", "./logs", "preset");
  assert_property (settings, "version", "(null)", "default");
}

/* ------------------------------------------------------------------------
 * Bad values
 * ------------------------------------------------------------------------ */

/* The schema refuses what it can describe: out of range, not in an
 * enumeration, not a level. */
static void
test_bad_rejected_by_schema (void)
{
  static const struct {
    const char *key;
    const char *variant;
  } bad[] = {
    { "max-queue-size", "uint32 0" },
    { "batch-max-size", "uint32 1000001" },
    { "batch-timeout-seconds", "0.0" },
    { "backpressure-wait-ms", "-2" },
    { "log-level", "'verbose'" },
    { "overflow-policy", "'drop_newest'" },
    { "protected-levels", "['fatal']" },
    { "file-file-mode", "uint32 512" },
    { "file-interval-seconds", "-1.0" },
    { "http-retry-max-attempts", "uint32 0" },
    { "http-batch-max-bytes", "uint64 0" },
    { "mmap-growth-factor", "0.5" },
    { "mmap-max-size", "uint64 9223372036854775808" },
  };
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GVariant) value = g_variant_parse (NULL, bad[i].variant, NULL, NULL, &error);

      g_assert_no_error (error);
      g_test_expect_message ("GLib-GIO", G_LOG_LEVEL_WARNING, "*outside of valid range*");
      g_assert_false (g_settings_set_value (gsettings, bad[i].key, value));
      g_test_assert_expected_messages ();
    }

  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  g_assert_no_error (error);
  assert_all_default (settings);
}

/* A value that reaches the store without the schema's checks (a file
 * edited by hand, another program) is ignored by GSettings: the key reads
 * as its default. */
static void
test_bad_ignored_from_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fapilog-gsettings-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "keyfile", NULL);
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autoptr(GSettingsSchema) schema = lookup_schema (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID);
  g_autoptr(GSettings) gsettings = NULL;
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  static const char contents[] =
    "[fapilog]\n"
    "max-queue-size=uint32 0\n"
    "log-level='verbose'\n"
    "batch-max-size='not a number'\n"
    "protected-levels=['fatal']\n"
    "service='from-the-file'\n";

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, contents, -1, &error));
  backend = g_keyfile_settings_backend_new (file, "/org/fapilog/", "fapilog");
  gsettings = g_settings_new_full (schema, backend, "/org/fapilog/");

  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  g_assert_no_error (error);
  assert_property (settings, "service", "from-the-file", "gsettings");
  assert_property (settings, "max-queue-size", "10000", "default");
  assert_property (settings, "log-level", "info", "default");
  assert_property (settings, "batch-max-size", "256", "default");
  assert_property (settings, "protected-levels", "ERROR,CRITICAL,AUDIT,SECURITY", "default");

  g_clear_object (&gsettings);
  g_clear_object (&backend);
  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

typedef struct {
  const char *key;
  const char *variant;
  const char *message;  /* after "org.fapilog.relocatable:PATH " */
} BadCase;

/* What the schema cannot say is checked by fapilog, with the error the
 * environment gives, naming the key. */
static const BadCase bad_cases[] = {
  { "file-filename-prefix", "'a/b'",
    "file-filename-prefix: invalid value \"a/b\": expected the start of a file name: "
    "not empty and without '/'" },
  { "file-filename-prefix", "''",
    "file-filename-prefix: invalid value \"\": expected the start of a file name: "
    "not empty and without '/'" },
  { "http-batch-wrapper-key", "''",
    "http-batch-wrapper-key: invalid value \"\": expected the name of the member that "
    "holds the entries, such as logs: not empty" },
  { "file-interval-seconds", "0.0005",
    "file-interval-seconds: invalid value \"0.00050000000000000001\": expected 0 (no rotation "
    "by time) or seconds from 0.001 to 31536000" },
  { "mmap-growth-factor", "1.0",
    "mmap-growth-factor: invalid value \"1.0\": expected a number greater than 1 and at "
    "most 1024" },
};

static void
test_bad_reported (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(GSettings) good = new_relocatable ();
  g_autoptr(GSettings) bad = new_relocatable ();
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogSettings) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *json_before = NULL;
  g_autofree char *json_after = NULL;

  set_key (good, "service", "'kept'");
  g_assert_true (fapilog_settings_apply_gsettings (settings, good, &error));
  json_before = fapilog_settings_to_json (settings);

  set_key (bad, "log-level", "'debug'");
  set_key (bad, c->key, c->variant);
  g_assert_false (fapilog_settings_apply_gsettings (settings, bad, &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_object_get (bad, "path", &path, NULL);
  expected = g_strdup_printf ("org.fapilog.relocatable:%s %s", path, c->message);
  g_assert_cmpstr (error->message, ==, expected);

  /* Untouched: nothing of the bad GSettings was applied. */
  json_after = fapilog_settings_to_json (settings);
  g_assert_cmpstr (json_after, ==, json_before);
  g_assert_true (settings->gsettings == good);
}

/* With the fixed schema the message names it as `gsettings get` does. */
static void
test_bad_reported_default_schema (void)
{
  g_autoptr(GSettings) gsettings = g_settings_new (FAPILOG_SETTINGS_SCHEMA_ID);
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  set_key (gsettings, "http-batch-wrapper-key", "''");
  g_assert_false (fapilog_settings_apply_gsettings (settings, NULL, &error));
  g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "org.fapilog http-batch-wrapper-key: invalid value \"\""));
  g_assert_null (settings->gsettings);
  reset_all_keys (gsettings);
}

/* ------------------------------------------------------------------------
 * Precedence across the five sources
 * ------------------------------------------------------------------------ */

typedef enum {
  STEP_PROGRAM_DEFAULTS,
  STEP_PRESET,
  STEP_GSETTINGS,
  STEP_ENVIRONMENT,
  STEP_CODE,
  N_STEPS
} Step;

static void
apply_step (FapilogSettings *settings,
            Step             step,
            GSettings       *gsettings)
{
  g_autoptr(GError) error = NULL;
  static const char * const envp[] = {
    "FAPILOG_CORE__LOG_LEVEL=critical",
    "FAPILOG_CORE__BATCH_MAX_SIZE=31",
    NULL
  };

  switch (step)
    {
    case STEP_PROGRAM_DEFAULTS:
      fapilog_settings_set_from_source (settings, FAPILOG_SETTING_SOURCE_DEFAULT,
                                        "log-level", FAPILOG_LEVEL_WARNING,
                                        "batch-max-size", 11,
                                        "max-queue-size", 12,
                                        "shutdown-timeout-seconds", 13.0,
                                        "sink-backlog-size", 14,
                                        NULL);
      break;
    case STEP_PRESET:
      g_assert_true (fapilog_settings_apply_preset (settings, "production", &error));
      break;
    case STEP_GSETTINGS:
      g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
      break;
    case STEP_ENVIRONMENT:
      g_assert_true (fapilog_settings_apply_environment (settings, envp, &error));
      break;
    case STEP_CODE:
      g_object_set (settings, "log-level", FAPILOG_LEVEL_SECURITY, NULL);
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert_no_error (error);
}

static void
assert_five_sources (FapilogSettings *settings)
{
  assert_property (settings, "log-level", "security", "code");
  assert_property (settings, "batch-max-size", "31", "env");
  assert_property (settings, "max-queue-size", "22", "gsettings");
  assert_property (settings, "shutdown-timeout-seconds", "25", "preset");
  assert_property (settings, "sink-backlog-size", "14", "default");
  assert_property (settings, "batch-timeout-seconds", "0.25", "preset");
  assert_property (settings, "serialize-in-flush", "true", "default");
}

/* Every order of the five gives the same settings. */
static void
test_precedence_five_sources (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autofree char *reference = NULL;
  guint n_orders = 0;

  set_key (gsettings, "log-level", "'error'");
  set_key (gsettings, "batch-max-size", "uint32 21");
  set_key (gsettings, "max-queue-size", "uint32 22");

  /* All 120 permutations, in lexicographic order. */
  for (guint code = 0; code < 120; code++)
    {
      g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
      g_autofree char *json = NULL;
      gboolean used[N_STEPS] = { FALSE, };
      guint rest = code;

      for (guint position = 0; position < N_STEPS; position++)
        {
          guint factorial = 1;
          guint skip;
          guint step;

          for (guint k = 2; k < N_STEPS - position; k++)
            factorial *= k;
          skip = rest / factorial;
          rest %= factorial;
          for (step = 0; ; step++)
            if (!used[step] && skip-- == 0)
              break;
          used[step] = TRUE;
          apply_step (settings, step, gsettings);
        }

      assert_five_sources (settings);
      json = fapilog_settings_to_json (settings);
      if (reference == NULL)
        reference = g_steal_pointer (&json);
      else
        g_assert_cmpstr (json, ==, reference);
      n_orders++;
    }
  g_assert_cmpuint (n_orders, ==, 120);
}

/* Taking a value back shows the one beneath. */
static void
test_precedence_take_back (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(GError) error = NULL;

  set_key (gsettings, "log-level", "'error'");
  set_key (gsettings, "max-queue-size", "uint32 22");
  for (Step step = 0; step < N_STEPS; step++)
    apply_step (settings, step, gsettings);

  g_assert_true (fapilog_settings_set_property_from_source (settings, FAPILOG_SETTING_SOURCE_CODE,
                                                            "log-level", NULL));
  assert_property (settings, "log-level", "critical", "env");

  g_settings_reset (gsettings, "max-queue-size");
  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  g_assert_no_error (error);
  assert_property (settings, "max-queue-size", "10000", "preset");
  assert_property (settings, "log-level", "critical", "env");

  g_assert_true (fapilog_settings_apply_preset (settings, "dev", &error));
  assert_property (settings, "shutdown-timeout-seconds", "13", "default");
  assert_property (settings, "max-queue-size", "12", "default");
  assert_property (settings, "batch-max-size", "31", "env");
}

/* ------------------------------------------------------------------------
 * Live changes
 * ------------------------------------------------------------------------ */

static void
log_at (FapilogLogger *logger,
        FapilogLevel   level,
        const char    *message)
{
  fapilog_logger_log_variant (logger, level, message, NULL);
}

/* A running pipeline follows log-level: entries it gated out pass once
 * the key changes, and the reset key brings back the level beneath. */
static void
test_live_level (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(FapilogSettings) settings = new_test_settings ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogSink) sink = test_sink_new ("live", TEST_SINK_BATCH);
  g_autoptr(FapilogLogger) logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_settings_apply_preset (settings, "serverless", &error));
  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_assert_no_error (error);
  logger = fapilog_pipeline_get_logger (pipeline, "live");

  g_assert_cmpint (fapilog_pipeline_get_level (pipeline), ==, FAPILOG_LEVEL_INFO);
  log_at (logger, FAPILOG_LEVEL_DEBUG, "gated");

  g_settings_set_enum (gsettings, "log-level", FAPILOG_LEVEL_DEBUG);
  wait_for_level (NULL, pipeline, FAPILOG_LEVEL_DEBUG);
  log_at (logger, FAPILOG_LEVEL_DEBUG, "passes");
  g_assert_true (test_sink_wait_for (sink, 1, 10 * G_USEC_PER_SEC));

  g_settings_set_enum (gsettings, "log-level", FAPILOG_LEVEL_ERROR);
  wait_for_level (NULL, pipeline, FAPILOG_LEVEL_ERROR);
  log_at (logger, FAPILOG_LEVEL_WARNING, "gated again");
  log_at (logger, FAPILOG_LEVEL_ERROR, "error passes");
  g_assert_true (test_sink_wait_for (sink, 2, 10 * G_USEC_PER_SEC));

  /* Reset: the preset's level (serverless: info) shows again. */
  g_settings_reset (gsettings, "log-level");
  wait_for_level (NULL, pipeline, FAPILOG_LEVEL_INFO);

  stats = fapilog_pipeline_shutdown (pipeline, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 2);
  lines = test_sink_dup_lines (sink);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 0), "\"message\":\"passes\""));
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 1), "\"message\":\"error passes\""));
}

/* The environment and code outrank GSettings, while a pipeline runs too. */
static void
test_live_outranked (void)
{
  static const char * const envp[] = { "FAPILOG_CORE__LOG_LEVEL=warning", NULL };

  for (guint pinned_by_code = 0; pinned_by_code < 2; pinned_by_code++)
    {
      g_autoptr(GSettings) gsettings = new_relocatable ();
      g_autoptr(FapilogSettings) settings = new_test_settings ();
      g_autoptr(FapilogPipeline) pipeline = NULL;
      g_autoptr(GError) error = NULL;
      Sentinel sentinel = { 0 };
      FapilogLevel pinned;

      g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
      if (pinned_by_code)
        g_object_set (settings, "log-level", FAPILOG_LEVEL_CRITICAL, NULL);
      else
        g_assert_true (fapilog_settings_apply_environment (settings, envp, &error));
      pinned = pinned_by_code ? FAPILOG_LEVEL_CRITICAL : FAPILOG_LEVEL_WARNING;
      pipeline = fapilog_pipeline_new (settings);
      g_signal_connect (gsettings, "changed", G_CALLBACK (on_sentinel), &sentinel);

      g_settings_set_enum (gsettings, "log-level", FAPILOG_LEVEL_DEBUG);
      wait_for_sentinel (&sentinel, 1);
      g_assert_cmpint (fapilog_pipeline_get_level (pipeline), ==, pinned);

      g_signal_handlers_disconnect_by_func (gsettings, on_sentinel, &sentinel);
    }
}

/* internal-logging-enabled is the other key that takes effect at once. */
static void
test_live_internal_logging (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  Sentinel sentinel = { 0 };
  gboolean was_enabled = _fapilog_diagnostics_get_enabled ();

  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  pipeline = fapilog_pipeline_new (settings);
  g_assert_true (_fapilog_diagnostics_get_enabled ());
  g_signal_connect (gsettings, "changed", G_CALLBACK (on_sentinel), &sentinel);

  g_settings_set_boolean (gsettings, "internal-logging-enabled", FALSE);
  wait_for_sentinel (&sentinel, 1);
  g_assert_false (_fapilog_diagnostics_get_enabled ());

  g_settings_reset (gsettings, "internal-logging-enabled");
  wait_for_sentinel (&sentinel, 2);
  g_assert_true (_fapilog_diagnostics_get_enabled ());

  /* A key that is read only when a pipeline is made changes nothing. */
  g_settings_set_uint (gsettings, "max-queue-size", 5);
  wait_for_sentinel (&sentinel, 3);
  g_assert_cmpuint (fapilog_pipeline_get_settings (pipeline)->max_queue_size, ==, 10000);

  g_signal_handlers_disconnect_by_func (gsettings, on_sentinel, &sentinel);
  _fapilog_diagnostics_set_enabled (was_enabled);
}

/* Shut down or gone, a pipeline no longer follows. */
static void
test_live_stops (void)
{
  g_autoptr(GSettings) gsettings = new_relocatable ();
  g_autoptr(FapilogSettings) settings = new_test_settings ();
  FapilogPipeline *pipeline;
  g_autoptr(FapilogSink) sink = test_sink_new ("stops", TEST_SINK_BATCH);
  g_autoptr(GError) error = NULL;
  Sentinel sentinel = { 0 };

  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  pipeline = fapilog_pipeline_new (settings);
  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_signal_connect (gsettings, "changed", G_CALLBACK (on_sentinel), &sentinel);

  fapilog_stats_unref (fapilog_pipeline_shutdown (pipeline, 10 * G_USEC_PER_SEC));
  g_settings_set_enum (gsettings, "log-level", FAPILOG_LEVEL_DEBUG);
  wait_for_sentinel (&sentinel, 1);
  g_assert_cmpint (fapilog_pipeline_get_level (pipeline), ==, FAPILOG_LEVEL_INFO);

  /* Finalized while the GSettings object lives on: a change afterwards
   * reaches nothing (ASan and valgrind check that it touches nothing). */
  g_object_unref (pipeline);
  pipeline = fapilog_pipeline_new (settings);
  g_object_unref (pipeline);
  g_settings_set_enum (gsettings, "log-level", FAPILOG_LEVEL_ERROR);
  wait_for_sentinel (&sentinel, 2);

  g_signal_handlers_disconnect_by_func (gsettings, on_sentinel, &sentinel);
}

/* Changes arrive in the main context the GSettings object was made in,
 * and only when it runs. */
static void
test_live_main_context (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSettings) gsettings = NULL;
  g_autoptr(GSettings) writer = NULL;
  g_autoptr(FapilogSettings) settings = new_test_settings ();
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_main_context_push_thread_default (context);
  gsettings = new_relocatable ();
  g_main_context_pop_thread_default (context);
  g_object_get (gsettings, "path", &path, NULL);
  writer = g_settings_new_with_path (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID, path);

  g_assert_true (fapilog_settings_apply_gsettings (settings, gsettings, &error));
  pipeline = fapilog_pipeline_new (settings);

  g_settings_set_enum (writer, "log-level", FAPILOG_LEVEL_DEBUG);
  /* Nothing runs @context yet. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (fapilog_pipeline_get_level (pipeline), ==, FAPILOG_LEVEL_INFO);

  wait_for_level (context, pipeline, FAPILOG_LEVEL_DEBUG);
}

/* ------------------------------------------------------------------------
 * From the environment, in a process of its own
 * ------------------------------------------------------------------------ */

static void
test_new_from_environment (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GSettings) gsettings = g_settings_new (FAPILOG_SETTINGS_SCHEMA_ID);
      g_autoptr(FapilogPipeline) pipeline = NULL;
      g_autoptr(GError) error = NULL;
      FapilogSettings *settings;

      g_setenv ("FAPILOG_PRESET", "production", TRUE);
      g_setenv ("FAPILOG_CORE__BATCH_MAX_SIZE", "7", TRUE);
      g_setenv ("FAPILOG_CORE__INTERNAL_LOGGING_ENABLED", "false", TRUE);
      set_key (gsettings, "max-queue-size", "uint32 500");
      set_key (gsettings, "batch-max-size", "uint32 50");
      set_key (gsettings, "log-level", "'warning'");

      pipeline = fapilog_pipeline_new_from_environment (&error);
      g_assert_no_error (error);
      settings = fapilog_pipeline_get_settings (pipeline);
      g_assert_cmpstr (fapilog_settings_get_preset (settings), ==, "production");
      assert_property (settings, "shutdown-timeout-seconds", "25", "preset");
      assert_property (settings, "sinks", "stdout_json", "preset");
      assert_property (settings, "max-queue-size", "500", "gsettings");
      assert_property (settings, "log-level", "warning", "gsettings");
      assert_property (settings, "batch-max-size", "7", "env");
      g_assert_cmpint (fapilog_pipeline_get_level (pipeline), ==, FAPILOG_LEVEL_WARNING);

      /* It follows the key. */
      g_settings_set_enum (gsettings, "log-level", FAPILOG_LEVEL_DEBUG);
      wait_for_level (NULL, pipeline, FAPILOG_LEVEL_DEBUG);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A bad key fails the pipeline with the key's name; the default pipeline
 * reports it and logs to stdout with the built-in defaults. */
static void
test_new_from_environment_bad_key (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GSettings) gsettings = g_settings_new (FAPILOG_SETTINGS_SCHEMA_ID);
      g_autoptr(FapilogPipeline) pipeline = NULL;
      g_autoptr(GError) error = NULL;
      FapilogLogger *logger;

      set_key (gsettings, "log-level", "'error'");
      set_key (gsettings, "file-filename-prefix", "'a/b'");
      pipeline = fapilog_pipeline_new_from_environment (&error);
      g_assert_null (pipeline);
      g_assert_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE);
      g_assert_true (g_str_has_prefix (error->message,
                                       "org.fapilog file-filename-prefix: invalid value \"a/b\""));

      logger = fapilog_get_logger ("bad-key");
      g_assert_true (fapilog_logger_is_enabled (logger, FAPILOG_LEVEL_INFO));
      fapilog_shutdown ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*bad FAPILOG_* variable or GSettings key*"
                             "org.fapilog file-filename-prefix*");
}

/* The default pipeline reads GSettings too. */
static void
test_default_pipeline (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GSettings) gsettings = g_settings_new (FAPILOG_SETTINGS_SCHEMA_ID);
      FapilogLogger *logger;

      g_setenv ("FAPILOG_CORE__SINKS", "stdout_json", TRUE);
      set_key (gsettings, "log-level", "'error'");
      logger = fapilog_get_logger ("default");
      g_assert_false (fapilog_logger_is_enabled (logger, FAPILOG_LEVEL_WARNING));
      g_assert_true (fapilog_logger_is_enabled (logger, FAPILOG_LEVEL_ERROR));
      fapilog_shutdown ();
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Without the schema, GSettings is skipped: no error, no abort. */
static void
test_schema_not_installed (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *empty = g_dir_make_tmp ("fapilog-no-schemas-XXXXXX", &error);
      g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
      g_autoptr(FapilogPipeline) pipeline = NULL;

      g_assert_no_error (error);
      /* Before anything looks for schemas in this process. */
      g_setenv ("GSETTINGS_SCHEMA_DIR", empty, TRUE);
      g_setenv ("XDG_DATA_DIRS", empty, TRUE);
      g_setenv ("FAPILOG_CORE__SINKS", "stdout_json", TRUE);
      g_setenv ("FAPILOG_CORE__LOG_LEVEL", "error", TRUE);

      g_assert_true (fapilog_settings_apply_gsettings (settings, NULL, &error));
      g_assert_no_error (error);
      g_assert_null (settings->gsettings);
      assert_all_default (settings);

      pipeline = fapilog_pipeline_new_from_environment (&error);
      g_assert_no_error (error);
      g_assert_cmpint (fapilog_pipeline_get_level (pipeline), ==, FAPILOG_LEVEL_ERROR);
      g_assert_null (fapilog_pipeline_get_settings (pipeline)->gsettings);
      g_clear_object (&pipeline);
      g_assert_cmpint (g_rmdir (empty), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_bad_arguments (void)
{
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*FAPILOG_IS_SETTINGS*");
  g_assert_false (fapilog_settings_apply_gsettings (NULL, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*G_IS_SETTINGS*");
  g_assert_false (fapilog_settings_apply_gsettings (settings, (GSettings *) settings, NULL));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gsettings/schema/installed", test_schema_installed);
  g_test_add_func ("/gsettings/schema/same-keys", test_schema_same_keys);
  g_test_add_func ("/gsettings/schema/defaults", test_schema_defaults);
  g_test_add_func ("/gsettings/schema/enums", test_schema_enums);
  g_test_add_func ("/gsettings/schema/ranges", test_schema_ranges);
  g_test_add_func ("/gsettings/schema/no-secrets", test_schema_no_secrets);
  g_test_add_func ("/gsettings/schema/not-installed", test_schema_not_installed);

  for (gsize i = 0; i < G_N_ELEMENTS (key_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/gsettings/key/%s", key_cases[i].key);

      g_test_add_data_func (path, &key_cases[i], test_key_matches_variable);
    }
  g_test_add_func ("/gsettings/key/cover-environment", test_keys_cover_environment);

  g_test_add_func ("/gsettings/apply/default-schema", test_apply_default_schema);
  g_test_add_func ("/gsettings/apply/relocatable", test_apply_relocatable);
  g_test_add_func ("/gsettings/apply/replaces", test_apply_replaces);
  g_test_add_func ("/gsettings/apply/over-preset", test_apply_over_preset);
  g_test_add_func ("/gsettings/apply/bad-arguments", test_bad_arguments);

  g_test_add_func ("/gsettings/bad/rejected-by-schema", test_bad_rejected_by_schema);
  g_test_add_func ("/gsettings/bad/ignored-from-store", test_bad_ignored_from_store);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/gsettings/bad/reported/%02" G_GSIZE_FORMAT, i);

      g_test_add_data_func (path, &bad_cases[i], test_bad_reported);
    }
  g_test_add_func ("/gsettings/bad/reported-default-schema", test_bad_reported_default_schema);

  g_test_add_func ("/gsettings/precedence/five-sources", test_precedence_five_sources);
  g_test_add_func ("/gsettings/precedence/take-back", test_precedence_take_back);

  g_test_add_func ("/gsettings/live/level", test_live_level);
  g_test_add_func ("/gsettings/live/outranked", test_live_outranked);
  g_test_add_func ("/gsettings/live/internal-logging", test_live_internal_logging);
  g_test_add_func ("/gsettings/live/stops", test_live_stops);
  g_test_add_func ("/gsettings/live/main-context", test_live_main_context);

  g_test_add_func ("/gsettings/environment/new-from-environment", test_new_from_environment);
  g_test_add_func ("/gsettings/environment/bad-key", test_new_from_environment_bad_key);
  g_test_add_func ("/gsettings/environment/default-pipeline", test_default_pipeline);

  return g_test_run ();
}
