/* fapilog-mmap-persistence.c: a crash-recovering memory-mapped append file
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fapilog-enum-types.h"
#include "fapilog-mmap-persistence.h"
#include "fapilog-mmap-persistence-private.h"

/**
 * FapilogMmapPersistence:
 *
 * An append-only file of records (lines) written through a shared memory
 * mapping: a building block for sinks that want a log file without a
 * system call per record. It is not a [iface@Fapilog.Sink] itself; the
 * built-in `mmap_file` sink and `examples/mmap-sink.c` are built on it.
 *
 * [method@Fapilog.MmapPersistence.open] creates the file (and its parent
 * directories) or opens an existing one, reserves
 * [property@Fapilog.MmapPersistence:initial-size] bytes and maps the whole
 * file. [method@Fapilog.MmapPersistence.append] copies bytes into the
 * mapping at the logical end of the file, growing file and mapping when
 * needed (geometrically, by [property@Fapilog.MmapPersistence:growth-factor]
 * but at least [property@Fapilog.MmapPersistence:growth-min-bytes], never
 * past [property@Fapilog.MmapPersistence:max-size]).
 * [method@Fapilog.MmapPersistence.append_line] appends a record and its
 * `\n` as one append. [method@Fapilog.MmapPersistence.close] cuts the file
 * back to its logical size, so a closed file is a plain JSON-lines (or
 * text) file without padding.
 *
 * ## Records and recovery
 *
 * A record is a line. While the file is open it ends in zero bytes (the
 * room reserved for the next appends). When a process dies without
 * closing, the next open finds the logical end again: it is just after the
 * last `\n` before the trailing zero bytes. The zero padding and a torn last
 * line (the bytes of an append that was interrupted, after the last `\n`)
 * are cut off; nothing before them is ever overwritten. Data given to
 * [method@Fapilog.MmapPersistence.append] should therefore end in `\n`, and
 * a `\n` inside a record splits it in two as far as recovery is concerned.
 *
 * ## What survives what
 *
 * - **A crash of the process** (SIGKILL, abort, a segfault elsewhere): every
 *   record whose append returned survives, whatever the sync mode. The
 *   bytes are in the kernel's page cache the moment the copy into the
 *   mapping is done, and the kernel writes them to the file later on its
 *   own. A record whose append had not returned may be lost, or cut off as
 *   a torn line at the next open.
 * - **A crash of the machine or a power loss**: only what was synced
 *   (msync) survives for sure. With
 *   [property@Fapilog.MmapPersistence:sync-mode] `none` that is whatever the
 *   kernel's write-back had written (typically everything older than about
 *   30 seconds on Linux); with `interval` or `bytes` at most the last
 *   interval or the last that many bytes are lost; with `always` nothing
 *   whose append returned is lost, at the price of one msync per append.
 *   The kernel writes dirty pages back in no particular order, so after a
 *   machine crash the unsynced part of the file may also hold zero-filled
 *   stretches between complete lines.
 *
 * ## Threads
 *
 * All methods may be called from any thread. Appends are serialized by a
 * lock and the copy into the mapping happens under it, so concurrent
 * appends never overlap or interleave, and there is never a gap before a
 * completed record (which is what makes recovery by the last `\n` sound).
 * Growth remaps under the same lock. With `sync-mode` `always` the msync
 * runs under the lock too, so appends then proceed one at a time.
 *
 * Only one object may have a given file open at a time: open takes an
 * exclusive `flock()` on the file and fails with %G_IO_ERROR_BUSY when
 * another object or process holds it.
 *
 * ## Disk space and SIGBUS
 *
 * Room in the file is reserved with `fallocate()` before it is mapped, so
 * a full disk is reported by open or by the append that needed to grow
 * the file (%G_IO_ERROR_NO_SPACE, nothing written). On filesystems without
 * `fallocate()` the file is extended with `ftruncate()` instead and is
 * sparse: its blocks are allocated only when the copied bytes are written
 * back, and if the disk is full at that moment the kernel sends SIGBUS to
 * the process while it copies into the mapping. The same happens if
 * another program truncates the file while it is open;
 * [method@Fapilog.MmapPersistence.health_check] notices that.
 *
 * ## Properties
 *
 * All properties but [property@Fapilog.MmapPersistence:path] may be changed
 * at any time: `initial-size` and `file-mode` are read by open, the others
 * by every append (and `flush-on-close` by close).
 *
 * Since: 1.0
 */

#define DEFAULT_INITIAL_SIZE     (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_GROWTH_FACTOR    2.0
#define DEFAULT_GROWTH_MIN_BYTES (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_SYNC_INTERVAL_MS 1000
#define DEFAULT_SYNC_EVERY_BYTES (G_GUINT64_CONSTANT (1) << 20)
#define DEFAULT_FILE_MODE        0640
/* off_t is signed: no file may be larger than this. */
#define MAX_FILE_SIZE            ((guint64) G_MAXINT64)
#define SCAN_CHUNK               (64 * 1024)

struct _FapilogMmapPersistence
{
  GObject parent_instance;

  char                        *path;        /* construct-only */

  /* Everything below is under the lock. */
  GMutex                       lock;

  /* Configuration (properties). */
  guint64                      initial_size;
  double                       growth_factor;
  guint64                      growth_min_bytes;
  guint64                      max_size;
  FapilogMmapSyncMode          sync_mode;
  guint                        sync_interval_ms;
  guint64                      sync_every_bytes;
  gboolean                     flush_on_close;
  guint                        file_mode;

