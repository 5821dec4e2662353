/* fapilog-entry.h: one log event
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "fapilog-enums.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_ENTRY (fapilog_entry_get_type ())

/**
 * FapilogEntry:
 *
 * One log event: level, message, logger name, time, context and fields.
 *
 * An entry is reference counted and immutable once it has been queued, so it
 * may be read from any thread. Sinks receive entries from the pipeline; tests
 * and sinks written in other languages can make one with
 * [ctor@Fapilog.Entry.new].
 *
 * Since: 1.0
 */
typedef struct _FapilogEntry FapilogEntry;

FAPILOG_AVAILABLE_IN_1_0
GType          fapilog_entry_get_type            (void) G_GNUC_CONST;
FAPILOG_AVAILABLE_IN_1_0
FapilogEntry  *fapilog_entry_new                 (FapilogLevel        level,
                                                  const char         *logger_name,
                                                  const char         *message,
                                                  GVariant           *fields);
FAPILOG_AVAILABLE_IN_1_0
FapilogEntry  *fapilog_entry_ref                 (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
void           fapilog_entry_unref               (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
FapilogLevel   fapilog_entry_get_level           (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
const char    *fapilog_entry_get_level_name      (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
const char    *fapilog_entry_get_message         (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
const char    *fapilog_entry_get_logger_name     (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
gint64         fapilog_entry_get_timestamp_us    (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
const char    *fapilog_entry_get_message_id      (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
const char    *fapilog_entry_get_correlation_id  (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
GVariant      *fapilog_entry_lookup              (FapilogEntry       *self,
                                                  const char         *path);
FAPILOG_AVAILABLE_IN_1_0
char          *fapilog_entry_to_json             (FapilogEntry       *self);
FAPILOG_AVAILABLE_IN_1_0
JsonNode      *fapilog_entry_to_json_node        (FapilogEntry       *self);

FAPILOG_AVAILABLE_IN_1_0
const char    *fapilog_level_to_string           (FapilogLevel        level);
FAPILOG_AVAILABLE_IN_1_0
gboolean       fapilog_level_from_string         (const char         *name,
                                                  FapilogLevel       *level);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FapilogEntry, fapilog_entry_unref)

G_END_DECLS
