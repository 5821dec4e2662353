/* fapilog-rotating-file-sink.c: JSON lines (or text) in files that rotate
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <zlib.h>

#include "fapilog-batch.h"
#include "fapilog-batch-private.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-enum-types.h"
#include "fapilog-envelope-private.h"
#include "fapilog-error.h"
#include "fapilog-file-reserve-private.h"
#include "fapilog-gzip-file-private.h"
#include "fapilog-io-private.h"
#include "fapilog-rotating-file-sink.h"
#include "fapilog-rotating-file-sink-private.h"
#include "fapilog-sink-private.h"
#include "fapilog-text-format-private.h"

/**
 * FapilogRotatingFileSink:
 *
 * The `rotating_file` sink: one JSON envelope per line (or one text line per
 * entry) in files under [property@Fapilog.RotatingFileSink:directory] that
 * are rotated by size and by time, optionally gzipped, and pruned.
 *
 * Files are named `<prefix>-<YYYYMMDD-HHMMSS>[-N].jsonl` (`.log` in text
 * mode), from the UTC time at which the file is created. Every start begins
 * a new file, created only when the first line must be written, so no empty
 * files are left behind. `N` is one more than the highest number already
 * used for that second by any of the sink's files (compressed ones
 * included), and the time part never goes backwards, so the pair
 * (time, N) orders the files by creation; retention deletes in that order.
 * Version order (`ls -v`, `sort -V`) lists them that way too.
 *
 * Each batch is written with one `writev` from a thread of GIO's pool, never
 * on the pipeline's worker thread. A file is rotated before the line that
 * would take it past [property@Fapilog.RotatingFileSink:max-bytes] (a batch
 * is split between files at line boundaries), at multiples of
 * [property@Fapilog.RotatingFileSink:interval-seconds] since the UTC epoch
 * (by a timer, so an idle file is closed on time), on
 * [method@Fapilog.RotatingFileSink.rotate], and after a failed write. An
 * empty file is never rotated; a line longer than the limit gets a file of
 * its own.
 *
 * A failed write (`ENOSPC`, `EFBIG`, `EIO`, ...) fails the batch with an
 * error naming the file; whatever part of a line reached the file is cut
 * off again, so every file holds whole lines only. The entries whose lines
 * reached a file whole still count as written, and only the others go to
 * the pipeline's fallback. `SIGXFSZ` does not kill the process.
 *
 * Only one sink may write a given directory and prefix at a time.
 *
 * Since: 1.0
 */

#define SINK_NAME "rotating_file"
#define DIAG_COMPONENT "rotating_file"
#define DEFAULT_MAX_BYTES (10 * 1024 * 1024)
#define DEFAULT_FILE_MODE 0640
#define STAMP_LEN 15   /* YYYYMMDD-HHMMSS */

enum {
  REQUEST_ROTATE = 1 << 0,
  REQUEST_REOPEN = 1 << 1,
};

struct _FapilogRotatingFileSink
{
  GObject parent_instance;

  /* Configuration: construct-only, read from any thread. */
  char                     *directory;
  char                     *prefix;
  FapilogFileFormat         format;
  guint64                   max_bytes;
  double                    interval_seconds;
  guint                     max_files;
  guint64                   max_total_bytes;
  gboolean                  compress;
  guint                     file_mode;
  FapilogFsyncPolicy        fsync_policy;
  const char               *ext;             /* ".jsonl" or ".log" */
  gint64                    interval_us;     /* 0: no time rotation */

  FapilogRotatingFileClock  clock;
  gpointer                  clock_data;
  FapilogRotatingFileSyncHook sync_hook;     /* tests: runs before a rotated file's fsync */
  gpointer                  sync_hook_data;

  /* The file. Held for a whole write, rotation or compression hand-over, so
   * write threads, maintenance jobs and stop never interleave. */
  GMutex                    state_lock;
  gboolean                  started;
  int                       fd;
  char                     *path;            /* also under path_lock */
  guint64                   size;            /* bytes known to be in the file */
  FapilogFileReserve        reserve;         /* blocks reserved past size */
  gint64                    deadline_us;     /* G_MAXINT64: none */
  gboolean                  rotate_next;     /* a write failed on this file */
  char                      last_stamp[STAMP_LEN + 1];
  guint64                   last_seq;
  GHashTable               *compressing;     /* basenames queued or in progress */
  GHashTable               *doomed;          /* ... of those, deleted by retention */

  /* One thread, so writes run one at a time and in the order they were
   * started: the fan-out may queue the next batch behind a running write
   * (see _fapilog_sink_set_queues_writes()). For the sink's lifetime. */
  GThreadPool              *write_pool;

  /* Short lock for dup_current_path(), which must not wait for a write. */
  GMutex                    path_lock;

  /* Read by health_check() on the worker without the state lock. */
  gint                      file_open;       /* atomic */
  gint                      open_failed;     /* atomic */
  gint                      requests;        /* atomic REQUEST_* bits */
  gint                      abort_compress;  /* atomic: stop was cancelled */

  /* The worker context, the boundary timer and the background pools;
   * set on start, cleared on stop. */
  GMutex                    ctl_lock;
  GMainContext             *context;
  GSource                  *timer;
  GThreadPool              *maint_pool;
  GThreadPool              *compress_pool;

  /* Background accounting, for stop and the tests. */
  GMutex                    bg_lock;
  GCond                     bg_cond;
  guint                     maint_pending;
  guint                     syncs_pending;   /* rotated files still open for their fsync */
  guint                     compress_pending;
  guint                     rotations;
};

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_FILENAME_PREFIX,
  PROP_MODE,
  PROP_MAX_BYTES,
  PROP_INTERVAL_SECONDS,
  PROP_MAX_FILES,
  PROP_MAX_TOTAL_BYTES,
  PROP_COMPRESS_ROTATED,
  PROP_FILE_MODE,
  PROP_FSYNC,
  N_PROPS,

  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void fapilog_rotating_file_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FapilogRotatingFileSink, fapilog_rotating_file_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      fapilog_rotating_file_sink_iface_init))

static gint64
now_us (FapilogRotatingFileSink *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
}

/* ---- file names --------------------------------------------------------- */

typedef enum {
  NAME_FINAL,   /* .jsonl .log .jsonl.gz .log.gz */
  NAME_TMP,     /* .jsonl.gz.tmp .log.gz.tmp: an interrupted compression */
} NameKind;

typedef struct {
  char     *name;
  char      stamp[STAMP_LEN + 1];
  guint64   seq;        /* 0: no "-N" */
  gboolean  compressed;
  guint64   size;
} FileInfo;

static void
file_info_free (gpointer data)
{
  FileInfo *info = data;

  g_free (info->name);
  g_free (info);
}

static gboolean
all_digits (const char *s,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Recognizes our own names only: `<prefix>-YYYYMMDD-HHMMSS[-N]<ext>`. A
 * file that merely starts with the prefix is somebody else's and is never
 * deleted. */
static gboolean
parse_name (const char *prefix,
            const char *name,
            NameKind   *kind,
            char        stamp[STAMP_LEN + 1],
            guint64    *seq,
            gboolean   *compressed)
{
  static const struct { const char *ext; gboolean gz; NameKind kind; } exts[] = {
    { ".jsonl", FALSE, NAME_FINAL },
    { ".log", FALSE, NAME_FINAL },
    { ".jsonl.gz", TRUE, NAME_FINAL },
    { ".log.gz", TRUE, NAME_FINAL },
    { ".jsonl.gz.tmp", TRUE, NAME_TMP },
    { ".log.gz.tmp", TRUE, NAME_TMP },
  };
  gsize plen = strlen (prefix);
  const char *p;
  gsize rest;

  if (strncmp (name, prefix, plen) != 0 || name[plen] != '-')
    return FALSE;
  p = name + plen + 1;
  if (strlen (p) < STAMP_LEN || !all_digits (p, 8) || p[8] != '-' || !all_digits (p + 9, 6))
    return FALSE;
  memcpy (stamp, p, STAMP_LEN);
  stamp[STAMP_LEN] = '\0';
  p += STAMP_LEN;

  *seq = 0;
  if (*p == '-')
    {
      const char *digits = ++p;

      while (g_ascii_isdigit (*p))
        p++;
      /* 1..19 digits, no leading zero: the form we write. */
      if (p == digits || p - digits > 19 || *digits == '0')
        return FALSE;
      *seq = g_ascii_strtoull (digits, NULL, 10);
    }

  rest = strlen (p);
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      if (rest == strlen (exts[i].ext) && strcmp (p, exts[i].ext) == 0)
        {
          *kind = exts[i].kind;
          *compressed = exts[i].gz;
          return TRUE;
        }
    }
  return FALSE;
}

