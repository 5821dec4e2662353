/* fapilog-webhook-signature.c: HMAC-SHA256 signatures of webhook requests
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "fapilog-error.h"
#include "fapilog-webhook-signature-private.h"

#define DIGEST_LEN 32   /* SHA-256 */

void
_fapilog_secure_wipe (gpointer data,
                      gsize    len)
{
  /* Stores through a volatile pointer are observable behaviour, so they
   * survive even though the buffer is never read again. */
  volatile guint8 *p = data;

  if (data == NULL)
    return;
  while (len-- > 0)
    *p++ = 0;
}

static void
compute_mac (const guint8 *secret,
             gsize         secret_len,
             const char   *timestamp,
             gsize         timestamp_len,
             const guint8 *body,
             gsize         body_len,
             guint8        digest[DIGEST_LEN])
{
  /* GHmac wants a non-NULL key even when it is empty. */
  static const guint8 empty_key[1] = { 0 };
  GHmac *hmac = g_hmac_new (G_CHECKSUM_SHA256,
                            secret_len > 0 ? secret : empty_key, secret_len);
  gsize digest_len = DIGEST_LEN;

  g_hmac_update (hmac, (const guchar *) timestamp, timestamp_len);
  g_hmac_update (hmac, (const guchar *) ".", 1);
  if (body_len > 0)
    g_hmac_update (hmac, body, body_len);
  g_hmac_get_digest (hmac, digest, &digest_len);
  g_hmac_unref (hmac);
  g_assert (digest_len == DIGEST_LEN);
}

char *
_fapilog_webhook_sign (const guint8 *secret,
                       gsize         secret_len,
                       gint64        timestamp,
                       const guint8 *body,
                       gsize         body_len)
{
  static const char hex[] = "0123456789abcdef";
  char ts[24];
  guint8 digest[DIGEST_LEN];
  char *out;
  gsize plen = strlen (FAPILOG_WEBHOOK_SIGNATURE_PREFIX);

  g_return_val_if_fail (secret != NULL || secret_len == 0, NULL);
  g_return_val_if_fail (body != NULL || body_len == 0, NULL);

  g_snprintf (ts, sizeof ts, "%" G_GINT64_FORMAT, timestamp);
  compute_mac (secret, secret_len, ts, strlen (ts), body, body_len, digest);

  out = g_malloc (FAPILOG_WEBHOOK_SIGNATURE_LEN + 1);
  memcpy (out, FAPILOG_WEBHOOK_SIGNATURE_PREFIX, plen);
  for (guint i = 0; i < DIGEST_LEN; i++)
    {
      out[plen + 2 * i] = hex[digest[i] >> 4];
      out[plen + 2 * i + 1] = hex[digest[i] & 0x0f];
    }
  out[FAPILOG_WEBHOOK_SIGNATURE_LEN] = '\0';
  _fapilog_secure_wipe (digest, sizeof digest);
  return out;
}

/* Lowercase only: the sender never writes anything else, and accepting one
 * spelling keeps the header unambiguous. */
static int
lower_hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

