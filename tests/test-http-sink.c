/* test-http-sink.c: the http sink and the delivery engine it shares with
 * the webhook sink
 *
 * A real SoupServer on 127.0.0.1, on a thread and main context of its own,
 * records every request and answers as each test scripts it. The sink runs
 * in real pipelines, or, where a test needs to control exactly when entries
 * are accepted, is driven directly through the sink interface on a main
 * context the test iterates. Synchronisation is by flush, shutdown,
 * condition variables and signals, never by sleeping.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <zlib.h>

#include "fapilog.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-fallback-private.h"
#include "fapilog-test-utils.h"

#define SECOND G_USEC_PER_SEC
#define WAIT (30 * SECOND)

/* ------------------------------------------------------------------------ */
/* The test server                                                          */

/* A self-signed certificate for 127.0.0.1, valid until 2126, and its key:
 * made for this test with openssl, trusted nowhere else. */
static const char test_cert_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBljCCATygAwIBAgIUNd0B0OHy/r46gBp3Af4GmnyiI7swCgYIKoZIzj0EAwIw\n"
  "FzEVMBMGA1UEAwwMZmFwaWxvZyB0ZXN0MCAXDTI2MTEyNDEzMTAwMloYDzIxMjYx\n"
  "MDMxMTMxMDAyWjAXMRUwEwYDVQQDDAxmYXBpbG9nIHRlc3QwWTATBgcqhkjOPQIB\n"
  "BggqhkjOPQMBBwNCAASweY++qptCf+XGnUpmJ+pS7pigVQz5G5sf0vSPefIsbdSC\n"
  "4bDY1zgfHLPTyASNociLmV19h8QKyVGqdv+Pcb2Ko2QwYjAdBgNVHQ4EFgQU2qLR\n"
  "MkRz0YCCqXIm5H+8PO4NsYQwHwYDVR0jBBgwFoAU2qLRMkRz0YCCqXIm5H+8PO4N\n"
  "sYQwDwYDVR0RBAgwBocEfwAAATAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMC\n"
  "A0gAMEUCIFRSuHP3/RJyvuF7FN3g5B9VwmKgXv/XykZqiqCehI/YAiEAyRsrfPdI\n"
  "/QIxGfr8YRwl5+cNv+EObWCBPDWsoHHo8qk=\n"
  "-----END CERTIFICATE-----\n";

static const char test_key_pem[] =
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSD7wRVQHLiN3Prog\n"
  "KsklhrxobYZhyYlMVWZ3d5LevRmhRANCAASweY++qptCf+XGnUpmJ+pS7pigVQz5\n"
  "G5sf0vSPefIsbdSC4bDY1zgfHLPTyASNociLmV19h8QKyVGqdv+Pcb2K\n"
  "-----END PRIVATE KEY-----\n";

/* How the server answers one request. */
typedef struct {
  guint        status;
  const char  *retry_after;   /* nullable: Retry-After header */
  const char  *location;      /* nullable: Location header */
  gboolean     hang;          /* never answer (until released) */
  guint        retry_at;      /* > 0: Retry-After as the HTTP date this
                                 many seconds after the answer */
  gboolean     endless_body;  /* answer with a chunked body that never ends */
} Step;

typedef struct {
  gint64   t_us;              /* monotonic arrival time */
  guint    status;            /* what the server answered (0: held) */
  char    *content_type;
  char    *content_encoding;
  char    *authorization;
  GBytes  *body;
} Received;

typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint         port;
  char         *url;

  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GPtrArray    *received;     /* Received* */
  GArray       *script;       /* Step, used in order */
  guint         script_pos;
  Step          fallback;     /* once the script is used up */
  GPtrArray    *held;         /* SoupServerMessage*, paused */
  GMainContext *wake;         /* a client context to wake on each request */
  gboolean      tls;          /* HTTPS with test_cert_pem */
  guint64       endless_sent; /* bytes of endless bodies written */
} TestServer;

/* 16 KiB of filler for endless bodies. */
static char endless_chunk[16 * 1024];

/* Keeps an endless body going: one more chunk each time one was written,
 * until the client goes away. On the server's thread. */
static void
on_endless_chunk_written (SoupServerMessage *msg,
                          gpointer           user_data)
{
  TestServer *ts = user_data;

  g_mutex_lock (&ts->lock);
  ts->endless_sent += sizeof endless_chunk;
  g_mutex_unlock (&ts->lock);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                            endless_chunk, sizeof endless_chunk);
}

static void
received_free (gpointer data)
{
  Received *r = data;

  g_free (r->content_type);
  g_free (r->content_encoding);
  g_free (r->authorization);
  g_bytes_unref (r->body);
  g_free (r);
}

static void
server_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  TestServer *ts = user_data;
  SoupMessageHeaders *req_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp_headers = soup_server_message_get_response_headers (msg);
  Received *r = g_new0 (Received, 1);
  Step step;

  r->t_us = g_get_monotonic_time ();
  r->content_type = g_strdup (soup_message_headers_get_one (req_headers, "Content-Type"));
  r->content_encoding = g_strdup (soup_message_headers_get_one (req_headers, "Content-Encoding"));
  r->authorization = g_strdup (soup_message_headers_get_one (req_headers, "Authorization"));
  r->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  g_mutex_lock (&ts->lock);
  if (ts->script_pos < ts->script->len)
    step = g_array_index (ts->script, Step, ts->script_pos++);
  else
    step = ts->fallback;
  r->status = step.hang ? 0 : step.status;
  g_ptr_array_add (ts->received, r);
  if (step.hang)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (ts->held, g_object_ref (msg));
    }
  else
    {
      if (step.retry_after != NULL)
        soup_message_headers_replace (resp_headers, "Retry-After", step.retry_after);
      if (step.retry_at > 0)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autoptr(GDateTime) then = g_date_time_add_seconds (now, step.retry_at);
          g_autofree char *date = soup_date_time_to_string (then, SOUP_DATE_HTTP);

          soup_message_headers_replace (resp_headers, "Retry-After", date);
        }
      if (step.location != NULL)
        soup_message_headers_replace (resp_headers, "Location", step.location);
      soup_server_message_set_status (msg, step.status, NULL);
      if (step.endless_body)
        {
          memset (endless_chunk, 'x', sizeof endless_chunk);
          soup_message_headers_set_encoding (resp_headers, SOUP_ENCODING_CHUNKED);
          g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_endless_chunk_written), ts);
          soup_message_body_append (soup_server_message_get_response_body (msg),
                                    SOUP_MEMORY_STATIC, endless_chunk, sizeof endless_chunk);
        }
      else
        soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
    }
  g_cond_broadcast (&ts->cond);
  if (ts->wake != NULL)
    g_main_context_wakeup (ts->wake);
  g_mutex_unlock (&ts->lock);
}