/* Creation order: the time part, then N (no suffix is N = 0). Plain
 * strcmp() would not do: "-1" sorts before "." and "-10" before "-2". */
static int
compare_key (const char *stamp_a,
             guint64     seq_a,
             const char *stamp_b,
             guint64     seq_b)
{
  int c = strcmp (stamp_a, stamp_b);

  if (c != 0)
    return c;
  return seq_a < seq_b ? -1 : seq_a > seq_b ? 1 : 0;
}

static int
compare_file_info (gconstpointer a,
                   gconstpointer b)
{
  const FileInfo *fa = *(const FileInfo * const *) a;
  const FileInfo *fb = *(const FileInfo * const *) b;
  int c = compare_key (fa->stamp, fa->seq, fb->stamp, fb->seq);

  return c != 0 ? c : strcmp (fa->name, fb->name);
}

/* Our files in the directory, oldest first. With @tmp, the temporaries of
 * interrupted compressions instead of the final names. */
static GPtrArray *
scan_directory (FapilogRotatingFileSink  *self,
                gboolean                  tmp,
                GError                  **error)
{
  g_autoptr(GDir) dir = NULL;
  GPtrArray *files;
  const char *name;

  dir = g_dir_open (self->directory, 0, error);
  if (dir == NULL)
    return NULL;

  files = g_ptr_array_new_with_free_func (file_info_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      FileInfo info = { NULL, };
      NameKind kind;
      g_autofree char *path = NULL;
      struct stat st;

      if (!parse_name (self->prefix, name, &kind, info.stamp, &info.seq, &info.compressed))
        continue;
      if ((kind == NAME_TMP) != tmp)
        continue;
      path = g_build_filename (self->directory, name, NULL);
      if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      info.name = g_strdup (name);
      info.size = (guint64) st.st_size;
      g_ptr_array_add (files, g_memdup2 (&info, sizeof info));
    }
  g_ptr_array_sort (files, compare_file_info);
  return files;
}

static void
format_stamp (gint64 t_us,
              char   stamp[STAMP_LEN + 1])
{
  time_t t = (time_t) (t_us >= 0 ? t_us / G_USEC_PER_SEC : -((-t_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));
  struct tm tm;

  if (gmtime_r (&t, &tm) == NULL ||
      strftime (stamp, STAMP_LEN + 1, "%Y%m%d-%H%M%S", &tm) != STAMP_LEN)
    strcpy (stamp, "19700101-000000");
}

/* The next (time, N) after everything on disk and everything this sink
 * made before. Called with the state lock held. */
static void
next_name_key (FapilogRotatingFileSink *self,
               char                     stamp[STAMP_LEN + 1],
               guint64                 *seq)
{
  g_autoptr(GPtrArray) finals = scan_directory (self, FALSE, NULL);
  g_autoptr(GPtrArray) tmps = scan_directory (self, TRUE, NULL);
  char max_stamp[STAMP_LEN + 1];
  guint64 max_seq = 0;
  gboolean have_max = FALSE;
  GPtrArray *lists[2] = { finals, tmps };

  if (self->last_stamp[0] != '\0')
    {
      memcpy (max_stamp, self->last_stamp, sizeof max_stamp);
      max_seq = self->last_seq;
      have_max = TRUE;
    }
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      if (lists[l] == NULL || lists[l]->len == 0)
        continue;
      {
        FileInfo *newest = g_ptr_array_index (lists[l], lists[l]->len - 1);

        if (!have_max || compare_key (newest->stamp, newest->seq, max_stamp, max_seq) > 0)
          {
            memcpy (max_stamp, newest->stamp, sizeof max_stamp);
            max_seq = newest->seq;
            have_max = TRUE;
          }
      }
    }

  format_stamp (now_us (self), stamp);
  if (!have_max || strcmp (stamp, max_stamp) > 0)
    {
      *seq = 0;
      return;
    }
  /* Same second as (or a clock earlier than) the newest file. */
  memcpy (stamp, max_stamp, STAMP_LEN + 1);
  *seq = max_seq + 1;
}

static char *
build_basename (FapilogRotatingFileSink *self,
                const char              *stamp,
                guint64                  seq)
{
  if (seq == 0)
    return g_strdup_printf ("%s-%s%s", self->prefix, stamp, self->ext);
  return g_strdup_printf ("%s-%s-%" G_GUINT64_FORMAT "%s", self->prefix, stamp, seq, self->ext);
}

static gboolean
any_final_name_exists (FapilogRotatingFileSink *self,
                       const char              *stamp,
                       guint64                  seq)
{
  static const char * const exts[] = { ".jsonl", ".log", ".jsonl.gz", ".log.gz" };

  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = seq == 0 ?
        g_strdup_printf ("%s-%s%s", self->prefix, stamp, exts[i]) :
        g_strdup_printf ("%s-%s-%" G_GUINT64_FORMAT "%s", self->prefix, stamp, seq, exts[i]);
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      struct stat st;

      if (lstat (path, &st) == 0 || errno != ENOENT)
        return TRUE;
    }
  return FALSE;
}

/* ---- background work ---------------------------------------------------- */

/* What the maintenance thread is asked to do: serve the pending requests
 * and the time boundary, or finish a rotated file whose fsync was left to
 * it (see rotate_file()). */
typedef struct {
  int   fd;     /* the rotated file, still open; -1: serve pending requests */
  char *name;   /* its basename */
} MaintJob;

static void
maint_job_free (MaintJob *job)
{
  g_free (job->name);
  g_free (job);
}

static void
bg_done (FapilogRotatingFileSink *self,
         guint                   *counter)
{
  g_mutex_lock (&self->bg_lock);
  (*counter)--;
  g_cond_broadcast (&self->bg_cond);
  g_mutex_unlock (&self->bg_lock);
}

/* Queues a compression of @basename; with the state lock held. */
static void
queue_compression (FapilogRotatingFileSink *self,
                   const char              *basename)
{
  if (g_hash_table_contains (self->compressing, basename))
    return;

  g_mutex_lock (&self->ctl_lock);
  if (self->compress_pool != NULL)
    {
      g_hash_table_add (self->compressing, g_strdup (basename));
      g_mutex_lock (&self->bg_lock);
      self->compress_pending++;
      g_mutex_unlock (&self->bg_lock);
      g_thread_pool_push (self->compress_pool, g_strdup (basename), NULL);
    }
  g_mutex_unlock (&self->ctl_lock);
}

/* Hands @job to the maintenance thread; FALSE (and @job untouched) when
 * the sink is stopping and the thread is gone, or when too many rotated
 * files already wait for their fsync. */
static gboolean
push_maint_job (FapilogRotatingFileSink *self,
                MaintJob                *job)
{
  gboolean pushed = FALSE;

  g_mutex_lock (&self->ctl_lock);
  if (self->maint_pool != NULL)
    {
      g_mutex_lock (&self->bg_lock);
      if (job->fd < 0 || self->syncs_pending < FAPILOG_ROTATING_FILE_MAX_PENDING_SYNCS)
        {
          self->maint_pending++;
          if (job->fd >= 0)
            self->syncs_pending++;
          pushed = TRUE;
        }
      g_mutex_unlock (&self->bg_lock);
      if (pushed)
        g_thread_pool_push (self->maint_pool, job, NULL);
    }
  g_mutex_unlock (&self->ctl_lock);
  return pushed;
}

static void
queue_maintenance (FapilogRotatingFileSink *self)
{
  MaintJob *job = g_new0 (MaintJob, 1);

  job->fd = -1;
  if (!push_maint_job (self, job))
    maint_job_free (job);
}

/* Sets the boundary timer from the deadline; any thread. The timer works in
 * monotonic time, the deadline in the sink's clock: convert by the
 * distance, so a clock jump is seen at the next re-arm. */
static void
arm_timer (FapilogRotatingFileSink *self,
           gint64                   deadline_us)
{
  g_mutex_lock (&self->ctl_lock);
  if (self->timer != NULL)
    {
      if (deadline_us == G_MAXINT64)
        g_source_set_ready_time (self->timer, -1);
      else
        {
          gint64 wait = deadline_us - now_us (self);

          g_source_set_ready_time (self->timer,
                                   g_get_monotonic_time () + CLAMP (wait, 0, G_MAXINT64 / 4));
        }
    }
  g_mutex_unlock (&self->ctl_lock);
}

/* ---- retention ---------------------------------------------------------- */

