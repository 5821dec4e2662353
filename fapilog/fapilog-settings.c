/* fapilog-settings.c: every option of a pipeline, as GObject properties
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include <gobject/gvaluecollector.h>
#include <json-glib/json-glib.h>

#include "fapilog-config-parse-private.h"
#include "fapilog-enum-types.h"
#include "fapilog-settings-private.h"

/**
 * FapilogSettings:
 *
 * The options of a [class@Fapilog.Pipeline]: queue size and overflow
 * policy, batching, sinks, timeouts and the service identity that goes
 * into every entry's `diagnostics`.
 *
 * Every option is a property. Values come from five sources, in
 * increasing precedence (see [enum@Fapilog.SettingSource]):
 *
 * 1. the built-in defaults (and defaults of the program, set with
 *    [method@Fapilog.Settings.set_from_source]);
 * 2. a preset, [method@Fapilog.Settings.apply_preset] or `FAPILOG_PRESET`;
 * 3. GSettings, [method@Fapilog.Settings.apply_gsettings] (schema
 *    `org.fapilog`);
 * 4. `FAPILOG_*` environment variables,
 *    [method@Fapilog.Settings.apply_environment];
 * 5. code: g_object_set() and friends.
 *
 * The order of the calls does not matter: a value from one source never
 * replaces a value from a source of higher precedence, and each source
 * keeps its values beneath the higher ones, so taking a value back (a
 * GSettings key reset to its default) shows the one beneath.
 * [method@Fapilog.Settings.get_source] tells where a value came from,
 * and [method@Fapilog.Settings.to_json] reports them all.
 *
 * Settings are not thread-safe: configure them on one thread before handing
 * them to a pipeline.
 *
 * Since: 1.0
 */

/* Timeouts are converted to microseconds in a gint64 by the core; a year
 * keeps that far from overflow, and below a millisecond a timeout would be
 * a busy loop. */
#define MIN_TIMEOUT_SECONDS FAPILOG_SETTINGS_MIN_DURATION
#define MAX_TIMEOUT_SECONDS (365.0 * 86400.0)
#define MAX_QUEUE_SIZE      1000000000u
#define MAX_BATCH_SIZE      1000000u

#define DEFAULT_SERVICE "fapilog"
#define DEFAULT_ENV     "dev"

#define DEFAULT_FILE_FILENAME_PREFIX "fapilog"
#define DEFAULT_FILE_MAX_BYTES       (G_GUINT64_CONSTANT (10) * 1024 * 1024)
#define DEFAULT_FILE_FILE_MODE       0640
/* Rotation intervals share the timeouts' upper bound; 0 disables. */
#define MAX_INTERVAL_SECONDS         MAX_TIMEOUT_SECONDS

#define DEFAULT_HTTP_BATCH_WRAPPER_KEY "logs"
#define DEFAULT_HTTP_BATCH_MAX_BYTES   (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_MAX_PENDING_BYTES      (G_GUINT64_CONSTANT (16) << 20)
/* Total attempts of one request: with the backoff capped, a thousand
 * attempts already keep a batch for hours. */
#define MAX_RETRY_ATTEMPTS             1000u

/* The mmap_file sink's defaults are those of FapilogMmapPersistence (a test
 * compares them); repeated here because the settings cannot construct a
 * persistence just to read its pspecs. */
#define DEFAULT_MMAP_INITIAL_SIZE      (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_MMAP_GROWTH_FACTOR     2.0
#define DEFAULT_MMAP_GROWTH_MIN_BYTES  (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_MMAP_SYNC_MODE         FAPILOG_MMAP_SYNC_NONE
#define DEFAULT_MMAP_SYNC_INTERVAL_MS  1000u
#define DEFAULT_MMAP_SYNC_EVERY_BYTES  (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_MMAP_FILE_MODE         0640
/* The persistence's ranges, so that whatever the settings accept the sink
 * passes on without a warning. Sizes stop at the largest off_t. A growth
 * factor of exactly 1 is a valid property value (growth by
 * growth-min-bytes alone), but the environment asks for more than 1:
 * FAPILOG_MMAP__GROWTH_FACTOR=1 is far more likely a mistake than a wish
 * for linear growth. */
#define MAX_MMAP_SIZE                  ((guint64) G_MAXINT64)
#define MIN_MMAP_GROWTH_FACTOR         1.0
#define MAX_MMAP_GROWTH_FACTOR         1024.0

#define DEFAULT_PROTECTED_LEVELS_MASK \
  (FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_ERROR) | \
   FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_CRITICAL) | \
   FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_AUDIT) | \
   FAPILOG_LEVEL_BIT (FAPILOG_LEVEL_SECURITY))

#define N_SOURCES (FAPILOG_SETTING_SOURCE_CODE + 1)

enum {
  PROP_0,
  PROP_LOG_LEVEL,
  PROP_MAX_QUEUE_SIZE,
  PROP_PROTECTED_QUEUE_SIZE,
  PROP_PROTECTED_LEVELS,
  PROP_BATCH_MAX_SIZE,
  PROP_BATCH_TIMEOUT_SECONDS,
  PROP_OVERFLOW_POLICY,
  PROP_BACKPRESSURE_WAIT_MS,
  PROP_SINKS,
  PROP_SERIALIZE_IN_FLUSH,
  PROP_SINK_WRITE_TIMEOUT_SECONDS,
  PROP_SINK_BACKLOG_SIZE,
  PROP_INTERNAL_LOGGING_ENABLED,
  PROP_SHUTDOWN_TIMEOUT_SECONDS,
  PROP_ATEXIT_DRAIN_ENABLED,
  PROP_ATEXIT_DRAIN_TIMEOUT_SECONDS,
  PROP_SERVICE,
  PROP_ENV,
  PROP_VERSION,
  PROP_FILE_DIRECTORY,
  PROP_FILE_FILENAME_PREFIX,
  PROP_FILE_MODE,
  PROP_FILE_MAX_BYTES,
  PROP_FILE_INTERVAL_SECONDS,
  PROP_FILE_MAX_FILES,
  PROP_FILE_MAX_TOTAL_BYTES,
  PROP_FILE_COMPRESS_ROTATED,
  PROP_FILE_FILE_MODE,
  PROP_FILE_FSYNC,
  PROP_HTTP_ENDPOINT,
  PROP_HTTP_HEADERS,
  PROP_HTTP_TIMEOUT_SECONDS,
  PROP_HTTP_RETRY_MAX_ATTEMPTS,
  PROP_HTTP_RETRY_BACKOFF_SECONDS,
  PROP_HTTP_RETRY_MAX_BACKOFF_SECONDS,
  PROP_HTTP_BATCH_SIZE,
  PROP_HTTP_BATCH_TIMEOUT_SECONDS,
  PROP_HTTP_BATCH_MAX_BYTES,
  PROP_HTTP_BATCH_FORMAT,
  PROP_HTTP_BATCH_WRAPPER_KEY,
  PROP_HTTP_COMPRESSION,
  PROP_HTTP_TLS_CA_FILE,
  PROP_HTTP_MAX_PENDING_BYTES,
  PROP_WEBHOOK_ENDPOINT,
  PROP_WEBHOOK_SECRET,
  PROP_WEBHOOK_HEADERS,
  PROP_WEBHOOK_TIMEOUT_SECONDS,
  PROP_WEBHOOK_RETRY_MAX_ATTEMPTS,
  PROP_WEBHOOK_RETRY_BACKOFF_SECONDS,
  PROP_WEBHOOK_RETRY_MAX_BACKOFF_SECONDS,
  PROP_WEBHOOK_BATCH_SIZE,
  PROP_WEBHOOK_BATCH_TIMEOUT_SECONDS,
  PROP_WEBHOOK_MAX_PENDING_BYTES,
  PROP_WEBHOOK_TLS_CA_FILE,
  PROP_MMAP_PATH,
  PROP_MMAP_INITIAL_SIZE,
  PROP_MMAP_GROWTH_FACTOR,
  PROP_MMAP_GROWTH_MIN_BYTES,
  PROP_MMAP_MAX_SIZE,
  PROP_MMAP_SYNC_MODE,
  PROP_MMAP_SYNC_INTERVAL_MS,
  PROP_MMAP_SYNC_EVERY_BYTES,
  PROP_MMAP_FLUSH_ON_CLOSE,
  PROP_MMAP_FILE_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FapilogSettings, fapilog_settings, G_TYPE_OBJECT)

/* Canonical names, in level order; the protected-levels getter lists the
 * mask in this order whatever order the setter was given. */
static const struct {
  const char  *name;
  FapilogLevel level;
} levels[] = {
  { "DEBUG",    FAPILOG_LEVEL_DEBUG },
  { "INFO",     FAPILOG_LEVEL_INFO },
  { "WARNING",  FAPILOG_LEVEL_WARNING },
  { "ERROR",    FAPILOG_LEVEL_ERROR },
  { "CRITICAL", FAPILOG_LEVEL_CRITICAL },
  { "AUDIT",    FAPILOG_LEVEL_AUDIT },
  { "SECURITY", FAPILOG_LEVEL_SECURITY },
};

/* Unknown names are skipped: a property setter has no way to report an
 * error, and the getter shows what was actually kept. */
static guint
mask_from_level_names (const char * const *names)
{
  guint mask = 0;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      FapilogLevel level;

      if (_fapilog_parse_level (NULL, names[i], &level, NULL))
        mask |= FAPILOG_LEVEL_BIT (level);
    }

  return mask;
}

static char **
level_names_from_mask (guint mask)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **names;

  for (gsize i = 0; i < G_N_ELEMENTS (levels); i++)
    if (mask & FAPILOG_LEVEL_BIT (levels[i].level))
      g_strv_builder_add (builder, levels[i].name);

  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

/* Normalized, trimmed, empty names dropped; an empty list becomes NULL
 * because the core reads NULL as "choose the default sinks". */
static char **
normalize_sink_names (const char * const *names)
{
  GPtrArray *normalized;

  if (names == NULL)
    return NULL;

  normalized = g_ptr_array_new ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      char *name = g_strstrip (_fapilog_normalize_name (names[i]));

      if (*name == '\0')
        g_free (name);
      else
        g_ptr_array_add (normalized, name);
    }

  if (normalized->len == 0)
    {
      g_ptr_array_free (normalized, TRUE);
      return NULL;
    }

  g_ptr_array_add (normalized, NULL);
  return (char **) g_ptr_array_free (normalized, FALSE);
}

/* Each helper stores the value and says whether it changed, so that
 * properties notify only on change (G_PARAM_EXPLICIT_NOTIFY). */

