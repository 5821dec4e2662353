/* fapilog.h: structured, asynchronous logging for GLib programs
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#define FAPILOG_INSIDE

#include "fapilog-version.h"
#include "fapilog-version-macros.h"
#include "fapilog-enums.h"
#include "fapilog-enum-types.h"
#include "fapilog-error.h"
#include "fapilog-entry.h"
#include "fapilog-batch.h"
#include "fapilog-sink.h"
#include "fapilog-simple-sink.h"
#include "fapilog-stats.h"
#include "fapilog-settings.h"
#include "fapilog-sink-registry.h"
#include "fapilog-logger.h"
#include "fapilog-context.h"
#include "fapilog-pipeline.h"
#include "fapilog-stdout-sink.h"
#include "fapilog-stdout-pretty-sink.h"
#include "fapilog-rotating-file-sink.h"
#include "fapilog-http-sink.h"
#include "fapilog-webhook-sink.h"
#include "fapilog-mmap-persistence.h"
#include "fapilog-mmap-file-sink.h"

#undef FAPILOG_INSIDE
