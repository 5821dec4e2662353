/* fapilog-context-private.h: snapshot of the calling thread's context
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-context.h"
#include "fapilog-fields-private.h"

G_BEGIN_DECLS

typedef struct _FapilogContextSnapshot FapilogContextSnapshot;

struct _FapilogContextSnapshot {
  gint             ref_count;
  char            *correlation_id;   /* nullable */
  gsize            correlation_id_len;
  FapilogFieldSet *fields;           /* nullable */
};

/* A new reference to the calling thread's current snapshot, or NULL when
 * the thread has no context. O(1): snapshots are copy-on-write. */
FapilogContextSnapshot *_fapilog_context_capture        (void);
FapilogContextSnapshot *_fapilog_context_snapshot_ref   (FapilogContextSnapshot *self);
void                    _fapilog_context_snapshot_unref (FapilogContextSnapshot *self);
/* Drops @n references at once (none if @self is NULL or @n is 0). */
void                    _fapilog_context_snapshot_unref_n (FapilogContextSnapshot *self,
                                                           guint                   n);

G_END_DECLS