  /* Test hooks. */
  FapilogMmapPersistenceClock  clock;
  gpointer                     clock_data;
  gboolean                     use_fallocate;

  /* The open file. */
  int                          fd;           /* -1: closed */
  guint8                      *map;
  guint64                      mapped_size;  /* == the file's size while open */
  guint64                      logical_size; /* bytes of records */
  gboolean                     reserved;     /* no sparse extension so far */

  /* Sync bookkeeping. */
  guint64                      synced_end;   /* [0, synced_end) needs no msync */
  guint64                      unsynced_bytes;
  gint64                       last_sync_us;

  /* Statistics since open. */
  guint64                      bytes_appended;
  guint64                      syncs;
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
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FapilogMmapPersistence, fapilog_mmap_persistence, G_TYPE_OBJECT)

static gint64
now_us (FapilogMmapPersistence *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_monotonic_time ();
}

static gsize
page_size (void)
{
  static gsize size = 0;

  if (g_once_init_enter (&size))
    {
      long n = sysconf (_SC_PAGESIZE);

      g_once_init_leave (&size, n > 0 ? (gsize) n : 4096);
    }
  return size;
}

static void
set_errno_error (GError     **error,
                 int          errsv,
                 const char  *format,
                 ...) G_GNUC_PRINTF (3, 4);

/* A G_IO_ERROR from @errsv; the message is @format's text, ": ", and the
 * errno text ("cannot open /x/y: Permission denied"). */
static void
set_errno_error (GError     **error,
                 int          errsv,
                 const char  *format,
                 ...)
{
  g_autofree char *what = NULL;
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "%s: %s", what, g_strerror (errsv));
}

/* ---- extending the file ------------------------------------------------- */

/* ftruncate() or fallocate() past RLIMIT_FSIZE fails with EFBIG and also
 * raises SIGXFSZ, whose default action kills the process. The signal is
 * blocked on this thread for the call and a pending one consumed, so the
 * failure is only an error. */
static int
resize_call (int      fd,
             gboolean allocate,
             guint64  from,
             guint64  to)
{
  sigset_t set, old_mask;
  gboolean was_pending = FALSE;
  int r, errsv;

  sigemptyset (&set);
  sigaddset (&set, SIGXFSZ);
  pthread_sigmask (SIG_BLOCK, &set, &old_mask);
  {
    sigset_t pending;

    /* Someone else's SIGXFSZ, already pending: not ours to consume. */
    if (sigpending (&pending) == 0 && sigismember (&pending, SIGXFSZ))
      was_pending = TRUE;
  }

  do
    {
#ifdef __linux__
      if (allocate)
        r = fallocate (fd, 0, (off_t) from, (off_t) (to - from));
      else
#endif
        r = ftruncate (fd, (off_t) to);
    }
  while (r != 0 && errno == EINTR);
  errsv = errno;

  if (r != 0 && errsv == EFBIG && !was_pending && !sigismember (&old_mask, SIGXFSZ))
    {
      struct timespec zero = { 0, 0 };

      while (sigtimedwait (&set, NULL, &zero) < 0 && errno == EINTR)
        ;
    }
  pthread_sigmask (SIG_SETMASK, &old_mask, NULL);
  errno = errsv;
  return r;
}

/* Makes the file @to bytes long (it is @from bytes long now, @from < @to),
 * reserving the disk blocks of the new part when the filesystem can. */
static gboolean
extend_file (FapilogMmapPersistence  *self,
             guint64                  from,
             guint64                  to,
             GError                 **error)
{
#ifdef __linux__
  if (self->use_fallocate)
    {
      if (resize_call (self->fd, TRUE, from, to) == 0)
        return TRUE;
      /* Not supported here (some network and FUSE filesystems): a sparse
       * extension is all there is. Any other failure (ENOSPC, EFBIG, EIO)
       * is real. */
      if (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
        {
          set_errno_error (error, errno, "cannot extend %s to %" G_GUINT64_FORMAT " bytes",
                           self->path, to);
          return FALSE;
        }
    }
#endif
  if (resize_call (self->fd, FALSE, from, to) != 0)
    {
      set_errno_error (error, errno, "cannot extend %s to %" G_GUINT64_FORMAT " bytes",
                       self->path, to);
      return FALSE;
    }
  self->reserved = FALSE;
  return TRUE;
}

/* ---- recovery ----------------------------------------------------------- */

/* The logical end of a file of @size bytes: just after the last '\n' that
 * comes before the trailing zero bytes; 0 if there is none. Reads the file
 * backwards in chunks, so a large zero-padded file costs a read of its
 * padding and of its last line only. */
static gboolean
find_logical_end (FapilogMmapPersistence  *self,
                  guint64                  size,
                  guint64                 *end_out,
                  GError                 **error)
{
  g_autofree guint8 *buf = g_malloc (SCAN_CHUNK);
  guint64 pos = size;
  gboolean in_padding = TRUE;

  while (pos > 0)
    {
      gsize n = (gsize) MIN (pos, (guint64) SCAN_CHUNK);
      guint64 start = pos - n;
      gsize got = 0;

      while (got < n)
        {
          gssize r = pread (self->fd, buf + got, n - got, (off_t) (start + got));

          if (r < 0 && errno == EINTR)
            continue;
          if (r < 0)
            {
              set_errno_error (error, errno, "cannot read %s", self->path);
              return FALSE;
            }
          if (r == 0)
            {
              /* Shrunk under us: another writer, which the flock excludes
               * unless it ignores locks. */
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "cannot read %s: the file shrank while being read", self->path);
              return FALSE;
            }
          got += (gsize) r;
        }

      for (gsize i = n; i-- > 0;)
        {
          if (in_padding)
            {
              if (buf[i] == 0)
                continue;
              in_padding = FALSE;
            }
          if (buf[i] == '\n')
            {
              *end_out = start + i + 1;
              return TRUE;
            }
        }
      pos = start;
    }
  *end_out = 0;
  return TRUE;
}

