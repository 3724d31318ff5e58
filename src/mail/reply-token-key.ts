import { hkdfSync } from 'node:crypto';

/**
 * The HMAC key of reply tokens, derived from APP_KEY so that it differs from the key that
 * encrypts SMTP passwords (same secret, other HKDF info). Sender and ingest must agree on it.
 */
export function replyTokenKey(appKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appKey, 'inbound', 'reply-token', 32));
}
