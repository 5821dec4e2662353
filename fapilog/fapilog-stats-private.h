/* fapilog-stats-private.h
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-queue-private.h"
#include "fapilog-stats.h"

G_BEGIN_DECLS

/* Takes ownership of the arrays (names: char*, counts: guint64). */
FapilogStats *_fapilog_stats_new (const FapilogQueueCounters *counters,
                                  GPtrArray                  *sink_names,
                                  GArray                     *sink_written,
                                  GArray                     *sink_failed);

G_END_DECLS
