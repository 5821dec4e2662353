/* fapilog-pipeline-private.h: what loggers need from their pipeline
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-entry-private.h"
#include "fapilog-pipeline.h"

G_BEGIN_DECLS

/* The level gate, read with one atomic load per log call. */
gint                    _fapilog_pipeline_get_level_gate (FapilogPipeline *self);
/* Takes ownership of @entry; counts it as submitted, and as dropped when
 * the queue refuses it. */
void                    _fapilog_pipeline_submit         (FapilogPipeline *self,
                                                          FapilogEntry    *entry);

FapilogLogger          *_fapilog_logger_new              (FapilogPipeline   *pipeline,
                                                          FapilogLoggerCore *core);

G_END_DECLS
