/* fapilog-stdout-pretty-sink.c: human-readable lines on standard output
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fapilog-batch.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-fd-writer-private.h"
#include "fapilog-stdout-pretty-sink.h"
#include "fapilog-text-format-private.h"

/**
 * FapilogStdoutPrettySink:
 *
 * The `stdout_pretty` sink: one readable line per entry, for a developer's
 * terminal.
 *
 * ```
 * 2026-11-24 10:30:00.123 | INFO     | user login user_id=u-1 attempt=3
 * ```
 *
 * The time is UTC, with milliseconds. The level is padded to eight
 * characters. After the message come the context values (`correlation_id`
 * when set, `request_id`, `user_id`, `tenant_id`, `trace_id`, `span_id`; the
 * message id is left out) and then the data fields, as `key=value`.
 * Dictionaries are flattened to `parent.child=value`. A string value that
 * is empty or holds a space, a double quote, `=` or a control character is
 * double-quoted, with C-style escapes (`\n`, `\t`, `\"`, `\\`, `\xNN`) for
 * anything that could break the line; control characters in the message are
 * escaped too, so one entry is always one line.
 *
 * An entry that carries a #GError gets a second, indented line:
 *
 * ```
 *     error: g-io-error-quark[1]: No such file or directory
 * ```
 *
 * The level is coloured with ANSI escapes when
 * [property@Fapilog.StdoutPrettySink:colors] is on, which by default it is
 * only when the descriptor is a terminal and `NO_COLOR` is not set.
 *
 * Lines are formatted on the pipeline's worker thread and written, a whole
 * batch at once, from a thread of their own, as [class@Fapilog.StdoutSink]
 * does; a closed pipe is a reported failure, never a `SIGPIPE` death. The
 * sink does not own its descriptor and never closes it.
 *
 * Since: 1.0
 */
struct _FapilogStdoutPrettySink
{
  GObject parent_instance;

  int     fd;
  gint    colors;    /* atomic: read on the worker, may be set from anywhere */
  char   *what;      /* the destination in error messages */
};

enum {
  PROP_0,
  PROP_FD,
  PROP_COLORS,
  N_PROPS,

  PROP_NAME = N_PROPS,
};

static GParamSpec *properties[N_PROPS];

#define SINK_NAME "stdout_pretty"
#define COLOR_RESET "\033[0m"

static void fapilog_stdout_pretty_sink_iface_init (FapilogSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FapilogStdoutPrettySink, fapilog_stdout_pretty_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FAPILOG_TYPE_SINK,
                                                      fapilog_stdout_pretty_sink_iface_init))

/* ---- lines ------------------------------------------------------------- */

static const char *
level_color (FapilogLevel level)
{
  switch (level)
    {
    case FAPILOG_LEVEL_DEBUG: return "\033[90m";
    case FAPILOG_LEVEL_INFO: return "\033[34m";
    case FAPILOG_LEVEL_WARNING: return "\033[33m";
    case FAPILOG_LEVEL_ERROR: return "\033[31m";
    case FAPILOG_LEVEL_CRITICAL: return "\033[1;31m";
    case FAPILOG_LEVEL_AUDIT: return "\033[35m";
    case FAPILOG_LEVEL_SECURITY: return "\033[1;35m";
    default: return NULL;
    }
}

static void
append_entry (GString      *out,
              FapilogEntry *entry,
              gboolean      colors)
{
  char ts[25];
  const char *color = colors ? level_color (entry->level) : NULL;

  /* "2026-11-24T10:30:00.123Z" -> "2026-11-24 10:30:00.123" */
  _fapilog_format_timestamp (entry->timestamp_us, ts);
  ts[10] = ' ';
  ts[23] = '\0';
  g_string_append (out, ts);
  g_string_append (out, " | ");

  if (color != NULL)
    g_string_append (out, color);
  g_string_append_printf (out, "%-8s", fapilog_level_to_string (entry->level));
  if (color != NULL)
    g_string_append (out, COLOR_RESET);
  g_string_append (out, " | ");

  if (entry->message != NULL)
    _fapilog_text_append_escaped (out, entry->message, entry->message_len, FALSE);

  _fapilog_text_append_pairs (out, entry);
  g_string_append_c (out, '\n');

  if (entry->has_error)
    {
      const char *domain = entry->error_domain != 0 ? g_quark_to_string (entry->error_domain) : NULL;
      const char *message = entry->error_message != NULL ? entry->error_message : "";

      g_string_append_printf (out, "    error: %s[%d]: ",
                              domain != NULL ? domain : "unknown-domain",
                              entry->error_code);
      _fapilog_text_append_escaped (out, message, strlen (message), FALSE);
      g_string_append_c (out, '\n');
    }
}

static gboolean
get_colors (FapilogStdoutPrettySink *self)
{
  return g_atomic_int_get (&self->colors) != 0;
}

/* ---- FapilogSink ------------------------------------------------------- */

static void
write_text (FapilogStdoutPrettySink *self,
            gpointer                 source_tag,
            GString                 *text,
            GCancellable            *cancellable,
            GAsyncReadyCallback      callback,
            gpointer                 user_data)
{
  gsize len = text->len;
  char *data = g_string_free (text, FALSE);

  _fapilog_fd_writer_write_async (self, source_tag, self->fd, self->what,
                                  (const guint8 *) data, len, data, g_free,
                                  cancellable, callback, user_data);
}

static void
fapilog_stdout_pretty_sink_write_batch_async (FapilogSink         *sink,
                                              FapilogBatch        *batch,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (sink);
  guint n = fapilog_batch_get_n_entries (batch);
  gboolean colors = get_colors (self);
  GString *text = g_string_sized_new (128 * MAX (n, 1));

  /* Format here, on the worker; only the write leaves it. */
  for (guint i = 0; i < n; i++)
    append_entry (text, fapilog_batch_get_entry (batch, i), colors);

  write_text (self, fapilog_stdout_pretty_sink_write_batch_async, text,
              cancellable, callback, user_data);
}

