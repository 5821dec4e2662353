/* fapilog-http-sink-base.c: the FapilogSink glue the http and webhook sinks
 * share around their delivery engine
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-error.h"
#include "fapilog-http-sink-base-private.h"
#include "fapilog-webhook-signature-private.h"

void
_fapilog_http_sink_base_init (FapilogHttpSinkBase *base,
                              const char          *name,
                              const char          *component,
                              guint                default_batch_size)
{
  memset (base, 0, sizeof *base);
  g_mutex_init (&base->lock);
  base->name = name;
  base->component = component;
  base->timeout_seconds = FAPILOG_HTTP_SINK_DEFAULT_TIMEOUT_SECONDS;
  base->retry_max_attempts = FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_ATTEMPTS;
  base->retry_backoff_seconds = FAPILOG_HTTP_SINK_DEFAULT_RETRY_BACKOFF_SECONDS;
  base->retry_max_backoff_seconds = FAPILOG_HTTP_SINK_DEFAULT_RETRY_MAX_BACKOFF_SECONDS;
  base->batch_size = default_batch_size;
  base->batch_timeout_seconds = FAPILOG_HTTP_SINK_DEFAULT_BATCH_TIMEOUT_SECONDS;
  base->max_pending_bytes = FAPILOG_HTTP_SINK_DEFAULT_MAX_PENDING_BYTES;
  base->header_names = g_ptr_array_new_with_free_func (g_free);
  base->header_values = g_ptr_array_new_with_free_func (g_free);
}

void
_fapilog_http_sink_base_dispose (FapilogHttpSinkBase *base)
{
  /* Only when the sink was dropped without being stopped. The engine
   * reports what it still holds as signals on the sink, which must still
   * be alive for that: hence dispose, not finalize. */
  if (base->delivery != NULL)
    _fapilog_http_delivery_free (g_steal_pointer (&base->delivery));
}

static void
wipe_string (char *s)
{
  if (s != NULL)
    _fapilog_secure_wipe (s, strlen (s));
}

void
_fapilog_http_sink_base_clear (FapilogHttpSinkBase *base)
{
  g_clear_pointer (&base->endpoint, g_free);
  g_clear_pointer (&base->tls_ca_file, g_free);
  /* Header values may be credentials (Authorization). */
  g_ptr_array_foreach (base->header_values, (GFunc) wipe_string, NULL);
  g_clear_pointer (&base->header_names, g_ptr_array_unref);
  g_clear_pointer (&base->header_values, g_ptr_array_unref);
  g_mutex_clear (&base->lock);
}

/* ---- headers ------------------------------------------------------------ */

void
_fapilog_http_sink_base_set_header (FapilogHttpSinkBase *base,
                                    const char          *name,
                                    const char          *value)
{
  guint i;

  g_mutex_lock (&base->lock);
  /* Names compare without regard to case, as HTTP has it; a header keeps
   * the place it was first set in. */
  for (i = 0; i < base->header_names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (base->header_names, i), name) == 0)
      break;
  if (i < base->header_names->len)
    {
      /* The old value may be a credential: wipe it before it is freed. */
      wipe_string (g_ptr_array_index (base->header_values, i));
      if (value != NULL)
        {
          g_free (g_ptr_array_index (base->header_values, i));
          g_ptr_array_index (base->header_values, i) = g_strdup (value);
        }
      else
        {
          g_ptr_array_remove_index (base->header_names, i);
          g_ptr_array_remove_index (base->header_values, i);
        }
    }
  else if (value != NULL)
    {
      g_ptr_array_add (base->header_names, g_strdup (name));
      g_ptr_array_add (base->header_values, g_strdup (value));
    }
  g_mutex_unlock (&base->lock);
}

/* ---- properties --------------------------------------------------------- */

void
_fapilog_http_sink_base_get_property (FapilogHttpSinkBase *base,
                                      guint                prop_id,
                                      GValue              *value)
{
  g_mutex_lock (&base->lock);
  switch (prop_id)
    {
    case FAPILOG_HTTP_SINK_BASE_PROP_ENDPOINT:
      g_value_set_string (value, base->endpoint);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_TIMEOUT_SECONDS:
      g_value_set_double (value, base->timeout_seconds);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_ATTEMPTS:
      g_value_set_uint (value, base->retry_max_attempts);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_RETRY_BACKOFF_SECONDS:
      g_value_set_double (value, base->retry_backoff_seconds);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_BACKOFF_SECONDS:
      g_value_set_double (value, base->retry_max_backoff_seconds);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_BATCH_SIZE:
      g_value_set_uint (value, base->batch_size);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_BATCH_TIMEOUT_SECONDS:
      g_value_set_double (value, base->batch_timeout_seconds);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_MAX_PENDING_BYTES:
      g_value_set_uint64 (value, base->max_pending_bytes);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_TLS_CA_FILE:
      g_value_set_string (value, base->tls_ca_file);
      break;
    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&base->lock);
}

