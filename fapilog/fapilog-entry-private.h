/* fapilog-entry-private.h: the entry's layout, shared by capture and serialization
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-entry.h"
#include "fapilog-fields-private.h"

G_BEGIN_DECLS

typedef struct _FapilogEnvelopeStatics FapilogEnvelopeStatics;
typedef struct _FapilogContextSnapshot FapilogContextSnapshot;

/* What a logger contributes to each of its entries; immutable and shared. */
typedef struct {
  gint                    ref_count;
  char                   *name;       /* GRefString */
  gsize                   name_len;
  FapilogFieldSet        *bound;      /* nullable */
  FapilogEnvelopeStatics *statics;    /* service, env, version, host, pid */
  /* ,"logger":<name as JSON>,"context":{"message_id":  rendered once here so
   * that the worker copies it instead of escaping the name per entry. */
  char                   *envelope_fragment;
  gsize                   envelope_fragment_len;
} FapilogLoggerCore;

FapilogLoggerCore *_fapilog_logger_core_new   (const char             *name,
                                               FapilogFieldSet        *bound,
                                               FapilogEnvelopeStatics *statics);
FapilogLoggerCore *_fapilog_logger_core_ref   (FapilogLoggerCore *self);
void               _fapilog_logger_core_unref (FapilogLoggerCore *self);
/* Drops @n references at once (none if @self is NULL or @n is 0). */
void               _fapilog_logger_core_unref_n (FapilogLoggerCore *self,
                                                 guint              n);

/* One allocation: this header, then fields[n_fields], then the arena with the
 * message, the code location, the error message and every key and string. */
struct _FapilogEntry {
  /* What releasing an entry reads (the count, the pool flag, whether the
   * fields hold references, the core and the context) shares its first
   * cache line: the worker frees entries that another CPU touched last. */
  gint                    ref_count;
  FapilogLevel            level;
  guint8                  pooled;            /* the block came from the entry pool */
  guint8                  owns_variants;     /* some field holds a GVariant reference */
  gint64                  timestamp_us;      /* g_get_real_time() at the call */
  guint64                 seq;               /* queue sequence number, 0 if never queued */
  FapilogLoggerCore      *core;
  FapilogContextSnapshot *context;           /* nullable */
  const char             *message;
  gsize                   message_len;
  const char             *code_file;         /* nullable */
  const char             *code_func;         /* nullable */
  gint                    code_line;
  gboolean                has_error;
  GQuark                  error_domain;
  gint                    error_code;
  const char             *error_message;     /* when has_error */
  char                    message_id[37];    /* "" until assigned on the worker */
  gint                    message_id_ready;  /* atomic: message_id is complete */
  guint                   n_fields;
  FapilogField            fields[];
};

/* Builds an entry on the caller thread. Takes ownership of nothing; copies
 * message, location, error message and the collector's fields. */
FapilogEntry *_fapilog_entry_new_captured (FapilogLoggerCore      *core,
                                           FapilogContextSnapshot *context,
                                           FapilogLevel            level,
                                           gint64                  timestamp_us,
                                           const char             *message,
                                           const char             *code_file,
                                           int                     code_line,
                                           const char             *code_func,
                                           const GError           *error,
                                           FapilogFieldCollector  *fields);

/* Assigns a random UUID v4 message id if none yet. Called on the worker
 * (each worker passes its own generator state) or on first access for
 * entries that were never queued. */
void          _fapilog_entry_assign_message_id (FapilogEntry *self,
                                                guint64       rng_state[2]);

/* Drops one reference on each of @entries; the blocks of those that die go
 * back to the entry pool together, under one lock (the worker frees a
 * whole batch at a time). */
void          _fapilog_entry_unref_many (FapilogEntry **entries,
                                         guint          n_entries);

/* The entry pool's bounds, for tests: entries up to this size (header,
 * fields and arena) are recycled; the shared free list keeps at most
 * FAPILOG_ENTRY_POOL_MAX_SHARED blocks and each thread's cache at most
 * FAPILOG_ENTRY_POOL_MAX_CACHED; the rest go back to malloc. The shared
 * bound (8 MiB of blocks) is above the default queue (10,000 entries): the
 * worker can free a whole queue's worth while the callers are descheduled,
 * and those blocks should still be there when they come back. */
#define FAPILOG_ENTRY_POOL_BLOCK_SIZE 512
#define FAPILOG_ENTRY_POOL_CHAIN      128
#define FAPILOG_ENTRY_POOL_MAX_CACHED (2 * FAPILOG_ENTRY_POOL_CHAIN)
#define FAPILOG_ENTRY_POOL_MAX_SHARED 16384

/* Tests: the blocks in the shared free list and in the calling thread's
 * cache right now. */
void          _fapilog_entry_pool_get_counts (guint *shared,
                                              guint *cached);

G_END_DECLS
