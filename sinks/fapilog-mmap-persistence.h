/* fapilog-mmap-persistence.h: a crash-recovering memory-mapped append file
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <gio/gio.h>

#include "fapilog-enums.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_MMAP_PERSISTENCE (fapilog_mmap_persistence_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogMmapPersistence, fapilog_mmap_persistence, FAPILOG, MMAP_PERSISTENCE, GObject)

FAPILOG_AVAILABLE_IN_1_0
FapilogMmapPersistence *fapilog_mmap_persistence_new          (const char              *path);

FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_open                (FapilogMmapPersistence  *self,
                                                         GError                 **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_append              (FapilogMmapPersistence  *self,
                                                         const guint8            *data,
                                                         gsize                    len,
                                                         guint64                 *offset_out,
                                                         GError                 **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_append_line         (FapilogMmapPersistence  *self,
                                                         const guint8            *data,
                                                         gsize                    len,
                                                         guint64                 *offset_out,
                                                         GError                 **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_sync                (FapilogMmapPersistence  *self,
                                                         GError                 **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_close               (FapilogMmapPersistence  *self,
                                                         GError                 **error);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_health_check        (FapilogMmapPersistence  *self);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_is_open             (FapilogMmapPersistence  *self);
FAPILOG_AVAILABLE_IN_1_0
void       fapilog_mmap_persistence_get_stats           (FapilogMmapPersistence  *self,
                                                         guint64                 *mapped_size,
                                                         guint64                 *logical_size,
                                                         guint64                 *bytes_appended,
                                                         guint64                 *syncs);

FAPILOG_AVAILABLE_IN_1_0
void       fapilog_mmap_persistence_open_async          (FapilogMmapPersistence  *self,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_open_finish         (FapilogMmapPersistence  *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);
FAPILOG_AVAILABLE_IN_1_0
void       fapilog_mmap_persistence_append_line_async   (FapilogMmapPersistence  *self,
                                                         GBytes                  *data,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_append_line_finish  (FapilogMmapPersistence  *self,
                                                         GAsyncResult            *result,
                                                         guint64                 *offset_out,
                                                         GError                 **error);
FAPILOG_AVAILABLE_IN_1_0
void       fapilog_mmap_persistence_close_async         (FapilogMmapPersistence  *self,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
FAPILOG_AVAILABLE_IN_1_0
gboolean   fapilog_mmap_persistence_close_finish        (FapilogMmapPersistence  *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);

G_END_DECLS
