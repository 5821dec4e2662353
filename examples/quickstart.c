/* quickstart.c: the smallest useful fapilog program
 *
 * Build: cc quickstart.c $(pkg-config --cflags --libs fapilog-1)
 * Run:   FAPILOG_CORE__SINKS=stdout_json ./a.out
 *
 * SPDX-License-Identifier: MIT
 */
#include <fapilog/fapilog.h>

int
main (void)
{
  /* The default pipeline is configured from FAPILOG_* on first use. */
  FapilogLogger *log = fapilog_get_logger ("quickstart");
  g_autoptr(FapilogLogger) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  fapilog_info (log, "service starting", "port", "i", 8080, NULL);

  /* Fields bound once ride along on every entry of the new logger. */
  request = fapilog_logger_bind (log, "request_id", "s", "req-42", NULL);
  fapilog_warning (request, "slow query", "table", "s", "users", "ms", "d", 812.5, NULL);

  if (!g_file_get_contents ("/nonexistent/config.ini", &contents, NULL, &error))
    fapilog_exception (request, error, "cannot read configuration", NULL);

  /* Drain everything before the process ends. */
  fapilog_shutdown ();
  return 0;
}