/* ---- sync --------------------------------------------------------------- */

/* msync(MS_SYNC) of what was appended since the last sync. Lock held. */
static gboolean
sync_locked (FapilogMmapPersistence  *self,
             GError                 **error)
{
  guint64 start;

  if (self->logical_size <= self->synced_end)
    return TRUE;

  /* msync() wants a page-aligned address; the mapping starts on a page. */
  start = self->synced_end - self->synced_end % page_size ();
  if (msync (self->map + start, (gsize) (self->logical_size - start), MS_SYNC) != 0)
    {
      set_errno_error (error, errno, "cannot sync %s", self->path);
      return FALSE;
    }
  self->synced_end = self->logical_size;
  self->unsynced_bytes = 0;
  self->last_sync_us = now_us (self);
  self->syncs++;
  return TRUE;
}

/* The sync policy, after an append of @len bytes. Lock held. */
static gboolean
after_append_locked (FapilogMmapPersistence  *self,
                     gsize                    len,
                     GError                 **error)
{
  self->unsynced_bytes += len;
  switch (self->sync_mode)
    {
    case FAPILOG_MMAP_SYNC_NONE:
      return TRUE;
    case FAPILOG_MMAP_SYNC_INTERVAL:
      if (now_us (self) - self->last_sync_us < (gint64) self->sync_interval_ms * 1000)
        return TRUE;
      break;
    case FAPILOG_MMAP_SYNC_BYTES:
      /* Every N bytes appended since the last sync, wherever they start
       * (not when an offset happens to be a multiple of N). */
      if (self->unsynced_bytes < self->sync_every_bytes)
        return TRUE;
      break;
    case FAPILOG_MMAP_SYNC_ALWAYS:
    default:
      break;
    }
  return sync_locked (self, error);
}

/* ---- open and close ----------------------------------------------------- */

/* Releases the file; on the way cuts it to its logical size, and syncs if
 * asked. The first failure is reported, but everything is released in any
 * case. Lock held. */
static gboolean
close_locked (FapilogMmapPersistence  *self,
              gboolean                 flush,
              GError                 **error)
{
  GError *first = NULL;

  if (self->fd < 0)
    return TRUE;

  if (flush)
    sync_locked (self, &first);

  if (self->map != NULL)
    munmap (self->map, (gsize) self->mapped_size);
  self->map = NULL;
  self->mapped_size = 0;

  /* A closed file holds its records and nothing else. */
  if (resize_call (self->fd, FALSE, 0, self->logical_size) != 0 && first == NULL)
    set_errno_error (&first, errno, "cannot truncate %s to its logical size %" G_GUINT64_FORMAT,
                     self->path, self->logical_size);
  /* msync wrote the data pages; this writes the new size. */
  if (flush && fsync (self->fd) != 0 && first == NULL)
    set_errno_error (&first, errno, "cannot fsync %s", self->path);
  /* Closing also releases the flock. EINTR from close() on Linux means the
   * descriptor is gone anyway: never close twice. */
  if (close (self->fd) != 0 && errno != EINTR && first == NULL)
    set_errno_error (&first, errno, "cannot close %s", self->path);
  self->fd = -1;
  self->reserved = FALSE;

  if (first != NULL)
    {
      g_propagate_error (error, first);
      return FALSE;
    }
  return TRUE;
}

/* Opens (creating it if missing) and locks the file; returns the
 * descriptor or -1. */
