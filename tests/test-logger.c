/* test-logger.c: fields, binding, thread context, macros, errors
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fapilog-test-utils.h"

#define SECOND G_USEC_PER_SEC

typedef struct {
  FapilogSettings *settings;
  FapilogSink     *sink;
  FapilogPipeline *pipeline;
  FapilogLogger   *log;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->settings = test_settings_new ();
  g_object_set (f->settings, "log-level", FAPILOG_LEVEL_DEBUG, NULL);
  f->sink = test_sink_new ("rec", TEST_SINK_BATCH);
  f->pipeline = fapilog_pipeline_new (f->settings);
  fapilog_pipeline_add_sink (f->pipeline, f->sink);
  g_assert_true (fapilog_pipeline_start (f->pipeline, &error));
  f->log = fapilog_pipeline_get_logger (f->pipeline, "app");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(FapilogStats) stats = fapilog_pipeline_shutdown (f->pipeline, 10 * SECOND);

  g_object_unref (f->log);
  g_object_unref (f->pipeline);
  g_object_unref (f->sink);
  g_object_unref (f->settings);
  fapilog_context_clear ();
}

/* Flushes and returns received line @index parsed. */
static JsonObject *
received (Fixture *f,
          guint    index_)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_assert_true (fapilog_pipeline_flush (f->pipeline, 10 * SECOND, &error));
  g_assert_no_error (error);
  lines = test_sink_dup_lines (f->sink);
  g_assert_cmpuint (lines->len, >, index_);
  return test_parse_object (g_ptr_array_index (lines, index_));
}

static void
test_field_types (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) obj = NULL;
  JsonObject *d;
  JsonArray *array;
  const char *tags[] = { "a", "b", NULL };

  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "types",
                      "s", "s", "text",
                      "i", "i", -42,
                      "u", "u", 4000000000u,
                      "x", "x", G_MININT64,
                      "t", "t", G_MAXUINT64,
                      "d", "d", 2.5,
                      "b", "b", TRUE,
                      "y", "y", 200,
                      "n", "n", -3,
                      "q", "q", 65535,
                      "as", "^as", tags,
                      "tuple", "(si)", "pair", 7,
                      "dict", "@a{sv}", g_variant_new_parsed ("{'k': <1>}"),
                      "nothing", "ms", NULL,
                      "nan", "d", NAN,
                      "null_string", "s", NULL,
                      NULL);
  obj = received (f, 0);
  d = json_object_get_object_member (obj, "data");
  g_assert_cmpstr (json_object_get_string_member (d, "s"), ==, "text");
  g_assert_cmpint (json_object_get_int_member (d, "i"), ==, -42);
  g_assert_cmpint (json_object_get_int_member (d, "u"), ==, 4000000000);
  g_assert_cmpint (json_object_get_int_member (d, "x"), ==, G_MININT64);
  g_assert_cmpfloat (json_object_get_double_member (d, "d"), ==, 2.5);
  g_assert_true (json_object_get_boolean_member (d, "b"));
  g_assert_cmpint (json_object_get_int_member (d, "y"), ==, 200);
  g_assert_cmpint (json_object_get_int_member (d, "n"), ==, -3);
  g_assert_cmpint (json_object_get_int_member (d, "q"), ==, 65535);
  array = json_object_get_array_member (d, "as");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "b");
  array = json_object_get_array_member (d, "tuple");
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "pair");
  g_assert_cmpint (json_array_get_int_element (array, 1), ==, 7);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (d, "dict"), "k"), ==, 1);
  g_assert_true (json_object_get_null_member (d, "nothing"));
  g_assert_true (json_object_get_null_member (d, "nan"));
  g_assert_true (json_object_get_null_member (d, "null_string"));
  /* uint64 max survives as text exactly (json-glib reads it as int64). */
  {
    g_autoptr(GPtrArray) lines = test_sink_dup_lines (f->sink);
    g_assert_nonnull (strstr (g_ptr_array_index (lines, 0), "\"t\":18446744073709551615"));
  }
}

