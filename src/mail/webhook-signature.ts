import { createHmac, Hmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_TOLERANCE_SECONDS = 300;
export const TIMESTAMP_HEADER = 'x-inbound-timestamp';
export const SIGNATURE_HEADER = 'x-inbound-signature';

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` */
export function signWebhookBody(secret: string, timestamp: number | string, body: Buffer): string {
  return `sha256=${startBodyMac(secret, String(timestamp)).update(body).digest('hex')}`;
}

/** The HMAC with the timestamp already in: the body is fed to it chunk by chunk as it arrives. */
export function startBodyMac(secret: string, timestamp: string): Hmac {
  return createHmac('sha256', secret).update(`${timestamp}.`);
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };
export type HeaderCheck = { ok: true; timestamp: string; signature: Buffer } | { ok: false; reason: string };

/** What can be judged before a byte of the body is read: both headers present, well formed, and the timestamp fresh. */
export function checkSignatureHeaders(input: { timestamp: string | undefined; signature: string | undefined; nowSeconds: number }): HeaderCheck {
  if (!input.timestamp || !/^\d{1,12}$/.test(input.timestamp)) {
    return { ok: false, reason: 'Missing or malformed X-Inbound-Timestamp (unix seconds)' };
  }
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
    return { ok: false, reason: `X-Inbound-Timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s away from the server time` };
  }
  const given = /^sha256=([a-f0-9]{64})$/i.exec(input.signature ?? '');
  if (!given) return { ok: false, reason: 'Missing or malformed X-Inbound-Signature (sha256=<hex>)' };
  return { ok: true, timestamp: input.timestamp, signature: Buffer.from(given[1], 'hex') };
}

/** Compares in constant time once the whole body has gone through the MAC. */
export function bodyMacMatches(mac: Hmac, signature: Buffer): SignatureCheck {
  return timingSafeEqual(mac.digest(), signature) ? { ok: true } : { ok: false, reason: 'X-Inbound-Signature does not match the body' };
}

export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  nowSeconds: number;
}): SignatureCheck {
  const headers = checkSignatureHeaders(input);
  if (!headers.ok) return headers;
  return bodyMacMatches(startBodyMac(input.secret, headers.timestamp).update(input.body), headers.signature);
}
