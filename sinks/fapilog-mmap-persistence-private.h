/* fapilog-mmap-persistence-private.h: test hooks of FapilogMmapPersistence
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-mmap-persistence.h"

G_BEGIN_DECLS

/* Returns a monotonic time in microseconds. Called with the object's lock
 * held, from whichever thread appends. */
typedef gint64 (*FapilogMmapPersistenceClock) (gpointer data);

/* Replaces g_get_monotonic_time() as the clock of
 * FAPILOG_MMAP_SYNC_INTERVAL (the time of the last sync is taken at open
 * and at every sync). NULL restores the real clock. Any time, any thread. */
void     _fapilog_mmap_persistence_set_clock        (FapilogMmapPersistence      *self,
                                                     FapilogMmapPersistenceClock  now_us,
                                                     gpointer                     data);

/* FALSE makes the object extend its file with ftruncate() only, as it does
 * on a filesystem without fallocate(), so that path can be tested. Takes
 * effect at the next open or growth. */
void     _fapilog_mmap_persistence_set_use_fallocate (FapilogMmapPersistence     *self,
                                                      gboolean                    use);

/* TRUE when the disk space of the whole mapping is reserved (every
 * extension of the file so far went through fallocate()), FALSE when some
 * of it is sparse (see the SIGBUS note in the class documentation) or when
 * not open. */
gboolean _fapilog_mmap_persistence_is_reserved       (FapilogMmapPersistence     *self);

G_END_DECLS
