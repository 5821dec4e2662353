/* fapilog-presets.c: named sets of settings for common situations
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-config-parse-private.h"
#include "fapilog-enum-types.h"
#include "fapilog-settings-private.h"

/* The presets of the original library (reference: its get_logger(preset=)),
 * keeping only what fapilog has a setting for. Redactors, enrichers, worker
 * counts, the adaptive controller and the circuit breaker have no
 * counterpart here, so they are left out rather than faked. Two choices of
 * the original are not followed:
 *
 * - production narrows the protected levels to ERROR and CRITICAL; here
 *   audit and security entries stay protected, as by default;
 * - the deprecated "adaptive" alias of production is not offered.
 *
 * doc/configuration.md has one table per preset; keep it in step. */

typedef enum {
  VALUE_ENUM,
  VALUE_UINT,
  VALUE_UINT64,
  VALUE_DOUBLE,
  VALUE_BOOLEAN,
  VALUE_STRING,
  VALUE_STRV,
} ValueKind;

typedef struct {
  const char          *property;
  ValueKind            kind;
  guint64              number;  /* ENUM, UINT, UINT64, BOOLEAN */
  double               real;    /* DOUBLE */
  const char          *text;    /* STRING */
  const char * const  *list;    /* STRV */
} PresetValue;

#define ENUM(p, v)    { .property = (p), .kind = VALUE_ENUM, .number = (guint64) (v) }
#define UINT(p, v)    { .property = (p), .kind = VALUE_UINT, .number = (v) }
#define UINT64(p, v)  { .property = (p), .kind = VALUE_UINT64, .number = (v) }
#define DOUBLE(p, v)  { .property = (p), .kind = VALUE_DOUBLE, .real = (v) }
#define BOOLEAN(p, v) { .property = (p), .kind = VALUE_BOOLEAN, .number = (v) }
#define STRING(p, v)  { .property = (p), .kind = VALUE_STRING, .text = (v) }
#define STRV(p, ...)  { .property = (p), .kind = VALUE_STRV, \
                        .list = (const char * const []) { __VA_ARGS__, NULL } }

#define MIB(n) ((guint64) (n) << 20)

/* Development: everything, readable, at once. */
static const PresetValue dev_values[] = {
  ENUM ("log-level", FAPILOG_LEVEL_DEBUG),
  STRV ("sinks", "stdout_pretty"),
  UINT ("batch-max-size", 1),
  BOOLEAN ("internal-logging-enabled", TRUE),
};

/* A long-running service: JSON lines, batches, callers wait briefly for
 * room rather than lose entries, time to drain at shutdown. The file
 * limits apply when a rotating_file sink is used as well. */
static const PresetValue production_values[] = {
  ENUM ("log-level", FAPILOG_LEVEL_INFO),
  STRV ("sinks", "stdout_json"),
  UINT ("max-queue-size", 10000),
  UINT ("batch-max-size", 256),
  DOUBLE ("batch-timeout-seconds", 0.25),
  ENUM ("overflow-policy", FAPILOG_OVERFLOW_BLOCK),
  DOUBLE ("shutdown-timeout-seconds", 25.0),
  UINT64 ("file-max-bytes", MIB (50)),
  UINT ("file-max-files", 10),
  BOOLEAN ("file-compress-rotated", TRUE),
};

/* Short-lived functions: small batches, never make the caller wait. */
static const PresetValue serverless_values[] = {
  ENUM ("log-level", FAPILOG_LEVEL_INFO),
  STRV ("sinks", "stdout_json"),
  UINT ("max-queue-size", 10000),
  UINT ("batch-max-size", 25),
  ENUM ("overflow-policy", FAPILOG_OVERFLOW_DROP_NEWEST),
};

/* Keep a copy on disk as well, and do not drop under pressure. */
static const PresetValue hardened_values[] = {
  ENUM ("log-level", FAPILOG_LEVEL_INFO),
  STRV ("sinks", "stdout_json", "rotating_file"),
  UINT ("max-queue-size", 10000),
  UINT ("batch-max-size", 100),
  ENUM ("overflow-policy", FAPILOG_OVERFLOW_BLOCK),
  STRING ("file-directory", "./logs"),
  UINT64 ("file-max-bytes", MIB (50)),
  UINT ("file-max-files", 10),
  BOOLEAN ("file-compress-rotated", TRUE),
};

/* The defaults, stated: nothing more. */
static const PresetValue minimal_values[] = {
  UINT ("max-queue-size", 10000),
  UINT ("batch-max-size", 256),
  ENUM ("overflow-policy", FAPILOG_OVERFLOW_DROP_NEWEST),
};

typedef struct {
  const PresetValue *values;
  gsize              n_values;
} Preset;

/* In the order of preset_names. */
static const Preset presets[] = {
  { dev_values, G_N_ELEMENTS (dev_values) },
  { production_values, G_N_ELEMENTS (production_values) },
  { serverless_values, G_N_ELEMENTS (serverless_values) },
  { hardened_values, G_N_ELEMENTS (hardened_values) },
  { minimal_values, G_N_ELEMENTS (minimal_values) },
};

static const char * const preset_names[] = {
  "dev", "production", "serverless", "hardened", "minimal", NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (presets) + 1 == G_N_ELEMENTS (preset_names));

