/* fapilog-config-parse-private.h: parsers for configuration values
 *
 * Every parser takes the name of the variable (for the error message) and
 * sets a FAPILOG_CONFIG_ERROR_INVALID_VALUE error naming the variable, the
 * value and the accepted forms when the value is bad. Surrounding
 * whitespace and one pair of surrounding quotes ("..." or '...') are
 * ignored in every value (lists: in each comma-separated item).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <glib.h>

#include "fapilog-enums.h"

G_BEGIN_DECLS

/* "10485760", "10 MB", "10MiB", "1.5 KB", "512b": binary multiples
 * (KB = KiB = 1024), case-insensitive, optional space, no negatives;
 * fractional bytes are rounded down; overflowing 64 bits is an error. */
gboolean _fapilog_parse_size       (const char  *variable,
                                    const char  *value,
                                    guint64     *out,
                                    GError     **error);
/* "5", "0.25", "250ms", "30s", "5m", "1h", "2d", "1w"; with
 * @allow_keywords also "hourly", "daily", "weekly". Result in seconds. */
gboolean _fapilog_parse_duration   (const char  *variable,
                                    const char  *value,
                                    gboolean     allow_keywords,
                                    double      *out_seconds,
                                    GError     **error);
/* true/false/1/0/yes/no/on/off, case-insensitive. */
gboolean _fapilog_parse_boolean    (const char  *variable,
                                    const char  *value,
                                    gboolean    *out,
                                    GError     **error);
/* A decimal integer within [min, max]. */
gboolean _fapilog_parse_int        (const char  *variable,
                                    const char  *value,
                                    gint64       min,
                                    gint64       max,
                                    gint64      *out,
                                    GError     **error);
/* DEBUG, INFO, WARNING (WARN), ERROR, CRITICAL (FATAL), AUDIT, SECURITY,
 * case-insensitive. */
gboolean _fapilog_parse_level      (const char  *variable,
                                    const char  *value,
                                    FapilogLevel *out,
                                    GError     **error);
/* A JSON list of strings or a comma-separated list; items trimmed, empty
 * items skipped. Returns a new strv. */
gboolean _fapilog_parse_string_list (const char  *variable,
                                     const char  *value,
                                     char      ***out,
                                     GError     **error);
/* Lower-cases and turns '-' into '_': "Stdout-JSON" -> "stdout_json". */
char    *_fapilog_normalize_name   (const char  *name);

/* Added with the settings: */

/* One of @choices (a %NULL-terminated list of lower-case names with '_'),
 * compared after _fapilog_normalize_name(), so "Drop-Newest" matches
 * "drop_newest". Stores the index of the match in @out_index. */
gboolean _fapilog_parse_choice     (const char         *variable,
                                    const char         *value,
                                    const char * const *choices,
                                    guint              *out_index,
                                    GError            **error);
/* Permission bits in octal, with or without a leading 0 ("0640", "640"),
 * from 0 to 0777: no setuid, setgid or sticky bit, no "0o" prefix. */
gboolean _fapilog_parse_file_mode  (const char         *variable,
                                    const char         *value,
                                    guint              *out,
                                    GError            **error);
/* Sets the FAPILOG_CONFIG_ERROR_INVALID_VALUE error every parser uses:
 * `VARIABLE: invalid value "VALUE": EXPECTED`, with the value escaped
 * (control characters, quotes, invalid UTF-8) and cut at 200 bytes.
 * For checks made outside this file, such as a range. */
void     _fapilog_config_error_invalid (GError     **error,
                                        const char  *variable,
                                        const char  *value,
                                        const char  *expected_format,
                                        ...) G_GNUC_PRINTF (4, 5);

/* Added with the http and webhook settings: */

/* The same error for a value that must not be repeated anywhere, because
 * it may hold a credential (a secret, an Authorization header):
 * `VARIABLE: invalid value (not shown, it may hold a credential): EXPECTED`. */
void     _fapilog_config_error_withheld (GError     **error,
                                         const char  *variable,
                                         const char  *expected_format,
                                         ...) G_GNUC_PRINTF (3, 4);
/* A JSON object of HTTP header names to string values, such as
 * {"Authorization":"Bearer t0ken"}; surrounding whitespace is ignored and
 * an empty value is an empty object. Names must be HTTP tokens (letters,
 * digits and !#$%&'*+-.^_`|~), unique ignoring case; values must be
 * strings without control characters other than tab. Errors never quote
 * the value, only the name of the offending header.
 *
 * Returns two new NULL-terminated lists of the same length, in the
 * object's order (empty, not NULL, for {}). */
gboolean _fapilog_parse_headers    (const char         *variable,
                                    const char         *value,
                                    char             ***out_names,
                                    char             ***out_values,
                                    GError            **error);

/* Added with the mmap_file settings: */

/* A plain decimal number: "2", "1.5", ".5", "3." (no sign, no exponent,
 * no "nan" or "inf"), for factors such as a growth factor. Ranges are
 * checked by the caller, with _fapilog_config_error_invalid(). */
gboolean _fapilog_parse_decimal    (const char         *variable,
                                    const char         *value,
                                    double             *out,
                                    GError            **error);

G_END_DECLS
