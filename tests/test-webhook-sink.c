/* test-webhook-sink.c: the webhook sink, its signatures and the receiver's
 * verify API
 *
 * The receiver is a real SoupServer on 127.0.0.1, run by a thread of its
 * own (the test thread blocks in fapilog_pipeline_flush() and shutdown
 * while the server must answer). Every signature is checked twice: with
 * GHmac directly over the body bytes the server read, and with
 * fapilog_webhook_verify_signature(). Waiting is done with flush and
 * shutdown, never by sleeping.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fapilog.h"
#include "fapilog-diagnostics-private.h"
#include "fapilog-fallback-private.h"
#include "fapilog-webhook-signature-private.h"
#include "fapilog-test-utils.h"

#define SECOND G_USEC_PER_SEC
#define SECRET "whsec-t0p-s3cr3t-\xc3\xa4-value"
#define NON_ASCII "gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93"   /* "grüße ✓" */

/* ------------------------------------------------------------------------ */
/* A receiver on 127.0.0.1                                                  */

typedef struct {
  char     *path;
  GBytes   *body;
  char     *content_type;
  char     *timestamp;     /* NULL when the header was absent */
  char     *signature;
  char     *custom;        /* X-Test */
  GStrv     header_values; /* every header value, to look for leaks */
  guint     status;        /* what the server answered */
} Request;

static void
request_free (gpointer data)
{
  Request *r = data;

  g_free (r->path);
  g_bytes_unref (r->body);
  g_free (r->content_type);
  g_free (r->timestamp);
  g_free (r->signature);
  g_free (r->custom);
  g_strfreev (r->header_values);
  g_free (r);
}

typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;

  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GPtrArray    *requests;
  GQueue        script;        /* statuses to answer first, then default */
  guint         default_status;
} TestServer;

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  TestServer *ts = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  Request *r = g_new0 (Request, 1);
  GPtrArray *values = g_ptr_array_new ();
  SoupMessageHeadersIter iter;
  const char *name, *value;

  r->path = g_strdup (path);
  r->body = soup_message_body_flatten (body);
  r->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  r->timestamp = g_strdup (soup_message_headers_get_one (headers, FAPILOG_WEBHOOK_TIMESTAMP_HEADER));
  r->signature = g_strdup (soup_message_headers_get_one (headers, FAPILOG_WEBHOOK_SIGNATURE_HEADER));
  r->custom = g_strdup (soup_message_headers_get_one (headers, "X-Test"));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_ptr_array_add (values, g_strdup_printf ("%s: %s", name, value));
  g_ptr_array_add (values, NULL);
  r->header_values = (GStrv) g_ptr_array_free (values, FALSE);

  g_mutex_lock (&ts->lock);
  r->status = g_queue_is_empty (&ts->script) ?
    ts->default_status : GPOINTER_TO_UINT (g_queue_pop_head (&ts->script));
  g_ptr_array_add (ts->requests, r);
  g_cond_broadcast (&ts->cond);
  g_mutex_unlock (&ts->lock);

  soup_server_message_set_status (msg, r->status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
}

static gpointer
server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_main_context_push_thread_default (ts->context);
  ts->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (ts->server, NULL, handle_request, ts, NULL);

  /* Our own listening socket, so the port is read from it: asking the
   * server (soup_server_get_uris) leaks an address in libsoup 3.2. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any_port, TRUE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  g_assert_true (soup_server_listen_socket (ts->server, socket, 0, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  g_mutex_lock (&ts->lock);
  ts->url = g_strdup_printf ("http://127.0.0.1:%u/hook",
                             g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  ts->ready = TRUE;
  g_cond_broadcast (&ts->cond);
  g_mutex_unlock (&ts->lock);

  g_main_loop_run (ts->loop);

  soup_server_disconnect (ts->server);
  g_clear_object (&ts->server);
  /* Let the closed connections finish on this context. */
  while (g_main_context_iteration (ts->context, FALSE))
    ;
  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

static TestServer *
test_server_new (guint default_status)
{
  TestServer *ts = g_new0 (TestServer, 1);

  g_mutex_init (&ts->lock);
  g_cond_init (&ts->cond);
  ts->requests = g_ptr_array_new_with_free_func (request_free);
  g_queue_init (&ts->script);
  ts->default_status = default_status;
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->thread = g_thread_new ("test-webhook-server", server_thread, ts);

  g_mutex_lock (&ts->lock);
  while (!ts->ready)
    g_cond_wait (&ts->cond, &ts->lock);
  g_mutex_unlock (&ts->lock);
  return ts;
}

/* The next answers, before the default takes over again. */
static void
test_server_script (TestServer *ts,
                    guint       status)
{
  g_mutex_lock (&ts->lock);
  g_queue_push_tail (&ts->script, GUINT_TO_POINTER (status));
  g_mutex_unlock (&ts->lock);
}