static gpointer
server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (ts->context);
  ts->server = soup_server_new ("server-header", "fapilog-test ", NULL);
  if (ts->tls)
    {
      g_autofree char *pem = g_strconcat (test_cert_pem, test_key_pem, NULL);
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_pem (pem, -1, &error);

      g_assert_no_error (error);
      soup_server_set_tls_certificate (ts->server, cert);
    }
  soup_server_add_handler (ts->server, NULL, server_handler, ts, NULL);
  soup_server_listen_local (ts->server, ts->port,
                            SOUP_SERVER_LISTEN_IPV4_ONLY |
                            (ts->tls ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (ts->server);
  g_assert_nonnull (uris);
  ts->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&ts->lock);
  ts->ready = TRUE;
  g_cond_broadcast (&ts->cond);
  g_mutex_unlock (&ts->lock);

  g_main_loop_run (ts->loop);

  soup_server_disconnect (ts->server);
  g_ptr_array_set_size (ts->held, 0);
  g_clear_object (&ts->server);
  /* Let the disconnected connections finish their teardown. */
  while (g_main_context_pending (ts->context))
    g_main_context_iteration (ts->context, FALSE);
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

/* Starts a server on @port (0: any free one) answering 200 by default. */
static TestServer *
server_start_full (guint    port,
                   gboolean tls)
{
  TestServer *ts = g_new0 (TestServer, 1);

  ts->tls = tls;

  g_mutex_init (&ts->lock);
  g_cond_init (&ts->cond);
  ts->received = g_ptr_array_new_with_free_func (received_free);
  ts->script = g_array_new (FALSE, TRUE, sizeof (Step));
  ts->held = g_ptr_array_new_with_free_func (g_object_unref);
  ts->fallback.status = SOUP_STATUS_OK;
  ts->port = port;
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->thread = g_thread_new ("test-http-server", server_thread, ts);

  g_mutex_lock (&ts->lock);
  while (!ts->ready)
    g_cond_wait (&ts->cond, &ts->lock);
  g_mutex_unlock (&ts->lock);
  ts->url = g_strdup_printf ("%s://127.0.0.1:%u/ingest", tls ? "https" : "http", ts->port);
  return ts;
}

static TestServer *
server_start (void)
{
  return server_start_full (0, FALSE);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
server_stop (TestServer *ts)
{
  g_main_context_invoke (ts->context, quit_loop, ts->loop);
  g_thread_join (ts->thread);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_ptr_array_unref (ts->received);
  g_ptr_array_unref (ts->held);
  g_array_unref (ts->script);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->cond);
  g_free (ts->url);
  g_free (ts);
}

static void
server_script (TestServer *ts,
               const Step *steps,
               guint       n)
{
  g_mutex_lock (&ts->lock);
  g_array_append_vals (ts->script, steps, n);
  g_mutex_unlock (&ts->lock);
}

static void
server_set_fallback (TestServer *ts,
                     Step        step)
{
  g_mutex_lock (&ts->lock);
  ts->fallback = step;
  g_mutex_unlock (&ts->lock);
}

/* The server wakes @context on each request, for a test iterating it. */
static void
server_set_wake (TestServer   *ts,
                 GMainContext *context)
{
  g_mutex_lock (&ts->lock);
  ts->wake = context;
  g_mutex_unlock (&ts->lock);
}

static guint
server_count (TestServer *ts)
{
  guint n;

  g_mutex_lock (&ts->lock);
  n = ts->received->len;
  g_mutex_unlock (&ts->lock);
  return n;
}

static gboolean
server_wait_for (TestServer *ts,
                 guint       n,
                 gint64      timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean reached;

  g_mutex_lock (&ts->lock);
  while (ts->received->len < n)
    if (!g_cond_wait_until (&ts->cond, &ts->lock, deadline))
      break;
  reached = ts->received->len >= n;
  g_mutex_unlock (&ts->lock);
  return reached;
}

/* A copy of what request @i carried; the server thread keeps appending. */
static Received *
server_get (TestServer *ts,
            guint       i)
{
  Received *copy = g_new0 (Received, 1);
  Received *r;

  g_mutex_lock (&ts->lock);
  g_assert_cmpuint (i, <, ts->received->len);
  r = g_ptr_array_index (ts->received, i);
  *copy = *r;
  copy->content_type = g_strdup (r->content_type);
  copy->content_encoding = g_strdup (r->content_encoding);
  copy->authorization = g_strdup (r->authorization);
  copy->body = g_bytes_ref (r->body);
  g_mutex_unlock (&ts->lock);
  return copy;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Received, received_free)

static gboolean
release_held (gpointer data)
{
  TestServer *ts = data;

  g_mutex_lock (&ts->lock);
  for (guint i = 0; i < ts->held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (ts->held, i);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_set_size (ts->held, 0);
  g_mutex_unlock (&ts->lock);
  return G_SOURCE_REMOVE;
}

/* Answers 200 to every request held so far. */
static void
server_release (TestServer *ts)
{
  g_main_context_invoke (ts->context, release_held, ts);
}

/* A port on 127.0.0.1 that nothing listens on. */
static guint
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

/* ------------------------------------------------------------------------ */
/* Bodies                                                                   */

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

/* The body the sink must send for @lines (each without its newline). */
static char *
expected_array (GPtrArray *lines,
                guint      first,
                guint      n)
{
  GString *s = g_string_new ("[");

  for (guint i = first; i < first + n; i++)
    {
      if (i > first)
        g_string_append_c (s, ',');
      g_string_append (s, g_ptr_array_index (lines, i));
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static JsonArray *
parse_array (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root;

  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  return json_array_ref (json_node_get_array (root));
}

static gint64
entry_index (JsonArray *array,
             guint      i)
{
  JsonObject *entry = json_array_get_object_element (array, i);

  return json_object_get_int_member (json_object_get_object_member (entry, "data"), "i");
}

static GBytes *
gunzip (GBytes *compressed)
{
  z_stream zs = { 0 };
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (compressed, &len);
  guint8 buf[16384];
  int rc;

  /* 15 + 16: a gzip stream only, so a zlib or raw stream would fail. */
  g_assert_cmpint (inflateInit2 (&zs, 15 + 16), ==, Z_OK);
  zs.next_in = (Bytef *) data;
  zs.avail_in = len;
  do
    {
      zs.next_out = buf;
      zs.avail_out = sizeof buf;
      rc = inflate (&zs, Z_NO_FLUSH);
      g_assert_true (rc == Z_OK || rc == Z_STREAM_END);
      g_byte_array_append (out, buf, sizeof buf - zs.avail_out);
    }
  while (rc != Z_STREAM_END);
  g_assert_cmpuint (zs.avail_in, ==, 0);
  inflateEnd (&zs);
  return g_byte_array_free_to_bytes (out);
}

/* ------------------------------------------------------------------------ */
/* Pipelines                                                                */

static FapilogPipeline *
pipeline_with (FapilogSettings *settings,
               FapilogSink     *first,
               ...)
{
  FapilogPipeline *pipeline = fapilog_pipeline_new (settings);
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, first);
  for (FapilogSink *sink = first; sink != NULL; sink = va_arg (args, FapilogSink *))
    fapilog_pipeline_add_sink (pipeline, sink);
  va_end (args);
  fapilog_pipeline_start (pipeline, &error);
  g_assert_no_error (error);
  return pipeline;
}

static void
flush (FapilogPipeline *pipeline)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_pipeline_flush (pipeline, WAIT, &error));
  g_assert_no_error (error);
}

static void
log_n (FapilogLogger *log,
       const char    *tag,
       guint          first,
       guint          n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *message = g_strdup_printf ("%s-%03u", tag, i);

      fapilog_logger_log (log, FAPILOG_LEVEL_INFO, message, "i", "u", i, NULL);
    }
}

/* Fallback lines and diagnostics, each into a temporary file. */
typedef struct {
  int   fallback_fd;
  char *fallback_path;
  int   diag_fd;
  char *diag_path;
} Capture;

static void
capture_begin (Capture *c)
{
  g_autoptr(GError) error = NULL;

  c->fallback_fd = g_file_open_tmp ("fapilog-http-fb-XXXXXX", &c->fallback_path, &error);
  g_assert_no_error (error);
  c->diag_fd = g_file_open_tmp ("fapilog-http-diag-XXXXXX", &c->diag_path, &error);
  g_assert_no_error (error);
  _fapilog_fallback_set_fd (c->fallback_fd);
  _fapilog_diagnostics_set_fd (c->diag_fd);
}

