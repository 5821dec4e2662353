/* fapilog-http-delivery.c: the batching, retrying HTTP sender that the
 * http and webhook sinks share
 *
 * Everything here runs on the pipeline's worker thread, on the main context
 * that was thread-default when the engine was made: the SoupSession, the
 * timers, the reports. Only gzip leaves it, for a GIO pool thread that gets
 * its own references to the entries it compresses.
 *
 * Accepted entries gather in the *open* request. A request closes when it
 * is full (entries or bytes) or its batch timer fires, and joins the queue
 * of closed requests. Only the head of that queue is ever being prepared,
 * sent or waiting for a retry, so requests reach the server in order.
 * Every entry belongs to exactly one request until that request is
 * reported, delivered or failed, exactly once.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <zlib.h>

#include "fapilog-diagnostics-private.h"
#include "fapilog-error.h"
#include "fapilog-http-delivery-private.h"
#include "fapilog-json-writer-private.h"
#include "fapilog-webhook-signature-private.h"

/* Diagnostics about the pending limit are summed up at most this often, so
 * a sustained overflow does not use up the component's diagnostic budget
 * that delivery failures need. */
#define PENDING_DIAG_INTERVAL_US G_USEC_PER_SEC

/* Timers longer than this are clamped; nobody waits a day for a batch. */
#define MAX_TIMER_SECONDS 86400.0

#define GZIP_LEVEL Z_DEFAULT_COMPRESSION
/* The most of an answer's body that is read (and thrown away). A collector
 * answers with a few bytes; reading a small body to its end lets libsoup
 * keep the connection, and a longer one (a misbehaving or hostile server,
 * or one streaming without end) is cut off here rather than buffered. */
#define RESPONSE_BODY_MAX (64 * 1024)
#define RESPONSE_READ_CHUNK 8192

typedef struct {
  FapilogBatch *batch;
  guint         first;
  guint         n;
} Segment;

typedef enum {
  REQUEST_OPEN,       /* still taking entries */
  REQUEST_QUEUED,     /* closed, waiting for its turn */
  REQUEST_PREPARING,  /* head: its body is being compressed */
  REQUEST_SENDING,    /* head: an attempt is in flight */
  REQUEST_BACKOFF,    /* head: waiting to be tried again */
} RequestState;

typedef struct {
  GArray       *segments;    /* Segment, in entry order */
  guint64       first_seq;   /* sequence number of the first entry */
  guint         n_entries;
  gsize         lines_len;   /* the entries' lines, '\n' included */
  gsize         body_len;    /* the body before compression */
  RequestState  state;
  guint         attempts;
  GBytes       *wire_body;   /* built once, reused by every attempt */
} Request;

/* How entries become a body; copied into a compression job so that the job
 * does not depend on the engine. */
typedef struct {
  FapilogHttpBodyLayout  layout;
  gboolean               single;       /* one bare entry, no brackets */
  char                  *prefix;       /* FAPILOG_HTTP_BODY_WRAPPED: {"key":[ */
  gsize                  prefix_len;
} BodyShape;

typedef struct _Op Op;

typedef struct {
  GTask   *task;
  guint64  target;                     /* every entry before this one */
} FlushWaiter;

struct _FapilogHttpDelivery {
  FapilogSink               *owner;
  char                      *component;
  FapilogHttpDeliveryConfig  config;
  GUri                      *uri;
  char                      *endpoint_safe;   /* for diagnostics and errors */
  const char                *content_type;
  BodyShape                  shape;

  GMainContext              *context;
  SoupSession               *session;
  GRand                     *rand;
  FapilogHttpDecorateFunc    decorate;
  gpointer                   decorate_data;

  Request                   *open;            /* nullable */
  GSource                   *open_timer;
  GQueue                     queue;           /* Request*, closed, oldest first */
  gsize                      pending_bytes;   /* body_len of every request held */
  guint64                    next_seq;
  Op                        *op;              /* the head's preparation or attempt */
  GSource                   *backoff_timer;

  GQueue                     flush_waiters;   /* FlushWaiter*, targets ascending */
  GTask                     *stop_task;
  GCancellable              *stop_cancellable;
  gulong                     stop_cancel_id;
  GSource                   *stop_cancel_source;
  GSource                   *stop_idle;
  gboolean                   stopping;        /* nothing more is accepted */
  gboolean                   given_up;        /* the shutdown deadline passed */

  gint                       healthy;         /* atomic */

  guint64                    limit_failed_entries;   /* not yet in a diagnostic */
  guint64                    limit_failed_requests;
  gint64                     limit_diag_us;
};

/* The preparation or one attempt of the head request. The engine points to
 * it while it is outstanding; its completion callback always runs, and
 * finds out from it whether the engine still cares. */
struct _Op {
  FapilogHttpDelivery *self;           /* NULL: the engine is gone */
  Request             *req;            /* NULL: the request was given up */
  GCancellable        *cancellable;
  GSource             *timeout;
  gboolean             timed_out;
  SoupMessage         *msg;
  GInputStream        *body;           /* the answer's body, being drained */
  gsize                body_read;
  GError              *error;          /* how the attempt failed, if it did */
};

static void pump (FapilogHttpDelivery *self);
static void check_waiters (FapilogHttpDelivery *self);

/* ---- configuration ------------------------------------------------------ */

void
_fapilog_http_delivery_config_clear (FapilogHttpDeliveryConfig *config)
{
  g_clear_pointer (&config->endpoint, g_free);
  g_clear_pointer (&config->header_names, g_strfreev);
  /* Header values may be credentials (Authorization): not left behind in
   * freed memory. */
  if (config->header_values != NULL)
    for (guint i = 0; config->header_values[i] != NULL; i++)
      _fapilog_secure_wipe (config->header_values[i], strlen (config->header_values[i]));
  g_clear_pointer (&config->header_values, g_strfreev);
  g_clear_pointer (&config->wrapper_key, g_free);
  g_clear_pointer (&config->tls_ca_file, g_free);
}

