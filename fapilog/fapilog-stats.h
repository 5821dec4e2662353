/* fapilog-stats.h: what the pipeline did with the entries it was given
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib-object.h>

#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_STATS (fapilog_stats_get_type ())

/**
 * FapilogStats:
 *
 * A snapshot of a pipeline's counters.
 *
 * Each entry that passed the level gate is counted once at the pipeline
 * level, so that submitted = dropped + filtered + processed + unsent +
 * queue depth at every moment. Per sink, entries handed to the sink end up
 * either written or failed.
 *
 * Since: 1.0
 */
typedef struct _FapilogStats FapilogStats;

FAPILOG_AVAILABLE_IN_1_0
GType          fapilog_stats_get_type                 (void) G_GNUC_CONST;
FAPILOG_AVAILABLE_IN_1_0
FapilogStats  *fapilog_stats_ref                      (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_stats_unref                    (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_submitted            (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_dropped              (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_filtered             (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_processed            (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_unsent               (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_queue_depth          (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_queue_high_watermark (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
char         **fapilog_stats_get_sink_names           (FapilogStats *self);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_sink_written         (FapilogStats *self,
                                                       const char   *name);
FAPILOG_AVAILABLE_IN_1_0
guint64        fapilog_stats_get_sink_failed          (FapilogStats *self,
                                                       const char   *name);
FAPILOG_AVAILABLE_IN_1_0
char          *fapilog_stats_to_json                  (FapilogStats *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FapilogStats, fapilog_stats_unref)

G_END_DECLS