static void
test_bad_format_is_visible (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonObject) obj = NULL;
  JsonObject *d;

  /* "ii" would eat two arguments for one key: refused, recorded, and the
   * rest of the list abandoned rather than misread. */
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "bad", "ok", "i", 1, "pair", "ii", 1, 2, NULL);
  obj = received (f, 0);
  d = json_object_get_object_member (obj, "data");
  g_assert_cmpint (json_object_get_int_member (d, "ok"), ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (d, "pair"), "invalid"));
}

static void
test_bind (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(FapilogLogger) bound = fapilog_logger_bind (f->log, "svc", "s", "auth", "n", "i", 1, NULL);
  g_autoptr(FapilogLogger) rebound = fapilog_logger_bind (bound, "n", "i", 2, NULL);
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;
  g_autoptr(JsonObject) e = NULL;

  g_assert_true (bound != f->log);
  g_assert_cmpstr (fapilog_logger_get_name (bound), ==, "app");
  fapilog_logger_log (bound, FAPILOG_LEVEL_INFO, "a", NULL);
  fapilog_logger_log (rebound, FAPILOG_LEVEL_INFO, "b", NULL);
  fapilog_logger_log (rebound, FAPILOG_LEVEL_INFO, "c", "n", "i", 3, NULL);
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "e", NULL);

  a = received (f, 0);
  b = received (f, 1);
  c = received (f, 2);
  e = received (f, 3);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (a, "data"), "svc"), ==, "auth");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (a, "data"), "n"), ==, 1);
  /* Binding again replaces; the original logger is unchanged. */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (b, "data"), "n"), ==, 2);
  /* A call field wins over a bound one. */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (c, "data"), "n"), ==, 3);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (e, "data")), ==, 0);
}

static void
test_bind_variant_and_log_variant (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(FapilogLogger) bound =
    fapilog_logger_bind_variant (f->log, g_variant_new_parsed ("{'tenant_id': <'t-9'>, 'k': <'bound'>}"));
  g_autoptr(JsonObject) obj = NULL;
  JsonObject *context, *d;

  /* Floating dictionaries are sunk and freed (valgrind would see a leak). */
  fapilog_logger_log_variant (bound, FAPILOG_LEVEL_WARNING, "variant",
                              g_variant_new_parsed ("{'k': <'call'>, 'list': <[1, 2]>}"));
  obj = received (f, 0);
  context = json_object_get_object_member (obj, "context");
  d = json_object_get_object_member (obj, "data");
  g_assert_cmpstr (json_object_get_string_member (obj, "level"), ==, "WARNING");
  g_assert_cmpstr (json_object_get_string_member (context, "tenant_id"), ==, "t-9");
  g_assert_cmpstr (json_object_get_string_member (d, "k"), ==, "call");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (d, "list")), ==, 2);
}

static void
test_context_keys_and_correlation (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autofree char *dup = NULL;
  JsonObject *context;

  fapilog_context_set_correlation_id ("corr-1");
  fapilog_context_bind ("request_id", g_variant_new_string ("req-7"));
  fapilog_context_bind ("region", g_variant_new_string ("eu"));
  dup = fapilog_context_dup_correlation_id ();
  g_assert_cmpstr (dup, ==, "corr-1");
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "in request", "user_id", "s", "u-1", NULL);
  /* Captured at log time: changing the context afterwards changes nothing
   * for the entry already logged. */
  fapilog_context_clear ();
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "after", NULL);

  first = received (f, 0);
  context = json_object_get_object_member (first, "context");
  g_assert_cmpstr (json_object_get_string_member (context, "correlation_id"), ==, "corr-1");
  g_assert_cmpstr (json_object_get_string_member (context, "request_id"), ==, "req-7");
  g_assert_cmpstr (json_object_get_string_member (context, "user_id"), ==, "u-1");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first, "data"), "region"), ==, "eu");
  g_assert_false (json_object_has_member (json_object_get_object_member (first, "data"), "request_id"));

  second = received (f, 1);
  context = json_object_get_object_member (second, "context");
  g_assert_true (json_object_get_null_member (context, "correlation_id"));
  g_assert_false (json_object_has_member (context, "request_id"));
}