static void
config_copy (FapilogHttpDeliveryConfig       *dest,
             const FapilogHttpDeliveryConfig *src)
{
  *dest = *src;
  dest->endpoint = g_strdup (src->endpoint);
  dest->header_names = g_strdupv (src->header_names);
  dest->header_values = g_strdupv (src->header_values);
  dest->wrapper_key = g_strdup (src->wrapper_key);
  dest->tls_ca_file = g_strdup (src->tls_ca_file);
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
valid_header_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!is_token_char (*p))
      return FALSE;
  return TRUE;
}

/* A value may not break out of its header line. */
static gboolean
valid_header_value (const char *value)
{
  return value != NULL && strpbrk (value, "\r\n") == NULL;
}

static gboolean
positive_finite (double v)
{
  return isfinite (v) && v > 0;
}

static gboolean
non_negative_finite (double v)
{
  return isfinite (v) && v >= 0;
}

/* The endpoint as diagnostics may show it: no user information, no query
 * and no fragment, which is where credentials and API keys hide. */
static char *
endpoint_for_display (GUri *uri)
{
  return g_uri_join (G_URI_FLAGS_ENCODED,
                     g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), g_uri_get_path (uri), NULL, NULL);
}

static gboolean
validate_config (const char                      *component,
                 const FapilogHttpDeliveryConfig *config,
                 GUri                           **uri_out,
                 GError                         **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  guint n_names, n_values;

#define BAD(...) \
  G_STMT_START { \
    g_set_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

  /* The endpoint itself is never echoed: it may carry credentials. */
  if (config->endpoint == NULL || *config->endpoint == '\0')
    BAD ("%s: endpoint is not set", component);
  uri = g_uri_parse (config->endpoint, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    BAD ("%s: endpoint is not a valid URI (expected http://host[:port]/path or https://…)",
         component);
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    BAD ("%s: endpoint must be an http:// or https:// URI, not %s://", component, scheme);
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    BAD ("%s: endpoint has no host", component);

  if (!positive_finite (config->timeout_seconds))
    BAD ("%s: timeout-seconds must be greater than 0 (got %g)", component, config->timeout_seconds);
  if (config->retry_max_attempts < 1)
    BAD ("%s: retry-max-attempts must be at least 1 (it counts the first attempt)", component);
  if (!non_negative_finite (config->retry_backoff_seconds))
    BAD ("%s: retry-backoff-seconds must be 0 or more (got %g)", component,
         config->retry_backoff_seconds);
  if (!non_negative_finite (config->retry_max_backoff_seconds))
    BAD ("%s: retry-max-backoff-seconds must be 0 or more (got %g)", component,
         config->retry_max_backoff_seconds);
  if (config->batch_size < 1)
    BAD ("%s: batch-size must be at least 1", component);
  if (!positive_finite (config->batch_timeout_seconds))
    BAD ("%s: batch-timeout-seconds must be greater than 0 (got %g)", component,
         config->batch_timeout_seconds);
  if (config->batch_max_bytes < 1)
    BAD ("%s: batch-max-bytes must be at least 1", component);
  if (config->max_pending_bytes < 1)
    BAD ("%s: max-pending-bytes must be at least 1", component);
  if ((guint) config->layout > FAPILOG_HTTP_BODY_SINGLE_OR_ARRAY)
    BAD ("%s: unknown body layout %d", component, (int) config->layout);
  if (config->layout == FAPILOG_HTTP_BODY_WRAPPED &&
      (config->wrapper_key == NULL || *config->wrapper_key == '\0'))
    BAD ("%s: batch-wrapper-key must not be empty with the wrapped format", component);
  if ((guint) config->compression > FAPILOG_HTTP_COMPRESSION_GZIP)
    BAD ("%s: unknown compression %d", component, (int) config->compression);

  n_names = config->header_names != NULL ? g_strv_length (config->header_names) : 0;
  n_values = config->header_values != NULL ? g_strv_length (config->header_values) : 0;
  if (n_names != n_values)
    BAD ("%s: %u header names but %u values", component, n_names, n_values);
  for (guint i = 0; i < n_names; i++)
    {
      /* Name the header, never show its value. */
      if (!valid_header_name (config->header_names[i]))
        BAD ("%s: \"%s\" is not a valid HTTP header name", component, config->header_names[i]);
      if (!valid_header_value (config->header_values[i]))
        BAD ("%s: the value of header %s contains a line break", component,
             config->header_names[i]);
    }

#undef BAD

  *uri_out = g_steal_pointer (&uri);
  return TRUE;
}

/* ---- bodies ------------------------------------------------------------- */

static gsize
body_len_for (const BodyShape *shape,
              gsize            lines_len)
{
  switch (shape->layout)
    {
    case FAPILOG_HTTP_BODY_NDJSON:
      return lines_len;
    case FAPILOG_HTTP_BODY_WRAPPED:
      /* {"key":[ e1,e2] } : each line's '\n' becomes ',' or the ']'. */
      return shape->prefix_len + lines_len + 1;
    case FAPILOG_HTTP_BODY_SINGLE_OR_ARRAY:
      if (shape->single)
        return lines_len - 1;
      G_GNUC_FALLTHROUGH;
    case FAPILOG_HTTP_BODY_ARRAY:
    default:
      return 1 + lines_len;
    }
}

/* Copies the lines as they are; only the newlines between them change.
 * Safe on any thread: batches are immutable. */
static GBytes *
build_body (const BodyShape *shape,
            const Segment   *segments,
            guint            n_segments,
            gsize            body_len)
{
  gboolean ndjson = shape->layout == FAPILOG_HTTP_BODY_NDJSON;
  gboolean bare = ndjson || shape->single;
  /* One byte more than the body: a single entry is copied with its
   * newline, which is then left out of the length. */
  guint8 *body = g_malloc (body_len + 1);
  guint8 *p = body;

  if (shape->layout == FAPILOG_HTTP_BODY_WRAPPED)
    {
      memcpy (p, shape->prefix, shape->prefix_len);
      p += shape->prefix_len;
    }
  else if (!bare)
    *p++ = '[';

  for (guint s = 0; s < n_segments; s++)
    {
      const Segment *seg = &segments[s];
      gsize first_len, last_len;
      const guint8 *start = fapilog_batch_get_entry_data (seg->batch, seg->first, &first_len);
      const guint8 *last = fapilog_batch_get_entry_data (seg->batch, seg->first + seg->n - 1,
                                                         &last_len);
      /* The lines of one batch are contiguous: one copy per segment. */
      gsize span = (gsize) (last - start) + last_len;

      memcpy (p, start, span);
      if (!bare)
        for (guint i = 0; i < seg->n; i++)
          {
            gsize len;
            const guint8 *line = fapilog_batch_get_entry_data (seg->batch, seg->first + i, &len);

            p[(line - start) + len - 1] = ',';
          }
      p += span;
    }

  if (shape->single)
    p--;                      /* the entry without its newline */
  else if (!ndjson)
    {
      p[-1] = ']';
      if (shape->layout == FAPILOG_HTTP_BODY_WRAPPED)
        *p++ = '}';
    }

  g_assert ((gsize) (p - body) == body_len);
  return g_bytes_new_take (body, body_len);
}

static GBytes *
gzip_bytes (GBytes  *raw,
            GError **error)
{
  z_stream zs = { 0 };
  gsize raw_len;
  const guint8 *raw_data = g_bytes_get_data (raw, &raw_len);
  guint8 *out;
  uLong bound;
  int rc;

  /* windowBits 15 + 16: a gzip header and trailer, as Content-Encoding:
   * gzip requires, rather than a raw zlib stream. */
  if (deflateInit2 (&zs, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    {
      g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                   "gzip: cannot initialize the compressor");
      return NULL;
    }
  bound = deflateBound (&zs, raw_len);
  out = g_malloc (bound);
  zs.next_in = (Bytef *) raw_data;
  zs.avail_in = raw_len;
  zs.next_out = out;
  zs.avail_out = bound;
  rc = deflate (&zs, Z_FINISH);
  if (rc != Z_STREAM_END)
    {
      deflateEnd (&zs);
      g_free (out);
      g_set_error (error, FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                   "gzip: compression failed (zlib error %d)", rc);
      return NULL;
    }
  deflateEnd (&zs);
  return g_bytes_new_take (g_realloc (out, MAX (zs.total_out, 1)), zs.total_out);
}

/* ---- requests ----------------------------------------------------------- */

static void
segment_clear (gpointer data)
{
  Segment *seg = data;

  g_clear_pointer (&seg->batch, fapilog_batch_unref);
}

static Request *
request_new (guint64 first_seq)
{
  Request *req = g_new0 (Request, 1);

  req->segments = g_array_sized_new (FALSE, FALSE, sizeof (Segment), 2);
  g_array_set_clear_func (req->segments, segment_clear);
  req->first_seq = first_seq;
  req->state = REQUEST_OPEN;
  return req;
}

static void
request_free (Request *req)
{
  g_array_unref (req->segments);
  g_clear_pointer (&req->wire_body, g_bytes_unref);
  g_free (req);
}

static void
set_healthy (FapilogHttpDelivery *self,
             gboolean             healthy)
{
  g_atomic_int_set (&self->healthy, healthy);
}

/* Reports every entry of @req as failed, segment by segment (a request may
 * span several of the pipeline's batches), and frees it. */
static void
request_fail (FapilogHttpDelivery *self,
              Request             *req,
              const GError        *error)
{
  for (guint s = 0; s < req->segments->len; s++)
    {
      Segment *seg = &g_array_index (req->segments, Segment, s);

      fapilog_sink_report_failed (self->owner, seg->batch, seg->first, seg->n, error);
    }
  request_free (req);
}

static void
forget_pending (FapilogHttpDelivery *self,
                Request             *req)
{
  g_assert (self->pending_bytes >= req->body_len);
  self->pending_bytes -= req->body_len;
}

/* ---- timers ------------------------------------------------------------- */

static GSource *
add_timer (FapilogHttpDelivery *self,
           double               seconds,
           GSourceFunc          func,
           gpointer             data,
           const char          *name)
{
  double ms = ceil (CLAMP (seconds, 0.0, MAX_TIMER_SECONDS) * 1000.0);
  GSource *source = g_timeout_source_new ((guint) ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, self->context);
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* ---- the pending limit -------------------------------------------------- */

static void
pending_diag (FapilogHttpDelivery *self,
              gboolean             force)
{
  gint64 now;

  if (self->limit_failed_entries == 0)
    return;
  now = g_get_monotonic_time ();
  if (!force && self->limit_diag_us != 0 && now - self->limit_diag_us < PENDING_DIAG_INTERVAL_US)
    return;
  _fapilog_diag_warn (self->component, "pending limit exceeded; oldest batches failed",
                      "endpoint", "s", self->endpoint_safe,
                      "max_pending_bytes", "t", (guint64) self->config.max_pending_bytes,
                      "batches", "t", self->limit_failed_requests,
                      "entries", "t", self->limit_failed_entries,
                      NULL);
  self->limit_diag_us = now;
  self->limit_failed_entries = 0;
  self->limit_failed_requests = 0;
}

/* Past the limit, the oldest request that is not on the wire (or being
 * compressed for it) goes first: the head while it waits for a retry, then
 * the queued ones, and the open one last. */
static void
enforce_pending_limit (FapilogHttpDelivery *self)
{
  gboolean head_removed = FALSE;

  while (self->pending_bytes > self->config.max_pending_bytes)
    {
      g_autoptr(GError) error = NULL;
      Request *victim = NULL;

      for (GList *l = self->queue.head; l != NULL; l = l->next)
        {
          Request *req = l->data;

          if (req->state == REQUEST_QUEUED || req->state == REQUEST_BACKOFF)
            {
              if (l == self->queue.head)
                {
                  clear_source (&self->backoff_timer);
                  head_removed = TRUE;
                }
              victim = req;
              g_queue_delete_link (&self->queue, l);
              break;
            }
        }
      if (victim == NULL && self->open != NULL && self->open->n_entries > 0)
        {
          victim = g_steal_pointer (&self->open);
          clear_source (&self->open_timer);
        }
      if (victim == NULL)
        break;

      forget_pending (self, victim);
      self->limit_failed_entries += victim->n_entries;
      self->limit_failed_requests++;
      error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_PENDING_LIMIT,
                           "%u entries for %s given up: more than %" G_GSIZE_FORMAT
                           " bytes were waiting for delivery",
                           victim->n_entries, self->endpoint_safe,
                           self->config.max_pending_bytes);
      request_fail (self, victim, error);
    }

  pending_diag (self, FALSE);
  if (head_removed)
    pump (self);
}

/* ---- the open request --------------------------------------------------- */

static void
close_open (FapilogHttpDelivery *self)
{
  Request *req = self->open;

  clear_source (&self->open_timer);
  if (req == NULL || req->n_entries == 0)
    return;
  self->open = NULL;
  req->state = REQUEST_QUEUED;
  g_queue_push_tail (&self->queue, req);
  pump (self);
}

static gboolean
on_open_timer (gpointer user_data)
{
  FapilogHttpDelivery *self = user_data;

  /* Being dispatched: only our handle needs dropping. */
  g_clear_pointer (&self->open_timer, g_source_unref);
  close_open (self);
  return G_SOURCE_REMOVE;
}

static void
append_entry (FapilogHttpDelivery *self,
              Request             *req,
              FapilogBatch        *batch,
              guint                index,
              gsize                len)
{
  gsize old_body = req->body_len;
  Segment *last = req->segments->len > 0 ?
    &g_array_index (req->segments, Segment, req->segments->len - 1) : NULL;

  if (last != NULL && last->batch == batch && last->first + last->n == index)
    last->n++;
  else
    {
      Segment seg = { fapilog_batch_ref (batch), index, 1 };

      g_array_append_val (req->segments, seg);
    }
  req->n_entries++;
  req->lines_len += len;
  req->body_len = body_len_for (&self->shape, req->lines_len);
  self->pending_bytes += req->body_len - old_body;
  self->next_seq++;
}

/* ---- delivery ----------------------------------------------------------- */

static void
op_free (Op *op)
{
  clear_source (&op->timeout);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->body);
  g_clear_object (&op->msg);
  g_clear_error (&op->error);
  g_free (op);
}

static Op *
op_new (FapilogHttpDelivery *self,
        Request             *req)
{
  Op *op = g_new0 (Op, 1);

  op->self = self;
  op->req = req;
  op->cancellable = g_cancellable_new ();
  self->op = op;
  return op;
}

/* The op's completion, common part: returns the engine when the op still
 * matters, after detaching it. */
static FapilogHttpDelivery *
op_complete (Op *op)
{
  FapilogHttpDelivery *self = op->self;

  if (self == NULL)
    return NULL;
  g_assert (self->op == op);
  self->op = NULL;
  clear_source (&op->timeout);
  if (op->req == NULL)
    {
      /* Given up at the shutdown deadline and already reported; the stop
       * was only waiting for this callback. */
      check_waiters (self);
      return NULL;
    }
  return self;
}

static void
head_done (FapilogHttpDelivery *self,
           Request             *req)
{
  g_assert (g_queue_peek_head (&self->queue) == req);
  g_queue_pop_head (&self->queue);
  forget_pending (self, req);
}

static void
head_delivered (FapilogHttpDelivery *self,
                Request             *req)
{
  guint n = req->n_entries;

  head_done (self, req);
  request_free (req);
  set_healthy (self, TRUE);
  fapilog_sink_report_delivered (self->owner, n);
  check_waiters (self);
  pump (self);
}

static void
head_failed (FapilogHttpDelivery *self,
             Request             *req,
             guint                status,
             const GError        *error)
{
  head_done (self, req);
  set_healthy (self, FALSE);
  _fapilog_diag_warn (self->component, "batch delivery failed",
                      "endpoint", "s", self->endpoint_safe,
                      "status", "u", status,
                      "batch_size", "u", req->n_entries,
                      "error", "s", error->message,
                      NULL);
  request_fail (self, req, error);
  check_waiters (self);
  pump (self);
}

static gboolean
on_backoff_done (gpointer user_data)
{
  FapilogHttpDelivery *self = user_data;

  g_clear_pointer (&self->backoff_timer, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Retry-After in seconds from now, or -1 when absent or unreadable: either
 * delta seconds or an HTTP date. */
static double
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *trimmed = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  trimmed = g_strstrip (g_strdup (value));
  if (*trimmed != '\0' && strspn (trimmed, "0123456789") == strlen (trimmed))
    {
      if (!g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT64, &seconds, NULL))
        return MAX_TIMER_SECONDS;
      return MIN ((double) seconds, MAX_TIMER_SECONDS);
    }
  when = soup_date_time_new_from_http_string (trimmed);
  if (when == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return CLAMP ((double) g_date_time_difference (when, now) / G_USEC_PER_SEC,
                0.0, MAX_TIMER_SECONDS);
}

/* Full jitter: a uniform wait below the exponential ceiling spreads the
 * retries of many clients; the server's Retry-After is a floor, the cap a
 * ceiling for both. */
static double
backoff_seconds (FapilogHttpDelivery *self,
                 guint                failed_attempts,
                 double               retry_after)
{
  double cap = self->config.retry_max_backoff_seconds;
  double ceiling = MIN (cap, self->config.retry_backoff_seconds *
                             ldexp (1.0, (int) MIN (failed_attempts - 1, 60)));
  double wait = ceiling > 0 ? g_rand_double_range (self->rand, 0.0, ceiling) : 0.0;

  if (retry_after >= 0)
    wait = MAX (wait, retry_after);
  return MIN (wait, cap);
}

static gboolean
status_is_retried (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_REQUEST_TIMEOUT:      /* 408 */
    case 429:                              /* Too Many Requests */
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
attempt_failed (FapilogHttpDelivery *self,
                Request             *req,
                guint                status,
                double               retry_after,
                GError              *error)
{
  set_healthy (self, FALSE);

  if (req->attempts < self->config.retry_max_attempts)
    {
      req->state = REQUEST_BACKOFF;
      self->backoff_timer = add_timer (self, backoff_seconds (self, req->attempts, retry_after),
                                       on_backoff_done, self, "fapilog http backoff");
    }
  else
    {
      g_autoptr(GError) exhausted = NULL;

      if (self->config.retry_max_attempts == 1)
        exhausted = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_RETRIES_EXHAUSTED,
                                 "delivery to %s failed (retries are off): %s",
                                 self->endpoint_safe, error->message);
      else
        exhausted = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_RETRIES_EXHAUSTED,
                                 "delivery to %s failed after %u attempts; last: %s",
                                 self->endpoint_safe, req->attempts, error->message);
      head_failed (self, req, status, exhausted);
    }
  g_error_free (error);
}

/* The attempt is over: the answer's headers and at most RESPONSE_BODY_MAX
 * bytes of its body were read, or op->error says why not. */
static void
attempt_done (Op *op)
{
  g_autoptr(GError) error = g_steal_pointer (&op->error);
  FapilogHttpDelivery *self;
  Request *req;
  guint status;

  self = op_complete (op);
  if (self == NULL)
    {
      op_free (op);
      return;
    }
  req = op->req;
  status = soup_message_get_status (op->msg);

  if (error != NULL)
    {
      GError *why;

      if (op->timed_out)
        why = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_TIMED_OUT,
                           "no complete answer from %s within %g s",
                           self->endpoint_safe, self->config.timeout_seconds);
      else
        why = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_FAILED,
                           "POST to %s: %s", self->endpoint_safe, error->message);
      op_free (op);
      attempt_failed (self, req, 0, -1, why);
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      op_free (op);
      head_delivered (self, req);
    }
  else
    {
      const char *reason = soup_message_get_reason_phrase (op->msg);
      GError *why;

      if (reason == NULL || *reason == '\0')
        reason = soup_status_get_phrase (status);
      if (reason == NULL)
        reason = "";
      if (status_is_retried (status))
        {
          double retry_after = parse_retry_after (op->msg);

          why = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_HTTP_STATUS,
                             "%s answered %u %s", self->endpoint_safe, status, reason);
          op_free (op);
          attempt_failed (self, req, status, retry_after, why);
        }
      else
        {
          /* The server refused the request itself: sending the same bytes
           * again would be refused again. Redirects are not followed
           * either: a log collector that moves must be reconfigured. */
          g_autoptr(GError) refused = g_error_new (FAPILOG_SINK_ERROR,
                                                   FAPILOG_SINK_ERROR_HTTP_STATUS,
                                                   "%s answered %u %s (not retried)",
                                                   self->endpoint_safe, status, reason);
          op_free (op);
          head_failed (self, req, status, refused);
        }
    }
}