static void
capture_end (Capture  *c,
             char    **fallback,
             char    **diag)
{
  _fapilog_fallback_set_fd (-1);
  _fapilog_diagnostics_set_fd (-1);
  close (c->fallback_fd);
  close (c->diag_fd);
  g_assert_true (g_file_get_contents (c->fallback_path, fallback, NULL, NULL));
  g_assert_true (g_file_get_contents (c->diag_path, diag, NULL, NULL));
  g_unlink (c->fallback_path);
  g_unlink (c->diag_path);
  g_free (c->fallback_path);
  g_free (c->diag_path);
}

static guint
count_substr (const char *haystack,
              const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static FapilogSettings *
settings_with_diagnostics (void)
{
  FapilogSettings *settings = test_settings_new ();

  g_object_set (settings, "internal-logging-enabled", TRUE, NULL);
  return settings;
}

/* Outcome reports of a sink, seen from the test thread. */
typedef struct {
  GMutex    lock;
  GCond     cond;
  guint     delivered;
  guint     failed;
  GArray   *failed_codes;       /* FapilogSinkError of each failed entry */
  GString  *failed_messages;    /* the messages of the failed entries */
} Outcomes;

static void
on_delivered (FapilogSink *sink,
              guint        n,
              gpointer     user_data)
{
  Outcomes *o = user_data;

  g_mutex_lock (&o->lock);
  o->delivered += n;
  g_cond_broadcast (&o->cond);
  g_mutex_unlock (&o->lock);
}

static void
on_failed (FapilogSink  *sink,
           FapilogBatch *batch,
           guint         first,
           guint         n,
           const GError *error,
           gpointer      user_data)
{
  Outcomes *o = user_data;

  g_mutex_lock (&o->lock);
  o->failed += n;
  for (guint i = first; i < first + n; i++)
    {
      gint code = error->domain == FAPILOG_SINK_ERROR ? error->code : -1;

      g_array_append_val (o->failed_codes, code);
      g_string_append_printf (o->failed_messages, "%s\n",
                              fapilog_entry_get_message (fapilog_batch_get_entry (batch, i)));
    }
  g_cond_broadcast (&o->cond);
  g_mutex_unlock (&o->lock);
}

static void
outcomes_watch (Outcomes    *o,
                FapilogSink *sink)
{
  memset (o, 0, sizeof *o);
  g_mutex_init (&o->lock);
  g_cond_init (&o->cond);
  o->failed_codes = g_array_new (FALSE, FALSE, sizeof (gint));
  o->failed_messages = g_string_new (NULL);
  g_signal_connect (sink, "entries-delivered", G_CALLBACK (on_delivered), o);
  g_signal_connect (sink, "entries-failed", G_CALLBACK (on_failed), o);
}

static void
outcomes_clear (Outcomes    *o,
                FapilogSink *sink)
{
  g_signal_handlers_disconnect_by_data (sink, o);
  g_array_unref (o->failed_codes);
  g_string_free (o->failed_messages, TRUE);
  g_mutex_clear (&o->lock);
  g_cond_clear (&o->cond);
}

static gboolean
outcomes_wait_failed (Outcomes *o,
                      guint     n,
                      gint64    timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean reached;

  g_mutex_lock (&o->lock);
  while (o->failed < n)
    if (!g_cond_wait_until (&o->cond, &o->lock, deadline))
      break;
  reached = o->failed >= n;
  g_mutex_unlock (&o->lock);
  return reached;
}

/* ------------------------------------------------------------------------ */
/* Driving a sink directly, on a main context the test iterates             */

typedef struct {
  GMainContext *context;
  FapilogSink  *sink;
  GAsyncResult *result;
} Driver;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Driver *d = user_data;

  d->result = g_object_ref (result);
}

static gboolean
driver_timed_out (gpointer data)
{
  g_error ("the sink did not complete in time");
  return G_SOURCE_REMOVE;
}

static void
driver_wait (Driver *d)
{
  GSource *guard = g_timeout_source_new_seconds (30);

  g_source_set_callback (guard, driver_timed_out, NULL, NULL);
  g_source_attach (guard, d->context);
  while (d->result == NULL)
    g_main_context_iteration (d->context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
}

static void
driver_start (Driver      *d,
              FapilogSink *sink)
{
  g_autoptr(GError) error = NULL;

  d->context = g_main_context_new ();
  d->sink = sink;
  d->result = NULL;
  g_main_context_push_thread_default (d->context);
  fapilog_sink_start_async (sink, NULL, store_result, d);
  driver_wait (d);
  g_assert_true (fapilog_sink_start_finish (sink, d->result, &error));
  g_assert_no_error (error);
  g_clear_object (&d->result);
}

static void
driver_write (Driver       *d,
              FapilogBatch *batch)
{
  g_autoptr(GError) error = NULL;

  fapilog_sink_write_batch_async (d->sink, batch, NULL, store_result, d);
  driver_wait (d);
  g_assert_true (fapilog_sink_write_batch_finish (d->sink, d->result, &error));
  g_assert_no_error (error);
  g_clear_object (&d->result);
}

static void
driver_flush (Driver *d)
{
  g_autoptr(GError) error = NULL;

  fapilog_sink_flush_async (d->sink, NULL, store_result, d);
  driver_wait (d);
  g_assert_true (fapilog_sink_flush_finish (d->sink, d->result, &error));
  g_assert_no_error (error);
  g_clear_object (&d->result);
}

/* Iterates the sink's context until the server has @n requests. */
static void
driver_wait_server (Driver     *d,
                    TestServer *ts,
                    guint       n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT;

  while (server_count (ts) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (d->context, TRUE);
    }
}

static void
driver_stop (Driver *d)
{
  g_autoptr(GError) error = NULL;

  fapilog_sink_stop_async (d->sink, NULL, store_result, d);
  driver_wait (d);
  g_assert_true (fapilog_sink_stop_finish (d->sink, d->result, &error));
  g_assert_no_error (error);
  g_clear_object (&d->result);
  while (g_main_context_pending (d->context))
    g_main_context_iteration (d->context, FALSE);
  g_main_context_pop_thread_default (d->context);
  g_main_context_unref (d->context);
}

/* @n entries with messages "<tag>-<index>" padded to @size bytes, so that
 * every line has the same length. */
static FapilogBatch *
make_batch (const char *tag,
            guint       n,
            guint       size)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fapilog_entry_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *head = g_strdup_printf ("%s-%03u-", tag, i);
      g_autofree char *message = NULL;
      GString *s = g_string_new (head);

      while (s->len < size)
        g_string_append_c (s, 'x');
      message = g_string_free (s, FALSE);
      g_ptr_array_add (entries, fapilog_entry_new (FAPILOG_LEVEL_INFO, "app", message,
                                                   g_variant_new_parsed ("{'i': <%u>}", i)));
    }
  return fapilog_batch_new ((FapilogEntry **) entries->pdata, n);
}

static gsize
entry_len (FapilogBatch *batch,
           guint         i)
{
  gsize len;

  fapilog_batch_get_entry_data (batch, i, &len);
  return len;
}

/* ------------------------------------------------------------------------ */
/* Properties and configuration                                             */