static gboolean
store_uint (guint *field,
            guint  value)
{
  if (*field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

static gboolean
store_int (gint *field,
           gint  value)
{
  if (*field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

static gboolean
store_uint64 (guint64 *field,
              guint64  value)
{
  if (*field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

static gboolean
store_double (double *field,
              double  value)
{
  if (*field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

static gboolean
store_boolean (gboolean *field,
               gboolean  value)
{
  value = !!value;
  if (*field == value)
    return FALSE;
  *field = value;
  return TRUE;
}

static gboolean
store_string (char       **field,
              const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* Takes ownership of @value. */
static gboolean
store_strv (char ***field,
            char  **value)
{
  gboolean same;

  if (*field == NULL || value == NULL)
    same = (*field == value);
  else
    same = g_strv_equal ((const char * const *) *field, (const char * const *) value);

  if (same)
    {
      g_strfreev (value);
      return FALSE;
    }

  g_strfreev (*field);
  *field = value;
  return TRUE;
}

/* The prefix becomes the start of file names in the sink's directory: a
 * '/' would put the files somewhere else, and an empty prefix would give
 * names starting with '-' that retention could confuse with other files. */
static gboolean
filename_prefix_is_valid (const char *prefix)
{
  return prefix != NULL && *prefix != '\0' && strchr (prefix, '/') == NULL;
}

/* Overwrites a secret before its memory goes back to the allocator, so
 * that it does not linger in freed heap memory (core dumps, later
 * allocations). Through a volatile pointer: a plain memset() before
 * g_free() may be optimised away. */
static void
wipe_string (char *string)
{
  if (string == NULL)
    return;

  for (volatile char *p = string; *p != '\0'; p++)
    *p = '\0';
}

static void
free_secret (char *secret)
{
  wipe_string (secret);
  g_free (secret);
}

/* An empty secret is no secret: requests go unsigned, as with NULL. */
static gboolean
store_secret (char       **field,
              const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  free_secret (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
headers_clear (FapilogSettingsHeaders *headers)
{
  g_clear_pointer (&headers->json, g_free);
  g_clear_pointer (&headers->names, g_strfreev);
  g_clear_pointer (&headers->values, g_strfreev);
}

/* The compact JSON object of @names and @values, which
 * _fapilog_parse_headers() has checked: parsing it again gives the same
 * lists. */
static char *
headers_to_json (char **names,
                 char **values)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, names[i]);
      json_builder_add_string_value (builder, values[i]);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* Stores the headers of @json (NULL or an empty object: none) in
 * canonical form. Returns FALSE with @error set, and @headers untouched,
 * when @json is not a valid headers object; @variable names it in the
 * error, which never quotes header values. */
static gboolean
store_headers (FapilogSettingsHeaders  *headers,
               const char              *variable,
               const char              *json,
               gboolean                *changed,
               GError                 **error)
{
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) values = NULL;
  g_autofree char *canonical = NULL;

  *changed = FALSE;

  if (json != NULL)
    {
      if (!_fapilog_parse_headers (variable, json, &names, &values, error))
        return FALSE;
      if (names[0] != NULL)
        canonical = headers_to_json (names, values);
    }

  if (g_strcmp0 (headers->json, canonical) == 0)
    return TRUE;

  headers_clear (headers);
  if (canonical != NULL)
    {
      headers->json = g_steal_pointer (&canonical);
      headers->names = g_steal_pointer (&names);
      headers->values = g_steal_pointer (&values);
    }
  *changed = TRUE;
  return TRUE;
}

/* Whether a property takes @value at all. The values a setter refuses
 * are a bad prefix, an empty wrapper key and bad headers: they are
 * refused with a warning, as GObject gives for a value out of a
 * property's range, and neither stored nor counted as coming from
 * anywhere. (The environment and GSettings check them before getting
 * here, with an error instead.) g_log() rather than g_warning(), which is
 * structured here, so that tests can expect the warnings. */
static gboolean
value_is_acceptable (guint         prop_id,
                     const GValue *value)
{
  if (prop_id == PROP_FILE_FILENAME_PREFIX)
    {
      const char *prefix = g_value_get_string (value);

      if (prefix != NULL && !filename_prefix_is_valid (prefix))
        {
          g_autofree char *escaped = g_strescape (prefix, NULL);

          g_log (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                 "FapilogSettings:file-filename-prefix: ignoring \"%s\": "
                 "a prefix must not be empty or contain '/'", escaped);
          return FALSE;
        }
    }

  /* The wrapper key names the array in every body: NULL restores the
   * default, but an empty key is refused. */
  if (prop_id == PROP_HTTP_BATCH_WRAPPER_KEY)
    {
      const char *key = g_value_get_string (value);

      if (key != NULL && *key == '\0')
        {
          g_log (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                 "FapilogSettings:http-batch-wrapper-key: ignoring \"\": "
                 "the key must not be empty");
          return FALSE;
        }
    }

  /* With the parser's message, which names a bad header but never shows
   * a value. */
  if (prop_id == PROP_HTTP_HEADERS || prop_id == PROP_WEBHOOK_HEADERS)
    {
      const char *json = g_value_get_string (value);
      g_autoptr(GError) error = NULL;
      g_autofree char *variable = NULL;
      g_auto(GStrv) names = NULL;
      g_auto(GStrv) values = NULL;

      if (json == NULL)
        return TRUE;
      variable = g_strconcat ("FapilogSettings:", properties[prop_id]->name, NULL);
      if (!_fapilog_parse_headers (variable, json, &names, &values, &error))
        {
          g_log (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "%s; the value is ignored",
                 error->message);
          return FALSE;
        }
    }

  return TRUE;
}

/* Stores @value, which value_is_acceptable() accepted, in the field of
 * @prop_id, normalized. Returns whether the field changed. */
static gboolean
store_value (FapilogSettings *self,
             guint            prop_id,
             const GValue    *value)
{
  gboolean changed = FALSE;

  switch (prop_id)
    {
    case PROP_LOG_LEVEL:
      {
        FapilogLevel level = g_value_get_enum (value);

        changed = (self->log_level != level);
        self->log_level = level;
      }
      break;

    case PROP_MAX_QUEUE_SIZE:
      changed = store_uint (&self->max_queue_size, g_value_get_uint (value));
      break;

    case PROP_PROTECTED_QUEUE_SIZE:
      changed = store_uint (&self->protected_queue_size, g_value_get_uint (value));
      break;

    case PROP_PROTECTED_LEVELS:
      changed = store_uint (&self->protected_levels_mask,
                            mask_from_level_names (g_value_get_boxed (value)));
      break;

    case PROP_BATCH_MAX_SIZE:
      changed = store_uint (&self->batch_max_size, g_value_get_uint (value));
      break;

    case PROP_BATCH_TIMEOUT_SECONDS:
      changed = store_double (&self->batch_timeout_seconds, g_value_get_double (value));
      break;

    case PROP_OVERFLOW_POLICY:
      {
        FapilogOverflowPolicy policy = g_value_get_enum (value);

        changed = (self->overflow_policy != policy);
        self->overflow_policy = policy;
      }
      break;

    case PROP_BACKPRESSURE_WAIT_MS:
      changed = store_int (&self->backpressure_wait_ms, g_value_get_int (value));
      break;

    case PROP_SINKS:
      changed = store_strv (&self->sinks, normalize_sink_names (g_value_get_boxed (value)));
      break;

    case PROP_SERIALIZE_IN_FLUSH:
      changed = store_boolean (&self->serialize_in_flush, g_value_get_boolean (value));
      break;

    case PROP_SINK_WRITE_TIMEOUT_SECONDS:
      changed = store_double (&self->sink_write_timeout_seconds, g_value_get_double (value));
      break;

    case PROP_SINK_BACKLOG_SIZE:
      changed = store_uint (&self->sink_backlog_size, g_value_get_uint (value));
      break;

    case PROP_INTERNAL_LOGGING_ENABLED:
      changed = store_boolean (&self->internal_logging_enabled, g_value_get_boolean (value));
      break;

    case PROP_SHUTDOWN_TIMEOUT_SECONDS:
      changed = store_double (&self->shutdown_timeout_seconds, g_value_get_double (value));
      break;

    case PROP_ATEXIT_DRAIN_ENABLED:
      changed = store_boolean (&self->atexit_drain_enabled, g_value_get_boolean (value));
      break;

    case PROP_ATEXIT_DRAIN_TIMEOUT_SECONDS:
      changed = store_double (&self->atexit_drain_timeout_seconds, g_value_get_double (value));
      break;

    /* service and env go into every envelope: NULL restores the default
     * rather than leaving the core a NULL to check. */
    case PROP_SERVICE:
      {
        const char *service = g_value_get_string (value);

        changed = store_string (&self->service, service != NULL ? service : DEFAULT_SERVICE);
      }
      break;

    case PROP_ENV:
      {
        const char *env = g_value_get_string (value);

        changed = store_string (&self->env, env != NULL ? env : DEFAULT_ENV);
      }
      break;

    case PROP_VERSION:
      changed = store_string (&self->version, g_value_get_string (value));
      break;

    case PROP_FILE_DIRECTORY:
      changed = store_string (&self->file_directory, g_value_get_string (value));
      break;

    case PROP_FILE_FILENAME_PREFIX:
      {
        const char *prefix = g_value_get_string (value);

        changed = store_string (&self->file_filename_prefix,
                                prefix != NULL ? prefix : DEFAULT_FILE_FILENAME_PREFIX);
      }
      break;

    case PROP_FILE_MODE:
      {
        FapilogFileFormat format = g_value_get_enum (value);

        changed = (self->file_format != format);
        self->file_format = format;
      }
      break;

    case PROP_FILE_MAX_BYTES:
      changed = store_uint64 (&self->file_max_bytes, g_value_get_uint64 (value));
      break;

    case PROP_FILE_INTERVAL_SECONDS:
      changed = store_double (&self->file_interval_seconds, g_value_get_double (value));
      break;

    case PROP_FILE_MAX_FILES:
      changed = store_uint (&self->file_max_files, g_value_get_uint (value));
      break;

    case PROP_FILE_MAX_TOTAL_BYTES:
      changed = store_uint64 (&self->file_max_total_bytes, g_value_get_uint64 (value));
      break;

    case PROP_FILE_COMPRESS_ROTATED:
      changed = store_boolean (&self->file_compress_rotated, g_value_get_boolean (value));
      break;

    case PROP_FILE_FILE_MODE:
      changed = store_uint (&self->file_file_mode, g_value_get_uint (value));
      break;

    case PROP_FILE_FSYNC:
      {
        FapilogFsyncPolicy policy = g_value_get_enum (value);

        changed = (self->file_fsync != policy);
        self->file_fsync = policy;
      }
      break;

    case PROP_HTTP_ENDPOINT:
      changed = store_string (&self->http_endpoint, g_value_get_string (value));
      break;

    /* Checked by value_is_acceptable(): storing cannot fail. */
    case PROP_HTTP_HEADERS:
    case PROP_WEBHOOK_HEADERS:
      {
        FapilogSettingsHeaders *headers = prop_id == PROP_HTTP_HEADERS ?
                                          &self->http_headers : &self->webhook_headers;
        gboolean stored;

        stored = store_headers (headers, properties[prop_id]->name,
                                g_value_get_string (value), &changed, NULL);
        g_assert (stored);
      }
      break;

    case PROP_HTTP_TIMEOUT_SECONDS:
      changed = store_double (&self->http_timeout_seconds, g_value_get_double (value));
      break;

    case PROP_HTTP_RETRY_MAX_ATTEMPTS:
      changed = store_uint (&self->http_retry_max_attempts, g_value_get_uint (value));
      break;

    case PROP_HTTP_RETRY_BACKOFF_SECONDS:
      changed = store_double (&self->http_retry_backoff_seconds, g_value_get_double (value));
      break;

    case PROP_HTTP_RETRY_MAX_BACKOFF_SECONDS:
      changed = store_double (&self->http_retry_max_backoff_seconds, g_value_get_double (value));
      break;

    case PROP_HTTP_BATCH_SIZE:
      changed = store_uint (&self->http_batch_size, g_value_get_uint (value));
      break;

    case PROP_HTTP_BATCH_TIMEOUT_SECONDS:
      changed = store_double (&self->http_batch_timeout_seconds, g_value_get_double (value));
      break;

    case PROP_HTTP_BATCH_MAX_BYTES:
      changed = store_uint64 (&self->http_batch_max_bytes, g_value_get_uint64 (value));
      break;

    case PROP_HTTP_BATCH_FORMAT:
      {
        FapilogHttpBatchFormat format = g_value_get_enum (value);

        changed = (self->http_batch_format != format);
        self->http_batch_format = format;
      }
      break;

    case PROP_HTTP_BATCH_WRAPPER_KEY:
      {
        const char *key = g_value_get_string (value);

        changed = store_string (&self->http_batch_wrapper_key,
                                key != NULL ? key : DEFAULT_HTTP_BATCH_WRAPPER_KEY);
      }
      break;

    case PROP_HTTP_COMPRESSION:
      {
        FapilogHttpCompression compression = g_value_get_enum (value);

        changed = (self->http_compression != compression);
        self->http_compression = compression;
      }
      break;

    case PROP_HTTP_TLS_CA_FILE:
      changed = store_string (&self->http_tls_ca_file, g_value_get_string (value));
      break;

    case PROP_HTTP_MAX_PENDING_BYTES:
      changed = store_uint64 (&self->http_max_pending_bytes, g_value_get_uint64 (value));
      break;

    case PROP_WEBHOOK_ENDPOINT:
      changed = store_string (&self->webhook_endpoint, g_value_get_string (value));
      break;

    case PROP_WEBHOOK_SECRET:
      changed = store_secret (&self->webhook_secret, g_value_get_string (value));
      break;

    case PROP_WEBHOOK_TIMEOUT_SECONDS:
      changed = store_double (&self->webhook_timeout_seconds, g_value_get_double (value));
      break;

    case PROP_WEBHOOK_RETRY_MAX_ATTEMPTS:
      changed = store_uint (&self->webhook_retry_max_attempts, g_value_get_uint (value));
      break;

    case PROP_WEBHOOK_RETRY_BACKOFF_SECONDS:
      changed = store_double (&self->webhook_retry_backoff_seconds, g_value_get_double (value));
      break;

    case PROP_WEBHOOK_RETRY_MAX_BACKOFF_SECONDS:
      changed = store_double (&self->webhook_retry_max_backoff_seconds,
                              g_value_get_double (value));
      break;

    case PROP_WEBHOOK_BATCH_SIZE:
      changed = store_uint (&self->webhook_batch_size, g_value_get_uint (value));
      break;

    case PROP_WEBHOOK_BATCH_TIMEOUT_SECONDS:
      changed = store_double (&self->webhook_batch_timeout_seconds, g_value_get_double (value));
      break;

    case PROP_WEBHOOK_MAX_PENDING_BYTES:
      changed = store_uint64 (&self->webhook_max_pending_bytes, g_value_get_uint64 (value));
      break;

    case PROP_WEBHOOK_TLS_CA_FILE:
      changed = store_string (&self->webhook_tls_ca_file, g_value_get_string (value));
      break;

    case PROP_MMAP_PATH:
      changed = store_string (&self->mmap_path, g_value_get_string (value));
      break;

    case PROP_MMAP_INITIAL_SIZE:
      changed = store_uint64 (&self->mmap_initial_size, g_value_get_uint64 (value));
      break;

    case PROP_MMAP_GROWTH_FACTOR:
      changed = store_double (&self->mmap_growth_factor, g_value_get_double (value));
      break;

    case PROP_MMAP_GROWTH_MIN_BYTES:
      changed = store_uint64 (&self->mmap_growth_min_bytes, g_value_get_uint64 (value));
      break;

    case PROP_MMAP_MAX_SIZE:
      changed = store_uint64 (&self->mmap_max_size, g_value_get_uint64 (value));
      break;

    case PROP_MMAP_SYNC_MODE:
      {
        FapilogMmapSyncMode mode = g_value_get_enum (value);

        changed = (self->mmap_sync_mode != mode);
        self->mmap_sync_mode = mode;
      }
      break;

    case PROP_MMAP_SYNC_INTERVAL_MS:
      changed = store_uint (&self->mmap_sync_interval_ms, g_value_get_uint (value));
      break;

    case PROP_MMAP_SYNC_EVERY_BYTES:
      changed = store_uint64 (&self->mmap_sync_every_bytes, g_value_get_uint64 (value));
      break;

    case PROP_MMAP_FLUSH_ON_CLOSE:
      changed = store_boolean (&self->mmap_flush_on_close, g_value_get_boolean (value));
      break;

    case PROP_MMAP_FILE_MODE:
      changed = store_uint (&self->mmap_file_mode, g_value_get_uint (value));
      break;

    default:
      g_assert_not_reached ();
    }

  return changed;
}

static void
clear_layer_value (guint   prop_id,
                   GValue *value)
{
  if (!G_IS_VALUE (value))
    return;
  /* Every copy of the secret is wiped, not only the effective one. */
  if (prop_id == PROP_WEBHOOK_SECRET)
    wipe_string ((char *) g_value_get_string (value));
  g_value_unset (value);
}

/* The value of the highest source that has one, or NULL. */
static const GValue *
top_layer_value (FapilogSettings       *self,
                 guint                  prop_id,
                 FapilogSettingSource  *out_source)
{
  GValue *layer = self->layers[prop_id];

  for (int source = N_SOURCES - 1; layer != NULL && source >= 0; source--)
    if (G_IS_VALUE (&layer[source]))
      {
        if (out_source != NULL)
          *out_source = source;
        return &layer[source];
      }

  if (out_source != NULL)
    *out_source = FAPILOG_SETTING_SOURCE_DEFAULT;
  return NULL;
}

void
_fapilog_settings_get_builtin_default (GParamSpec *pspec,
                                       GValue     *value)
{
  g_value_init (value, pspec->value_type);
  /* The one property whose default a GParamSpec cannot hold. */
  if (pspec == properties[PROP_PROTECTED_LEVELS])
    g_value_take_boxed (value, level_names_from_mask (DEFAULT_PROTECTED_LEVELS_MASK));
  else
    g_param_value_set_default (pspec, value);
}

/* Stores the effective value of @prop_id after its layers changed.
 * Returns whether it changed, and notifies if so. */
static gboolean
refresh (FapilogSettings *self,
         guint            prop_id)
{
  const GValue *top = top_layer_value (self, prop_id, NULL);
  gboolean changed;

  if (top != NULL)
    changed = store_value (self, prop_id, top);
  else
    {
      g_auto(GValue) builtin = G_VALUE_INIT;

      _fapilog_settings_get_builtin_default (properties[prop_id], &builtin);
      changed = store_value (self, prop_id, &builtin);
    }

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  return changed;
}

/* The one place a property is written, from any source. @value NULL takes
 * back what @source gave. Returns whether the effective value changed. */
static gboolean
settings_set (FapilogSettings      *self,
              guint                 prop_id,
              const GValue         *value,
              FapilogSettingSource  source)
{
  GValue *layer;

  if (value != NULL && !value_is_acceptable (prop_id, value))
    return FALSE;

  layer = self->layers[prop_id];
  if (layer == NULL)
    {
      if (value == NULL)
        return FALSE;
      layer = self->layers[prop_id] = g_new0 (GValue, N_SOURCES);
    }

  clear_layer_value (prop_id, &layer[source]);
  if (value != NULL)
    {
      g_value_init (&layer[source], properties[prop_id]->value_type);
      g_value_copy (value, &layer[source]);
    }

  return refresh (self, prop_id);
}

static guint
prop_id_of (GParamSpec *pspec)
{
  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    if (properties[prop_id] == pspec)
      return prop_id;
  return 0;
}

gboolean
_fapilog_settings_set_source_value (FapilogSettings      *self,
                                    GParamSpec           *pspec,
                                    FapilogSettingSource  source,
                                    const GValue         *value)
{
  guint prop_id;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (source < N_SOURCES, FALSE);
  prop_id = prop_id_of (pspec);
  g_return_val_if_fail (prop_id != 0, FALSE);

  return settings_set (self, prop_id, value, source);
}

void
_fapilog_settings_clear_source (FapilogSettings      *self,
                                FapilogSettingSource  source)
{
  g_return_if_fail (FAPILOG_IS_SETTINGS (self));
  g_return_if_fail (source < N_SOURCES);

  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    if (self->layers[prop_id] != NULL && G_IS_VALUE (&self->layers[prop_id][source]))
      settings_set (self, prop_id, NULL, source);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
_fapilog_settings_values_equal (GParamSpec   *pspec,
                                const GValue *a,
                                const GValue *b)
{
  if (pspec->value_type == G_TYPE_STRV)
    {
      const char * const *sa = g_value_get_boxed (a);
      const char * const *sb = g_value_get_boxed (b);

      if (sa == NULL || sb == NULL)
        return sa == sb;
      return g_strv_equal (sa, sb);
    }

  return g_param_values_cmp (pspec, a, b) == 0;
}

static void
fapilog_settings_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FapilogSettings *self = FAPILOG_SETTINGS (object);

  if (prop_id == 0 || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  settings_set (self, prop_id, value, FAPILOG_SETTING_SOURCE_CODE);
}

static void
fapilog_settings_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FapilogSettings *self = FAPILOG_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_LOG_LEVEL:
      g_value_set_enum (value, self->log_level);
      break;

    case PROP_MAX_QUEUE_SIZE:
      g_value_set_uint (value, self->max_queue_size);
      break;

    case PROP_PROTECTED_QUEUE_SIZE:
      g_value_set_uint (value, self->protected_queue_size);
      break;

    case PROP_PROTECTED_LEVELS:
      g_value_take_boxed (value, level_names_from_mask (self->protected_levels_mask));
      break;

    case PROP_BATCH_MAX_SIZE:
      g_value_set_uint (value, self->batch_max_size);
      break;

    case PROP_BATCH_TIMEOUT_SECONDS:
      g_value_set_double (value, self->batch_timeout_seconds);
      break;

    case PROP_OVERFLOW_POLICY:
      g_value_set_enum (value, self->overflow_policy);
      break;

    case PROP_BACKPRESSURE_WAIT_MS:
      g_value_set_int (value, self->backpressure_wait_ms);
      break;

    case PROP_SINKS:
      g_value_set_boxed (value, self->sinks);
      break;

    case PROP_SERIALIZE_IN_FLUSH:
      g_value_set_boolean (value, self->serialize_in_flush);
      break;

    case PROP_SINK_WRITE_TIMEOUT_SECONDS:
      g_value_set_double (value, self->sink_write_timeout_seconds);
      break;

    case PROP_SINK_BACKLOG_SIZE:
      g_value_set_uint (value, self->sink_backlog_size);
      break;

    case PROP_INTERNAL_LOGGING_ENABLED:
      g_value_set_boolean (value, self->internal_logging_enabled);
      break;

    case PROP_SHUTDOWN_TIMEOUT_SECONDS:
      g_value_set_double (value, self->shutdown_timeout_seconds);
      break;

    case PROP_ATEXIT_DRAIN_ENABLED:
      g_value_set_boolean (value, self->atexit_drain_enabled);
      break;

    case PROP_ATEXIT_DRAIN_TIMEOUT_SECONDS:
      g_value_set_double (value, self->atexit_drain_timeout_seconds);
      break;

    case PROP_SERVICE:
      g_value_set_string (value, self->service);
      break;

    case PROP_ENV:
      g_value_set_string (value, self->env);
      break;

    case PROP_VERSION:
      g_value_set_string (value, self->version);
      break;

    case PROP_FILE_DIRECTORY:
      g_value_set_string (value, self->file_directory);
      break;

    case PROP_FILE_FILENAME_PREFIX:
      g_value_set_string (value, self->file_filename_prefix);
      break;

    case PROP_FILE_MODE:
      g_value_set_enum (value, self->file_format);
      break;

    case PROP_FILE_MAX_BYTES:
      g_value_set_uint64 (value, self->file_max_bytes);
      break;

    case PROP_FILE_INTERVAL_SECONDS:
      g_value_set_double (value, self->file_interval_seconds);
      break;

    case PROP_FILE_MAX_FILES:
      g_value_set_uint (value, self->file_max_files);
      break;

    case PROP_FILE_MAX_TOTAL_BYTES:
      g_value_set_uint64 (value, self->file_max_total_bytes);
      break;

    case PROP_FILE_COMPRESS_ROTATED:
      g_value_set_boolean (value, self->file_compress_rotated);
      break;

    case PROP_FILE_FILE_MODE:
      g_value_set_uint (value, self->file_file_mode);
      break;

    case PROP_FILE_FSYNC:
      g_value_set_enum (value, self->file_fsync);
      break;

    case PROP_HTTP_ENDPOINT:
      g_value_set_string (value, self->http_endpoint);
      break;

    case PROP_HTTP_HEADERS:
      g_value_set_string (value, self->http_headers.json);
      break;

    case PROP_HTTP_TIMEOUT_SECONDS:
      g_value_set_double (value, self->http_timeout_seconds);
      break;

    case PROP_HTTP_RETRY_MAX_ATTEMPTS:
      g_value_set_uint (value, self->http_retry_max_attempts);
      break;

    case PROP_HTTP_RETRY_BACKOFF_SECONDS:
      g_value_set_double (value, self->http_retry_backoff_seconds);
      break;

    case PROP_HTTP_RETRY_MAX_BACKOFF_SECONDS:
      g_value_set_double (value, self->http_retry_max_backoff_seconds);
      break;

    case PROP_HTTP_BATCH_SIZE:
      g_value_set_uint (value, self->http_batch_size);
      break;

    case PROP_HTTP_BATCH_TIMEOUT_SECONDS:
      g_value_set_double (value, self->http_batch_timeout_seconds);
      break;

    case PROP_HTTP_BATCH_MAX_BYTES:
      g_value_set_uint64 (value, self->http_batch_max_bytes);
      break;

    case PROP_HTTP_BATCH_FORMAT:
      g_value_set_enum (value, self->http_batch_format);
      break;

    case PROP_HTTP_BATCH_WRAPPER_KEY:
      g_value_set_string (value, self->http_batch_wrapper_key);
      break;

    case PROP_HTTP_COMPRESSION:
      g_value_set_enum (value, self->http_compression);
      break;

    case PROP_HTTP_TLS_CA_FILE:
      g_value_set_string (value, self->http_tls_ca_file);
      break;

    case PROP_HTTP_MAX_PENDING_BYTES:
      g_value_set_uint64 (value, self->http_max_pending_bytes);
      break;

    case PROP_WEBHOOK_ENDPOINT:
      g_value_set_string (value, self->webhook_endpoint);
      break;

    /* PROP_WEBHOOK_SECRET is write-only: GObject refuses to read it
     * before getting here, and it must never be returned. */

    case PROP_WEBHOOK_HEADERS:
      g_value_set_string (value, self->webhook_headers.json);
      break;

    case PROP_WEBHOOK_TIMEOUT_SECONDS:
      g_value_set_double (value, self->webhook_timeout_seconds);
      break;

    case PROP_WEBHOOK_RETRY_MAX_ATTEMPTS:
      g_value_set_uint (value, self->webhook_retry_max_attempts);
      break;

    case PROP_WEBHOOK_RETRY_BACKOFF_SECONDS:
      g_value_set_double (value, self->webhook_retry_backoff_seconds);
      break;

    case PROP_WEBHOOK_RETRY_MAX_BACKOFF_SECONDS:
      g_value_set_double (value, self->webhook_retry_max_backoff_seconds);
      break;

    case PROP_WEBHOOK_BATCH_SIZE:
      g_value_set_uint (value, self->webhook_batch_size);
      break;

    case PROP_WEBHOOK_BATCH_TIMEOUT_SECONDS:
      g_value_set_double (value, self->webhook_batch_timeout_seconds);
      break;

    case PROP_WEBHOOK_MAX_PENDING_BYTES:
      g_value_set_uint64 (value, self->webhook_max_pending_bytes);
      break;

    case PROP_WEBHOOK_TLS_CA_FILE:
      g_value_set_string (value, self->webhook_tls_ca_file);
      break;

    case PROP_MMAP_PATH:
      g_value_set_string (value, self->mmap_path);
      break;

    case PROP_MMAP_INITIAL_SIZE:
      g_value_set_uint64 (value, self->mmap_initial_size);
      break;

    case PROP_MMAP_GROWTH_FACTOR:
      g_value_set_double (value, self->mmap_growth_factor);
      break;

    case PROP_MMAP_GROWTH_MIN_BYTES:
      g_value_set_uint64 (value, self->mmap_growth_min_bytes);
      break;

    case PROP_MMAP_MAX_SIZE:
      g_value_set_uint64 (value, self->mmap_max_size);
      break;

    case PROP_MMAP_SYNC_MODE:
      g_value_set_enum (value, self->mmap_sync_mode);
      break;

    case PROP_MMAP_SYNC_INTERVAL_MS:
      g_value_set_uint (value, self->mmap_sync_interval_ms);
      break;

    case PROP_MMAP_SYNC_EVERY_BYTES:
      g_value_set_uint64 (value, self->mmap_sync_every_bytes);
      break;

    case PROP_MMAP_FLUSH_ON_CLOSE:
      g_value_set_boolean (value, self->mmap_flush_on_close);
      break;

    case PROP_MMAP_FILE_MODE:
      g_value_set_uint (value, self->mmap_file_mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_settings_finalize (GObject *object)
{
  FapilogSettings *self = FAPILOG_SETTINGS (object);

  g_clear_pointer (&self->sinks, g_strfreev);
  g_clear_pointer (&self->service, g_free);
  g_clear_pointer (&self->env, g_free);
  g_clear_pointer (&self->version, g_free);
  g_clear_pointer (&self->file_directory, g_free);
  g_clear_pointer (&self->file_filename_prefix, g_free);
  g_clear_pointer (&self->http_endpoint, g_free);
  headers_clear (&self->http_headers);
  g_clear_pointer (&self->http_batch_wrapper_key, g_free);
  g_clear_pointer (&self->http_tls_ca_file, g_free);
  g_clear_pointer (&self->webhook_endpoint, g_free);
  g_clear_pointer (&self->webhook_secret, free_secret);
  headers_clear (&self->webhook_headers);
  g_clear_pointer (&self->webhook_tls_ca_file, g_free);
  g_clear_pointer (&self->mmap_path, g_free);
  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    if (self->layers[prop_id] != NULL)
      {
        for (guint source = 0; source < N_SOURCES; source++)
          clear_layer_value (prop_id, &self->layers[prop_id][source]);
        g_free (self->layers[prop_id]);
      }
  g_clear_pointer (&self->layers, g_free);
  g_clear_pointer (&self->preset, g_free);
  g_clear_object (&self->gsettings);

  G_OBJECT_CLASS (fapilog_settings_parent_class)->finalize (object);
}

static void
fapilog_settings_class_init (FapilogSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->set_property = fapilog_settings_set_property;
  object_class->get_property = fapilog_settings_get_property;
  object_class->finalize = fapilog_settings_finalize;

  /**
   * FapilogSettings:log-level:
   *
   * The minimum level an entry needs to pass the level gate; entries below
   * it are discarded on the calling thread and not counted.
   *
   * Default: %FAPILOG_LEVEL_INFO. Environment: `FAPILOG_CORE__LOG_LEVEL`
   * (`DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`, `AUDIT`, `SECURITY`;
   * also `WARN` and `FATAL`; case-insensitive).
   *
   * Since: 1.0
   */
  properties[PROP_LOG_LEVEL] =
    g_param_spec_enum ("log-level", NULL, NULL,
                       FAPILOG_TYPE_LEVEL, FAPILOG_LEVEL_INFO, flags);

  /**
   * FapilogSettings:max-queue-size:
   *
   * How many entries the queue between the callers and the worker holds;
   * what happens when it is full is the
   * [property@Fapilog.Settings:overflow-policy].
   *
   * Default: 10000, from 1 to 1000000000.
   * Environment: `FAPILOG_CORE__MAX_QUEUE_SIZE`.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_QUEUE_SIZE] =
    g_param_spec_uint ("max-queue-size", NULL, NULL,
                       1, MAX_QUEUE_SIZE, 10000, flags);

  /**
   * FapilogSettings:protected-queue-size:
   *
   * Room reserved in the queue for entries of the
   * [property@Fapilog.Settings:protected-levels], so that a flood of
   * ordinary entries cannot crowd out errors and audit records. 0 means
   * max(100, [property@Fapilog.Settings:max-queue-size] / 10).
   *
   * Default: 0 (automatic), at most 1000000000.
   * Environment: `FAPILOG_CORE__PROTECTED_QUEUE_SIZE`.
   *
   * Since: 1.0
   */
  properties[PROP_PROTECTED_QUEUE_SIZE] =
    g_param_spec_uint ("protected-queue-size", NULL, NULL,
                       0, MAX_QUEUE_SIZE, 0, flags);

  /**
   * FapilogSettings:protected-levels:
   *
   * The levels whose entries use the protected share of the queue and are
   * never evicted by %FAPILOG_OVERFLOW_DROP_OLDEST. Reading gives the
   * canonical upper-case names in level order; when setting, names are
   * case-insensitive (`WARN` and `FATAL` are accepted as aliases), unknown
   * names are ignored, and %NULL or an empty list protects no level.
   *
   * Default: `ERROR`, `CRITICAL`, `AUDIT`, `SECURITY`.
   * Environment: `FAPILOG_CORE__PROTECTED_LEVELS` (a JSON list or a
   * comma-separated list; `[]` protects nothing).
   *
   * Since: 1.0
   */
  properties[PROP_PROTECTED_LEVELS] =
    g_param_spec_boxed ("protected-levels", NULL, NULL,
                        G_TYPE_STRV, flags);

  /**
   * FapilogSettings:batch-max-size:
   *
   * The worker hands at most this many entries to the sinks at once.
   *
   * Default: 256, from 1 to 1000000.
   * Environment: `FAPILOG_CORE__BATCH_MAX_SIZE`.
   *
   * Since: 1.0
   */
  properties[PROP_BATCH_MAX_SIZE] =
    g_param_spec_uint ("batch-max-size", NULL, NULL,
                       1, MAX_BATCH_SIZE, 256, flags);

  /**
   * FapilogSettings:batch-timeout-seconds:
   *
   * How long the worker waits for a batch to fill before it hands over
   * what it has.
   *
   * Default: 0.25, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_CORE__BATCH_TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_BATCH_TIMEOUT_SECONDS] =
    g_param_spec_double ("batch-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 0.25, flags);

  /**
   * FapilogSettings:overflow-policy:
   *
   * What happens to an entry that finds the queue full.
   *
   * Default: %FAPILOG_OVERFLOW_DROP_NEWEST.
   * Environment: `FAPILOG_CORE__OVERFLOW_POLICY` (`block`, `drop_newest`,
   * `drop_oldest`), or the upstream alias `FAPILOG_CORE__DROP_ON_FULL`
   * (`true` = `drop_newest`, `false` = `block`).
   *
   * Since: 1.0
   */
  properties[PROP_OVERFLOW_POLICY] =
    g_param_spec_enum ("overflow-policy", NULL, NULL,
                       FAPILOG_TYPE_OVERFLOW_POLICY, FAPILOG_OVERFLOW_DROP_NEWEST, flags);

  /**
   * FapilogSettings:backpressure-wait-ms:
   *
   * With %FAPILOG_OVERFLOW_BLOCK, how many milliseconds a caller waits for
   * room in a full queue before its entry is dropped; -1 waits as long as
   * it takes (lossless).
   *
   * Default: 50, from -1.
   * Environment: `FAPILOG_CORE__BACKPRESSURE_WAIT_MS` (a whole number).
   *
   * Since: 1.0
   */
  properties[PROP_BACKPRESSURE_WAIT_MS] =
    g_param_spec_int ("backpressure-wait-ms", NULL, NULL,
                      -1, G_MAXINT, 50, flags);

  /**
   * FapilogSettings:sinks:
   *
   * Names of the sinks a pipeline created from these settings writes to,
   * looked up in the sink registry. Names are normalized when set
   * (`Stdout-JSON` becomes `stdout_json`); %NULL or an empty list chooses
   * the default: `http` if [property@Fapilog.Settings:http-endpoint] is set,
   * else `rotating_file` if [property@Fapilog.Settings:file-directory] is
   * set, else stdout.
   *
   * Default: %NULL.
   * Environment: `FAPILOG_CORE__SINKS` (a JSON list or a comma-separated
   * list).
   *
   * Since: 1.0
   */
  properties[PROP_SINKS] =
    g_param_spec_boxed ("sinks", NULL, NULL,
                        G_TYPE_STRV, flags);

  /**
   * FapilogSettings:serialize-in-flush:
   *
   * For a sink without `write_batch` that has both `write_serialized` and
   * `write`: whether it gets the pre-serialized bytes (`write_serialized`,
   * the default) or the entries (`write`). Every batch is serialized once
   * either way; a sink with only one of the two methods always gets that
   * one.
   *
   * Default: %TRUE. Environment: `FAPILOG_CORE__SERIALIZE_IN_FLUSH`.
   *
   * Since: 1.0
   */
  properties[PROP_SERIALIZE_IN_FLUSH] =
    g_param_spec_boolean ("serialize-in-flush", NULL, NULL,
                          TRUE, flags);

  /**
   * FapilogSettings:sink-write-timeout-seconds:
   *
   * A sink write that has not completed after this long is counted as
   * failed and its late completion ignored.
   *
   * Default: 30, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_SINK_WRITE_TIMEOUT_SECONDS] =
    g_param_spec_double ("sink-write-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 30.0, flags);

  /**
   * FapilogSettings:sink-backlog-size:
   *
   * How many entries may wait for one slow sink before further batches are
   * failed for that sink only (counted, and written to the stderr
   * fallback). 0 means [property@Fapilog.Settings:max-queue-size].
   *
   * Under the `block` overflow policy the worker waits for the slow sink
   * instead, so the backpressure reaches the callers and nothing is failed
   * for lack of room; the other sinks then wait too.
   *
   * Default: 0 (automatic), at most 1000000000.
   * Environment: `FAPILOG_CORE__SINK_BACKLOG_SIZE`.
   *
   * Since: 1.0
   */
  properties[PROP_SINK_BACKLOG_SIZE] =
    g_param_spec_uint ("sink-backlog-size", NULL, NULL,
                       0, MAX_QUEUE_SIZE, 0, flags);

  /**
   * FapilogSettings:internal-logging-enabled:
   *
   * Whether fapilog reports its own problems (drops, sink failures) as
   * rate-limited JSON lines on stderr.
   *
   * Default: %TRUE. Environment: `FAPILOG_CORE__INTERNAL_LOGGING_ENABLED`.
   *
   * Since: 1.0
   */
  properties[PROP_INTERNAL_LOGGING_ENABLED] =
    g_param_spec_boolean ("internal-logging-enabled", NULL, NULL,
                          TRUE, flags);

  /**
   * FapilogSettings:shutdown-timeout-seconds:
   *
   * How long fapilog_shutdown() waits for the default pipeline to drain.
   *
   * Default: 3, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_SHUTDOWN_TIMEOUT_SECONDS] =
    g_param_spec_double ("shutdown-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 3.0, flags);

  /**
   * FapilogSettings:atexit-drain-enabled:
   *
   * Whether the default pipeline drains queued entries when the process
   * exits normally.
   *
   * Default: %TRUE. Environment: `FAPILOG_CORE__ATEXIT_DRAIN_ENABLED`.
   *
   * Since: 1.0
   */
  properties[PROP_ATEXIT_DRAIN_ENABLED] =
    g_param_spec_boolean ("atexit-drain-enabled", NULL, NULL,
                          TRUE, flags);

  /**
   * FapilogSettings:atexit-drain-timeout-seconds:
   *
   * How long the drain at process exit may take.
   *
   * Default: 2, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_ATEXIT_DRAIN_TIMEOUT_SECONDS] =
    g_param_spec_double ("atexit-drain-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 2.0, flags);

  /**
   * FapilogSettings:service:
   *
   * The service name written to `diagnostics.service` of every entry.
   * Setting %NULL restores the default.
   *
   * Default: `fapilog`. Environment: `FAPILOG_SERVICE`.
   *
   * Since: 1.0
   */
  properties[PROP_SERVICE] =
    g_param_spec_string ("service", NULL, NULL,
                         DEFAULT_SERVICE, flags);

  /**
   * FapilogSettings:env:
   *
   * The deployment environment written to `diagnostics.env` of every
   * entry. Setting %NULL restores the default.
   *
   * Default: `dev`. Environment: `FAPILOG_ENV`, else `ENV`.
   *
   * Since: 1.0
   */
  properties[PROP_ENV] =
    g_param_spec_string ("env", NULL, NULL,
                         DEFAULT_ENV, flags);

  /**
   * FapilogSettings:version:
   *
   * The application version written to `diagnostics.version` of every
   * entry; %NULL leaves it out.
   *
   * Default: %NULL. Environment: `FAPILOG_VERSION`.
   *
   * Since: 1.0
   */
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:file-directory:
   *
   * The directory of the rotating file sink. When
   * [property@Fapilog.Settings:sinks] is empty and no HTTP endpoint is set,
   * setting it selects the rotating file sink.
   *
   * Default: %NULL. Environment: `FAPILOG_FILE__DIRECTORY`.
   *
   * Since: 1.0
   */
  properties[PROP_FILE_DIRECTORY] =
    g_param_spec_string ("file-directory", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:file-filename-prefix:
   *
   * How the names of the rotating file sink's files begin:
   * `PREFIX-YYYYMMDD-HHMMSS.jsonl`. Retention only ever deletes files
   * whose names start with `PREFIX-`. Setting %NULL restores the default;
   * an empty prefix or one containing `/` is refused with a warning and
   * the current value kept.
   *
   * Default: `fapilog`. Environment: `FAPILOG_FILE__FILENAME_PREFIX` (any
   * text that is not empty and has no `/`; an empty value is an error).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_FILENAME_PREFIX] =
    g_param_spec_string ("file-filename-prefix", NULL, NULL,
                         DEFAULT_FILE_FILENAME_PREFIX, flags);

  /**
   * FapilogSettings:file-mode:
   *
   * What the rotating file sink writes: one JSON envelope per line in
   * `.jsonl` files, or `timestamp level logger message key=value…` lines
   * in `.log` files. (The file's permission bits are
   * [property@Fapilog.Settings:file-file-mode].)
   *
   * Default: %FAPILOG_FILE_FORMAT_JSON.
   * Environment: `FAPILOG_FILE__MODE` (`json` or `text`, case-insensitive;
   * anything else is an error, where the original library wrote text).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_MODE] =
    g_param_spec_enum ("file-mode", NULL, NULL,
                       FAPILOG_TYPE_FILE_FORMAT, FAPILOG_FILE_FORMAT_JSON, flags);

  /**
   * FapilogSettings:file-max-bytes:
   *
   * The size in bytes at which the rotating file sink starts a new file:
   * it rotates before a write that would take the file past it. 0
   * disables rotation by size.
   *
   * Default: 10485760 (10 MiB).
   * Environment: `FAPILOG_FILE__MAX_BYTES` (a size: `10485760`, `10 MB`,
   * `10MiB`).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_MAX_BYTES] =
    g_param_spec_uint64 ("file-max-bytes", NULL, NULL,
                         0, G_MAXUINT64, DEFAULT_FILE_MAX_BYTES, flags);

  /**
   * FapilogSettings:file-interval-seconds:
   *
   * The rotating file sink also starts a new file at every multiple of
   * this many seconds since 1970-01-01 00:00 UTC (86400: at midnight UTC).
   * 0 disables rotation by time.
   *
   * Default: 0, at most 31536000 (a year).
   * Environment: `FAPILOG_FILE__INTERVAL_SECONDS` (a duration from 1ms to
   * 365d, `hourly`, `daily`, `weekly`, or `0`).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_INTERVAL_SECONDS] =
    g_param_spec_double ("file-interval-seconds", NULL, NULL,
                         0.0, MAX_INTERVAL_SECONDS, 0.0, flags);

  /**
   * FapilogSettings:file-max-files:
   *
   * How many rotated files the rotating file sink keeps (the file being
   * written is not counted); the oldest are deleted first. 0 keeps any
   * number.
   *
   * Default: 0 (no limit). Environment: `FAPILOG_FILE__MAX_FILES`.
   *
   * Since: 1.0
   */
  properties[PROP_FILE_MAX_FILES] =
    g_param_spec_uint ("file-max-files", NULL, NULL,
                       0, G_MAXUINT, 0, flags);

  /**
   * FapilogSettings:file-max-total-bytes:
   *
   * How many bytes the rotated files of the rotating file sink may take
   * together (the file being written is not counted); the oldest are
   * deleted first. 0 means no limit.
   *
   * Default: 0 (no limit).
   * Environment: `FAPILOG_FILE__MAX_TOTAL_BYTES` (a size).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_MAX_TOTAL_BYTES] =
    g_param_spec_uint64 ("file-max-total-bytes", NULL, NULL,
                         0, G_MAXUINT64, 0, flags);

  /**
   * FapilogSettings:file-compress-rotated:
   *
   * Whether the rotating file sink compresses each file it rotates out
   * with gzip (`.jsonl.gz`), off the write path.
   *
   * Default: %FALSE. Environment: `FAPILOG_FILE__COMPRESS_ROTATED`.
   *
   * Since: 1.0
   */
  properties[PROP_FILE_COMPRESS_ROTATED] =
    g_param_spec_boolean ("file-compress-rotated", NULL, NULL,
                          FALSE, flags);

  /**
   * FapilogSettings:file-file-mode:
   *
   * The permission bits the rotating file sink gives its files, exactly:
   * the umask does not reduce them. (What it writes into them is
   * [property@Fapilog.Settings:file-mode].)
   *
   * Default: 0640 (416), from 0 to 0777.
   * Environment: `FAPILOG_FILE__FILE_MODE` (octal: `0640` or `640`).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_FILE_MODE] =
    g_param_spec_uint ("file-file-mode", NULL, NULL,
                       0, 0777, DEFAULT_FILE_FILE_MODE, flags);

  /**
   * FapilogSettings:file-fsync:
   *
   * When the rotating file sink forces its data to stable storage.
   *
   * Default: %FAPILOG_FSYNC_ROTATE.
   * Environment: `FAPILOG_FILE__FSYNC` (`never`, `rotate`, `batch`).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_FSYNC] =
    g_param_spec_enum ("file-fsync", NULL, NULL,
                       FAPILOG_TYPE_FSYNC_POLICY, FAPILOG_FSYNC_ROTATE, flags);

  /**
   * FapilogSettings:http-endpoint:
   *
   * The URL the HTTP sink posts to. When [property@Fapilog.Settings:sinks]
   * is empty, setting it selects the HTTP sink.
   *
   * Default: %NULL. Environment: `FAPILOG_HTTP__ENDPOINT`.
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_ENDPOINT] =
    g_param_spec_string ("http-endpoint", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:http-headers:
   *
   * Headers the HTTP sink sends with every request, as a JSON object of
   * header names to string values: `{"Authorization":"Bearer …"}`. Names
   * must be HTTP tokens and unique ignoring case; values must be strings
   * without line breaks or other control characters (tab is allowed).
   * Reading gives the object in compact form, or %NULL when there are no
   * headers; an empty object or %NULL sets none. Invalid JSON from code is
   * refused with a warning and the current value kept.
   *
   * Header values often hold credentials: no error message, warning or
   * diagnostic ever shows them, only the name of an offending header.
   *
   * Default: %NULL. Environment: `FAPILOG_HTTP__HEADERS`.
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_HEADERS] =
    g_param_spec_string ("http-headers", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:http-timeout-seconds:
   *
   * How long one request of the HTTP sink may take, from connecting to
   * the last byte of the response; a request that takes longer fails and
   * is retried like a transport error.
   *
   * Default: 5, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_HTTP__TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_TIMEOUT_SECONDS] =
    g_param_spec_double ("http-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 5.0, flags);

  /**
   * FapilogSettings:http-retry-max-attempts:
   *
   * How many times the HTTP sink tries to deliver one request in all (1
   * means no retry). Transport errors, timeouts and the statuses 408,
   * 429, 500, 502, 503 and 504 are retried; other failures are not.
   *
   * Default: 3, from 1 to 1000.
   * Environment: `FAPILOG_HTTP__RETRY_MAX_ATTEMPTS`.
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_RETRY_MAX_ATTEMPTS] =
    g_param_spec_uint ("http-retry-max-attempts", NULL, NULL,
                       1, MAX_RETRY_ATTEMPTS, 3, flags);

  /**
   * FapilogSettings:http-retry-backoff-seconds:
   *
   * The base of the HTTP sink's exponential backoff: the wait before a
   * retry is random (full jitter), up to this doubled at every attempt and
   * never more than [property@Fapilog.Settings:http-retry-max-backoff-seconds].
   *
   * Default: 1, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_HTTP__RETRY_BACKOFF_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_RETRY_BACKOFF_SECONDS] =
    g_param_spec_double ("http-retry-backoff-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 1.0, flags);

  /**
   * FapilogSettings:http-retry-max-backoff-seconds:
   *
   * The longest the HTTP sink waits before one retry, also when the
   * server asks for more with `Retry-After`.
   *
   * Default: 30, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_RETRY_MAX_BACKOFF_SECONDS] =
    g_param_spec_double ("http-retry-max-backoff-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 30.0, flags);

  /**
   * FapilogSettings:http-batch-size:
   *
   * How many entries the HTTP sink puts in one request at most.
   *
   * Default: 100, from 1 to 1000000.
   * Environment: `FAPILOG_HTTP__BATCH_SIZE`.
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_BATCH_SIZE] =
    g_param_spec_uint ("http-batch-size", NULL, NULL,
                       1, MAX_BATCH_SIZE, 100, flags);

  /**
   * FapilogSettings:http-batch-timeout-seconds:
   *
   * How long an entry may wait in the HTTP sink for its request to fill
   * before the request is sent as it is. Never 0: that would be a busy
   * loop.
   *
   * Default: 5, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_BATCH_TIMEOUT_SECONDS] =
    g_param_spec_double ("http-batch-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 5.0, flags);

  /**
   * FapilogSettings:http-batch-max-bytes:
   *
   * The largest body (before compression) the HTTP sink builds: a request
   * that would grow past it is sent first and the entry starts the next
   * one. An entry larger than this on its own is sent alone.
   *
   * Default: 1048576 (1 MiB), at least 1.
   * Environment: `FAPILOG_HTTP__BATCH_MAX_BYTES` (a size).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_BATCH_MAX_BYTES] =
    g_param_spec_uint64 ("http-batch-max-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_HTTP_BATCH_MAX_BYTES, flags);

  /**
   * FapilogSettings:http-batch-format:
   *
   * How the HTTP sink lays out the entries of one request body.
   *
   * Default: %FAPILOG_HTTP_BATCH_FORMAT_ARRAY.
   * Environment: `FAPILOG_HTTP__BATCH_FORMAT` (`array`, `ndjson`,
   * `wrapped`).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_BATCH_FORMAT] =
    g_param_spec_enum ("http-batch-format", NULL, NULL,
                       FAPILOG_TYPE_HTTP_BATCH_FORMAT, FAPILOG_HTTP_BATCH_FORMAT_ARRAY, flags);

  /**
   * FapilogSettings:http-batch-wrapper-key:
   *
   * With %FAPILOG_HTTP_BATCH_FORMAT_WRAPPED, the name of the member that
   * holds the array of entries: `{"logs":[…]}`. Setting %NULL restores
   * the default; an empty key is refused with a warning and the current
   * value kept.
   *
   * Default: `logs`. Environment: `FAPILOG_HTTP__BATCH_WRAPPER_KEY` (any
   * text that is not empty; an empty value is an error).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_BATCH_WRAPPER_KEY] =
    g_param_spec_string ("http-batch-wrapper-key", NULL, NULL,
                         DEFAULT_HTTP_BATCH_WRAPPER_KEY, flags);

  /**
   * FapilogSettings:http-compression:
   *
   * Whether the HTTP sink compresses request bodies.
   *
   * Default: %FAPILOG_HTTP_COMPRESSION_NONE.
   * Environment: `FAPILOG_HTTP__COMPRESSION` (`none`, `gzip`).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_COMPRESSION] =
    g_param_spec_enum ("http-compression", NULL, NULL,
                       FAPILOG_TYPE_HTTP_COMPRESSION, FAPILOG_HTTP_COMPRESSION_NONE, flags);

  /**
   * FapilogSettings:http-tls-ca-file:
   *
   * A PEM file of the certificate authorities the HTTP sink trusts for
   * `https://` endpoints instead of the system's; %NULL uses the system's.
   * Certificates are always verified.
   *
   * Default: %NULL. Environment: `FAPILOG_HTTP__TLS_CA_FILE`.
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_TLS_CA_FILE] =
    g_param_spec_string ("http-tls-ca-file", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:http-max-pending-bytes:
   *
   * How many bytes of request bodies the HTTP sink may hold for sending
   * and retrying. Past it the oldest pending request fails (its entries
   * are counted as failed and go to the fallback), so that memory stays
   * bounded while the endpoint is down.
   *
   * Default: 16777216 (16 MiB), at least 1.
   * Environment: `FAPILOG_HTTP__MAX_PENDING_BYTES` (a size).
   *
   * Since: 1.0
   */
  properties[PROP_HTTP_MAX_PENDING_BYTES] =
    g_param_spec_uint64 ("http-max-pending-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MAX_PENDING_BYTES, flags);

  /**
   * FapilogSettings:webhook-endpoint:
   *
   * The URL the webhook sink posts to. The webhook sink is used only when
   * [property@Fapilog.Settings:sinks] names it (`webhook`).
   *
   * Default: %NULL. Environment: `FAPILOG_WEBHOOK__ENDPOINT`.
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_ENDPOINT] =
    g_param_spec_string ("webhook-endpoint", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:webhook-secret:
   *
   * The key with which the webhook sink signs each request (HMAC-SHA256
   * in `X-Fapilog-Signature-256`); %NULL or empty sends requests unsigned.
   * The secret itself is never sent.
   *
   * The property is write-only: it cannot be read back, and it is never
   * shown in an error message, a diagnostic or a dump of the settings.
   * Its memory is overwritten when it is replaced or the settings are
   * finalized. Set it from the environment, or fetch it from a secret
   * store (such as libsecret) in the application and set it here.
   *
   * Default: %NULL. Environment: `FAPILOG_WEBHOOK__SECRET`.
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_SECRET] =
    g_param_spec_string ("webhook-secret", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * FapilogSettings:webhook-headers:
   *
   * Headers the webhook sink sends with every request, as a JSON object of
   * header names to string values, with the rules of
   * [property@Fapilog.Settings:http-headers]. Values are never shown in
   * messages.
   *
   * Default: %NULL. Environment: `FAPILOG_WEBHOOK__HEADERS`.
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_HEADERS] =
    g_param_spec_string ("webhook-headers", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:webhook-timeout-seconds:
   *
   * How long one request of the webhook sink may take.
   *
   * Default: 5, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_WEBHOOK__TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_TIMEOUT_SECONDS] =
    g_param_spec_double ("webhook-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 5.0, flags);

  /**
   * FapilogSettings:webhook-retry-max-attempts:
   *
   * How many times the webhook sink tries to deliver one request in all,
   * as [property@Fapilog.Settings:http-retry-max-attempts].
   *
   * Default: 3, from 1 to 1000.
   * Environment: `FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS`.
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_RETRY_MAX_ATTEMPTS] =
    g_param_spec_uint ("webhook-retry-max-attempts", NULL, NULL,
                       1, MAX_RETRY_ATTEMPTS, 3, flags);

  /**
   * FapilogSettings:webhook-retry-backoff-seconds:
   *
   * The base of the webhook sink's exponential backoff, as
   * [property@Fapilog.Settings:http-retry-backoff-seconds].
   *
   * Default: 1, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_RETRY_BACKOFF_SECONDS] =
    g_param_spec_double ("webhook-retry-backoff-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 1.0, flags);

  /**
   * FapilogSettings:webhook-retry-max-backoff-seconds:
   *
   * The longest the webhook sink waits before one retry, `Retry-After`
   * included.
   *
   * Default: 30, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_RETRY_MAX_BACKOFF_SECONDS] =
    g_param_spec_double ("webhook-retry-max-backoff-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 30.0, flags);

  /**
   * FapilogSettings:webhook-batch-size:
   *
   * How many entries the webhook sink puts in one request at most. With 1
   * the body is the entry object itself; otherwise it is a JSON array.
   *
   * Default: 1, from 1 to 1000000.
   * Environment: `FAPILOG_WEBHOOK__BATCH_SIZE`.
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_BATCH_SIZE] =
    g_param_spec_uint ("webhook-batch-size", NULL, NULL,
                       1, MAX_BATCH_SIZE, 1, flags);

  /**
   * FapilogSettings:webhook-batch-timeout-seconds:
   *
   * How long an entry may wait in the webhook sink for its request to
   * fill. Never 0.
   *
   * Default: 5, from 0.001 to 31536000 (a year).
   * Environment: `FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS` (a duration).
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_BATCH_TIMEOUT_SECONDS] =
    g_param_spec_double ("webhook-batch-timeout-seconds", NULL, NULL,
                         MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, 5.0, flags);

  /**
   * FapilogSettings:webhook-max-pending-bytes:
   *
   * How many bytes of request bodies the webhook sink may hold for sending
   * and retrying, as [property@Fapilog.Settings:http-max-pending-bytes].
   *
   * Default: 16777216 (16 MiB), at least 1.
   * Environment: `FAPILOG_WEBHOOK__MAX_PENDING_BYTES` (a size).
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_MAX_PENDING_BYTES] =
    g_param_spec_uint64 ("webhook-max-pending-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MAX_PENDING_BYTES, flags);

  /**
   * FapilogSettings:webhook-tls-ca-file:
   *
   * A PEM file of the certificate authorities the webhook sink trusts for
   * `https://` endpoints instead of the system's; %NULL uses the system's.
   *
   * Default: %NULL. Environment: `FAPILOG_WEBHOOK__TLS_CA_FILE`.
   *
   * Since: 1.0
   */
  properties[PROP_WEBHOOK_TLS_CA_FILE] =
    g_param_spec_string ("webhook-tls-ca-file", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:mmap-path:
   *
   * The file the `mmap_file` sink appends to; required by that sink. It
   * selects no sink by itself: name `mmap_file` in
   * [property@Fapilog.Settings:sinks].
   *
   * Default: %NULL. Environment: `FAPILOG_MMAP__PATH`.
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_PATH] =
    g_param_spec_string ("mmap-path", NULL, NULL,
                         NULL, flags);

  /**
   * FapilogSettings:mmap-initial-size:
   *
   * The size the `mmap_file` sink gives its file (and mapping) at start
   * when the file holds fewer bytes of lines than that; a longer file gets
   * [property@Fapilog.Settings:mmap-growth-min-bytes] of room past its
   * lines.
   *
   * Default: 1048576 (1 MiB), from 1 to 2^63 - 1.
   * Environment: `FAPILOG_MMAP__INITIAL_SIZE` (a size).
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_INITIAL_SIZE] =
    g_param_spec_uint64 ("mmap-initial-size", NULL, NULL,
                         1, MAX_MMAP_SIZE, DEFAULT_MMAP_INITIAL_SIZE, flags);

  /**
   * FapilogSettings:mmap-growth-factor:
   *
   * How the `mmap_file` sink's file and mapping grow when a batch does not
   * fit: to this many times their size, or by
   * [property@Fapilog.Settings:mmap-growth-min-bytes] if that is more, or
   * to what the batch needs if that is more still; never past
   * [property@Fapilog.Settings:mmap-max-size].
   *
   * Default: 2, from 1 (growth by growth-min-bytes alone) to 1024.
   * Environment: `FAPILOG_MMAP__GROWTH_FACTOR` (a number greater than 1).
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_GROWTH_FACTOR] =
    g_param_spec_double ("mmap-growth-factor", NULL, NULL,
                         MIN_MMAP_GROWTH_FACTOR, MAX_MMAP_GROWTH_FACTOR,
                         DEFAULT_MMAP_GROWTH_FACTOR, flags);

  /**
   * FapilogSettings:mmap-growth-min-bytes:
   *
   * The least the `mmap_file` sink's mapping grows by at once, so that a
   * small file does not grow a page at a time.
   *
   * Default: 1048576 (1 MiB), from 1 to 2^63 - 1.
   * Environment: `FAPILOG_MMAP__GROWTH_MIN_BYTES` (a size).
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_GROWTH_MIN_BYTES] =
    g_param_spec_uint64 ("mmap-growth-min-bytes", NULL, NULL,
                         1, MAX_MMAP_SIZE, DEFAULT_MMAP_GROWTH_MIN_BYTES, flags);

  /**
   * FapilogSettings:mmap-max-size:
   *
   * The largest the `mmap_file` sink's file may become. A batch that does
   * not fit fails as a whole (its entries are counted as failed and go to
   * the fallback) and nothing of it is written. 0 means no limit.
   *
   * Default: 0, at most 2^63 - 1. Environment: `FAPILOG_MMAP__MAX_SIZE`
   * (a size).
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_MAX_SIZE] =
    g_param_spec_uint64 ("mmap-max-size", NULL, NULL,
                         0, MAX_MMAP_SIZE, 0, flags);

  /**
   * FapilogSettings:mmap-sync-mode:
   *
   * When the `mmap_file` sink forces its data to stable storage. Every
   * mode keeps what was appended across a crash of the process; the mode
   * decides what a crash of the machine may lose.
   *
   * Default: %FAPILOG_MMAP_SYNC_NONE.
   * Environment: `FAPILOG_MMAP__SYNC_MODE` (`none`, `interval`, `bytes`,
   * `always`).
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_SYNC_MODE] =
    g_param_spec_enum ("mmap-sync-mode", NULL, NULL,
                       FAPILOG_TYPE_MMAP_SYNC_MODE, DEFAULT_MMAP_SYNC_MODE, flags);

  /**
   * FapilogSettings:mmap-sync-interval-ms:
   *
   * With %FAPILOG_MMAP_SYNC_INTERVAL, the `mmap_file` sink syncs after a
   * batch when at least this many milliseconds have passed since the last
   * sync; 0 syncs after every batch.
   *
   * Default: 1000, from 0 to 4294967295.
   * Environment: `FAPILOG_MMAP__SYNC_INTERVAL_MS`.
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_SYNC_INTERVAL_MS] =
    g_param_spec_uint ("mmap-sync-interval-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_MMAP_SYNC_INTERVAL_MS, flags);

  /**
   * FapilogSettings:mmap-sync-every-bytes:
   *
   * With %FAPILOG_MMAP_SYNC_BYTES, how many bytes the `mmap_file` sink
   * appends between two syncs.
   *
   * Default: 1048576 (1 MiB), at least 1.
   * Environment: `FAPILOG_MMAP__SYNC_EVERY_BYTES` (a size).
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_SYNC_EVERY_BYTES] =
    g_param_spec_uint64 ("mmap-sync-every-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MMAP_SYNC_EVERY_BYTES, flags);

  /**
   * FapilogSettings:mmap-flush-on-close:
   *
   * Whether the `mmap_file` sink syncs the file when it stops, whatever
   * the sync mode.
   *
   * Default: %TRUE. Environment: `FAPILOG_MMAP__FLUSH_ON_CLOSE`.
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_FLUSH_ON_CLOSE] =
    g_param_spec_boolean ("mmap-flush-on-close", NULL, NULL,
                          TRUE, flags);

  /**
   * FapilogSettings:mmap-file-mode:
   *
   * The permission bits the `mmap_file` sink gives the file it creates.
   *
   * Default: 0640 (416), from 0 to 0777.
   * Environment: `FAPILOG_MMAP__FILE_MODE` (octal: `0640` or `640`).
   *
   * Since: 1.0
   */
  properties[PROP_MMAP_FILE_MODE] =
    g_param_spec_uint ("mmap-file-mode", NULL, NULL,
                       0, 0777, DEFAULT_MMAP_FILE_MODE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fapilog_settings_init (FapilogSettings *self)
{
  self->log_level = FAPILOG_LEVEL_INFO;
  self->max_queue_size = 10000;
  self->protected_queue_size = 0;
  self->protected_levels_mask = DEFAULT_PROTECTED_LEVELS_MASK;
  self->batch_max_size = 256;
  self->batch_timeout_seconds = 0.25;
  self->overflow_policy = FAPILOG_OVERFLOW_DROP_NEWEST;
  self->backpressure_wait_ms = 50;
  self->sinks = NULL;
  self->serialize_in_flush = TRUE;
  self->sink_write_timeout_seconds = 30.0;
  self->sink_backlog_size = 0;
  self->internal_logging_enabled = TRUE;
  self->shutdown_timeout_seconds = 3.0;
  self->atexit_drain_enabled = TRUE;
  self->atexit_drain_timeout_seconds = 2.0;
  self->service = g_strdup (DEFAULT_SERVICE);
  self->env = g_strdup (DEFAULT_ENV);
  self->version = NULL;
  self->file_directory = NULL;
  self->file_filename_prefix = g_strdup (DEFAULT_FILE_FILENAME_PREFIX);
  self->file_format = FAPILOG_FILE_FORMAT_JSON;
  self->file_max_bytes = DEFAULT_FILE_MAX_BYTES;
  self->file_interval_seconds = 0.0;
  self->file_max_files = 0;
  self->file_max_total_bytes = 0;
  self->file_compress_rotated = FALSE;
  self->file_file_mode = DEFAULT_FILE_FILE_MODE;
  self->file_fsync = FAPILOG_FSYNC_ROTATE;
  self->http_endpoint = NULL;
  self->http_timeout_seconds = 5.0;
  self->http_retry_max_attempts = 3;
  self->http_retry_backoff_seconds = 1.0;
  self->http_retry_max_backoff_seconds = 30.0;
  self->http_batch_size = 100;
  self->http_batch_timeout_seconds = 5.0;
  self->http_batch_max_bytes = DEFAULT_HTTP_BATCH_MAX_BYTES;
  self->http_batch_format = FAPILOG_HTTP_BATCH_FORMAT_ARRAY;
  self->http_batch_wrapper_key = g_strdup (DEFAULT_HTTP_BATCH_WRAPPER_KEY);
  self->http_compression = FAPILOG_HTTP_COMPRESSION_NONE;
  self->http_tls_ca_file = NULL;
  self->http_max_pending_bytes = DEFAULT_MAX_PENDING_BYTES;
  self->webhook_endpoint = NULL;
  self->webhook_secret = NULL;
  self->webhook_timeout_seconds = 5.0;
  self->webhook_retry_max_attempts = 3;
  self->webhook_retry_backoff_seconds = 1.0;
  self->webhook_retry_max_backoff_seconds = 30.0;
  self->webhook_batch_size = 1;
  self->webhook_batch_timeout_seconds = 5.0;
  self->webhook_max_pending_bytes = DEFAULT_MAX_PENDING_BYTES;
  self->webhook_tls_ca_file = NULL;
  self->mmap_path = NULL;
  self->mmap_initial_size = DEFAULT_MMAP_INITIAL_SIZE;
  self->mmap_growth_factor = DEFAULT_MMAP_GROWTH_FACTOR;
  self->mmap_growth_min_bytes = DEFAULT_MMAP_GROWTH_MIN_BYTES;
  self->mmap_max_size = 0;
  self->mmap_sync_mode = DEFAULT_MMAP_SYNC_MODE;
  self->mmap_sync_interval_ms = DEFAULT_MMAP_SYNC_INTERVAL_MS;
  self->mmap_sync_every_bytes = DEFAULT_MMAP_SYNC_EVERY_BYTES;
  self->mmap_flush_on_close = TRUE;
  self->mmap_file_mode = DEFAULT_MMAP_FILE_MODE;
  self->layers = g_new0 (GValue *, N_PROPS);
  self->preset = NULL;
  self->preset_chosen_by = FAPILOG_SETTING_SOURCE_DEFAULT;
  self->gsettings = NULL;
}

/**
 * fapilog_settings_new:
 *
 * Creates settings holding the built-in defaults. The environment is not
 * read; call [method@Fapilog.Settings.apply_environment] for that.
 *
 * Returns: (transfer full): new settings
 *
 * Since: 1.0
 */
FapilogSettings *
fapilog_settings_new (void)
{
  return g_object_new (FAPILOG_TYPE_SETTINGS, NULL);
}

/**
 * fapilog_settings_copy:
 * @self: settings
 *
 * Makes an independent copy of every property, for example to hand a
 * pipeline settings that later changes to @self cannot reach.
 *
 * Returns: (transfer full): a copy of @self
 *
 * Since: 1.0
 */
FapilogSettings *
fapilog_settings_copy (FapilogSettings *self)
{
  FapilogSettings *copy;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), NULL);

  copy = fapilog_settings_new ();

  /* Every source's value, not only the effective one: a copy is the same
   * configuration, and a source applied to it later (a GSettings key that
   * changes, for a pipeline's copy) must meet the same values beneath and
   * above it. */
  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    {
      if (self->layers[prop_id] == NULL)
        continue;

      copy->layers[prop_id] = g_new0 (GValue, N_SOURCES);
      for (guint source = 0; source < N_SOURCES; source++)
        {
          const GValue *value = &self->layers[prop_id][source];

          if (!G_IS_VALUE (value))
            continue;
          g_value_init (&copy->layers[prop_id][source], G_VALUE_TYPE (value));
          g_value_copy (value, &copy->layers[prop_id][source]);
        }
      refresh (copy, prop_id);
    }

  copy->preset = g_strdup (self->preset);
  copy->preset_chosen_by = self->preset_chosen_by;
  g_set_object (&copy->gsettings, self->gsettings);

  return copy;
}

static const char *
source_nick (FapilogSettingSource source)
{
  GEnumClass *klass = g_type_class_ref (FAPILOG_TYPE_SETTING_SOURCE);
  GEnumValue *value = g_enum_get_value (klass, source);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "default";
}

static void
add_header_names (JsonBuilder                  *builder,
                  const FapilogSettingsHeaders *headers)
{
  if (headers->names == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  /* Names only: the values may be credentials. */
  json_builder_begin_object (builder);
  for (guint i = 0; headers->names[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, headers->names[i]);
      json_builder_add_string_value (builder, "***");
    }
  json_builder_end_object (builder);
}

static void
add_property_value (FapilogSettings *self,
                    JsonBuilder     *builder,
                    guint            prop_id)
{
  GParamSpec *pspec = properties[prop_id];
  g_auto(GValue) value = G_VALUE_INIT;
  GType type = pspec->value_type;

  switch (prop_id)
    {
    case PROP_WEBHOOK_SECRET:
      if (self->webhook_secret != NULL)
        json_builder_add_string_value (builder, "***");
      else
        json_builder_add_null_value (builder);
      return;

    case PROP_HTTP_HEADERS:
      add_header_names (builder, &self->http_headers);
      return;

    case PROP_WEBHOOK_HEADERS:
      add_header_names (builder, &self->webhook_headers);
      return;

    case PROP_FILE_FILE_MODE:
    case PROP_MMAP_FILE_MODE:
      {
        /* Octal, as the environment takes them. */
        guint mode = prop_id == PROP_FILE_FILE_MODE ? self->file_file_mode : self->mmap_file_mode;
        g_autofree char *octal = g_strdup_printf ("0%03o", mode);

        json_builder_add_string_value (builder, octal);
      }
      return;

    default:
      break;
    }

  g_value_init (&value, type);
  g_object_get_property (G_OBJECT (self), pspec->name, &value);

  if (type == G_TYPE_BOOLEAN)
    json_builder_add_boolean_value (builder, g_value_get_boolean (&value));
  else if (type == G_TYPE_UINT)
    json_builder_add_int_value (builder, g_value_get_uint (&value));
  else if (type == G_TYPE_INT)
    json_builder_add_int_value (builder, g_value_get_int (&value));
  else if (type == G_TYPE_UINT64)
    {
      guint64 n = g_value_get_uint64 (&value);

      if (n <= G_MAXINT64)
        json_builder_add_int_value (builder, (gint64) n);
      else
        json_builder_add_double_value (builder, (double) n);
    }
  else if (type == G_TYPE_DOUBLE)
    json_builder_add_double_value (builder, g_value_get_double (&value));
  else if (type == G_TYPE_STRING)
    {
      const char *text = g_value_get_string (&value);

      if (text != NULL)
        json_builder_add_string_value (builder, text);
      else
        json_builder_add_null_value (builder);
    }
  else if (type == G_TYPE_STRV)
    {
      const char * const *list = g_value_get_boxed (&value);

      if (list == NULL)
        json_builder_add_null_value (builder);
      else
        {
          json_builder_begin_array (builder);
          for (guint i = 0; list[i] != NULL; i++)
            json_builder_add_string_value (builder, list[i]);
          json_builder_end_array (builder);
        }
    }
  else if (G_TYPE_IS_ENUM (type))
    {
      GEnumClass *klass = g_type_class_ref (type);
      GEnumValue *enum_value = g_enum_get_value (klass, g_value_get_enum (&value));

      if (enum_value != NULL)
        json_builder_add_string_value (builder, enum_value->value_nick);
      else
        json_builder_add_int_value (builder, g_value_get_enum (&value));
      g_type_class_unref (klass);
    }
  else
    g_assert_not_reached ();
}

/**
 * fapilog_settings_to_json:
 * @self: settings
 *
 * Reports the effective settings, and where each value came from, as one
 * JSON object: a member `preset` first (the preset applied, or `null`, and
 * who chose it), then one member per property, in the order of the
 * documentation, each `{"value": …, "source": …}` with the source's nick
 * from [enum@Fapilog.SettingSource]:
 *
 * |[<!-- language="plain" -->
 * {
 *   "preset": {"value":"production","source":"env"},
 *   "log-level": {"value":"debug","source":"gsettings"},
 *   "max-queue-size": {"value":10000,"source":"preset"},
 *   …
 *   "http-headers": {"value":{"Authorization":"***"},"source":"env"},
 *   …
 *   "webhook-secret": {"value":"***","source":"env"},
 *   …
 * }
 * ]|
 *
 * Enumerations are given by nick (as GSettings takes them), lists as
 * arrays, unset text and lists as `null`, permission bits as octal text
 * (`"0640"`), sizes and counts as numbers, durations as seconds.
 *
 * Secrets are masked: the webhook secret is `"***"` when one is set, and
 * the headers show their names with `"***"` for every value.
 *
 * Returns: (transfer full): the report, one setting per line
 *
 * Since: 1.0
 */
char *
fapilog_settings_to_json (FapilogSettings *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  GString *text;
  gboolean first;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "preset");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  if (self->preset != NULL)
    json_builder_add_string_value (builder, self->preset);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source_nick (self->preset != NULL ?
                                                      self->preset_chosen_by :
                                                      FAPILOG_SETTING_SOURCE_DEFAULT));
  json_builder_end_object (builder);

  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    {
      FapilogSettingSource source;

      top_layer_value (self, prop_id, &source);
      json_builder_set_member_name (builder, properties[prop_id]->name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      add_property_value (self, builder, prop_id);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, source_nick (source));
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* One setting per line: easy to read, to grep and to compare. */
  text = g_string_new ("{\n");
  json_object_iter_init_ordered (&iter, json_node_get_object (root));
  first = TRUE;
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      g_autoptr(JsonNode) name_node = json_node_init_string (json_node_alloc (), name);
      g_autofree char *quoted_name = json_to_string (name_node, FALSE);
      g_autofree char *setting = json_to_string (member, FALSE);

      g_string_append_printf (text, "%s  %s: %s", first ? "" : ",\n", quoted_name, setting);
      first = FALSE;
    }
  g_string_append (text, "\n}");
  return g_string_free (text, FALSE);
}

guint
_fapilog_settings_get_protected_queue_size (FapilogSettings *self)
{
  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), 0);

  if (self->protected_queue_size != 0)
    return self->protected_queue_size;

  return MAX (100, self->max_queue_size / 10);
}

guint
_fapilog_settings_get_sink_backlog_size (FapilogSettings *self)
{
  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), 0);

  if (self->sink_backlog_size != 0)
    return self->sink_backlog_size;

  return self->max_queue_size;
}

const char *
_fapilog_settings_get_source (FapilogSettings *self,
                              const char      *property)
{
  static const char * const nicks[N_SOURCES] = {
    "default", "preset", "gsettings", "env", "code"
  };
  GParamSpec *pspec;
  FapilogSettingSource source;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), NULL);
  g_return_val_if_fail (property != NULL, NULL);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property);
  if (pspec == NULL)
    return NULL;

  top_layer_value (self, prop_id_of (pspec), &source);
  return nicks[source];
}

/**
 * fapilog_settings_get_source:
 * @self: settings
 * @property_name: the name of a property of [class@Fapilog.Settings],
 *   such as `"log-level"` (`"log_level"` works too)
 *
 * Tells where the value of a property came from: the source with the
 * highest precedence that gave it a value, or
 * %FAPILOG_SETTING_SOURCE_DEFAULT when none did.
 *
 * Returns: the source of the property's current value
 *
 * Since: 1.0
 */
FapilogSettingSource
fapilog_settings_get_source (FapilogSettings *self,
                             const char      *property_name)
{
  GParamSpec *pspec;
  FapilogSettingSource source;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), FAPILOG_SETTING_SOURCE_DEFAULT);
  g_return_val_if_fail (property_name != NULL, FAPILOG_SETTING_SOURCE_DEFAULT);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property_name);
  if (pspec == NULL)
    {
      g_log (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
             "%s: FapilogSettings has no property named \"%s\"", G_STRFUNC, property_name);
      return FAPILOG_SETTING_SOURCE_DEFAULT;
    }

  top_layer_value (self, prop_id_of (pspec), &source);
  return source;
}

/**
 * fapilog_settings_set_property_from_source:
 * @self: settings
 * @source: where the value comes from
 * @property_name: the name of a property of [class@Fapilog.Settings]
 * @value: (nullable): the value, of the property's type or one that
 *   transforms to it; %NULL takes back the value @source gave
 *
 * Gives a property a value as if it came from @source. The property takes
 * the value at once only if no source of higher precedence has given it
 * one; otherwise the value is kept beneath and shows when the higher
 * sources' values are taken back. g_object_set() is the same as
 * %FAPILOG_SETTING_SOURCE_CODE.
 *
 * With %FAPILOG_SETTING_SOURCE_DEFAULT this sets a default of the program,
 * which presets, GSettings, the environment and code all override:
 * `fapilog-cat` makes itself lossless that way, unless configured
 * otherwise.
 *
 * A value the property refuses (see [property@Fapilog.Settings:file-filename-prefix],
 * [property@Fapilog.Settings:http-batch-wrapper-key] and
 * [property@Fapilog.Settings:http-headers]) is ignored with a warning, as
 * with g_object_set().
 *
 * Returns: %TRUE if the property now has @value (or, for %NULL, whatever
 *   is beneath); %FALSE if a source of higher precedence keeps its value
 *   or the value was refused
 *
 * Since: 1.0
 */
gboolean
fapilog_settings_set_property_from_source (FapilogSettings      *self,
                                           FapilogSettingSource  source,
                                           const char           *property_name,
                                           const GValue         *value)
{
  GParamSpec *pspec;
  guint prop_id;
  g_auto(GValue) converted = G_VALUE_INIT;
  FapilogSettingSource top;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (source < N_SOURCES, FALSE);
  g_return_val_if_fail (property_name != NULL, FALSE);
  g_return_val_if_fail (value == NULL || G_IS_VALUE (value), FALSE);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property_name);
  if (pspec == NULL)
    {
      g_log (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
             "%s: FapilogSettings has no property named \"%s\"", G_STRFUNC, property_name);
      return FALSE;
    }
  prop_id = prop_id_of (pspec);

  if (value != NULL)
    {
      g_value_init (&converted, pspec->value_type);
      if (!g_value_transform (value, &converted))
        {
          g_log (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                 "%s: cannot set FapilogSettings:%s of type %s from a value of type %s",
                 G_STRFUNC, pspec->name, g_type_name (pspec->value_type),
                 G_VALUE_TYPE_NAME (value));
          return FALSE;
        }
      /* The property's own range, as g_object_set_property() enforces. */
      if (g_param_value_validate (pspec, &converted))
        {
          g_autofree char *contents = g_strdup_value_contents (value);

          g_log (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                 "%s: value \"%s\" of type %s is invalid or out of range for "
                 "FapilogSettings:%s", G_STRFUNC, contents, G_VALUE_TYPE_NAME (value),
                 pspec->name);
          return FALSE;
        }
      if (!value_is_acceptable (prop_id, &converted))
        return FALSE;
    }

  settings_set (self, prop_id, value != NULL ? &converted : NULL, source);
  /* The converted copy of a secret is wiped like every other. */
  if (prop_id == PROP_WEBHOOK_SECRET && value != NULL)
    wipe_string ((char *) g_value_get_string (&converted));
  top_layer_value (self, prop_id, &top);
  return value == NULL ? top <= source : top == source;
}

