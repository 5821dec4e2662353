/* test-stdout-sink.c: the stdout_json and stdout_pretty sinks and complete fd writes
 *
 * The sinks are driven directly through the sink interface on a main context
 * the test iterates, writing into pipes made with g_unix_open_pipe(); and
 * end to end through a pipeline in a child process (this program run again
 * with `--child MODE …`) whose standard output the parent reads or closes.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "fapilog.h"
#include "fapilog-context-private.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-fields-private.h"
#include "fapilog-io-private.h"

#ifndef IOV_MAX
# define IOV_MAX 1024
#endif

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static void
open_pipe (int *read_fd,
           int *write_fd)
{
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  *read_fd = fds[0];
  *write_fd = fds[1];
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    {
      g_assert_cmpint (close (*fd), ==, 0);
      *fd = -1;
    }
}

/* Reads until end of file. */
static GString *
read_all (int fd)
{
  GString *out = g_string_new (NULL);
  char buf[65536];

  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      g_string_append_len (out, buf, n);
    }
  return out;
}

/* A thread that reads a pipe until end of file, for outputs larger than the
 * pipe's buffer. */
typedef struct {
  int      fd;
  gsize    chunk;
  GString *data;
  GThread *thread;
} Reader;

static gpointer
reader_thread (gpointer user_data)
{
  Reader *reader = user_data;
  char *buf = g_malloc (reader->chunk);

  for (;;)
    {
      ssize_t n = read (reader->fd, buf, reader->chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (reader->data, buf, n);
    }
  g_free (buf);
  return NULL;
}

static void
reader_start (Reader *reader,
              int     fd,
              gsize   chunk)
{
  reader->fd = fd;
  reader->chunk = chunk;
  reader->data = g_string_new (NULL);
  reader->thread = g_thread_new ("test-reader", reader_thread, reader);
}

static GString *
reader_finish (Reader *reader)
{
  g_thread_join (reader->thread);
  return reader->data;
}

/* Splits @text into lines; every line must end in '\n'. */
static GPtrArray *
split_lines (const char *text,
             gsize       len)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;
  const char *end = text + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);

      g_assert_nonnull (nl);
      g_ptr_array_add (lines, g_strndup (p, nl - p));
      p = nl + 1;
    }
  return lines;
}

static JsonNode *
parse_json_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, line, -1, &error))
    g_error ("not JSON (%s): %s", error->message, line);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_node_copy (root);
}

/* 2026-11-24T10:30:00.123456Z */
static gint64
fixed_timestamp (void)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2026, 11, 24, 10, 30, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + 123456;
}

static FapilogEntry *
make_entry (FapilogLevel  level,
            const char   *message,
            GVariant     *fields)
{
  FapilogEntry *entry = fapilog_entry_new (level, "app", message, fields);

  /* Not queued anywhere yet: a test may still fix the time. */
  entry->timestamp_us = fixed_timestamp ();
  return entry;
}

static FapilogBatch *
make_batch_of_one (FapilogEntry *entry)
{
  FapilogBatch *batch = fapilog_batch_new (&entry, 1);

  fapilog_entry_unref (entry);
  return batch;
}

/* The result of one asynchronous sink call, and where it completed. */
typedef struct {
  GAsyncResult *result;
  GThread      *thread;
} AsyncResult;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *ar = user_data;

  g_assert_null (ar->result);
  ar->result = g_object_ref (result);
  ar->thread = g_thread_self ();
}

typedef enum {
  WRITE_BATCH,
  WRITE_ENTRY,
  WRITE_SERIALIZED,
} WriteKind;

/* Runs one write through the public sink API on a main context of our own,
 * iterated until the callback has run; checks the callback ran here. */
static gboolean
sink_write_sync (FapilogSink  *sink,
                 WriteKind     kind,
                 FapilogBatch *batch,
                 GError      **error)
{
  GMainContext *context = g_main_context_new ();
  AsyncResult ar = { NULL, NULL };
  FapilogSerializedView *view;
  gboolean ok = FALSE;

  g_main_context_push_thread_default (context);

  switch (kind)
    {
    case WRITE_BATCH:
      fapilog_sink_write_batch_async (sink, batch, NULL, store_result, &ar);
      break;
    case WRITE_ENTRY:
      fapilog_sink_write_async (sink, fapilog_batch_get_entry (batch, 0), NULL,
                                store_result, &ar);
      break;
    case WRITE_SERIALIZED:
      view = fapilog_batch_get_view (batch, 0);
      fapilog_sink_write_serialized_async (sink, view, NULL, store_result, &ar);
      fapilog_serialized_view_unref (view);
      break;
    default:
      g_assert_not_reached ();
    }

  while (ar.result == NULL)
    g_main_context_iteration (context, TRUE);
  g_assert_true (ar.thread == g_thread_self ());

  switch (kind)
    {
    case WRITE_BATCH:
      ok = fapilog_sink_write_batch_finish (sink, ar.result, error);
      break;
    case WRITE_ENTRY:
      ok = fapilog_sink_write_finish (sink, ar.result, error);
      break;
    case WRITE_SERIALIZED:
      ok = fapilog_sink_write_serialized_finish (sink, ar.result, error);
      break;
    default:
      g_assert_not_reached ();
    }
  g_object_unref (ar.result);

  /* Let the write thread's last references go before the context does. */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return ok;
}

/* Writes @batch with a fresh sink of @type into a pipe and returns what came
 * out. */
static GString *
sink_output (GType         type,
             gboolean      colors,
             WriteKind     kind,
             FapilogBatch *batch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) sink = NULL;
  int rfd, wfd;
  GString *out;

  open_pipe (&rfd, &wfd);
  if (type == FAPILOG_TYPE_STDOUT_PRETTY_SINK)
    sink = g_object_new (type, "fd", wfd, "colors", colors, NULL);
  else
    sink = g_object_new (type, "fd", wfd, NULL);

  g_assert_true (sink_write_sync (FAPILOG_SINK (sink), kind, batch, &error));
  g_assert_no_error (error);
  close_fd (&wfd);
  out = read_all (rfd);
  close_fd (&rfd);
  return out;
}

static GString *
pretty_output (FapilogEntry *entry,
               gboolean      colors)
{
  g_autoptr(FapilogBatch) batch = make_batch_of_one (entry);

  return sink_output (FAPILOG_TYPE_STDOUT_PRETTY_SINK, colors, WRITE_BATCH, batch);
}

static void
assert_pretty_line (FapilogEntry *entry,
                    const char   *expected)
{
  GString *out = pretty_output (entry, FALSE);

  g_assert_cmpstr (out->str, ==, expected);
  g_string_free (out, TRUE);
}

/* ------------------------------------------------------------------------ */
/* stdout_json, directly                                                    */

static void
test_json_batch (void)
{
  FapilogEntry *entries[3];
  g_autoptr(FapilogBatch) batch = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  const guint8 *data;
  gsize len;
  GString *out;

  entries[0] = make_entry (FAPILOG_LEVEL_INFO, "first", g_variant_new_parsed ("{'i': <0>}"));
  entries[1] = make_entry (FAPILOG_LEVEL_WARNING, "second\nline", g_variant_new_parsed ("{'i': <1>}"));
  entries[2] = make_entry (FAPILOG_LEVEL_ERROR, "third \"quoted\"", g_variant_new_parsed ("{'i': <2>}"));
  batch = fapilog_batch_new (entries, 3);
  for (guint i = 0; i < 3; i++)
    fapilog_entry_unref (entries[i]);

  out = sink_output (FAPILOG_TYPE_STDOUT_SINK, FALSE, WRITE_BATCH, batch);

  /* Exactly the batch's bytes: the sink adds and changes nothing. */
  data = fapilog_batch_get_data (batch, &len);
  g_assert_cmpmem (out->str, out->len, data, len);

  lines = split_lines (out->str, out->len);
  g_assert_cmpuint (lines->len, ==, 3);
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr(JsonNode) root = parse_json_line (g_ptr_array_index (lines, i));
      JsonObject *obj = json_node_get_object (root);
      JsonObject *fields = json_object_get_object_member (obj, "data");

      g_assert_cmpint (json_object_get_int_member (fields, "i"), ==, i);
    }
  {
    g_autoptr(JsonNode) root = parse_json_line (g_ptr_array_index (lines, 1));

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "message"),
                     ==, "second\nline");
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "level"),
                     ==, "WARNING");
  }

  g_string_free (out, TRUE);
}

