/* fapilog-settings-gsettings.c: settings from GSettings, and following them
 *
 * The schemas are data/org.fapilog.gschema.xml: org.fapilog at
 * /org/fapilog/, and org.fapilog.relocatable with the same keys for a
 * program's own path. Every key is named like the property it sets.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fapilog-config-parse-private.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-enum-types.h"
#include "fapilog-error.h"
#include "fapilog-settings-private.h"

typedef enum {
  KEY_ENUM,          /* 's': the nick of the property's GEnum */
  KEY_LEVELS,        /* 'as': level nicks, as the flags org.fapilog.Levels */
  KEY_UINT,          /* 'u' in the property's range */
  KEY_INT,           /* 'i' in the property's range */
  KEY_UINT64,        /* 't' in the property's range */
  KEY_DOUBLE,        /* 'd' in the property's range */
  KEY_INTERVAL,      /* 'd': 0, or at least FAPILOG_SETTINGS_MIN_DURATION */
  KEY_GROWTH_FACTOR, /* 'd': more than the property's minimum of 1 */
  KEY_BOOLEAN,       /* 'b' */
  KEY_TEXT,          /* 's': empty counts as unset */
  KEY_PREFIX,        /* 's': not empty, without '/' */
  KEY_WRAPPER_KEY,   /* 's': not empty */
  KEY_NAME_LIST,     /* 'as': sink names; empty is the default selection */
} KeyKind;

typedef struct {
  const char *name;  /* the key, and the property */
  KeyKind     kind;
  gboolean    live;  /* followed while a pipeline runs */
} Key;

/* Every FAPILOG_* variable but the secrets (webhook-secret, http-headers,
 * webhook-headers: GSettings keeps values in plain text), the aliases
 * (FAPILOG_CORE__DROP_ON_FULL, ENV) and FAPILOG_PRESET. In the order of
 * the documentation, which is also the order errors are found in. */