static gpointer
log_from_other_thread (gpointer data)
{
  Fixture *f = data;

  /* This thread has its own, empty context. */
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "other thread", NULL);
  fapilog_context_set_correlation_id ("theirs");
  return NULL;
}

static void
test_context_is_per_thread (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) mine = NULL;
  GThread *thread;

  fapilog_context_set_correlation_id ("mine");
  fapilog_context_bind ("span_id", g_variant_new_string ("s1"));
  thread = g_thread_new ("other", log_from_other_thread, f);
  g_thread_join (thread);
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "this thread", NULL);

  obj = received (f, 0);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (obj, "context"), "correlation_id"));
  g_assert_false (json_object_has_member (json_object_get_object_member (obj, "context"), "span_id"));
  mine = received (f, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (mine, "context"), "correlation_id"), ==, "mine");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (mine, "context"), "span_id"), ==, "s1");

  fapilog_context_unbind ("span_id");
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "unbound", NULL);
  {
    g_autoptr(JsonObject) unbound = received (f, 2);
    JsonObject *context = json_object_get_object_member (unbound, "context");
    g_assert_false (json_object_has_member (context, "span_id"));
    g_assert_cmpstr (json_object_get_string_member (context, "correlation_id"), ==, "mine");
  }
}

static void
test_macros_record_origin (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) obj = NULL;
  JsonObject *origin;
  int line;

  line = __LINE__ + 1;
  fapilog_warning (f->log, "from a macro", "k", "i", 1, NULL);
  fapilog_debug (f->log, "debug without fields", NULL);
  fapilog_critical (f->log, "critical", NULL);
  fapilog_audit (f->log, "audit", NULL);
  fapilog_security (f->log, "security", NULL);

  obj = received (f, 0);
  origin = json_object_get_object_member (json_object_get_object_member (obj, "diagnostics"), "origin");
  g_assert_nonnull (strstr (json_object_get_string_member (origin, "file"), "test-logger.c"));
  g_assert_cmpint (json_object_get_int_member (origin, "line"), ==, line);
  g_assert_cmpstr (json_object_get_string_member (origin, "function"), ==, "test_macros_record_origin");
  {
    const char *levels[] = { "WARNING", "DEBUG", "CRITICAL", "AUDIT", "SECURITY" };
    for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
      {
        g_autoptr(JsonObject) o = received (f, i);
        g_assert_cmpstr (json_object_get_string_member (o, "level"), ==, levels[i]);
      }
  }
}