static void
delete_file (FapilogRotatingFileSink *self,
             FileInfo                *info)
{
  g_autofree char *path = g_build_filename (self->directory, info->name, NULL);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int errsv = errno;

      _fapilog_diag_warn (DIAG_COMPONENT, "retention could not delete a file",
                          "path", "s", path,
                          "error", "s", g_strerror (errsv),
                          NULL);
      return;
    }
  /* A compression of it, queued or running, must not bring it back. */
  if (g_hash_table_contains (self->compressing, info->name))
    g_hash_table_add (self->doomed, g_strdup (info->name));
}

/* With the state lock held. Candidates: our finished files but the active
 * one, oldest first by name (see compare_key(); mtime is no good: a .gz has
 * the time of its compression, and copies or touch change it). */
static void
apply_retention (FapilogRotatingFileSink *self)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *active = NULL;
  guint64 total = 0;
  guint first = 0;

  if (self->max_files == 0 && self->max_total_bytes == 0)
    return;

  files = scan_directory (self, FALSE, NULL);
  if (files == NULL)
    return;
  if (self->path != NULL)
    {
      active = g_path_get_basename (self->path);
      for (guint i = 0; i < files->len; i++)
        if (g_str_equal (((FileInfo *) g_ptr_array_index (files, i))->name, active))
          {
            g_ptr_array_remove_index (files, i);
            break;
          }
    }

  if (self->max_files > 0)
    while (files->len - first > self->max_files)
      delete_file (self, g_ptr_array_index (files, first++));

  if (self->max_total_bytes > 0)
    {
      for (guint i = first; i < files->len; i++)
        total += ((FileInfo *) g_ptr_array_index (files, i))->size;
      while (first < files->len && total > self->max_total_bytes)
        {
          FileInfo *info = g_ptr_array_index (files, first++);

          delete_file (self, info);
          total -= info->size;
        }
    }
}

/* ---- the active file ---------------------------------------------------- */

static void
set_path (FapilogRotatingFileSink *self,
          char                    *path)
{
  g_mutex_lock (&self->path_lock);
  g_free (self->path);
  self->path = path;
  g_mutex_unlock (&self->path_lock);
}

/* fsync, retried on EINTR; the error names @path. */
static gboolean
fsync_file (int           fd,
            const char   *path,
            GError      **error)
{
  int r;

  do
    r = fsync (fd);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    {
      int errsv = errno;

      g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                   "fsync of %s failed: %s (errno %d)", path, g_strerror (errsv), errsv);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sync_fd (FapilogRotatingFileSink  *self,
         GError                  **error)
{
  return fsync_file (self->fd, self->path, error);
}

/* Closes a file that is no longer the active one, after an fsync if
 * @sync; failures are reported as diagnostics (the data has left us). */
static void
finish_file (int         fd,
             const char *path,
             gboolean    sync)
{
  g_autoptr(GError) error = NULL;

  if (sync && !fsync_file (fd, path, &error))
    _fapilog_diag_warn (DIAG_COMPONENT, "could not sync a file before closing it",
                        "error", "s", error->message, NULL);
  if (close (fd) != 0 && errno != EINTR)
    {
      int errsv = errno;

      _fapilog_diag_warn (DIAG_COMPONENT, "closing a file failed",
                          "path", "s", path, "error", "s", g_strerror (errsv), NULL);
    }
}

/* Gives back the blocks reserved past the end of the active file, which is
 * about to be closed. With the state lock held. */
static void
release_reserved (FapilogRotatingFileSink *self)
{
  if (!_fapilog_file_reserve_release (&self->reserve, self->fd, self->size))
    {
      int errsv = errno;

      _fapilog_diag_warn (DIAG_COMPONENT, "could not give back the disk space reserved past the end of a file",
                          "path", "s", self->path, "error", "s", g_strerror (errsv), NULL);
    }
}

/* Closes the active file: fsync per policy, close; an empty file is
 * removed (we never leave empty files). Returns the basename of a file
 * that was kept, or NULL. With the state lock held.
 *
 * With @sync_fd_out, a kept file that the policy wants synced is neither
 * synced nor closed: its descriptor is returned there (else -1), for
 * finish_file() elsewhere. */
static char *
close_file (FapilogRotatingFileSink *self,
            int                     *sync_fd_out)
{
  gboolean wants_sync = self->fsync_policy != FAPILOG_FSYNC_NEVER && self->size > 0;
  char *kept = NULL;

  if (sync_fd_out != NULL)
    *sync_fd_out = -1;
  if (self->fd < 0)
    {
      set_path (self, NULL);
      return NULL;
    }

  release_reserved (self);
  if (wants_sync && sync_fd_out != NULL)
    *sync_fd_out = self->fd;
  else
    finish_file (self->fd, self->path, wants_sync);
  self->fd = -1;
  g_atomic_int_set (&self->file_open, FALSE);

  if (self->size == 0)
    g_unlink (self->path);
  else
    kept = g_path_get_basename (self->path);

  set_path (self, NULL);
  self->size = 0;
  self->rotate_next = FALSE;
  self->deadline_us = G_MAXINT64;
  arm_timer (self, G_MAXINT64);
  return kept;
}

/* Closes the active file as rotated: compress it if configured, prune. An
 * empty file is never rotated. With the state lock held.
 *
 * The fsync that the policy asks for is left to the maintenance thread,
 * which then closes the file and queues its compression: a size rotation
 * happens inside a write, and the batch (and every batch behind it) would
 * otherwise wait for the disk to take the whole file, 10 MiB by default.
 * The next file is opened by that write meanwhile. */
static void
rotate_file (FapilogRotatingFileSink *self)
{
  g_autofree char *kept = NULL;
  int sync_later = -1;

  if (self->fd < 0 || self->size == 0)
    return;

  kept = close_file (self, &sync_later);
  if (kept != NULL)
    {
      g_mutex_lock (&self->bg_lock);
      self->rotations++;
      g_cond_broadcast (&self->bg_cond);
      g_mutex_unlock (&self->bg_lock);
    }
  if (sync_later >= 0)
    {
      MaintJob *job = g_new0 (MaintJob, 1);

      job->fd = sync_later;
      job->name = g_strdup (kept);
      if (!push_maint_job (self, job))
        {
          /* Stopping (the maintenance thread is gone) or too many
           * pending: do it here. */
          g_autofree char *path = g_build_filename (self->directory, kept, NULL);

          finish_file (sync_later, path, TRUE);
          maint_job_free (job);
          if (self->compress)
            queue_compression (self, kept);
        }
    }
  else if (kept != NULL && self->compress)
    queue_compression (self, kept);
  apply_retention (self);
}

static gint64
next_deadline (FapilogRotatingFileSink *self,
               gint64                   t_us)
{
  if (self->interval_us <= 0)
    return G_MAXINT64;
  /* The next multiple of the interval since the UTC epoch. */
  if (t_us >= 0)
    return (t_us / self->interval_us + 1) * self->interval_us;
  return -((-t_us) / self->interval_us) * self->interval_us + self->interval_us;
}

/* Opens a new file if none is open. With the state lock held. */
static gboolean
ensure_open (FapilogRotatingFileSink  *self,
             GError                  **error)
{
  char stamp[STAMP_LEN + 1];
  guint64 seq;
  int errsv = 0;

  if (self->fd >= 0)
    return TRUE;

  next_name_key (self, stamp, &seq);
  for (guint attempt = 0; attempt < 1000; attempt++, seq++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      int fd;

      /* A name is free only if none of the four final forms exists. */
      if (any_final_name_exists (self, stamp, seq))
        continue;
      name = build_basename (self, stamp, seq);
      path = g_build_filename (self->directory, name, NULL);
      fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOCTTY,
                 (mode_t) self->file_mode);
      if (fd < 0)
        {
          errsv = errno;
          if (errsv == EEXIST || errsv == EINTR)
            continue;
          g_atomic_int_set (&self->open_failed, TRUE);
          g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                       "cannot create %s: %s (errno %d)", path, g_strerror (errsv), errsv);
          return FALSE;
        }

      /* open() applies the umask; the configured mode is meant as is. */
      if (fchmod (fd, (mode_t) self->file_mode) != 0)
        {
          int e = errno;

          _fapilog_diag_warn (DIAG_COMPONENT, "could not set the file mode",
                              "path", "s", path, "error", "s", g_strerror (e), NULL);
        }

      self->fd = fd;
      self->size = 0;
      _fapilog_file_reserve_reset (&self->reserve, 0);
      self->rotate_next = FALSE;
      memcpy (self->last_stamp, stamp, sizeof self->last_stamp);
      self->last_seq = seq;
      set_path (self, g_steal_pointer (&path));
      g_atomic_int_set (&self->file_open, TRUE);
      g_atomic_int_set (&self->open_failed, FALSE);
      self->deadline_us = next_deadline (self, now_us (self));
      arm_timer (self, self->deadline_us);
      return TRUE;
    }

  g_atomic_int_set (&self->open_failed, TRUE);
  g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
               "cannot find a free file name in %s", self->directory);
  return FALSE;
}