static void
test_server_set_default (TestServer *ts,
                         guint       status)
{
  g_mutex_lock (&ts->lock);
  ts->default_status = status;
  g_mutex_unlock (&ts->lock);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_server_free (TestServer *ts)
{
  g_main_context_invoke (ts->context, quit_loop, ts->loop);
  g_thread_join (ts->thread);
  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_ptr_array_unref (ts->requests);
  g_queue_clear (&ts->script);
  g_free (ts->url);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->cond);
  g_free (ts);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

static guint
test_server_n_requests (TestServer *ts)
{
  guint n;

  g_mutex_lock (&ts->lock);
  n = ts->requests->len;
  g_mutex_unlock (&ts->lock);
  return n;
}

/* Valid until the server is freed: requests are never removed. */
static Request *
test_server_request (TestServer *ts,
                     guint       i)
{
  Request *r;

  g_mutex_lock (&ts->lock);
  g_assert_cmpuint (i, <, ts->requests->len);
  r = g_ptr_array_index (ts->requests, i);
  g_mutex_unlock (&ts->lock);
  return r;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static FapilogPipeline *
start_pipeline (FapilogSettings *settings,
                FapilogSink     *sink)
{
  g_autoptr(GError) error = NULL;
  FapilogPipeline *pipeline = fapilog_pipeline_new (settings);

  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_true (fapilog_pipeline_start (pipeline, &error));
  g_assert_no_error (error);
  return pipeline;
}

static void
flush_pipeline (FapilogPipeline *pipeline)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fapilog_pipeline_flush (pipeline, 30 * SECOND, &error));
  g_assert_no_error (error);
}

static FapilogSink *
new_sink (const char *url,
          const char *secret,
          guint       batch_size)
{
  return g_object_new (FAPILOG_TYPE_WEBHOOK_SINK,
                       "endpoint", url,
                       "secret", secret,
                       "batch-size", batch_size,
                       "batch-timeout-seconds", 60.0,
                       "retry-backoff-seconds", 0.01,
                       "retry-max-backoff-seconds", 0.05,
                       NULL);
}

/* The signature header recomputed with GHmac alone, not with fapilog's
 * signing code. */
static char *
independent_signature (const char *secret,
                       const char *timestamp,
                       GBytes     *body)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (body, &len);

  g_hmac_update (hmac, (const guchar *) timestamp, strlen (timestamp));
  g_hmac_update (hmac, (const guchar *) ".", 1);
  g_hmac_update (hmac, data, len);
  return g_strconcat ("sha256=", g_hmac_get_string (hmac), NULL);
}

/* @r is signed under @secret, checked both ways, and its timestamp is a
 * plausible unix time close to now. */
static void
assert_signed (Request    *r,
               const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  gint64 ts, now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_nonnull (r->timestamp);
  g_assert_nonnull (r->signature);
  g_assert_true (g_ascii_string_to_signed (r->timestamp, 10, 1704067200, G_MAXINT64, &ts, NULL));
  g_assert_cmpint (ABS (now - ts), <=, 60);

  expected = independent_signature (secret, r->timestamp, r->body);
  g_assert_cmpstr (r->signature, ==, expected);

  g_assert_true (fapilog_webhook_verify_signature (secret, r->timestamp, r->signature,
                                                   r->body, -1, &error));
  g_assert_no_error (error);
}

static void
assert_no_signature (Request *r)
{
  g_assert_null (r->timestamp);
  g_assert_null (r->signature);
}

/* No header of the request carries the secret in any form we can think
 * of: there is no mode that sends it. */
static void
assert_secret_not_sent (Request    *r,
                        const char *secret)
{
  for (guint i = 0; r->header_values[i] != NULL; i++)
    g_assert_null (strstr (r->header_values[i], secret));
  g_assert_null (g_strstr_len (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body),
                               secret));
}