/**
 * fapilog_settings_set_from_source: (skip)
 * @self: settings
 * @source: where the values come from
 * @first_property_name: the name of the first property to set
 * @...: its value, then more names and values, ending with %NULL
 *
 * Sets properties as g_object_set() does, but as if the values came from
 * @source; see [method@Fapilog.Settings.set_property_from_source]. A
 * program sets its own defaults, which presets, GSettings, the
 * environment and code override, like this:
 *
 * |[<!-- language="C" -->
 * fapilog_settings_set_from_source (settings, FAPILOG_SETTING_SOURCE_DEFAULT,
 *                                   "overflow-policy", FAPILOG_OVERFLOW_BLOCK,
 *                                   "backpressure-wait-ms", -1,
 *                                   NULL);
 * ]|
 *
 * Since: 1.0
 */
void
fapilog_settings_set_from_source (FapilogSettings      *self,
                                  FapilogSettingSource  source,
                                  const char           *first_property_name,
                                  ...)
{
  va_list args;

  g_return_if_fail (FAPILOG_IS_SETTINGS (self));
  g_return_if_fail (source < N_SOURCES);

  g_object_freeze_notify (G_OBJECT (self));
  va_start (args, first_property_name);
  for (const char *name = first_property_name; name != NULL; name = va_arg (args, const char *))
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), name);
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *collect_error = NULL;

      if (pspec == NULL)
        {
          g_log (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                 "%s: FapilogSettings has no property named \"%s\"", G_STRFUNC, name);
          break;
        }
      G_VALUE_COLLECT_INIT (&value, pspec->value_type, args, 0, &collect_error);
      if (collect_error != NULL)
        {
          /* The value cannot be skipped without knowing its size. */
          g_log (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "%s: %s", G_STRFUNC, collect_error);
          break;
        }
      fapilog_settings_set_property_from_source (self, source, pspec->name, &value);
      if (pspec == properties[PROP_WEBHOOK_SECRET])
        wipe_string ((char *) g_value_get_string (&value));
    }
  va_end (args);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
