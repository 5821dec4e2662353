/* fapilog-error.c
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "fapilog-error.h"

/**
 * fapilog_config_error_quark:
 *
 * Returns the quark of the error domain of [error@Fapilog.ConfigError]; C code
 * uses %FAPILOG_CONFIG_ERROR.
 *
 * Returns: the quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (fapilog-config-error-quark, fapilog_config_error)

/**
 * fapilog_pipeline_error_quark:
 *
 * Returns the quark of the error domain of [error@Fapilog.PipelineError]; C code
 * uses %FAPILOG_PIPELINE_ERROR.
 *
 * Returns: the quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (fapilog-pipeline-error-quark, fapilog_pipeline_error)

/**
 * fapilog_sink_error_quark:
 *
 * Returns the quark of the error domain of [error@Fapilog.SinkError]; C code
 * uses %FAPILOG_SINK_ERROR.
 *
 * Returns: the quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (fapilog-sink-error-quark, fapilog_sink_error)

/**
 * fapilog_webhook_error_quark:
 *
 * Returns the quark of the error domain of [error@Fapilog.WebhookError]; C code
 * uses %FAPILOG_WEBHOOK_ERROR.
 *
 * Returns: the quark
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (fapilog-webhook-error-quark, fapilog_webhook_error)