static void
test_json_write_entry (void)
{
  g_autoptr(FapilogBatch) batch = NULL;
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  GString *out;

  batch = make_batch_of_one (make_entry (FAPILOG_LEVEL_INFO, "single",
                                         g_variant_new_parsed ("{'user_id': <'u-1'>}")));
  json = fapilog_entry_to_json (fapilog_batch_get_entry (batch, 0));
  expected = g_strconcat (json, "\n", NULL);

  out = sink_output (FAPILOG_TYPE_STDOUT_SINK, FALSE, WRITE_ENTRY, batch);
  g_assert_cmpstr (out->str, ==, expected);
  g_string_free (out, TRUE);
}

static void
test_json_write_serialized (void)
{
  g_autoptr(FapilogBatch) batch = NULL;
  const guint8 *data;
  gsize len;
  GString *out;

  batch = make_batch_of_one (make_entry (FAPILOG_LEVEL_DEBUG, "serialized", NULL));
  data = fapilog_batch_get_entry_data (batch, 0, &len);
  g_assert_cmpuint (len, >, 0);
  g_assert_cmpint (data[len - 1], ==, '\n');

  out = sink_output (FAPILOG_TYPE_STDOUT_SINK, FALSE, WRITE_SERIALIZED, batch);
  g_assert_cmpmem (out->str, out->len, data, len);
  g_string_free (out, TRUE);
}

/* Megabytes through a 64 KiB pipe: many partial writes, one contiguous
 * result. */
static void
test_json_large_batch (void)
{
  const guint n = 2000;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fapilog_entry_unref);
  g_autoptr(FapilogBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  g_autofree char *padding = g_strnfill (1000, 'p');
  Reader reader;
  const guint8 *data;
  gsize len;
  GString *out;
  int rfd, wfd;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strdup_printf ("entry %u %s", i, padding);

      g_ptr_array_add (entries, make_entry (FAPILOG_LEVEL_INFO, message, NULL));
    }
  batch = fapilog_batch_new ((FapilogEntry **) entries->pdata, n);
  data = fapilog_batch_get_data (batch, &len);
  g_assert_cmpuint (len, >, 2 * 1024 * 1024);

  open_pipe (&rfd, &wfd);
  reader_start (&reader, rfd, 4096);
  sink = fapilog_stdout_sink_new_for_fd (wfd);
  g_assert_true (sink_write_sync (sink, WRITE_BATCH, batch, &error));
  g_assert_no_error (error);
  close_fd (&wfd);
  out = reader_finish (&reader);
  close_fd (&rfd);

  g_assert_cmpuint (out->len, ==, len);
  g_assert_true (memcmp (out->str, data, len) == 0);
  g_string_free (out, TRUE);
}