static const Key keys[] = {
  { "log-level",                         KEY_ENUM,          TRUE },
  { "max-queue-size",                    KEY_UINT,          FALSE },
  { "protected-queue-size",              KEY_UINT,          FALSE },
  { "protected-levels",                  KEY_LEVELS,        FALSE },
  { "batch-max-size",                    KEY_UINT,          FALSE },
  { "batch-timeout-seconds",             KEY_DOUBLE,        FALSE },
  { "overflow-policy",                   KEY_ENUM,          FALSE },
  { "backpressure-wait-ms",              KEY_INT,           FALSE },
  { "sinks",                             KEY_NAME_LIST,     FALSE },
  { "serialize-in-flush",                KEY_BOOLEAN,       FALSE },
  { "sink-write-timeout-seconds",        KEY_DOUBLE,        FALSE },
  { "sink-backlog-size",                 KEY_UINT,          FALSE },
  { "internal-logging-enabled",          KEY_BOOLEAN,       TRUE },
  { "shutdown-timeout-seconds",          KEY_DOUBLE,        FALSE },
  { "atexit-drain-enabled",              KEY_BOOLEAN,       FALSE },
  { "atexit-drain-timeout-seconds",      KEY_DOUBLE,        FALSE },
  { "service",                           KEY_TEXT,          FALSE },
  { "env",                               KEY_TEXT,          FALSE },
  { "version",                           KEY_TEXT,          FALSE },
  { "file-directory",                    KEY_TEXT,          FALSE },
  { "file-filename-prefix",              KEY_PREFIX,        FALSE },
  { "file-mode",                         KEY_ENUM,          FALSE },
  { "file-max-bytes",                    KEY_UINT64,        FALSE },
  { "file-interval-seconds",             KEY_INTERVAL,      FALSE },
  { "file-max-files",                    KEY_UINT,          FALSE },
  { "file-max-total-bytes",              KEY_UINT64,        FALSE },
  { "file-compress-rotated",             KEY_BOOLEAN,       FALSE },
  { "file-file-mode",                    KEY_UINT,          FALSE },
  { "file-fsync",                        KEY_ENUM,          FALSE },
  { "http-endpoint",                     KEY_TEXT,          FALSE },
  { "http-timeout-seconds",              KEY_DOUBLE,        FALSE },
  { "http-retry-max-attempts",           KEY_UINT,          FALSE },
  { "http-retry-backoff-seconds",        KEY_DOUBLE,        FALSE },
  { "http-retry-max-backoff-seconds",    KEY_DOUBLE,        FALSE },
  { "http-batch-size",                   KEY_UINT,          FALSE },
  { "http-batch-timeout-seconds",        KEY_DOUBLE,        FALSE },
  { "http-batch-max-bytes",              KEY_UINT64,        FALSE },
  { "http-batch-format",                 KEY_ENUM,          FALSE },
  { "http-batch-wrapper-key",            KEY_WRAPPER_KEY,   FALSE },
  { "http-compression",                  KEY_ENUM,          FALSE },
  { "http-tls-ca-file",                  KEY_TEXT,          FALSE },
  { "http-max-pending-bytes",            KEY_UINT64,        FALSE },
  { "webhook-endpoint",                  KEY_TEXT,          FALSE },
  { "webhook-timeout-seconds",           KEY_DOUBLE,        FALSE },
  { "webhook-retry-max-attempts",        KEY_UINT,          FALSE },
  { "webhook-retry-backoff-seconds",     KEY_DOUBLE,        FALSE },
  { "webhook-retry-max-backoff-seconds", KEY_DOUBLE,        FALSE },
  { "webhook-batch-size",                KEY_UINT,          FALSE },
  { "webhook-batch-timeout-seconds",     KEY_DOUBLE,        FALSE },
  { "webhook-max-pending-bytes",         KEY_UINT64,        FALSE },
  { "webhook-tls-ca-file",               KEY_TEXT,          FALSE },
  { "mmap-path",                         KEY_TEXT,          FALSE },
  { "mmap-initial-size",                 KEY_UINT64,        FALSE },
  { "mmap-growth-factor",                KEY_GROWTH_FACTOR, FALSE },
  { "mmap-growth-min-bytes",             KEY_UINT64,        FALSE },
  { "mmap-max-size",                     KEY_UINT64,        FALSE },
  { "mmap-sync-mode",                    KEY_ENUM,          FALSE },
  { "mmap-sync-interval-ms",             KEY_UINT,          FALSE },
  { "mmap-sync-every-bytes",             KEY_UINT64,        FALSE },
  { "mmap-flush-on-close",               KEY_BOOLEAN,       FALSE },
  { "mmap-file-mode",                    KEY_UINT,          FALSE },
};

/* The canonical level names, in level order, as the protected-levels
 * property reads them back. */
static const char * const level_names[] = {
  "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "AUDIT", "SECURITY"
};

static const GVariantType *
key_type (KeyKind kind)
{
  switch (kind)
    {
    case KEY_ENUM:
    case KEY_TEXT:
    case KEY_PREFIX:
    case KEY_WRAPPER_KEY:
      return G_VARIANT_TYPE_STRING;
    case KEY_LEVELS:
    case KEY_NAME_LIST:
      return G_VARIANT_TYPE_STRING_ARRAY;
    case KEY_UINT:
      return G_VARIANT_TYPE_UINT32;
    case KEY_INT:
      return G_VARIANT_TYPE_INT32;
    case KEY_UINT64:
      return G_VARIANT_TYPE_UINT64;
    case KEY_DOUBLE:
    case KEY_INTERVAL:
    case KEY_GROWTH_FACTOR:
      return G_VARIANT_TYPE_DOUBLE;
    case KEY_BOOLEAN:
      return G_VARIANT_TYPE_BOOLEAN;
    default:
      g_assert_not_reached ();
    }
}

