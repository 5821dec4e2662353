/* fapilog-entry-private.h: the entry's layout, shared by capture and serialization
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "fapilog-entry.h"
#include "fapilog-fields-private.h"

G_BEGIN_DECLS

typedef struct _FapilogEnvelopeStatics FapilogEnvelopeStatics;
typedef struct _FapilogContextSnapshot FapilogContextSnapshot;

/* What a logger contributes to each of its entries; immutable and shared. */
typedef struct {
  /* Every capture takes a reference, on the logging thread's CPU, while the
   * serializer reads the members below for every entry, on another. 64
   * bytes apart, the count and the members never share a cache line,
   * whatever the allocation's alignment, so those reads do not pull the
   * line away from the next capture's increment. */
  gint                    ref_count;
  char                    padding[64 - sizeof (gint)];
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
  guint64                 message_id_bits[2]; /* the id, drawn at capture */
  char                    message_id[37];    /* its text, made on first request */
  gint                    message_id_ready;  /* atomic: message_id holds the text */
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

/* Message ids are random UUIDs (version 4). Each entry's 128 bits are
 * drawn when it is made, on the calling thread, from that thread's own
 * xorshift128+ generator (a few instructions, no lock); the text is made
 * only where it is needed: by the serializer, straight into the output,
 * or once per entry for fapilog_entry_get_message_id().
 *
 * Draws the next id from @state (an all-zero state is replaced by a fixed
 * non-zero one): the 16 bytes are @bits[0]'s then @bits[1]'s, least
 * significant first, with the version and variant bits set. */
void          _fapilog_message_id_draw (guint64 state[2],
                                        guint64 bits[2]);

/* The eight lower-case hex digits of the four bytes of @v, least
 * significant byte first, each byte high nibble first; all eight at once
 * in one 64-bit word (one lookup and two stores per byte would cost about
 * three times as much). */
static inline void
_fapilog_put_hex_bytes4 (char    *out,
                         guint32  v)
{
  guint64 x = v;

  /* Spread the bytes into 16-bit lanes: lane i holds byte i. */
  x = (x | (x << 16)) & G_GUINT64_CONSTANT (0x0000FFFF0000FFFF);
  x = (x | (x << 8)) & G_GUINT64_CONSTANT (0x00FF00FF00FF00FF);
  /* In each lane, the high nibble goes to the low byte (written first) and
   * the low nibble to the high byte. */
  x = ((x >> 4) & G_GUINT64_CONSTANT (0x000F000F000F000F)) |
      ((x & G_GUINT64_CONSTANT (0x000F000F000F000F)) << 8);
  /* Each byte is a nibble d now: '0' + d, and 39 more ('a' - '0' - 10) for
   * d >= 10, which is exactly when d + 6 reaches bit 4. No byte carries
   * into the next. */
  x += G_GUINT64_CONSTANT (0x3030303030303030) +
       (((x + G_GUINT64_CONSTANT (0x0606060606060606)) >> 4) &
        G_GUINT64_CONSTANT (0x0101010101010101)) * 39;
  x = GUINT64_TO_LE (x);
  memcpy (out, &x, sizeof x);
}

/* The 36 characters (8-4-4-4-12, no NUL) of the id @bits into @out. The
 * serializer does this for every entry, so on x86-64 all 32 digits are
 * made at once in two SSE2 registers. */
static inline void
_fapilog_message_id_format (const guint64 bits[2],
                            char          out[36])
{
  char hex[32];

#if defined(__SSE2__) && G_BYTE_ORDER == G_LITTLE_ENDIAN
  {
    /* Byte i of the id is byte i of the register (little-endian words). */
    const __m128i low_nibbles = _mm_set1_epi8 (0x0f);
    __m128i bytes = _mm_loadu_si128 ((const __m128i *) bits);
    __m128i high = _mm_and_si128 (_mm_srli_epi16 (bytes, 4), low_nibbles);
    __m128i low = _mm_and_si128 (bytes, low_nibbles);
    /* Each byte's high nibble, then its low one. */
    __m128i first = _mm_unpacklo_epi8 (high, low);
    __m128i second = _mm_unpackhi_epi8 (high, low);
    /* '0' + d, and 39 more ('a' - '0' - 10) where d > 9. */
    const __m128i zero = _mm_set1_epi8 ('0');
    const __m128i nine = _mm_set1_epi8 (9);
    const __m128i letters = _mm_set1_epi8 (39);

    first = _mm_add_epi8 (_mm_add_epi8 (first, zero),
                          _mm_and_si128 (_mm_cmpgt_epi8 (first, nine), letters));
    second = _mm_add_epi8 (_mm_add_epi8 (second, zero),
                           _mm_and_si128 (_mm_cmpgt_epi8 (second, nine), letters));
    _mm_storeu_si128 ((__m128i *) hex, first);
    _mm_storeu_si128 ((__m128i *) (hex + 16), second);
  }
#else
  _fapilog_put_hex_bytes4 (hex, (guint32) bits[0]);
  _fapilog_put_hex_bytes4 (hex + 8, (guint32) (bits[0] >> 32));
  _fapilog_put_hex_bytes4 (hex + 16, (guint32) bits[1]);
  _fapilog_put_hex_bytes4 (hex + 24, (guint32) (bits[1] >> 32));
#endif

  memcpy (out, hex, 8);
  out[8] = '-';
  memcpy (out + 9, hex + 8, 4);
  out[13] = '-';
  memcpy (out + 14, hex + 12, 4);
  out[18] = '-';
  memcpy (out + 19, hex + 16, 4);
  out[23] = '-';
  memcpy (out + 24, hex + 20, 12);
}

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