static JsonNode *
parse_body (Request *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (r->body, &len);

  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static const char *
object_message (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_string_member (json_node_get_object (node), "message");
}

/* The body is a JSON array whose entries have these messages, in order. */
static void
assert_array_of (Request            *r,
                 const char * const *messages)
{
  g_autoptr(JsonNode) root = parse_body (r);
  JsonArray *array;
  guint n = g_strv_length ((char **) messages);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (object_message (json_array_get_element (array, i)), ==, messages[i]);
}

static char *
read_fd_contents (int fd)
{
  GString *out = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  g_assert_cmpint (lseek (fd, 0, SEEK_SET), ==, 0);
  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  g_assert_cmpint (n, ==, 0);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Signing and verification, without a server                              */

static void
test_sign_known_vectors (void)
{
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  const char *key_b = "k\xc3\xa9y";
  const char *body_b = "{\"m\":\"" NON_ASCII "\"}";

  /* Computed outside fapilog (Python's hmac module). */
  a = _fapilog_webhook_sign ((const guint8 *) "s3cr3t-k3y", 10, 1737216000,
                             (const guint8 *) "{\"n\":1}", 7);
  g_assert_cmpstr (a, ==, "sha256=98cb71f6afc787b79c0b4d56c260b84e2323cc3f110bcd05e47c153456210539");

  b = _fapilog_webhook_sign ((const guint8 *) key_b, strlen (key_b), 1737216000,
                             (const guint8 *) body_b, strlen (body_b));
  g_assert_cmpstr (b, ==, "sha256=a1c60823b744853b50ab5b0dbee0b1bbeaf1166953f9ced9932f60d6343766c7");

  c = _fapilog_webhook_sign ((const guint8 *) "s3cr3t-k3y", 10, 1737216000, NULL, 0);
  g_assert_cmpstr (c, ==, "sha256=57746232543500502ee3bb80e768e11a41504ae0db17d97c05bb5d2c7125942e");
  g_assert_cmpuint (strlen (c), ==, FAPILOG_WEBHOOK_SIGNATURE_LEN);
}

/* A request as the sink would sign it at @ts. */
typedef struct {
  GBytes *body;
  char    ts[24];
  char   *sig;
} Signed;

static void
signed_init (Signed     *s,
             const char *secret,
             gint64      ts,
             const char *body)
{
  s->body = g_bytes_new (body, strlen (body));
  g_snprintf (s->ts, sizeof s->ts, "%" G_GINT64_FORMAT, ts);
  s->sig = _fapilog_webhook_sign ((const guint8 *) secret, strlen (secret), ts,
                                  (const guint8 *) body, strlen (body));
}

static void
signed_clear (Signed *s)
{
  g_bytes_unref (s->body);
  g_free (s->sig);
}

static void
assert_verify_error (const char *secret,
                     const char *ts,
                     const char *sig,
                     GBytes     *body,
                     gint64      tolerance,
                     gint64      now,
                     int         code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (_fapilog_webhook_verify_at (secret, ts, sig, body, tolerance, now, &error));
  g_assert_error (error, FAPILOG_WEBHOOK_ERROR, code);
  /* Safe to log: neither the secret nor what the MAC should have been. */
  if (secret[0] != '\0')
    g_assert_null (strstr (error->message, secret));
  if (sig != NULL && strlen (sig) > 7)
    g_assert_null (strstr (error->message, sig + 7));
}

static void
test_verify_valid (void)
{
  const gint64 now = 1737216000;
  Signed s;
  g_autoptr(GError) error = NULL;

  signed_init (&s, SECRET, now, "{\"message\":\"" NON_ASCII "\"}");

  g_assert_true (_fapilog_webhook_verify_at (SECRET, s.ts, s.sig, s.body, -1, now, &error));
  g_assert_no_error (error);
  /* The default window is 300 s each way, bounds included. */
  g_assert_true (_fapilog_webhook_verify_at (SECRET, s.ts, s.sig, s.body, -1, now + 300, &error));
  g_assert_true (_fapilog_webhook_verify_at (SECRET, s.ts, s.sig, s.body, -1, now - 300, &error));
  g_assert_true (_fapilog_webhook_verify_at (SECRET, s.ts, s.sig, s.body, 10, now + 10, &error));
  /* 0: only the same second. */
  g_assert_true (_fapilog_webhook_verify_at (SECRET, s.ts, s.sig, s.body, 0, now, &error));
  /* G_MAXINT64: no replay check. */
  g_assert_true (_fapilog_webhook_verify_at (SECRET, s.ts, s.sig, s.body, G_MAXINT64,
                                             now + 10 * 365 * 86400, &error));
  g_assert_no_error (error);

  /* The public entry point, with the real clock. */
  signed_clear (&s);
  signed_init (&s, SECRET, g_get_real_time () / G_USEC_PER_SEC, "[{\"n\":1},{\"n\":2}]");
  g_assert_true (fapilog_webhook_verify_signature (SECRET, s.ts, s.sig, s.body, -1, &error));
  g_assert_no_error (error);
  signed_clear (&s);
}

static void
test_verify_stale (void)
{
  const gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  Signed s;

  /* One second past the default window, with the real clock. */
  signed_init (&s, SECRET, now - 301, "{\"n\":1}");
  g_assert_false (fapilog_webhook_verify_signature (SECRET, s.ts, s.sig, s.body, -1, &error));
  g_assert_error (error, FAPILOG_WEBHOOK_ERROR, FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP);
  signed_clear (&s);

  /* Both directions, at the edge, with a fixed clock. */
  signed_init (&s, SECRET, 1737216000, "{\"n\":1}");
  assert_verify_error (SECRET, s.ts, s.sig, s.body, -1, 1737216000 + 301,
                       FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP);
  assert_verify_error (SECRET, s.ts, s.sig, s.body, -1, 1737216000 - 301,
                       FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP);
  assert_verify_error (SECRET, s.ts, s.sig, s.body, 0, 1737216000 + 1,
                       FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP);
  assert_verify_error (SECRET, s.ts, s.sig, s.body, 30, 1737216000 + 31,
                       FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP);
  signed_clear (&s);
}

static void
test_verify_mismatch (void)
{
  const gint64 now = 1737216000;
  g_autoptr(GBytes) tampered = g_bytes_new_static ("{\"n\":2}", 7);
  g_autofree char *flipped = NULL;
  g_autofree char *other_ts = g_strdup_printf ("%" G_GINT64_FORMAT, now + 1);
  Signed s;

  signed_init (&s, SECRET, now, "{\"n\":1}");
  /* The body changed in transit. */
  assert_verify_error (SECRET, s.ts, s.sig, tampered, -1, now,
                       FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH);
  /* Another secret. */
  assert_verify_error ("not-the-secret", s.ts, s.sig, s.body, -1, now,
                       FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH);
  /* The timestamp was moved to dodge the replay window. */
  assert_verify_error (SECRET, other_ts, s.sig, s.body, -1, now,
                       FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH);
  /* Only the last hex digit differs. */
  flipped = g_strdup (s.sig);
  flipped[FAPILOG_WEBHOOK_SIGNATURE_LEN - 1] = flipped[FAPILOG_WEBHOOK_SIGNATURE_LEN - 1] == '0' ? '1' : '0';
  assert_verify_error (SECRET, s.ts, flipped, s.body, -1, now,
                       FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH);
  signed_clear (&s);

  /* A receiver with an empty secret accepts nothing, not even a request
   * signed under the empty key. */
  signed_init (&s, "", now, "{\"n\":1}");
  assert_verify_error ("", s.ts, s.sig, s.body, -1, now,
                       FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH);
  signed_clear (&s);
}

static void
test_verify_malformed (void)
{
  const gint64 now = 1737216000;
  Signed s;
  g_autofree char *upper = NULL, *short_sig = NULL, *long_sig = NULL;
  g_autofree char *no_prefix = NULL, *other_prefix = NULL, *spaced = NULL;
  const char *bad_ts[] = { "abc", "1737216000.5", "+1737216000", "-1737216000",
                           " 1737216000", "1737216000 ", "0x67890", "1e9",
                           "99999999999999999999" };

  signed_init (&s, SECRET, now, "{\"n\":1}");

  upper = g_ascii_strup (s.sig, -1);
  memcpy (upper, "sha256=", 7);
  g_assert_cmpstr (upper, !=, s.sig);
  short_sig = g_strndup (s.sig, FAPILOG_WEBHOOK_SIGNATURE_LEN - 1);
  long_sig = g_strconcat (s.sig, "0", NULL);
  no_prefix = g_strdup (s.sig + 7);
  other_prefix = g_strconcat ("sha1=", s.sig + 7, NULL);
  spaced = g_strconcat ("sha256= ", s.sig + 8, NULL);

  assert_verify_error (SECRET, s.ts, upper, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER);
  assert_verify_error (SECRET, s.ts, short_sig, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER);
  assert_verify_error (SECRET, s.ts, long_sig, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER);
  assert_verify_error (SECRET, s.ts, no_prefix, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER);
  assert_verify_error (SECRET, s.ts, other_prefix, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER);
  assert_verify_error (SECRET, s.ts, spaced, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER);
  for (guint i = 0; i < G_N_ELEMENTS (bad_ts); i++)
    assert_verify_error (SECRET, bad_ts[i], s.sig, s.body, -1, now,
                         FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER);
  signed_clear (&s);
}

static void
test_verify_missing (void)
{
  const gint64 now = 1737216000;
  Signed s;

  signed_init (&s, SECRET, now, "{\"n\":1}");
  assert_verify_error (SECRET, NULL, s.sig, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MISSING_HEADER);
  assert_verify_error (SECRET, "", s.sig, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MISSING_HEADER);
  assert_verify_error (SECRET, s.ts, NULL, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MISSING_HEADER);
  assert_verify_error (SECRET, s.ts, "", s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MISSING_HEADER);
  assert_verify_error (SECRET, NULL, NULL, s.body, -1, now, FAPILOG_WEBHOOK_ERROR_MISSING_HEADER);
  signed_clear (&s);
}

static void
test_verify_null_arguments (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

  if (g_test_subprocess ())
    {
      fapilog_webhook_verify_signature (NULL, "1", "sha256=00", body, -1, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*secret != NULL*");
}

static void
test_verify_null_body (void)
{
  if (g_test_subprocess ())
    {
      fapilog_webhook_verify_signature ("k", "1", "sha256=00", NULL, -1, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*body != NULL*");
}

static void
test_secure_wipe (void)
{
  char buf[16] = "secret-material";

  _fapilog_secure_wipe (buf, sizeof buf);
  for (guint i = 0; i < sizeof buf; i++)
    g_assert_cmpint (buf[i], ==, 0);
  _fapilog_secure_wipe (NULL, 0);
}

/* ------------------------------------------------------------------------ */
/* Properties                                                               */

static void
test_properties (void)
{
  g_autoptr(FapilogSink) sink = fapilog_webhook_sink_new ("http://127.0.0.1:9/hook", SECRET);
  GObjectClass *klass = G_OBJECT_GET_CLASS (sink);
  GParamSpec *pspec;
  g_autofree char *name = NULL, *endpoint = NULL, *ca = NULL;
  double timeout, backoff, max_backoff, batch_timeout;
  guint attempts, batch_size;
  guint64 pending;

  /* The secret cannot be read back: GObject refuses before it would ever
   * reach the sink. */
  pspec = g_object_class_find_property (klass, "secret");
  g_assert_nonnull (pspec);
  g_assert_false (pspec->flags & G_PARAM_READABLE);
  g_assert_true (pspec->flags & G_PARAM_WRITABLE);
  g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
  g_assert_true (G_IS_PARAM_SPEC_STRING (pspec));

  g_object_get (sink,
                "name", &name,
                "endpoint", &endpoint,
                "timeout-seconds", &timeout,
                "retry-max-attempts", &attempts,
                "retry-backoff-seconds", &backoff,
                "retry-max-backoff-seconds", &max_backoff,
                "batch-size", &batch_size,
                "batch-timeout-seconds", &batch_timeout,
                "max-pending-bytes", &pending,
                "tls-ca-file", &ca,
                NULL);
  g_assert_cmpstr (name, ==, "webhook");
  g_assert_cmpstr (endpoint, ==, "http://127.0.0.1:9/hook");
  g_assert_cmpfloat (timeout, ==, 5.0);
  g_assert_cmpuint (attempts, ==, 3);
  g_assert_cmpfloat (backoff, ==, 1.0);
  g_assert_cmpfloat (max_backoff, ==, 30.0);
  g_assert_cmpuint (batch_size, ==, 1);
  g_assert_cmpfloat (batch_timeout, ==, 5.0);
  g_assert_cmpuint (pending, ==, 16 * 1024 * 1024);
  g_assert_null (ca);

  /* Every other property is readable; none of them holds the secret. */
  {
    guint n = 0;
    g_autofree GParamSpec **pspecs = g_object_class_list_properties (klass, &n);

    for (guint i = 0; i < n; i++)
      {
        g_auto(GValue) value = G_VALUE_INIT;
        g_autofree char *text = NULL;

        if (!(pspecs[i]->flags & G_PARAM_READABLE))
          {
            g_assert_cmpstr (pspecs[i]->name, ==, "secret");
            continue;
          }
        g_value_init (&value, pspecs[i]->value_type);
        g_object_get_property (G_OBJECT (sink), pspecs[i]->name, &value);
        text = g_strdup_value_contents (&value);
        g_assert_null (strstr (text, SECRET));
      }
  }
}

static void
test_secret_not_readable (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(FapilogSink) sink = fapilog_webhook_sink_new ("http://127.0.0.1:9/hook", SECRET);
      g_autofree char *secret = NULL;

      g_object_get (sink, "secret", &secret, NULL);
      /* Reached only if GObject did not refuse. */
      g_print ("read back: %s\n", secret != NULL ? "a value" : "NULL");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*not readable*");
  g_test_trap_assert_stdout_unmatched ("*read back*");
}

/* ------------------------------------------------------------------------ */
/* Through a pipeline to a real server                                      */

static void
test_single_entry (void)
{
  g_autoptr(TestServer) server = test_server_new (200);
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = new_sink (server->url, SECRET, 1);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(JsonNode) root = NULL;
  Request *r;

  fapilog_webhook_sink_set_header (FAPILOG_WEBHOOK_SINK (sink), "X-Test", "passed-through");
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "one", "n", "i", 1, NULL);
  flush_pipeline (pipeline);

  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  r = test_server_request (server, 0);
  g_assert_cmpstr (r->path, ==, "/hook");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (r->content_type, ==, "application/json");
  g_assert_cmpstr (r->custom, ==, "passed-through");
  assert_signed (r, SECRET);
  assert_secret_not_sent (r, SECRET);

  /* The body is the entry object itself, the serialized envelope. */
  root = parse_body (r);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_cmpstr (object_message (root), ==, "one");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_node_get_object (root), "data"), "n"),
                   ==, 1);
  g_assert_cmpuint (g_bytes_get_size (r->body), >, 0);
  g_assert_cmpint (((const char *) g_bytes_get_data (r->body, NULL))[0], ==, '{');
  g_assert_true (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "webhook"), ==, 0);
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
}

static void
test_non_ascii (void)
{
  g_autoptr(TestServer) server = test_server_new (200);
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = new_sink (server->url, SECRET, 1);
  g_autoptr(FapilogPipeline) pipeline = start_pipeline (settings, sink);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(JsonNode) root = NULL;
  Request *r;

  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, NON_ASCII, "greeting", "s", NON_ASCII, NULL);
  flush_pipeline (pipeline);

  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  r = test_server_request (server, 0);
  /* Raw UTF-8 on the wire (not \u escapes), and that is what was signed. */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body),
                                  NON_ASCII));
  assert_signed (r, SECRET);
  root = parse_body (r);
  g_assert_cmpstr (object_message (root), ==, NON_ASCII);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (root), "data"),
                                                  "greeting"),
                   ==, NON_ASCII);

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 1);
}