static void
test_properties (void)
{
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://127.0.0.1:1/x");
  g_autofree char *endpoint = NULL, *key = NULL, *ca = NULL;
  double timeout, backoff, max_backoff, batch_timeout;
  guint attempts, batch_size;
  guint64 max_bytes, max_pending;
  FapilogHttpBatchFormat format;
  FapilogHttpCompression compression;

  g_assert_cmpstr (fapilog_sink_get_name (sink), ==, "http");
  g_assert_true (fapilog_sink_is_buffering (sink));
  g_object_get (sink,
                "endpoint", &endpoint,
                "timeout-seconds", &timeout,
                "retry-max-attempts", &attempts,
                "retry-backoff-seconds", &backoff,
                "retry-max-backoff-seconds", &max_backoff,
                "batch-size", &batch_size,
                "batch-timeout-seconds", &batch_timeout,
                "batch-max-bytes", &max_bytes,
                "batch-format", &format,
                "batch-wrapper-key", &key,
                "compression", &compression,
                "tls-ca-file", &ca,
                "max-pending-bytes", &max_pending,
                NULL);
  g_assert_cmpstr (endpoint, ==, "http://127.0.0.1:1/x");
  g_assert_cmpfloat (timeout, ==, 5.0);
  g_assert_cmpuint (attempts, ==, 3);
  g_assert_cmpfloat (backoff, ==, 1.0);
  g_assert_cmpfloat (max_backoff, ==, 30.0);
  g_assert_cmpuint (batch_size, ==, 100);
  g_assert_cmpfloat (batch_timeout, ==, 5.0);
  g_assert_cmpuint (max_bytes, ==, 1024 * 1024);
  g_assert_cmpint (format, ==, FAPILOG_HTTP_BATCH_FORMAT_ARRAY);
  g_assert_cmpstr (key, ==, "logs");
  g_assert_cmpint (compression, ==, FAPILOG_HTTP_COMPRESSION_NONE);
  g_assert_null (ca);
  g_assert_cmpuint (max_pending, ==, 16 * 1024 * 1024);

  g_object_set (sink, "batch-format", FAPILOG_HTTP_BATCH_FORMAT_NDJSON,
                "batch-size", 7, NULL);
  g_object_get (sink, "batch-format", &format, "batch-size", &batch_size, NULL);
  g_assert_cmpint (format, ==, FAPILOG_HTTP_BATCH_FORMAT_NDJSON);
  g_assert_cmpuint (batch_size, ==, 7);

  /* Healthy before it ever sent anything (upstream said unhealthy). */
  g_assert_true (fapilog_sink_health_check (sink));
}

static void
expect_start_error (FapilogSink *sink,
                    const char  *fragment)
{
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (NULL);
  g_autoptr(GError) error = NULL;

  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_false (fapilog_pipeline_start (pipeline, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START);
  if (strstr (error->message, fragment) == NULL)
    g_error ("start error \"%s\" does not mention \"%s\"", error->message, fragment);
}

static void
test_bad_config (void)
{
  const char *endpoints[] = { "not a uri", "ftp://example.com/logs", "", "http://",
                              "/relative/path", "mailto:someone@example.com" };

  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    {
      g_autoptr(FapilogSink) sink = fapilog_http_sink_new (endpoints[i]);

      expect_start_error (sink, "endpoint");
    }

  {
    g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://127.0.0.1:1/");

    g_object_set (sink, "batch-timeout-seconds", 0.0, NULL);
    expect_start_error (sink, "batch-timeout-seconds");
  }
  {
    g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://127.0.0.1:1/");

    g_object_set (sink, "retry-max-attempts", 0, NULL);
    expect_start_error (sink, "retry-max-attempts");
  }
  {
    g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://127.0.0.1:1/");

    g_object_set (sink, "batch-format", FAPILOG_HTTP_BATCH_FORMAT_WRAPPED,
                  "batch-wrapper-key", "", NULL);
    expect_start_error (sink, "batch-wrapper-key");
  }
  {
    g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://127.0.0.1:1/");

    fapilog_http_sink_set_header (FAPILOG_HTTP_SINK (sink), "Bad Header", "v");
    expect_start_error (sink, "Bad Header");
  }
  {
    g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://127.0.0.1:1/");
    g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (NULL);
    g_autoptr(GError) error = NULL;

    /* The error names the header, never its value. */
    fapilog_http_sink_set_header (FAPILOG_HTTP_SINK (sink), "X-Token", "abc\r\nInjected: 1");
    fapilog_pipeline_add_sink (pipeline, sink);
    g_assert_false (fapilog_pipeline_start (pipeline, &error));
    g_assert_nonnull (strstr (error->message, "X-Token"));
    g_assert_null (strstr (error->message, "abc"));
  }
  {
    g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("https://127.0.0.1:1/");

    g_object_set (sink, "tls-ca-file", "/nonexistent/ca.pem", NULL);
    expect_start_error (sink, "tls-ca-file");
  }
  {
    g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://user:hunter2@[::1");
    g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (NULL);
    g_autoptr(GError) error = NULL;

    /* An endpoint that does not parse is not echoed: it may hold a password. */
    fapilog_pipeline_add_sink (pipeline, sink);
    g_assert_false (fapilog_pipeline_start (pipeline, &error));
    g_assert_null (strstr (error->message, "hunter2"));
  }
}

static void
test_write_before_start (void)
{
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new ("http://127.0.0.1:1/");
  g_autoptr(FapilogBatch) batch = make_batch ("w", 1, 10);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  Driver d = { context, sink, NULL };

  g_main_context_push_thread_default (context);
  fapilog_sink_write_batch_async (sink, batch, NULL, store_result, &d);
  driver_wait (&d);
  g_assert_false (fapilog_sink_write_batch_finish (sink, d.result, &error));
  g_assert_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_CLOSED);
  g_clear_object (&d.result);
  g_main_context_pop_thread_default (context);
}

/* ------------------------------------------------------------------------ */
/* Body formats                                                             */

static void
test_format_array (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogSink) rec = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(Received) r = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *expected = NULL, *body = NULL;

  g_object_set (sink, "batch-size", 3, "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, rec, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "array", 0, 3);
  /* Non-ASCII goes through as the pipeline wrote it. */
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "naïve ☃", "i", "u", 3, NULL);
  flush (pipeline);

  lines = test_sink_dup_lines (rec);
  g_assert_cmpuint (lines->len, ==, 4);
  g_assert_cmpuint (server_count (ts), ==, 2);

  r = server_get (ts, 0);
  expected = expected_array (lines, 0, 3);
  body = bytes_to_string (r->body);
  g_assert_cmpstr (body, ==, expected);
  g_assert_cmpstr (r->content_type, ==, "application/json");
  g_assert_null (r->content_encoding);
  g_clear_pointer (&r, received_free);
  g_clear_pointer (&expected, g_free);
  g_clear_pointer (&body, g_free);

  r = server_get (ts, 1);
  expected = expected_array (lines, 3, 1);
  body = bytes_to_string (r->body);
  g_assert_cmpstr (body, ==, expected);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 4);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 0);
  server_stop (ts);
}

static void
test_format_ndjson (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogSink) rec = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(Received) r = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *body = NULL;
  GString *expected = g_string_new (NULL);

  g_object_set (sink, "batch-size", 5, "batch-timeout-seconds", 60.0,
                "batch-format", FAPILOG_HTTP_BATCH_FORMAT_NDJSON, NULL);
  pipeline = pipeline_with (settings, sink, rec, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "ndjson", 0, 5);
  flush (pipeline);

  lines = test_sink_dup_lines (rec);
  g_assert_cmpuint (lines->len, ==, 5);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (expected, "%s\n", (char *) g_ptr_array_index (lines, i));

  g_assert_cmpuint (server_count (ts), ==, 1);
  r = server_get (ts, 0);
  body = bytes_to_string (r->body);
  g_assert_cmpstr (body, ==, expected->str);
  g_assert_cmpstr (r->content_type, ==, "application/x-ndjson");

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 5);
  g_string_free (expected, TRUE);
  server_stop (ts);
}

