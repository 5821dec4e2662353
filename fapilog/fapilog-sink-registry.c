/* fapilog-sink-registry.c: sink names to factories
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-builtin-sinks-private.h"
#include "fapilog-config-parse-private.h"
#include "fapilog-error.h"
#include "fapilog-sink-registry.h"

typedef struct {
  FapilogSinkFactory factory;
  gpointer           user_data;
  GDestroyNotify     destroy;
} Registration;

static GMutex registry_lock;
static GHashTable *registry;   /* normalized name -> Registration */

static void
registration_free (gpointer data)
{
  Registration *registration = data;

  if (registration->destroy != NULL)
    registration->destroy (registration->user_data);
  g_free (registration);
}

/* Called with the lock held. The built-ins register through the public
 * function, so the lock is dropped around that one call. */
static void
ensure_registry_locked (void)
{
  if (registry != NULL)
    return;
  registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, registration_free);
  g_mutex_unlock (&registry_lock);
  _fapilog_builtin_sinks_register ();
  g_mutex_lock (&registry_lock);
}

/**
 * fapilog_sink_registry_register:
 * @name: the sink name, as used in `FAPILOG_CORE__SINKS`
 * @factory: (scope notified) (closure user_data) (destroy destroy): makes the sink
 * @user_data: data for @factory
 * @destroy: (nullable): frees @user_data when the registration is replaced
 *
 * Makes a sink available by name to [method@Fapilog.Pipeline.add_configured_sinks]
 * and the default pipeline. Names are normalized (lower case, `-` becomes
 * `_`). Registering a name again replaces the earlier factory, so an
 * application can override a built-in sink.
 *
 * Returns: %TRUE if @name was new, %FALSE if it replaced a registration
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_registry_register (const char         *name,
                                FapilogSinkFactory  factory,
                                gpointer            user_data,
                                GDestroyNotify      destroy)
{
  Registration *registration;
  gboolean is_new;
  char *key;

  g_return_val_if_fail (name != NULL && *name != '\0', FALSE);
  g_return_val_if_fail (factory != NULL, FALSE);

  key = _fapilog_normalize_name (name);
  registration = g_new0 (Registration, 1);
  registration->factory = factory;
  registration->user_data = user_data;
  registration->destroy = destroy;

  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    {
      /* Registering before first use: make the table, then let the
       * built-ins in (they never replace an existing entry). */
      ensure_registry_locked ();
    }
  is_new = g_hash_table_replace (registry, key, registration);
  g_mutex_unlock (&registry_lock);
  return is_new;
}

/**
 * fapilog_sink_registry_contains:
 * @name: a sink name
 *
 * Returns: %TRUE if a sink called @name can be created
 *
 * Since: 1.0
 */
gboolean
fapilog_sink_registry_contains (const char *name)
{
  g_autofree char *key = NULL;
  gboolean found;

  g_return_val_if_fail (name != NULL, FALSE);

  key = _fapilog_normalize_name (name);
  g_mutex_lock (&registry_lock);
  ensure_registry_locked ();
  found = g_hash_table_contains (registry, key);
  g_mutex_unlock (&registry_lock);
  return found;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * fapilog_sink_registry_list:
 *
 * Returns: (transfer full) (array zero-terminated=1): the registered sink
 *   names, sorted
 *
 * Since: 1.0
 */
char **
fapilog_sink_registry_list (void)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_mutex_lock (&registry_lock);
  ensure_registry_locked ();
  g_hash_table_iter_init (&iter, registry);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, g_strdup (key));
  g_mutex_unlock (&registry_lock);

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/**
 * fapilog_sink_registry_create:
 * @name: a sink name
 * @settings: the settings to configure the sink from
 * @error: return location for a #GError
 *
 * Creates a sink by name. An unknown name gives
 * %FAPILOG_CONFIG_ERROR_UNKNOWN_SINK with the list of known names.
 *
 * Returns: (transfer full): a new sink, or %NULL with @error set
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_sink_registry_create (const char       *name,
                              FapilogSettings  *settings,
                              GError          **error)
{
  g_autofree char *key = NULL;
  Registration registration = { 0 };
  gboolean found;
  FapilogSink *sink;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (FAPILOG_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = _fapilog_normalize_name (name);
  g_mutex_lock (&registry_lock);
  ensure_registry_locked ();
  {
    Registration *found_registration = g_hash_table_lookup (registry, key);
    found = found_registration != NULL;
    if (found)
      registration = *found_registration;
  }
  g_mutex_unlock (&registry_lock);

  if (!found)
    {
      g_auto(GStrv) known = fapilog_sink_registry_list ();
      g_autofree char *list = g_strjoinv (", ", known);

      g_set_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_UNKNOWN_SINK,
                   "unknown sink \"%s\": known sinks are %s", name, list);
      return NULL;
    }

  /* The factory runs without the lock: it may look up other sinks. */
  sink = registration.factory (settings, registration.user_data, error);
  if (sink == NULL && error != NULL && *error == NULL)
    g_set_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_SINK_FAILED,
                 "sink \"%s\" could not be created", name);
  g_return_val_if_fail (sink == NULL || FAPILOG_IS_SINK (sink), NULL);
  return sink;
}