static void on_body_read (GObject *source, GAsyncResult *result, gpointer user_data);

static void
on_body_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;

  /* A close cut short on purpose fails (cancelled); the status is known
   * and stands. A failed close after a complete body is a failed read. */
  if (!g_input_stream_close_finish (G_INPUT_STREAM (source), result, &error) &&
      op->error == NULL && op->body_read <= RESPONSE_BODY_MAX &&
      !g_cancellable_is_cancelled (op->cancellable))
    op->error = g_steal_pointer (&error);
  attempt_done (op);
}

/* Ends the body: closes it, cutting the connection when the body was not
 * read to its end (too long, or the attempt was cancelled), since closing
 * a libsoup body stream otherwise reads what is left of it. */
static void
finish_body (Op       *op,
             gboolean  complete)
{
  if (!complete)
    g_cancellable_cancel (op->cancellable);
  g_input_stream_close_async (op->body, G_PRIORITY_DEFAULT, op->cancellable,
                              on_body_closed, op);
}

static void
read_body (Op *op)
{
  g_input_stream_read_bytes_async (op->body, RESPONSE_READ_CHUNK, G_PRIORITY_DEFAULT,
                                   op->cancellable, on_body_read, op);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      op->error = error;
      finish_body (op, FALSE);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      finish_body (op, TRUE);
      return;
    }
  op->body_read += g_bytes_get_size (chunk);
  if (op->body_read > RESPONSE_BODY_MAX)
    finish_body (op, FALSE);
  else
    read_body (op);
}

