/* fapilog-sink-registry.h: sink names to factories
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include "fapilog-settings.h"
#include "fapilog-sink.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

/**
 * FapilogSinkFactory:
 * @settings: the settings the sink is configured from
 * @user_data: the data given to [func@Fapilog.Sink.registry_register]
 * @error: return location for a #GError
 *
 * Creates a sink from settings, or returns %NULL and sets @error.
 *
 * Returns: (transfer full) (nullable): a new sink
 *
 * Since: 1.0
 */
typedef FapilogSink *(*FapilogSinkFactory) (FapilogSettings  *settings,
                                            gpointer          user_data,
                                            GError          **error);

FAPILOG_AVAILABLE_IN_1_0
gboolean     fapilog_sink_registry_register (const char          *name,
                                             FapilogSinkFactory   factory,
                                             gpointer             user_data,
                                             GDestroyNotify       destroy);
FAPILOG_AVAILABLE_IN_1_0
gboolean     fapilog_sink_registry_contains (const char          *name);
FAPILOG_AVAILABLE_IN_1_0
char       **fapilog_sink_registry_list     (void);
FAPILOG_AVAILABLE_IN_1_0
FapilogSink *fapilog_sink_registry_create   (const char          *name,
                                             FapilogSettings     *settings,
                                             GError             **error);

G_END_DECLS
