/* fapilog-simple-sink.h: a sink base class with synchronous methods
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
#include "fapilog-sink.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

/**
 * FapilogSimpleSinkDispatch:
 * @FAPILOG_SIMPLE_SINK_DISPATCH_WORKER: the methods run on the pipeline's
 *   worker thread, one call at a time (C, Python, Vala)
 * @FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT: the methods run in the
 *   [struct@GLib.MainContext] that was the thread-default one where the sink
 *   was made, so on the thread that runs that context (GJS must use this)
 *
 * Where the methods of a [class@Fapilog.SimpleSink] run.
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_SIMPLE_SINK_DISPATCH_WORKER,
  FAPILOG_SIMPLE_SINK_DISPATCH_MAIN_CONTEXT,
} FapilogSimpleSinkDispatch;

#define FAPILOG_TYPE_SIMPLE_SINK (fapilog_simple_sink_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_DERIVABLE_TYPE (FapilogSimpleSink, fapilog_simple_sink, FAPILOG, SIMPLE_SINK, GObject)

/**
 * FapilogSimpleSinkClass:
 * @parent_class: the parent class
 * @start: (nullable): opens resources before the first write; optional
 * @write: (nullable): writes one entry
 * @write_serialized: (nullable): writes one entry's JSON line (the view
 *   also gives the entry)
 * @write_batch: (nullable): writes a whole batch at once; a failure fails
 *   every entry of the batch
 * @stop: (nullable): flushes and releases resources at shutdown; optional
 * @is_healthy: (nullable): a cheap look at the sink's state; optional, the
 *   default is healthy
 *
 * The virtual methods of [class@Fapilog.SimpleSink]: plain synchronous
 * calls. A subclass implements one of @write_batch, @write_serialized and
 * @write (the first one present is used, in that order); the others are
 * optional. A method reports failure by returning %FALSE with a #GError
 * set; %FALSE without an error, or an exception in a language binding that
 * becomes one, is reported as %FAPILOG_SINK_ERROR_FAILED.
 *
 * Every method is called where [property@Fapilog.SimpleSink:dispatch]
 * says, one at a time, in order.
 *
 * Since: 1.0
 */
struct _FapilogSimpleSinkClass
{
  GObjectClass parent_class;

  gboolean (*start)            (FapilogSimpleSink      *self,
                                GError                **error);
  gboolean (*write)            (FapilogSimpleSink      *self,
                                FapilogEntry           *entry,
                                GError                **error);
  gboolean (*write_serialized) (FapilogSimpleSink      *self,
                                FapilogSerializedView  *view,
                                GError                **error);
  gboolean (*write_batch)      (FapilogSimpleSink      *self,
                                FapilogBatch           *batch,
                                GError                **error);
  gboolean (*stop)             (FapilogSimpleSink      *self,
                                GError                **error);
  gboolean (*is_healthy)       (FapilogSimpleSink      *self);

  /*< private >*/
  gpointer padding[8];
};

FAPILOG_AVAILABLE_IN_1_0
FapilogSimpleSinkDispatch  fapilog_simple_sink_get_dispatch     (FapilogSimpleSink *self);
FAPILOG_AVAILABLE_IN_1_0
GMainContext              *fapilog_simple_sink_get_main_context (FapilogSimpleSink *self);

G_END_DECLS