static void
on_attempt_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Op *op = user_data;

  op->body = soup_session_send_finish (SOUP_SESSION (source), result, &op->error);
  if (op->body == NULL)
    attempt_done (op);
  else
    read_body (op);
}

static gboolean
on_attempt_timeout (gpointer user_data)
{
  Op *op = user_data;

  g_clear_pointer (&op->timeout, g_source_unref);
  op->timed_out = TRUE;
  g_cancellable_cancel (op->cancellable);
  return G_SOURCE_REMOVE;
}

static void
start_attempt (FapilogHttpDelivery *self,
               Request             *req)
{
  Op *op = op_new (self, req);
  SoupMessageHeaders *headers;

  req->state = REQUEST_SENDING;
  req->attempts++;

  op->msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  soup_message_set_flags (op->msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_set_request_body_from_bytes (op->msg, self->content_type, req->wire_body);
  headers = soup_message_get_request_headers (op->msg);
  if (self->config.compression == FAPILOG_HTTP_COMPRESSION_GZIP)
    soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  if (self->config.header_names != NULL)
    for (guint i = 0; self->config.header_names[i] != NULL; i++)
      soup_message_headers_replace (headers, self->config.header_names[i],
                                    self->config.header_values[i]);
  if (self->decorate != NULL)
    self->decorate (op->msg, req->wire_body, self->decorate_data);

  /* One clock for the whole attempt, from connecting to the last byte of
   * the answer; SoupSession:timeout would bound each read separately. */
  op->timeout = add_timer (self, self->config.timeout_seconds, on_attempt_timeout, op,
                           "fapilog http attempt timeout");
  soup_session_send_async (self->session, op->msg, G_PRIORITY_DEFAULT,
                           op->cancellable, on_attempt_sent, op);
}

typedef struct {
  BodyShape  shape;
  Segment   *segments;
  guint      n_segments;
  gsize      body_len;
} PrepareJob;

static void
prepare_job_free (gpointer data)
{
  PrepareJob *job = data;

  for (guint i = 0; i < job->n_segments; i++)
    segment_clear (&job->segments[i]);
  g_free (job->segments);
  g_free (job->shape.prefix);
  g_free (job);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PrepareJob *job = task_data;
  g_autoptr(GBytes) raw = build_body (&job->shape, job->segments, job->n_segments, job->body_len);
  GError *error = NULL;
  GBytes *compressed = gzip_bytes (raw, &error);

  if (compressed != NULL)
    g_task_return_pointer (task, compressed, (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, error);
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *body = g_task_propagate_pointer (G_TASK (result), &error);
  FapilogHttpDelivery *self = op_complete (op);
  Request *req;

  if (self == NULL)
    {
      g_clear_pointer (&body, g_bytes_unref);
      op_free (op);
      return;
    }
  req = op->req;
  op_free (op);
  if (body == NULL)
    {
      head_failed (self, req, 0, error);
      return;
    }
  req->wire_body = body;
  start_attempt (self, req);
}

/* gzip takes milliseconds for a large body: off the worker, on copies of
 * the segment references, so the job never touches the engine. */
static void
start_prepare (FapilogHttpDelivery *self,
               Request             *req)
{
  Op *op = op_new (self, req);
  PrepareJob *job = g_new0 (PrepareJob, 1);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, on_prepared, op);

  req->state = REQUEST_PREPARING;
  job->shape = self->shape;
  job->shape.prefix = g_strdup (self->shape.prefix);
  job->n_segments = req->segments->len;
  job->segments = g_new (Segment, job->n_segments);
  for (guint i = 0; i < job->n_segments; i++)
    {
      job->segments[i] = g_array_index (req->segments, Segment, i);
      fapilog_batch_ref (job->segments[i].batch);
    }
  job->body_len = req->body_len;

  g_task_set_source_tag (task, start_prepare);
  g_task_set_task_data (task, job, prepare_job_free);
  g_task_run_in_thread (task, prepare_thread);
}

/* Starts the head's next step unless one is under way. */
static void
pump (FapilogHttpDelivery *self)
{
  Request *req;

  if (self->op != NULL || self->backoff_timer != NULL || self->given_up)
    return;
  req = g_queue_peek_head (&self->queue);
  if (req == NULL)
    return;
  if (req->wire_body != NULL)
    start_attempt (self, req);
  else if (self->config.compression == FAPILOG_HTTP_COMPRESSION_GZIP)
    start_prepare (self, req);
  else
    {
      req->wire_body = build_body (&self->shape,
                                   (const Segment *) req->segments->data, req->segments->len,
                                   req->body_len);
      start_attempt (self, req);
    }
}

/* ---- flush and stop ----------------------------------------------------- */

/* Requests are held in entry order, so the first unreported entry is the
 * first of the head request, or of the open one. */
static guint64
first_unreported_seq (FapilogHttpDelivery *self)
{
  Request *head = g_queue_peek_head (&self->queue);

  if (head != NULL)
    return head->first_seq;
  if (self->open != NULL && self->open->n_entries > 0)
    return self->open->first_seq;
  return self->next_seq;
}

static gboolean
on_stop_idle (gpointer user_data)
{
  FapilogHttpDelivery *self = user_data;
  GTask *task = g_steal_pointer (&self->stop_task);

  g_clear_pointer (&self->stop_idle, g_source_unref);
  if (self->stop_cancellable != NULL)
    {
      /* Not from inside the handler: disconnecting there would deadlock. */
      g_cancellable_disconnect (self->stop_cancellable, self->stop_cancel_id);
      self->stop_cancel_id = 0;
      g_clear_object (&self->stop_cancellable);
    }
  clear_source (&self->stop_cancel_source);
  pending_diag (self, TRUE);

  /* The callback may free the engine: nothing touches it after this. */
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
check_waiters (FapilogHttpDelivery *self)
{
  guint64 low = first_unreported_seq (self);
  FlushWaiter *waiter;

  while ((waiter = g_queue_peek_head (&self->flush_waiters)) != NULL && waiter->target <= low)
    {
      g_queue_pop_head (&self->flush_waiters);
      g_task_return_boolean (waiter->task, TRUE);
      g_object_unref (waiter->task);
      g_free (waiter);
    }

  /* The stop completes from an idle source: this may run inside the
   * cancellation of the stop itself, whose caller is not ready for the
   * completion callback yet. */
  if (self->stop_task != NULL && self->stop_idle == NULL && self->op == NULL &&
      g_queue_is_empty (&self->queue) && (self->open == NULL || self->open->n_entries == 0))
    {
      self->stop_idle = g_idle_source_new ();
      g_source_set_callback (self->stop_idle, on_stop_idle, self, NULL);
      g_source_set_static_name (self->stop_idle, "fapilog http stop");
      g_source_attach (self->stop_idle, self->context);
    }
}

/* The shutdown deadline passed: every entry still held is reported failed
 * now, while the pipeline still counts; the attempt on the wire is
 * cancelled and the stop completes once its callback has run. */
static void
give_up (FapilogHttpDelivery *self)
{
  g_autoptr(GError) error = NULL;
  guint64 n_entries = 0;
  guint n_requests = 0;
  Request *req;

  if (self->given_up)
    return;
  self->given_up = TRUE;

  clear_source (&self->open_timer);
  clear_source (&self->backoff_timer);
  if (self->op != NULL)
    {
      self->op->req = NULL;
      g_cancellable_cancel (self->op->cancellable);
    }

  if (self->open != NULL)
    {
      req = g_steal_pointer (&self->open);
      if (req->n_entries > 0)
        g_queue_push_tail (&self->queue, req);
      else
        request_free (req);
    }
  if (!g_queue_is_empty (&self->queue))
    {
      error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_SHUTDOWN,
                           "shutdown deadline passed before delivery to %s",
                           self->endpoint_safe);
      for (GList *l = self->queue.head; l != NULL; l = l->next)
        {
          n_requests++;
          n_entries += ((Request *) l->data)->n_entries;
        }
      _fapilog_diag_warn (self->component, "entries not delivered before the shutdown deadline",
                          "endpoint", "s", self->endpoint_safe,
                          "batches", "u", n_requests,
                          "entries", "t", n_entries,
                          NULL);
    }
  while ((req = g_queue_pop_head (&self->queue)) != NULL)
    {
      forget_pending (self, req);
      request_fail (self, req, error);
    }
  check_waiters (self);
}

static void
on_stop_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  FapilogHttpDelivery *self = user_data;

  /* On the worker (where the pipeline cancels), report at once, inside the
   * cancellation, so the counts are in before the pipeline moves on. From
   * another thread the cancellable source below does it on the worker. */
  if (g_main_context_is_owner (self->context))
    give_up (self);
}

