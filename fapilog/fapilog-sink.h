/* fapilog-sink.h: the interface every output implements
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fapilog-batch.h"
#include "fapilog-entry.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_SINK (fapilog_sink_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_INTERFACE (FapilogSink, fapilog_sink, FAPILOG, SINK, GObject)

/**
 * FapilogSinkInterface:
 * @g_iface: the parent interface
 * @start_async: (nullable): opens resources; optional, the default completes at once
 * @start_finish: (nullable): finishes @start_async
 * @write_async: writes one entry; a sink implements at least one of
 *   @write_async, @write_serialized_async and @write_batch_async
 * @write_finish: finishes @write_async; FALSE with an error reports a failure
 * @stop_async: (nullable): flushes and releases resources; optional
 * @stop_finish: (nullable): finishes @stop_async
 * @write_serialized_async: (nullable): optional; writes one pre-serialized entry
 * @write_serialized_finish: (nullable): finishes @write_serialized_async
 * @write_batch_async: (nullable): optional; writes a whole batch
 * @write_batch_finish: (nullable): finishes @write_batch_async
 * @health_check: (nullable): optional; the default reports healthy
 * @flush_async: (nullable): optional; makes the sink a *buffering* sink (see
 *   below) and delivers everything it has accepted so far
 * @flush_finish: (nullable): finishes @flush_async
 *
 * The virtual methods of [iface@Fapilog.Sink].
 *
 * All methods are called on the pipeline's worker thread, whose
 * [struct@GLib.MainContext] is the thread-default one, so a sink can use
 * asynchronous GIO and libsoup directly. The pipeline never has two writes of
 * one sink in flight at once, and hands entries to each sink in submission
 * order. It prefers @write_batch_async, then @write_serialized_async (when
 * [property@Fapilog.Settings:serialize-in-flush] is on), then @write_async.
 *
 * A sink that gathers entries into its own larger units (an HTTP request of
 * many entries, say) implements @flush_async and is then a *buffering sink*:
 *
 * - a successful write means "accepted", not "delivered";
 * - it reports the final outcome of every accepted entry later, on the
 *   worker thread, with [method@Fapilog.Sink.report_delivered] or
 *   [method@Fapilog.Sink.report_failed] — exactly once per entry;
 * - @flush_async completes once every entry accepted before the call has
 *   been reported; [method@Fapilog.Pipeline.flush] calls it after the
 *   sink has accepted everything the flush waits for;
 * - @stop_async delivers (or reports as failed) everything still held, and
 *   when its cancellable is cancelled (the shutdown deadline), reports the
 *   rest as failed at once.
 *
 * Since: 1.0
 */
struct _FapilogSinkInterface
{
  GTypeInterface g_iface;

  void     (*start_async)             (FapilogSink           *self,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean (*start_finish)            (FapilogSink           *self,
                                       GAsyncResult          *result,
                                       GError               **error);
  void     (*write_async)             (FapilogSink           *self,
                                       FapilogEntry          *entry,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean (*write_finish)            (FapilogSink           *self,
                                       GAsyncResult          *result,
                                       GError               **error);
  void     (*stop_async)              (FapilogSink           *self,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean (*stop_finish)             (FapilogSink           *self,
                                       GAsyncResult          *result,
                                       GError               **error);
  void     (*write_serialized_async)  (FapilogSink           *self,
                                       FapilogSerializedView *view,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean (*write_serialized_finish) (FapilogSink           *self,
                                       GAsyncResult          *result,
                                       GError               **error);
  void     (*write_batch_async)       (FapilogSink           *self,
                                       FapilogBatch          *batch,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean (*write_batch_finish)      (FapilogSink           *self,
                                       GAsyncResult          *result,
                                       GError               **error);
  gboolean (*health_check)            (FapilogSink           *self);
  void     (*flush_async)             (FapilogSink           *self,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
  gboolean (*flush_finish)            (FapilogSink           *self,
                                       GAsyncResult          *result,
                                       GError               **error);

  /*< private >*/
  gpointer padding[6];
};

FAPILOG_AVAILABLE_IN_1_0
const char *fapilog_sink_get_name                (FapilogSink           *self);

FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_start_async             (FapilogSink           *self,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_start_finish            (FapilogSink           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_write_async             (FapilogSink           *self,
                                                  FapilogEntry          *entry,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_write_finish            (FapilogSink           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_write_serialized_async  (FapilogSink           *self,
                                                  FapilogSerializedView *view,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_write_serialized_finish (FapilogSink           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_write_batch_async       (FapilogSink           *self,
                                                  FapilogBatch          *batch,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_write_batch_finish      (FapilogSink           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_stop_async              (FapilogSink           *self,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_stop_finish             (FapilogSink           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_health_check            (FapilogSink           *self);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_is_buffering            (FapilogSink           *self);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_flush_async             (FapilogSink           *self,
                                                  GCancellable          *cancellable,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean    fapilog_sink_flush_finish            (FapilogSink           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_report_delivered        (FapilogSink           *self,
                                                  guint                  n_entries);
FAPILOG_AVAILABLE_IN_1_0
void        fapilog_sink_report_failed           (FapilogSink           *self,
                                                  FapilogBatch          *batch,
                                                  guint                  first,
                                                  guint                  n_entries,
                                                  const GError          *error);

G_END_DECLS