/* "org.fapilog log-level", or with the path for a relocatable schema
 * ("org.fapilog.relocatable:/org/example/App/logging/ log-level"): what
 * `gsettings get` takes, so the message says how to look at the value. */
static char *
key_label (GSettings  *gsettings,
           const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *path = NULL;

  g_object_get (gsettings, "settings-schema", &schema, "path", &path, NULL);
  if (g_settings_schema_get_path (schema) != NULL)
    return g_strdup_printf ("%s %s", g_settings_schema_get_id (schema), key);
  return g_strdup_printf ("%s:%s %s", g_settings_schema_get_id (schema), path, key);
}

/* The text an error quotes: a string as it is, anything else printed. */
static char *
variant_text (GVariant *variant)
{
  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (variant, NULL);
  return g_variant_print (variant, FALSE);
}

static gboolean
invalid (GError    **error,
         const char *label,
         GVariant   *variant,
         const char *expected)
{
  g_autofree char *text = variant_text (variant);

  _fapilog_config_error_invalid (error, label, text, "%s", expected);
  return FALSE;
}

static gboolean
enum_from_variant (GParamSpec  *pspec,
                   GVariant    *variant,
                   const char  *label,
                   GValue      *out,
                   GError     **error)
{
  GEnumClass *klass = g_type_class_ref (pspec->value_type);
  GEnumValue *value = g_enum_get_value_by_nick (klass, g_variant_get_string (variant, NULL));

  if (value == NULL)
    {
      g_autoptr(GString) expected = g_string_new ("expected one of ");

      for (guint i = 0; i < klass->n_values; i++)
        g_string_append_printf (expected, "%s%s", i > 0 ? ", " : "",
                                klass->values[i].value_nick);
      g_type_class_unref (klass);
      return invalid (error, label, variant, expected->str);
    }

  g_value_init (out, pspec->value_type);
  g_value_set_enum (out, value->value);
  g_type_class_unref (klass);
  return TRUE;
}

static gboolean
levels_from_variant (GVariant    *variant,
                     const char  *label,
                     GValue      *out,
                     GError     **error)
{
  g_autofree const char **items = g_variant_get_strv (variant, NULL);
  GStrvBuilder *builder;
  guint mask = 0;

  for (guint i = 0; items[i] != NULL; i++)
    {
      FapilogLevel level;

      if (!_fapilog_parse_level (NULL, items[i], &level, NULL))
        return invalid (error, label, variant,
                        "expected a list of debug, info, warning, error, critical, "
                        "audit, security");
      mask |= FAPILOG_LEVEL_BIT (level);
    }

  /* Canonical, so that it compares with the built-in default. */
  builder = g_strv_builder_new ();
  for (guint i = 0; i < G_N_ELEMENTS (level_names); i++)
    if (mask & FAPILOG_LEVEL_BIT ((i + 1) * 10))
      g_strv_builder_add (builder, level_names[i]);
  g_value_init (out, G_TYPE_STRV);
  g_value_take_boxed (out, g_strv_builder_end (builder));
  g_strv_builder_unref (builder);
  return TRUE;
}

/* Converts the value of @key to @out, a value of the property, checking
 * what the schema cannot say. Returns FALSE with @error set when the value
 * is bad, TRUE with @out still unset when it counts as unset (empty text). */