static void
test_format_wrapped (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogSink) rec = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(Received) r = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL, *array = NULL, *expected = NULL;
  JsonObject *root;

  /* A key that needs escaping. */
  g_object_set (sink, "batch-size", 2, "batch-timeout-seconds", 60.0,
                "batch-format", FAPILOG_HTTP_BATCH_FORMAT_WRAPPED,
                "batch-wrapper-key", "my \"records\"", NULL);
  pipeline = pipeline_with (settings, sink, rec, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "wrapped", 0, 2);
  flush (pipeline);

  lines = test_sink_dup_lines (rec);
  array = expected_array (lines, 0, 2);
  expected = g_strdup_printf ("{\"my \\\"records\\\"\":%s}", array);
  g_assert_cmpuint (server_count (ts), ==, 1);
  r = server_get (ts, 0);
  body = bytes_to_string (r->body);
  g_assert_cmpstr (body, ==, expected);
  g_assert_cmpstr (r->content_type, ==, "application/json");

  /* And a JSON reader finds the entries under the key. */
  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "my \"records\"")),
                    ==, 2);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 2);
  server_stop (ts);
}

static void
test_gzip (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogSink) rec = test_sink_new ("rec", TEST_SINK_BATCH);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(Received) r = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *expected = NULL, *body = NULL;

  g_object_set (sink, "batch-size", 50, "batch-timeout-seconds", 60.0,
                "compression", FAPILOG_HTTP_COMPRESSION_GZIP, NULL);
  pipeline = pipeline_with (settings, sink, rec, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "gzip", 0, 50);
  flush (pipeline);

  lines = test_sink_dup_lines (rec);
  expected = expected_array (lines, 0, 50);
  g_assert_cmpuint (server_count (ts), ==, 1);
  r = server_get (ts, 0);
  g_assert_cmpstr (r->content_encoding, ==, "gzip");
  g_assert_cmpstr (r->content_type, ==, "application/json");
  g_assert_cmpuint (g_bytes_get_size (r->body), <, strlen (expected));
  plain = gunzip (r->body);
  body = bytes_to_string (plain);
  g_assert_cmpstr (body, ==, expected);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 50);
  server_stop (ts);
}

/* ------------------------------------------------------------------------ */
/* Batching                                                                 */

static void
test_batch_by_size (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  const guint sizes[] = { 4, 4, 2 };
  guint next = 0;

  g_object_set (sink, "batch-size", 4, "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "size", 0, 10);
  /* Two full requests go without a flush; the flush sends the rest. */
  g_assert_true (server_wait_for (ts, 2, WAIT));
  flush (pipeline);

  g_assert_cmpuint (server_count (ts), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(Received) r = server_get (ts, i);
      g_autoptr(JsonArray) array = parse_array (r->body);

      g_assert_cmpuint (json_array_get_length (array), ==, sizes[i]);
      /* In submission order across requests. */
      for (guint j = 0; j < sizes[i]; j++)
        g_assert_cmpint (entry_index (array, j), ==, next++);
    }

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 10);
  server_stop (ts);
}

static void
test_batch_by_timeout (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  guint total = 0, n;

  g_object_set (sink, "batch-size", 100, "batch-timeout-seconds", 0.05, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "timeout", 0, 3);

  /* No flush: only the batch timer can send the partial request. Under a
   * slow tool the entries may straddle two timer periods, hence the loop. */
  for (n = 1; total < 3; n++)
    {
      g_autoptr(Received) r = NULL;
      g_autoptr(JsonArray) array = NULL;

      g_assert_true (server_wait_for (ts, n, WAIT));
      r = server_get (ts, n - 1);
      array = parse_array (r->body);
      total += json_array_get_length (array);
    }
  g_assert_cmpuint (total, ==, 3);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 3);
  server_stop (ts);
}

static void
test_batch_by_bytes (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogBatch) small = make_batch ("small", 7, 40);
  g_autoptr(FapilogBatch) big = make_batch ("big", 1, 4000);
  g_autoptr(FapilogBatch) tail = make_batch ("tail", 1, 40);
  const guint expected[] = { 3, 3, 1, 1, 1 };
  Outcomes o;
  gsize line, max;
  Driver d;

  line = entry_len (small, 0);
  for (guint i = 1; i < 7; i++)
    g_assert_cmpuint (entry_len (small, i), ==, line);
  g_assert_cmpuint (entry_len (tail, 0), ==, line);
  /* '[' + three lines, each newline turned into ',' or ']': exactly full. */
  max = 1 + 3 * line;
  g_assert_cmpuint (entry_len (big, 0), >, max);

  g_object_set (sink, "batch-size", 100, "batch-timeout-seconds", 60.0,
                "batch-max-bytes", (guint64) max, NULL);
  outcomes_watch (&o, sink);
  driver_start (&d, sink);
  driver_write (&d, small);
  driver_write (&d, big);
  driver_write (&d, tail);
  driver_flush (&d);

  /* small×3 | small×3 | small | big alone | tail (the big one closed the
   * request before it; it could not share one either). */
  g_assert_cmpuint (server_count (ts), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(Received) r = server_get (ts, i);
      g_autoptr(JsonArray) array = parse_array (r->body);

      g_assert_cmpuint (json_array_get_length (array), ==, expected[i]);
      if (i != 3)
        g_assert_cmpuint (g_bytes_get_size (r->body), <=, max);
    }
  g_assert_cmpuint (o.delivered, ==, 9);
  g_assert_cmpuint (o.failed, ==, 0);
  driver_stop (&d);
  outcomes_clear (&o, sink);
  server_stop (ts);
}

static void
test_flush_waits_for_delivery (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(Received) r = NULL;
  g_autoptr(JsonArray) array = NULL;

  g_object_set (sink, "batch-timeout-seconds", 3600.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "flush", 0, 3);
  flush (pipeline);

  /* Already there when flush returned: no waiting here. */
  g_assert_cmpuint (server_count (ts), ==, 1);
  r = server_get (ts, 0);
  array = parse_array (r->body);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 3);
  g_clear_pointer (&stats, fapilog_stats_unref);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (server_count (ts), ==, 1);
  server_stop (ts);
}

/* ------------------------------------------------------------------------ */
/* Retries                                                                  */

static void
test_retry_503_then_200 (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(Received) first = NULL;
  g_autoptr(Received) second = NULL;
  const Step script[] = { { 503 } };

  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "retry-backoff-seconds", 0.01, "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "retry", 0, 5);
  flush (pipeline);

  g_assert_cmpuint (server_count (ts), ==, 2);
  first = server_get (ts, 0);
  second = server_get (ts, 1);
  g_assert_cmpuint (first->status, ==, 503);
  g_assert_cmpuint (second->status, ==, 200);
  /* The same request, byte for byte. */
  g_assert_true (g_bytes_equal (first->body, second->body));
  g_assert_true (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 0);
  g_assert_cmpuint (server_count (ts), ==, 2);
  server_stop (ts);
}

/* One entry, a scripted first answer, then 200: returns the seconds
 * between the two attempts. */