static void
test_json_epipe (void)
{
  g_autoptr(FapilogBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  int rfd, wfd;

  /* The default disposition: a leaked SIGPIPE would kill this program. */
  signal (SIGPIPE, SIG_DFL);

  batch = make_batch_of_one (make_entry (FAPILOG_LEVEL_INFO, "nobody reads this", NULL));
  open_pipe (&rfd, &wfd);
  close_fd (&rfd);

  sink = fapilog_stdout_sink_new_for_fd (wfd);
  g_assert_false (sink_write_sync (sink, WRITE_BATCH, batch, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED);
  g_assert_nonnull (strstr (error->message, g_strerror (EPIPE)));
  g_assert_nonnull (strstr (error->message, "(wrote 0 of "));
  g_clear_error (&error);

  /* The other ways in fail the same way. */
  g_assert_false (sink_write_sync (sink, WRITE_ENTRY, batch, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (sink_write_sync (sink, WRITE_SERIALIZED, batch, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED);

  close_fd (&wfd);
}

static void
test_json_cancelled (void)
{
  g_autoptr(FapilogBatch) batch = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GMainContext *context = g_main_context_new ();
  AsyncResult ar = { NULL, NULL };
  GString *out;
  int rfd, wfd;

  batch = make_batch_of_one (make_entry (FAPILOG_LEVEL_INFO, "never written", NULL));
  open_pipe (&rfd, &wfd);
  sink = fapilog_stdout_sink_new_for_fd (wfd);

  /* Cancelled before the write starts: nothing is written. */
  g_cancellable_cancel (cancellable);
  g_main_context_push_thread_default (context);
  fapilog_sink_write_batch_async (sink, batch, cancellable, store_result, &ar);
  while (ar.result == NULL)
    g_main_context_iteration (context, TRUE);
  g_assert_false (fapilog_sink_write_batch_finish (sink, ar.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (ar.result);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  close_fd (&wfd);
  out = read_all (rfd);
  g_assert_cmpuint (out->len, ==, 0);
  g_string_free (out, TRUE);
  close_fd (&rfd);
}

static void
test_json_empty_batch (void)
{
  g_autoptr(FapilogBatch) batch = fapilog_batch_new (NULL, 0);
  GString *out = sink_output (FAPILOG_TYPE_STDOUT_SINK, FALSE, WRITE_BATCH, batch);

  g_assert_cmpuint (out->len, ==, 0);
  g_string_free (out, TRUE);

  out = sink_output (FAPILOG_TYPE_STDOUT_PRETTY_SINK, FALSE, WRITE_BATCH, batch);
  g_assert_cmpuint (out->len, ==, 0);
  g_string_free (out, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Both sinks: health, properties, registry                                  */

static void
check_health (FapilogSink *(*new_for_fd) (int))
{
  g_autoptr(FapilogSink) healthy = NULL;
  g_autoptr(FapilogSink) read_only = NULL;
  g_autoptr(FapilogSink) closed = NULL;
  int rfd, wfd;
  int rfd2, wfd2;

  open_pipe (&rfd, &wfd);
  healthy = new_for_fd (wfd);
  read_only = new_for_fd (rfd);
  g_assert_true (fapilog_sink_health_check (healthy));
  g_assert_false (fapilog_sink_health_check (read_only));

  /* The reader went away: writes would fail, so not healthy. */
  close_fd (&rfd);
  g_assert_false (fapilog_sink_health_check (healthy));
  close_fd (&wfd);

  /* A descriptor that is closed altogether. */
  open_pipe (&rfd2, &wfd2);
  closed = new_for_fd (wfd2);
  g_assert_true (fapilog_sink_health_check (closed));
  close_fd (&wfd2);
  g_assert_false (fapilog_sink_health_check (closed));
  close_fd (&rfd2);
}

static void
test_health (void)
{
  check_health (fapilog_stdout_sink_new_for_fd);
  check_health (fapilog_stdout_pretty_sink_new_for_fd);
}

static void
test_properties (void)
{
  g_autoptr(FapilogSink) json = fapilog_stdout_sink_new ();
  g_autoptr(FapilogSink) pretty = fapilog_stdout_pretty_sink_new ();
  g_autoptr(FapilogSink) json7 = fapilog_stdout_sink_new_for_fd (7);
  g_autofree char *name = NULL;
  int fd = -1;

  g_assert_true (FAPILOG_IS_STDOUT_SINK (json));
  g_assert_true (FAPILOG_IS_STDOUT_PRETTY_SINK (pretty));
  g_assert_cmpstr (fapilog_sink_get_name (json), ==, "stdout_json");
  g_assert_cmpstr (fapilog_sink_get_name (pretty), ==, "stdout_pretty");

  g_object_get (json, "name", &name, "fd", &fd, NULL);
  g_assert_cmpstr (name, ==, "stdout_json");
  g_assert_cmpint (fd, ==, 1);
  g_object_get (json7, "fd", &fd, NULL);
  g_assert_cmpint (fd, ==, 7);
  g_object_get (pretty, "fd", &fd, NULL);
  g_assert_cmpint (fd, ==, 1);
}

static void
test_bad_arguments (void)
{
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*fd >= 0*");
  g_assert_null (fapilog_stdout_sink_new_for_fd (-1));
  g_test_assert_expected_messages ();

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*fd >= 0*");
  g_assert_null (fapilog_stdout_pretty_sink_new_for_fd (-1));
  g_test_assert_expected_messages ();
}

static void
test_registry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSettings) settings = fapilog_settings_new ();
  g_autoptr(FapilogSink) json = NULL;
  g_autoptr(FapilogSink) pretty = NULL;

  g_assert_true (fapilog_sink_registry_contains ("stdout_json"));
  g_assert_true (fapilog_sink_registry_contains ("stdout_pretty"));

  json = fapilog_sink_registry_create ("stdout_json", settings, &error);
  g_assert_no_error (error);
  g_assert_true (FAPILOG_IS_STDOUT_SINK (json));
  g_assert_cmpstr (fapilog_sink_get_name (json), ==, "stdout_json");

  pretty = fapilog_sink_registry_create ("stdout_pretty", settings, &error);
  g_assert_no_error (error);
  g_assert_true (FAPILOG_IS_STDOUT_PRETTY_SINK (pretty));
  g_assert_cmpstr (fapilog_sink_get_name (pretty), ==, "stdout_pretty");
}

/* ------------------------------------------------------------------------ */
/* stdout_pretty                                                            */

static void
test_pretty_line (void)
{
  assert_pretty_line (make_entry (FAPILOG_LEVEL_INFO, "user login",
                                  g_variant_new_parsed ("{'user_id': <'u-1'>, 'attempt': <3>}")),
                      "2026-11-24 10:30:00.123 | INFO     | user login user_id=u-1 attempt=3\n");

  /* Every level, padded to eight. */
  assert_pretty_line (make_entry (FAPILOG_LEVEL_DEBUG, "d", NULL),
                      "2026-11-24 10:30:00.123 | DEBUG    | d\n");
  assert_pretty_line (make_entry (FAPILOG_LEVEL_WARNING, "w", NULL),
                      "2026-11-24 10:30:00.123 | WARNING  | w\n");
  assert_pretty_line (make_entry (FAPILOG_LEVEL_CRITICAL, "c", NULL),
                      "2026-11-24 10:30:00.123 | CRITICAL | c\n");
  assert_pretty_line (make_entry (FAPILOG_LEVEL_SECURITY, "s", NULL),
                      "2026-11-24 10:30:00.123 | SECURITY | s\n");
}

static void
test_pretty_write_entry (void)
{
  g_autoptr(FapilogBatch) batch = make_batch_of_one (
      make_entry (FAPILOG_LEVEL_AUDIT, "granted", g_variant_new_parsed ("{'role': <'admin'>}")));
  GString *out = sink_output (FAPILOG_TYPE_STDOUT_PRETTY_SINK, FALSE, WRITE_ENTRY, batch);

  g_assert_cmpstr (out->str, ==, "2026-11-24 10:30:00.123 | AUDIT    | granted role=admin\n");
  g_string_free (out, TRUE);

  /* No write_serialized of its own: the interface falls back to write. */
  out = sink_output (FAPILOG_TYPE_STDOUT_PRETTY_SINK, FALSE, WRITE_SERIALIZED, batch);
  g_assert_cmpstr (out->str, ==, "2026-11-24 10:30:00.123 | AUDIT    | granted role=admin\n");
  g_string_free (out, TRUE);
}

static void
test_pretty_batch (void)
{
  FapilogEntry *entries[2];
  g_autoptr(FapilogBatch) batch = NULL;
  GString *out;

  entries[0] = make_entry (FAPILOG_LEVEL_INFO, "one", g_variant_new_parsed ("{'n': <1>}"));
  entries[1] = make_entry (FAPILOG_LEVEL_ERROR, "two", g_variant_new_parsed ("{'n': <2>}"));
  batch = fapilog_batch_new (entries, 2);
  fapilog_entry_unref (entries[0]);
  fapilog_entry_unref (entries[1]);

  out = sink_output (FAPILOG_TYPE_STDOUT_PRETTY_SINK, FALSE, WRITE_BATCH, batch);
  g_assert_cmpstr (out->str, ==,
                   "2026-11-24 10:30:00.123 | INFO     | one n=1\n"
                   "2026-11-24 10:30:00.123 | ERROR    | two n=2\n");
  g_string_free (out, TRUE);
}

static void
test_pretty_quoting (void)
{
  GVariantBuilder builder;
  GVariantBuilder nested;
  GVariantBuilder inner;
  FapilogEntry *entry;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "plain", g_variant_new_string ("word"));
  g_variant_builder_add (&builder, "{sv}", "path", g_variant_new_string ("/tmp/a b"));
  g_variant_builder_add (&builder, "{sv}", "q", g_variant_new_string ("say \"hi\""));
  g_variant_builder_add (&builder, "{sv}", "eq", g_variant_new_string ("a=b"));
  g_variant_builder_add (&builder, "{sv}", "nl", g_variant_new_string ("line1\nline2\r"));
  g_variant_builder_add (&builder, "{sv}", "tab", g_variant_new_string ("a\tb"));
  g_variant_builder_add (&builder, "{sv}", "ctl", g_variant_new_string ("\001\177"));
  g_variant_builder_add (&builder, "{sv}", "c1", g_variant_new_string ("x\302\205y"));
  g_variant_builder_add (&builder, "{sv}", "empty", g_variant_new_string (""));
  g_variant_builder_add (&builder, "{sv}", "bs", g_variant_new_string ("C:\\dir"));
  g_variant_builder_add (&builder, "{sv}", "bsq", g_variant_new_string ("a \\ b"));
  g_variant_builder_add (&builder, "{sv}", "uni", g_variant_new_string ("h\303\251llo"));
  g_variant_builder_add (&builder, "{sv}", "flag", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&builder, "{sv}", "ratio", g_variant_new_double (0.5));
  g_variant_builder_add (&builder, "{sv}", "third", g_variant_new_double (1.0 / 3.0));
  g_variant_builder_add (&builder, "{sv}", "big", g_variant_new_uint64 (G_MAXUINT64));
  g_variant_builder_add (&builder, "{sv}", "neg", g_variant_new_int64 (-7));
  g_variant_builder_add (&builder, "{sv}", "byte", g_variant_new_byte (200));

  g_variant_builder_init (&inner, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&inner, "{sv}", "c", g_variant_new_string ("x y"));
  g_variant_builder_init (&nested, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&nested, "{sv}", "a", g_variant_new_int32 (1));
  g_variant_builder_add (&nested, "{sv}", "b", g_variant_builder_end (&inner));
  g_variant_builder_add (&builder, "{sv}", "nested", g_variant_builder_end (&nested));

  g_variant_builder_add (&builder, "{sv}", "list", g_variant_new_parsed ("['a', 'b']"));
  g_variant_builder_add (&builder, "{sv}", "spaced", g_variant_new_parsed ("['a b']"));
  g_variant_builder_add (&builder, "{sv}", "nums", g_variant_new_parsed ("[1, 2]"));
  g_variant_builder_add (&builder, "{sv}", "none", g_variant_new_maybe (G_VARIANT_TYPE_STRING, NULL));
  g_variant_builder_add (&builder, "{sv}", "some", g_variant_new_parsed ("just 'v'"));
  g_variant_builder_add (&builder, "{sv}", "bytes", g_variant_new_bytestring ("raw"));
  g_variant_builder_add (&builder, "{sv}", "my key", g_variant_new_string ("v"));
  g_variant_builder_add (&builder, "{sv}", "emptydict",
                         g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));

  entry = make_entry (FAPILOG_LEVEL_INFO, "two\nlines \"as is\"", g_variant_builder_end (&builder));
  assert_pretty_line (entry,
                      "2026-11-24 10:30:00.123 | INFO     | two\\nlines \"as is\""
                      " plain=word"
                      " path=\"/tmp/a b\""
                      " q=\"say \\\"hi\\\"\""
                      " eq=\"a=b\""
                      " nl=\"line1\\nline2\\r\""
                      " tab=\"a\\tb\""
                      " ctl=\"\\x01\\x7f\""
                      " c1=\"x\\u0085y\""
                      " empty=\"\""
                      " bs=C:\\dir"
                      " bsq=\"a \\\\ b\""
                      " uni=h\303\251llo"
                      " flag=true"
                      " ratio=0.5"
                      " third=0.33333333333333331"
                      " big=18446744073709551615"
                      " neg=-7"
                      " byte=200"
                      " nested.a=1"
                      " nested.b.c=\"x y\""
                      " list=[\"a\",\"b\"]"
                      " spaced=\"[\\\"a b\\\"]\""
                      " nums=[1,2]"
                      " none=null"
                      " some=v"
                      " bytes=raw"
                      " \"my key\"=v"
                      " emptydict={}"
                      "\n");
}

/* Captured strings are not validated on the caller thread: invalid UTF-8
 * must still give one clean line. */
static FapilogEntry *
make_captured_entry (const char *message,
                     const char *first_key,
                     ...)
{
  FapilogLoggerCore *core;
  FapilogFieldCollector collector;
  FapilogEntry *entry;
  va_list args;

  core = _fapilog_logger_core_new ("app", NULL, _fapilog_envelope_statics_default ());
  _fapilog_field_collector_init (&collector);
  va_start (args, first_key);
  g_assert_true (_fapilog_field_collector_add_valist (&collector, first_key, &args));
  va_end (args);
  entry = _fapilog_entry_new_captured (core, NULL, FAPILOG_LEVEL_INFO, fixed_timestamp (),
                                       message, NULL, 0, NULL, NULL, &collector);
  _fapilog_field_collector_clear (&collector);
  _fapilog_logger_core_unref (core);
  return entry;
}

static void
test_pretty_raw_bytes (void)
{
  assert_pretty_line (make_captured_entry ("bad \377 bytes\t", "raw", "s", "a\377b", NULL),
                      "2026-11-24 10:30:00.123 | INFO     | bad \\xff bytes\\t raw=\"a\\xffb\"\n");
}

static void
test_pretty_context (void)
{
  FapilogEntry *entry;

  fapilog_context_set_correlation_id ("c-1");
  fapilog_context_bind ("request_id", g_variant_new_string ("r-1"));
  fapilog_context_bind ("k", g_variant_new_int32 (1));
  fapilog_context_bind ("tenant", g_variant_new_string ("acme"));

  /* message_id is never shown; context keys come first, in their fixed
   * order; a key keeps its first position and takes its last value. */
  entry = make_entry (FAPILOG_LEVEL_INFO, "ctx",
                      g_variant_new_parsed ("{'span_id': <'s-1'>, 'user_id': <'u-1'>, "
                                            "'k': <2>, 'z': <true>}"));
  fapilog_context_clear ();
  fapilog_context_set_correlation_id (NULL);

  assert_pretty_line (entry,
                      "2026-11-24 10:30:00.123 | INFO     | ctx correlation_id=c-1"
                      " request_id=r-1 user_id=u-1 span_id=s-1 k=2 tenant=acme z=true\n");

  /* No correlation id: none shown. */
  assert_pretty_line (make_entry (FAPILOG_LEVEL_INFO, "bare", NULL),
                      "2026-11-24 10:30:00.123 | INFO     | bare\n");

  /* A correlation_id field wins over the thread's. */
  fapilog_context_set_correlation_id ("thread");
  entry = make_entry (FAPILOG_LEVEL_INFO, "own",
                      g_variant_new_parsed ("{'correlation_id': <'field'>}"));
  fapilog_context_set_correlation_id (NULL);
  assert_pretty_line (entry, "2026-11-24 10:30:00.123 | INFO     | own correlation_id=field\n");
}

/* The pretty line shows the same context and data, in the same order, as
 * the JSON envelope: fields from the thread context, the logger's bound
 * fields and the call, a repeated key at its first position with its last
 * value. With many fields, duplicates are found another way: check both. */
static void
check_pretty_matches_envelope (guint n_call_fields)
{
  FapilogFieldCollector collector;
  FapilogFieldSet *bound;
  FapilogLoggerCore *core;
  FapilogContextSnapshot *context;
  FapilogEntry *entry;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GString) expected = g_string_new ("2026-11-24 10:30:00.123 | INFO     | m");
  g_autoptr(GList) members = NULL;
  GVariantBuilder call;
  JsonObject *obj;

  fapilog_context_bind ("a", g_variant_new_int32 (1));
  fapilog_context_bind ("request_id", g_variant_new_string ("r"));
  context = _fapilog_context_capture ();
  fapilog_context_clear ();

  _fapilog_field_collector_init (&collector);
  _fapilog_field_collector_add_variant (&collector, "b", g_variant_new_int32 (2));
  _fapilog_field_collector_add_variant (&collector, "a", g_variant_new_int32 (3));
  _fapilog_field_collector_add_variant (&collector, "trace_id", g_variant_new_string ("t"));
  bound = _fapilog_field_collector_to_set (&collector);
  _fapilog_field_collector_clear (&collector);
  core = _fapilog_logger_core_new ("app", bound, _fapilog_envelope_statics_default ());

  g_variant_builder_init (&call, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < n_call_fields; i++)
    {
      g_autofree char *key = g_strdup_printf ("f%u", i);

      g_variant_builder_add (&call, "{sv}", key, g_variant_new_int32 ((gint32) i));
    }
  g_variant_builder_add (&call, "{sv}", "b", g_variant_new_int32 (5));
  g_variant_builder_add (&call, "{sv}", "a", g_variant_new_int32 (6));
  g_variant_builder_add (&call, "{sv}", "f0", g_variant_new_string ("last"));
  {
    g_autoptr(GVariant) dict = g_variant_ref_sink (g_variant_builder_end (&call));

    _fapilog_field_collector_init (&collector);
    _fapilog_field_collector_add_dict (&collector, dict);
    entry = _fapilog_entry_new_captured (core, context, FAPILOG_LEVEL_INFO, fixed_timestamp (),
                                         "m", NULL, 0, NULL, NULL, &collector);
    _fapilog_field_collector_clear (&collector);
  }
  _fapilog_context_snapshot_unref (context);
  _fapilog_logger_core_unref (core);
  _fapilog_field_set_unref (bound);

  /* What the envelope says, as key=value. */
  json = fapilog_entry_to_json (entry);
  root = parse_json_line (json);
  obj = json_object_get_object_member (json_node_get_object (root), "context");
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (obj, l->data);

      if (g_str_equal (l->data, "message_id") || JSON_NODE_HOLDS_NULL (value))
        continue;
      g_string_append_printf (expected, " %s=%s", (char *) l->data, json_node_get_string (value));
    }
  g_clear_pointer (&members, g_list_free);
  obj = json_object_get_object_member (json_node_get_object (root), "data");
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (obj, l->data);

      if (json_node_get_value_type (value) == G_TYPE_STRING)
        g_string_append_printf (expected, " %s=%s", (char *) l->data, json_node_get_string (value));
      else
        g_string_append_printf (expected, " %s=%" G_GINT64_FORMAT, (char *) l->data,
                                json_node_get_int (value));
    }
  g_string_append_c (expected, '\n');

  g_assert_true (g_str_has_prefix (expected->str,
                                   "2026-11-24 10:30:00.123 | INFO     | m request_id=r trace_id=t"
                                   " a=6 b=5"));
  if (n_call_fields > 0)
    g_assert_nonnull (strstr (expected->str, " b=5 f0=last f1=1 "));
  assert_pretty_line (entry, expected->str);
}

static void
test_pretty_matches_envelope (void)
{
  check_pretty_matches_envelope (3);
  check_pretty_matches_envelope (40);
}

static FapilogEntry *
make_error_entry (const GError *error,
                  GVariant     *fields)
{
  FapilogLoggerCore *core;
  FapilogFieldCollector collector;
  FapilogEntry *entry;

  core = _fapilog_logger_core_new ("app", NULL, _fapilog_envelope_statics_default ());
  _fapilog_field_collector_init (&collector);
  if (fields != NULL)
    {
      g_variant_ref_sink (fields);
      _fapilog_field_collector_add_dict (&collector, fields);
    }
  entry = _fapilog_entry_new_captured (core, NULL, FAPILOG_LEVEL_ERROR, fixed_timestamp (),
                                       "cannot load", "main.c", 42, "main", error, &collector);
  _fapilog_field_collector_clear (&collector);
  if (fields != NULL)
    g_variant_unref (fields);
  _fapilog_logger_core_unref (core);
  return entry;
}

static void
test_pretty_exception (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) multiline = NULL;

  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such file or directory");
  assert_pretty_line (make_error_entry (error, g_variant_new_parsed ("{'path': <'/etc/x'>}")),
                      "2026-11-24 10:30:00.123 | ERROR    | cannot load path=/etc/x\n"
                      "    error: g-io-error-quark[1]: No such file or directory\n");

  /* The exception block is exactly one more line. */
  multiline = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_NOENT, "first\nsecond");
  assert_pretty_line (make_error_entry (multiline, NULL),
                      "2026-11-24 10:30:00.123 | ERROR    | cannot load\n"
                      "    error: g-file-error-quark[4]: first\\nsecond\n");
}