static void
test_batched (void)
{
  g_autoptr(TestServer) server = test_server_new (200);
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = new_sink (server->url, SECRET, 2);
  g_autoptr(FapilogPipeline) pipeline = start_pipeline (settings, sink);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  const char *first[] = { "e1", "e2", NULL };
  const char *second[] = { "e3", NULL };

  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "e1", NULL);
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "e2", NULL);
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "e3", NULL);
  /* The batch timeout is 60 s: only the flush can send the third. */
  flush_pipeline (pipeline);

  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  assert_array_of (test_server_request (server, 0), first);
  assert_array_of (test_server_request (server, 1), second);
  for (guint i = 0; i < 2; i++)
    {
      Request *r = test_server_request (server, i);

      g_assert_cmpstr (r->content_type, ==, "application/json");
      assert_signed (r, SECRET);
    }

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 3);
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
}

static void
test_shutdown_sends_partial (void)
{
  g_autoptr(TestServer) server = test_server_new (200);
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = new_sink (server->url, SECRET, 2);
  g_autoptr(FapilogPipeline) pipeline = start_pipeline (settings, sink);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  const char *only[] = { "last words", NULL };

  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "last words", NULL);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);

  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "webhook"), ==, 0);
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  /* Batch size 2: an array even with one entry in it. */
  assert_array_of (test_server_request (server, 0), only);
  assert_signed (test_server_request (server, 0), SECRET);
}

