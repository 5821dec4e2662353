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

  /*< private >*/
  gpointer padding[8];
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

G_END_DECLS