static gboolean
on_stop_cancel_source (GCancellable *cancellable,
                       gpointer      user_data)
{
  FapilogHttpDelivery *self = user_data;

  g_clear_pointer (&self->stop_cancel_source, g_source_unref);
  give_up (self);
  return G_SOURCE_REMOVE;
}

/* ---- public (private) API ----------------------------------------------- */

FapilogHttpDelivery *
_fapilog_http_delivery_new (FapilogSink                      *owner,
                            const char                      *component,
                            const FapilogHttpDeliveryConfig *config,
                            GError                         **error)
{
  FapilogHttpDelivery *self;
  g_autoptr(GTlsDatabase) tls_db = NULL;
  GUri *uri = NULL;

  g_return_val_if_fail (FAPILOG_IS_SINK (owner), NULL);
  g_return_val_if_fail (component != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_config (component, config, &uri, error))
    return NULL;

  if (config->tls_ca_file != NULL && *config->tls_ca_file != '\0')
    {
      GError *tls_error = NULL;

      tls_db = g_tls_file_database_new (config->tls_ca_file, &tls_error);
      if (tls_db == NULL)
        {
          g_set_error (error, FAPILOG_CONFIG_ERROR, FAPILOG_CONFIG_ERROR_INVALID_VALUE,
                       "%s: tls-ca-file %s cannot be used: %s",
                       component, config->tls_ca_file, tls_error->message);
          g_error_free (tls_error);
          g_uri_unref (uri);
          return NULL;
        }
    }

  self = g_new0 (FapilogHttpDelivery, 1);
  self->owner = owner;
  self->component = g_strdup (component);
  config_copy (&self->config, config);
  self->uri = uri;
  self->endpoint_safe = endpoint_for_display (uri);
  self->content_type = config->layout == FAPILOG_HTTP_BODY_NDJSON ?
                       "application/x-ndjson" : "application/json";

  self->shape.layout = config->layout;
  self->shape.single = config->layout == FAPILOG_HTTP_BODY_SINGLE_OR_ARRAY &&
                       config->batch_size == 1;
  if (config->layout == FAPILOG_HTTP_BODY_WRAPPED)
    {
      FapilogJsonBuf buf;

      _fapilog_json_buf_init (&buf, 32);
      _fapilog_json_buf_append_c (&buf, '{');
      _fapilog_json_write_string (&buf, config->wrapper_key, strlen (config->wrapper_key));
      _fapilog_json_buf_append_literal (&buf, ":[");
      _fapilog_json_buf_append_c (&buf, '\0');
      self->shape.prefix = _fapilog_json_buf_steal (&buf, &self->shape.prefix_len);
      self->shape.prefix_len--;
    }

  self->context = g_main_context_ref_thread_default ();
  /* The session binds itself to the thread-default context, ours. Its
   * own I/O timeout (60 s by default, per read) is off: one timer per
   * attempt bounds it from connect to last byte, whatever the setting. */
  self->session = soup_session_new_with_options ("user-agent", "fapilog/" PACKAGE_VERSION " ",
                                                 "timeout", 0,
                                                 NULL);
  if (tls_db != NULL)
    soup_session_set_tls_database (self->session, tls_db);
  self->rand = g_rand_new ();
  g_queue_init (&self->queue);
  g_queue_init (&self->flush_waiters);
  self->healthy = TRUE;
  return self;
}

