/* fapilog-stdout-sink.c: one JSON line per entry on standard output
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-batch.h"
#include "fapilog-entry.h"
#include "fapilog-fd-writer-private.h"
#include "fapilog-stdout-sink.h"

/**
 * FapilogStdoutSink:
 *
 * The `stdout_json` sink: one JSON envelope per line on standard output (or
 * on any descriptor given to [func@Fapilog.StdoutSink.new_for_fd]).
 *
 * A whole batch goes out with one write loop (`writev`, continued over
 * partial writes, `EINTR` and `EAGAIN`), so lines are never torn or
 * interleaved, not even with other sinks writing to the same descriptor. The
 * write runs in a GIO worker thread, so a slow reader on the other end of a
 * pipe holds up only this sink, never the pipeline's worker or other sinks.
 *
 * When the reader has gone away, the write fails with
 * %FAPILOG_SINK_ERROR_CLOSED instead of killing the process with `SIGPIPE`:
 * the signal is blocked and consumed for the duration of each write, whatever
 * the application's own `SIGPIPE` disposition.
 *
 * The sink does not own its descriptor and never closes it.
 *
 * Since: 1.0
 */
struct _FapilogStdoutSink
{
  GObject parent_instance;

  int     fd;
  char   *what;     /* the destination in error messages */
};

enum {
  PROP_0,
  PROP_FD,
  N_PROPS,

  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

#define SINK_NAME "stdout_json"

static void fapilog_stdout_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FapilogStdoutSink, fapilog_stdout_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      fapilog_stdout_sink_iface_init))

/* write_batch: the batch's bytes are already the JSON lines, contiguous and
 * '\n'-terminated; the task holds a reference to the batch until written. */
static void
fapilog_stdout_sink_write_batch_async (FapilogSink         *sink,
                                       FapilogBatch        *batch,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (sink);
  const guint8 *data;
  gsize len = 0;

  data = fapilog_batch_get_data (batch, &len);
  _fapilog_fd_writer_write_async (self, fapilog_stdout_sink_write_batch_async,
                                  self->fd, self->what,
                                  data, len,
                                  fapilog_batch_ref (batch),
                                  (GDestroyNotify) fapilog_batch_unref,
                                  cancellable, callback, user_data);
}

static gboolean
fapilog_stdout_sink_write_batch_finish (FapilogSink   *sink,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return _fapilog_fd_writer_write_finish (sink, fapilog_stdout_sink_write_batch_async,
                                          result, error);
}

static void
fapilog_stdout_sink_write_serialized_async (FapilogSink           *sink,
                                            FapilogSerializedView *view,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (sink);
  const guint8 *data;
  gsize len = 0;

  data = fapilog_serialized_view_get_data (view, &len);
  _fapilog_fd_writer_write_async (self, fapilog_stdout_sink_write_serialized_async,
                                  self->fd, self->what,
                                  data, len,
                                  fapilog_serialized_view_ref (view),
                                  (GDestroyNotify) fapilog_serialized_view_unref,
                                  cancellable, callback, user_data);
}

static gboolean
fapilog_stdout_sink_write_serialized_finish (FapilogSink   *sink,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return _fapilog_fd_writer_write_finish (sink, fapilog_stdout_sink_write_serialized_async,
                                          result, error);
}

static void
fapilog_stdout_sink_write_async (FapilogSink         *sink,
                                 FapilogEntry        *entry,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (sink);
  char *line;
  gsize len;

  /* Serialize here, on the worker; only the write leaves it. */
  line = fapilog_entry_to_json (entry);
  len = strlen (line);
  line = g_realloc (line, len + 2);
  line[len++] = '\n';
  line[len] = '\0';

  _fapilog_fd_writer_write_async (self, fapilog_stdout_sink_write_async,
                                  self->fd, self->what,
                                  (const guint8 *) line, len,
                                  line, g_free,
                                  cancellable, callback, user_data);
}

static gboolean
fapilog_stdout_sink_write_finish (FapilogSink   *sink,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _fapilog_fd_writer_write_finish (sink, fapilog_stdout_sink_write_async,
                                          result, error);
}

static gboolean
fapilog_stdout_sink_health_check (FapilogSink *sink)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (sink);

  return _fapilog_fd_writer_fd_is_healthy (self->fd);
}

static void
fapilog_stdout_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->write_async = fapilog_stdout_sink_write_async;
  iface->write_finish = fapilog_stdout_sink_write_finish;
  iface->write_serialized_async = fapilog_stdout_sink_write_serialized_async;
  iface->write_serialized_finish = fapilog_stdout_sink_write_serialized_finish;
  iface->write_batch_async = fapilog_stdout_sink_write_batch_async;
  iface->write_batch_finish = fapilog_stdout_sink_write_batch_finish;
  iface->health_check = fapilog_stdout_sink_health_check;
}

static void
fapilog_stdout_sink_finalize (GObject *object)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (object);

  g_free (self->what);

  G_OBJECT_CLASS (fapilog_stdout_sink_parent_class)->finalize (object);
}

static void
fapilog_stdout_sink_constructed (GObject *object)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (object);

  G_OBJECT_CLASS (fapilog_stdout_sink_parent_class)->constructed (object);

  if (self->fd == 1)
    self->what = g_strdup ("stdout");
  else if (self->fd == 2)
    self->what = g_strdup ("stderr");
  else
    self->what = g_strdup_printf ("fd %d", self->fd);
}

static void
fapilog_stdout_sink_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, SINK_NAME);
      break;

    case PROP_FD:
      g_value_set_int (value, self->fd);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_stdout_sink_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FapilogStdoutSink *self = FAPILOG_STDOUT_SINK (object);

  switch (prop_id)
    {
    case PROP_FD:
      self->fd = g_value_get_int (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_stdout_sink_class_init (FapilogStdoutSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fapilog_stdout_sink_constructed;
  object_class->finalize = fapilog_stdout_sink_finalize;
  object_class->get_property = fapilog_stdout_sink_get_property;
  object_class->set_property = fapilog_stdout_sink_set_property;

  /**
   * FapilogStdoutSink:fd:
   *
   * The file descriptor written to; 1 (standard output) by default. The sink
   * does not own it and never closes it.
   *
   * Since: 1.0
   */
  properties[PROP_FD] =
    g_param_spec_int ("fd", NULL, NULL,
                      0, G_MAXINT, 1,
                      (G_PARAM_READWRITE |
                       G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_stdout_sink_init (FapilogStdoutSink *self)
{
  self->fd = 1;
}

/**
 * fapilog_stdout_sink_new:
 *
 * Creates a `stdout_json` sink writing to standard output.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_stdout_sink_new (void)
{
  return fapilog_stdout_sink_new_for_fd (1);
}

/**
 * fapilog_stdout_sink_new_for_fd:
 * @fd: a file descriptor open for writing
 *
 * Creates a `stdout_json` sink writing to @fd. The sink does not take
 * ownership of @fd: keep it open for as long as the sink is in use.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_stdout_sink_new_for_fd (int fd)
{
  g_return_val_if_fail (fd >= 0, NULL);

  return g_object_new (FAPILOG_TYPE_STDOUT_SINK,
                       "fd", fd,
                       NULL);
}
