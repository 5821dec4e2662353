/* fapilog-mmap-file-sink.c: JSON lines appended to a memory-mapped file
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-batch.h"
#include "fapilog-enum-types.h"
#include "fapilog-error.h"
#include "fapilog-mmap-file-sink.h"
#include "fapilog-mmap-persistence.h"

/**
 * FapilogMmapFileSink:
 *
 * The `mmap_file` sink: one JSON envelope per line, appended to a single
 * file through a [class@Fapilog.MmapPersistence].
 *
 * Start opens the file (creating it and its directories, or resuming after
 * the last complete line an earlier run left, a torn last line and zero
 * padding cut off; earlier lines are never overwritten). Stop closes it,
 * which cuts it to its data, so a stopped sink leaves a plain JSON-lines
 * file. Each batch's serialized bytes are appended with one copy into the
 * mapping, in a thread of GIO's pool; an append that fails writes nothing.
 *
 * Every batch whose write has completed survives a crash of the process
 * (the data is in the kernel's page cache as soon as it is copied); what
 * survives a crash of the machine depends on
 * [property@Fapilog.MmapFileSink:sync-mode].
 *
 * A batch that would take the file past
 * [property@Fapilog.MmapFileSink:max-size], or that needs the file to grow
 * on a full disk, fails as a whole with %G_IO_ERROR_NO_SPACE; its entries
 * are counted as failed and go to the fallback, and the file is left as it
 * was. A failed msync also fails the batch, although its lines are in the
 * file (they are then in the fallback too).
 *
 * The properties are those of [class@Fapilog.MmapPersistence], handed to
 * the persistence the sink makes at each start.
 *
 * Only one sink (or persistence, or process) may have a given file open:
 * a second one fails to start with %G_IO_ERROR_BUSY.
 *
 * Since: 1.0
 */

#define SINK_NAME "mmap_file"

/* The defaults of FapilogMmapPersistence; a test checks that they agree. */
#define DEFAULT_INITIAL_SIZE     (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_GROWTH_FACTOR    2.0
#define DEFAULT_GROWTH_MIN_BYTES (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_SYNC_MODE        FAPILOG_MMAP_SYNC_NONE
#define DEFAULT_SYNC_INTERVAL_MS 1000u
#define DEFAULT_SYNC_EVERY_BYTES (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_FILE_MODE        0640
/* The persistence's limit: off_t is signed. */
#define MAX_FILE_SIZE            ((guint64) G_MAXINT64)

struct _FapilogMmapFileSink
{
  GObject                  parent_instance;

  /* Configuration: construct-only. */
  char                    *path;
  guint64                  initial_size;
  double                   growth_factor;
  guint64                  growth_min_bytes;
  guint64                  max_size;
  FapilogMmapSyncMode      sync_mode;
  guint                    sync_interval_ms;
  guint64                  sync_every_bytes;
  gboolean                 flush_on_close;
  guint                    file_mode;

  /* Made by start; only touched on the worker thread (start, write, stop
   * and health_check all run there). Writes running in a thread hold
   * their own reference. */
  FapilogMmapPersistence  *persistence;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_INITIAL_SIZE,
  PROP_GROWTH_FACTOR,
  PROP_GROWTH_MIN_BYTES,
  PROP_MAX_SIZE,
  PROP_SYNC_MODE,
  PROP_SYNC_INTERVAL_MS,
  PROP_SYNC_EVERY_BYTES,
  PROP_FLUSH_ON_CLOSE,
  PROP_FILE_MODE,
  N_PROPS,

  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void fapilog_mmap_file_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FapilogMmapFileSink, fapilog_mmap_file_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      fapilog_mmap_file_sink_iface_init))

/* One _finish for start, write and stop: each is a GTask returning a
 * boolean, tagged with its _async function. */