/* Closes the descriptor and opens the same path again, for logrotate: after
 * an external rename we go on in a new file of the old name. With the state
 * lock held. */
static void
reopen_file (FapilogRotatingFileSink *self)
{
  g_autofree char *path = NULL;
  struct stat st;
  int fd;

  if (self->fd < 0 || self->path == NULL)
    return;

  path = g_strdup (self->path);
  if (self->fsync_policy != FAPILOG_FSYNC_NEVER)
    {
      g_autoptr(GError) error = NULL;

      if (!sync_fd (self, &error))
        _fapilog_diag_warn (DIAG_COMPONENT, "could not sync a file before reopening it",
                            "error", "s", error->message, NULL);
    }
  release_reserved (self);
  close (self->fd);
  self->fd = -1;

  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOCTTY,
             (mode_t) self->file_mode);
  if (fd >= 0)
    fchmod (fd, (mode_t) self->file_mode);
  else if (errno == EEXIST)
    /* Still there (not renamed): keep its mode, append. */
    fd = open (path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    {
      int errsv = errno;

      _fapilog_diag_warn (DIAG_COMPONENT, "could not reopen the file; the next write starts a new one",
                          "path", "s", path, "error", "s", g_strerror (errsv), NULL);
      g_atomic_int_set (&self->file_open, FALSE);
      set_path (self, NULL);
      self->size = 0;
      self->deadline_us = G_MAXINT64;
      arm_timer (self, G_MAXINT64);
      return;
    }

  self->fd = fd;
  self->size = fstat (fd, &st) == 0 ? (guint64) st.st_size : 0;
  _fapilog_file_reserve_reset (&self->reserve, self->size);
  self->rotate_next = FALSE;
}

/* Rotation and reopen requests, and the time boundary. With the state lock
 * held, on a write thread or a maintenance job. */
static void
handle_pending (FapilogRotatingFileSink *self)
{
  guint requests = (guint) g_atomic_int_and (&self->requests, 0);

  if (requests & REQUEST_REOPEN)
    reopen_file (self);
  if (requests & REQUEST_ROTATE)
    rotate_file (self);

  if (self->fd >= 0 && self->deadline_us != G_MAXINT64)
    {
      if (now_us (self) >= self->deadline_us)
        {
          /* An idle file whose period is over: close it; the next write
           * opens a new one. */
          if (self->size > 0)
            rotate_file (self);
          else
            {
              g_free (close_file (self, NULL));
            }
        }
      else
        arm_timer (self, self->deadline_us);
    }
}

/* The second half of a rotation (see rotate_file()): without the state
 * lock, so writes to the next file go on while the disk takes this one. */
static void
finish_rotated_file (FapilogRotatingFileSink *self,
                     MaintJob                *job)
{
  g_autofree char *path = g_build_filename (self->directory, job->name, NULL);
  struct stat st;

  if (self->sync_hook != NULL)
    self->sync_hook (path, self->sync_hook_data);
  finish_file (job->fd, path, TRUE);
  g_mutex_lock (&self->bg_lock);
  self->syncs_pending--;
  g_mutex_unlock (&self->bg_lock);

  /* Retention may have deleted the file meanwhile (it runs under the state
   * lock, so this check cannot race it). */
  g_mutex_lock (&self->state_lock);
  if (self->compress && lstat (path, &st) == 0)
    queue_compression (self, job->name);
  g_mutex_unlock (&self->state_lock);
}

static void
maint_job (gpointer data,
           gpointer user_data)
{
  FapilogRotatingFileSink *self = user_data;
  MaintJob *job = data;

  if (job->fd >= 0)
    finish_rotated_file (self, job);
  else
    {
      g_mutex_lock (&self->state_lock);
      if (self->started)
        handle_pending (self);
      g_mutex_unlock (&self->state_lock);
    }
  maint_job_free (job);
  bg_done (self, &self->maint_pending);
}

/* ---- compression -------------------------------------------------------- */

/* One rotated file: `<name>.gz.tmp`, fsync, rename to `<name>.gz`, and only
 * then unlink the original. Runs in the compression pool, without the
 * state lock except for the hand-over, so writes go on meanwhile. */
static void
compress_job (gpointer data,
              gpointer user_data)
{
  FapilogRotatingFileSink *self = user_data;
  g_autofree char *name = data;
  g_autofree char *src = g_build_filename (self->directory, name, NULL);
  g_autofree char *dst = g_strconcat (src, ".gz", NULL);
  g_autofree char *tmp = g_strconcat (src, ".gz.tmp", NULL);
  g_autoptr(GError) error = NULL;
  gboolean skip;
  gboolean ok = FALSE;

  g_mutex_lock (&self->state_lock);
  skip = g_hash_table_contains (self->doomed, name) || g_atomic_int_get (&self->abort_compress);
  g_mutex_unlock (&self->state_lock);

  if (!skip)
    ok = _fapilog_gzip_file (src, tmp, self->file_mode, &self->abort_compress, &error);

  g_mutex_lock (&self->state_lock);
  if (ok && !g_hash_table_contains (self->doomed, name))
    {
      if (g_rename (tmp, dst) != 0)
        {
          int errsv = errno;

          g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                       "cannot rename %s: %s", tmp, g_strerror (errsv));
          g_unlink (tmp);
        }
      else
        {
          _fapilog_sync_directory (self->directory);
          g_unlink (src);
        }
    }
  else if (!skip)
    g_unlink (tmp);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _fapilog_diag_warn (DIAG_COMPONENT, "compression failed; the rotated file is kept",
                        "path", "s", src, "error", "s", error->message, NULL);

  g_hash_table_remove (self->doomed, name);
  g_hash_table_remove (self->compressing, name);
  if (ok)
    apply_retention (self);
  g_mutex_unlock (&self->state_lock);

  bg_done (self, &self->compress_pending);
}

/* ---- writing ------------------------------------------------------------ */

/* Lines to write: @len bytes at @data, line i ending (exclusive) at
 * ends[i]. n_done counts the lines that reached a file whole, so that a
 * failed job reports exactly those as written. A JSON batch job has only
 * @batch and @n_lines until the writing thread takes the lines from it
 * (job_take_batch_lines()). */
typedef struct {
  const guint8   *data;
  gsize           len;
  gsize          *ends;
  guint           n_lines;
  guint           n_done;
  gpointer        owner;
  GDestroyNotify  owner_free;
  FapilogBatch   *batch;    /* nullable; owned through @owner */
} WriteJob;

/* On the writing thread: the batch's bytes are usually made right here, by
 * the first read, so the write() that follows copies them from this CPU's
 * cache, and the worker is spared the serialization. */
static void
job_take_batch_lines (WriteJob *job)
{
  gsize len = 0;

  job->data = fapilog_batch_get_data (job->batch, &len);
  job->len = len;
  job->ends = g_new (gsize, MAX (job->n_lines, 1));
  /* The lines are contiguous: each one ends where the next starts, and the
   * batch has the offsets already (made by the call above). */
  if (job->n_lines > 0)
    memcpy (job->ends, job->batch->offsets + 1, job->n_lines * sizeof (gsize));
}

/* Lets go of the bytes (and the batch or view that holds them). */
static void
write_job_release_data (WriteJob *job)
{
  if (job->owner_free != NULL && job->owner != NULL)
    job->owner_free (job->owner);
  job->owner = NULL;
  job->batch = NULL;
  job->data = NULL;
}

static void
write_job_free (gpointer data)
{
  WriteJob *job = data;

  write_job_release_data (job);
  g_free (job->ends);
  g_free (job);
}

/* Writes bytes [from, to) of @job, which are whole lines starting at line
 * @first_line, to the active file. On failure, cuts the file back to its
 * last complete line. With the state lock held. */