static void
test_unsigned (void)
{
  const char *secrets[] = { NULL, "" };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autoptr(TestServer) server = test_server_new (200);
      g_autoptr(FapilogSettings) settings = test_settings_new ();
      g_autoptr(FapilogSink) sink = new_sink (server->url, secrets[i], 1);
      g_autoptr(FapilogPipeline) pipeline = NULL;
      g_autoptr(FapilogLogger) log = NULL;
      g_autoptr(FapilogStats) stats = NULL;
      g_autoptr(JsonNode) root = NULL;
      Request *r;

      fapilog_webhook_sink_set_header (FAPILOG_WEBHOOK_SINK (sink), "X-Test", "plain");
      pipeline = start_pipeline (settings, sink);
      log = fapilog_pipeline_get_logger (pipeline, "app");
      fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "unsigned", NULL);
      flush_pipeline (pipeline);

      g_assert_cmpuint (test_server_n_requests (server), ==, 1);
      r = test_server_request (server, 0);
      assert_no_signature (r);
      for (guint h = 0; r->header_values[h] != NULL; h++)
        g_assert_false (g_str_has_prefix (r->header_values[h], "X-Fapilog-"));
      g_assert_cmpstr (r->custom, ==, "plain");
      root = parse_body (r);
      g_assert_cmpstr (object_message (root), ==, "unsigned");

      stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
      g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 1);
    }
}

