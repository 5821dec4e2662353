/* fapilog-error.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-error.h"

G_DEFINE_QUARK (fapilog-config-error-quark, fapilog_config_error)
G_DEFINE_QUARK (fapilog-pipeline-error-quark, fapilog_pipeline_error)
G_DEFINE_QUARK (fapilog-sink-error-quark, fapilog_sink_error)
G_DEFINE_QUARK (fapilog-webhook-error-quark, fapilog_webhook_error)
