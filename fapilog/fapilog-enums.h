/* fapilog-enums.h: levels and policies
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * FapilogLevel:
 * @FAPILOG_LEVEL_DEBUG: diagnostic detail for developers
 * @FAPILOG_LEVEL_INFO: normal operation
 * @FAPILOG_LEVEL_WARNING: something unexpected that the program handled
 * @FAPILOG_LEVEL_ERROR: an operation failed
 * @FAPILOG_LEVEL_CRITICAL: the program cannot go on as intended
 * @FAPILOG_LEVEL_AUDIT: an audit record (protected from eviction by default)
 * @FAPILOG_LEVEL_SECURITY: a security event (protected from eviction by default)
 *
 * The severity of an entry. The numeric values follow the original fapilog so
 * that levels compare as integers.
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_LEVEL_DEBUG = 10,
  FAPILOG_LEVEL_INFO = 20,
  FAPILOG_LEVEL_WARNING = 30,
  FAPILOG_LEVEL_ERROR = 40,
  FAPILOG_LEVEL_CRITICAL = 50,
  FAPILOG_LEVEL_AUDIT = 60,
  FAPILOG_LEVEL_SECURITY = 70,
} FapilogLevel;

/**
 * FapilogOverflowPolicy:
 * @FAPILOG_OVERFLOW_DROP_NEWEST: a full queue refuses the new entry at once
 *   (the first entries, which usually hold the root cause, survive)
 * @FAPILOG_OVERFLOW_BLOCK: the caller waits for room up to
 *   [property@Fapilog.Settings:backpressure-wait-ms], then the entry is dropped;
 *   a wait of -1 never drops (lossless)
 * @FAPILOG_OVERFLOW_DROP_OLDEST: the oldest unprotected queued entry is evicted
 *   to make room (the latest entries survive)
 *
 * What happens when an entry arrives and the queue is full.
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_OVERFLOW_DROP_NEWEST,
  FAPILOG_OVERFLOW_BLOCK,
  FAPILOG_OVERFLOW_DROP_OLDEST,
} FapilogOverflowPolicy;

/**
 * FapilogFileFormat:
 * @FAPILOG_FILE_FORMAT_JSON: one JSON envelope per line; files end in `.jsonl`
 * @FAPILOG_FILE_FORMAT_TEXT: `timestamp level logger message key=value…` per
 *   line; files end in `.log`
 *
 * What a file sink writes (`FAPILOG_FILE__MODE`).
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_FILE_FORMAT_JSON,
  FAPILOG_FILE_FORMAT_TEXT,
} FapilogFileFormat;

/**
 * FapilogFsyncPolicy:
 * @FAPILOG_FSYNC_NEVER: never call fsync(); the kernel writes back when it
 *   likes (a machine crash can lose recent lines, a process crash cannot)
 * @FAPILOG_FSYNC_ROTATE: fsync() a file when it is closed by rotation or
 *   at stop
 * @FAPILOG_FSYNC_BATCH: fsync() after every batch written (slow; every
 *   acknowledged batch survives a machine crash)
 *
 * When a file sink forces its data to stable storage (`FAPILOG_FILE__FSYNC`).
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_FSYNC_NEVER,
  FAPILOG_FSYNC_ROTATE,
  FAPILOG_FSYNC_BATCH,
} FapilogFsyncPolicy;

/**
 * FapilogHttpBatchFormat:
 * @FAPILOG_HTTP_BATCH_FORMAT_ARRAY: a JSON array of entries,
 *   `application/json`
 * @FAPILOG_HTTP_BATCH_FORMAT_NDJSON: one entry per line, each ending in a
 *   newline, `application/x-ndjson`
 * @FAPILOG_HTTP_BATCH_FORMAT_WRAPPED: an object holding the array under
 *   [property@Fapilog.HttpSink:batch-wrapper-key] (`{"logs":[...]}`),
 *   `application/json`
 *
 * How the http sink lays out the entries of one request body
 * (`FAPILOG_HTTP__BATCH_FORMAT`).
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_HTTP_BATCH_FORMAT_ARRAY,
  FAPILOG_HTTP_BATCH_FORMAT_NDJSON,
  FAPILOG_HTTP_BATCH_FORMAT_WRAPPED,
} FapilogHttpBatchFormat;

/**
 * FapilogHttpCompression:
 * @FAPILOG_HTTP_COMPRESSION_NONE: bodies are sent as they are
 * @FAPILOG_HTTP_COMPRESSION_GZIP: bodies are gzip-compressed and sent with
 *   `Content-Encoding: gzip`
 *
 * Compression of request bodies (`FAPILOG_HTTP__COMPRESSION`).
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_HTTP_COMPRESSION_NONE,
  FAPILOG_HTTP_COMPRESSION_GZIP,
} FapilogHttpCompression;

/**
 * FapilogMmapSyncMode:
 * @FAPILOG_MMAP_SYNC_NONE: never msync() on its own (only
 *   [method@Fapilog.MmapPersistence.sync] and, with
 *   [property@Fapilog.MmapPersistence:flush-on-close], close); the kernel
 *   writes dirty pages back when it likes
 * @FAPILOG_MMAP_SYNC_INTERVAL: msync() after an append when at least
 *   [property@Fapilog.MmapPersistence:sync-interval-ms] have passed since
 *   the last sync
 * @FAPILOG_MMAP_SYNC_BYTES: msync() once at least
 *   [property@Fapilog.MmapPersistence:sync-every-bytes] have been appended
 *   since the last sync
 * @FAPILOG_MMAP_SYNC_ALWAYS: msync() after every append (slow; every
 *   acknowledged record survives a machine crash)
 *
 * When a memory-mapped file forces its data to stable storage
 * (`FAPILOG_MMAP__SYNC_MODE`). Every mode keeps what was appended across a
 * crash of the process; only a crash of the machine loses what was not
 * synced yet.
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_MMAP_SYNC_NONE,
  FAPILOG_MMAP_SYNC_INTERVAL,
  FAPILOG_MMAP_SYNC_BYTES,
  FAPILOG_MMAP_SYNC_ALWAYS,
} FapilogMmapSyncMode;

/**
 * FapilogSettingSource:
 * @FAPILOG_SETTING_SOURCE_DEFAULT: the built-in default, or a default of
 *   the program set with [method@Fapilog.Settings.set_from_source]
 * @FAPILOG_SETTING_SOURCE_PRESET: a preset
 *   ([method@Fapilog.Settings.apply_preset], `FAPILOG_PRESET`)
 * @FAPILOG_SETTING_SOURCE_GSETTINGS: a GSettings key
 *   ([method@Fapilog.Settings.apply_gsettings])
 * @FAPILOG_SETTING_SOURCE_ENV: a `FAPILOG_*` environment variable
 *   ([method@Fapilog.Settings.apply_environment])
 * @FAPILOG_SETTING_SOURCE_CODE: the program, with g_object_set() and
 *   friends
 *
 * Where the value of a setting came from, in increasing precedence: a
 * value from a later source in this list is never replaced by one from an
 * earlier source, whatever the order in which they are applied.
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_SETTING_SOURCE_DEFAULT,
  FAPILOG_SETTING_SOURCE_PRESET,
  FAPILOG_SETTING_SOURCE_GSETTINGS,
  FAPILOG_SETTING_SOURCE_ENV,
  FAPILOG_SETTING_SOURCE_CODE,
} FapilogSettingSource;

G_END_DECLS