static gboolean
value_from_variant (const Key   *key,
                    GParamSpec  *pspec,
                    GVariant    *variant,
                    const char  *label,
                    GValue      *out,
                    GError     **error)
{
  switch (key->kind)
    {
    case KEY_ENUM:
      return enum_from_variant (pspec, variant, label, out, error);

    case KEY_LEVELS:
      return levels_from_variant (variant, label, out, error);

    case KEY_UINT:
      {
        GParamSpecUInt *spec = G_PARAM_SPEC_UINT (pspec);
        guint32 n = g_variant_get_uint32 (variant);

        if (n < spec->minimum || n > spec->maximum)
          {
            g_autofree char *expected =
              g_strdup_printf ("expected a whole number from %u to %u", spec->minimum, spec->maximum);

            return invalid (error, label, variant, expected);
          }
        g_value_init (out, G_TYPE_UINT);
        g_value_set_uint (out, n);
      }
      return TRUE;

    case KEY_INT:
      {
        GParamSpecInt *spec = G_PARAM_SPEC_INT (pspec);
        gint32 n = g_variant_get_int32 (variant);

        if (n < spec->minimum || n > spec->maximum)
          {
            g_autofree char *expected =
              g_strdup_printf ("expected a whole number from %d to %d", spec->minimum, spec->maximum);

            return invalid (error, label, variant, expected);
          }
        g_value_init (out, G_TYPE_INT);
        g_value_set_int (out, n);
      }
      return TRUE;

    case KEY_UINT64:
      {
        GParamSpecUInt64 *spec = G_PARAM_SPEC_UINT64 (pspec);
        guint64 n = g_variant_get_uint64 (variant);

        if (n < spec->minimum || n > spec->maximum)
          {
            g_autofree char *expected =
              g_strdup_printf ("expected a size from %" G_GUINT64_FORMAT " to %"
                               G_GUINT64_FORMAT " bytes", spec->minimum, spec->maximum);

            return invalid (error, label, variant, expected);
          }
        g_value_init (out, G_TYPE_UINT64);
        g_value_set_uint64 (out, n);
      }
      return TRUE;

    case KEY_DOUBLE:
    case KEY_INTERVAL:
    case KEY_GROWTH_FACTOR:
      {
        GParamSpecDouble *spec = G_PARAM_SPEC_DOUBLE (pspec);
        double d = g_variant_get_double (variant);
        gboolean ok;
        g_autofree char *expected = NULL;

        if (key->kind == KEY_INTERVAL)
          {
            ok = d == 0.0 || (d >= FAPILOG_SETTINGS_MIN_DURATION && d <= spec->maximum);
            expected = g_strdup_printf ("expected 0 (no rotation by time) or seconds from "
                                        "%.15g to %.15g", FAPILOG_SETTINGS_MIN_DURATION,
                                        spec->maximum);
          }
        else if (key->kind == KEY_GROWTH_FACTOR)
          {
            ok = d > spec->minimum && d <= spec->maximum;
            expected = g_strdup_printf ("expected a number greater than %.15g and at most %.15g",
                                        spec->minimum, spec->maximum);
          }
        else
          {
            ok = d >= spec->minimum && d <= spec->maximum;
            expected = g_strdup_printf ("expected seconds from %.15g to %.15g",
                                        spec->minimum, spec->maximum);
          }
        /* The comparisons above are false for NaN. */
        if (!ok || !isfinite (d))
          return invalid (error, label, variant, expected);
        g_value_init (out, G_TYPE_DOUBLE);
        g_value_set_double (out, d);
      }
      return TRUE;

    case KEY_BOOLEAN:
      g_value_init (out, G_TYPE_BOOLEAN);
      g_value_set_boolean (out, g_variant_get_boolean (variant));
      return TRUE;

    case KEY_TEXT:
      {
        const char *text = g_variant_get_string (variant, NULL);

        /* As for the environment: empty is unset. */
        if (*text != '\0')
          {
            g_value_init (out, G_TYPE_STRING);
            g_value_set_string (out, text);
          }
      }
      return TRUE;

    case KEY_PREFIX:
      {
        const char *text = g_variant_get_string (variant, NULL);

        if (*text == '\0' || strchr (text, '/') != NULL)
          return invalid (error, label, variant,
                          "expected the start of a file name: not empty and without '/'");
        g_value_init (out, G_TYPE_STRING);
        g_value_set_string (out, text);
      }
      return TRUE;

    case KEY_WRAPPER_KEY:
      {
        const char *text = g_variant_get_string (variant, NULL);

        if (*text == '\0')
          return invalid (error, label, variant,
                          "expected the name of the member that holds the entries, "
                          "such as logs: not empty");
        g_value_init (out, G_TYPE_STRING);
        g_value_set_string (out, text);
      }
      return TRUE;

    case KEY_NAME_LIST:
      {
        g_auto(GStrv) names = g_variant_dup_strv (variant, NULL);

        /* [] is the default selection, which the property holds as NULL. */
        g_value_init (out, G_TYPE_STRV);
        if (names[0] != NULL)
          g_value_take_boxed (out, g_steal_pointer (&names));
      }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* Reads @key into @out when GSettings gives it a value of its own: one the
 * user set (even if equal to the default), or a default that differs from
 * fapilog's built-in one (a vendor override or a system administrator's
 * default). A key left at the schema's default, which is the built-in
 * default, leaves @out unset, so that it does not hide a preset. */
static gboolean
read_key (GSettings   *gsettings,
          const Key   *key,
          GParamSpec  *pspec,
          GValue      *out,
          GError     **error)
{
  g_autoptr(GVariant) user = g_settings_get_user_value (gsettings, key->name);
  g_autoptr(GVariant) effective = NULL;
  g_auto(GValue) builtin = G_VALUE_INIT;
  g_autofree char *label = key_label (gsettings, key->name);

  if (user != NULL)
    return value_from_variant (key, pspec, user, label, out, error);

  effective = g_settings_get_value (gsettings, key->name);
  if (!value_from_variant (key, pspec, effective, label, out, error))
    return FALSE;
  if (!G_IS_VALUE (out))
    return TRUE;

  _fapilog_settings_get_builtin_default (pspec, &builtin);
  if (_fapilog_settings_values_equal (pspec, out, &builtin))
    g_value_unset (out);
  return TRUE;
}

/* Whether @schema has @key with the type fapilog reads it as. A key it
 * lacks is skipped, so that a program's own schema may hold only some. */
static gboolean
check_key (GSettings        *gsettings,
           GSettingsSchema  *schema,
           const Key        *key,
           gboolean         *present,
           GError          **error)
{
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;
  const GVariantType *type;

  *present = g_settings_schema_has_key (schema, key->name);
  if (!*present)
    return TRUE;

  schema_key = g_settings_schema_get_key (schema, key->name);
  type = g_settings_schema_key_get_value_type (schema_key);
  if (!g_variant_type_equal (type, key_type (key->kind)))
    {
      g_autofree char *label = key_label (gsettings, key->name);

      g_set_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
                   "%s: the key has the type '%.*s'; fapilog reads it as '%.*s'",
                   label,
                   (int) g_variant_type_get_string_length (type),
                   g_variant_type_peek_string (type),
                   (int) g_variant_type_get_string_length (key_type (key->kind)),
                   g_variant_type_peek_string (key_type (key->kind)));
      return FALSE;
    }
  return TRUE;
}