static int
open_file (FapilogMmapPersistence  *self,
           GError                 **error)
{
  g_autofree char *parent = g_path_get_dirname (self->path);
  struct stat st;
  int fd = -1;

  /* 0755 less the umask, like mkdir -p. */
  if (strcmp (parent, ".") != 0 && g_mkdir_with_parents (parent, 0755) != 0)
    {
      set_errno_error (error, errno, "cannot create directory %s", parent);
      return -1;
    }

  /* Create with the exact file-mode (the umask does not reduce it, as with
   * the rotating_file sink); an existing file keeps its mode. The loop
   * covers a file deleted or created between the two calls. */
  for (guint attempt = 0; fd < 0 && attempt < 8; attempt++)
    {
      fd = open (self->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
                 (mode_t) self->file_mode);
      if (fd >= 0)
        {
          /* Best effort: some filesystems have no modes. */
          (void) fchmod (fd, (mode_t) self->file_mode);
          break;
        }
      if (errno != EEXIST)
        break;
      fd = open (self->path, O_RDWR | O_CLOEXEC | O_NOCTTY);
      if (fd < 0 && errno != ENOENT)
        break;
    }
  if (fd < 0)
    {
      set_errno_error (error, errno, "cannot open %s", self->path);
      return -1;
    }

  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, errno, "cannot stat %s", self->path);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "cannot map %s: not a regular file", self->path);
      close (fd);
      return -1;
    }

  /* Two writers would overwrite each other's records. Filesystems without
   * flock() support (ENOLCK, EOPNOTSUPP) go without the lock. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int errsv = errno;

      if (errsv == EWOULDBLOCK || errsv == EINTR)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                       "cannot open %s: it is already open for appending "
                       "(by another FapilogMmapPersistence or process)", self->path);
          close (fd);
          return -1;
        }
    }
  return fd;
}

static gboolean
open_locked (FapilogMmapPersistence  *self,
             GError                 **error)
{
  struct stat st;
  guint64 file_size, logical = 0, target = 0;
  void *map;

  if (self->fd >= 0)
    return TRUE;

  if (self->path == NULL || self->path[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "cannot open a memory-mapped file: the path is empty");
      return FALSE;
    }

  self->fd = open_file (self, error);
  if (self->fd < 0)
    return FALSE;
  self->reserved = TRUE;
  self->map = NULL;
  self->mapped_size = 0;
  self->logical_size = 0;

  if (fstat (self->fd, &st) != 0)
    {
      set_errno_error (error, errno, "cannot stat %s", self->path);
      goto fail;
    }
  file_size = (guint64) st.st_size;

  /* Resume after the last complete record; never overwrite one. */
  if (!find_logical_end (self, file_size, &logical, error))
    goto fail;
  if (logical < file_size && resize_call (self->fd, FALSE, 0, logical) != 0)
    {
      set_errno_error (error, errno, "cannot cut the torn tail of %s at %" G_GUINT64_FORMAT,
                       self->path, logical);
      goto fail;
    }
  self->logical_size = logical;

  /* Room for the next appends: the initial size, or one growth step past
   * the existing records; within max-size, which an existing file may
   * already exceed (its appends then fail, but it opens). */
  target = MAX (self->initial_size, 1);
  if (logical > 0 && logical >= target)
    target = logical + MIN (self->growth_min_bytes, MAX_FILE_SIZE - logical);
  if (self->max_size > 0 && target > self->max_size)
    target = MAX (self->max_size, logical);
  if (target == 0)
    target = 1;   /* a mapping cannot be empty */
  if (target > MAX_FILE_SIZE || target > (guint64) G_MAXSIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "cannot map %s: %" G_GUINT64_FORMAT " bytes is too large",
                   self->path, target);
      goto fail;
    }
  if (target > logical && !extend_file (self, logical, target, error))
    goto fail;

  map = mmap (NULL, (gsize) target, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
  if (map == MAP_FAILED)
    {
      set_errno_error (error, errno, "cannot map %s (%" G_GUINT64_FORMAT " bytes)",
                       self->path, target);
      goto fail;
    }
  self->map = map;
  self->mapped_size = target;

  self->synced_end = logical;
  self->unsynced_bytes = 0;
  self->last_sync_us = now_us (self);
  self->bytes_appended = 0;
  self->syncs = 0;
  return TRUE;

fail:
  /* Leave the file as found, less any torn tail already cut: the records
   * themselves are never touched, and room already added goes again. */
  if (target > logical)
    resize_call (self->fd, FALSE, 0, logical);
  close (self->fd);
  self->fd = -1;
  self->logical_size = 0;
  return FALSE;
}

/* ---- growth ------------------------------------------------------------- */

/* Makes the mapping at least @needed bytes (@needed > mapped size, already
 * checked against max-size). Lock held; no copy is in progress, since
 * copies happen under the lock. */
static gboolean
grow_locked (FapilogMmapPersistence  *self,
             guint64                  needed,
             GError                 **error)
{
  double scaled = (double) self->mapped_size * self->growth_factor;
  guint64 new_size;
  void *map;

  /* Geometric, but at least growth-min-bytes and at least what is needed. */
  new_size = scaled >= (double) MAX_FILE_SIZE ? MAX_FILE_SIZE : (guint64) scaled;
  if (self->mapped_size <= MAX_FILE_SIZE - self->growth_min_bytes)
    new_size = MAX (new_size, self->mapped_size + self->growth_min_bytes);
  else
    new_size = MAX_FILE_SIZE;
  new_size = MAX (new_size, needed);
  if (self->max_size > 0)
    new_size = MIN (new_size, self->max_size);
  if (new_size > MAX_FILE_SIZE || new_size > (guint64) G_MAXSIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "cannot grow %s to %" G_GUINT64_FORMAT " bytes: too large",
                   self->path, new_size);
      return FALSE;
    }

  if (!extend_file (self, self->mapped_size, new_size, error))
    {
      /* A partial fallocate may have left the file longer than the
       * mapping; put it back so that the file's size stays the mapping's
       * (health_check, and the next growth starts from there). */
      resize_call (self->fd, FALSE, 0, self->mapped_size);
      return FALSE;
    }

#ifdef __linux__
  /* Moves the page tables instead of rebuilding them. On failure the old
   * mapping is untouched. */
  map = mremap (self->map, (gsize) self->mapped_size, (gsize) new_size, MREMAP_MAYMOVE);
#else
  /* Map the larger file first, then drop the old mapping, so a failure
   * leaves the old one in place. */
  map = mmap (NULL, (gsize) new_size, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
  if (map != MAP_FAILED)
    munmap (self->map, (gsize) self->mapped_size);
#endif
  if (map == MAP_FAILED)
    {
      set_errno_error (error, errno, "cannot map %s (%" G_GUINT64_FORMAT " bytes)",
                       self->path, new_size);
      resize_call (self->fd, FALSE, 0, self->mapped_size);
      return FALSE;
    }
  self->map = map;
  self->mapped_size = new_size;
  return TRUE;
}

/* ---- append ------------------------------------------------------------- */

/* One append of @len bytes of @data, plus a '\n' if @newline: reserve,
 * copy and advance under the lock. */