static gboolean
parse_signature (const char *header,
                 guint8      mac[DIGEST_LEN])
{
  gsize plen = strlen (FAPILOG_WEBHOOK_SIGNATURE_PREFIX);
  const char *hex;

  if (strlen (header) != FAPILOG_WEBHOOK_SIGNATURE_LEN ||
      strncmp (header, FAPILOG_WEBHOOK_SIGNATURE_PREFIX, plen) != 0)
    return FALSE;
  hex = header + plen;
  for (guint i = 0; i < DIGEST_LEN; i++)
    {
      int hi = lower_hex_value (hex[2 * i]);
      int lo = lower_hex_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      mac[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

/* Digits only (no sign, no spaces), at most what fits in a gint64. */
static gboolean
parse_timestamp (const char *header,
                 gint64     *value)
{
  guint64 v = 0;
  gsize n = strlen (header);

  if (n == 0 || n > 19)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (header[i]))
        return FALSE;
      v = v * 10 + (guint64) (header[i] - '0');
    }
  if (v > G_MAXINT64)
    return FALSE;
  *value = (gint64) v;
  return TRUE;
}

/* Every byte is looked at whatever the earlier ones were, so the time taken
 * does not tell an attacker how much of a forged MAC was right. */
static gboolean
equal_constant_time (const guint8 *a,
                     const guint8 *b,
                     gsize         len)
{
  volatile guint8 diff = 0;

  for (gsize i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

gboolean
_fapilog_webhook_verify_at (const char  *secret,
                            const char  *timestamp_header,
                            const char  *signature_header,
                            GBytes      *body,
                            gint64       tolerance_seconds,
                            gint64       now,
                            GError     **error)
{
  guint8 received[DIGEST_LEN];
  guint8 expected[DIGEST_LEN];
  gint64 ts = 0;
  guint64 skew;
  const guint8 *data;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (body != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (timestamp_header == NULL || timestamp_header[0] == '\0')
    {
      g_set_error (error, FAPILOG_WEBHOOK_ERROR, FAPILOG_WEBHOOK_ERROR_MISSING_HEADER,
                   "the %s header is missing or empty", FAPILOG_WEBHOOK_TIMESTAMP_HEADER);
      return FALSE;
    }
  if (signature_header == NULL || signature_header[0] == '\0')
    {
      g_set_error (error, FAPILOG_WEBHOOK_ERROR, FAPILOG_WEBHOOK_ERROR_MISSING_HEADER,
                   "the %s header is missing or empty", FAPILOG_WEBHOOK_SIGNATURE_HEADER);
      return FALSE;
    }
  if (!parse_timestamp (timestamp_header, &ts))
    {
      g_set_error (error, FAPILOG_WEBHOOK_ERROR, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER,
                   "the %s header is not a decimal number of seconds",
                   FAPILOG_WEBHOOK_TIMESTAMP_HEADER);
      return FALSE;
    }
  if (!parse_signature (signature_header, received))
    {
      /* The received value is not repeated: it is attacker-chosen text. */
      g_set_error (error, FAPILOG_WEBHOOK_ERROR, FAPILOG_WEBHOOK_ERROR_MALFORMED_HEADER,
                   "the %s header is not \"sha256=\" followed by 64 lowercase hex digits",
                   FAPILOG_WEBHOOK_SIGNATURE_HEADER);
      return FALSE;
    }

  if (tolerance_seconds < 0)
    tolerance_seconds = FAPILOG_WEBHOOK_DEFAULT_TOLERANCE_SECONDS;
  /* Both are at least 0 here (ts has no sign; a clock before 1970 is
   * treated as 1970), so the difference cannot overflow. */
  now = MAX (now, 0);
  skew = ts > now ? (guint64) (ts - now) : (guint64) (now - ts);
  if (skew > (guint64) tolerance_seconds)
    {
      g_set_error (error, FAPILOG_WEBHOOK_ERROR, FAPILOG_WEBHOOK_ERROR_STALE_TIMESTAMP,
                   "the request timestamp is %" G_GUINT64_FORMAT " s %s the receiver's clock; "
                   "at most %" G_GINT64_FORMAT " s are accepted",
                   skew, ts > now ? "ahead of" : "behind", tolerance_seconds);
      return FALSE;
    }

  /* An empty key is a receiver misconfiguration; anyone could sign with it,
   * so it must never verify. The MAC is still computed to keep the timing
   * of this path like the others. */
  data = g_bytes_get_data (body, &len);
  compute_mac ((const guint8 *) secret, strlen (secret),
               timestamp_header, strlen (timestamp_header),
               data, len, expected);
  ok = equal_constant_time (expected, received, DIGEST_LEN) && secret[0] != '\0';
  _fapilog_secure_wipe (expected, sizeof expected);
  if (!ok)
    {
      g_set_error (error, FAPILOG_WEBHOOK_ERROR, FAPILOG_WEBHOOK_ERROR_SIGNATURE_MISMATCH,
                   secret[0] == '\0' ?
                   "the receiver's secret is empty; no signature can verify" :
                   "the signature does not match the body and timestamp");
      return FALSE;
    }
  return TRUE;
}

/**
 * fapilog_webhook_verify_signature:
 * @secret: the secret shared with the sender (the bytes of the string are
 *   the HMAC key)
 * @timestamp_header: (nullable): the value of the `X-Fapilog-Timestamp`
 *   header, %NULL when the request had none
 * @signature_header: (nullable): the value of the `X-Fapilog-Signature-256`
 *   header, %NULL when the request had none
 * @body: the request body exactly as received (before any JSON parsing or
 *   re-encoding; after undoing a `Content-Encoding`, if any)
 * @tolerance_seconds: how far, in seconds, the timestamp may be from this
 *   machine's clock in either direction; a negative value means
 *   %FAPILOG_WEBHOOK_DEFAULT_TOLERANCE_SECONDS (300)
 * @error: return location for a #GError in the [error@Fapilog.WebhookError]
 *   domain
 *
 * Checks a request sent by a [class@Fapilog.WebhookSink] that has a secret:
 * the timestamp must be within @tolerance_seconds of the current time (a
 * request replayed later is refused), and the signature must be
 * HMAC-SHA256 under @secret of the timestamp header's text, a `.`, and the
 * body bytes.
 *
 * The bound is inclusive: a request exactly @tolerance_seconds old passes.
 * So 0 accepts only a timestamp equal to the current second, which is
 * rarely useful outside tests; %G_MAXINT64 turns the replay check off.
 *
 * The MAC comparison takes the same time wherever the first differing byte
 * is. The messages of the errors never contain the secret or the expected
 * signature, so they are safe to log. An empty @secret never verifies.
 *
 * Returns: %TRUE when the request is authentic and fresh
 *
 * Since: 1.0
 */
gboolean
fapilog_webhook_verify_signature (const char  *secret,
                                  const char  *timestamp_header,
                                  const char  *signature_header,
                                  GBytes      *body,
                                  gint64       tolerance_seconds,
                                  GError     **error)
{
  return _fapilog_webhook_verify_at (secret, timestamp_header, signature_header, body,
                                     tolerance_seconds, g_get_real_time () / G_USEC_PER_SEC,
                                     error);
}