/* org.fapilog at its path, or NULL when the schema is not installed (a
 * program that does not use it must not need it, and g_settings_new()
 * would abort). */
static GSettings *
default_gsettings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, FAPILOG_SETTINGS_SCHEMA_ID, TRUE);
  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * fapilog_settings_apply_gsettings:
 * @self: settings
 * @settings: (nullable): a [class@Gio.Settings] of the schema `org.fapilog`
 *   or `org.fapilog.relocatable` (or of any schema with keys named and
 *   typed like theirs), or %NULL for `org.fapilog` at `/org/fapilog/`
 *   when that schema is installed
 * @error: return location for a #GError
 *
 * Sets the properties from the GSettings keys of the same names, as
 * coming from %FAPILOG_SETTING_SOURCE_GSETTINGS: they override presets,
 * and are overridden by the environment and by code, in whatever order
 * they are applied.
 *
 * A key counts when it has a value of its own: set by the user (even to
 * the default), or a default of the system administrator or the vendor
 * that differs from fapilog's. A key at its default leaves the property
 * to the other sources (a preset's value shows through). Text keys left
 * empty count as unset, as empty `FAPILOG_*` text variables do. Keys the
 * schema of @settings does not have are skipped.
 *
 * Applying replaces whatever GSettings gave before, and @self keeps a
 * reference to @settings: a pipeline made from @self (or from a copy)
 * follows the keys that can change while it runs, `log-level` and
 * `internal-logging-enabled`, as long as it lives. Their changes are
 * delivered in the thread-default main context in which @settings was
 * created (usually the main thread's), so that main context must be
 * running for them to arrive. The other keys are read when a pipeline is
 * made.
 *
 * The schema rejects most bad values itself (ranges, enumerations,
 * levels; GSettings ignores a value that is out of range or of the wrong
 * type). The rest (an empty `file-filename-prefix` or one with `/`, an
 * empty `http-batch-wrapper-key`, a `file-interval-seconds` between 0 and
 * 0.001, an `mmap-growth-factor` of 1) fails with
 * %FAPILOG_CONFIG_ERROR_INVALID_VALUE naming the schema and the key as
 * `gsettings` takes them, the value and the accepted forms, and leaves
 * @self untouched.
 *
 * The schema has no key for the webhook secret or for the HTTP and
 * webhook headers, which may hold credentials: GSettings stores values in
 * plain text. Set those through the environment, or in the program from
 * a secret store such as libsecret.
 *
 * Returns: %TRUE on success (also when @settings is %NULL and the schema
 *   is not installed)
 *
 * Since: 1.0
 */
gboolean
fapilog_settings_apply_gsettings (FapilogSettings  *self,
                                  GSettings        *settings,
                                  GError          **error)
{
  g_autoptr(GSettings) found = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  GObjectClass *klass;
  GValue staged[G_N_ELEMENTS (keys)] = { G_VALUE_INIT, };
  gboolean present[G_N_ELEMENTS (keys)] = { FALSE, };
  gboolean ok = TRUE;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (settings == NULL)
    {
      found = default_gsettings ();
      if (found == NULL)
        return TRUE;
      settings = found;
    }

  klass = G_OBJECT_GET_CLASS (self);
  g_object_get (settings, "settings-schema", &schema, NULL);

  /* Everything is checked before anything is applied. */
  for (gsize i = 0; ok && i < G_N_ELEMENTS (keys); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, keys[i].name);

      g_assert (pspec != NULL);
      ok = check_key (settings, schema, &keys[i], &present[i], error) &&
           (!present[i] || read_key (settings, &keys[i], pspec, &staged[i], error));
    }

  if (ok)
    {
      g_object_freeze_notify (G_OBJECT (self));
      for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          GParamSpec *pspec = g_object_class_find_property (klass, keys[i].name);

          /* A key at its default takes back what an earlier GSettings
           * gave; a key the schema lacks leaves it. */
          if (G_IS_VALUE (&staged[i]))
            _fapilog_settings_set_source_value (self, pspec, FAPILOG_SETTING_SOURCE_GSETTINGS,
                                                &staged[i]);
          else if (present[i])
            _fapilog_settings_set_source_value (self, pspec, FAPILOG_SETTING_SOURCE_GSETTINGS,
                                                NULL);
        }
      g_set_object (&self->gsettings, settings);
      g_object_thaw_notify (G_OBJECT (self));
    }

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (G_IS_VALUE (&staged[i]))
      g_value_unset (&staged[i]);

  return ok;
}