static gboolean
append_internal (FapilogMmapPersistence  *self,
                 const guint8            *data,
                 gsize                    len,
                 gboolean                 newline,
                 guint64                 *offset_out,
                 GError                 **error)
{
  gsize total;
  guint64 offset, needed;
  gboolean ok;

  if (len > G_MAXSIZE - 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "cannot append %" G_GSIZE_FORMAT " bytes to %s: too large", len, self->path);
      return FALSE;
    }
  total = len + (newline ? 1 : 0);

  g_mutex_lock (&self->lock);

  if (self->fd < 0)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                   "cannot append to %s: it is not open", self->path);
      return FALSE;
    }

  offset = self->logical_size;
  if (total == 0)
    {
      g_mutex_unlock (&self->lock);
      if (offset_out != NULL)
        *offset_out = offset;
      return TRUE;
    }

  /* Exact: the records must fit, not a rounded-up size (G12). */
  if ((guint64) total > MAX_FILE_SIZE - offset ||
      (self->max_size > 0 && offset + total > self->max_size))
    {
      guint64 max_size = self->max_size > 0 ? self->max_size : MAX_FILE_SIZE;

      g_mutex_unlock (&self->lock);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "appending %" G_GSIZE_FORMAT " bytes to %s would pass max-size %"
                   G_GUINT64_FORMAT " (logical size %" G_GUINT64_FORMAT ")",
                   total, self->path, max_size, offset);
      return FALSE;
    }

  needed = offset + total;
  if (needed > self->mapped_size && !grow_locked (self, needed, error))
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }

  /* Under the lock: a concurrent append can never leave a hole before a
   * record that has been completed. */
  if (len > 0)
    memcpy (self->map + offset, data, len);
  if (newline)
    self->map[offset + len] = '\n';
  self->logical_size = needed;
  self->bytes_appended += total;

  /* The record is in; a failed sync is reported, but the record stays
   * (it survives a crash of the process like any other). */
  ok = after_append_locked (self, total, error);
  g_mutex_unlock (&self->lock);

  if (ok && offset_out != NULL)
    *offset_out = offset;
  return ok;
}

/* ---- public API --------------------------------------------------------- */

/**
 * fapilog_mmap_persistence_new:
 * @path: (type filename): the file to append to
 *
 * Makes an object for the file at @path, with the default configuration;
 * the file is not touched before [method@Fapilog.MmapPersistence.open].
 *
 * Returns: (transfer full): a new #FapilogMmapPersistence
 *
 * Since: 1.0
 */
FapilogMmapPersistence *
fapilog_mmap_persistence_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (FAPILOG_TYPE_MMAP_PERSISTENCE, "path", path, NULL);
}

