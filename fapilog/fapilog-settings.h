/* fapilog-settings.h: every option of a pipeline, as GObject properties
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <glib-object.h>

#include "fapilog-enums.h"
#include "fapilog-version-macros.h"

G_BEGIN_DECLS

#define FAPILOG_TYPE_SETTINGS (fapilog_settings_get_type ())

FAPILOG_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (FapilogSettings, fapilog_settings, FAPILOG, SETTINGS, GObject)

FAPILOG_AVAILABLE_IN_1_0
FapilogSettings *fapilog_settings_new               (void);
FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_settings_apply_environment (FapilogSettings     *self,
                                                     const char * const  *envp,
                                                     GError             **error);
FAPILOG_AVAILABLE_IN_1_0
FapilogSettings *fapilog_settings_copy              (FapilogSettings     *self);

G_END_DECLS