static gboolean
finish_task (FapilogSink   *sink,
             gpointer       source_tag,
             GAsyncResult  *result,
             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- start -------------------------------------------------------------- */

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (fapilog_mmap_persistence_open_finish (FAPILOG_MMAP_PERSISTENCE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
fapilog_mmap_file_sink_start_async (FapilogSink         *sink,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FapilogMmapFileSink *self = FAPILOG_MMAP_FILE_SINK (sink);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fapilog_mmap_file_sink_start_async);

  if (self->path == NULL || self->path[0] == '\0')
    {
      g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                               "sink %s has no path", SINK_NAME);
      g_object_unref (task);
      return;
    }

  /* A new persistence for every start: its configuration is
   * construct-only, and a restarted sink resumes after the data the
   * previous run left in the file, like any other open. */
  g_clear_object (&self->persistence);
  self->persistence = g_object_new (FAPILOG_TYPE_MMAP_PERSISTENCE,
                                    "path", self->path,
                                    "initial-size", self->initial_size,
                                    "growth-factor", self->growth_factor,
                                    "growth-min-bytes", self->growth_min_bytes,
                                    "max-size", self->max_size,
                                    "sync-mode", self->sync_mode,
                                    "sync-interval-ms", self->sync_interval_ms,
                                    "sync-every-bytes", self->sync_every_bytes,
                                    "flush-on-close", self->flush_on_close,
                                    "file-mode", self->file_mode,
                                    NULL);

  /* Opening creates directories, reads back the tail of an existing file
   * and reserves disk space: the persistence does it in a thread, never
   * on the worker. */
  fapilog_mmap_persistence_open_async (self->persistence, cancellable, on_opened, task);
}

static gboolean
fapilog_mmap_file_sink_start_finish (FapilogSink   *sink,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return finish_task (sink, fapilog_mmap_file_sink_start_async, result, error);
}

/* ---- write -------------------------------------------------------------- */

typedef struct {
  FapilogMmapPersistence *persistence;
  FapilogBatch           *batch;
} WriteJob;

static void
write_job_free (gpointer data)
{
  WriteJob *job = data;

  g_object_unref (job->persistence);
  fapilog_batch_unref (job->batch);
  g_free (job);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;
  gsize len = 0;
  const guint8 *data = fapilog_batch_get_data (job->batch, &len);

  /* The batch's lines are contiguous and each ends in '\n': one append
   * copies them all, under one lock, so the batch lands whole or (past
   * max-size) not at all. */
  if (fapilog_mmap_persistence_append (job->persistence, data, len, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
fapilog_mmap_file_sink_write_batch_async (FapilogSink         *sink,
                                          FapilogBatch        *batch,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  FapilogMmapFileSink *self = FAPILOG_MMAP_FILE_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  WriteJob *job;
  gsize len = 0;

  g_task_set_source_tag (task, fapilog_mmap_file_sink_write_batch_async);
  g_task_set_name (task, "fapilog mmap_file write");
  /* A write that has started reports what really happened. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->persistence == NULL)
    {
      g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                               "sink %s is not started", SINK_NAME);
      return;
    }

  fapilog_batch_get_data (batch, &len);
  if (len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  job = g_new0 (WriteJob, 1);
  job->persistence = g_object_ref (self->persistence);
  job->batch = fapilog_batch_ref (batch);
  g_task_set_task_data (task, job, write_job_free);

  /* In a thread of GIO's pool rather than on the worker. Measured on a
   * 2-CPU VM, batches of 256 lines of 250 bytes into a mapping that did
   * not need to grow, sync mode none: the append alone took 14 to 180 µs
   * per batch (not the memcpy: the first write to each fresh page of the
   * mapping is a page fault that allocates it), and going through the
   * pool added 20 to 130 µs per batch, 0.1 to 0.5 µs per entry. That
   * price buys a worker that never waits on this sink's disk, which it
   * otherwise would: growth (fallocate, mremap), msync() in the interval,
   * bytes and always sync modes, and page faults that the kernel throttles
   * when the disk falls behind on dirty pages. The worker serves every
   * sink and the queue. */
  g_task_run_in_thread (task, write_thread);
}

static gboolean
fapilog_mmap_file_sink_write_batch_finish (FapilogSink   *sink,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  return finish_task (sink, fapilog_mmap_file_sink_write_batch_async, result, error);
}

/* ---- stop --------------------------------------------------------------- */

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (fapilog_mmap_persistence_close_finish (FAPILOG_MMAP_PERSISTENCE (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
fapilog_mmap_file_sink_stop_async (FapilogSink         *sink,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  FapilogMmapFileSink *self = FAPILOG_MMAP_FILE_SINK (sink);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fapilog_mmap_file_sink_stop_async);
  g_task_set_check_cancellable (task, FALSE);

  if (self->persistence == NULL)
    {
      /* Never started. */
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* Without the cancellable: a close cut short would leave the file
   * padded with zeros up to the mapped size (the next open repairs that,
   * but other readers would see it). Closing is an msync (with
   * flush-on-close) and an ftruncate; a write abandoned at the shutdown
   * deadline that is still running finishes first, under the
   * persistence's lock. The persistence is kept, closed, so that
   * health_check reports the sink as down. */
  fapilog_mmap_persistence_close_async (self->persistence, NULL, on_closed, task);
}

static gboolean
fapilog_mmap_file_sink_stop_finish (FapilogSink   *sink,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return finish_task (sink, fapilog_mmap_file_sink_stop_async, result, error);
}

/* Healthy while the file is open and mapped. */
static gboolean
fapilog_mmap_file_sink_health_check (FapilogSink *sink)
{
  FapilogMmapFileSink *self = FAPILOG_MMAP_FILE_SINK (sink);

  return self->persistence != NULL &&
         fapilog_mmap_persistence_health_check (self->persistence);
}

static void
fapilog_mmap_file_sink_iface_init (FapilogSinkInterface *iface)
{
  /* write_batch alone: the pipeline prefers it, and the interface's
   * wrappers turn a single write into a batch of one. */
  iface->start_async = fapilog_mmap_file_sink_start_async;
  iface->start_finish = fapilog_mmap_file_sink_start_finish;
  iface->stop_async = fapilog_mmap_file_sink_stop_async;
  iface->stop_finish = fapilog_mmap_file_sink_stop_finish;
  iface->write_batch_async = fapilog_mmap_file_sink_write_batch_async;
  iface->write_batch_finish = fapilog_mmap_file_sink_write_batch_finish;
  iface->health_check = fapilog_mmap_file_sink_health_check;
}

/* ---- GObject ------------------------------------------------------------ */

static void
fapilog_mmap_file_sink_finalize (GObject *object)
{
  FapilogMmapFileSink *self = FAPILOG_MMAP_FILE_SINK (object);

  /* Dropped without a stop, the persistence closes itself when its last
   * reference (this one, or a write thread's) goes. */
  g_clear_object (&self->persistence);
  g_free (self->path);

  G_OBJECT_CLASS (fapilog_mmap_file_sink_parent_class)->finalize (object);
}

static void
fapilog_mmap_file_sink_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  FapilogMmapFileSink *self = FAPILOG_MMAP_FILE_SINK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, SINK_NAME);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_INITIAL_SIZE:
      g_value_set_uint64 (value, self->initial_size);
      break;
    case PROP_GROWTH_FACTOR:
      g_value_set_double (value, self->growth_factor);
      break;
    case PROP_GROWTH_MIN_BYTES:
      g_value_set_uint64 (value, self->growth_min_bytes);
      break;
    case PROP_MAX_SIZE:
      g_value_set_uint64 (value, self->max_size);
      break;
    case PROP_SYNC_MODE:
      g_value_set_enum (value, self->sync_mode);
      break;
    case PROP_SYNC_INTERVAL_MS:
      g_value_set_uint (value, self->sync_interval_ms);
      break;
    case PROP_SYNC_EVERY_BYTES:
      g_value_set_uint64 (value, self->sync_every_bytes);
      break;
    case PROP_FLUSH_ON_CLOSE:
      g_value_set_boolean (value, self->flush_on_close);
      break;
    case PROP_FILE_MODE:
      g_value_set_uint (value, self->file_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_mmap_file_sink_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  FapilogMmapFileSink *self = FAPILOG_MMAP_FILE_SINK (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    case PROP_INITIAL_SIZE:
      self->initial_size = g_value_get_uint64 (value);
      break;
    case PROP_GROWTH_FACTOR:
      self->growth_factor = g_value_get_double (value);
      break;
    case PROP_GROWTH_MIN_BYTES:
      self->growth_min_bytes = g_value_get_uint64 (value);
      break;
    case PROP_MAX_SIZE:
      self->max_size = g_value_get_uint64 (value);
      break;
    case PROP_SYNC_MODE:
      self->sync_mode = g_value_get_enum (value);
      break;
    case PROP_SYNC_INTERVAL_MS:
      self->sync_interval_ms = g_value_get_uint (value);
      break;
    case PROP_SYNC_EVERY_BYTES:
      self->sync_every_bytes = g_value_get_uint64 (value);
      break;
    case PROP_FLUSH_ON_CLOSE:
      self->flush_on_close = g_value_get_boolean (value);
      break;
    case PROP_FILE_MODE:
      self->file_mode = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_mmap_file_sink_class_init (FapilogMmapFileSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fapilog_mmap_file_sink_finalize;
  object_class->get_property = fapilog_mmap_file_sink_get_property;
  object_class->set_property = fapilog_mmap_file_sink_set_property;

  /**
   * FapilogMmapFileSink:path: (type filename)
   *
   * The file to append to, created (with its parent directories) on start
   * if it does not exist. A start without a path fails.
   *
   * Since: 1.0
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, flags);

  /**
   * FapilogMmapFileSink:initial-size:
   *
   * The size start makes the file (and its mapping) when it holds fewer
   * bytes of lines than that; a longer file gets
   * [property@Fapilog.MmapFileSink:growth-min-bytes] of room past its
   * lines.
   *
   * Since: 1.0
   */
  properties[PROP_INITIAL_SIZE] =
    g_param_spec_uint64 ("initial-size", NULL, NULL,
                         1, MAX_FILE_SIZE, DEFAULT_INITIAL_SIZE, flags);

  /**
   * FapilogMmapFileSink:growth-factor:
   *
   * When a batch does not fit, the file and its mapping grow to this many
   * times their size, or by [property@Fapilog.MmapFileSink:growth-min-bytes]
   * if that is more, or to what the batch needs if that is more still;
   * never past [property@Fapilog.MmapFileSink:max-size].
   *
   * Since: 1.0
   */
  properties[PROP_GROWTH_FACTOR] =
    g_param_spec_double ("growth-factor", NULL, NULL,
                         1.0, 1024.0, DEFAULT_GROWTH_FACTOR, flags);

  /**
   * FapilogMmapFileSink:growth-min-bytes:
   *
   * The least the mapping grows by at once.
   *
   * Since: 1.0
   */
  properties[PROP_GROWTH_MIN_BYTES] =
    g_param_spec_uint64 ("growth-min-bytes", NULL, NULL,
                         1, MAX_FILE_SIZE, DEFAULT_GROWTH_MIN_BYTES, flags);

  /**
   * FapilogMmapFileSink:max-size:
   *
   * The most bytes of lines the file may hold, checked exactly: a batch
   * that fits is written, one that does not fails as a whole with
   * %G_IO_ERROR_NO_SPACE and nothing of it is written. 0 means no limit.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_SIZE] =
    g_param_spec_uint64 ("max-size", NULL, NULL, 0, MAX_FILE_SIZE, 0, flags);

  /**
   * FapilogMmapFileSink:sync-mode:
   *
   * When appended data is forced to stable storage with `msync()`. Every
   * mode keeps the data across a crash of the process; the mode decides
   * what a crash of the machine may lose.
   *
   * Since: 1.0
   */
  properties[PROP_SYNC_MODE] =
    g_param_spec_enum ("sync-mode", NULL, NULL,
                       FAPILOG_TYPE_MMAP_SYNC_MODE, DEFAULT_SYNC_MODE, flags);

  /**
   * FapilogMmapFileSink:sync-interval-ms:
   *
   * With %FAPILOG_MMAP_SYNC_INTERVAL, an append syncs when at least this
   * many milliseconds have passed since the last sync; 0 syncs at every
   * append. There is no timer: an idle file is synced by the next append
   * or by stop.
   *
   * Since: 1.0
   */
  properties[PROP_SYNC_INTERVAL_MS] =
    g_param_spec_uint ("sync-interval-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_SYNC_INTERVAL_MS, flags);

  /**
   * FapilogMmapFileSink:sync-every-bytes:
   *
   * With %FAPILOG_MMAP_SYNC_BYTES, how many bytes are appended between two
   * syncs.
   *
   * Since: 1.0
   */
  properties[PROP_SYNC_EVERY_BYTES] =
    g_param_spec_uint64 ("sync-every-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_SYNC_EVERY_BYTES, flags);

  /**
   * FapilogMmapFileSink:flush-on-close:
   *
   * Whether stop syncs the file before closing it, whatever the sync mode.
   *
   * Since: 1.0
   */
  properties[PROP_FLUSH_ON_CLOSE] =
    g_param_spec_boolean ("flush-on-close", NULL, NULL, TRUE, flags);

  /**
   * FapilogMmapFileSink:file-mode:
   *
   * The permission bits of a file the sink creates, 0640 by default,
   * applied exactly (the umask does not reduce them). An existing file
   * keeps its mode.
   *
   * Since: 1.0
   */
  properties[PROP_FILE_MODE] =
    g_param_spec_uint ("file-mode", NULL, NULL, 0, 07777, DEFAULT_FILE_MODE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_mmap_file_sink_init (FapilogMmapFileSink *self)
{
  self->initial_size = DEFAULT_INITIAL_SIZE;
  self->growth_factor = DEFAULT_GROWTH_FACTOR;
  self->growth_min_bytes = DEFAULT_GROWTH_MIN_BYTES;
  self->sync_mode = DEFAULT_SYNC_MODE;
  self->sync_interval_ms = DEFAULT_SYNC_INTERVAL_MS;
  self->sync_every_bytes = DEFAULT_SYNC_EVERY_BYTES;
  self->flush_on_close = TRUE;
  self->file_mode = DEFAULT_FILE_MODE;
}

/* ---- public API --------------------------------------------------------- */

/**
 * fapilog_mmap_file_sink_new:
 * @path: (type filename): the file to append to
 *
 * Creates an `mmap_file` sink with the default settings: a 1 MiB initial
 * mapping that doubles as needed, no size limit, no sync beyond the one
 * at stop. Use g_object_new() with the properties for anything else.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_mmap_file_sink_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (FAPILOG_TYPE_MMAP_FILE_SINK,
                       "path", path,
                       NULL);
}