static void
test_pretty_colors (void)
{
  static const struct {
    FapilogLevel level;
    const char  *expected;
  } cases[] = {
    { FAPILOG_LEVEL_DEBUG, "\033[90mDEBUG   \033[0m" },
    { FAPILOG_LEVEL_INFO, "\033[34mINFO    \033[0m" },
    { FAPILOG_LEVEL_WARNING, "\033[33mWARNING \033[0m" },
    { FAPILOG_LEVEL_ERROR, "\033[31mERROR   \033[0m" },
    { FAPILOG_LEVEL_CRITICAL, "\033[1;31mCRITICAL\033[0m" },
    { FAPILOG_LEVEL_AUDIT, "\033[35mAUDIT   \033[0m" },
    { FAPILOG_LEVEL_SECURITY, "\033[1;35mSECURITY\033[0m" },
  };
  g_autoptr(FapilogSink) on_pipe = NULL;
  gboolean colors = TRUE;
  int rfd, wfd;

  /* A pipe is not a terminal: no colours unless asked for. */
  open_pipe (&rfd, &wfd);
  on_pipe = fapilog_stdout_pretty_sink_new_for_fd (wfd);
  g_object_get (on_pipe, "colors", &colors, NULL);
  g_assert_false (colors);
  close_fd (&rfd);
  close_fd (&wfd);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *expected = g_strdup_printf ("2026-11-24 10:30:00.123 | %s | m k=v\n",
                                                   cases[i].expected);
      GString *out = pretty_output (make_entry (cases[i].level, "m",
                                                g_variant_new_parsed ("{'k': <'v'>}")),
                                    TRUE);

      g_assert_cmpstr (out->str, ==, expected);
      g_string_free (out, TRUE);
    }
}