/* An application header of the same name never replaces the signature. */
static void
test_signature_headers_not_overridable (void)
{
  g_autoptr(TestServer) server = test_server_new (200);
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = new_sink (server->url, SECRET, 1);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  Request *r;
  guint n_sig = 0, n_ts = 0;

  fapilog_webhook_sink_set_header (FAPILOG_WEBHOOK_SINK (sink), FAPILOG_WEBHOOK_SIGNATURE_HEADER,
                                   "sha256=0000000000000000000000000000000000000000000000000000000000000000");
  fapilog_webhook_sink_set_header (FAPILOG_WEBHOOK_SINK (sink), "x-fapilog-timestamp", "1");
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "mine", NULL);
  flush_pipeline (pipeline);

  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  r = test_server_request (server, 0);
  assert_signed (r, SECRET);
  for (guint h = 0; r->header_values[h] != NULL; h++)
    {
      if (g_ascii_strncasecmp (r->header_values[h], FAPILOG_WEBHOOK_SIGNATURE_HEADER ":",
                               strlen (FAPILOG_WEBHOOK_SIGNATURE_HEADER ":")) == 0)
        n_sig++;
      if (g_ascii_strncasecmp (r->header_values[h], FAPILOG_WEBHOOK_TIMESTAMP_HEADER ":",
                               strlen (FAPILOG_WEBHOOK_TIMESTAMP_HEADER ":")) == 0)
        n_ts++;
    }
  g_assert_cmpuint (n_sig, ==, 1);
  g_assert_cmpuint (n_ts, ==, 1);

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 1);
}