static void
test_error_recorded (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No such file");
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  JsonObject *exception;

  fapilog_exception (f->log, error, "cannot open", "path", "s", "/x", NULL);
  fapilog_logger_log_error (f->log, FAPILOG_LEVEL_CRITICAL, error, "again", NULL);

  a = received (f, 0);
  g_assert_cmpstr (json_object_get_string_member (a, "level"), ==, "ERROR");
  exception = json_object_get_object_member (json_object_get_object_member (a, "diagnostics"), "exception");
  g_assert_cmpstr (json_object_get_string_member (exception, "domain"), ==, "g-io-error-quark");
  g_assert_cmpint (json_object_get_int_member (exception, "code"), ==, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (json_object_get_string_member (exception, "message"), ==, "No such file");
  b = received (f, 1);
  g_assert_cmpstr (json_object_get_string_member (b, "level"), ==, "CRITICAL");
  g_assert_true (json_object_has_member (json_object_get_object_member (b, "diagnostics"), "exception"));
}

/* A wrapper of the kind log_valist exists for. */
static void G_GNUC_NULL_TERMINATED
log_through_valist (FapilogLogger *log,
                    FapilogLevel   level,
                    const char    *message,
                    ...)
{
  va_list args;

  va_start (args, message);
  fapilog_logger_log_valist (log, level, message, args);
  va_end (args);
}

/* Entry @index without what differs between two log calls (the time and
 * the message id), as a node to compare. */
static JsonNode *
received_comparable (Fixture *f,
                     guint    index_)
{
  g_autoptr(JsonObject) obj = received (f, index_);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_assert_true (json_object_has_member (obj, "timestamp"));
  json_object_remove_member (obj, "timestamp");
  json_object_remove_member (json_object_get_object_member (obj, "context"), "message_id");
  json_node_set_object (node, obj);
  return node;
}

static void
assert_same_entry (Fixture *f,
                   guint    a,
                   guint    b)
{
  g_autoptr(JsonNode) x = received_comparable (f, a);
  g_autoptr(JsonNode) y = received_comparable (f, b);

  if (!json_node_equal (x, y))
    {
      g_autofree char *tx = json_to_string (x, FALSE);
      g_autofree char *ty = json_to_string (y, FALSE);
      g_error ("entries %u and %u differ:\n%s\n%s", a, b, tx, ty);
    }
}

/* Each C-only (varargs) call and its introspectable twin log the same
 * entry. */
static void
test_twins_match_varargs (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "Permission denied");
  const char *tags[] = { "a", "b", NULL };
  g_autoptr(FapilogLogger) bound_c = NULL;
  g_autoptr(FapilogLogger) bound_v = NULL;
  g_autoptr(JsonObject) full = NULL;
  g_autoptr(JsonObject) with_error = NULL;
  g_autoptr(JsonObject) bound = NULL;
  JsonObject *diagnostics, *origin;

  /* 0, 1, 2: log, log_variant, log_valist */
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "fields",
                      "user_id", "s", "u-1", "n", "i", 3, "tags", "^as", tags, NULL);
  fapilog_logger_log_variant (f->log, FAPILOG_LEVEL_INFO, "fields",
                              g_variant_new_parsed ("{'user_id': <'u-1'>, 'n': <3>, 'tags': <['a', 'b']>}"));
  log_through_valist (f->log, FAPILOG_LEVEL_INFO, "fields",
                      "user_id", "s", "u-1", "n", "i", 3, "tags", "^as", tags, NULL);
  /* 3, 4: log_error, log_error_variant */
  fapilog_logger_log_error (f->log, FAPILOG_LEVEL_ERROR, error, "denied", "n", "i", 3, NULL);
  fapilog_logger_log_error_variant (f->log, FAPILOG_LEVEL_ERROR, error, "denied",
                                    g_variant_new_parsed ("{'n': <3>}"));
  /* 5, 6: log_full, log_variant_full */
  fapilog_logger_log_full (f->log, FAPILOG_LEVEL_WARNING, "lib.vala", 12, "do_it", error,
                           "full", "n", "i", 3, NULL);
  fapilog_logger_log_variant_full (f->log, FAPILOG_LEVEL_WARNING, "full",
                                   g_variant_new_parsed ("{'n': <3>}"), error, "lib.vala", 12, "do_it");
  /* 7, 8: bind, bind_variant */
  bound_c = fapilog_logger_bind (f->log, "request_id", "s", "r-1", "k", "i", 1, NULL);
  bound_v = fapilog_logger_bind_variant (f->log, g_variant_new_parsed ("{'request_id': <'r-1'>, 'k': <1>}"));
  fapilog_logger_log (bound_c, FAPILOG_LEVEL_INFO, "bound", "k", "i", 2, NULL);
  fapilog_logger_log_variant (bound_v, FAPILOG_LEVEL_INFO, "bound", g_variant_new_parsed ("{'k': <2>}"));

  assert_same_entry (f, 0, 1);
  assert_same_entry (f, 0, 2);
  assert_same_entry (f, 3, 4);
  assert_same_entry (f, 5, 6);
  assert_same_entry (f, 7, 8);

  /* And what they logged is right, not merely equal. */
  with_error = received (f, 4);
  diagnostics = json_object_get_object_member (with_error, "diagnostics");
  g_assert_cmpstr (json_object_get_string_member (with_error, "level"), ==, "ERROR");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (diagnostics, "exception"), "code"),
                   ==, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_false (json_object_has_member (diagnostics, "origin"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (with_error, "data"), "n"), ==, 3);
  full = received (f, 6);
  origin = json_object_get_object_member (json_object_get_object_member (full, "diagnostics"), "origin");
  g_assert_cmpstr (json_object_get_string_member (origin, "file"), ==, "lib.vala");
  g_assert_cmpint (json_object_get_int_member (origin, "line"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (origin, "function"), ==, "do_it");
  bound = received (f, 8);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bound, "context"), "request_id"),
                   ==, "r-1");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (bound, "data"), "k"), ==, 2);
}

