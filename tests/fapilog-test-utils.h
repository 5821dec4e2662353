/* fapilog-test-utils.h: helpers shared by the test programs
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <fapilog/fapilog.h>

G_BEGIN_DECLS

/* Which of the interface's write methods a test sink implements. */
typedef enum {
  TEST_SINK_ENTRY      = 1 << 0,
  TEST_SINK_SERIALIZED = 1 << 1,
  TEST_SINK_BATCH      = 1 << 2,
} TestSinkMethods;

/* A real sink that records what it receives. Behaviour can be changed at
 * any time from the test thread: fail every write, complete each write only
 * after a delay (a timer on the worker's main context), or never complete. */
FapilogSink *test_sink_new              (const char      *name,
                                         TestSinkMethods  methods);
void         test_sink_set_fail         (FapilogSink     *sink,
                                         gboolean         fail);
/* While failing, a batch write still takes its first @n_taken entries
 * (records them and reports them written); the rest fail. */
void         test_sink_set_fail_after   (FapilogSink     *sink,
                                         guint            n_taken);
void         test_sink_set_fail_start   (FapilogSink     *sink,
                                         gboolean         fail);
void         test_sink_set_delay_ms     (FapilogSink     *sink,
                                         guint            delay_ms);
void         test_sink_set_hang         (FapilogSink     *sink,
                                         gboolean         hang);
/* The writes held while hanging, and their release: the oldest @n of them
 * (G_MAXUINT: all) complete in the order they came, each with @error
 * (copied) or, if it is NULL, as succeeded. Whether later writes hang is
 * still up to test_sink_set_hang(). */
guint        test_sink_get_n_hung       (FapilogSink     *sink);
void         test_sink_release_hung     (FapilogSink     *sink,
                                         guint            n,
                                         const GError    *error);
/* Calls @hook (without the sink's lock) on the worker thread at the start
 * of every write. */
void         test_sink_set_write_hook   (FapilogSink     *sink,
                                         GFunc            hook,
                                         gpointer         hook_data);
/* Lines received (each a JSON object, no newline), in order. */
GPtrArray   *test_sink_dup_lines        (FapilogSink     *sink);
guint        test_sink_get_n_received   (FapilogSink     *sink);
guint        test_sink_get_calls        (FapilogSink     *sink,
                                         TestSinkMethods  method);
/* The largest number of entries one write_batch call received. */
guint        test_sink_get_max_batch    (FapilogSink     *sink);
/* FALSE once some batch's data was not exactly its lines, contiguous. */
gboolean     test_sink_get_batch_data_ok (FapilogSink    *sink);
gboolean     test_sink_get_started      (FapilogSink     *sink);
gboolean     test_sink_get_stopped      (FapilogSink     *sink);
/* Order in which sinks were stopped, process-wide (names). */
GPtrArray   *test_sink_stop_order       (void);
/* Waits (on a condition variable, not a sleep) until @n entries arrived. */
gboolean     test_sink_wait_for         (FapilogSink     *sink,
                                         guint            n,
                                         gint64           timeout_us);

/* Settings with small, fast values for tests. */
FapilogSettings *test_settings_new      (void);

/* Parses a JSON object line; fails the test if it is not one. */
JsonObject  *test_parse_object          (const char      *line);

/* The stderr fallback (and the diagnostics, which share its descriptor
 * unless redirected) captured into a pipe for the length of a test. */
typedef struct {
  int read_fd;
  int write_fd;
} TestCapture;

void         test_capture_begin         (TestCapture     *capture);
char        *test_capture_end           (TestCapture     *capture);

G_END_DECLS