_fapilog_settings_get_webhook_secret (FapilogSettings *self)
{
  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), NULL);

  return self->webhook_secret;
}

static void
foreach_header (const FapilogSettingsHeaders *headers,
                FapilogSettingsHeaderFunc     func,
                gpointer                      user_data)
{
  for (guint i = 0; headers->names != NULL && headers->names[i] != NULL; i++)
    func (headers->names[i], headers->values[i], user_data);
}

void
_fapilog_settings_foreach_http_header (FapilogSettings           *self,
                                       FapilogSettingsHeaderFunc  func,
                                       gpointer                   user_data)
{
  g_return_if_fail (FAPILOG_IS_SETTINGS (self));
  g_return_if_fail (func != NULL);

  foreach_header (&self->http_headers, func, user_data);
}

void
_fapilog_settings_foreach_webhook_header (FapilogSettings           *self,
                                          FapilogSettingsHeaderFunc  func,
                                          gpointer                   user_data)
{
  g_return_if_fail (FAPILOG_IS_SETTINGS (self));
  g_return_if_fail (func != NULL);

  foreach_header (&self->webhook_headers, func, user_data);
}

/* ------------------------------------------------------------------------
 * The environment
 * ------------------------------------------------------------------------ */

typedef enum {
  VAR_LEVEL,           /* a level name */
  VAR_UINT,            /* a whole number in the property's range */
  VAR_INT,             /* a whole number in the property's range */
  VAR_DURATION,        /* a duration in the property's range */
  VAR_BOOLEAN,
  VAR_OVERFLOW_POLICY, /* block | drop_newest | drop_oldest */
  VAR_DROP_ON_FULL,    /* a boolean mapped to an overflow policy */
  VAR_LEVEL_LIST,      /* a list of level names */
  VAR_NAME_LIST,       /* a list of names, normalized */
  VAR_STRING,          /* any text; empty counts as unset */
  VAR_FILENAME_PREFIX, /* text, not empty, without '/' */
  VAR_FILE_FORMAT,     /* json | text */
  VAR_SIZE,            /* a size in bytes */
  VAR_INTERVAL,        /* 0, or a duration or keyword in the property's range */
  VAR_FILE_MODE,       /* octal permission bits */
  VAR_FSYNC_POLICY,    /* never | rotate | batch */
  VAR_HEADERS,         /* a JSON object of header names to strings; never quoted */
  VAR_SECRET,          /* any text, never quoted; empty counts as unset */
  VAR_WRAPPER_KEY,     /* text, not empty */
  VAR_BATCH_FORMAT,    /* array | ndjson | wrapped */
  VAR_COMPRESSION,     /* none | gzip */
  VAR_GROWTH_FACTOR,   /* a decimal number > 1 within the property's range */
  VAR_SYNC_MODE,       /* none | interval | bytes | always */
} VarKind;