/* The twins take NULL fields and a NULL error, dictionaries of any value
 * type keyed by strings, and sink floating references whether or not the
 * entry passes the level gate (ASan and valgrind see a leak otherwise). */
static void
test_twins_optional_arguments (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(FapilogLogger) same = NULL;
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;
  g_autoptr(JsonObject) c = NULL;

  fapilog_logger_log_variant (f->log, FAPILOG_LEVEL_INFO, "no fields", NULL);
  fapilog_logger_log_error_variant (f->log, FAPILOG_LEVEL_ERROR, NULL, "no error",
                                    g_variant_new_parsed ("{'a': 'x', 'b': 'y'}"));
  fapilog_logger_log_variant_full (f->log, FAPILOG_LEVEL_INFO, "nothing optional",
                                   NULL, NULL, NULL, 0, NULL);
  same = fapilog_logger_bind_variant (f->log, NULL);
  g_assert_nonnull (same);

  a = received (f, 0);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (a, "data")), ==, 0);
  b = received (f, 1);
  g_assert_false (json_object_has_member (json_object_get_object_member (b, "diagnostics"), "exception"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (b, "data"), "b"), ==, "y");
  c = received (f, 2);
  g_assert_false (json_object_has_member (json_object_get_object_member (c, "diagnostics"), "origin"));

  fapilog_pipeline_set_level (f->pipeline, FAPILOG_LEVEL_WARNING);
  fapilog_logger_log_variant (f->log, FAPILOG_LEVEL_INFO, "gated", g_variant_new_parsed ("{'k': <1>}"));
  fapilog_logger_log_error_variant (f->log, FAPILOG_LEVEL_DEBUG, NULL, "gated",
                                    g_variant_new_parsed ("{'k': <1>}"));
  fapilog_logger_log_variant_full (f->log, FAPILOG_LEVEL_INFO, "gated",
                                   g_variant_new_parsed ("{'k': <1>}"), NULL, "f.c", 1, "f");
  g_assert_true (fapilog_pipeline_flush (f->pipeline, 10 * SECOND, NULL));
  stats = fapilog_pipeline_get_stats (f->pipeline);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 3);
  g_assert_cmpuint (test_sink_get_n_received (f->sink), ==, 3);
}

/* A value that is not a dictionary keyed by strings is a programming
 * error: a critical, nothing logged, no crash. */