gboolean
_fapilog_settings_apply_startup (FapilogSettings  *self,
                                 GError          **error)
{
  g_autoptr(FapilogSettings) trial = NULL;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* All or nothing, across both: on a copy first, so that a bad variable
   * after good keys leaves @self as it was. */
  trial = fapilog_settings_copy (self);
  if (!fapilog_settings_apply_gsettings (trial, NULL, error) ||
      !fapilog_settings_apply_environment (trial, NULL, error))
    return FALSE;

  /* The same GSettings object: the one the pipeline follows is the one
   * whose values it was made with. What was checked on the copy cannot
   * fail now, short of a key changing in between. */
  if (trial->gsettings != NULL &&
      !fapilog_settings_apply_gsettings (self, trial->gsettings, error))
    return FALSE;
  return fapilog_settings_apply_environment (self, NULL, error);
}

/* ------------------------------------------------------------------------
 * Following the live keys
 * ------------------------------------------------------------------------ */

struct _FapilogSettingsFollower {
  GWeakRef                 target;
  FapilogSettings         *live;       /* only touched in the GSettings' context */
  GSettings               *gsettings;
  FapilogSettingsLiveFunc  func;
  gulong                   handler_id;
};

/* The closure's destroy notify: after the handler is disconnected and
 * any emission running at that moment has returned. */
