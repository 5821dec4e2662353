/* fapilog-envelope-private.h: an entry rendered as the JSON envelope
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "fapilog-entry-private.h"
#include "fapilog-json-writer-private.h"

G_BEGIN_DECLS

/* Per-pipeline constants of "diagnostics": rendered once, copied per entry. */
struct _FapilogEnvelopeStatics {
  gint   ref_count;
  char  *service;
  char  *env;
  char  *version;        /* nullable: omitted from the envelope */
  char  *host;
  gint64 pid;
  char  *diag_prefix;    /* "\"diagnostics\":{\"service\":...,\"pid\":N" without closing brace */
  gsize  diag_prefix_len;
  /* ,"correlation_id":null},  then diag_prefix: what follows the message id
   * in an entry without any context value, copied in one piece. */
  char  *plain_tail;
  gsize  plain_tail_len;
};

FapilogEnvelopeStatics *_fapilog_envelope_statics_new     (const char *service,
                                                           const char *env,
                                                           const char *version);
/* From FAPILOG_SERVICE, FAPILOG_ENV (then ENV), FAPILOG_VERSION of the
 * process environment; created once and shared. */
FapilogEnvelopeStatics *_fapilog_envelope_statics_default (void);
FapilogEnvelopeStatics *_fapilog_envelope_statics_ref     (FapilogEnvelopeStatics *self);
void                    _fapilog_envelope_statics_unref   (FapilogEnvelopeStatics *self);

/* Appends the entry as one JSON object (no trailing newline):
 * {"timestamp","level","message","logger","context":{...},
 *  "diagnostics":{...},"data":{...}} in exactly that order; the message id
 * is formatted from the bits drawn at capture. */
void _fapilog_envelope_write (FapilogJsonBuf *buf,
                              FapilogEntry   *entry,
                              guint           flags);

/* ,"logger":<name>,"context":{"message_id":  for a logger core (g_free it):
 * the constant run of the envelope that depends only on the logger. */
char *_fapilog_envelope_render_logger_fragment (const char *name,
                                                gsize       name_len,
                                                gsize      *len);

/* One captured field's value as JSON (flags: FapilogJsonFlags). */
void _fapilog_envelope_write_field_value (FapilogJsonBuf     *buf,
                                          const FapilogField *field,
                                          guint               flags);

/* "2026-11-24T10:30:00.123Z" (24 characters plus NUL) from microseconds
 * since the epoch. Caches the formatted second per thread. */
void _fapilog_format_timestamp (gint64 timestamp_us,
                                char   out[25]);

G_END_DECLS
