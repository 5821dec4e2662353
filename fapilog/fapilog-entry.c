/* fapilog-entry.c: capture of one log event and its accessors
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fapilog-context-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"

G_DEFINE_BOXED_TYPE (FapilogEntry, fapilog_entry, fapilog_entry_ref, fapilog_entry_unref)

/* ---- logger core ------------------------------------------------------ */

FapilogLoggerCore *
_fapilog_logger_core_new (const char             *name,
                          FapilogFieldSet        *bound,
                          FapilogEnvelopeStatics *statics)
{
  FapilogLoggerCore *self = g_new0 (FapilogLoggerCore, 1);

  self->ref_count = 1;
  self->name = g_ref_string_new (name != NULL ? name : "root");
  self->name_len = strlen (self->name);
  self->bound = bound != NULL ? _fapilog_field_set_ref (bound) : NULL;
  self->statics = _fapilog_envelope_statics_ref (statics);
  self->envelope_fragment = _fapilog_envelope_render_logger_fragment (self->name, self->name_len,
                                                                      &self->envelope_fragment_len);
  return self;
}

FapilogLoggerCore *
_fapilog_logger_core_ref (FapilogLoggerCore *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
_fapilog_logger_core_unref (FapilogLoggerCore *self)
{
  _fapilog_logger_core_unref_n (self, 1);
}

void
_fapilog_logger_core_unref_n (FapilogLoggerCore *self,
                              guint              n)
{
  if (self != NULL && n > 0 && g_atomic_int_add (&self->ref_count, -(gint) n) == (gint) n)
    {
      g_ref_string_release (self->name);
      g_free (self->envelope_fragment);
      _fapilog_field_set_unref (self->bound);
      _fapilog_envelope_statics_unref (self->statics);
      g_free (self);
    }
}

/* ---- levels ----------------------------------------------------------- */

/**
 * fapilog_level_to_string:
 * @level: a level
 *
 * Returns the upper-case name of @level as it appears in the envelope
 * (`"INFO"`), or `"UNKNOWN"` for a value that is not a level.
 *
 * Returns: (transfer none): a static string
 *
 * Since: 1.0
 */
const char *
fapilog_level_to_string (FapilogLevel level)
{
  switch (level)
    {
    case FAPILOG_LEVEL_DEBUG: return "DEBUG";
    case FAPILOG_LEVEL_INFO: return "INFO";
    case FAPILOG_LEVEL_WARNING: return "WARNING";
    case FAPILOG_LEVEL_ERROR: return "ERROR";
    case FAPILOG_LEVEL_CRITICAL: return "CRITICAL";
    case FAPILOG_LEVEL_AUDIT: return "AUDIT";
    case FAPILOG_LEVEL_SECURITY: return "SECURITY";
    default: return "UNKNOWN";
    }
}

/**
 * fapilog_level_from_string:
 * @name: a level name such as `"info"`
 * @level: (out) (optional): return location for the level, or %NULL to
 *   only check @name
 *
 * Parses a level name, case-insensitively. `WARN` and `FATAL` are accepted
 * as aliases of `WARNING` and `CRITICAL`.
 *
 * Returns: %TRUE if @name is a level
 *
 * Since: 1.0
 */
gboolean
fapilog_level_from_string (const char   *name,
                           FapilogLevel *level)
{
  static const struct { const char *name; FapilogLevel level; } names[] = {
    { "DEBUG", FAPILOG_LEVEL_DEBUG },
    { "INFO", FAPILOG_LEVEL_INFO },
    { "WARNING", FAPILOG_LEVEL_WARNING },
    { "WARN", FAPILOG_LEVEL_WARNING },
    { "ERROR", FAPILOG_LEVEL_ERROR },
    { "CRITICAL", FAPILOG_LEVEL_CRITICAL },
    { "FATAL", FAPILOG_LEVEL_CRITICAL },
    { "AUDIT", FAPILOG_LEVEL_AUDIT },
    { "SECURITY", FAPILOG_LEVEL_SECURITY },
  };

  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (name, names[i].name) == 0)
        {
          if (level != NULL)
            *level = names[i].level;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- entry pool --------------------------------------------------------
 *
 * Callers allocate entries and the worker frees them, so with malloc every
 * block crosses threads: glibc's per-thread caches don't help, and both
 * sides take the arena lock (and sleep on it). The common entry fits in one
 * fixed size class, so those blocks are recycled instead:
 *
 * - each thread has a small cache it uses without any lock;
 * - a shared list of chains (each up to FAPILOG_ENTRY_POOL_CHAIN blocks)
 *   moves blocks between threads, one lock per chain taken or per batch
 *   given back, never per entry;
 * - both are bounded, so after a burst the surplus goes back to malloc.
 *
 * Entries larger than a block are malloc'ed as before. Every pooled block
 * stays reachable from a static (the shared list, or a cache in the
 * registry), so leak checkers don't see the pool as lost memory.
 */

typedef struct _PoolBlock PoolBlock;
struct _PoolBlock {
  PoolBlock *next;        /* next block of the same chain or cache */
  PoolBlock *next_chain;  /* first block of a chain only: the next chain */
  guint      n;           /* first block of a chain only: its length */
};

typedef struct _PoolCache PoolCache;
struct _PoolCache {
  PoolBlock *head;
  guint      n;
  PoolCache *prev;        /* the registry, under pool_lock */
  PoolCache *next;
};

G_STATIC_ASSERT (sizeof (PoolBlock) <= FAPILOG_ENTRY_POOL_BLOCK_SIZE);
G_STATIC_ASSERT (sizeof (FapilogEntry) <= FAPILOG_ENTRY_POOL_BLOCK_SIZE);
/* See the struct: what the release reads stays on the first line. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (FapilogEntry, context) + sizeof (gpointer) <= 64);

static GMutex     pool_lock;
static PoolBlock *pool_chains;     /* shared list of chains */
static gint       pool_n_shared;   /* blocks in pool_chains; written under the lock */
static PoolCache *pool_caches;     /* every live thread cache */

/* What a thread keeps for making entries: its pool cache and its message
 * id generator (see draw_message_id()). One thread-local block, because in
 * a shared library every TLS variable is found through a call; the capture
 * finds the block once. The GPrivate exists only for the cache's destroy
 * notify, which gives a dead thread's blocks back. */
typedef struct {
  PoolCache *cache;
  gboolean   cache_gone;
  gboolean   id_seeded;
  guint64    id_state[2];
} ThreadState;

static __thread ThreadState tls;

/* The block's address, to be kept: GCC would otherwise find it again
 * (another call) after every call that might change it, which none can. */
static inline ThreadState *
thread_state (void)
{
  ThreadState *ts = &tls;

#if defined(__GNUC__) || defined(__clang__)
  __asm__ ("" : "+r" (ts));
#endif
  return ts;
}

static void pool_cache_destroy (gpointer data);
static GPrivate pool_cache_key = G_PRIVATE_INIT (pool_cache_destroy);

static void
pool_free_chain_list (PoolBlock *chains)
{
  while (chains != NULL)
    {
      PoolBlock *next_chain = chains->next_chain;

      for (PoolBlock *b = chains, *next; b != NULL; b = next)
        {
          next = b->next;
          g_free (b);
        }
      chains = next_chain;
    }
}

/* Gives @chains to the shared list in one critical section; the chains
 * that would take it past its bound are freed, outside the lock. */
static void
pool_give_chains (PoolBlock *chains)
{
  PoolBlock *excess = NULL;

  g_mutex_lock (&pool_lock);
  while (chains != NULL)
    {
      PoolBlock *chain = chains;

      chains = chain->next_chain;
      if ((guint) pool_n_shared + chain->n <= FAPILOG_ENTRY_POOL_MAX_SHARED)
        {
          chain->next_chain = pool_chains;
          pool_chains = chain;
          g_atomic_int_set (&pool_n_shared, pool_n_shared + (gint) chain->n);
        }
      else
        {
          chain->next_chain = excess;
          excess = chain;
        }
    }
  g_mutex_unlock (&pool_lock);

  pool_free_chain_list (excess);
}

static void
pool_cache_destroy (gpointer data)
{
  PoolCache *cache = data;

  g_mutex_lock (&pool_lock);
  if (cache->prev != NULL)
    cache->prev->next = cache->next;
  else
    pool_caches = cache->next;
  if (cache->next != NULL)
    cache->next->prev = cache->prev;
  g_mutex_unlock (&pool_lock);

  if (cache->head != NULL)
    {
      cache->head->n = cache->n;
      cache->head->next_chain = NULL;
      pool_give_chains (cache->head);
    }
  /* Entries this thread frees from now on (other TLS destructors) go
   * straight to the shared list: this cache is gone. */
  tls.cache = NULL;
  tls.cache_gone = TRUE;
  g_free (cache);
}

/* A fork while another thread holds pool_lock would leave the child's
 * lock held forever; like malloc's own locks, it is taken around fork. */
static void
pool_atfork_prepare (void)
{
  g_mutex_lock (&pool_lock);
}

static void
pool_atfork_release (void)
{
  g_mutex_unlock (&pool_lock);
}

static PoolCache *
pool_get_cache (void)
{
  static gsize atfork_registered;
  PoolCache *cache = tls.cache;

  if (G_LIKELY (cache != NULL) || tls.cache_gone)
    return cache;

  if (g_once_init_enter (&atfork_registered))
    {
      pthread_atfork (pool_atfork_prepare, pool_atfork_release, pool_atfork_release);
      g_once_init_leave (&atfork_registered, 1);
    }

  cache = g_new0 (PoolCache, 1);
  g_mutex_lock (&pool_lock);
  cache->next = pool_caches;
  if (pool_caches != NULL)
    pool_caches->prev = cache;
  pool_caches = cache;
  g_mutex_unlock (&pool_lock);
  g_private_set (&pool_cache_key, cache);
  tls.cache = cache;
  return cache;
}

static gpointer
pool_alloc_slow (void)
{
  PoolCache *cache = pool_get_cache ();
  PoolBlock *chain;

  /* While the pool is empty (the live entries are growing), don't take
   * the lock just to find that out; a stale answer costs one malloc. */
  if (g_atomic_int_get (&pool_n_shared) == 0)
    return g_malloc (FAPILOG_ENTRY_POOL_BLOCK_SIZE);

  g_mutex_lock (&pool_lock);
  chain = pool_chains;
  if (chain != NULL)
    {
      pool_chains = chain->next_chain;
      g_atomic_int_set (&pool_n_shared, pool_n_shared - (gint) chain->n);
    }
  g_mutex_unlock (&pool_lock);

  if (chain == NULL)
    return g_malloc (FAPILOG_ENTRY_POOL_BLOCK_SIZE);

  /* Keep the rest of the chain for the next calls. */
  if (cache != NULL)
    {
      cache->head = chain->next;
      cache->n = chain->n - 1;
    }
  else if (chain->next != NULL)
    {
      /* A thread past its cache's destruction: give the rest back. */
      chain->next->n = chain->n - 1;
      chain->next->next_chain = NULL;
      pool_give_chains (chain->next);
    }
  return chain;
}

/* The blocks a caller gets back were last written on other CPUs (read by
 * a sink's thread, linked into a chain by the worker): the load of the
 * next link, and then every store of the new entry, would each wait for
 * lines to come over. Asking for the next block, for writing, as soon as
 * this one is handed out gives that transfer a whole log call's time. */
static inline void
prefetch_block_for_write (const PoolBlock *block)
{
#if defined(__GNUC__) || defined(__clang__)
  for (gsize at = 0; at < FAPILOG_ENTRY_POOL_BLOCK_SIZE; at += 64)
    __builtin_prefetch ((const char *) block + at, 1, 3);
#else
  (void) block;
#endif
}

static inline gpointer
pool_alloc (ThreadState *ts)
{
  PoolCache *cache = ts->cache;

  if (G_LIKELY (cache != NULL && cache->head != NULL))
    {
      PoolBlock *block = cache->head;

      cache->head = block->next;
      cache->n--;
      if (cache->head != NULL)
        prefetch_block_for_write (cache->head);
      return block;
    }
  return pool_alloc_slow ();
}

static void
pool_free (gpointer mem)
{
  PoolCache *cache = pool_get_cache ();
  PoolBlock *block = mem;

  if (G_UNLIKELY (cache == NULL))
    {
      block->next = NULL;
      block->next_chain = NULL;
      block->n = 1;
      pool_give_chains (block);
      return;
    }

  block->next = cache->head;
  cache->head = block;
  cache->n++;
  if (cache->n >= FAPILOG_ENTRY_POOL_MAX_CACHED)
    {
      /* Keep one chain's worth for this thread's own allocations and
       * share the rest: walking FAPILOG_ENTRY_POOL_CHAIN links once per
       * that many frees. */
      PoolBlock *rest = cache->head;

      for (guint i = 1; i < FAPILOG_ENTRY_POOL_CHAIN; i++)
        rest = rest->next;
      block = rest->next;
      rest->next = NULL;
      block->n = cache->n - FAPILOG_ENTRY_POOL_CHAIN;
      block->next_chain = NULL;
      cache->n = FAPILOG_ENTRY_POOL_CHAIN;
      pool_give_chains (block);
    }
}

void
_fapilog_entry_pool_get_counts (guint *shared,
                                guint *cached)
{
  g_mutex_lock (&pool_lock);
  if (shared != NULL)
    *shared = (guint) pool_n_shared;
  g_mutex_unlock (&pool_lock);
  if (cached != NULL)
    *cached = tls.cache != NULL ? tls.cache->n : 0;
}

/* ---- capture ---------------------------------------------------------- */

static gsize
opt_len (const char *s)
{
  return s != NULL ? strlen (s) + 1 : 0;
}

static const char *
copy_into (char       **arena,
           const char  *src,
           gsize        len_with_nul)
{
  char *dest = *arena;

  memcpy (dest, src, len_with_nul - 1);
  dest[len_with_nul - 1] = '\0';
  *arena += len_with_nul;
  return dest;
}

/* xorshift128+: message ids need uniqueness, not secrecy, and must cost a
 * few nanoseconds on the calling thread. */
static inline guint64
next_random (guint64 state[2])
{
  guint64 s1 = state[0];
  const guint64 s0 = state[1];

  state[0] = s0;
  s1 ^= s1 << 23;
  state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
  return state[1] + s0;
}

void
_fapilog_message_id_draw (guint64 state[2],
                          guint64 bits[2])
{
  guint64 a, b;

  if (state[0] == 0 && state[1] == 0)
    state[1] = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  a = next_random (state);
  b = next_random (state);

  /* The id's 16 bytes are a's bytes then b's, least significant first. */
  bits[0] = (a & ~(G_GUINT64_CONSTANT (0xF0) << 48)) | (G_GUINT64_CONSTANT (0x40) << 48);  /* byte 6: version 4 */
  bits[1] = (b & ~G_GUINT64_CONSTANT (0xC0)) | 0x80;                                         /* byte 8: RFC 4122 variant */
}

/* splitmix64's finalizer: spreads every input bit over the output. */
static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static guint64
process_salt (void)
{
  return ((guint64) getpid () << 32) ^ (guint64) g_get_monotonic_time ();
}

/* Each thread that makes entries draws their ids from its own generator,
 * seeded on the thread's first entry from GLib's generator mixed with the
 * process id, the clock and the state's address. A forked child has a copy
 * of the forking thread's state (the only thread it has), which would
 * repeat the parent's ids: the handler below, run on that thread in the
 * child, mixes the child's pid and clock into it. It does not reseed from
 * GLib's generator, whose lock another thread of the parent may have held
 * at the fork. Nothing global is read per entry. */
static void
id_atfork_child (void)
{
  ThreadState *ts = thread_state ();
  guint64 salt = process_salt ();

  if (!ts->id_seeded)
    return;
  ts->id_state[0] = mix64 (ts->id_state[0] ^ salt);
  ts->id_state[1] = mix64 (ts->id_state[1] + salt) | 1;
}

G_GNUC_NO_INLINE static void
seed_thread_ids (ThreadState *ts)
{
  static gsize atfork_registered;
  guint64 salt = process_salt () ^ (guint64) (guintptr) ts;

  if (g_once_init_enter (&atfork_registered))
    {
      pthread_atfork (NULL, NULL, id_atfork_child);
      g_once_init_leave (&atfork_registered, 1);
    }

  ts->id_state[0] = mix64 ((((guint64) g_random_int () << 32) | g_random_int ()) ^ salt);
  ts->id_state[1] = mix64 ((((guint64) g_random_int () << 32) | g_random_int ()) + salt) | 1;
  ts->id_seeded = TRUE;
}

static inline void
draw_message_id (FapilogEntry *self,
                 ThreadState  *ts)
{
  if (G_UNLIKELY (!ts->id_seeded))
    seed_thread_ids (ts);
  _fapilog_message_id_draw (ts->id_state, self->message_id_bits);
}

/* The id's text, made once per entry on request; the lock makes that safe
 * when two threads ask for the same entry's at once. */
static void
ensure_message_id (FapilogEntry *self)
{
  static GMutex lock;

  if (g_atomic_int_get (&self->message_id_ready))
    return;
  g_mutex_lock (&lock);
  if (!self->message_id_ready)
    {
      _fapilog_message_id_format (self->message_id_bits, self->message_id);
      self->message_id[36] = '\0';
      g_atomic_int_set (&self->message_id_ready, TRUE);
    }
  g_mutex_unlock (&lock);
}

FapilogEntry *
_fapilog_entry_new_captured (FapilogLoggerCore      *core,
                             FapilogContextSnapshot *context,
                             FapilogLevel            level,
                             gint64                  timestamp_us,
                             const char             *message,
                             const char             *code_file,
                             int                     code_line,
                             const char             *code_func,
                             const GError           *error,
                             FapilogFieldCollector  *fields)
{
  ThreadState *ts = thread_state ();
  FapilogEntry *self;
  gsize message_len, file_len, func_len, error_len, arena_size, size;
  guint n_fields = fields != NULL ? fields->n_fields : 0;
  char *arena;

  if (message == NULL)
    message = "";
  message_len = strlen (message);
  file_len = opt_len (code_file);
  func_len = opt_len (code_func);
  error_len = error != NULL ? opt_len (error->message != NULL ? error->message : "") : 0;
  arena_size = message_len + 1 + file_len + func_len + error_len +
               (fields != NULL ? _fapilog_field_collector_arena_size (fields) : 0);

  /* One allocation for the header, the fields and every byte they refer to;
   * from the pool when it fits a pooled block. */
  size = sizeof (FapilogEntry) + sizeof (FapilogField) * n_fields + arena_size;
  if (G_LIKELY (size <= FAPILOG_ENTRY_POOL_BLOCK_SIZE))
    {
      self = pool_alloc (ts);
      self->pooled = TRUE;
    }
  else
    {
      self = g_malloc (size);
      self->pooled = FALSE;
    }
  arena = (char *) (self->fields + n_fields);

  self->ref_count = 1;
  self->level = level;
  self->timestamp_us = timestamp_us;
  self->seq = 0;
  self->core = _fapilog_logger_core_ref (core);
  self->context = context != NULL ? _fapilog_context_snapshot_ref (context) : NULL;
  self->message = copy_into (&arena, message, message_len + 1);
  self->message_len = message_len;
  self->code_file = file_len != 0 ? copy_into (&arena, code_file, file_len) : NULL;
  self->code_func = func_len != 0 ? copy_into (&arena, code_func, func_len) : NULL;
  self->code_line = code_line;
  if (error != NULL)
    {
      self->has_error = TRUE;
      self->error_domain = error->domain;
      self->error_code = error->code;
      self->error_message = copy_into (&arena, error->message != NULL ? error->message : "",
                                       error_len);
    }
  else
    {
      self->has_error = FALSE;
      self->error_domain = 0;
      self->error_code = 0;
      self->error_message = NULL;
    }
  draw_message_id (self, ts);
  self->message_id[0] = '\0';
  self->message_id_ready = FALSE;
  self->n_fields = n_fields;
  self->owns_variants = n_fields > 0 && _fapilog_field_collector_emit (fields, self->fields, arena);

  return self;
}

/**
 * fapilog_entry_new:
 * @level: the level
 * @logger_name: (nullable): the logger name; %NULL means `"root"`
 * @message: the message
 * @fields: (nullable): an `a{sv}` dictionary of fields; a floating reference
 *   is sunk
 *
 * Makes an entry outside a pipeline, stamped with the current time and the
 * calling thread's context. Useful to test sinks and to feed sinks written in
 * other languages. The envelope's `diagnostics` come from the process
 * environment (`FAPILOG_SERVICE`, `FAPILOG_ENV`, `FAPILOG_VERSION`).
 *
 * Returns: (transfer full): a new entry
 *
 * Since: 1.0
 */
FapilogEntry *
fapilog_entry_new (FapilogLevel  level,
                   const char   *logger_name,
                   const char   *message,
                   GVariant     *fields)
{
  FapilogFieldCollector collector;
  FapilogLoggerCore *core;
  FapilogContextSnapshot *context;
  FapilogEntry *self;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (fields == NULL || g_variant_is_of_type (fields, G_VARIANT_TYPE ("a{s*}")), NULL);

  if (fields != NULL)
    g_variant_ref_sink (fields);
  core = _fapilog_logger_core_new (logger_name, NULL, _fapilog_envelope_statics_default ());
  context = _fapilog_context_capture ();
  _fapilog_field_collector_init (&collector);
  _fapilog_field_collector_add_dict (&collector, fields);
  _fapilog_field_collector_dedup (&collector);
  self = _fapilog_entry_new_captured (core, context, level, g_get_real_time (), message,
                                      NULL, 0, NULL, NULL, &collector);
  _fapilog_field_collector_clear (&collector);
  _fapilog_context_snapshot_unref (context);
  _fapilog_logger_core_unref (core);
  if (fields != NULL)
    g_variant_unref (fields);
  return self;
}

/* What an entry holds besides its own block. */
static inline void
entry_release_contents (FapilogEntry *self)
{
  if (self->owns_variants)
    _fapilog_fields_release (self->fields, self->n_fields);
  _fapilog_context_snapshot_unref (self->context);
  _fapilog_logger_core_unref (self->core);
}

/**
 * fapilog_entry_ref:
 * @self: an entry
 *
 * Returns: (transfer full): @self, with one more reference
 *
 * Since: 1.0
 */
FapilogEntry *
fapilog_entry_ref (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * fapilog_entry_unref:
 * @self: (transfer full): an entry
 *
 * Drops one reference; the last one frees the entry.
 *
 * Since: 1.0
 */
void
fapilog_entry_unref (FapilogEntry *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      entry_release_contents (self);
      if (self->pooled)
        pool_free (self);
      else
        g_free (self);
    }
}

void
_fapilog_entry_unref_many (FapilogEntry **entries,
                           guint          n_entries)
{
  PoolBlock *chains = NULL;   /* the chain being filled is the first */
  /* The entries of a batch mostly share their logger core and context
   * snapshot, whose counts a caller thread raises for every new entry on
   * another CPU. Their references are dropped one run at a time, so that
   * those shared counters move between CPUs once per run instead of once
   * per entry. */
  FapilogLoggerCore *run_core = NULL;
  FapilogContextSnapshot *run_context = NULL;
  guint run_core_n = 0, run_context_n = 0;

  for (guint i = 0; i < n_entries; i++)
    {
      FapilogEntry *entry = entries[i];
      PoolBlock *block;

      /* A count of 1 is ours alone: nobody can raise it concurrently, so
       * the locked decrement (and its wait for earlier stores) is skipped. */
      if (g_atomic_int_get (&entry->ref_count) != 1 &&
          !g_atomic_int_dec_and_test (&entry->ref_count))
        continue;
      /* Plain fields hold nothing: their lines stay untouched. */
      if (entry->owns_variants)
        _fapilog_fields_release (entry->fields, entry->n_fields);
      if (entry->core != run_core)
        {
          _fapilog_logger_core_unref_n (run_core, run_core_n);
          run_core = entry->core;
          run_core_n = 0;
        }
      run_core_n++;
      if (entry->context != run_context)
        {
          _fapilog_context_snapshot_unref_n (run_context, run_context_n);
          run_context = entry->context;
          run_context_n = 0;
        }
      run_context_n++;
      if (!entry->pooled)
        {
          g_free (entry);
          continue;
        }

      block = (PoolBlock *) entry;
      if (chains == NULL || chains->n == FAPILOG_ENTRY_POOL_CHAIN)
        {
          block->next = NULL;
          block->n = 1;
          block->next_chain = chains;
          chains = block;
        }
      else
        {
          /* Inserted after the chain's first block, which keeps the
           * chain's length and link. */
          block->next = chains->next;
          chains->next = block;
          chains->n++;
        }
    }

  _fapilog_logger_core_unref_n (run_core, run_core_n);
  _fapilog_context_snapshot_unref_n (run_context, run_context_n);
  if (chains != NULL)
    pool_give_chains (chains);
}

/**
 * fapilog_entry_get_level:
 * @self: an entry
 *
 * Returns: the level of the entry
 *
 * Since: 1.0
 */
FapilogLevel
fapilog_entry_get_level (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, FAPILOG_LEVEL_INFO);
  return self->level;
}

/**
 * fapilog_entry_get_level_name:
 * @self: an entry
 *
 * Returns: (transfer none): the level name as in the envelope, e.g. `"INFO"`
 *
 * Since: 1.0
 */
const char *
fapilog_entry_get_level_name (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return fapilog_level_to_string (self->level);
}

/**
 * fapilog_entry_get_message:
 * @self: an entry
 *
 * Returns: (transfer none): the message, as given (not yet made valid UTF-8)
 *
 * Since: 1.0
 */
const char *
fapilog_entry_get_message (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message;
}

/**
 * fapilog_entry_get_logger_name:
 * @self: an entry
 *
 * Returns: (transfer none): the name of the logger the entry was logged through
 *
 * Since: 1.0
 */
const char *
fapilog_entry_get_logger_name (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->core->name;
}

/**
 * fapilog_entry_get_timestamp_us:
 * @self: an entry
 *
 * Returns: the wall-clock time of the log call, in microseconds since the
 *   Unix epoch (UTC)
 *
 * Since: 1.0
 */
gint64
fapilog_entry_get_timestamp_us (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->timestamp_us;
}

/**
 * fapilog_entry_get_message_id:
 * @self: an entry
 *
 * Returns the entry's random UUID (version 4), `context.message_id` in the
 * envelope. It is drawn when the entry is made and never changes.
 *
 * Returns: (transfer none): the message id
 *
 * Since: 1.0
 */
const char *
fapilog_entry_get_message_id (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  ensure_message_id (self);
  return self->message_id;
}

static const char *
find_correlation_field (const FapilogField *fields,
                        guint               n_fields)
{
  for (guint i = n_fields; i > 0; i--)
    {
      const FapilogField *field = &fields[i - 1];

      if (field->kind == FAPILOG_FIELD_STRING &&
          _fapilog_context_key_index (field->key, field->key_len) == FAPILOG_CONTEXT_KEY_CORRELATION_ID)
        return field->str;
    }
  return NULL;
}

/**
 * fapilog_entry_get_correlation_id:
 * @self: an entry
 *
 * Returns the correlation id captured from the logging thread (see
 * [func@Fapilog.context_set_correlation_id]), or the value of a
 * `correlation_id` field.
 *
 * Returns: (transfer none) (nullable): the correlation id
 *
 * Since: 1.0
 */
const char *
fapilog_entry_get_correlation_id (FapilogEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* Fields win over the thread's correlation id, as in the envelope; call
   * fields over bound ones, bound ones over the thread context's. */
  const char *id = find_correlation_field (self->fields, self->n_fields);

  if (id == NULL && self->core->bound != NULL)
    id = find_correlation_field (self->core->bound->fields, self->core->bound->n_fields);
  if (id == NULL && self->context != NULL && self->context->fields != NULL)
    id = find_correlation_field (self->context->fields->fields, self->context->fields->n_fields);
  if (id != NULL)
    return id;
  return self->context != NULL ? self->context->correlation_id : NULL;
}