static void
test_twins_refuse_bad_fields (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GVariant) not_a_dict = g_variant_ref_sink (g_variant_new_string ("x"));
  g_autoptr(GVariant) int_keys = g_variant_ref_sink (g_variant_new_parsed ("{1: <2>}"));
  g_autoptr(FapilogStats) stats = NULL;
  g_autoptr(JsonObject) obj = NULL;
  FapilogLogger *none;

  g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*a{s*}*");
  fapilog_logger_log_variant (f->log, FAPILOG_LEVEL_INFO, "bad", not_a_dict);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*a{s*}*");
  fapilog_logger_log_error_variant (f->log, FAPILOG_LEVEL_INFO, NULL, "bad", int_keys);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*a{s*}*");
  none = fapilog_logger_bind_variant (f->log, int_keys);
  g_test_assert_expected_messages ();
  g_assert_null (none);
  g_test_expect_message ("Fapilog", G_LOG_LEVEL_CRITICAL, "*message != NULL*");
  fapilog_logger_log_error_variant (f->log, FAPILOG_LEVEL_INFO, NULL, NULL, NULL);
  g_test_assert_expected_messages ();

  /* The variants the caller passed are still theirs, and intact. */
  g_assert_cmpstr (g_variant_get_string (not_a_dict, NULL), ==, "x");
  g_assert_false (g_variant_is_floating (int_keys));

  fapilog_logger_log_variant (f->log, FAPILOG_LEVEL_INFO, "good", NULL);
  obj = received (f, 0);
  g_assert_cmpstr (json_object_get_string_member (obj, "message"), ==, "good");
  stats = fapilog_pipeline_get_stats (f->pipeline);
  g_assert_cmpuint (fapilog_stats_get_submitted (stats), ==, 1);
}

static void
test_huge_and_hostile_message (Fixture       *f,
                               gconstpointer  data)
{
  gsize size = 1024 * 1024;
  g_autofree char *huge = g_malloc (size + 1);
  g_autoptr(JsonObject) a = NULL;
  g_autoptr(JsonObject) b = NULL;

  memset (huge, 'x', size);
  huge[size] = '\0';
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, huge, NULL);
  fapilog_logger_log (f->log, FAPILOG_LEVEL_INFO, "bad \xff\xfe utf8 \x01\n\"q\"", "k\xc0", "s", "v\xed\xa0\x80", NULL);

  a = received (f, 0);
  g_assert_cmpuint (strlen (json_object_get_string_member (a, "message")), ==, size);
  b = received (f, 1);
  g_assert_cmpstr (json_object_get_string_member (b, "message"), ==,
                   "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \x01\n\"q\"");
  g_assert_true (g_utf8_validate (json_object_get_string_member (
      json_object_get_object_member (b, "data"), "k\xef\xbf\xbd"), -1, NULL));
}

static void
test_levels_and_names (void)
{
  FapilogLevel level;

  g_assert_cmpstr (fapilog_level_to_string (FAPILOG_LEVEL_SECURITY), ==, "SECURITY");
  g_assert_cmpstr (fapilog_level_to_string (12345), ==, "UNKNOWN");
  g_assert_true (fapilog_level_from_string ("warn", &level));
  g_assert_cmpint (level, ==, FAPILOG_LEVEL_WARNING);
  g_assert_true (fapilog_level_from_string ("Fatal", &level));
  g_assert_cmpint (level, ==, FAPILOG_LEVEL_CRITICAL);
  g_assert_false (fapilog_level_from_string ("loud", &level));
  /* (out) (optional): a caller may only check the name. */
  g_assert_true (fapilog_level_from_string ("audit", NULL));
  g_assert_false (fapilog_level_from_string ("loud", NULL));
  g_assert_cmpint (FAPILOG_LEVEL_DEBUG, <, FAPILOG_LEVEL_INFO);
  g_assert_cmpint (FAPILOG_LEVEL_AUDIT, <, FAPILOG_LEVEL_SECURITY);
}

