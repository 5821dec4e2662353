/* bench-serialize.c: the serializer alone, on one thread, per entry
 *
 * Writing a batch to a file costs the rotating_file sink's thread two
 * things per entry: making the JSON line and the write() that copies it
 * into the page cache. bench-throughput measures them together, with the
 * noise of four threads on shared CPUs; this program measures the first
 * one alone, so that a change to the envelope writer can be judged by a
 * figure that moves by less than a nanosecond between runs.
 *
 * The entries are the ones every benchmark logs (bench-common.h), made by
 * the same capture code as fapilog_logger_log() (which draws their message
 * ids). Figures, in nanoseconds per entry, are the fastest of several
 * rounds, so that interruptions do not count:
 *
 *   envelope, hot    the same 64 entries serialized over and over: the
 *                    code's own cost, everything in the L1 cache;
 *   envelope, batch  4096 entries at a time into a fresh buffer, as the
 *                    sink's thread does with a merged batch (entries and
 *                    output no longer fit the L2 cache);
 *   timestamp        the timestamp text alone;
 *   double           the double field's text alone;
 *   string           the message's JSON string alone.
 *
 * Usage: bench-serialize [--rounds N]
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "bench-common.h"
#include "fapilog-entry-private.h"
#include "fapilog-envelope-private.h"
#include "fapilog-fields-private.h"
#include "fapilog-json-writer-private.h"

#define HOT_ENTRIES   64
#define BATCH_ENTRIES 4096
#define HOT_REPEATS   200

static gint64 n_rounds = 30;

static FapilogEntry *
make_entry (FapilogLoggerCore *core,
            guint64            i,
            ...)
{
  FapilogFieldCollector fields;
  FapilogEntry *entry;
  va_list args;
  const char *first_key;

  va_start (args, i);
  first_key = va_arg (args, const char *);
  _fapilog_field_collector_init (&fields);
  _fapilog_field_collector_add_valist (&fields, first_key, &args);
  va_end (args);

  entry = _fapilog_entry_new_captured (core, NULL, FAPILOG_LEVEL_INFO, g_get_real_time (),
                                       BENCH_MESSAGE, NULL, 0, NULL, NULL, &fields);
  _fapilog_field_collector_clear (&fields);
  return entry;
}

static FapilogEntry **
make_entries (FapilogLoggerCore *core,
              guint              n)
{
  FapilogEntry **entries = g_new (FapilogEntry *, n);

  for (guint i = 0; i < n; i++)
    entries[i] = make_entry (core, i,
                             BENCH_KEY_S, "s", bench_value_s (i),
                             BENCH_KEY_I, "i", bench_value_i (i),
                             BENCH_KEY_D, "d", bench_value_d (i),
                             NULL);
  return entries;
}

static void
free_entries (FapilogEntry **entries,
              guint          n)
{
  _fapilog_entry_unref_many (entries, n);
  g_free (entries);
}

/* Runs @round @n_rounds times; each call handles @per_round entries.
 * Returns the fastest round in nanoseconds per entry. */
static double
fastest (void   (*round) (gpointer data),
         gpointer data,
         guint    per_round)
{
  double best = G_MAXDOUBLE;

  for (gint64 r = 0; r < n_rounds; r++)
    {
      guint64 t0 = bench_now_ns ();

      round (data);
      best = MIN (best, (double) (bench_now_ns () - t0) / per_round);
    }
  return best;
}

typedef struct {
  FapilogEntry  **entries;
  FapilogJsonBuf  buf;
  gsize           bytes;   /* the output of one pass, to report */
  volatile gsize  sink;    /* keeps the compiler from dropping the work */
} Work;

static void
round_hot (gpointer data)
{
  Work *w = data;

  for (guint rep = 0; rep < HOT_REPEATS; rep++)
    {
      w->buf.len = 0;
      for (guint i = 0; i < HOT_ENTRIES; i++)
        {
          _fapilog_envelope_write (&w->buf, w->entries[i], FAPILOG_JSON_NONE);
          _fapilog_json_buf_append_c (&w->buf, '\n');
        }
    }
  w->bytes = w->buf.len;
}