static void
follower_free (gpointer  data,
               GClosure *closure)
{
  FapilogSettingsFollower *follower = data;

  g_weak_ref_clear (&follower->target);
  g_clear_object (&follower->live);
  g_clear_object (&follower->gsettings);
  g_free (follower);
}

static void
on_gsettings_changed (GSettings  *gsettings,
                      const char *key_name,
                      gpointer    user_data)
{
  FapilogSettingsFollower *follower = user_data;
  const Key *key = NULL;
  GParamSpec *pspec;
  g_autoptr(GObject) target = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].live && strcmp (keys[i].name, key_name) == 0)
      key = &keys[i];
  if (key == NULL)
    return;

  target = g_weak_ref_get (&follower->target);
  if (target == NULL)
    return;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (follower->live), key->name);
  if (!read_key (gsettings, key, pspec, &value, &error))
    {
      /* The live keys are enumerations and booleans, which the schema
       * checks; a schema of the program's own might not. */
      _fapilog_diag_warn ("config", "ignoring a bad GSettings value",
                          "error", "s", error->message, NULL);
      return;
    }

  if (_fapilog_settings_set_source_value (follower->live, pspec,
                                          FAPILOG_SETTING_SOURCE_GSETTINGS,
                                          G_IS_VALUE (&value) ? &value : NULL))
    follower->func (target, follower->live, pspec);
}

FapilogSettingsFollower *
_fapilog_settings_follow (FapilogSettings         *settings,
                          GObject                 *target,
                          FapilogSettingsLiveFunc  func)
{
  FapilogSettingsFollower *follower;
  g_autoptr(GSettingsSchema) schema = NULL;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (G_IS_OBJECT (target), NULL);
  g_return_val_if_fail (func != NULL, NULL);

  if (settings->gsettings == NULL)
    return NULL;

  follower = g_new0 (FapilogSettingsFollower, 1);
  g_weak_ref_init (&follower->target, target);
  follower->live = fapilog_settings_copy (settings);
  follower->gsettings = g_object_ref (settings->gsettings);
  follower->func = func;
  follower->handler_id = g_signal_connect_data (follower->gsettings, "changed",
                                                G_CALLBACK (on_gsettings_changed), follower,
                                                follower_free, 0);

  /* A backend may signal a change only for keys read since a handler was
   * connected (dconf does). */
  g_object_get (follower->gsettings, "settings-schema", &schema, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].live && g_settings_schema_has_key (schema, keys[i].name))
      g_variant_unref (g_settings_get_value (follower->gsettings, keys[i].name));

  return follower;
}

void
_fapilog_settings_unfollow (FapilogSettingsFollower *follower)
{
  GSettings *gsettings;

  if (follower == NULL)
    return;

  /* Disconnecting may free the follower: keep what is needed. */
  gsettings = g_object_ref (follower->gsettings);
  g_signal_handler_disconnect (gsettings, follower->handler_id);
  g_object_unref (gsettings);
}