static void
value_init (GValue            *value,
            GParamSpec        *pspec,
            const PresetValue *preset_value)
{
  g_value_init (value, pspec->value_type);

  switch (preset_value->kind)
    {
    case VALUE_ENUM:
      g_value_set_enum (value, (gint) preset_value->number);
      break;
    case VALUE_UINT:
      g_value_set_uint (value, (guint) preset_value->number);
      break;
    case VALUE_UINT64:
      g_value_set_uint64 (value, preset_value->number);
      break;
    case VALUE_DOUBLE:
      g_value_set_double (value, preset_value->real);
      break;
    case VALUE_BOOLEAN:
      g_value_set_boolean (value, preset_value->number != 0);
      break;
    case VALUE_STRING:
      g_value_set_static_string (value, preset_value->text);
      break;
    case VALUE_STRV:
      g_value_set_static_boxed (value, preset_value->list);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
_fapilog_settings_use_preset (FapilogSettings      *self,
                              const char           *name,
                              FapilogSettingSource  chosen_by)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (self);
  const Preset *preset = NULL;

  for (guint i = 0; preset_names[i] != NULL; i++)
    if (strcmp (preset_names[i], name) == 0)
      preset = &presets[i];
  g_return_if_fail (preset != NULL);

  /* Who chooses the preset follows the precedence of the sources too:
   * FAPILOG_PRESET does not replace a preset the program applied. */
  if (self->preset != NULL && chosen_by < self->preset_chosen_by)
    return;

  /* One preset at a time: the new one replaces the whole layer, so that
   * nothing of a preset applied before lingers. */
  g_object_freeze_notify (G_OBJECT (self));
  _fapilog_settings_clear_source (self, FAPILOG_SETTING_SOURCE_PRESET);
  for (gsize i = 0; i < preset->n_values; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, preset->values[i].property);
      g_auto(GValue) value = G_VALUE_INIT;

      g_assert (pspec != NULL);
      value_init (&value, pspec, &preset->values[i]);
      _fapilog_settings_set_source_value (self, pspec, FAPILOG_SETTING_SOURCE_PRESET, &value);
    }
  g_free (self->preset);
  self->preset = g_strdup (name);
  self->preset_chosen_by = chosen_by;
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * fapilog_settings_get_preset_names:
 *
 * Lists the presets [method@Fapilog.Settings.apply_preset] knows: `dev`,
 * `production`, `serverless`, `hardened` and `minimal`.
 *
 * Returns: (transfer none) (array zero-terminated=1): the names
 *
 * Since: 1.0
 */
const char * const *
fapilog_settings_get_preset_names (void)
{
  return preset_names;
}

/**
 * fapilog_settings_apply_preset:
 * @self: settings
 * @name: the name of a preset (case-insensitive; `-` and `_` alike)
 * @error: return location for a #GError
 *
 * Applies a preset: a set of values for a common situation, as coming
 * from %FAPILOG_SETTING_SOURCE_PRESET, so that GSettings, the environment
 * and code override any of them, in whatever order they are applied.
 *
 * | Preset | For | What it sets |
 * |---|---|---|
 * | `dev` | development | level `debug`, sink `stdout_pretty`, batches of 1, internal diagnostics on |
 * | `production` | long-running services | level `info`, sink `stdout_json`, queue 10000, batches of 256 or 0.25 s, overflow `block`, shutdown timeout 25 s; for a `rotating_file` sink: files of 50 MiB, 10 kept, gzip |
 * | `serverless` | short-lived functions | level `info`, sink `stdout_json`, queue 10000, batches of 25, overflow `drop-newest` |
 * | `hardened` | a copy on disk, no loss under pressure | level `info`, sinks `stdout_json` and `rotating_file` in `./logs`, queue 10000, batches of 100, overflow `block`, files of 50 MiB, 10 kept, gzip |
 * | `minimal` | the defaults, stated | queue 10000, batches of 256, overflow `drop-newest` |
 *
 * One preset is in effect at a time: applying another replaces every
 * value of the first. A preset applied here replaces one chosen with
 * `FAPILOG_PRESET`, and is not replaced by it
 * ([method@Fapilog.Settings.apply_environment]): a program that wants the
 * environment to choose applies its preset only when `FAPILOG_PRESET` is
 * unset.
 *
 * Returns: %TRUE on success; %FALSE with a
 *   %FAPILOG_CONFIG_ERROR_INVALID_VALUE error listing the presets when
 *   @name is not one of them
 *
 * Since: 1.0
 */
gboolean
fapilog_settings_apply_preset (FapilogSettings  *self,
                               const char       *name,
                               GError          **error)
{
  guint index;

  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_fapilog_parse_choice ("preset", name, preset_names, &index, error))
    return FALSE;

  _fapilog_settings_use_preset (self, preset_names[index], FAPILOG_SETTING_SOURCE_CODE);
  return TRUE;
}

/**
 * fapilog_settings_get_preset:
 * @self: settings
 *
 * Returns: (nullable): the name of the preset in effect, or %NULL when
 *   none was applied
 *
 * Since: 1.0
 */
const char *
fapilog_settings_get_preset (FapilogSettings *self)
{
  g_return_val_if_fail (FAPILOG_IS_SETTINGS (self), NULL);

  return self->preset;
}