static gboolean
fapilog_stdout_pretty_sink_write_batch_finish (FapilogSink   *sink,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return _fapilog_fd_writer_write_finish (sink, fapilog_stdout_pretty_sink_write_batch_async,
                                          result, error);
}

static void
fapilog_stdout_pretty_sink_write_async (FapilogSink         *sink,
                                        FapilogEntry        *entry,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (sink);
  GString *text = g_string_sized_new (128);

  append_entry (text, entry, get_colors (self));
  write_text (self, fapilog_stdout_pretty_sink_write_async, text,
              cancellable, callback, user_data);
}

static gboolean
fapilog_stdout_pretty_sink_write_finish (FapilogSink   *sink,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return _fapilog_fd_writer_write_finish (sink, fapilog_stdout_pretty_sink_write_async,
                                          result, error);
}

static gboolean
fapilog_stdout_pretty_sink_health_check (FapilogSink *sink)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (sink);

  return _fapilog_fd_writer_fd_is_healthy (self->fd);
}

static void
fapilog_stdout_pretty_sink_iface_init (FapilogSinkInterface *iface)
{
  iface->write_async = fapilog_stdout_pretty_sink_write_async;
  iface->write_finish = fapilog_stdout_pretty_sink_write_finish;
  iface->write_batch_async = fapilog_stdout_pretty_sink_write_batch_async;
  iface->write_batch_finish = fapilog_stdout_pretty_sink_write_batch_finish;
  iface->health_check = fapilog_stdout_pretty_sink_health_check;
}

/* ---- GObject ----------------------------------------------------------- */

static void
fapilog_stdout_pretty_sink_constructed (GObject *object)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);
  const char *no_color;

  G_OBJECT_CLASS (fapilog_stdout_pretty_sink_parent_class)->constructed (object);

  if (self->fd == 1)
    self->what = g_strdup ("stdout");
  else if (self->fd == 2)
    self->what = g_strdup ("stderr");
  else
    self->what = g_strdup_printf ("fd %d", self->fd);

  /* The automatic choice; an explicit "colors" given to g_object_new() is
   * applied after this. https://no-color.org: any non-empty NO_COLOR. */
  no_color = g_getenv ("NO_COLOR");
  g_atomic_int_set (&self->colors,
                    isatty (self->fd) && (no_color == NULL || no_color[0] == '\0'));
}

static void
fapilog_stdout_pretty_sink_finalize (GObject *object)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);

  g_free (self->what);

  G_OBJECT_CLASS (fapilog_stdout_pretty_sink_parent_class)->finalize (object);
}

static void
fapilog_stdout_pretty_sink_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_static_string (value, SINK_NAME);
      break;

    case PROP_FD:
      g_value_set_int (value, self->fd);
      break;

    case PROP_COLORS:
      g_value_set_boolean (value, get_colors (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_stdout_pretty_sink_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  FapilogStdoutPrettySink *self = FAPILOG_STDOUT_PRETTY_SINK (object);

  switch (prop_id)
    {
    case PROP_FD:
      self->fd = g_value_get_int (value);
      break;

    case PROP_COLORS:
      {
        gboolean colors = g_value_get_boolean (value);

        if (colors != get_colors (self))
          {
            g_atomic_int_set (&self->colors, colors);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fapilog_stdout_pretty_sink_class_init (FapilogStdoutPrettySinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fapilog_stdout_pretty_sink_constructed;
  object_class->finalize = fapilog_stdout_pretty_sink_finalize;
  object_class->get_property = fapilog_stdout_pretty_sink_get_property;
  object_class->set_property = fapilog_stdout_pretty_sink_set_property;

  /**
   * FapilogStdoutPrettySink:fd:
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

  /**
   * FapilogStdoutPrettySink:colors:
   *
   * Whether the level is coloured with ANSI escape sequences.
   *
   * Unless set explicitly, it is decided when the sink is created: on if
   * [property@Fapilog.StdoutPrettySink:fd] is a terminal and the `NO_COLOR`
   * environment variable is unset or empty, off otherwise. Setting it takes
   * effect from the next batch.
   *
   * Since: 1.0
   */
  properties[PROP_COLORS] =
    g_param_spec_boolean ("colors", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_NAME, "name");
}

static void
fapilog_stdout_pretty_sink_init (FapilogStdoutPrettySink *self)
{
  self->fd = 1;
}

/**
 * fapilog_stdout_pretty_sink_new:
 *
 * Creates a `stdout_pretty` sink writing to standard output, with colours if
 * standard output is a terminal and `NO_COLOR` is not set.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_stdout_pretty_sink_new (void)
{
  return fapilog_stdout_pretty_sink_new_for_fd (1);
}

/**
 * fapilog_stdout_pretty_sink_new_for_fd:
 * @fd: a file descriptor open for writing
 *
 * Creates a `stdout_pretty` sink writing to @fd, with colours if @fd is a
 * terminal and `NO_COLOR` is not set. The sink does not take ownership of the
 * descriptor: keep it open for as long as the sink is in use.
 *
 * Returns: (transfer full): a new sink
 *
 * Since: 1.0
 */
FapilogSink *
fapilog_stdout_pretty_sink_new_for_fd (int fd)
{
  g_return_val_if_fail (fd >= 0, NULL);

  return g_object_new (FAPILOG_TYPE_STDOUT_PRETTY_SINK,
                       "fd", fd,
                       NULL);
}