static gboolean
write_run (FapilogRotatingFileSink  *self,
           WriteJob                 *job,
           guint                     first_line,
           gsize                     from,
           gsize                     to,
           GError                  **error)
{
  gsize written = 0;

  _fapilog_file_reserve_ensure (&self->reserve, self->fd, self->size, to - from, self->max_bytes);
  if (_fapilog_io_write_all (self->fd, job->data + from, to - from, self->path, &written, error))
    {
      self->size += to - from;
      /* A failed fsync may have cost the kernel those pages: the lines
       * count as failed (and go to the fallback) even though the file may
       * show them. */
      if (self->fsync_policy == FAPILOG_FSYNC_BATCH && !sync_fd (self, error))
        {
          self->rotate_next = TRUE;
          return FALSE;
        }
      return TRUE;
    }

  /* Keep the complete lines that made it (they count as written), cut the
   * torn one, and start the next write in a fresh file (the failure may
   * well repeat here). */
  {
    gsize keep = 0;
    guint kept_lines = 0;

    for (guint i = first_line; i < job->n_lines && job->ends[i] <= to; i++)
      {
        if (job->ends[i] - from > written)
          break;
        keep = job->ends[i] - from;
        kept_lines++;
      }
    job->n_done = first_line + kept_lines;

    if (written > keep && ftruncate (self->fd, (off_t) (self->size + keep)) != 0)
      {
        int errsv = errno;

        /* The torn line stays; at least nothing is glued to it. */
        _fapilog_diag_warn (DIAG_COMPONENT, "could not cut back a partial line",
                            "path", "s", self->path, "error", "s", g_strerror (errsv), NULL);
        self->size += written;
        rotate_file (self);
        return FALSE;
      }
    self->size += keep;
    if (written > keep)
      /* The cut gave back the reserved blocks too. */
      _fapilog_file_reserve_reset (&self->reserve, self->size);
    self->rotate_next = TRUE;
  }
  return FALSE;
}

static gboolean
write_lines (FapilogRotatingFileSink  *self,
             WriteJob                 *job,
             GError                  **error)
{
  guint i = 0;

  if (!self->started)
    {
      g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                   "sink %s is not started", SINK_NAME);
      return FALSE;
    }

  handle_pending (self);

  while (i < job->n_lines)
    {
      gsize from = i == 0 ? 0 : job->ends[i - 1];
      gsize chunk = 0;
      guint j = i;

      /* Lines before i are in a file; a failure from here on reports them
       * as written (write_run() adds the whole lines of its own run). */
      job->n_done = i;

      if (self->rotate_next && self->size > 0)
        rotate_file (self);

      /* Rotate before the line that would pass the limit. */
      if (self->max_bytes > 0 && self->fd >= 0 && self->size > 0 &&
          self->size + (job->ends[i] - from) > self->max_bytes)
        rotate_file (self);

      if (!ensure_open (self, error))
        return FALSE;

      if (self->max_bytes == 0)
        {
          j = job->n_lines;
          chunk = job->ends[j - 1] - from;
        }
      else
        {
          while (j < job->n_lines)
            {
              gsize line = job->ends[j] - (j == 0 ? 0 : job->ends[j - 1]);

              /* The first line always goes: into a fresh file if it is
               * longer than the limit (a file of its own). */
              if (j > i && self->size + chunk + line > self->max_bytes)
                break;
              chunk += line;
              j++;
              if (self->size + chunk > self->max_bytes)
                break;
            }
        }

      if (!write_run (self, job, i, from, from + chunk, error))
        return FALSE;
      i = j;
    }
  return TRUE;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FapilogRotatingFileSink *self = source_object;
  WriteJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  if (job->batch != NULL && job->ends == NULL)
    job_take_batch_lines (job);
  g_mutex_lock (&self->state_lock);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    ok = FALSE;
  else
    ok = write_lines (self, job, &error);
  g_mutex_unlock (&self->state_lock);

  /* Done with the bytes: let go of them before the worker hears of it, so
   * that the worker's reference on the batch is the last one and the
   * entries are freed there, not on this thread, which bounds the
   * throughput. (Dropped with the task instead, the last reference was
   * this thread's whenever the worker was quicker.) */
  write_job_release_data (job);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    {
      if (job->n_done > 0)
        _fapilog_sink_result_set_written (G_ASYNC_RESULT (task), job->n_done);
      g_task_return_error (task, error);
    }
}

/* The write pool's thread; @data is a reference on the write's task. */
static void
write_pool_run (gpointer data,
                gpointer user_data)
{
  GTask *task = data;

  write_thread (task, g_task_get_source_object (task), g_task_get_task_data (task),
                g_task_get_cancellable (task));
  g_object_unref (task);
}

static void
start_write (FapilogRotatingFileSink *self,
             gpointer                 source_tag,
             WriteJob                *job,
             GCancellable            *cancellable,
             GAsyncReadyCallback      callback,
             gpointer                 user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "fapilog rotating_file write");
  /* A write that has started reports what really happened. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, write_job_free);

  if (job->n_lines == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_thread_pool_push (self->write_pool, g_object_ref (task), NULL);
}

static gboolean
finish_write (FapilogSink   *sink,
              gpointer       source_tag,
              GAsyncResult  *result,
              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* `timestamp level logger message key=value…`: one line, whatever the
 * entry holds (values are quoted and escaped as in stdout_pretty). */
static void
append_text_line (GString      *out,
                  FapilogEntry *entry)
{
  const char *logger = fapilog_entry_get_logger_name (entry);
  char ts[25];

  _fapilog_format_timestamp (entry->timestamp_us, ts);
  g_string_append (out, ts);
  g_string_append_c (out, ' ');
  g_string_append (out, fapilog_level_to_string (entry->level));
  g_string_append_c (out, ' ');
  logger = logger != NULL ? logger : "";
  _fapilog_text_append_value (out, logger, strlen (logger), TRUE);
  g_string_append_c (out, ' ');
  _fapilog_text_append_value (out, entry->message != NULL ? entry->message : "",
                              entry->message != NULL ? entry->message_len : 0, TRUE);
  _fapilog_text_append_pairs (out, entry);

  if (entry->has_error)
    {
      const char *domain = entry->error_domain != 0 ? g_quark_to_string (entry->error_domain) : NULL;
      const char *message = entry->error_message != NULL ? entry->error_message : "";

      g_string_append (out, " error.domain=");
      domain = domain != NULL ? domain : "unknown-domain";
      _fapilog_text_append_value (out, domain, strlen (domain), TRUE);
      g_string_append_printf (out, " error.code=%d error.message=", entry->error_code);
      _fapilog_text_append_value (out, message, strlen (message), TRUE);
    }
  g_string_append_c (out, '\n');
}

static WriteJob *
text_job (FapilogEntry **entries,
          guint          n)
{
  WriteJob *job = g_new0 (WriteJob, 1);
  GString *text = g_string_sized_new (160 * MAX (n, 1));

  job->ends = g_new (gsize, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      append_text_line (text, entries[i]);
      job->ends[i] = text->len;
    }
  job->n_lines = n;
  job->len = text->len;
  job->data = (const guint8 *) text->str;
  job->owner = g_string_free (text, FALSE);
  job->owner_free = g_free;
  return job;
}

static void
fapilog_rotating_file_sink_write_batch_async (FapilogSink         *sink,
                                              FapilogBatch        *batch,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (sink);
  guint n = fapilog_batch_get_n_entries (batch);
  WriteJob *job;

  if (self->format == FAPILOG_FILE_FORMAT_TEXT)
    {
      /* Format here, on the worker; only the disk work leaves it. */
      g_autofree FapilogEntry **entries = g_new (FapilogEntry *, MAX (n, 1));

      for (guint i = 0; i < n; i++)
        entries[i] = fapilog_batch_get_entry (batch, i);
      job = text_job (entries, n);
    }
  else
    {
      job = g_new0 (WriteJob, 1);
      job->n_lines = n;
      job->batch = batch;
      job->owner = fapilog_batch_ref (batch);
      job->owner_free = (GDestroyNotify) fapilog_batch_unref;
    }

  start_write (self, fapilog_rotating_file_sink_write_batch_async, job,
               cancellable, callback, user_data);
}

static gboolean
fapilog_rotating_file_sink_write_batch_finish (FapilogSink   *sink,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return finish_write (sink, fapilog_rotating_file_sink_write_batch_async, result, error);
}

static WriteJob *
single_json_job (const guint8   *data,
                 gsize           len,
                 gpointer        owner,
                 GDestroyNotify  owner_free)
{
  WriteJob *job = g_new0 (WriteJob, 1);

  job->data = data;
  job->len = len;
  job->n_lines = len > 0 ? 1 : 0;
  job->ends = g_new (gsize, 1);
  job->ends[0] = len;
  job->owner = owner;
  job->owner_free = owner_free;
  return job;
}

static void
fapilog_rotating_file_sink_write_serialized_async (FapilogSink           *sink,
                                                   FapilogSerializedView *view,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (sink);
  WriteJob *job;

  if (self->format == FAPILOG_FILE_FORMAT_TEXT)
    {
      FapilogEntry *entry = fapilog_serialized_view_get_entry (view);

      job = text_job (&entry, 1);
    }
  else
    {
      const guint8 *data;
      gsize len = 0;

      data = fapilog_serialized_view_get_data (view, &len);
      job = single_json_job (data, len, fapilog_serialized_view_ref (view),
                             (GDestroyNotify) fapilog_serialized_view_unref);
    }

  start_write (self, fapilog_rotating_file_sink_write_serialized_async, job,
               cancellable, callback, user_data);
}

