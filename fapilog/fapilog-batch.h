/* fapilog-batch.h: entries handed to sinks together, with their serialized bytes
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib-object.h>

#include "fapilog-entry.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_BATCH (fapilog_batch_get_type ())
#define FAPILOG_TYPE_SERIALIZED_VIEW (fapilog_serialized_view_get_type ())

/**
 * FapilogBatch:
 *
 * A run of entries in submission order, together with their JSON lines.
 *
 * Every entry is serialized once per batch, whatever the number of sinks; the
 * lines sit in one contiguous buffer (see [method@Fapilog.Batch.get_data]),
 * each ending in `\n`, so a byte-oriented sink can write the whole batch with
 * a single system call. A batch is immutable and may be read from any thread.
 *
 * Since: 1.0
 */
typedef struct _FapilogBatch FapilogBatch;

/**
 * FapilogSerializedView:
 *
 * The serialized JSON line of one entry (ending in `\n`) and the entry itself,
 * so that a sink on the byte path still knows the level and the fields.
 *
 * Since: 1.0
 */
typedef struct _FapilogSerializedView FapilogSerializedView;

FAPILOG_AVAILABLE_IN_1_0
GType                  fapilog_batch_get_type           (void) G_GNUC_CONST;
FAPILOG_AVAILABLE_IN_1_0
FapilogBatch          *fapilog_batch_new                (FapilogEntry  **entries,
                                                         guint           n_entries);
FAPILOG_AVAILABLE_IN_1_0
FapilogBatch          *fapilog_batch_ref                (FapilogBatch   *self);
FAPILOG_AVAILABLE_IN_1_0
void                   fapilog_batch_unref              (FapilogBatch   *self);
FAPILOG_AVAILABLE_IN_1_0
guint                  fapilog_batch_get_n_entries      (FapilogBatch   *self);
FAPILOG_AVAILABLE_IN_1_0
FapilogEntry          *fapilog_batch_get_entry          (FapilogBatch   *self,
                                                         guint           index_);
FAPILOG_AVAILABLE_IN_1_0
const guint8          *fapilog_batch_get_data           (FapilogBatch   *self,
                                                         gsize          *length);
FAPILOG_AVAILABLE_IN_1_0
GBytes                *fapilog_batch_get_bytes          (FapilogBatch   *self);
FAPILOG_AVAILABLE_IN_1_0
const guint8          *fapilog_batch_get_entry_data     (FapilogBatch   *self,
                                                         guint           index_,
                                                         gsize          *length);
FAPILOG_AVAILABLE_IN_1_0
FapilogSerializedView *fapilog_batch_get_view           (FapilogBatch   *self,
                                                         guint           index_);

FAPILOG_AVAILABLE_IN_1_0
GType                  fapilog_serialized_view_get_type (void) G_GNUC_CONST;
FAPILOG_AVAILABLE_IN_1_0
FapilogSerializedView *fapilog_serialized_view_ref      (FapilogSerializedView *self);
FAPILOG_AVAILABLE_IN_1_0
void                   fapilog_serialized_view_unref    (FapilogSerializedView *self);
FAPILOG_AVAILABLE_IN_1_0
const guint8          *fapilog_serialized_view_get_data (FapilogSerializedView *self,
                                                         gsize                 *length);
FAPILOG_AVAILABLE_IN_1_0
GBytes                *fapilog_serialized_view_get_bytes (FapilogSerializedView *self);
FAPILOG_AVAILABLE_IN_1_0
FapilogEntry          *fapilog_serialized_view_get_entry (FapilogSerializedView *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FapilogBatch, fapilog_batch_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FapilogSerializedView, fapilog_serialized_view_unref)

G_END_DECLS
