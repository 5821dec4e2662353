/* fapilog-version-macros.h: export and availability macros
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib.h>

#include "fapilog-version.h"

#ifndef _FAPILOG_EXTERN
# if defined(FAPILOG_STATIC_BUILD)
#  define _FAPILOG_EXTERN extern
# elif defined(_WIN32) && defined(FAPILOG_COMPILATION)
#  define _FAPILOG_EXTERN __declspec(dllexport) extern
# elif defined(_WIN32)
#  define _FAPILOG_EXTERN __declspec(dllimport) extern
# else
#  define _FAPILOG_EXTERN __attribute__((visibility("default"))) extern
# endif
#endif

#define FAPILOG_VERSION_1_0 (FAPILOG_ENCODE_VERSION (1, 0, 0))

#define FAPILOG_VERSION_CUR_STABLE FAPILOG_VERSION_1_0
#define FAPILOG_VERSION_PREV_STABLE FAPILOG_VERSION_1_0

#ifndef FAPILOG_VERSION_MIN_REQUIRED
# define FAPILOG_VERSION_MIN_REQUIRED (FAPILOG_VERSION_CUR_STABLE)
#endif

#ifndef FAPILOG_VERSION_MAX_ALLOWED
# define FAPILOG_VERSION_MAX_ALLOWED (FAPILOG_VERSION_CUR_STABLE)
#endif

#define FAPILOG_AVAILABLE_IN_ALL _FAPILOG_EXTERN
#define FAPILOG_AVAILABLE_IN_1_0 _FAPILOG_EXTERN

#define FAPILOG_DEPRECATED _FAPILOG_EXTERN G_DEPRECATED
#define FAPILOG_DEPRECATED_FOR(f) _FAPILOG_EXTERN G_DEPRECATED_FOR(f)