static gboolean
fapilog_rotating_file_sink_write_serialized_finish (FapilogSink   *sink,
                                                    GAsyncResult  *result,
                                                    GError       **error)
{
  return finish_write (sink, fapilog_rotating_file_sink_write_serialized_async, result, error);
}

static void
fapilog_rotating_file_sink_write_async (FapilogSink         *sink,
                                        FapilogEntry        *entry,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (sink);
  WriteJob *job;

  if (self->format == FAPILOG_FILE_FORMAT_TEXT)
    job = text_job (&entry, 1);
  else
    {
      char *line = fapilog_entry_to_json (entry);
      gsize len = strlen (line);

      line = g_realloc (line, len + 2);
      line[len++] = '\n';
      line[len] = '\0';
      job = single_json_job ((const guint8 *) line, len, line, g_free);
    }

  start_write (self, fapilog_rotating_file_sink_write_async, job,
               cancellable, callback, user_data);
}

static gboolean
fapilog_rotating_file_sink_write_finish (FapilogSink   *sink,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return finish_write (sink, fapilog_rotating_file_sink_write_async, result, error);
}

/* ---- start and stop ----------------------------------------------------- */

static gboolean
on_timer (gpointer user_data)
{
  FapilogRotatingFileSink *self = user_data;

  /* The maintenance job closes the file (fsync and all) off the worker,
   * and re-arms the timer for the next boundary. */
  queue_maintenance (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  NULL, NULL, timer_dispatch, NULL, NULL, NULL,
};

static gboolean
valid_prefix (const char *prefix)
{
  return prefix != NULL && *prefix != '\0' && strchr (prefix, '/') == NULL &&
         !g_str_equal (prefix, ".") && !g_str_equal (prefix, "..");
}

/* A process killed in the middle of a write (SIGKILL interrupts a write
 * between pages) can leave a partial last line in its active file. Cut it
 * back to the last complete line, so every file holds whole lines. */
static void
repair_tail (FapilogRotatingFileSink *self,
             const char              *name)
{
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  char buf[4096];
  struct stat st;
  off_t end, keep = 0;
  int fd;

  fd = open (path, O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return;
  if (fstat (fd, &st) != 0)
    {
      close (fd);
      return;
    }
  if (st.st_size == 0 || pread (fd, buf, 1, st.st_size - 1) != 1 || buf[0] == '\n')
    {
      /* A run that was killed kept the blocks reserved past its last
       * write; the cut below gives them back too. */
      if (!_fapilog_file_reserve_release_leftover (fd, &st))
        {
          int errsv = errno;

          _fapilog_diag_warn (DIAG_COMPONENT, "could not give back the disk space reserved past the end of a file",
                              "path", "s", path, "error", "s", g_strerror (errsv), NULL);
        }
      close (fd);
      return;
    }

  for (end = st.st_size; end > 0 && keep == 0;)
    {
      off_t start = end > (off_t) sizeof buf ? end - (off_t) sizeof buf : 0;
      ssize_t n = pread (fd, buf, (size_t) (end - start), start);

      /* A read error, or a file that shrank meanwhile: leave it as it is
       * rather than cut lines that could not be seen. */
      if (n != (ssize_t) (end - start))
        {
          int errsv = errno;

          _fapilog_diag_warn (DIAG_COMPONENT, "could not read a file of an earlier run; its partial last line stays",
                              "path", "s", path,
                              "error", "s", n < 0 ? g_strerror (errsv) : "short read",
                              NULL);
          close (fd);
          return;
        }
      for (ssize_t i = n - 1; i >= 0; i--)
        if (buf[i] == '\n')
          {
            keep = start + i + 1;
            break;
          }
      end = start;
    }

  if (ftruncate (fd, keep) == 0)
    _fapilog_diag_warn (DIAG_COMPONENT, "cut a partial last line left by an earlier run",
                        "path", "s", path,
                        "bytes", "t", (guint64) (st.st_size - keep),
                        NULL);
  close (fd);
  if (keep == 0)
    g_unlink (path);
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FapilogRotatingFileSink *self = source_object;
  g_autoptr(GPtrArray) tmps = NULL;
  g_autoptr(GPtrArray) finals = NULL;
  GError *error = NULL;
  /* rwx for whoever may read the files: 0640 gives 0750. */
  int dir_mode = (int) (0700 | (self->file_mode & 0077) | ((self->file_mode & 0044) >> 2));

  if (!valid_prefix (self->prefix))
    {
      g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                               "invalid file name prefix \"%s\"", self->prefix);
      return;
    }
  if (g_mkdir_with_parents (self->directory, dir_mode) != 0)
    {
      int errsv = errno;

      g_task_return_new_error (task, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                               "cannot create directory %s: %s (errno %d)",
                               self->directory, g_strerror (errsv), errsv);
      return;
    }

  g_mutex_lock (&self->state_lock);

  /* Interrupted compressions: the original is still there. */
  tmps = scan_directory (self, TRUE, &error);
  if (tmps == NULL)
    {
      g_mutex_unlock (&self->state_lock);
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < tmps->len; i++)
    {
      g_autofree char *path = g_build_filename (self->directory,
                                                ((FileInfo *) g_ptr_array_index (tmps, i))->name, NULL);
      g_unlink (path);
    }

  self->started = TRUE;
  g_atomic_int_set (&self->abort_compress, FALSE);

  /* Every uncompressed file of ours is a rotated one now (a start never
   * appends): repair a torn tail, and compress the ones an earlier run did
   * not get to. */
  finals = scan_directory (self, FALSE, NULL);
  for (guint i = 0; finals != NULL && i < finals->len; i++)
    {
      FileInfo *info = g_ptr_array_index (finals, i);

      if (info->compressed)
        continue;
      repair_tail (self, info->name);
      if (self->compress)
        queue_compression (self, info->name);
    }
  apply_retention (self);
  g_mutex_unlock (&self->state_lock);

  g_task_return_boolean (task, TRUE);
}

static void
fapilog_rotating_file_sink_start_async (FapilogSink         *sink,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fapilog_rotating_file_sink_start_async);

  g_mutex_lock (&self->ctl_lock);
  if (self->context == NULL)
    {
      self->context = g_main_context_ref_thread_default ();
      self->timer = g_source_new (&timer_funcs, sizeof (GSource));
      g_source_set_name (self->timer, "fapilog rotating_file boundary");
      g_source_set_callback (self->timer, on_timer, self, NULL);
      g_source_set_ready_time (self->timer, -1);
      g_source_attach (self->timer, self->context);
      self->maint_pool = g_thread_pool_new (maint_job, self, 1, FALSE, NULL);
      self->compress_pool = g_thread_pool_new (compress_job, self, 1, FALSE, NULL);
    }
  g_mutex_unlock (&self->ctl_lock);

  /* Requests made before start stay recorded; the first write serves
   * them (with no file yet, there is nothing to rotate or reopen). */
  g_task_run_in_thread (task, start_thread);
}

static gboolean
fapilog_rotating_file_sink_start_finish (FapilogSink   *sink,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_stop_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  FapilogRotatingFileSink *self = user_data;

  g_atomic_int_set (&self->abort_compress, TRUE);
  g_mutex_lock (&self->bg_lock);
  g_cond_broadcast (&self->bg_cond);
  g_mutex_unlock (&self->bg_lock);
}

typedef struct {
  GThreadPool *maint_pool;
} StopData;

static void
stop_data_free (gpointer data)
{
  StopData *sd = data;

  if (sd->maint_pool != NULL)
    g_thread_pool_free (sd->maint_pool, FALSE, TRUE);
  g_free (sd);
}