/**
 * fapilog_mmap_persistence_open:
 * @self: a #FapilogMmapPersistence
 * @error: return location for a #GError
 *
 * Opens the file: creates its parent directories (mode 0755 less the
 * umask) and the file itself (with
 * [property@Fapilog.MmapPersistence:file-mode]) if missing, takes an
 * exclusive lock on it, finds the end of the records of an existing file
 * (cutting off zero padding and a torn last line left by a crash),
 * reserves room for the next appends and maps the file.
 *
 * Statistics start again from zero. Does nothing if already open.
 *
 * Returns: %TRUE on success; %FALSE with a %G_IO_ERROR that names the
 *   path and what failed
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_open (FapilogMmapPersistence  *self,
                               GError                 **error)
{
  gboolean ok;

  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = open_locked (self, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * fapilog_mmap_persistence_append:
 * @self: a #FapilogMmapPersistence
 * @data: (array length=len) (nullable): the bytes to append
 * @len: the number of bytes in @data
 * @offset_out: (out) (optional): where the bytes start in the file
 * @error: return location for a #GError
 *
 * Appends @len bytes at the end of the file, as one piece: concurrent
 * appends never interleave with it. The file grows if needed. An append of
 * zero bytes succeeds and does nothing.
 *
 * Records are lines: @data should end in `\n` (see
 * [method@Fapilog.MmapPersistence.append_line]); several lines at once are
 * fine (the `mmap_file` sink appends whole batches this way).
 *
 * Fails with %G_IO_ERROR_CLOSED when the file is not open, and with
 * %G_IO_ERROR_NO_SPACE when the bytes would take the file past
 * [property@Fapilog.MmapPersistence:max-size] or the disk is full; then
 * nothing is written. If the sync policy's msync fails, the bytes are in
 * the file (the logical size includes them) but the call fails with that
 * error, since they may not be on stable storage.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_append (FapilogMmapPersistence  *self,
                                 const guint8            *data,
                                 gsize                    len,
                                 guint64                 *offset_out,
                                 GError                 **error)
{
  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return append_internal (self, data, len, FALSE, offset_out, error);
}

/**
 * fapilog_mmap_persistence_append_line:
 * @self: a #FapilogMmapPersistence
 * @data: (array length=len) (nullable): the record, without its newline
 * @len: the number of bytes in @data
 * @offset_out: (out) (optional): where the record starts in the file
 * @error: return location for a #GError
 *
 * Appends @data followed by `\n`, as one append (room for both is
 * reserved and both are copied under the lock). @data is taken as is: a
 * `\n` inside it splits the record in two for recovery. Otherwise like
 * [method@Fapilog.MmapPersistence.append]; an empty @data appends an empty
 * line.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_append_line (FapilogMmapPersistence  *self,
                                      const guint8            *data,
                                      gsize                    len,
                                      guint64                 *offset_out,
                                      GError                 **error)
{
  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return append_internal (self, data, len, TRUE, offset_out, error);
}

/**
 * fapilog_mmap_persistence_sync:
 * @self: a #FapilogMmapPersistence
 * @error: return location for a #GError
 *
 * Forces what was appended since the last sync to stable storage
 * (`msync (MS_SYNC)`), whatever the sync mode. Does nothing (and is not
 * counted as a sync) when nothing was appended since.
 *
 * Returns: %TRUE on success; %FALSE with %G_IO_ERROR_CLOSED when the file
 *   is not open, or the msync error
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_sync (FapilogMmapPersistence  *self,
                               GError                 **error)
{
  gboolean ok;

  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->fd < 0)
    {
      g_mutex_unlock (&self->lock);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                   "cannot sync %s: it is not open", self->path);
      return FALSE;
    }
  ok = sync_locked (self, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * fapilog_mmap_persistence_close:
 * @self: a #FapilogMmapPersistence
 * @error: return location for a #GError
 *
 * Closes the file: syncs it if
 * [property@Fapilog.MmapPersistence:flush-on-close], unmaps it, cuts it to
 * its logical size (so it holds the records and nothing else), fsyncs it
 * if flush-on-close, and releases it. Does nothing if not open. The file is
 * released even when a step fails; the first failure is reported.
 *
 * Afterwards appends fail with %G_IO_ERROR_CLOSED until the next open.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_close (FapilogMmapPersistence  *self,
                                GError                 **error)
{
  gboolean ok;

  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = close_locked (self, self->flush_on_close, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * fapilog_mmap_persistence_health_check:
 * @self: a #FapilogMmapPersistence
 *
 * Whether the file is open and mapped, its descriptor valid, and the file
 * still there with at least the size of the mapping (a file truncated or
 * deleted by someone else is unhealthy).
 *
 * Returns: %TRUE when healthy
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_health_check (FapilogMmapPersistence *self)
{
  struct stat st;
  gboolean ok;

  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);

  g_mutex_lock (&self->lock);
  ok = self->fd >= 0 && self->map != NULL &&
       fstat (self->fd, &st) == 0 &&
       st.st_nlink > 0 &&
       (guint64) st.st_size >= self->mapped_size;
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * fapilog_mmap_persistence_is_open:
 * @self: a #FapilogMmapPersistence
 *
 * Whether the file is open.
 *
 * Returns: %TRUE between a successful open and close
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_is_open (FapilogMmapPersistence *self)
{
  gboolean open;

  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);

  g_mutex_lock (&self->lock);
  open = self->fd >= 0;
  g_mutex_unlock (&self->lock);
  return open;
}

/**
 * fapilog_mmap_persistence_get_stats:
 * @self: a #FapilogMmapPersistence
 * @mapped_size: (out) (optional): the size of the mapping (and of the
 *   file), 0 when closed
 * @logical_size: (out) (optional): the bytes of records in the file,
 *   including those found at open
 * @bytes_appended: (out) (optional): the bytes appended since open (the
 *   newlines of [method@Fapilog.MmapPersistence.append_line] included)
 * @syncs: (out) (optional): the msyncs done since open (by the sync mode,
 *   by [method@Fapilog.MmapPersistence.sync] and by close)
 *
 * Reads the figures, all at the same moment. After close they keep their
 * last values (the mapped size is 0) until the next open.
 *
 * Since: 1.0
 */
void
fapilog_mmap_persistence_get_stats (FapilogMmapPersistence *self,
                                    guint64                *mapped_size,
                                    guint64                *logical_size,
                                    guint64                *bytes_appended,
                                    guint64                *syncs)
{
  g_return_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self));

  g_mutex_lock (&self->lock);
  if (mapped_size != NULL)
    *mapped_size = self->mapped_size;
  if (logical_size != NULL)
    *logical_size = self->logical_size;
  if (bytes_appended != NULL)
    *bytes_appended = self->bytes_appended;
  if (syncs != NULL)
    *syncs = self->syncs;
  g_mutex_unlock (&self->lock);
}

/* ---- async variants ----------------------------------------------------- */

/* Each runs the blocking call in a thread of GIO's pool. A call that has
 * started reports what really happened even if the cancellable fires
 * meanwhile (a record that was appended must not be reported as cancelled),
 * so the cancellable is only checked before starting. */

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      !fapilog_mmap_persistence_open (source_object, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * fapilog_mmap_persistence_open_async:
 * @self: a #FapilogMmapPersistence
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the file is open or failed to
 * @user_data: data for @callback
 *
 * Runs [method@Fapilog.MmapPersistence.open] in a worker thread.
 * @callback is called in the thread-default main context of the caller.
 *
 * Since: 1.0
 */
void
fapilog_mmap_persistence_open_async (FapilogMmapPersistence *self,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fapilog_mmap_persistence_open_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, open_thread);
}

