/* fapilog-fallback.c: where entries go when a sink fails them
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-batch-private.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-fallback-private.h"
#include "fapilog-io-private.h"

static gint fallback_fd = 2;

void
_fapilog_fallback_set_fd (int fd)
{
  g_atomic_int_set (&fallback_fd, fd >= 0 ? fd : 2);
}

void
_fapilog_fallback_write (const char   *sink_name,
                         const GError *error,
                         FapilogBatch *batch,
                         guint         first,
                         guint         n)
{
  FapilogJsonBuf buf;
  GError *local_error = NULL;
  guint end;

  g_return_if_fail (batch != NULL);

  end = MIN (first + n, batch->n_entries);
  if (first >= end)
    return;

  /* Re-serialize with masking rather than reuse the batch bytes: the
   * fallback must not print secrets that a sink would have protected. */
  _fapilog_json_buf_init (&buf, _fapilog_batch_size_hint (batch) / MAX (batch->n_entries, 1) *
                                (end - first) + 64);
  for (guint i = first; i < end; i++)
    {
      _fapilog_envelope_write (&buf, batch->entries[i], FAPILOG_JSON_MASK_SECRETS);
      _fapilog_json_buf_append_c (&buf, '\n');
    }

  if (_fapilog_io_write_all (g_atomic_int_get (&fallback_fd), buf.data, buf.len,
                             "stderr fallback", NULL, &local_error))
    _fapilog_diag_warn ("sink", "primary sink failed, using stderr fallback",
                        "sink", "s", sink_name,
                        "error", "s", error != NULL ? error->message : "unknown error",
                        "entries", "u", end - first,
                        "fallback", "s", "stderr",
                        NULL);
  else
    _fapilog_diag_warn ("sink", "sink failed and the stderr fallback failed too; entries lost",
                        "sink", "s", sink_name,
                        "error", "s", error != NULL ? error->message : "unknown error",
                        "fallback_error", "s", local_error->message,
                        "entries", "u", end - first,
                        NULL);
  g_clear_error (&local_error);
  _fapilog_json_buf_clear (&buf);
}