static double
retry_after_case (const Step *first_answer,
                  double      max_backoff)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(Received) first = NULL;
  g_autoptr(Received) second = NULL;
  double elapsed;

  server_script (ts, first_answer, 1);
  g_object_set (sink, "retry-backoff-seconds", 0.01,
                "retry-max-backoff-seconds", max_backoff,
                "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "after", 0, 1);
  flush (pipeline);

  g_assert_cmpuint (server_count (ts), ==, 2);
  first = server_get (ts, 0);
  second = server_get (ts, 1);
  g_assert_cmpuint (first->status, ==, first_answer->status);
  g_assert_cmpuint (second->status, ==, 200);
  elapsed = (double) (second->t_us - first->t_us) / G_USEC_PER_SEC;

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 0);
  server_stop (ts);
  return elapsed;
}

static void
test_retry_after_seconds (void)
{
  const Step answer = { 429, "1" };
  double elapsed = retry_after_case (&answer, 5.0);

  /* The jitter alone would stay below 10 ms. */
  g_assert_cmpfloat (elapsed, >=, 0.95);
}

static void
test_retry_after_date (void)
{
  const Step answer = { .status = 503, .retry_at = 2 };
  double elapsed = retry_after_case (&answer, 5.0);

  /* Two seconds ahead in whole seconds: more than one second away when
   * the answer left the server. */
  g_assert_cmpfloat (elapsed, >=, 1.0);
}

static void
test_retry_after_capped (void)
{
  const Step answer = { 503, "3600" };
  double elapsed = retry_after_case (&answer, 0.05);

  /* An hour asked for, the cap is 50 ms; generous bound for slow runs. */
  g_assert_cmpfloat (elapsed, <, 10.0);
}

/* A server that answers 200 and then streams a body without end: the
 * status stands, the body is read only up to a bound and the connection
 * dropped, so the batch is delivered (not timed out and retried) and the
 * sink never buffers the body. The next batch goes out on a new
 * connection. */
static void
test_endless_response_body (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  Step endless = { SOUP_STATUS_OK };
  guint64 sent;

  endless.endless_body = TRUE;
  server_set_fallback (ts, endless);
  /* One attempt, and a timeout the test does not reach unless the body is
   * read to its (absent) end. */
  g_object_set (sink, "retry-max-attempts", 1, "timeout-seconds", 30.0,
                "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  log_n (log, "streamed", 0, 3);
  flush (pipeline);
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 3);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 0);
  g_clear_pointer (&stats, fapilog_stats_unref);
  g_assert_true (fapilog_sink_health_check (sink));

  log_n (log, "again", 0, 2);
  flush (pipeline);
  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 0);
  g_assert_cmpuint (server_count (ts), ==, 2);

  /* The server could write ahead into the socket buffers, but not much
   * more than the bound the client reads. */
  g_mutex_lock (&ts->lock);
  sent = ts->endless_sent;
  g_mutex_unlock (&ts->lock);
  g_assert_cmpuint (sent, <, 2 * 16 * 1024 * 1024);
  server_stop (ts);
}

static void
test_status_not_retried (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  const Step script[] = { { 400 } };
  Capture capture;
  Outcomes o;

  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "retry-backoff-seconds", 0.01, "batch-timeout-seconds", 60.0, NULL);
  outcomes_watch (&o, sink);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "refused", 0, 2);
  flush (pipeline);

  g_assert_cmpuint (server_count (ts), ==, 1);
  g_assert_false (fapilog_sink_health_check (sink));
  stats = fapilog_pipeline_get_stats (pipeline);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 2);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 0);
  g_clear_pointer (&stats, fapilog_stats_unref);
  g_assert_cmpuint (o.failed_codes->len, ==, 2);
  g_assert_cmpint (g_array_index (o.failed_codes, gint, 0), ==, FAPILOG_SINK_ERROR_HTTP_STATUS);

  /* The next request succeeds: healthy again. */
  log_n (log, "accepted", 0, 1);
  flush (pipeline);
  g_assert_true (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 2);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 3);
  /* The failed entries reached the fallback, once each; the good one not. */
  g_assert_cmpuint (count_substr (fallback, "refused-000"), ==, 1);
  g_assert_cmpuint (count_substr (fallback, "refused-001"), ==, 1);
  g_assert_null (strstr (fallback, "accepted-000"));
  g_assert_cmpuint (server_count (ts), ==, 2);
  outcomes_clear (&o, sink);
  server_stop (ts);
}

static void
test_redirect_not_followed (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  g_autofree char *elsewhere = g_strdup_printf ("http://127.0.0.1:%u/elsewhere", ts->port);
  const Step script[] = { { 307, NULL, elsewhere } };
  Capture capture;

  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "retry-backoff-seconds", 0.01, NULL);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "moved", 0, 1);
  flush (pipeline);

  g_assert_cmpuint (server_count (ts), ==, 1);
  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 1);
  g_assert_cmpuint (count_substr (fallback, "moved-000"), ==, 1);
  server_stop (ts);
}

static void
test_connection_refused (void)
{
  g_autoptr(FapilogSettings) settings = settings_with_diagnostics ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/ingest", closed_port ());
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  Capture capture;
  Outcomes o;

  g_object_set (sink, "retry-max-attempts", 2, "retry-backoff-seconds", 0.01, NULL);
  outcomes_watch (&o, sink);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "nobody", 0, 3);
  flush (pipeline);
  g_assert_false (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 3);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 0);
  g_assert_cmpint (g_array_index (o.failed_codes, gint, 0), ==,
                   FAPILOG_SINK_ERROR_RETRIES_EXHAUSTED);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *message = g_strdup_printf ("nobody-%03u", i);

      g_assert_cmpuint (count_substr (fallback, message), ==, 1);
    }
  g_assert_nonnull (strstr (diag, "after 2 attempts"));
  g_assert_nonnull (strstr (diag, "\"component\":\"http-sink\""));
  outcomes_clear (&o, sink);
}

static void
test_slow_server (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  g_autoptr(Received) first = NULL;
  g_autoptr(Received) second = NULL;
  Capture capture;
  Outcomes o;
  gint64 start;

  server_set_fallback (ts, (Step) { .hang = TRUE });
  g_object_set (sink, "timeout-seconds", 0.2, "retry-max-attempts", 2,
                "retry-backoff-seconds", 0.01, NULL);
  outcomes_watch (&o, sink);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  start = g_get_monotonic_time ();
  log_n (log, "slow", 0, 1);
  flush (pipeline);

  /* Two attempts, each given up after its timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (server_count (ts), ==, 2);
  first = server_get (ts, 0);
  second = server_get (ts, 1);
  g_assert_cmpint (second->t_us - first->t_us, >=, 200 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 1);
  g_assert_cmpint (g_array_index (o.failed_codes, gint, 0), ==,
                   FAPILOG_SINK_ERROR_RETRIES_EXHAUSTED);
  g_assert_cmpuint (count_substr (fallback, "slow-000"), ==, 1);
  outcomes_clear (&o, sink);
  server_stop (ts);
}

/* Requests that came back 200, as one list of entry indices. */
static GArray *
delivered_indices (TestServer *ts)
{
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < server_count (ts); i++)
    {
      g_autoptr(Received) r = server_get (ts, i);
      g_autoptr(JsonArray) array = NULL;

      if (r->status != 200)
        continue;
      array = parse_array (r->body);
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          gint64 index = entry_index (array, j);

          g_array_append_val (indices, index);
        }
    }
  return indices;
}

static void
test_down_then_back (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GArray) indices = NULL;
  const Step script[] = { { 503 }, { 502 }, { 504 } };

  /* Down for three attempts; a request gets four. */
  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "batch-size", 10, "retry-max-attempts", 4,
                "retry-backoff-seconds", 0.01, "retry-max-backoff-seconds", 0.02, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "back", 0, 30);
  flush (pipeline);

  /* Every entry arrived exactly once, in order. */
  indices = delivered_indices (ts);
  g_assert_cmpuint (indices->len, ==, 30);
  for (guint i = 0; i < 30; i++)
    g_assert_cmpint (g_array_index (indices, gint64, i), ==, i);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 30);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 0);
  server_stop (ts);
}