/**
 * fapilog_mmap_persistence_open_finish:
 * @self: a #FapilogMmapPersistence
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Fapilog.MmapPersistence.open_async].
 *
 * Returns: %TRUE if the file is open; %FALSE with the open error, or with
 *   %G_IO_ERROR_CANCELLED if cancelled before it started
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_open_finish (FapilogMmapPersistence  *self,
                                      GAsyncResult            *result,
                                      GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, fapilog_mmap_persistence_open_async),
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  GBytes  *data;
  guint64  offset;
} AppendData;

static void
append_data_free (gpointer p)
{
  AppendData *ad = p;

  g_bytes_unref (ad->data);
  g_free (ad);
}

static void
append_line_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  AppendData *ad = task_data;
  GError *error = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (ad->data, &len);

  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      !fapilog_mmap_persistence_append_line (source_object, data, len, &ad->offset, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * fapilog_mmap_persistence_append_line_async:
 * @self: a #FapilogMmapPersistence
 * @data: the record, without its newline
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the record is appended or failed
 * @user_data: data for @callback
 *
 * Runs [method@Fapilog.MmapPersistence.append_line] with @data in a worker
 * thread. Several calls in flight at once may complete, and land in the
 * file, in any order; a caller that needs order (a sink) waits for each.
 *
 * Since: 1.0
 */
void
fapilog_mmap_persistence_append_line_async (FapilogMmapPersistence *self,
                                            GBytes                 *data,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  AppendData *ad;

  g_return_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fapilog_mmap_persistence_append_line_async);
  g_task_set_check_cancellable (task, FALSE);
  ad = g_new0 (AppendData, 1);
  ad->data = g_bytes_ref (data);
  g_task_set_task_data (task, ad, append_data_free);
  g_task_run_in_thread (task, append_line_thread);
}

/**
 * fapilog_mmap_persistence_append_line_finish:
 * @self: a #FapilogMmapPersistence
 * @result: the #GAsyncResult given to the callback
 * @offset_out: (out) (optional): where the record starts in the file
 * @error: return location for a #GError
 *
 * Finishes [method@Fapilog.MmapPersistence.append_line_async].
 *
 * Returns: %TRUE if the record was appended
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_append_line_finish (FapilogMmapPersistence  *self,
                                             GAsyncResult            *result,
                                             guint64                 *offset_out,
                                             GError                 **error)
{
  AppendData *ad;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result,
                                                  fapilog_mmap_persistence_append_line_async),
                        FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  ad = g_task_get_task_data (G_TASK (result));
  if (offset_out != NULL)
    *offset_out = ad->offset;
  return TRUE;
}

static void
close_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      !fapilog_mmap_persistence_close (source_object, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * fapilog_mmap_persistence_close_async:
 * @self: a #FapilogMmapPersistence
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the file is closed
 * @user_data: data for @callback
 *
 * Runs [method@Fapilog.MmapPersistence.close] in a worker thread (the
 * msync and fsync of flush-on-close may take a while).
 *
 * Since: 1.0
 */
void
fapilog_mmap_persistence_close_async (FapilogMmapPersistence *self,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fapilog_mmap_persistence_close_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, close_thread);
}

/**
 * fapilog_mmap_persistence_close_finish:
 * @self: a #FapilogMmapPersistence
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Fapilog.MmapPersistence.close_async].
 *
 * Returns: %TRUE if the file was closed cleanly
 *
 * Since: 1.0
 */
gboolean
fapilog_mmap_persistence_close_finish (FapilogMmapPersistence  *self,
                                       GAsyncResult            *result,
                                       GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, fapilog_mmap_persistence_close_async),
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- test hooks ----------------------------------------------------------- */

void
_fapilog_mmap_persistence_set_clock (FapilogMmapPersistence      *self,
                                     FapilogMmapPersistenceClock  clock,
                                     gpointer                     data)
{
  g_return_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self));

  g_mutex_lock (&self->lock);
  self->clock = clock;
  self->clock_data = data;
  g_mutex_unlock (&self->lock);
}

void
_fapilog_mmap_persistence_set_use_fallocate (FapilogMmapPersistence *self,
                                             gboolean                use)
{
  g_return_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self));

  g_mutex_lock (&self->lock);
  self->use_fallocate = use;
  g_mutex_unlock (&self->lock);
}

gboolean
_fapilog_mmap_persistence_is_reserved (FapilogMmapPersistence *self)
{
  gboolean reserved;

  g_return_val_if_fail (FAPILOG_IS_MMAP_PERSISTENCE (self), FALSE);

  g_mutex_lock (&self->lock);
  reserved = self->fd >= 0 && self->reserved;
  g_mutex_unlock (&self->lock);
  return reserved;
}

/* ---- GObject ------------------------------------------------------------ */

static void
fapilog_mmap_persistence_finalize (GObject *object)
{
  FapilogMmapPersistence *self = FAPILOG_MMAP_PERSISTENCE (object);

  /* Nobody else holds a reference, so nobody can be appending. A file left
   * open is closed as close() would (errors have nowhere to go). */
  close_locked (self, self->flush_on_close, NULL);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fapilog_mmap_persistence_parent_class)->finalize (object);
}

static void
fapilog_mmap_persistence_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  FapilogMmapPersistence *self = FAPILOG_MMAP_PERSISTENCE (object);

  if (prop_id == PROP_PATH)
    {
      g_value_set_string (value, self->path);
      return;
    }

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
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
  g_mutex_unlock (&self->lock);
}

static void
fapilog_mmap_persistence_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  FapilogMmapPersistence *self = FAPILOG_MMAP_PERSISTENCE (object);

  if (prop_id == PROP_PATH)
    {
      /* Construct-only: no lock, no other thread can see the object yet. */
      g_free (self->path);
      self->path = g_value_dup_string (value);
      return;
    }

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
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
  g_mutex_unlock (&self->lock);
}