typedef struct {
  const char *name;
  VarKind     kind;
  guint       prop_id;
  /* An alias applies only when no earlier entry set the same property:
   * DROP_ON_FULL yields to OVERFLOW_POLICY, ENV to FAPILOG_ENV. Its value
   * is still validated, so a typo in it is never silent. */
  gboolean    alias;
  /* ENV is not in our namespace; matching it in any case would pick up
   * unrelated variables such as "env". */
  gboolean    case_sensitive;
} EnvVar;

static const EnvVar env_vars[] = {
  { "FAPILOG_CORE__LOG_LEVEL",                    VAR_LEVEL,           PROP_LOG_LEVEL,                    FALSE, FALSE },
  { "FAPILOG_CORE__MAX_QUEUE_SIZE",               VAR_UINT,            PROP_MAX_QUEUE_SIZE,               FALSE, FALSE },
  { "FAPILOG_CORE__PROTECTED_QUEUE_SIZE",         VAR_UINT,            PROP_PROTECTED_QUEUE_SIZE,         FALSE, FALSE },
  { "FAPILOG_CORE__PROTECTED_LEVELS",             VAR_LEVEL_LIST,      PROP_PROTECTED_LEVELS,             FALSE, FALSE },
  { "FAPILOG_CORE__BATCH_MAX_SIZE",               VAR_UINT,            PROP_BATCH_MAX_SIZE,               FALSE, FALSE },
  { "FAPILOG_CORE__BATCH_TIMEOUT_SECONDS",        VAR_DURATION,        PROP_BATCH_TIMEOUT_SECONDS,        FALSE, FALSE },
  { "FAPILOG_CORE__OVERFLOW_POLICY",              VAR_OVERFLOW_POLICY, PROP_OVERFLOW_POLICY,              FALSE, FALSE },
  { "FAPILOG_CORE__DROP_ON_FULL",                 VAR_DROP_ON_FULL,    PROP_OVERFLOW_POLICY,              TRUE,  FALSE },
  { "FAPILOG_CORE__BACKPRESSURE_WAIT_MS",         VAR_INT,             PROP_BACKPRESSURE_WAIT_MS,         FALSE, FALSE },
  { "FAPILOG_CORE__SINKS",                        VAR_NAME_LIST,       PROP_SINKS,                        FALSE, FALSE },
  { "FAPILOG_CORE__SERIALIZE_IN_FLUSH",           VAR_BOOLEAN,         PROP_SERIALIZE_IN_FLUSH,           FALSE, FALSE },
  { "FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS",   VAR_DURATION,        PROP_SINK_WRITE_TIMEOUT_SECONDS,   FALSE, FALSE },
  { "FAPILOG_CORE__SINK_BACKLOG_SIZE",            VAR_UINT,            PROP_SINK_BACKLOG_SIZE,            FALSE, FALSE },
  { "FAPILOG_CORE__INTERNAL_LOGGING_ENABLED",     VAR_BOOLEAN,         PROP_INTERNAL_LOGGING_ENABLED,     FALSE, FALSE },
  { "FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS",     VAR_DURATION,        PROP_SHUTDOWN_TIMEOUT_SECONDS,     FALSE, FALSE },
  { "FAPILOG_CORE__ATEXIT_DRAIN_ENABLED",         VAR_BOOLEAN,         PROP_ATEXIT_DRAIN_ENABLED,         FALSE, FALSE },
  { "FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS", VAR_DURATION,        PROP_ATEXIT_DRAIN_TIMEOUT_SECONDS, FALSE, FALSE },
  { "FAPILOG_SERVICE",                            VAR_STRING,          PROP_SERVICE,                      FALSE, FALSE },
  { "FAPILOG_ENV",                                VAR_STRING,          PROP_ENV,                          FALSE, FALSE },
  { "ENV",                                        VAR_STRING,          PROP_ENV,                          TRUE,  TRUE },
  { "FAPILOG_VERSION",                            VAR_STRING,          PROP_VERSION,                      FALSE, FALSE },
  { "FAPILOG_FILE__DIRECTORY",                    VAR_STRING,          PROP_FILE_DIRECTORY,               FALSE, FALSE },
  { "FAPILOG_FILE__FILENAME_PREFIX",              VAR_FILENAME_PREFIX, PROP_FILE_FILENAME_PREFIX,         FALSE, FALSE },
  { "FAPILOG_FILE__MODE",                         VAR_FILE_FORMAT,     PROP_FILE_MODE,                    FALSE, FALSE },
  { "FAPILOG_FILE__MAX_BYTES",                    VAR_SIZE,            PROP_FILE_MAX_BYTES,               FALSE, FALSE },
  { "FAPILOG_FILE__INTERVAL_SECONDS",             VAR_INTERVAL,        PROP_FILE_INTERVAL_SECONDS,        FALSE, FALSE },
  { "FAPILOG_FILE__MAX_FILES",                    VAR_UINT,            PROP_FILE_MAX_FILES,               FALSE, FALSE },
  { "FAPILOG_FILE__MAX_TOTAL_BYTES",              VAR_SIZE,            PROP_FILE_MAX_TOTAL_BYTES,         FALSE, FALSE },
  { "FAPILOG_FILE__COMPRESS_ROTATED",             VAR_BOOLEAN,         PROP_FILE_COMPRESS_ROTATED,        FALSE, FALSE },
  { "FAPILOG_FILE__FILE_MODE",                    VAR_FILE_MODE,       PROP_FILE_FILE_MODE,               FALSE, FALSE },
  { "FAPILOG_FILE__FSYNC",                        VAR_FSYNC_POLICY,    PROP_FILE_FSYNC,                   FALSE, FALSE },
  { "FAPILOG_HTTP__ENDPOINT",                     VAR_STRING,          PROP_HTTP_ENDPOINT,                FALSE, FALSE },
  { "FAPILOG_HTTP__HEADERS",                      VAR_HEADERS,         PROP_HTTP_HEADERS,                 FALSE, FALSE },
  { "FAPILOG_HTTP__TIMEOUT_SECONDS",              VAR_DURATION,        PROP_HTTP_TIMEOUT_SECONDS,         FALSE, FALSE },
  { "FAPILOG_HTTP__RETRY_MAX_ATTEMPTS",           VAR_UINT,            PROP_HTTP_RETRY_MAX_ATTEMPTS,      FALSE, FALSE },
  { "FAPILOG_HTTP__RETRY_BACKOFF_SECONDS",        VAR_DURATION,        PROP_HTTP_RETRY_BACKOFF_SECONDS,   FALSE, FALSE },
  { "FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS",    VAR_DURATION,        PROP_HTTP_RETRY_MAX_BACKOFF_SECONDS, FALSE, FALSE },
  { "FAPILOG_HTTP__BATCH_SIZE",                   VAR_UINT,            PROP_HTTP_BATCH_SIZE,              FALSE, FALSE },
  { "FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS",        VAR_DURATION,        PROP_HTTP_BATCH_TIMEOUT_SECONDS,   FALSE, FALSE },
  { "FAPILOG_HTTP__BATCH_MAX_BYTES",              VAR_SIZE,            PROP_HTTP_BATCH_MAX_BYTES,         FALSE, FALSE },
  { "FAPILOG_HTTP__BATCH_FORMAT",                 VAR_BATCH_FORMAT,    PROP_HTTP_BATCH_FORMAT,            FALSE, FALSE },
  { "FAPILOG_HTTP__BATCH_WRAPPER_KEY",            VAR_WRAPPER_KEY,     PROP_HTTP_BATCH_WRAPPER_KEY,       FALSE, FALSE },
  { "FAPILOG_HTTP__COMPRESSION",                  VAR_COMPRESSION,     PROP_HTTP_COMPRESSION,             FALSE, FALSE },
  { "FAPILOG_HTTP__TLS_CA_FILE",                  VAR_STRING,          PROP_HTTP_TLS_CA_FILE,             FALSE, FALSE },
  { "FAPILOG_HTTP__MAX_PENDING_BYTES",            VAR_SIZE,            PROP_HTTP_MAX_PENDING_BYTES,       FALSE, FALSE },
  { "FAPILOG_WEBHOOK__ENDPOINT",                  VAR_STRING,          PROP_WEBHOOK_ENDPOINT,             FALSE, FALSE },
  { "FAPILOG_WEBHOOK__SECRET",                    VAR_SECRET,          PROP_WEBHOOK_SECRET,               FALSE, FALSE },
  { "FAPILOG_WEBHOOK__HEADERS",                   VAR_HEADERS,         PROP_WEBHOOK_HEADERS,              FALSE, FALSE },
  { "FAPILOG_WEBHOOK__TIMEOUT_SECONDS",           VAR_DURATION,        PROP_WEBHOOK_TIMEOUT_SECONDS,      FALSE, FALSE },
  { "FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS",        VAR_UINT,            PROP_WEBHOOK_RETRY_MAX_ATTEMPTS,   FALSE, FALSE },
  { "FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS",     VAR_DURATION,        PROP_WEBHOOK_RETRY_BACKOFF_SECONDS, FALSE, FALSE },
  { "FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS", VAR_DURATION,        PROP_WEBHOOK_RETRY_MAX_BACKOFF_SECONDS, FALSE, FALSE },
  { "FAPILOG_WEBHOOK__BATCH_SIZE",                VAR_UINT,            PROP_WEBHOOK_BATCH_SIZE,           FALSE, FALSE },
  { "FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS",     VAR_DURATION,        PROP_WEBHOOK_BATCH_TIMEOUT_SECONDS, FALSE, FALSE },
  { "FAPILOG_WEBHOOK__MAX_PENDING_BYTES",         VAR_SIZE,            PROP_WEBHOOK_MAX_PENDING_BYTES,    FALSE, FALSE },
  { "FAPILOG_WEBHOOK__TLS_CA_FILE",               VAR_STRING,          PROP_WEBHOOK_TLS_CA_FILE,          FALSE, FALSE },
  { "FAPILOG_MMAP__PATH",                         VAR_STRING,          PROP_MMAP_PATH,                    FALSE, FALSE },
  { "FAPILOG_MMAP__INITIAL_SIZE",                 VAR_SIZE,            PROP_MMAP_INITIAL_SIZE,            FALSE, FALSE },
  { "FAPILOG_MMAP__GROWTH_FACTOR",                VAR_GROWTH_FACTOR,   PROP_MMAP_GROWTH_FACTOR,           FALSE, FALSE },
  { "FAPILOG_MMAP__GROWTH_MIN_BYTES",             VAR_SIZE,            PROP_MMAP_GROWTH_MIN_BYTES,        FALSE, FALSE },
  { "FAPILOG_MMAP__MAX_SIZE",                     VAR_SIZE,            PROP_MMAP_MAX_SIZE,                FALSE, FALSE },
  { "FAPILOG_MMAP__SYNC_MODE",                    VAR_SYNC_MODE,       PROP_MMAP_SYNC_MODE,               FALSE, FALSE },
  { "FAPILOG_MMAP__SYNC_INTERVAL_MS",             VAR_UINT,            PROP_MMAP_SYNC_INTERVAL_MS,        FALSE, FALSE },
  { "FAPILOG_MMAP__SYNC_EVERY_BYTES",             VAR_SIZE,            PROP_MMAP_SYNC_EVERY_BYTES,        FALSE, FALSE },
  { "FAPILOG_MMAP__FLUSH_ON_CLOSE",               VAR_BOOLEAN,         PROP_MMAP_FLUSH_ON_CLOSE,          FALSE, FALSE },
  { "FAPILOG_MMAP__FILE_MODE",                    VAR_FILE_MODE,       PROP_MMAP_FILE_MODE,               FALSE, FALSE },
};