static void
test_down_too_long (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GArray) indices = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  const Step script[] = { { 503 }, { 503 }, { 503 }, { 503 }, { 503 } };
  Capture capture;

  /* Five failures: the first request uses up its four attempts and is
   * lost (counted, in the fallback); the second needs two. */
  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "batch-size", 10, "batch-timeout-seconds", 60.0,
                "retry-max-attempts", 4, "retry-backoff-seconds", 0.01,
                "retry-max-backoff-seconds", 0.02, NULL);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "lost", 0, 20);
  flush (pipeline);

  indices = delivered_indices (ts);
  g_assert_cmpuint (indices->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (g_array_index (indices, gint64, i), ==, 10 + i);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 10);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 10);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 20);
  g_assert_cmpuint (count_substr (fallback, "\"lost-"), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *message = g_strdup_printf ("lost-%03u", i);

      g_assert_cmpuint (count_substr (fallback, message), ==, 1);
    }
  server_stop (ts);
}

/* ------------------------------------------------------------------------ */
/* The pending limit                                                        */

static void
test_pending_limit_oldest_first (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogBatch) first = make_batch ("held", 1, 40);
  g_autoptr(FapilogBatch) rest = make_batch ("later", 9, 40);
  g_auto(GStrv) failed = NULL;
  g_autoptr(GArray) indices = NULL;
  const Step script[] = { { .hang = TRUE } };
  gsize body;
  Outcomes o;
  Driver d;

  /* Every request holds one entry, so every body is one line plus the
   * brackets; room for three of them. */
  body = entry_len (first, 0) + 1;
  for (guint i = 0; i < 9; i++)
    g_assert_cmpuint (entry_len (rest, i) + 1, ==, body);
  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "batch-size", 1, "max-pending-bytes", (guint64) (3 * body), NULL);
  outcomes_watch (&o, sink);
  driver_start (&d, sink);
  server_set_wake (ts, d.context);

  /* The first request is on the wire, held by the server... */
  driver_write (&d, first);
  driver_wait_server (&d, ts, 1);
  /* ...while nine more arrive: only two of them fit beside it, so the
   * seven oldest must go. */
  driver_write (&d, rest);
  g_assert_cmpuint (o.failed, ==, 7);
  failed = g_strsplit (g_strchomp (o.failed_messages->str), "\n", -1);
  g_assert_cmpuint (g_strv_length (failed), ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("later-%03u-", i);

      g_assert_true (g_str_has_prefix (failed[i], prefix));
      g_assert_cmpint (g_array_index (o.failed_codes, gint, i), ==,
                       FAPILOG_SINK_ERROR_PENDING_LIMIT);
    }

  server_release (ts);
  driver_flush (&d);
  g_assert_cmpuint (o.delivered, ==, 3);
  g_assert_cmpuint (o.delivered + o.failed, ==, 10);

  /* The server has the held entry and the two newest. */
  g_assert_cmpuint (server_count (ts), ==, 3);
  {
    g_autoptr(Received) r0 = server_get (ts, 0);
    g_autoptr(Received) r1 = server_get (ts, 1);
    g_autoptr(Received) r2 = server_get (ts, 2);
    g_autofree char *b0 = bytes_to_string (r0->body);
    g_autofree char *b1 = bytes_to_string (r1->body);
    g_autofree char *b2 = bytes_to_string (r2->body);

    g_assert_nonnull (strstr (b0, "held-000-"));
    g_assert_nonnull (strstr (b1, "later-007-"));
    g_assert_nonnull (strstr (b2, "later-008-"));
  }

  driver_stop (&d);
  server_set_wake (ts, NULL);
  outcomes_clear (&o, sink);
  server_stop (ts);
}

static void
test_pending_limit_counts (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  const Step script[] = { { .hang = TRUE } };
  Capture capture;
  Outcomes o;

  /* A limit below one body: whatever is not on the wire fails at once. */
  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "batch-size", 1, "max-pending-bytes", (guint64) 1, NULL);
  outcomes_watch (&o, sink);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");

  log_n (log, "pend", 0, 1);
  g_assert_true (server_wait_for (ts, 1, WAIT));
  log_n (log, "pend", 1, 19);
  /* The sink reports the failures as it accepts the entries. */
  g_assert_true (outcomes_wait_failed (&o, 19, WAIT));
  server_release (ts);
  flush (pipeline);

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 20);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 19);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http") +
                    fapilog_stats_get_sink_failed (stats, "http"), ==,
                    fapilog_stats_get_submitted (stats));
  g_assert_cmpuint (count_substr (fallback, "\"pend-"), ==, 19);
  g_assert_null (strstr (fallback, "pend-000"));
  outcomes_clear (&o, sink);
  server_stop (ts);
}

/* ------------------------------------------------------------------------ */
/* Shutdown                                                                 */

static void
test_shutdown_delivers_partial (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(Received) r = NULL;
  g_autoptr(JsonArray) array = NULL;

  g_object_set (sink, "batch-size", 100, "batch-timeout-seconds", 3600.0, NULL);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "partial", 0, 5);
  stats = fapilog_pipeline_shutdown (pipeline, WAIT);

  g_assert_cmpuint (server_count (ts), ==, 1);
  r = server_get (ts, 0);
  array = parse_array (r->body);
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 0);
  server_stop (ts);
}

/* A server that never answers, or always says "retry in a minute": the
 * shutdown still returns by its deadline and the entries are counted. */
static void
shutdown_deadline_case (Step answer)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  Capture capture;
  Outcomes o;
  gint64 start, took;

  server_set_fallback (ts, answer);
  g_object_set (sink, "batch-size", 2, "timeout-seconds", 60.0,
                "retry-max-attempts", 10, "retry-max-backoff-seconds", 60.0, NULL);
  outcomes_watch (&o, sink);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "late", 0, 5);
  /* The first request reached the server: the sink is now stuck on it. */
  g_assert_true (server_wait_for (ts, 1, WAIT));

  start = g_get_monotonic_time ();
  stats = fapilog_pipeline_shutdown (pipeline, 300 * G_TIME_SPAN_MILLISECOND);
  took = g_get_monotonic_time () - start;
  capture_end (&capture, &fallback, &diag);

  /* The deadline and the pipeline's grace for a cancelled stop, with room
   * for a slow machine; far from the minute the server asked for. */
  g_assert_cmpint (took, <, 3 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 5);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 0);
  g_assert_cmpuint (o.failed, ==, 5);
  for (guint i = 0; i < o.failed_codes->len; i++)
    g_assert_cmpint (g_array_index (o.failed_codes, gint, i), ==, FAPILOG_SINK_ERROR_SHUTDOWN);
  g_assert_cmpuint (count_substr (fallback, "\"late-"), ==, 5);
  outcomes_clear (&o, sink);
  server_stop (ts);
}

static void
test_shutdown_deadline_in_flight (void)
{
  shutdown_deadline_case ((Step) { .hang = TRUE });
}

static void
test_shutdown_deadline_in_backoff (void)
{
  shutdown_deadline_case ((Step) { 503, "60" });
}

/* ------------------------------------------------------------------------ */
/* Secrets and health                                                       */

