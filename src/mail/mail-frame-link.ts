import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * A message's formatted view is loaded by an <iframe>, which cannot send the bearer header, so
 * the ticket's (authenticated) answer hands out a link that names one message of one tenant and
 * expires: `<tenant>.<message>.<expiry in epoch seconds>.<HMAC>`. It reads that message only.
 */
export interface MailFrameGrant {
  tenantId: number;
  messageId: number;
}

/** Derived from APP_KEY, distinct from the reply-token and SMTP-password keys (other HKDF info). */
export function mailFrameKey(appKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appKey, 'inbound', 'mail-frame-link', 32));
}

export function signMailFrameLink(key: Buffer, grant: MailFrameGrant, expiresAt: Date): string {
  const payload = `${grant.tenantId}.${grant.messageId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${mac(key, payload)}`;
}

/** The grant of a link this key signed and that has not expired, or null. */
export function readMailFrameLink(key: Buffer, link: string, now: Date): MailFrameGrant | null {
  const parts = /^([1-9]\d{0,9})\.([1-9]\d{0,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(link);
  if (!parts) return null;
  const expected = Buffer.from(mac(key, `${parts[1]}.${parts[2]}.${parts[3]}`));
  if (!timingSafeEqual(expected, Buffer.from(parts[4]))) return null;
  if (Number(parts[3]) * 1000 <= now.getTime()) return null;
  return { tenantId: Number(parts[1]), messageId: Number(parts[2]) };
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(`mail-frame:${payload}`).digest('base64url');
}