static const char * const overflow_policy_names[] = {
  "block", "drop_newest", "drop_oldest", NULL
};
static const FapilogOverflowPolicy overflow_policy_values[] = {
  FAPILOG_OVERFLOW_BLOCK, FAPILOG_OVERFLOW_DROP_NEWEST, FAPILOG_OVERFLOW_DROP_OLDEST
};

/* Only these two: the original library wrote text for any other value,
 * so a typo such as "jsno" silently changed the format of the files. */
static const char * const file_format_names[] = { "json", "text", NULL };
static const FapilogFileFormat file_format_values[] = {
  FAPILOG_FILE_FORMAT_JSON, FAPILOG_FILE_FORMAT_TEXT
};

static const char * const fsync_policy_names[] = { "never", "rotate", "batch", NULL };
static const FapilogFsyncPolicy fsync_policy_values[] = {
  FAPILOG_FSYNC_NEVER, FAPILOG_FSYNC_ROTATE, FAPILOG_FSYNC_BATCH
};

static const char * const batch_format_names[] = { "array", "ndjson", "wrapped", NULL };
static const FapilogHttpBatchFormat batch_format_values[] = {
  FAPILOG_HTTP_BATCH_FORMAT_ARRAY, FAPILOG_HTTP_BATCH_FORMAT_NDJSON,
  FAPILOG_HTTP_BATCH_FORMAT_WRAPPED
};