/* A clock that moves one second per reading, starting at the real time, so
 * that each attempt of a request gets a timestamp of its own. */
static gint64
stepping_clock (gpointer user_data)
{
  gint *calls = user_data;

  return g_get_real_time () / G_USEC_PER_SEC + g_atomic_int_add (calls, 1);
}

static void
test_retry_resigned (void)
{
  g_autoptr(TestServer) server = test_server_new (200);
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = new_sink (server->url, SECRET, 1);
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  gint calls = 0;
  Request *a, *b;
  gint64 ts_a, ts_b;

  _fapilog_webhook_sink_set_clock (FAPILOG_WEBHOOK_SINK (sink), stepping_clock, &calls);
  test_server_script (server, 503);
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "again", NULL);
  flush_pipeline (pipeline);

  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  a = test_server_request (server, 0);
  b = test_server_request (server, 1);
  g_assert_cmpuint (a->status, ==, 503);
  g_assert_cmpuint (b->status, ==, 200);
  /* The same body both times; each attempt signed, at its own time. */
  g_assert_true (g_bytes_equal (a->body, b->body));
  assert_signed (a, SECRET);
  assert_signed (b, SECRET);
  ts_a = g_ascii_strtoll (a->timestamp, NULL, 10);
  ts_b = g_ascii_strtoll (b->timestamp, NULL, 10);
  g_assert_cmpint (ts_b, >, ts_a);
  g_assert_cmpstr (a->signature, !=, b->signature);
  g_assert_cmpint (g_atomic_int_get (&calls), ==, 2);
  g_assert_true (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "webhook"), ==, 0);
}

static void
test_health (void)
{
  g_autoptr(TestServer) server = test_server_new (400);
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = new_sink (server->url, SECRET, 1);
  g_autoptr(FapilogPipeline) pipeline = start_pipeline (settings, sink);
  g_autoptr(FapilogLogger) log = fapilog_pipeline_get_logger (pipeline, "app");
  g_autoptr(FapilogStats) stats = NULL;
  int fallback_fd;
  g_autofree char *fallback_path = NULL;

  /* The failed entry goes to the fallback; keep it off the test output. */
  fallback_fd = g_file_open_tmp ("fapilog-webhook-fb-XXXXXX", &fallback_path, NULL);
  g_assert_cmpint (fallback_fd, >=, 0);
  _fapilog_fallback_set_fd (fallback_fd);

  g_assert_true (fapilog_sink_health_check (sink));
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "refused", NULL);
  flush_pipeline (pipeline);
  /* 400 is not retried. */
  g_assert_cmpuint (test_server_n_requests (server), ==, 1);
  g_assert_false (fapilog_sink_health_check (sink));

  test_server_set_default (server, 200);
  fapilog_logger_log (log, FAPILOG_LEVEL_INFO, "accepted", NULL);
  flush_pipeline (pipeline);
  g_assert_cmpuint (test_server_n_requests (server), ==, 2);
  g_assert_true (fapilog_sink_health_check (sink));

  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 1);
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "webhook"), ==, 1);

  _fapilog_fallback_set_fd (-1);
  close (fallback_fd);
  g_unlink (fallback_path);
}

/* Nothing fapilog prints about a failing webhook holds the secret or an
 * Authorization value, while it does say which sink failed. */
