/* fapilog-diagnostics.c: fapilog's own warnings, as JSON on stderr
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fapilog-diagnostics-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-fields-private.h"
#include "fapilog-io-private.h"
#include "fapilog-json-writer-private.h"

#define BUCKET_CAPACITY 5.0
#define BUCKET_REFILL_PER_SECOND 5.0

typedef struct {
  double  tokens;
  gint64  last_refill_us;
  guint64 suppressed;
} Bucket;

static gint enabled = TRUE;
static gint diag_fd = 2;
static GMutex buckets_lock;
static GHashTable *buckets;   /* component -> Bucket */

void
_fapilog_diagnostics_set_enabled (gboolean on)
{
  g_atomic_int_set (&enabled, on ? TRUE : FALSE);
}

gboolean
_fapilog_diagnostics_get_enabled (void)
{
  return g_atomic_int_get (&enabled);
}

void
_fapilog_diagnostics_set_fd (int fd)
{
  g_atomic_int_set (&diag_fd, fd >= 0 ? fd : 2);
}

/* Takes a token for @component; returns FALSE when the line must be
 * suppressed, and otherwise how many were suppressed since the last one. */
static gboolean
take_token (const char *component,
            guint64    *suppressed)
{
  gint64 now = g_get_monotonic_time ();
  Bucket *bucket;
  gboolean allowed;

  g_mutex_lock (&buckets_lock);
  if (buckets == NULL)
    buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bucket = g_hash_table_lookup (buckets, component);
  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = BUCKET_CAPACITY;
      bucket->last_refill_us = now;
      g_hash_table_insert (buckets, g_strdup (component), bucket);
    }
  bucket->tokens = MIN (BUCKET_CAPACITY,
                        bucket->tokens + (now - bucket->last_refill_us) *
                        BUCKET_REFILL_PER_SECOND / G_USEC_PER_SEC);
  bucket->last_refill_us = now;
  allowed = bucket->tokens >= 1.0;
  if (allowed)
    {
      bucket->tokens -= 1.0;
      *suppressed = bucket->suppressed;
      bucket->suppressed = 0;
    }
  else
    bucket->suppressed++;
  g_mutex_unlock (&buckets_lock);
  return allowed;
}

void
_fapilog_diag_warn (const char *component,
                    const char *message,
                    ...)
{
  const char *first_key;
  FapilogFieldCollector fields;
  FapilogJsonBuf buf;
  guint64 suppressed = 0;
  char ts[25];
  va_list args;

  if (!g_atomic_int_get (&enabled) || !take_token (component, &suppressed))
    return;

  _fapilog_field_collector_init (&fields);
  va_start (args, message);
  first_key = va_arg (args, const char *);
  _fapilog_field_collector_add_valist (&fields, first_key, &args);
  va_end (args);

  _fapilog_format_timestamp (g_get_real_time (), ts);
  _fapilog_json_buf_init (&buf, 256);
  _fapilog_json_buf_append_literal (&buf, "{\"ts\":");
  _fapilog_json_write_string (&buf, ts, strlen (ts));
  _fapilog_json_buf_append_literal (&buf, ",\"level\":\"WARN\",\"component\":");
  _fapilog_json_write_string (&buf, component, strlen (component));
  _fapilog_json_buf_append_literal (&buf, ",\"message\":");
  _fapilog_json_write_string (&buf, message, strlen (message));
  for (guint i = 0; i < fields.n_fields; i++)
    {
      /* Secret-looking keys are masked here too: a diagnostic may carry a
       * configuration value. */
      if (_fapilog_json_key_is_secret (fields.fields[i].key, fields.fields[i].key_len))
        {
          _fapilog_json_buf_append_c (&buf, ',');
          _fapilog_json_write_string (&buf, fields.fields[i].key, fields.fields[i].key_len);
          _fapilog_json_buf_append_literal (&buf, ":\"***\"");
        }
      else
        {
          _fapilog_json_buf_append_c (&buf, ',');
          _fapilog_json_write_string (&buf, fields.fields[i].key, fields.fields[i].key_len);
          _fapilog_json_buf_append_c (&buf, ':');
          _fapilog_envelope_write_field_value (&buf, &fields.fields[i], FAPILOG_JSON_MASK_SECRETS);
        }
    }
  if (suppressed > 0)
    {
      _fapilog_json_buf_append_literal (&buf, ",\"suppressed\":");
      _fapilog_json_write_uint (&buf, suppressed);
    }
  _fapilog_json_buf_append_literal (&buf, "}\n");
  _fapilog_field_collector_clear (&fields);

  /* Best effort: a diagnostic about a failing stderr has nowhere to go. */
  (void) _fapilog_io_write_all (g_atomic_int_get (&diag_fd), buf.data, buf.len,
                                "diagnostics", NULL, NULL);
  _fapilog_json_buf_clear (&buf);
}
