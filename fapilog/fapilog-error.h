/* fapilog-error.h: error domains
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib.h>

#include "fapilog-version-macros.h"

G_BEGIN_DECLS

/**
 * FAPILOG_CONFIG_ERROR:
 *
 * Error domain for configuration problems: a bad value in a `FAPILOG_*`
 * variable, an unknown sink name. Errors in this domain are of type
 * [error@Fapilog.ConfigError].
 *
 * Since: 1.0
 */
#define FAPILOG_CONFIG_ERROR (fapilog_config_error_quark ())

/**
 * FapilogConfigError:
 * @FAPILOG_CONFIG_ERROR_INVALID_VALUE: a value could not be parsed or is out of range
 * @FAPILOG_CONFIG_ERROR_UNKNOWN_SINK: a sink name is not in the sink registry
 * @FAPILOG_CONFIG_ERROR_SINK_FAILED: a sink could not be created from the configuration
 *
 * Codes of [error@Fapilog.ConfigError].
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_CONFIG_ERROR_INVALID_VALUE,
  FAPILOG_CONFIG_ERROR_UNKNOWN_SINK,
  FAPILOG_CONFIG_ERROR_SINK_FAILED,
} FapilogConfigError;

/**
 * FAPILOG_PIPELINE_ERROR:
 *
 * Error domain for pipeline operations. Errors in this domain are of type
 * [error@Fapilog.PipelineError].
 *
 * Since: 1.0
 */
#define FAPILOG_PIPELINE_ERROR (fapilog_pipeline_error_quark ())

/**
 * FapilogPipelineError:
 * @FAPILOG_PIPELINE_ERROR_TIMED_OUT: the operation's deadline passed first
 * @FAPILOG_PIPELINE_ERROR_NOT_STARTED: the pipeline has not been started
 * @FAPILOG_PIPELINE_ERROR_CLOSED: the pipeline was shut down
 * @FAPILOG_PIPELINE_ERROR_SINK_START: a sink failed to start
 * @FAPILOG_PIPELINE_ERROR_WOULD_DEADLOCK: a blocking call was made from the
 *   pipeline's own worker thread (for example from inside a sink)
 * @FAPILOG_PIPELINE_ERROR_ALREADY_STARTED: the pipeline was already started
 *
 * Codes of [error@Fapilog.PipelineError].
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_PIPELINE_ERROR_TIMED_OUT,
  FAPILOG_PIPELINE_ERROR_NOT_STARTED,
  FAPILOG_PIPELINE_ERROR_CLOSED,
  FAPILOG_PIPELINE_ERROR_SINK_START,
  FAPILOG_PIPELINE_ERROR_WOULD_DEADLOCK,
  FAPILOG_PIPELINE_ERROR_ALREADY_STARTED,
} FapilogPipelineError;

/**
 * FAPILOG_SINK_ERROR:
 *
 * Error domain for failures reported by sinks. Errors in this domain are of
 * type [error@Fapilog.SinkError].
 *
 * Since: 1.0
 */
#define FAPILOG_SINK_ERROR (fapilog_sink_error_quark ())

/**
 * FapilogSinkError:
 * @FAPILOG_SINK_ERROR_FAILED: the write failed (see the message)
 * @FAPILOG_SINK_ERROR_TIMED_OUT: the write did not complete within
 *   [property@Fapilog.Settings:sink-write-timeout-seconds]
 * @FAPILOG_SINK_ERROR_BACKLOG_FULL: the sink fell so far behind that its
 *   backlog overflowed; the batch was not given to it
 * @FAPILOG_SINK_ERROR_CLOSED: the output was closed (for example EPIPE)
 * @FAPILOG_SINK_ERROR_NOT_SUPPORTED: the sink does not implement the operation
 * @FAPILOG_SINK_ERROR_HTTP_STATUS: the server answered with a status that is
 *   not retried (a 4xx other than 408 and 429, for example)
 * @FAPILOG_SINK_ERROR_RETRIES_EXHAUSTED: every attempt failed with an error
 *   that is retried (transport error, timeout, 408, 429, 5xx)
 * @FAPILOG_SINK_ERROR_PENDING_LIMIT: the entries waited for delivery while
 *   more than the sink's pending limit was held, and were given up to keep
 *   memory bounded
 * @FAPILOG_SINK_ERROR_SHUTDOWN: the shutdown deadline passed before the
 *   entries could be delivered
 *
 * Codes of [error@Fapilog.SinkError].
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_SINK_ERROR_FAILED,
  FAPILOG_SINK_ERROR_TIMED_OUT,
  FAPILOG_SINK_ERROR_BACKLOG_FULL,
  FAPILOG_SINK_ERROR_CLOSED,
  FAPILOG_SINK_ERROR_NOT_SUPPORTED,
  FAPILOG_SINK_ERROR_HTTP_STATUS,
  FAPILOG_SINK_ERROR_RETRIES_EXHAUSTED,
  FAPILOG_SINK_ERROR_PENDING_LIMIT,
  FAPILOG_SINK_ERROR_SHUTDOWN,
} FapilogSinkError;

/**
 * FAPILOG_WEBHOOK_ERROR:
 *
 * Error domain of [func@Fapilog.webhook_verify_signature]. Errors in this
 * domain are from the [error@Fapilog.WebhookError] enumeration.
 *
 * Since: 1.0
 */
#define FAPILOG_WEBHOOK_ERROR (fapilog_webhook_error_quark ())

/**
 * FapilogWebhookError:
 * @FAPILOG_WEBHOOK_ERROR_MISSING_HEADER: the timestamp or signature header
 *   is missing or empty
 * @FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER: a header is not in the expected
 *   form (`<unix seconds>`, `sha256=<64 lowercase hex digits>`)
 * @FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP: the timestamp is further from the
 *   receiver's clock than the tolerance (a replay, or a skewed clock)
 * @FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH: the signature does not match the
 *   body and timestamp under the secret
 *
 * Codes of [error@Fapilog.WebhookError].
 *
 * Since: 1.0
 */
typedef enum {
  FAPILOG_WEBHOOK_ERROR_MISSING_HEADER,
  FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER,
  FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP,
  FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH,
} FapilogWebhookError;

FAPILOG_AVAILABLE_IN_1_0
GQuark fapilog_config_error_quark (void);
FAPILOG_AVAILABLE_IN_1_0
GQuark fapilog_pipeline_error_quark (void);
FAPILOG_AVAILABLE_IN_1_0
GQuark fapilog_sink_error_quark (void);
FAPILOG_AVAILABLE_IN_1_0
GQuark fapilog_webhook_error_quark (void);

G_END_DECLS