/* On a terminal, colours are on by default, unless NO_COLOR is set. Runs in
 * subprocesses, since it changes the environment. */
static gboolean
pretty_colors_on_pty (void)
{
  g_autoptr(FapilogSink) sink = NULL;
  gboolean colors = FALSE;
  int master, slave;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);
  g_assert_true (isatty (slave));

  sink = fapilog_stdout_pretty_sink_new_for_fd (slave);
  g_object_get (sink, "colors", &colors, NULL);

  close (slave);
  close (master);
  return colors;
}

static void
test_pretty_colors_tty (void)
{
  if (g_test_subprocess ())
    {
      g_unsetenv ("NO_COLOR");
      g_assert_true (pretty_colors_on_pty ());
      g_setenv ("NO_COLOR", "", TRUE);
      g_assert_true (pretty_colors_on_pty ());
      g_setenv ("NO_COLOR", "1", TRUE);
      g_assert_false (pretty_colors_on_pty ());
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_pretty_epipe (void)
{
  g_autoptr(FapilogBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  int rfd, wfd;

  signal (SIGPIPE, SIG_DFL);
  batch = make_batch_of_one (make_entry (FAPILOG_LEVEL_INFO, "gone", NULL));
  open_pipe (&rfd, &wfd);
  close_fd (&rfd);

  sink = fapilog_stdout_pretty_sink_new_for_fd (wfd);
  g_assert_false (sink_write_sync (sink, WRITE_BATCH, batch, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (sink_write_sync (sink, WRITE_ENTRY, batch, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED);
  close_fd (&wfd);
}

/* ------------------------------------------------------------------------ */
/* _fapilog_io_writev_all                                                   */

static gboolean
sigpipe_is_pending (void)
{
  sigset_t pending;

  sigemptyset (&pending);
  g_assert_cmpint (sigpending (&pending), ==, 0);
  return sigismember (&pending, SIGPIPE) == 1;
}

static gboolean
sigpipe_is_blocked (void)
{
  sigset_t mask;

  g_assert_cmpint (pthread_sigmask (SIG_BLOCK, NULL, &mask), ==, 0);
  return sigismember (&mask, SIGPIPE) == 1;
}

static void
write_to_closed_pipe (void)
{
  g_autoptr(GError) error = NULL;
  gsize written = 123;
  int rfd, wfd;

  open_pipe (&rfd, &wfd);
  close_fd (&rfd);
  g_assert_false (_fapilog_io_write_all (wfd, "hello\n", 6, "stdout", &written, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED);
  g_assert_cmpuint (written, ==, 0);
  {
    g_autofree char *expected = g_strdup_printf ("write to stdout failed: %s (wrote 0 of 6 bytes)",
                                                 g_strerror (EPIPE));
    g_assert_cmpstr (error->message, ==, expected);
  }
  close_fd (&wfd);
}

static void
test_io_sigpipe (void)
{
  sigset_t pipe_set;
  const struct timespec zero = { 0, 0 };

  signal (SIGPIPE, SIG_DFL);
  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);

  /* Unblocked before: the signal raised by the write is consumed and the
   * mask is as it was. */
  g_assert_false (sigpipe_is_blocked ());
  write_to_closed_pipe ();
  g_assert_false (sigpipe_is_blocked ());
  g_assert_false (sigpipe_is_pending ());

  /* Blocked by the application, nothing pending: ours is consumed and the
   * signal stays blocked. */
  g_assert_cmpint (pthread_sigmask (SIG_BLOCK, &pipe_set, NULL), ==, 0);
  write_to_closed_pipe ();
  g_assert_true (sigpipe_is_blocked ());
  g_assert_false (sigpipe_is_pending ());

  /* Blocked and already pending (the application's own SIGPIPE, waiting
   * for its sigwait()): left alone. */
  g_assert_cmpint (pthread_kill (pthread_self (), SIGPIPE), ==, 0);
  g_assert_true (sigpipe_is_pending ());
  write_to_closed_pipe ();
  g_assert_true (sigpipe_is_blocked ());
  g_assert_true (sigpipe_is_pending ());

  g_assert_cmpint (sigtimedwait (&pipe_set, NULL, &zero), ==, SIGPIPE);
  g_assert_false (sigpipe_is_pending ());
  g_assert_cmpint (pthread_sigmask (SIG_UNBLOCK, &pipe_set, NULL), ==, 0);

  /* Ignored: still an error, never a signal. */
  signal (SIGPIPE, SIG_IGN);
  write_to_closed_pipe ();
  g_assert_false (sigpipe_is_pending ());
  signal (SIGPIPE, SIG_DFL);
}

static void
test_io_errors (void)
{
  g_autoptr(GError) error = NULL;
  gsize written = 99;
  int rfd, wfd;

  /* Nothing to write: success without touching the descriptor. */
  g_assert_true (_fapilog_io_write_all (-1, "", 0, "stdout", &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 0);

  g_assert_false (_fapilog_io_write_all (-1, "x", 1, "stdout", &written, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED);
  g_clear_error (&error);

  /* A read-only descriptor. */
  open_pipe (&rfd, &wfd);
  g_assert_false (_fapilog_io_write_all (rfd, "x", 1, "fd 3", NULL, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "write to fd 3 failed: "));
  g_assert_nonnull (strstr (error->message, "(wrote 0 of 1 bytes)"));
  close_fd (&rfd);
  close_fd (&wfd);
}

/* More elements than IOV_MAX, some empty, through a pipe read in small
 * pieces: everything arrives, in order. */
static void
test_io_iov_max (void)
{
  const guint n = 3 * IOV_MAX + 17;
  g_autoptr(GError) error = NULL;
  struct iovec *iov = g_new0 (struct iovec, n);
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  GString *expected = g_string_new (NULL);
  GString *out;
  Reader reader;
  gsize written = 0;
  int rfd, wfd;

  for (guint i = 0; i < n; i++)
    {
      char *part = (i % 7 == 3) ? g_strdup ("") : g_strdup_printf ("part %u\n", i);

      g_ptr_array_add (parts, part);
      iov[i].iov_base = part;
      iov[i].iov_len = strlen (part);
      g_string_append (expected, part);
    }

  open_pipe (&rfd, &wfd);
  reader_start (&reader, rfd, 1000);
  g_assert_true (_fapilog_io_writev_all (wfd, iov, (int) n, "stdout", &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, expected->len);
  close_fd (&wfd);
  out = reader_finish (&reader);
  close_fd (&rfd);

  g_assert_cmpstr (out->str, ==, expected->str);

  g_string_free (out, TRUE);
  g_string_free (expected, TRUE);
  g_ptr_array_unref (parts);
  g_free (iov);
}

static GString *
pattern (gsize len)
{
  GString *s = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    g_string_append_c (s, (char) ('a' + (i * 7 + i / 4096) % 26));
  return s;
}

/* A non-blocking descriptor: EAGAIN, then poll(), then more. */
static void
test_io_nonblocking (void)
{
  g_autoptr(GError) error = NULL;
  GString *data = pattern (1024 * 1024 + 3);
  GString *out;
  Reader reader;
  int rfd, wfd;

  open_pipe (&rfd, &wfd);
  g_assert_cmpint (fcntl (wfd, F_SETFL, fcntl (wfd, F_GETFL) | O_NONBLOCK), ==, 0);
  reader_start (&reader, rfd, 512);
  g_assert_true (_fapilog_io_write_all (wfd, data->str, data->len, "stdout", NULL, &error));
  g_assert_no_error (error);
  close_fd (&wfd);
  out = reader_finish (&reader);
  close_fd (&rfd);

  g_assert_cmpuint (out->len, ==, data->len);
  g_assert_true (memcmp (out->str, data->str, data->len) == 0);
  g_string_free (out, TRUE);
  g_string_free (data, TRUE);
}

/* Signals interrupt a write blocked on a full pipe (EINTR, or a short
 * write): the loop carries on. */
static volatile gint interruptions;

static void
count_interruption (int signum)
{
  g_atomic_int_inc (&interruptions);
}

typedef struct {
  int       fd;
  GString  *data;
  gboolean  ok;
  GError   *error;
} BlockedWriter;

static void *
blocked_writer_thread (void *user_data)
{
  BlockedWriter *writer = user_data;

  writer->ok = _fapilog_io_write_all (writer->fd, writer->data->str, writer->data->len,
                                      "stdout", NULL, &writer->error);
  return NULL;
}

static void
test_io_eintr (void)
{
  struct sigaction action, old_action;
  BlockedWriter writer = { -1, NULL, FALSE, NULL };
  GString *out = g_string_new (NULL);
  pthread_t thread;
  char buf[4096];
  int rfd, wfd;

  memset (&action, 0, sizeof action);
  action.sa_handler = count_interruption;
  action.sa_flags = 0;      /* no SA_RESTART: blocked writes fail with EINTR */
  sigemptyset (&action.sa_mask);
  g_assert_cmpint (sigaction (SIGUSR1, &action, &old_action), ==, 0);
  g_atomic_int_set (&interruptions, 0);

  open_pipe (&rfd, &wfd);
  writer.fd = wfd;
  writer.data = pattern (4 * 1024 * 1024);
  g_assert_cmpint (pthread_create (&thread, NULL, blocked_writer_thread, &writer), ==, 0);

  /* Interrupt the writer before every read, until everything came. The
   * thread is joined only afterwards, so its id stays valid. */
  while (out->len < writer.data->len)
    {
      ssize_t n;

      g_assert_cmpint (pthread_kill (thread, SIGUSR1), ==, 0);
      n = read (rfd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      g_string_append_len (out, buf, n);
    }
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  g_assert_no_error (writer.error);
  g_assert_true (writer.ok);
  g_assert_cmpint (g_atomic_int_get (&interruptions), >, 0);

  g_assert_cmpuint (out->len, ==, writer.data->len);
  g_assert_true (memcmp (out->str, writer.data->str, out->len) == 0);

  g_assert_cmpint (sigaction (SIGUSR1, &old_action, NULL), ==, 0);
  close_fd (&wfd);
  close_fd (&rfd);
  g_string_free (out, TRUE);
  g_string_free (writer.data, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Through a pipeline, in a child process                                   */

static char *self_exe;

/* Lossless: a test that counts lines must not lose any to the queue. */
static const char * const child_env[] = {
  "FAPILOG_CORE__OVERFLOW_POLICY=block",
  "FAPILOG_CORE__BACKPRESSURE_WAIT_MS=-1",
  NULL
};

typedef struct {
  FapilogLogger *logger;
  guint          thread;
  guint          n;
  const char    *padding;
} ChildThread;

static gpointer
child_log_thread (gpointer user_data)
{
  ChildThread *ct = user_data;

  for (guint i = 0; i < ct->n; i++)
    {
      g_autofree char *message = g_strdup_printf ("msg-%u-%u %s", ct->thread, i, ct->padding);

      fapilog_logger_log (ct->logger, FAPILOG_LEVEL_INFO, message,
                          "thread", "u", ct->thread,
                          "i", "u", i,
                          NULL);
    }
  return NULL;
}

/* Starts some of GIO's worker threads from the calling thread, so that they
 * inherit its signal mask (SIGPIPE not blocked) rather than the pipeline
 * worker's: the sinks' writes then run where a SIGPIPE would be fatal. */
#define N_WARM_THREADS 4

typedef struct {
  GMutex lock;
  GCond  cond;
  guint  running;
  guint  done;
} WarmUp;

static void
warm_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  WarmUp *warm = task_data;

  /* Hold each thread until all are running, so they are distinct. */
  g_mutex_lock (&warm->lock);
  warm->running++;
  g_cond_broadcast (&warm->cond);
  while (warm->running < N_WARM_THREADS)
    g_cond_wait (&warm->cond, &warm->lock);
  g_mutex_unlock (&warm->lock);
  g_task_return_boolean (task, TRUE);
}

static void
warm_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  WarmUp *warm = user_data;

  warm->done++;
}

static void
warm_up_task_threads (void)
{
  WarmUp warm = { 0, };

  g_mutex_init (&warm.lock);
  g_cond_init (&warm.cond);
  for (guint i = 0; i < N_WARM_THREADS; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, warm_done, &warm);

      g_task_set_task_data (task, &warm, NULL);
      g_task_run_in_thread (task, warm_thread);
    }
  while (warm.done < N_WARM_THREADS)
    g_main_context_iteration (NULL, TRUE);
  g_mutex_clear (&warm.lock);
  g_cond_clear (&warm.cond);
}

/* --child json N | epipe N | mixed THREADS N
 * Logs through a pipeline to fd 1 and prints a STATS line to stderr. */
static int
child_main (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FapilogSettings) settings = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) logger = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *padding = NULL;
  const char *mode;
  guint n_threads = 1;
  guint n;
  sigset_t pipe_set;

  if (argc < 4)
    return 2;
  mode = argv[2];
  if (g_str_equal (mode, "mixed"))
    {
      if (argc < 5)
        return 2;
      n_threads = (guint) g_ascii_strtoull (argv[3], NULL, 10);
      n = (guint) g_ascii_strtoull (argv[4], NULL, 10);
      padding = g_strnfill (600, 'x');
    }
  else
    {
      n = (guint) g_ascii_strtoull (argv[3], NULL, 10);
      padding = g_strdup ("");
    }

  /* Whatever the parent did: SIGPIPE would kill us if it ever got through. */
  signal (SIGPIPE, SIG_DFL);
  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  pthread_sigmask (SIG_UNBLOCK, &pipe_set, NULL);
  warm_up_task_threads ();

  settings = fapilog_settings_new ();
  if (!fapilog_settings_apply_environment (settings, child_env, &error))
    g_error ("settings: %s", error->message);
  pipeline = fapilog_pipeline_new (settings);
  {
    g_autoptr(FapilogSink) json = fapilog_stdout_sink_new ();

    fapilog_pipeline_add_sink (pipeline, json);
  }
  if (g_str_equal (mode, "mixed"))
    {
      g_autoptr(FapilogSink) pretty = fapilog_stdout_pretty_sink_new ();

      fapilog_pipeline_add_sink (pipeline, pretty);
    }
  if (!fapilog_pipeline_start (pipeline, &error))
    g_error ("start: %s", error->message);

  logger = fapilog_pipeline_get_logger (pipeline, "child");
  if (n_threads == 1)
    {
      ChildThread ct = { logger, 0, n, padding };

      child_log_thread (&ct);
    }
  else
    {
      ChildThread *cts = g_new0 (ChildThread, n_threads);
      GThread **threads = g_new0 (GThread *, n_threads);

      for (guint t = 0; t < n_threads; t++)
        {
          cts[t] = (ChildThread) { logger, t, n, padding };
          threads[t] = g_thread_new ("child-log", child_log_thread, &cts[t]);
        }
      for (guint t = 0; t < n_threads; t++)
        g_thread_join (threads[t]);
      g_free (threads);
      g_free (cts);
    }

  stats = fapilog_pipeline_shutdown (pipeline, 60 * G_USEC_PER_SEC);
  fprintf (stderr, "STATS submitted=%" G_GUINT64_FORMAT " processed=%" G_GUINT64_FORMAT
           " dropped=%" G_GUINT64_FORMAT " json_written=%" G_GUINT64_FORMAT
           " json_failed=%" G_GUINT64_FORMAT " pretty_written=%" G_GUINT64_FORMAT
           " pretty_failed=%" G_GUINT64_FORMAT "\n",
           fapilog_stats_get_submitted (stats),
           fapilog_stats_get_processed (stats),
           fapilog_stats_get_dropped (stats),
           fapilog_stats_get_sink_written (stats, "stdout_json"),
           fapilog_stats_get_sink_failed (stats, "stdout_json"),
           fapilog_stats_get_sink_written (stats, "stdout_pretty"),
           fapilog_stats_get_sink_failed (stats, "stdout_pretty"));
  fflush (stderr);
  return 0;
}

typedef struct {
  guint64 submitted;
  guint64 processed;
  guint64 dropped;
  guint64 json_written;
  guint64 json_failed;
  guint64 pretty_written;
  guint64 pretty_failed;
} ChildStats;

static void
parse_child_stats (GBytes     *stderr_bytes,
                   ChildStats *stats)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (stderr_bytes, NULL),
                                     g_bytes_get_size (stderr_bytes));
  const char *line = strstr (text, "STATS ");
  int n;

  if (line == NULL)
    g_error ("child printed no stats; its stderr:\n%s", text);
  n = sscanf (line,
              "STATS submitted=%" G_GUINT64_FORMAT " processed=%" G_GUINT64_FORMAT
              " dropped=%" G_GUINT64_FORMAT " json_written=%" G_GUINT64_FORMAT
              " json_failed=%" G_GUINT64_FORMAT " pretty_written=%" G_GUINT64_FORMAT
              " pretty_failed=%" G_GUINT64_FORMAT,
              &stats->submitted, &stats->processed, &stats->dropped,
              &stats->json_written, &stats->json_failed,
              &stats->pretty_written, &stats->pretty_failed);
  g_assert_cmpint (n, ==, 7);
}

static void
assert_child_exited_normally (GSubprocess *child,
                              GBytes      *stderr_bytes)
{
  if (!g_subprocess_get_if_exited (child))
    g_error ("child killed by signal %d%s; its stderr:\n%.*s",
             g_subprocess_get_term_sig (child),
             g_subprocess_get_term_sig (child) == SIGPIPE ? " (SIGPIPE)" : "",
             (int) g_bytes_get_size (stderr_bytes),
             (const char *) g_bytes_get_data (stderr_bytes, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
}

/* Runs the child with stdout and stderr piped; returns both. */
static GSubprocess *
run_child (GBytes     **stdout_bytes,
           GBytes     **stderr_bytes,
           const char  *mode,
           const char  *arg1,
           const char  *arg2)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *child;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error, self_exe, "--child", mode, arg1, arg2, NULL);
  g_assert_no_error (error);
  /* Reads both pipes concurrently, so a chatty stderr cannot deadlock. */
  g_assert_true (g_subprocess_communicate (child, NULL, NULL, stdout_bytes, stderr_bytes, &error));
  g_assert_no_error (error);
  return child;
}

static void
test_child_json (void)
{
  const guint n = 5000;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *n_text = g_strdup_printf ("%u", n);
  ChildStats stats;

  child = run_child (&out, &err, "json", n_text, NULL);
  assert_child_exited_normally (child, err);
  parse_child_stats (err, &stats);
  g_assert_cmpuint (stats.submitted, ==, n);
  g_assert_cmpuint (stats.json_written, ==, n);
  g_assert_cmpuint (stats.json_failed, ==, 0);

  lines = split_lines (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_assert_cmpuint (lines->len, ==, n);
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr(JsonNode) root = parse_json_line (g_ptr_array_index (lines, i));
      JsonObject *obj = json_node_get_object (root);
      JsonObject *fields = json_object_get_object_member (obj, "data");
      g_autofree char *message = g_strdup_printf ("msg-0-%u ", i);

      g_assert_cmpstr (json_object_get_string_member (obj, "level"), ==, "INFO");
      g_assert_cmpstr (json_object_get_string_member (obj, "logger"), ==, "child");
      g_assert_cmpstr (json_object_get_string_member (obj, "message"), ==, message);
      g_assert_cmpint (json_object_get_int_member (fields, "i"), ==, i);
    }
}

static void
test_child_epipe (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  ChildStats stats;
  int rfd, wfd;

  /* The child's stdout is a pipe whose reading end is closed before the
   * child even starts: its first write meets EPIPE. */
  open_pipe (&rfd, &wfd);
  close_fd (&rfd);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_take_stdout_fd (launcher, wfd);
  child = g_subprocess_launcher_spawn (launcher, &error, self_exe, "--child", "epipe", "300", NULL);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copy of the writing end */

  g_assert_true (g_subprocess_communicate (child, NULL, NULL, NULL, &err, &error));
  g_assert_no_error (error);

  /* Not killed by SIGPIPE: exited normally, and the failure was counted. */
  assert_child_exited_normally (child, err);
  parse_child_stats (err, &stats);
  g_assert_cmpuint (stats.submitted, ==, 300);
  g_assert_cmpuint (stats.json_written, ==, 0);
  g_assert_cmpuint (stats.json_failed, >, 0);
}

/* Several threads, two sinks on the same descriptor (JSON and pretty), lines
 * longer than PIPE_BUF: every line is whole, per-thread order holds. */
static void
test_child_threads (void)
{
  const guint n_threads = 4, n = 1500;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GRegex) pretty_re = NULL;
  g_autofree char *t_text = g_strdup_printf ("%u", n_threads);
  g_autofree char *n_text = g_strdup_printf ("%u", n);
  g_autofree guint *next_json = g_new0 (guint, n_threads);
  g_autofree guint *next_pretty = g_new0 (guint, n_threads);
  g_autofree char *padding = g_strnfill (600, 'x');
  ChildStats stats;
  guint n_json = 0, n_pretty = 0;

  child = run_child (&out, &err, "mixed", t_text, n_text);
  assert_child_exited_normally (child, err);
  parse_child_stats (err, &stats);
  g_assert_cmpuint (stats.submitted, ==, n_threads * n);
  g_assert_cmpuint (stats.json_written, ==, n_threads * n);
  g_assert_cmpuint (stats.pretty_written, ==, n_threads * n);

  pretty_re = g_regex_new ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\| INFO     \\| "
                           "msg-(\\d+)-(\\d+) x{600} thread=(\\d+) i=(\\d+)$",
                           G_REGEX_OPTIMIZE, 0, NULL);
  g_assert_nonnull (pretty_re);

  lines = split_lines (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_assert_cmpuint (lines->len, ==, 2 * n_threads * n);
  for (guint l = 0; l < lines->len; l++)
    {
      const char *line = g_ptr_array_index (lines, l);

      if (line[0] == '{')
        {
          g_autoptr(JsonNode) root = parse_json_line (line);
          JsonObject *obj = json_node_get_object (root);
          JsonObject *fields = json_object_get_object_member (obj, "data");
          guint t = (guint) json_object_get_int_member (fields, "thread");
          guint i = (guint) json_object_get_int_member (fields, "i");
          g_autofree char *message = g_strdup_printf ("msg-%u-%u %s", t, i, padding);

          g_assert_cmpuint (t, <, n_threads);
          g_assert_cmpuint (i, ==, next_json[t]);
          g_assert_cmpstr (json_object_get_string_member (obj, "message"), ==, message);
          next_json[t]++;
          n_json++;
        }
      else
        {
          g_autoptr(GMatchInfo) match = NULL;
          g_autofree char *t_match = NULL;
          g_autofree char *i_match = NULL;
          guint t, i;

          if (!g_regex_match (pretty_re, line, 0, &match))
            g_error ("torn or unexpected line %u: %s", l, line);
          t_match = g_match_info_fetch (match, 3);
          i_match = g_match_info_fetch (match, 4);
          t = (guint) g_ascii_strtoull (t_match, NULL, 10);
          i = (guint) g_ascii_strtoull (i_match, NULL, 10);
          g_assert_cmpuint (t, <, n_threads);
          g_assert_cmpuint (i, ==, next_pretty[t]);
          next_pretty[t]++;
          n_pretty++;
        }
    }
  g_assert_cmpuint (n_json, ==, n_threads * n);
  g_assert_cmpuint (n_pretty, ==, n_threads * n);
}

/* ------------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "--child"))
    return child_main (argc, argv);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stdout-sink/json/batch", test_json_batch);
  g_test_add_func ("/stdout-sink/json/write-entry", test_json_write_entry);
  g_test_add_func ("/stdout-sink/json/write-serialized", test_json_write_serialized);
  g_test_add_func ("/stdout-sink/json/large-batch", test_json_large_batch);
  g_test_add_func ("/stdout-sink/json/epipe", test_json_epipe);
  g_test_add_func ("/stdout-sink/json/cancelled", test_json_cancelled);
  g_test_add_func ("/stdout-sink/json/empty-batch", test_json_empty_batch);
  g_test_add_func ("/stdout-sink/health", test_health);
  g_test_add_func ("/stdout-sink/properties", test_properties);
  g_test_add_func ("/stdout-sink/bad-arguments", test_bad_arguments);
  g_test_add_func ("/stdout-sink/registry", test_registry);
  g_test_add_func ("/stdout-sink/pretty/line", test_pretty_line);
  g_test_add_func ("/stdout-sink/pretty/write-entry", test_pretty_write_entry);
  g_test_add_func ("/stdout-sink/pretty/batch", test_pretty_batch);
  g_test_add_func ("/stdout-sink/pretty/quoting", test_pretty_quoting);
  g_test_add_func ("/stdout-sink/pretty/raw-bytes", test_pretty_raw_bytes);
  g_test_add_func ("/stdout-sink/pretty/context", test_pretty_context);
  g_test_add_func ("/stdout-sink/pretty/matches-envelope", test_pretty_matches_envelope);
  g_test_add_func ("/stdout-sink/pretty/exception", test_pretty_exception);
  g_test_add_func ("/stdout-sink/pretty/colors", test_pretty_colors);
  g_test_add_func ("/stdout-sink/pretty/colors-tty", test_pretty_colors_tty);
  g_test_add_func ("/stdout-sink/pretty/epipe", test_pretty_epipe);
  g_test_add_func ("/stdout-sink/io/sigpipe", test_io_sigpipe);
  g_test_add_func ("/stdout-sink/io/errors", test_io_errors);
  g_test_add_func ("/stdout-sink/io/iov-max", test_io_iov_max);
  g_test_add_func ("/stdout-sink/io/nonblocking", test_io_nonblocking);
  g_test_add_func ("/stdout-sink/io/eintr", test_io_eintr);
  g_test_add_func ("/stdout-sink/child/json", test_child_json);
  g_test_add_func ("/stdout-sink/child/epipe", test_child_epipe);
  g_test_add_func ("/stdout-sink/child/threads", test_child_threads);

  return g_test_run ();
}
