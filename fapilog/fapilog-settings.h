/* fapilog-settings.h: every option of a pipeline, as GObject properties
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#if !defined(FAPILOG_INSIDE) && !defined(FAPILOG_COMPILATION)
# error "Only <fapilog/fapilog.h> can be included directly."
#endif

#include <gio/gio.h>

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

/**
 * FAPILOG_SETTINGS_SCHEMA_ID:
 *
 * The id of the GSettings schema of fapilog's settings, `org.fapilog`,
 * at the path `/org/fapilog/`. Its keys are named like the properties of
 * [class@Fapilog.Settings]; see [method@Fapilog.Settings.apply_gsettings].
 *
 * Since: 1.0
 */
#define FAPILOG_SETTINGS_SCHEMA_ID "org.fapilog"

/**
 * FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID:
 *
 * The id of the relocatable GSettings schema with the same keys as
 * [const@Fapilog.SETTINGS_SCHEMA_ID], `org.fapilog.relocatable`, for a
 * program that keeps its logging settings under its own path:
 *
 * |[<!-- language="C" -->
 * g_autoptr(GSettings) logging =
 *   g_settings_new_with_path (FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID,
 *                             "/org/example/Billing/logging/");
 * ]|
 *
 * Since: 1.0
 */
#define FAPILOG_SETTINGS_RELOCATABLE_SCHEMA_ID "org.fapilog.relocatable"

FAPILOG_AVAILABLE_IN_1_0
FapilogSettingSource fapilog_settings_get_source    (FapilogSettings     *self,
                                                     const char          *property_name);
FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_settings_set_property_from_source (FapilogSettings      *self,
                                                            FapilogSettingSource  source,
                                                            const char           *property_name,
                                                            const GValue         *value);
FAPILOG_AVAILABLE_IN_1_0
void             fapilog_settings_set_from_source   (FapilogSettings      *self,
                                                     FapilogSettingSource  source,
                                                     const char           *first_property_name,
                                                     ...) G_GNUC_NULL_TERMINATED;
FAPILOG_AVAILABLE_IN_1_0
char            *fapilog_settings_to_json           (FapilogSettings     *self);

FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_settings_apply_preset      (FapilogSettings     *self,
                                                     const char          *name,
                                                     GError             **error);
FAPILOG_AVAILABLE_IN_1_0
const char      *fapilog_settings_get_preset        (FapilogSettings     *self);
FAPILOG_AVAILABLE_IN_1_0
const char * const *fapilog_settings_get_preset_names (void);

FAPILOG_AVAILABLE_IN_1_0
gboolean         fapilog_settings_apply_gsettings   (FapilogSettings     *self,
                                                     GSettings           *settings,
                                                     GError             **error);

G_END_DECLS