static void
round_batch (gpointer data)
{
  Work *w = data;
  FapilogJsonBuf buf;

  /* A fresh buffer per batch, as batch serialization makes one. */
  _fapilog_json_buf_init (&buf, BATCH_ENTRIES * 384 + 1);
  for (guint i = 0; i < BATCH_ENTRIES; i++)
    {
      _fapilog_envelope_write (&buf, w->entries[i], FAPILOG_JSON_NONE);
      _fapilog_json_buf_append_c (&buf, '\n');
    }
  w->sink += buf.len;
  _fapilog_json_buf_clear (&buf);
}

static void
round_timestamp (gpointer data)
{
  Work *w = data;
  char out[25];

  for (guint rep = 0; rep < HOT_REPEATS; rep++)
    for (guint i = 0; i < HOT_ENTRIES; i++)
      {
        _fapilog_format_timestamp (fapilog_entry_get_timestamp_us (w->entries[i]), out);
        w->sink += (guchar) out[22];
      }
}

static void
round_double (gpointer data)
{
  Work *w = data;

  for (guint rep = 0; rep < HOT_REPEATS; rep++)
    {
      w->buf.len = 0;
      for (guint i = 0; i < HOT_ENTRIES; i++)
        _fapilog_json_write_double (&w->buf, bench_value_d (i));
    }
  w->sink += w->buf.len;
}

static void
round_string (gpointer data)
{
  Work *w = data;

  for (guint rep = 0; rep < HOT_REPEATS; rep++)
    {
      w->buf.len = 0;
      for (guint i = 0; i < HOT_ENTRIES; i++)
        _fapilog_json_write_string (&w->buf, BENCH_MESSAGE, sizeof (BENCH_MESSAGE) - 1);
    }
  w->sink += w->buf.len;
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry options[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT64, &n_rounds, "Rounds per figure; the fastest counts (default 30)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the serializer's cost per entry");
  g_autoptr(GError) error = NULL;
  FapilogLoggerCore *core;
  Work hot = { 0, }, batch = { 0, };
  double ns;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-serialize: %s\n", error->message);
      return 2;
    }
  n_rounds = MAX (n_rounds, 1);

  core = _fapilog_logger_core_new (BENCH_LOGGER, NULL, _fapilog_envelope_statics_default ());
  hot.entries = make_entries (core, HOT_ENTRIES);
  _fapilog_json_buf_init (&hot.buf, HOT_ENTRIES * 400);
  batch.entries = make_entries (core, BATCH_ENTRIES);

  g_print ("fapilog serializer benchmark: ns per entry, fastest of %" G_GINT64_FORMAT " rounds\n",
           n_rounds);
  g_print ("entry: \"%s\" with %s (string), %s (int), %s (double)\n\n",
           BENCH_MESSAGE, BENCH_KEY_S, BENCH_KEY_I, BENCH_KEY_D);
  ns = fastest (round_hot, &hot, HOT_ENTRIES * HOT_REPEATS);
  g_print ("%-18s %8.1f ns  (%" G_GSIZE_FORMAT " bytes per line)\n", "envelope, hot",
           ns, hot.bytes / HOT_ENTRIES);
  g_print ("%-18s %8.1f ns\n", "envelope, batch",
           fastest (round_batch, &batch, BATCH_ENTRIES));
  g_print ("%-18s %8.1f ns\n", "timestamp",
           fastest (round_timestamp, &hot, HOT_ENTRIES * HOT_REPEATS));
  g_print ("%-18s %8.1f ns\n", "double",
           fastest (round_double, &hot, HOT_ENTRIES * HOT_REPEATS));
  g_print ("%-18s %8.1f ns\n", "string",
           fastest (round_string, &hot, HOT_ENTRIES * HOT_REPEATS));

  _fapilog_json_buf_clear (&hot.buf);
  free_entries (hot.entries, HOT_ENTRIES);
  free_entries (batch.entries, BATCH_ENTRIES);
  _fapilog_logger_core_unref (core);
  return 0;
}