static const char * const compression_names[] = { "none", "gzip", NULL };
static const FapilogHttpCompression compression_values[] = {
  FAPILOG_HTTP_COMPRESSION_NONE, FAPILOG_HTTP_COMPRESSION_GZIP
};

static const char * const sync_mode_names[] = { "none", "interval", "bytes", "always", NULL };
static const FapilogMmapSyncMode sync_mode_values[] = {
  FAPILOG_MMAP_SYNC_NONE, FAPILOG_MMAP_SYNC_INTERVAL, FAPILOG_MMAP_SYNC_BYTES,
  FAPILOG_MMAP_SYNC_ALWAYS
};

/* Strictly more than 1 (a factor of 1 would not grow geometrically at
 * all), at most the property's maximum. One message for a bad form and a
 * bad range, as for the interval. */
static gboolean
parse_growth_factor (const char  *variable,
                     const char  *value,
                     GParamSpec  *pspec,
                     GValue      *out,
                     GError     **error)
{
  GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (pspec);
  double factor;

  if (!_fapilog_parse_decimal (variable, value, &factor, NULL) ||
      factor <= spec->minimum || factor > spec->maximum)
    {
      _fapilog_config_error_invalid (error, variable, value,
                                     "expected a number greater than %g and at most %g, "
                                     "such as 2 or 1.5",
                                     spec->minimum, spec->maximum);
      return FALSE;
    }

  g_value_init (out, G_TYPE_DOUBLE);
  g_value_set_double (out, factor);
  return TRUE;
}

static gboolean
parse_level_list (const char  *variable,
                  const char  *value,
                  GValue      *out,
                  GError     **error)
{
  g_auto(GStrv) items = NULL;
  guint mask;

  if (!_fapilog_parse_string_list (variable, value, &items, error))
    return FALSE;

  for (guint i = 0; items[i] != NULL; i++)
    {
      FapilogLevel level;

      if (!_fapilog_parse_level (variable, items[i], &level, NULL))
        {
          g_autofree char *item = g_strescape (items[i], NULL);

          _fapilog_config_error_invalid (error, variable, value,
                                         "\"%s\" is not a level; expected a JSON list "
                                         "or a comma-separated list of DEBUG, INFO, WARNING, "
                                         "ERROR, CRITICAL, AUDIT, SECURITY, or [] for none",
                                         item);
          return FALSE;
        }
    }

  /* Stored in canonical form so the property compares and reads back the
   * same whatever spelling the environment used. */
  mask = mask_from_level_names ((const char * const *) items);
  g_value_init (out, G_TYPE_STRV);
  g_value_take_boxed (out, level_names_from_mask (mask));
  return TRUE;
}

static gboolean
parse_duration_in_range (const char  *variable,
                         const char  *value,
                         GParamSpec  *pspec,
                         GValue      *out,
                         GError     **error)
{
  GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (pspec);
  double seconds;

  if (!_fapilog_parse_duration (variable, value, FALSE, &seconds, error))
    return FALSE;

  if (seconds < spec->minimum || seconds > spec->maximum)
    {
      _fapilog_config_error_invalid (error, variable, value,
                                     "expected a duration from 1ms to 365d, "
                                     "such as 5, 0.25, 250ms, 30s, 1h");
      return FALSE;
    }

  g_value_init (out, G_TYPE_DOUBLE);
  g_value_set_double (out, seconds);
  return TRUE;
}

/* 0 disables time rotation; anything else is held to the range of the
 * other durations. One message for a bad form and a bad range, since
 * both need the whole list of what is accepted. */
static gboolean
parse_interval (const char  *variable,
                const char  *value,
                GParamSpec  *pspec,
                GValue      *out,
                GError     **error)
{
  GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (pspec);
  double seconds;

  if (!_fapilog_parse_duration (variable, value, TRUE, &seconds, NULL) ||
      (seconds != 0.0 && (seconds < MIN_TIMEOUT_SECONDS || seconds > spec->maximum)))
    {
      _fapilog_config_error_invalid (error, variable, value,
                                     "expected 0 (no rotation by time), hourly, daily, "
                                     "weekly, or a duration from 1ms to 365d such as "
                                     "30s, 5m, 1h, 1d");
      return FALSE;
    }

  g_value_init (out, G_TYPE_DOUBLE);
  g_value_set_double (out, seconds);
  return TRUE;
}

/* Parses @value as @var says into @out, an unset GValue. Returns FALSE
 * with @out untouched on error, or with @out still unset when the value
 * counts as unset (empty strings). */
