/* fapilog-builtin-sinks.c: registration of the sinks shipped in the library
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-builtin-sinks-private.h"
#include "fapilog-sink-registry.h"
#include "fapilog-stdout-pretty-sink.h"
#include "fapilog-stdout-sink.h"

static FapilogSink *
create_stdout_json (FapilogSettings  *settings,
                    gpointer          user_data,
                    GError          **error)
{
  return fapilog_stdout_sink_new ();
}

static FapilogSink *
create_stdout_pretty (FapilogSettings  *settings,
                      gpointer          user_data,
                      GError          **error)
{
  return fapilog_stdout_pretty_sink_new ();
}

void
_fapilog_builtin_sinks_register (void)
{
  fapilog_sink_registry_register ("stdout_json", create_stdout_json, NULL, NULL);
  fapilog_sink_registry_register ("stdout_pretty", create_stdout_pretty, NULL, NULL);
}