static void
test_secret_not_in_diagnostics (void)
{
  const char *authorization = "Bearer tok-9f8e7d6c5b4a";
  g_autoptr(TestServer) server = test_server_new (400);
  g_autoptr(FapilogSettings) settings = NULL;
  g_autoptr(FapilogSink) sink = NULL;
  g_autoptr(FapilogPipeline) pipeline = NULL;
  g_autoptr(FapilogLogger) log = NULL;
  g_autoptr(FapilogStats) stats = NULL;
  g_autofree char *diag_path = NULL, *fb_path = NULL;
  g_autofree char *diag = NULL, *fb = NULL;
  int diag_fd, fb_fd;

  diag_fd = g_file_open_tmp ("fapilog-webhook-diag-XXXXXX", &diag_path, NULL);
  fb_fd = g_file_open_tmp ("fapilog-webhook-fb-XXXXXX", &fb_path, NULL);
  g_assert_cmpint (diag_fd, >=, 0);
  g_assert_cmpint (fb_fd, >=, 0);
  _fapilog_diagnostics_set_fd (diag_fd);
  _fapilog_fallback_set_fd (fb_fd);

  settings = g_object_new (FAPILOG_TYPE_SETTINGS,
                           "batch-timeout-seconds", 0.01,
                           "internal-logging-enabled", TRUE,
                           NULL);
  sink = g_object_new (FAPILOG_TYPE_WEBHOOK_SINK,
                       "endpoint", server->url,
                       "secret", SECRET,
                       "retry-max-attempts", 2,
                       "retry-backoff-seconds", 0.01,
                       "retry-max-backoff-seconds", 0.05,
                       NULL);
  fapilog_webhook_sink_set_header (FAPILOG_WEBHOOK_SINK (sink), "Authorization", authorization);
  /* First a retried failure, then one that is not retried. */
  test_server_script (server, 503);
  test_server_script (server, 503);
  pipeline = start_pipeline (settings, sink);
  log = fapilog_pipeline_get_logger (pipeline, "app");
  fapilog_logger_log (log, FAPILOG_LEVEL_ERROR, "first", NULL);
  flush_pipeline (pipeline);
  fapilog_logger_log (log, FAPILOG_LEVEL_ERROR, "second", NULL);
  stats = fapilog_pipeline_shutdown (pipeline, 10 * SECOND);

  g_assert_cmpuint (test_server_n_requests (server), ==, 3);
  g_assert_cmpuint (test_server_request (server, 2)->status, ==, 400);
  for (guint i = 0; i < 3; i++)
    {
      Request *r = test_server_request (server, i);

      assert_signed (r, SECRET);
      assert_secret_not_sent (r, SECRET);
    }
  g_assert_cmpuint (fapilog_stats_get_sink_failed (stats, "webhook"), ==, 2);
  g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "webhook"), ==, 0);

  _fapilog_diagnostics_set_fd (-1);
  _fapilog_fallback_set_fd (-1);
  diag = read_fd_contents (diag_fd);
  fb = read_fd_contents (fb_fd);
  close (diag_fd);
  close (fb_fd);
  g_unlink (diag_path);
  g_unlink (fb_path);

  /* Something was said, about this sink, and both entries reached the
   * fallback; so the captures really saw the failure. */
  g_assert_nonnull (strstr (diag, "webhook"));
  g_assert_nonnull (strstr (fb, "first"));
  g_assert_nonnull (strstr (fb, "second"));
  g_assert_null (strstr (diag, SECRET));
  g_assert_null (strstr (fb, SECRET));
  g_assert_null (strstr (diag, authorization));
  g_assert_null (strstr (fb, authorization));
  g_assert_null (strstr (diag, "tok-9f8e7d6c5b4a"));
}

/* A bad configuration fails start with a clear error, never a crash. */
static void
test_bad_endpoint (void)
{
  g_autoptr(FapilogSettings) settings = test_settings_new ();
  g_autoptr(FapilogSink) sink = fapilog_webhook_sink_new ("not a url", SECRET);
  g_autoptr(FapilogPipeline) pipeline = fapilog_pipeline_new (settings);
  g_autoptr(GError) error = NULL;

  fapilog_pipeline_add_sink (pipeline, sink);
  g_assert_false (fapilog_pipeline_start (pipeline, &error));
  g_assert_error (error, FAPILOG_PIPELINE_ERROR, FAPILOG_PIPELINE_ERROR_SINK_START);
  g_assert_nonnull (strstr (error->message, "webhook"));
  g_assert_null (strstr (error->message, SECRET));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/webhook-sink/sign/known-vectors", test_sign_known_vectors);
  g_test_add_func ("/webhook-sink/sign/secure-wipe", test_secure_wipe);
  g_test_add_func ("/webhook-sink/verify/valid", test_verify_valid);
  g_test_add_func ("/webhook-sink/verify/stale", test_verify_stale);
  g_test_add_func ("/webhook-sink/verify/mismatch", test_verify_mismatch);
  g_test_add_func ("/webhook-sink/verify/malformed", test_verify_malformed);
  g_test_add_func ("/webhook-sink/verify/missing", test_verify_missing);
  g_test_add_func ("/webhook-sink/verify/null-secret", test_verify_null_arguments);
  g_test_add_func ("/webhook-sink/verify/null-body", test_verify_null_body);
  g_test_add_func ("/webhook-sink/properties", test_properties);
  g_test_add_func ("/webhook-sink/secret-not-readable", test_secret_not_readable);
  g_test_add_func ("/webhook-sink/single-entry", test_single_entry);
  g_test_add_func ("/webhook-sink/non-ascii", test_non_ascii);
  g_test_add_func ("/webhook-sink/batched", test_batched);
  g_test_add_func ("/webhook-sink/shutdown-sends-partial", test_shutdown_sends_partial);
  g_test_add_func ("/webhook-sink/unsigned", test_unsigned);
  g_test_add_func ("/webhook-sink/signature-headers-not-overridable",
                   test_signature_headers_not_overridable);
  g_test_add_func ("/webhook-sink/retry-resigned", test_retry_resigned);
  g_test_add_func ("/webhook-sink/health", test_health);
  g_test_add_func ("/webhook-sink/secret-not-in-diagnostics", test_secret_not_in_diagnostics);
  g_test_add_func ("/webhook-sink/bad-endpoint", test_bad_endpoint);

  return g_test_run ();
}