static void
test_bad_arguments (void)
{
  if (g_test_subprocess ())
    {
      /* Contained: a critical and no crash. */
      fapilog_logger_log (NULL, FAPILOG_LEVEL_INFO, "x", NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_stderr ("*CRITICAL*FAPILOG_IS_LOGGER*");
}

static void
test_default_logger (void)
{
  if (g_test_subprocess ())
    {
      FapilogLogger *log;
      g_autoptr(FapilogStats) stats = NULL;

      g_setenv ("FAPILOG_CORE__SINKS", "stdout_json", TRUE);
      log = fapilog_get_logger ("default");
      g_assert_true (log == fapilog_get_logger ("default"));
      fapilog_info (log, "through the default pipeline", "n", "i", 5, NULL);
      stats = fapilog_shutdown_with_stats (5 * SECOND);
      g_assert_cmpuint (fapilog_stats_get_sink_written (stats, "stdout_json"), ==, 1);
      /* No restart after shutdown. */
      fapilog_info (log, "dropped", NULL);
      g_clear_pointer (&stats, fapilog_stats_unref);
      stats = fapilog_shutdown_with_stats (0);
      g_assert_cmpuint (fapilog_stats_get_dropped (stats), ==, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*\"message\":\"through the default pipeline\"*\"data\":{\"n\":5}}*");
}

static void
test_default_logger_bad_config (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("FAPILOG_CORE__MAX_QUEUE_SIZE", "lots", TRUE);
      fapilog_info (fapilog_get_logger (NULL), "still logged", NULL);
      fapilog_shutdown ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* Reported, and logging falls back to JSON on stdout. */
  g_test_trap_assert_stderr ("*FAPILOG_CORE__MAX_QUEUE_SIZE*lots*");
  g_test_trap_assert_stdout ("*\"message\":\"still logged\"*");
}

static void
test_default_logger_unknown_sink_keeps_settings (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("FAPILOG_CORE__SINKS", "no_such_sink", TRUE);
      g_setenv ("FAPILOG_SERVICE", "kept-service", TRUE);
      g_setenv ("FAPILOG_CORE__INTERNAL_LOGGING_ENABLED", "false", TRUE);
      fapilog_info (fapilog_get_logger (NULL), "still logged", NULL);
      fapilog_shutdown ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* Reported even though diagnostics were switched off, and the settings
   * that did parse are kept. */
  g_test_trap_assert_stderr ("*no_such_sink*");
  g_test_trap_assert_stdout ("*\"message\":\"still logged\"*\"service\":\"kept-service\"*");
}

static void
test_atexit_drain (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("FAPILOG_CORE__SINKS", "stdout_json", TRUE);
      g_setenv ("FAPILOG_CORE__BATCH_TIMEOUT_SECONDS", "60", TRUE);
      fapilog_info (fapilog_get_logger ("exit"), "delivered at exit", NULL);
      /* No shutdown call: the exit handler drains. */
      exit (0);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*delivered at exit*");
}

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/logger/field-types", test_field_types);
  ADD ("/logger/bad-format-is-visible", test_bad_format_is_visible);
  ADD ("/logger/bind", test_bind);
  ADD ("/logger/bind-variant-and-log-variant", test_bind_variant_and_log_variant);
  ADD ("/logger/context-keys-and-correlation", test_context_keys_and_correlation);
  ADD ("/logger/context-is-per-thread", test_context_is_per_thread);
  ADD ("/logger/macros-record-origin", test_macros_record_origin);
  ADD ("/logger/error-recorded", test_error_recorded);
  ADD ("/logger/twins-match-varargs", test_twins_match_varargs);
  ADD ("/logger/twins-optional-arguments", test_twins_optional_arguments);
  ADD ("/logger/twins-refuse-bad-fields", test_twins_refuse_bad_fields);
  ADD ("/logger/huge-and-hostile-message", test_huge_and_hostile_message);
  g_test_add_func ("/logger/levels-and-names", test_levels_and_names);
  g_test_add_func ("/logger/bad-arguments", test_bad_arguments);
  g_test_add_func ("/logger/default-logger", test_default_logger);
  g_test_add_func ("/logger/default-logger-bad-config", test_default_logger_bad_config);
  g_test_add_func ("/logger/default-logger-unknown-sink-keeps-settings",
                   test_default_logger_unknown_sink_keeps_settings);
  g_test_add_func ("/logger/atexit-drain", test_atexit_drain);

  return g_test_run ();
}