void
_fapilog_http_delivery_set_decorate (FapilogHttpDelivery     *self,
                                     FapilogHttpDecorateFunc  func,
                                     gpointer                 user_data)
{
  g_return_if_fail (self != NULL);

  self->decorate = func;
  self->decorate_data = user_data;
}

void
_fapilog_http_delivery_add (FapilogHttpDelivery *self,
                            FapilogBatch        *batch,
                            guint                first,
                            guint                n)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (batch != NULL);
  g_return_if_fail (first <= fapilog_batch_get_n_entries (batch));
  g_return_if_fail (n <= fapilog_batch_get_n_entries (batch) - first);

  if (n == 0)
    return;
  if (self->stopping)
    {
      /* Accepted entries must be reported; these arrived too late to be
       * sent at all. */
      g_autoptr(GError) error = g_error_new (FAPILOG_SINK_ERROR, FAPILOG_SINK_ERROR_SHUTDOWN,
                                             "%s: entries arrived after stop", self->component);
      fapilog_sink_report_failed (self->owner, batch, first, n, error);
      return;
    }

  for (guint i = first; i < first + n; i++)
    {
      gsize len;

      fapilog_batch_get_entry_data (batch, i, &len);
      /* An entry that would push the body past the limit starts the next
       * request; one that is too large even alone goes alone. */
      if (self->open != NULL && self->open->n_entries > 0 &&
          body_len_for (&self->shape, self->open->lines_len + len) > self->config.batch_max_bytes)
        close_open (self);
      if (self->open == NULL)
        self->open = request_new (self->next_seq);
      append_entry (self, self->open, batch, i, len);
      if (self->open->n_entries == 1 && self->open_timer == NULL)
        self->open_timer = add_timer (self, self->config.batch_timeout_seconds,
                                      on_open_timer, self, "fapilog http batch timeout");
      if (self->open->n_entries >= self->config.batch_size ||
          self->open->body_len >= self->config.batch_max_bytes)
        close_open (self);
    }
  enforce_pending_limit (self);
}