static void
fapilog_mmap_persistence_class_init (FapilogMmapPersistenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fapilog_mmap_persistence_finalize;
  object_class->get_property = fapilog_mmap_persistence_get_property;
  object_class->set_property = fapilog_mmap_persistence_set_property;

  /**
   * FapilogMmapPersistence:path: (type filename)
   *
   * The file. Its parent directories are created by open.
   *
   * Since: 1.0
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, flags | G_PARAM_CONSTRUCT_ONLY);

  /**
   * FapilogMmapPersistence:initial-size:
   *
   * The size open makes the file (and its mapping) when it holds fewer
   * records than that; 1 MiB by default. A file with more records gets
   * [property@Fapilog.MmapPersistence:growth-min-bytes] of room past them.
   * Read by open.
   *
   * Since: 1.0
   */
  properties[PROP_INITIAL_SIZE] =
    g_param_spec_uint64 ("initial-size", NULL, NULL,
                         1, MAX_FILE_SIZE, DEFAULT_INITIAL_SIZE, flags);

  /**
   * FapilogMmapPersistence:growth-factor:
   *
   * When an append does not fit, the file and its mapping grow to this
   * many times their size (2.0 by default), or by
   * [property@Fapilog.MmapPersistence:growth-min-bytes] if that is more,
   * or to what the append needs if that is more still; never past
   * [property@Fapilog.MmapPersistence:max-size].
   *
   * Since: 1.0
   */
  properties[PROP_GROWTH_FACTOR] =
    g_param_spec_double ("growth-factor", NULL, NULL,
                         1.0, 1024.0, DEFAULT_GROWTH_FACTOR, flags);

  /**
   * FapilogMmapPersistence:growth-min-bytes:
   *
   * The least a growth adds to the file, 1 MiB by default (see
   * [property@Fapilog.MmapPersistence:growth-factor]).
   *
   * Since: 1.0
   */
  properties[PROP_GROWTH_MIN_BYTES] =
    g_param_spec_uint64 ("growth-min-bytes", NULL, NULL,
                         1, MAX_FILE_SIZE, DEFAULT_GROWTH_MIN_BYTES, flags);

  /**
   * FapilogMmapPersistence:max-size:
   *
   * The most bytes of records the file may hold; 0 (the default) means no
   * limit. The check is exact: an append that fits exactly is accepted,
   * one that would pass the limit by a byte fails with
   * %G_IO_ERROR_NO_SPACE and writes nothing.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_SIZE] =
    g_param_spec_uint64 ("max-size", NULL, NULL, 0, MAX_FILE_SIZE, 0, flags);

  /**
   * FapilogMmapPersistence:sync-mode:
   *
   * When appends are forced to stable storage with msync; see
   * #FapilogMmapSyncMode and the class documentation for what survives a
   * crash of the machine in each mode. `none` by default.
   *
   * Since: 1.0
   */
  properties[PROP_SYNC_MODE] =
    g_param_spec_enum ("sync-mode", NULL, NULL,
                       FAPILOG_TYPE_MMAP_SYNC_MODE, FAPILOG_MMAP_SYNC_NONE, flags);

  /**
   * FapilogMmapPersistence:sync-interval-ms:
   *
   * With the `interval` sync mode, an append syncs when at least this many
   * milliseconds have passed since the last sync (or since open); 1000 by
   * default. There is no timer: an idle file is synced by the next append,
   * by [method@Fapilog.MmapPersistence.sync] or by close.
   *
   * Since: 1.0
   */
  properties[PROP_SYNC_INTERVAL_MS] =
    g_param_spec_uint ("sync-interval-ms", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_SYNC_INTERVAL_MS, flags);

  /**
   * FapilogMmapPersistence:sync-every-bytes:
   *
   * With the `bytes` sync mode, an append syncs when at least this many
   * bytes have been appended since the last sync (of any kind); 1 MiB by
   * default. With appends of equal size that divides it, that is exactly
   * one sync per this many bytes.
   *
   * Since: 1.0
   */
  properties[PROP_SYNC_EVERY_BYTES] =
    g_param_spec_uint64 ("sync-every-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_SYNC_EVERY_BYTES, flags);

  /**
   * FapilogMmapPersistence:flush-on-close:
   *
   * Whether close (and finalization of an object left open) syncs the data
   * and fsyncs the file; %TRUE by default.
   *
   * Since: 1.0
   */
  properties[PROP_FLUSH_ON_CLOSE] =
    g_param_spec_boolean ("flush-on-close", NULL, NULL, TRUE, flags);

  /**
   * FapilogMmapPersistence:file-mode:
   *
   * The permission bits of a file that open creates, 0640 by default,
   * applied exactly (the umask does not reduce them). An existing file
   * keeps its mode. Read by open.
   *
   * Since: 1.0
   */
  properties[PROP_FILE_MODE] =
    g_param_spec_uint ("file-mode", NULL, NULL, 0, 07777, DEFAULT_FILE_MODE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fapilog_mmap_persistence_init (FapilogMmapPersistence *self)
{
  g_mutex_init (&self->lock);
  self->fd = -1;
  self->initial_size = DEFAULT_INITIAL_SIZE;
  self->growth_factor = DEFAULT_GROWTH_FACTOR;
  self->growth_min_bytes = DEFAULT_GROWTH_MIN_BYTES;
  self->max_size = 0;
  self->sync_mode = FAPILOG_MMAP_SYNC_NONE;
  self->sync_interval_ms = DEFAULT_SYNC_INTERVAL_MS;
  self->sync_every_bytes = DEFAULT_SYNC_EVERY_BYTES;
  self->flush_on_close = TRUE;
  self->file_mode = DEFAULT_FILE_MODE;
  self->use_fallocate = TRUE;
}