static void
stop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FapilogRotatingFileSink *self = source_object;
  StopData *sd = task_data;
  GThreadPool *compress_pool;
  gulong handler = 0;
  g_autofree char *kept = NULL;

  /* Pending compressions finish, unless the stop is cancelled (its
   * deadline passed): then they give up at the next chunk and leave their
   * originals, which the next start compresses. The maintenance thread
   * goes first: the rotated files it finishes queue their compressions,
   * so the compression pool is taken only after it. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_stop_cancelled), self, NULL);
  g_thread_pool_free (sd->maint_pool, FALSE, TRUE);
  sd->maint_pool = NULL;
  g_mutex_lock (&self->ctl_lock);
  compress_pool = g_steal_pointer (&self->compress_pool);
  g_mutex_unlock (&self->ctl_lock);
  if (compress_pool != NULL)
    g_thread_pool_free (compress_pool, FALSE, TRUE);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);

  g_mutex_lock (&self->state_lock);
  handle_pending (self);
  kept = close_file (self, NULL);
  self->started = FALSE;
  apply_retention (self);
  g_mutex_unlock (&self->state_lock);

  g_task_return_boolean (task, TRUE);
}

static void
fapilog_rotating_file_sink_stop_async (FapilogSink         *sink,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  StopData *sd = g_new0 (StopData, 1);

  g_task_set_source_tag (task, fapilog_rotating_file_sink_stop_async);
  g_task_set_check_cancellable (task, FALSE);

  /* On the worker: no timer dispatch can be running now, and no new
   * request will reach the maintenance pool once it is taken (the
   * compression pool is taken by stop_thread(), after it). */
  g_mutex_lock (&self->ctl_lock);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  sd->maint_pool = g_steal_pointer (&self->maint_pool);
  g_mutex_unlock (&self->ctl_lock);

  g_task_set_task_data (task, sd, stop_data_free);
  if (sd->maint_pool == NULL)
    {
      /* Never started. */
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_run_in_thread (task, stop_thread);
}

static gboolean
fapilog_rotating_file_sink_stop_finish (FapilogSink   *sink,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Healthy when started, the directory is writable, and the last attempt to
 * open a file succeeded: either a file is open, or none is needed yet (the
 * next write creates one). Never takes the state lock, so it does not wait
 * for a write in progress. */
static gboolean
fapilog_rotating_file_sink_health_check (FapilogSink *sink)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (sink);
  gboolean started;

  g_mutex_lock (&self->ctl_lock);
  started = self->context != NULL;
  g_mutex_unlock (&self->ctl_lock);

  if (!started)
    return FALSE;
  if (access (self->directory, W_OK | X_OK) != 0)
    return FALSE;
  return !g_atomic_int_get (&self->open_failed);
}

static void
fapilog_rotating_file_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->start_async = fapilog_rotating_file_sink_start_async;
  iface->start_finish = fapilog_rotating_file_sink_start_finish;
  iface->stop_async = fapilog_rotating_file_sink_stop_async;
  iface->stop_finish = fapilog_rotating_file_sink_stop_finish;
  iface->write_async = fapilog_rotating_file_sink_write_async;
  iface->write_finish = fapilog_rotating_file_sink_write_finish;
  iface->write_serialized_async = fapilog_rotating_file_sink_write_serialized_async;
  iface->write_serialized_finish = fapilog_rotating_file_sink_write_serialized_finish;
  iface->write_batch_async = fapilog_rotating_file_sink_write_batch_async;
  iface->write_batch_finish = fapilog_rotating_file_sink_write_batch_finish;
  iface->health_check = fapilog_rotating_file_sink_health_check;
}

/* ---- GObject ------------------------------------------------------------ */

static void
fapilog_rotating_file_sink_constructed (GObject *object)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (object);

  G_OBJECT_CLASS (fapilog_rotating_file_sink_parent_class)->constructed (object);

  if (self->directory == NULL)
    self->directory = g_strdup (".");
  if (self->prefix == NULL)
    self->prefix = g_strdup ("fapilog");
  self->ext = self->format == FAPILOG_FILE_FORMAT_TEXT ? ".log" : ".jsonl";
  self->interval_us = self->interval_seconds > 0 ?
    MAX ((gint64) (self->interval_seconds * G_USEC_PER_SEC), 1000) : 0;
}

static void
fapilog_rotating_file_sink_finalize (GObject *object)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (object);

  /* Dropped without a stop: no pool job holds a reference, so waiting for
   * them here is safe; then close like stop would. */
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  /* Taken before it is freed: its jobs must see it gone (a rotation in one
   * then finishes the file itself instead of queueing to it). */
  if (self->maint_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->maint_pool), FALSE, TRUE);
  if (self->compress_pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->compress_pool), FALSE, TRUE);
  self->timer = NULL;
  /* Every write's task holds a reference on the sink, so none is queued
   * now; but the last of those references may be the one the pool's
   * thread is dropping right now, and that thread cannot wait for itself. */
  g_thread_pool_free (g_steal_pointer (&self->write_pool), FALSE, FALSE);
  if (self->fd >= 0)
    g_free (close_file (self, NULL));

  g_free (self->path);
  g_free (self->directory);
  g_free (self->prefix);
  g_hash_table_unref (self->compressing);
  g_hash_table_unref (self->doomed);
  g_mutex_clear (&self->state_lock);
  g_mutex_clear (&self->path_lock);
  g_mutex_clear (&self->ctl_lock);
  g_mutex_clear (&self->bg_lock);
  g_cond_clear (&self->bg_cond);

  G_OBJECT_CLASS (fapilog_rotating_file_sink_parent_class)->finalize (object);
}