gboolean
_fapilog_http_sink_base_store_string (char         **field,
                                      const GValue  *value)
{
  const char *s = g_value_get_string (value);

  if (g_strcmp0 (*field, s) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (s);
  return TRUE;
}

#define STORE(field, getter) \
  G_STMT_START { \
    __typeof__ (field) v_ = getter (value); \
    changed = field != v_; \
    field = v_; \
  } G_STMT_END

gboolean
_fapilog_http_sink_base_set_property (FapilogHttpSinkBase *base,
                                      guint                prop_id,
                                      const GValue        *value)
{
  gboolean changed = FALSE;

  g_mutex_lock (&base->lock);
  switch (prop_id)
    {
    case FAPILOG_HTTP_SINK_BASE_PROP_ENDPOINT:
      changed = _fapilog_http_sink_base_store_string (&base->endpoint, value);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_TIMEOUT_SECONDS:
      STORE (base->timeout_seconds, g_value_get_double);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_ATTEMPTS:
      STORE (base->retry_max_attempts, g_value_get_uint);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_RETRY_BACKOFF_SECONDS:
      STORE (base->retry_backoff_seconds, g_value_get_double);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_RETRY_MAX_BACKOFF_SECONDS:
      STORE (base->retry_max_backoff_seconds, g_value_get_double);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_BATCH_SIZE:
      STORE (base->batch_size, g_value_get_uint);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_BATCH_TIMEOUT_SECONDS:
      STORE (base->batch_timeout_seconds, g_value_get_double);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_MAX_PENDING_BYTES:
      STORE (base->max_pending_bytes, g_value_get_uint64);
      break;
    case FAPILOG_HTTP_SINK_BASE_PROP_TLS_CA_FILE:
      changed = _fapilog_http_sink_base_store_string (&base->tls_ca_file, value);
      break;
    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&base->lock);
  return changed;
}

#undef STORE

/* ---- the sink interface ------------------------------------------------- */

/* A snapshot taken under the lock, so that setting a property while the
 * sink runs cannot change the engine under it (it applies from the next
 * start). */
static void
snapshot_config (FapilogHttpSinkBase       *base,
                 gpointer                   sink,
                 FapilogHttpSinkConfigFunc  config_func,
                 FapilogHttpDeliveryConfig *config)
{
  guint n_headers;

  memset (config, 0, sizeof *config);

  g_mutex_lock (&base->lock);
  n_headers = base->header_names->len;
  config->endpoint = g_strdup (base->endpoint);
  config->header_names = g_new0 (char *, n_headers + 1);
  config->header_values = g_new0 (char *, n_headers + 1);
  for (guint i = 0; i < n_headers; i++)
    {
      config->header_names[i] = g_strdup (g_ptr_array_index (base->header_names, i));
      config->header_values[i] = g_strdup (g_ptr_array_index (base->header_values, i));
    }
  config->timeout_seconds = base->timeout_seconds;
  config->retry_max_attempts = base->retry_max_attempts;
  config->retry_backoff_seconds = base->retry_backoff_seconds;
  config->retry_max_backoff_seconds = base->retry_max_backoff_seconds;
  config->batch_size = base->batch_size;
  config->batch_timeout_seconds = base->batch_timeout_seconds;
  config->max_pending_bytes = (gsize) MIN (base->max_pending_bytes, G_MAXSIZE);
  config->tls_ca_file = g_strdup (base->tls_ca_file);
  config_func (sink, config);
  g_mutex_unlock (&base->lock);
}

static void
clear_config (FapilogHttpDeliveryConfig *config)
{
  /* The engine keeps copies of its own; ours of the header values may be
   * credentials. */
  for (guint i = 0; config->header_values[i] != NULL; i++)
    wipe_string (config->header_values[i]);
  _fapilog_http_delivery_config_clear (config);
}

void
_fapilog_http_sink_base_start (FapilogHttpSinkBase       *base,
                               FapilogSink               *sink,
                               FapilogHttpSinkConfigFunc  config_func,
                               FapilogHttpDecorateFunc    decorate,
                               gpointer                   decorate_data,
                               GTask                     *task_)
{
  g_autoptr(GTask) task = task_;
  FapilogHttpDeliveryConfig config;
  FapilogHttpDelivery *delivery;
  GError *error = NULL;

  g_task_set_source_tag (task, _fapilog_http_sink_base_start);

  /* Only the worker sets `delivery`, and start runs there: no lock. */
  if (base->delivery != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  snapshot_config (base, sink, config_func, &config);
  /* Made outside the lock: health_check() need not wait for a session. */
  delivery = _fapilog_http_delivery_new (sink, base->component, &config, &error);
  clear_config (&config);
  if (delivery == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (decorate != NULL)
    _fapilog_http_delivery_set_decorate (delivery, decorate, decorate_data);

  g_mutex_lock (&base->lock);
  base->delivery = delivery;
  base->stopped_unhealthy = FALSE;
  g_mutex_unlock (&base->lock);
  g_task_return_boolean (task, TRUE);
}

/* The delivery is only touched on the worker (start, write, flush and stop
 * all run there), so write, flush and stop use it without the lock, which
 * guards it for health_check() alone. */

/* Accepting is all a write does: the engine reports each entry's outcome
 * later (these are buffering sinks). */
void
_fapilog_http_sink_base_write_batch (FapilogHttpSinkBase *base,
                                     FapilogBatch        *batch,
                                     GTask               *task_)
{
  g_autoptr(GTask) task = task_;

  g_task_set_source_tag (task, _fapilog_http_sink_base_write_batch);

  if (base->delivery == NULL)
    {
      g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED,
                               "the %s sink is not started", base->name);
      return;
    }
  _fapilog_http_delivery_add (base->delivery, batch, 0, fapilog_batch_get_n_entries (batch));
  g_task_return_boolean (task, TRUE);
}

static void
on_delivery_flushed (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FapilogHttpSinkBase *base = g_task_get_task_data (task);
  GError *error = NULL;

  /* A stop that completed first has reported every entry already, which is
   * all a flush waits for; the engine is gone then. */
  if (base->delivery != NULL && !_fapilog_http_delivery_flush_finish (base->delivery, result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
_fapilog_http_sink_base_flush (FapilogHttpSinkBase *base,
                               GCancellable        *cancellable,
                               GTask               *task_)
{
  g_autoptr(GTask) task = task_;

  g_task_set_source_tag (task, _fapilog_http_sink_base_flush);
  /* Like the engine's: nothing is abandoned on flush, the outcomes are
   * reported anyway, so a cancellable that fires meanwhile is no error. */
  g_task_set_check_cancellable (task, FALSE);

  if (base->delivery == NULL)
    {
      /* Nothing is held outside start and stop. */
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_set_task_data (task, base, NULL);
  _fapilog_http_delivery_flush_async (base->delivery, cancellable, on_delivery_flushed,
                                      g_steal_pointer (&task));
}

static void
on_delivery_stopped (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FapilogHttpSinkBase *base = g_task_get_task_data (task);
  FapilogHttpDelivery *delivery;
  GError *error = NULL;
  gboolean ok;

  ok = _fapilog_http_delivery_stop_finish (base->delivery, result, &error);

  /* The health it ended with is kept for health_check(). */
  g_mutex_lock (&base->lock);
  delivery = g_steal_pointer (&base->delivery);
  base->stopped_unhealthy = !_fapilog_http_delivery_is_healthy (delivery);
  g_mutex_unlock (&base->lock);
  /* Freed here, on the worker, where its session was made: libsoup wants
   * that. */
  _fapilog_http_delivery_free (delivery);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_fapilog_http_sink_base_stop (FapilogHttpSinkBase *base,
                              GCancellable        *cancellable,
                              GTask               *task_)
{
  g_autoptr(GTask) task = task_;

  g_task_set_source_tag (task, _fapilog_http_sink_base_stop);
  /* @cancellable is the shutdown deadline: the engine reacts to it by
   * reporting what it still holds as failed, then completes, and this task
   * must still report that. */
  g_task_set_check_cancellable (task, FALSE);

  if (base->delivery == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_set_task_data (task, base, NULL);
  _fapilog_http_delivery_stop_async (base->delivery, cancellable, on_delivery_stopped,
                                     g_steal_pointer (&task));
}

/* Healthy unless the last attempt failed; a sink that has sent nothing yet
 * is healthy. */
gboolean
_fapilog_http_sink_base_health (FapilogHttpSinkBase *base)
{
  gboolean healthy;

  g_mutex_lock (&base->lock);
  if (base->delivery != NULL)
    healthy = _fapilog_http_delivery_is_healthy (base->delivery);
  else
    healthy = !base->stopped_unhealthy;
  g_mutex_unlock (&base->lock);
  return healthy;
}

gboolean
_fapilog_http_sink_base_task_finish (FapilogSink   *sink,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
