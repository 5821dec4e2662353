/* fapilog-stats.c: what the pipeline did with the entries it was given
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-json-writer-private.h"
#include "fapilog-stats-private.h"

struct _FapilogStats {
  gint                 ref_count;
  FapilogQueueCounters counters;
  GPtrArray           *sink_names;     /* char* */
  GArray              *sink_written;   /* guint64 */
  GArray              *sink_failed;    /* guint64 */
};

G_DEFINE_BOXED_TYPE (FapilogStats, fapilog_stats, fapilog_stats_ref, fapilog_stats_unref)

FapilogStats *
_fapilog_stats_new (const FapilogQueueCounters *counters,
                    GPtrArray                  *sink_names,
                    GArray                     *sink_written,
                    GArray                     *sink_failed)
{
  FapilogStats *self = g_new0 (FapilogStats, 1);

  self->ref_count = 1;
  self->counters = *counters;
  self->sink_names = sink_names;
  self->sink_written = sink_written;
  self->sink_failed = sink_failed;
  return self;
}

/**
 * fapilog_stats_ref:
 * @self: stats
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
FapilogStats *
fapilog_stats_ref (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * fapilog_stats_unref:
 * @self: (transfer full): stats
 *
 * Since: 1.0
 */
void
fapilog_stats_unref (FapilogStats *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      g_ptr_array_unref (self->sink_names);
      g_array_unref (self->sink_written);
      g_array_unref (self->sink_failed);
      g_free (self);
    }
}

/**
 * fapilog_stats_get_submitted:
 * @self: stats
 *
 * Returns: entries that passed the level gate (including those logged after
 *   shutdown, which are also counted as dropped)
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_submitted (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->counters.submitted;
}

/**
 * fapilog_stats_get_dropped:
 * @self: stats
 *
 * Returns: entries refused by a full queue, evicted from it (drop_oldest),
 *   or logged after shutdown
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_dropped (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->counters.dropped;
}

/**
 * fapilog_stats_get_filtered:
 * @self: stats
 *
 * Returns: entries removed by filters on the worker
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_filtered (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->counters.filtered;
}

/**
 * fapilog_stats_get_processed:
 * @self: stats
 *
 * Returns: entries handed to the sinks (each sink then counts them as
 *   written or failed)
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_processed (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->counters.processed;
}

/**
 * fapilog_stats_get_unsent:
 * @self: stats
 *
 * Returns: entries still queued when shutdown's deadline passed
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_unsent (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->counters.unsent;
}

/**
 * fapilog_stats_get_queue_depth:
 * @self: stats
 *
 * Returns: entries queued or being prepared by the worker at the time of
 *   the snapshot
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_queue_depth (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->counters.queue_depth;
}

/**
 * fapilog_stats_get_queue_high_watermark:
 * @self: stats
 *
 * Returns: the largest number of entries the queue has held at once
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_queue_high_watermark (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->counters.high_watermark;
}

/**
 * fapilog_stats_get_sink_names:
 * @self: stats
 *
 * Returns: (transfer full) (array zero-terminated=1): the names of the
 *   pipeline's sinks, in the order they were added
 *
 * Since: 1.0
 */
char **
fapilog_stats_get_sink_names (FapilogStats *self)
{
  char **names;

  g_return_val_if_fail (self != NULL, NULL);

  names = g_new0 (char *, self->sink_names->len + 1);
  for (guint i = 0; i < self->sink_names->len; i++)
    names[i] = g_strdup (g_ptr_array_index (self->sink_names, i));
  return names;
}

static guint64
sum_for_name (FapilogStats *self,
              GArray       *counts,
              const char   *name)
{
  guint64 total = 0;

  /* Two sinks may share a name; they are reported together. */
  for (guint i = 0; i < self->sink_names->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->sink_names, i), name) == 0)
      total += g_array_index (counts, guint64, i);
  return total;
}

/**
 * fapilog_stats_get_sink_written:
 * @self: stats
 * @name: a sink name
 *
 * Returns: entries the sinks called @name wrote (0 for an unknown name)
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_sink_written (FapilogStats *self,
                                const char   *name)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);
  return sum_for_name (self, self->sink_written, name);
}

/**
 * fapilog_stats_get_sink_failed:
 * @self: stats
 * @name: a sink name
 *
 * Returns: entries the sinks called @name failed: write errors, timeouts,
 *   backlog overflow, and entries still pending at the shutdown deadline
 *
 * Since: 1.0
 */
guint64
fapilog_stats_get_sink_failed (FapilogStats *self,
                               const char   *name)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);
  return sum_for_name (self, self->sink_failed, name);
}

/**
 * fapilog_stats_to_json:
 * @self: stats
 *
 * Renders the counters as one JSON object:
 * `{"submitted":…,"dropped":…,"filtered":…,"processed":…,"unsent":…,
 * "queue_depth":…,"queue_high_watermark":…,"sinks":{"name":{"written":…,"failed":…}}}`.
 *
 * Returns: (transfer full): a JSON string
 *
 * Since: 1.0
 */
char *
fapilog_stats_to_json (FapilogStats *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  const struct { const char *key; guint64 value; } counters[] = {
    { "submitted", self->counters.submitted },
    { "dropped", self->counters.dropped },
    { "filtered", self->counters.filtered },
    { "processed", self->counters.processed },
    { "unsent", self->counters.unsent },
    { "queue_depth", self->counters.queue_depth },
    { "queue_high_watermark", self->counters.high_watermark },
  };
  FapilogJsonBuf buf;
  char nul = '\0';

  _fapilog_json_buf_init (&buf, 256);
  _fapilog_json_buf_append_c (&buf, '{');
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      if (i > 0)
        _fapilog_json_buf_append_c (&buf, ',');
      _fapilog_json_write_string (&buf, counters[i].key, strlen (counters[i].key));
      _fapilog_json_buf_append_c (&buf, ':');
      _fapilog_json_write_uint (&buf, counters[i].value);
    }
  _fapilog_json_buf_append_literal (&buf, ",\"sinks\":{");
  for (guint i = 0; i < self->sink_names->len; i++)
    {
      const char *name = g_ptr_array_index (self->sink_names, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < i && !seen; j++)
        seen = g_strcmp0 (g_ptr_array_index (self->sink_names, j), name) == 0;
      if (seen)
        continue;
      if (i > 0)
        _fapilog_json_buf_append_c (&buf, ',');
      _fapilog_json_write_string (&buf, name, strlen (name));
      _fapilog_json_buf_append_literal (&buf, ":{\"written\":");
      _fapilog_json_write_uint (&buf, sum_for_name (self, self->sink_written, name));
      _fapilog_json_buf_append_literal (&buf, ",\"failed\":");
      _fapilog_json_write_uint (&buf, sum_for_name (self, self->sink_failed, name));
      _fapilog_json_buf_append_c (&buf, '}');
    }
  _fapilog_json_buf_append_literal (&buf, "}}");
  _fapilog_json_buf_append_len (&buf, &nul, 1);
  return _fapilog_json_buf_steal (&buf, NULL);
}