static gboolean
parse_env_value (const EnvVar  *var,
                 const char    *value,
                 GValue        *out,
                 GError       **error)
{
  GParamSpec *pspec = properties[var->prop_id];

  switch (var->kind)
    {
    case VAR_LEVEL:
      {
        FapilogLevel level;

        if (!_fapilog_parse_level (var->name, value, &level, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_LEVEL);
        g_value_set_enum (out, level);
      }
      return TRUE;

    case VAR_UINT:
      {
        GParamSpecUInt *spec = G_PARAM_SPEC_UINT (pspec);
        gint64 n;

        if (!_fapilog_parse_int (var->name, value, spec->minimum, spec->maximum, &n, error))
          return FALSE;
        g_value_init (out, G_TYPE_UINT);
        g_value_set_uint (out, (guint) n);
      }
      return TRUE;

    case VAR_INT:
      {
        GParamSpecInt *spec = G_PARAM_SPEC_INT (pspec);
        gint64 n;

        if (!_fapilog_parse_int (var->name, value, spec->minimum, spec->maximum, &n, error))
          return FALSE;
        g_value_init (out, G_TYPE_INT);
        g_value_set_int (out, (gint) n);
      }
      return TRUE;

    case VAR_DURATION:
      return parse_duration_in_range (var->name, value, pspec, out, error);

    case VAR_BOOLEAN:
      {
        gboolean b;

        if (!_fapilog_parse_boolean (var->name, value, &b, error))
          return FALSE;
        g_value_init (out, G_TYPE_BOOLEAN);
        g_value_set_boolean (out, b);
      }
      return TRUE;

    case VAR_OVERFLOW_POLICY:
      {
        guint index;

        if (!_fapilog_parse_choice (var->name, value, overflow_policy_names, &index, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_OVERFLOW_POLICY);
        g_value_set_enum (out, overflow_policy_values[index]);
      }
      return TRUE;

    case VAR_DROP_ON_FULL:
      {
        gboolean drop;

        if (!_fapilog_parse_boolean (var->name, value, &drop, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_OVERFLOW_POLICY);
        g_value_set_enum (out, drop ? FAPILOG_OVERFLOW_DROP_NEWEST : FAPILOG_OVERFLOW_BLOCK);
      }
      return TRUE;

    case VAR_LEVEL_LIST:
      return parse_level_list (var->name, value, out, error);

    case VAR_NAME_LIST:
      {
        char **names;

        if (!_fapilog_parse_string_list (var->name, value, &names, error))
          return FALSE;
        g_value_init (out, G_TYPE_STRV);
        g_value_take_boxed (out, names);
      }
      return TRUE;

    case VAR_STRING:
      /* FAPILOG_ENV= (empty) falls through to ENV, as upstream's
       * `getenv("FAPILOG_ENV") or getenv("ENV")` does; an empty service
       * name or directory means nothing useful either. */
      if (*value != '\0')
        {
          g_value_init (out, G_TYPE_STRING);
          g_value_set_string (out, value);
        }
      return TRUE;

    case VAR_FILENAME_PREFIX:
      /* Taken as it is, like the other text, but an empty value is an
       * error rather than unset: it is a file name, not a label. */
      if (!filename_prefix_is_valid (value))
        {
          _fapilog_config_error_invalid (error, var->name, value,
                                         "expected the start of a file name: "
                                         "not empty and without '/'");
          return FALSE;
        }
      g_value_init (out, G_TYPE_STRING);
      g_value_set_string (out, value);
      return TRUE;

    case VAR_FILE_FORMAT:
      {
        guint index;

        if (!_fapilog_parse_choice (var->name, value, file_format_names, &index, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_FILE_FORMAT);
        g_value_set_enum (out, file_format_values[index]);
      }
      return TRUE;

    case VAR_SIZE:
      {
        GParamSpecUInt64 *spec = G_PARAM_SPEC_UINT64 (pspec);
        guint64 bytes;

        if (!_fapilog_parse_size (var->name, value, &bytes, error))
          return FALSE;
        /* The file sizes take 0 (no limit); the http ones start at 1;
         * the mmap ones stop at the largest file offset. */
        if (bytes < spec->minimum || bytes > spec->maximum)
          {
            if (spec->maximum == G_MAXUINT64)
              _fapilog_config_error_invalid (error, var->name, value,
                                             "expected a size of at least %" G_GUINT64_FORMAT
                                             " byte%s, such as 1048576, 1 MB or 512 KiB",
                                             spec->minimum, spec->minimum == 1 ? "" : "s");
            else
              _fapilog_config_error_invalid (error, var->name, value,
                                             "expected a size from %" G_GUINT64_FORMAT
                                             " to %" G_GUINT64_FORMAT " bytes, such as "
                                             "1048576, 1 MB or 512 KiB",
                                             spec->minimum, spec->maximum);
            return FALSE;
          }
        g_value_init (out, G_TYPE_UINT64);
        g_value_set_uint64 (out, bytes);
      }
      return TRUE;

    case VAR_INTERVAL:
      return parse_interval (var->name, value, pspec, out, error);

    case VAR_FILE_MODE:
      {
        guint mode;

        if (!_fapilog_parse_file_mode (var->name, value, &mode, error))
          return FALSE;
        g_value_init (out, G_TYPE_UINT);
        g_value_set_uint (out, mode);
      }
      return TRUE;

    case VAR_FSYNC_POLICY:
      {
        guint index;

        if (!_fapilog_parse_choice (var->name, value, fsync_policy_names, &index, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_FSYNC_POLICY);
        g_value_set_enum (out, fsync_policy_values[index]);
      }
      return TRUE;

    case VAR_HEADERS:
      {
        g_auto(GStrv) names = NULL;
        g_auto(GStrv) values = NULL;

        /* Checked here so that a bad value fails the whole environment;
         * the setter parses the text again (it cannot fail then). */
        if (!_fapilog_parse_headers (var->name, value, &names, &values, error))
          return FALSE;
        g_value_init (out, G_TYPE_STRING);
        g_value_set_string (out, value);
      }
      return TRUE;

    case VAR_SECRET:
      /* Taken byte for byte: surrounding spaces may be part of a key.
       * Nothing about it can be wrong, so it is never in a message. */
      if (*value != '\0')
        {
          g_value_init (out, G_TYPE_STRING);
          g_value_set_string (out, value);
        }
      return TRUE;

    case VAR_WRAPPER_KEY:
      if (*value == '\0')
        {
          _fapilog_config_error_invalid (error, var->name, value,
                                         "expected the name of the member that holds the "
                                         "entries, such as logs: not empty");
          return FALSE;
        }
      g_value_init (out, G_TYPE_STRING);
      g_value_set_string (out, value);
      return TRUE;

    case VAR_BATCH_FORMAT:
      {
        guint index;

        if (!_fapilog_parse_choice (var->name, value, batch_format_names, &index, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_HTTP_BATCH_FORMAT);
        g_value_set_enum (out, batch_format_values[index]);
      }
      return TRUE;

    case VAR_COMPRESSION:
      {
        guint index;

        if (!_fapilog_parse_choice (var->name, value, compression_names, &index, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_HTTP_COMPRESSION);
        g_value_set_enum (out, compression_values[index]);
      }
      return TRUE;

    case VAR_GROWTH_FACTOR:
      return parse_growth_factor (var->name, value, pspec, out, error);

    case VAR_SYNC_MODE:
      {
        guint index;

        if (!_fapilog_parse_choice (var->name, value, sync_mode_names, &index, error))
          return FALSE;
        g_value_init (out, FAPILOG_TYPE_MMAP_SYNC_MODE);
        g_value_set_enum (out, sync_mode_values[index]);
      }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

char **
_fapilog_settings_list_environment_variables (void)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **names;

  g_strv_builder_add (builder, "FAPILOG_PRESET");
  for (gsize i = 0; i < G_N_ELEMENTS (env_vars); i++)
    g_strv_builder_add (builder, env_vars[i].name);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

/* The value of @var in @envp: the last matching entry, as a shell or
 * setenv() would leave it, and also when the same name appears in two
 * spellings. */
static const char *
lookup_env (const char * const *envp,
            const EnvVar       *var)
{
  const char *found = NULL;
  gsize name_len = strlen (var->name);

  for (guint i = 0; envp[i] != NULL; i++)
    {
      const char *entry = envp[i];
      const char *eq = strchr (entry, '=');

      if (eq == NULL || (gsize) (eq - entry) != name_len)
        continue;

      if (var->case_sensitive
          ? strncmp (entry, var->name, name_len) == 0
          : g_ascii_strncasecmp (entry, var->name, name_len) == 0)
        found = eq + 1;
    }

  return found;
}

/**
 * fapilog_settings_apply_environment:
 * @self: settings
 * @envp: (array zero-terminated=1) (element-type filename) (nullable): the
 *   environment as `NAME=value` strings, or %NULL for the process
 *   environment (g_get_environ())
 * @error: return location for a #GError
 *
 * Sets the properties named by `FAPILOG_*` variables in @envp, as coming
 * from %FAPILOG_SETTING_SOURCE_ENV: they override presets and GSettings,
 * and do not override values set in code, in whatever order they are
 * applied.
 *
 * | Variable | Property | Accepted values |
 * |---|---|---|
 * | `FAPILOG_PRESET` | the preset ([method@Fapilog.Settings.apply_preset]) | `dev`, `production`, `serverless`, `hardened`, `minimal`; empty for none. A preset chosen in code is kept |
 * | `FAPILOG_CORE__LOG_LEVEL` | [property@Fapilog.Settings:log-level] | `DEBUG`, `INFO`, `WARNING` (`WARN`), `ERROR`, `CRITICAL` (`FATAL`), `AUDIT`, `SECURITY` |
 * | `FAPILOG_CORE__MAX_QUEUE_SIZE` | [property@Fapilog.Settings:max-queue-size] | whole number, 1 to 1000000000 |
 * | `FAPILOG_CORE__PROTECTED_QUEUE_SIZE` | [property@Fapilog.Settings:protected-queue-size] | whole number, 0 (automatic) to 1000000000 |
 * | `FAPILOG_CORE__PROTECTED_LEVELS` | [property@Fapilog.Settings:protected-levels] | list of levels; `[]` for none |
 * | `FAPILOG_CORE__BATCH_MAX_SIZE` | [property@Fapilog.Settings:batch-max-size] | whole number, 1 to 1000000 |
 * | `FAPILOG_CORE__BATCH_TIMEOUT_SECONDS` | [property@Fapilog.Settings:batch-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_CORE__OVERFLOW_POLICY` | [property@Fapilog.Settings:overflow-policy] | `block`, `drop_newest`, `drop_oldest` |
 * | `FAPILOG_CORE__DROP_ON_FULL` | [property@Fapilog.Settings:overflow-policy] | boolean: true = `drop_newest`, false = `block`; ignored when `FAPILOG_CORE__OVERFLOW_POLICY` is set |
 * | `FAPILOG_CORE__BACKPRESSURE_WAIT_MS` | [property@Fapilog.Settings:backpressure-wait-ms] | whole number of milliseconds, -1 (forever) or more |
 * | `FAPILOG_CORE__SINKS` | [property@Fapilog.Settings:sinks] | list of sink names, normalized; empty for the default selection |
 * | `FAPILOG_CORE__SERIALIZE_IN_FLUSH` | [property@Fapilog.Settings:serialize-in-flush] | boolean |
 * | `FAPILOG_CORE__SINK_WRITE_TIMEOUT_SECONDS` | [property@Fapilog.Settings:sink-write-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_CORE__SINK_BACKLOG_SIZE` | [property@Fapilog.Settings:sink-backlog-size] | whole number, 0 (automatic) to 1000000000 |
 * | `FAPILOG_CORE__INTERNAL_LOGGING_ENABLED` | [property@Fapilog.Settings:internal-logging-enabled] | boolean |
 * | `FAPILOG_CORE__SHUTDOWN_TIMEOUT_SECONDS` | [property@Fapilog.Settings:shutdown-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_CORE__ATEXIT_DRAIN_ENABLED` | [property@Fapilog.Settings:atexit-drain-enabled] | boolean |
 * | `FAPILOG_CORE__ATEXIT_DRAIN_TIMEOUT_SECONDS` | [property@Fapilog.Settings:atexit-drain-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_SERVICE` | [property@Fapilog.Settings:service] | any text |
 * | `FAPILOG_ENV`, else `ENV` | [property@Fapilog.Settings:env] | any text |
 * | `FAPILOG_VERSION` | [property@Fapilog.Settings:version] | any text |
 * | `FAPILOG_FILE__DIRECTORY` | [property@Fapilog.Settings:file-directory] | a path |
 * | `FAPILOG_FILE__FILENAME_PREFIX` | [property@Fapilog.Settings:file-filename-prefix] | text, not empty, without `/` |
 * | `FAPILOG_FILE__MODE` | [property@Fapilog.Settings:file-mode] | `json`, `text` |
 * | `FAPILOG_FILE__MAX_BYTES` | [property@Fapilog.Settings:file-max-bytes] | size; 0 disables rotation by size |
 * | `FAPILOG_FILE__INTERVAL_SECONDS` | [property@Fapilog.Settings:file-interval-seconds] | duration, 1ms to 365d, or `hourly`, `daily`, `weekly`; 0 disables rotation by time |
 * | `FAPILOG_FILE__MAX_FILES` | [property@Fapilog.Settings:file-max-files] | whole number, 0 (no limit) to 4294967295 |
 * | `FAPILOG_FILE__MAX_TOTAL_BYTES` | [property@Fapilog.Settings:file-max-total-bytes] | size; 0 for no limit |
 * | `FAPILOG_FILE__COMPRESS_ROTATED` | [property@Fapilog.Settings:file-compress-rotated] | boolean |
 * | `FAPILOG_FILE__FILE_MODE` | [property@Fapilog.Settings:file-file-mode] | octal permission bits, 0 to 0777 (`0640`, `640`) |
 * | `FAPILOG_FILE__FSYNC` | [property@Fapilog.Settings:file-fsync] | `never`, `rotate`, `batch` |
 * | `FAPILOG_HTTP__ENDPOINT` | [property@Fapilog.Settings:http-endpoint] | a URL |
 * | `FAPILOG_HTTP__HEADERS` | [property@Fapilog.Settings:http-headers] | JSON object of header names to string values; empty for none |
 * | `FAPILOG_HTTP__TIMEOUT_SECONDS` | [property@Fapilog.Settings:http-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_HTTP__RETRY_MAX_ATTEMPTS` | [property@Fapilog.Settings:http-retry-max-attempts] | whole number, 1 to 1000 |
 * | `FAPILOG_HTTP__RETRY_BACKOFF_SECONDS` | [property@Fapilog.Settings:http-retry-backoff-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_HTTP__RETRY_MAX_BACKOFF_SECONDS` | [property@Fapilog.Settings:http-retry-max-backoff-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_HTTP__BATCH_SIZE` | [property@Fapilog.Settings:http-batch-size] | whole number, 1 to 1000000 |
 * | `FAPILOG_HTTP__BATCH_TIMEOUT_SECONDS` | [property@Fapilog.Settings:http-batch-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_HTTP__BATCH_MAX_BYTES` | [property@Fapilog.Settings:http-batch-max-bytes] | size, at least 1 byte |
 * | `FAPILOG_HTTP__BATCH_FORMAT` | [property@Fapilog.Settings:http-batch-format] | `array`, `ndjson`, `wrapped` |
 * | `FAPILOG_HTTP__BATCH_WRAPPER_KEY` | [property@Fapilog.Settings:http-batch-wrapper-key] | text, not empty |
 * | `FAPILOG_HTTP__COMPRESSION` | [property@Fapilog.Settings:http-compression] | `none`, `gzip` |
 * | `FAPILOG_HTTP__TLS_CA_FILE` | [property@Fapilog.Settings:http-tls-ca-file] | a path |
 * | `FAPILOG_HTTP__MAX_PENDING_BYTES` | [property@Fapilog.Settings:http-max-pending-bytes] | size, at least 1 byte |
 * | `FAPILOG_WEBHOOK__ENDPOINT` | [property@Fapilog.Settings:webhook-endpoint] | a URL |
 * | `FAPILOG_WEBHOOK__SECRET` | [property@Fapilog.Settings:webhook-secret] | any text, taken byte for byte, never shown |
 * | `FAPILOG_WEBHOOK__HEADERS` | [property@Fapilog.Settings:webhook-headers] | JSON object of header names to string values; empty for none |
 * | `FAPILOG_WEBHOOK__TIMEOUT_SECONDS` | [property@Fapilog.Settings:webhook-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_WEBHOOK__RETRY_MAX_ATTEMPTS` | [property@Fapilog.Settings:webhook-retry-max-attempts] | whole number, 1 to 1000 |
 * | `FAPILOG_WEBHOOK__RETRY_BACKOFF_SECONDS` | [property@Fapilog.Settings:webhook-retry-backoff-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_WEBHOOK__RETRY_MAX_BACKOFF_SECONDS` | [property@Fapilog.Settings:webhook-retry-max-backoff-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_WEBHOOK__BATCH_SIZE` | [property@Fapilog.Settings:webhook-batch-size] | whole number, 1 to 1000000 |
 * | `FAPILOG_WEBHOOK__BATCH_TIMEOUT_SECONDS` | [property@Fapilog.Settings:webhook-batch-timeout-seconds] | duration, 1ms to 365d |
 * | `FAPILOG_WEBHOOK__MAX_PENDING_BYTES` | [property@Fapilog.Settings:webhook-max-pending-bytes] | size, at least 1 byte |
 * | `FAPILOG_WEBHOOK__TLS_CA_FILE` | [property@Fapilog.Settings:webhook-tls-ca-file] | a path |
 * | `FAPILOG_MMAP__PATH` | [property@Fapilog.Settings:mmap-path] | a path |
 * | `FAPILOG_MMAP__INITIAL_SIZE` | [property@Fapilog.Settings:mmap-initial-size] | size, 1 byte to 2^63 - 1 bytes |
 * | `FAPILOG_MMAP__GROWTH_FACTOR` | [property@Fapilog.Settings:mmap-growth-factor] | number, more than 1 and at most 1024 |
 * | `FAPILOG_MMAP__GROWTH_MIN_BYTES` | [property@Fapilog.Settings:mmap-growth-min-bytes] | size, 1 byte to 2^63 - 1 bytes |
 * | `FAPILOG_MMAP__MAX_SIZE` | [property@Fapilog.Settings:mmap-max-size] | size up to 2^63 - 1 bytes; 0 for no limit |
 * | `FAPILOG_MMAP__SYNC_MODE` | [property@Fapilog.Settings:mmap-sync-mode] | `none`, `interval`, `bytes`, `always` |
 * | `FAPILOG_MMAP__SYNC_INTERVAL_MS` | [property@Fapilog.Settings:mmap-sync-interval-ms] | whole number of milliseconds, 0 to 4294967295 |
 * | `FAPILOG_MMAP__SYNC_EVERY_BYTES` | [property@Fapilog.Settings:mmap-sync-every-bytes] | size, at least 1 byte |
 * | `FAPILOG_MMAP__FLUSH_ON_CLOSE` | [property@Fapilog.Settings:mmap-flush-on-close] | boolean |
 * | `FAPILOG_MMAP__FILE_MODE` | [property@Fapilog.Settings:mmap-file-mode] | octal permission bits, 0 to 0777 (`0640`, `640`) |
 *
 * Forms of values:
 *
 * - whole numbers are decimal, with an optional sign;
 * - durations are seconds (`5`, `0.25`) or a number with a unit: `ms`,
 *   `s`, `m`, `h`, `d`, `w` (`250ms`, `30s`, `1h`);
 * - sizes are a number of bytes or a number with `B`, `KB`, `MB`, `GB`,
 *   `TB` (or `KiB` … `TiB`), binary multiples (`10485760`, `10 MB`,
 *   `10MiB`);
 * - permission bits are octal, with or without a leading 0 (`0640`, `640`);
 * - numbers (the growth factor) are decimal, without sign or exponent
 *   (`2`, `1.5`);
 * - booleans are `true`, `false`, `1`, `0`, `yes`, `no`, `on` or `off`;
 * - lists are a JSON list of strings (`["stdout_json","http"]`) or a
 *   comma-separated list (`stdout_json, http`);
 * - headers are a JSON object of names to string values
 *   (`{"Authorization":"Bearer t0ken"}`); names are HTTP tokens, unique
 *   ignoring case, and values hold no line breaks or other control
 *   characters but tab;
 * - words (levels, policies, modes, booleans, units) are case-insensitive, and
 *   surrounding whitespace and one pair of surrounding quotes are ignored.
 *
 * Variable names are case-insensitive, as in the original fapilog
 * (`fapilog_core__log_level` works), except `ENV`, which must be spelled
 * in capitals because it is not in fapilog's namespace. When a name occurs
 * more than once, the last occurrence wins. An empty value of a text
 * variable (the secret included) counts as unset (so an empty
 * `FAPILOG_ENV` falls back to `ENV`); an empty list (`FAPILOG_CORE__SINKS`,
 * `FAPILOG_CORE__PROTECTED_LEVELS`) is an empty list and empty headers are
 * no headers; an empty value of any other variable, including
 * `FAPILOG_FILE__FILENAME_PREFIX` and `FAPILOG_HTTP__BATCH_WRAPPER_KEY`,
 * is an error.
 *
 * Other `FAPILOG_*` variables are ignored: those of later features and of
 * the original library that fapilog does not implement (such as
 * `FAPILOG_CORE__WORKER_COUNT` or `FAPILOG_CORE__ENRICHERS`), and
 * misspelled names.
 *
 * Every value is checked before any is applied: if one is bad, @error is
 * set to %FAPILOG_CONFIG_ERROR_INVALID_VALUE naming the first bad variable
 * (in the order of the table), its value and the accepted forms, and @self
 * is left untouched. The value of a `*__HEADERS` variable is never quoted,
 * since header values may be credentials: the message says what is wrong
 * and names the offending header, not its value. The secret is never
 * quoted either. Change notifications are emitted only for properties
 * whose value changed.
 *
 * Returns: %TRUE if every variable was valid and has been applied
 *
 * Since: 1.0
 */
gboolean
fapilog_settings_apply_environment (FapilogSettings     *self,
                                    const char * const  *envp,
                                    GError             **error)
{
  static const EnvVar preset_var = { "FAPILOG_PRESET", VAR_STRING, 0, FALSE, FALSE };
  g_auto(GStrv) process_env = NULL;
  GValue staged[N_PROPS] = { G_VALUE_INIT, };
  const char *preset_value;
  guint preset_index = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (envp == NULL)
    {
      process_env = g_get_environ ();
      envp = (const char * const *) process_env;
    }

  /* The preset first, as in the table of the documentation; empty means
   * none, like the other words that name something. */
  preset_value = lookup_env (envp, &preset_var);
  if (preset_value != NULL && *preset_value == '\0')
    preset_value = NULL;
  if (preset_value != NULL &&
      !_fapilog_parse_choice (preset_var.name, preset_value,
                              fapilog_settings_get_preset_names (), &preset_index, error))
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (env_vars); i++)
    {
      const EnvVar *var = &env_vars[i];
      const char *value = lookup_env (envp, var);
      GValue parsed = G_VALUE_INIT;

      if (value == NULL)
        continue;

      if (!parse_env_value (var, value, &parsed, error))
        {
          ok = FALSE;
          break;
        }

      if (!G_IS_VALUE (&parsed))
        continue;

      if (var->alias && G_IS_VALUE (&staged[var->prop_id]))
        {
          g_value_unset (&parsed);
          continue;
        }

      /* Non-alias entries are unique per property, so nothing is staged
       * here yet. */
      staged[var->prop_id] = parsed;
    }

  if (ok)
    {
      g_object_freeze_notify (G_OBJECT (self));
      if (preset_value != NULL)
        _fapilog_settings_use_preset (self, fapilog_settings_get_preset_names ()[preset_index],
                                      FAPILOG_SETTING_SOURCE_ENV);
    }

  for (guint prop_id = 1; prop_id < N_PROPS; prop_id++)
    {
      if (!G_IS_VALUE (&staged[prop_id]))
        continue;
      if (ok)
        settings_set (self, prop_id, &staged[prop_id], FAPILOG_SETTING_SOURCE_ENV);
      /* The staged copy of the secret (owned by the GValue) is wiped like
       * the stored one. */
      if (prop_id == PROP_WEBHOOK_SECRET)
        wipe_string ((char *) g_value_get_string (&staged[prop_id]));
      g_value_unset (&staged[prop_id]);
    }

  if (ok)
    g_object_thaw_notify (G_OBJECT (self));

  return ok;
}
