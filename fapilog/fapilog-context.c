/* fapilog-context.c: thread-scoped context captured at log time
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-context-private.h"

/* Each thread holds one immutable snapshot. Changing the context builds a new
 * snapshot (copy-on-write), so capturing it in a log call is one atomic
 * increment, and the worker can read a captured snapshot while the caller
 * thread goes on changing its context. */
static void snapshot_release (gpointer data);

static GPrivate current_snapshot = G_PRIVATE_INIT (snapshot_release);

static void
snapshot_release (gpointer data)
{
  _fapilog_context_snapshot_unref (data);
}

FapilogContextSnapshot *
_fapilog_context_snapshot_ref (FapilogContextSnapshot *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
_fapilog_context_snapshot_unref (FapilogContextSnapshot *self)
{
  _fapilog_context_snapshot_unref_n (self, 1);
}

void
_fapilog_context_snapshot_unref_n (FapilogContextSnapshot *self,
                                   guint                   n)
{
  if (self != NULL && n > 0 && g_atomic_int_add (&self->ref_count, -(gint) n) == (gint) n)
    {
      g_free (self->correlation_id);
      _fapilog_field_set_unref (self->fields);
      g_free (self);
    }
}

FapilogContextSnapshot *
_fapilog_context_capture (void)
{
  FapilogContextSnapshot *snapshot = g_private_get (&current_snapshot);

  return snapshot != NULL ? _fapilog_context_snapshot_ref (snapshot) : NULL;
}

/* Installs a new snapshot (taking ownership) or none if it would be empty. */
static void
install (char            *correlation_id,
         FapilogFieldSet *fields)
{
  FapilogContextSnapshot *snapshot = NULL;

  if (fields != NULL && fields->n_fields == 0)
    g_clear_pointer (&fields, _fapilog_field_set_unref);

  if (correlation_id != NULL || fields != NULL)
    {
      snapshot = g_new0 (FapilogContextSnapshot, 1);
      snapshot->ref_count = 1;
      snapshot->correlation_id = correlation_id;
      snapshot->correlation_id_len = correlation_id != NULL ? strlen (correlation_id) : 0;
      snapshot->fields = fields;
    }
  /* g_private_replace releases the old snapshot; entries that captured it
   * keep their own references. */
  g_private_replace (&current_snapshot, snapshot);
}

static FapilogFieldSet *
current_fields_ref (void)
{
  FapilogContextSnapshot *snapshot = g_private_get (&current_snapshot);

  if (snapshot == NULL || snapshot->fields == NULL)
    return NULL;
  return _fapilog_field_set_ref (snapshot->fields);
}

static char *
current_correlation_id_dup (void)
{
  FapilogContextSnapshot *snapshot = g_private_get (&current_snapshot);

  return snapshot != NULL ? g_strdup (snapshot->correlation_id) : NULL;
}

/**
 * fapilog_context_set_correlation_id:
 * @id: (nullable): the correlation id, or %NULL to remove it
 *
 * Sets the correlation id of the calling thread. Every entry logged from
 * this thread afterwards carries it as `context.correlation_id`, whatever
 * logger it is logged through; entries already logged keep the value they
 * captured.
 *
 * Since: 1.0
 */
void
fapilog_context_set_correlation_id (const char *id)
{
  install (g_strdup (id), current_fields_ref ());
}

/**
 * fapilog_context_dup_correlation_id:
 *
 * Returns the correlation id of the calling thread.
 *
 * Returns: (transfer full) (nullable): the correlation id, or %NULL
 *
 * Since: 1.0
 */
char *
fapilog_context_dup_correlation_id (void)
{
  return current_correlation_id_dup ();
}

/* Rebuilds the thread's field set without @key, then adds @value under it
 * (when @value is not NULL). */
static void
rebuild_fields (const char *key,
                GVariant   *value)
{
  FapilogContextSnapshot *snapshot = g_private_get (&current_snapshot);
  FapilogFieldSet *old = snapshot != NULL ? snapshot->fields : NULL;
  FapilogFieldCollector collector;
  FapilogFieldSet *fields;
  gsize key_len = strlen (key);

  _fapilog_field_collector_init (&collector);
  if (old != NULL)
    {
      for (guint i = 0; i < old->n_fields; i++)
        {
          const FapilogField *field = &old->fields[i];

          if (field->key_len != key_len || memcmp (field->key, key, key_len) != 0)
            _fapilog_field_collector_add_field (&collector, field);
        }
    }
  if (value != NULL)
    _fapilog_field_collector_add_variant (&collector, key, value);

  fields = _fapilog_field_collector_to_set (&collector);
  _fapilog_field_collector_clear (&collector);
  install (current_correlation_id_dup (), fields);
}

/**
 * fapilog_context_bind:
 * @key: the field name
 * @value: the value; a floating reference is sunk
 *
 * Binds a field to the calling thread: every entry logged from this thread
 * afterwards carries it. The keys `request_id`, `user_id`, `tenant_id`,
 * `trace_id` and `span_id` (and `correlation_id`) go to the envelope's
 * `context` object, any other key to `data`. Binding a key again replaces
 * its value.
 *
 * The context is captured when an entry is logged, on the logging thread,
 * so it is right even though the entry is serialized later on the worker.
 *
 * Since: 1.0
 */
void
fapilog_context_bind (const char *key,
                      GVariant   *value)
{
  g_return_if_fail (key != NULL && *key != '\0');
  g_return_if_fail (value != NULL);

  /* Keep the caller's reference: sink a floating one, add one otherwise. */
  rebuild_fields (key, g_variant_ref_sink (value));
}

/**
 * fapilog_context_unbind:
 * @key: the field name
 *
 * Removes one field bound with [func@Fapilog.context_bind] from the calling
 * thread.
 *
 * Since: 1.0
 */
void
fapilog_context_unbind (const char *key)
{
  g_return_if_fail (key != NULL);

  rebuild_fields (key, NULL);
}

/**
 * fapilog_context_clear:
 *
 * Removes the correlation id and every bound field from the calling thread.
 *
 * Since: 1.0
 */
void
fapilog_context_clear (void)
{
  install (NULL, NULL);
}