void
_fapilog_http_delivery_flush_async (FapilogHttpDelivery *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  FlushWaiter *waiter;

  g_return_if_fail (self != NULL);

  task = g_task_new (self->owner, cancellable, callback, user_data);
  g_task_set_source_tag (task, _fapilog_http_delivery_flush_async);
  /* Returning TRUE even when the caller's cancellable fires meanwhile:
   * nothing is abandoned on flush, the outcomes are reported anyway. */
  g_task_set_check_cancellable (task, FALSE);

  close_open (self);
  waiter = g_new0 (FlushWaiter, 1);
  waiter->task = task;
  waiter->target = self->next_seq;
  g_queue_push_tail (&self->flush_waiters, waiter);
  check_waiters (self);
}

gboolean
_fapilog_http_delivery_flush_finish (FapilogHttpDelivery  *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self->owner), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, _fapilog_http_delivery_flush_async),
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
_fapilog_http_delivery_stop_async (FapilogHttpDelivery *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* The cancellable means "deadline passed", handled below, not "abort
   * the stop": the task itself ignores it. */
  task = g_task_new (self->owner, NULL, callback, user_data);
  g_task_set_source_tag (task, _fapilog_http_delivery_stop_async);

  if (self->stop_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "%s: already stopping", self->component);
      g_object_unref (task);
      return;
    }
  self->stop_task = task;
  self->stopping = TRUE;

  if (cancellable != NULL)
    {
      self->stop_cancellable = g_object_ref (cancellable);
      self->stop_cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->stop_cancel_source, G_SOURCE_FUNC (on_stop_cancel_source),
                             self, NULL);
      g_source_set_static_name (self->stop_cancel_source, "fapilog http stop deadline");
      g_source_attach (self->stop_cancel_source, self->context);
      /* Runs on_stop_cancelled() at once if the deadline has passed. */
      self->stop_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_stop_cancelled),
                                                    self, NULL);
    }

  close_open (self);
  check_waiters (self);
}