static void
fapilog_rotating_file_sink_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, SINK_NAME);
      break;
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_FILENAME_PREFIX:
      g_value_set_string (value, self->prefix);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->format);
      break;
    case PROP_MAX_BYTES:
      g_value_set_uint64 (value, self->max_bytes);
      break;
    case PROP_INTERVAL_SECONDS:
      g_value_set_double (value, self->interval_seconds);
      break;
    case PROP_MAX_FILES:
      g_value_set_uint (value, self->max_files);
      break;
    case PROP_MAX_TOTAL_BYTES:
      g_value_set_uint64 (value, self->max_total_bytes);
      break;
    case PROP_COMPRESS_ROTATED:
      g_value_set_boolean (value, self->compress);
      break;
    case PROP_FILE_MODE:
      g_value_set_uint (value, self->file_mode);
      break;
    case PROP_FSYNC:
      g_value_set_enum (value, self->fsync_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_rotating_file_sink_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  FapilogRotatingFileSink *self = FAPILOG_ROTATING_FILE_SINK (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_free (self->directory);
      self->directory = g_value_dup_string (value);
      break;
    case PROP_FILENAME_PREFIX:
      g_free (self->prefix);
      self->prefix = g_value_dup_string (value);
      break;
    case PROP_MODE:
      self->format = g_value_get_enum (value);
      break;
    case PROP_MAX_BYTES:
      self->max_bytes = g_value_get_uint64 (value);
      break;
    case PROP_INTERVAL_SECONDS:
      self->interval_seconds = g_value_get_double (value);
      break;
    case PROP_MAX_FILES:
      self->max_files = g_value_get_uint (value);
      break;
    case PROP_MAX_TOTAL_BYTES:
      self->max_total_bytes = g_value_get_uint64 (value);
      break;
    case PROP_COMPRESS_ROTATED:
      self->compress = g_value_get_boolean (value);
      break;
    case PROP_FILE_MODE:
      self->file_mode = g_value_get_uint (value);
      break;
    case PROP_FSYNC:
      self->fsync_policy = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_rotating_file_sink_class_init (FapilogRotatingFileSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = fapilog_rotating_file_sink_constructed;
  object_class->finalize = fapilog_rotating_file_sink_finalize;
  object_class->get_property = fapilog_rotating_file_sink_get_property;
  object_class->set_property = fapilog_rotating_file_sink_set_property;

  /**
   * FapilogRotatingFileSink:directory:
   *
   * The directory of the files; created with its parents on start (mode
   * derived from [property@Fapilog.RotatingFileSink:file-mode]: 0640 gives
   * 0750, less the umask). %NULL means the current directory.
   *
   * Since: 1.0
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL, NULL, flags);

  /**
   * FapilogRotatingFileSink:filename-prefix:
   *
   * The start of every file name, `fapilog` by default. It must not be
   * empty or contain `/` (start fails).
   *
   * Since: 1.0
   */
  properties[PROP_FILENAME_PREFIX] =
    g_param_spec_string ("filename-prefix", NULL, NULL, "fapilog", flags);

  /**
   * FapilogRotatingFileSink:mode:
   *
   * JSON lines in `.jsonl` files, or text lines in `.log` files.
   *
   * Since: 1.0
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       FAPILOG_TYPE_FILE_FORMAT, FAPILOG_FILE_FORMAT_JSON, flags);

  /**
   * FapilogRotatingFileSink:max-bytes:
   *
   * The size limit of a file: a file is rotated before the line that would
   * take it past this many bytes. A single line longer than the limit is
   * written alone into a file of its own. 0 disables size rotation.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint64 ("max-bytes", NULL, NULL,
                         0, G_MAXUINT64, DEFAULT_MAX_BYTES, flags);

  /**
   * FapilogRotatingFileSink:interval-seconds:
   *
   * Time rotation: a file is closed at the next multiple of this many
   * seconds since 1970-01-01 00:00 UTC after it was opened (86400: at
   * midnight UTC), by a timer even when idle. 0 disables time rotation.
   *
   * Since: 1.0
   */
  properties[PROP_INTERVAL_SECONDS] =
    g_param_spec_double ("interval-seconds", NULL, NULL,
                         0, G_MAXDOUBLE, 0, flags);

  /**
   * FapilogRotatingFileSink:max-files:
   *
   * How many rotated files (compressed or not; the active file not counted)
   * to keep; the oldest are deleted first. 0 keeps all.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_FILES] =
    g_param_spec_uint ("max-files", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * FapilogRotatingFileSink:max-total-bytes:
   *
   * The most bytes the rotated files (the active file not counted) may take
   * together; the oldest are deleted first. 0 means no limit.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_TOTAL_BYTES] =
    g_param_spec_uint64 ("max-total-bytes", NULL, NULL, 0, G_MAXUINT64, 0, flags);

  /**
   * FapilogRotatingFileSink:compress-rotated:
   *
   * Whether rotated files are gzipped (to `<name>.gz`, in a background
   * thread).
   *
   * Since: 1.0
   */
  properties[PROP_COMPRESS_ROTATED] =
    g_param_spec_boolean ("compress-rotated", NULL, NULL, FALSE, flags);

  /**
   * FapilogRotatingFileSink:file-mode:
   *
   * The permission bits of new files, 0640 by default, applied exactly
   * (the umask does not reduce them).
   *
   * Since: 1.0
   */
  properties[PROP_FILE_MODE] =
    g_param_spec_uint ("file-mode", NULL, NULL, 0, 07777, DEFAULT_FILE_MODE, flags);

  /**
   * FapilogRotatingFileSink:fsync:
   *
   * When data is forced to stable storage: never, when a file is closed
   * (rotation, reopen, stop; the default) or after every batch.
   *
   * Since: 1.0
   */
  properties[PROP_FSYNC] =
    g_param_spec_enum ("fsync", NULL, NULL,
                       FAPILOG_TYPE_FSYNC_POLICY, FAPILOG_FSYNC_ROTATE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_rotating_file_sink_init (FapilogRotatingFileSink *self)
{
  self->fd = -1;
  self->max_bytes = DEFAULT_MAX_BYTES;
  self->file_mode = DEFAULT_FILE_MODE;
  self->fsync_policy = FAPILOG_FSYNC_ROTATE;
  self->deadline_us = G_MAXINT64;
  self->compressing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->doomed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&self->state_lock);
  g_mutex_init (&self->path_lock);
  g_mutex_init (&self->ctl_lock);
  g_mutex_init (&self->bg_lock);
  g_cond_init (&self->bg_cond);
  self->write_pool = g_thread_pool_new (write_pool_run, NULL, 1, FALSE, NULL);
  _fapilog_sink_set_queues_writes (FAPILOG_SINK (self), TRUE);
}

/* ---- public API --------------------------------------------------------- */

/**
 * fapilog_rotating_file_sink_new:
 * @directory: (type filename): the directory of the files
 *
 * Creates a `rotating_file` sink with the default settings: JSON lines,
 * 10 MiB files, no time rotation, no compression, no retention limit.
 * Use g_object_new() with the properties for anything else.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_rotating_file_sink_new (const char *directory)
{
  g_return_val_if_fail (directory != NULL, NULL);

  return g_object_new (FAPILOG_TYPE_ROTATING_FILE_SINK,
                       "directory", directory,
                       NULL);
}

static gboolean
on_request (gpointer user_data)
{
  queue_maintenance (user_data);
  return G_SOURCE_REMOVE;
}

static void
request (FapilogRotatingFileSink *self,
         guint                    what)
{
  GMainContext *context = NULL;

  g_atomic_int_or (&self->requests, what);

  /* Hand it to the worker's context: the pools exist exactly while the
   * sink is started there. Before start (or after stop), the request just
   * waits for the next write. Invoke without the lock: on the worker
   * itself, g_main_context_invoke() runs on_request() at once, and that
   * takes the lock. */
  g_mutex_lock (&self->ctl_lock);
  if (self->context != NULL)
    context = g_main_context_ref (self->context);
  g_mutex_unlock (&self->ctl_lock);

  if (context != NULL)
    {
      g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, on_request,
                                  g_object_ref (self), g_object_unref);
      g_main_context_unref (context);
    }
}

/**
 * fapilog_rotating_file_sink_rotate:
 * @self: a #FapilogRotatingFileSink
 *
 * Closes the active file as a rotated one (compressing and pruning as
 * configured); the next write starts a new file. An empty or absent file is
 * not rotated. The work happens shortly after, off the calling thread; may
 * be called from any thread.
 *
 * Since: 1.0
 */
void
fapilog_rotating_file_sink_rotate (FapilogRotatingFileSink *self)
{
  g_return_if_fail (FAPILOG_IS_ROTATING_FILE_SINK (self));

  request (self, REQUEST_ROTATE);
}

/**
 * fapilog_rotating_file_sink_reopen:
 * @self: a #FapilogRotatingFileSink
 *
 * Closes the active file and opens the same path again (creating it if it
 * was renamed away), for external rotation with logrotate: rename the file,
 * then call this, typically from a `SIGHUP` handler installed with
 * g_unix_signal_add(). May be called from any thread; the work happens
 * shortly after, off the calling thread.
 *
 * Since: 1.0
 */
void
fapilog_rotating_file_sink_reopen (FapilogRotatingFileSink *self)
{
  g_return_if_fail (FAPILOG_IS_ROTATING_FILE_SINK (self));

  request (self, REQUEST_REOPEN);
}

/**
 * fapilog_rotating_file_sink_dup_current_path:
 * @self: a #FapilogRotatingFileSink
 *
 * Returns the path of the file being written, if one is open. Files are
 * created by the first write after a start or a rotation, so this is
 * %NULL before that.
 *
 * Returns: (transfer full) (nullable) (type filename): the active file
 *
 * Since: 1.0
 */
char *
fapilog_rotating_file_sink_dup_current_path (FapilogRotatingFileSink *self)
{
  char *path;

  g_return_val_if_fail (FAPILOG_IS_ROTATING_FILE_SINK (self), NULL);

  g_mutex_lock (&self->path_lock);
  path = g_strdup (self->path);
  g_mutex_unlock (&self->path_lock);
  return path;
}

/* ---- test hooks --------------------------------------------------------- */

void
_fapilog_rotating_file_sink_set_sync_hook (FapilogRotatingFileSink     *self,
                                           FapilogRotatingFileSyncHook  hook,
                                           gpointer                     data)
{
  g_return_if_fail (FAPILOG_IS_ROTATING_FILE_SINK (self));

  self->sync_hook = hook;
  self->sync_hook_data = data;
}

void
_fapilog_rotating_file_sink_set_clock (FapilogRotatingFileSink  *self,
                                       FapilogRotatingFileClock  now_us_func,
                                       gpointer                  data)
{
  g_return_if_fail (FAPILOG_IS_ROTATING_FILE_SINK (self));

  self->clock = now_us_func;
  self->clock_data = data;
}

void
_fapilog_rotating_file_sink_clock_changed (FapilogRotatingFileSink *self)
{
  gint64 deadline;

  g_return_if_fail (FAPILOG_IS_ROTATING_FILE_SINK (self));

  g_mutex_lock (&self->state_lock);
  deadline = self->fd >= 0 ? self->deadline_us : G_MAXINT64;
  g_mutex_unlock (&self->state_lock);
  arm_timer (self, deadline);
}

guint
_fapilog_rotating_file_sink_get_rotations (FapilogRotatingFileSink *self)
{
  guint n;

  g_mutex_lock (&self->bg_lock);
  n = self->rotations;
  g_mutex_unlock (&self->bg_lock);
  return n;
}

gboolean
_fapilog_rotating_file_sink_wait_rotations (FapilogRotatingFileSink *self,
                                            guint                    n,
                                            gint64                   timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean ok = TRUE;

  g_mutex_lock (&self->bg_lock);
  while (self->rotations < n && ok)
    ok = g_cond_wait_until (&self->bg_cond, &self->bg_lock, end);
  ok = self->rotations >= n;
  g_mutex_unlock (&self->bg_lock);
  return ok;
}

gboolean
_fapilog_rotating_file_sink_wait_background (FapilogRotatingFileSink *self,
                                             gint64                   timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean ok = TRUE;

  g_mutex_lock (&self->bg_lock);
  while ((self->maint_pending > 0 || self->compress_pending > 0) && ok)
    ok = g_cond_wait_until (&self->bg_cond, &self->bg_lock, end);
  ok = self->maint_pending == 0 && self->compress_pending == 0;
  g_mutex_unlock (&self->bg_lock);
  return ok;
}