static void
test_secrets_not_in_diagnostics (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = settings_with_diagnostics ();
  g_autofree char *url = g_strdup_printf ("http://logger:hunter2@127.0.0.1:%u/ingest?api_key=k3yk3y",
                                          ts->port);
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(Received) r = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  g_autofree char *shown = g_strdup_printf ("\"http://127.0.0.1:%u/ingest\"", ts->port);
  const Step script[] = { { 503 }, { 401 } };
  Capture capture;

  server_script (ts, script, G_N_ELEMENTS (script));
  fapilog_http_sink_set_header (FAPILOG_HTTP_SINK (sink), "Authorization", "Bearer s3cr3t-t0ken");
  g_object_set (sink, "retry-backoff-seconds", 0.01, NULL);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "secret", 0, 1);
  flush (pipeline);
  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);

  /* The header was sent... */
  r = server_get (ts, 0);
  g_assert_cmpstr (r->authorization, ==, "Bearer s3cr3t-t0ken");
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 1);
  /* ...the failure was diagnosed, naming the endpoint and the status... */
  g_assert_nonnull (strstr (diag, "\"component\":\"http-sink\""));
  g_assert_nonnull (strstr (diag, "401"));
  g_assert_nonnull (strstr (diag, shown));
  /* ...and no secret shows anywhere on stderr. */
  g_assert_null (strstr (diag, "s3cr3t"));
  g_assert_null (strstr (diag, "hunter2"));
  g_assert_null (strstr (diag, "k3yk3y"));
  g_assert_null (strstr (fallback, "s3cr3t"));
  g_assert_null (strstr (fallback, "hunter2"));
  g_assert_null (strstr (fallback, "k3yk3y"));
  server_stop (ts);
}

static void
test_health (void)
{
  TestServer *ts = server_start ();
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_http_sink_new (ts->url);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  const Step script[] = { { 500 } };
  Capture capture;

  server_script (ts, script, G_N_ELEMENTS (script));
  g_object_set (sink, "retry-max-attempts", 1, NULL);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, sink, NULL);
  g_assert_true (fapilog_sink_health_check (sink));
  log = fapilog_pipeline_get_logger (pipeline, "app");

  log_n (log, "health", 0, 1);
  flush (pipeline);
  g_assert_false (fapilog_sink_health_check (sink));

  log_n (log, "health", 1, 1);
  flush (pipeline);
  g_assert_true (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 1);
  g_assert_cmpuint (count_substr (fallback, "health-000"), ==, 1);
  /* Still answers after the stop, from the last outcome. */
  g_assert_true (fapilog_sink_health_check (sink));
  server_stop (ts);
}

/* ------------------------------------------------------------------------ */
/* TLS                                                                      */

static void
test_tls (void)
{
  TestServer *ts;
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) trusting = NULL;
  g_autoptr(FapilogSink) strict = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *fallback = NULL, *diag = NULL;
  Capture capture;
  Outcomes o;
  int fd;

#ifdef __SANITIZE_ADDRESS__
  /* LeakSanitizer's exit scan (GCC 12) crashes on the dynamic TLS that
   * gnutls, loaded by glib-networking, leaves in GIO's pool threads. The
   * valgrind run covers this test instead. */
  g_test_skip ("LeakSanitizer cannot scan gnutls's thread-local storage");
  return;
#endif
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no GIO TLS backend (glib-networking)");
      return;
    }

  ts = server_start_full (0, TRUE);
  fd = g_file_open_tmp ("fapilog-http-ca-XXXXXX.pem", &ca_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (ca_path, test_cert_pem, -1, &error));

  /* Trusting the test certificate: delivered over HTTPS. */
  trusting = fapilog_http_sink_new (ts->url);
  g_object_set (trusting, "tls-ca-file", ca_path, "batch-timeout-seconds", 60.0, NULL);
  pipeline = pipeline_with (settings, trusting, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "tls", 0, 2);
  flush (pipeline);
  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "http"), ==, 2);
  g_assert_cmpuint (server_count (ts), ==, 1);
  g_clear_pointer (&stats, fapilog_stats_unref);
  g_clear_object (&log);
  g_clear_object (&pipeline);

  /* The system store does not know it: verification fails, nothing sent. */
  strict = fapilog_http_sink_new (ts->url);
  g_object_set (strict, "retry-max-attempts", 1, NULL);
  outcomes_watch (&o, strict);
  capture_begin (&capture);
  pipeline = pipeline_with (settings, strict, NULL);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  log_n (log, "untrusted", 0, 1);
  flush (pipeline);
  stats = fapilog_pipeline_shutdown (pipeline, WAIT);
  capture_end (&capture, &fallback, &diag);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "http"), ==, 1);
  g_assert_cmpuint (server_count (ts), ==, 1);
  g_assert_cmpuint (count_substr (fallback, "untrusted-000"), ==, 1);
  outcomes_clear (&o, strict);

  g_unlink (ca_path);
  server_stop (ts);
}

static void
drop_message (const char     *domain,
              GLogLevelFlags  level,
              const char     *message,
              gpointer        user_data)
{
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* GTest shows debug messages; GIO's socket client would flood the TAP
   * output with one line per connection step. */
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, drop_message, NULL);

  g_test_add_func ("/http-sink/properties", test_properties);
  g_test_add_func ("/http-sink/bad-config", test_bad_config);
  g_test_add_func ("/http-sink/write-before-start", test_write_before_start);
  g_test_add_func ("/http-sink/format/array", test_format_array);
  g_test_add_func ("/http-sink/format/ndjson", test_format_ndjson);
  g_test_add_func ("/http-sink/format/wrapped", test_format_wrapped);
  g_test_add_func ("/http-sink/format/gzip", test_gzip);
  g_test_add_func ("/http-sink/batch/size", test_batch_by_size);
  g_test_add_func ("/http-sink/batch/timeout", test_batch_by_timeout);
  g_test_add_func ("/http-sink/batch/bytes", test_batch_by_bytes);
  g_test_add_func ("/http-sink/flush-waits-for-delivery", test_flush_waits_for_delivery);
  g_test_add_func ("/http-sink/retry/503-then-200", test_retry_503_then_200);
  g_test_add_func ("/http-sink/retry/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/http-sink/retry/retry-after-date", test_retry_after_date);
  g_test_add_func ("/http-sink/retry/retry-after-capped", test_retry_after_capped);
  g_test_add_func ("/http-sink/retry/400-not-retried", test_status_not_retried);
  g_test_add_func ("/http-sink/endless-response-body", test_endless_response_body);
  g_test_add_func ("/http-sink/retry/redirect-not-followed", test_redirect_not_followed);
  g_test_add_func ("/http-sink/retry/connection-refused", test_connection_refused);
  g_test_add_func ("/http-sink/retry/slow-server", test_slow_server);
  g_test_add_func ("/http-sink/retry/down-then-back", test_down_then_back);
  g_test_add_func ("/http-sink/retry/down-too-long", test_down_too_long);
  g_test_add_func ("/http-sink/pending/oldest-first", test_pending_limit_oldest_first);
  g_test_add_func ("/http-sink/pending/counts", test_pending_limit_counts);
  g_test_add_func ("/http-sink/shutdown/delivers-partial", test_shutdown_delivers_partial);
  g_test_add_func ("/http-sink/shutdown/deadline-in-flight", test_shutdown_deadline_in_flight);
  g_test_add_func ("/http-sink/shutdown/deadline-in-backoff", test_shutdown_deadline_in_backoff);
  g_test_add_func ("/http-sink/secrets-not-in-diagnostics", test_secrets_not_in_diagnostics);
  g_test_add_func ("/http-sink/health", test_health);
  g_test_add_func ("/http-sink/tls", test_tls);

  return g_test_run ();
}