gboolean
_fapilog_http_delivery_stop_finish (FapilogHttpDelivery  *self,
                                    GAsyncResult         *result,
                                    GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self->owner), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, _fapilog_http_delivery_stop_async),
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
_fapilog_http_delivery_is_healthy (FapilogHttpDelivery *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return g_atomic_int_get (&self->healthy);
}

void
_fapilog_http_delivery_free (FapilogHttpDelivery *self)
{
  FlushWaiter *waiter;

  if (self == NULL)
    return;

  /* Normally the stop has already delivered or reported everything; this
   * covers a sink dropped without one. */
  give_up (self);
  if (self->op != NULL)
    {
      /* Its callback will find the engine gone. */
      self->op->self = NULL;
      self->op->req = NULL;
      g_cancellable_cancel (self->op->cancellable);
      self->op = NULL;
    }
  while ((waiter = g_queue_pop_head (&self->flush_waiters)) != NULL)
    {
      g_task_return_boolean (waiter->task, TRUE);
      g_object_unref (waiter->task);
      g_free (waiter);
    }
  if (self->stop_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->stop_task);

      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  clear_source (&self->stop_idle);
  clear_source (&self->stop_cancel_source);
  if (self->stop_cancellable != NULL)
    {
      g_cancellable_disconnect (self->stop_cancellable, self->stop_cancel_id);
      g_clear_object (&self->stop_cancellable);
    }
  pending_diag (self, TRUE);

  soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->endpoint_safe);
  g_free (self->shape.prefix);
  g_free (self->component);
  _fapilog_http_delivery_config_clear (&self->config);
  g_free (self);
}
