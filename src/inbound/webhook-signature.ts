import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_TOLERANCE_SECONDS = 300;
export const TIMESTAMP_HEADER = 'x-inbound-timestamp';
export const SIGNATURE_HEADER = 'x-inbound-signature';

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` */
export function signWebhookBody(secret: string, timestamp: number | string, body: Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `sha256=${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: Buffer;
  nowSeconds: number;
}): SignatureCheck {
  if (!input.timestamp || !/^\d{1,12}$/.test(input.timestamp)) {
    return { ok: false, reason: 'Missing or malformed X-Inbound-Timestamp (unix seconds)' };
  }
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
    return { ok: false, reason: `X-Inbound-Timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s away from the server time` };
  }
  const given = /^sha256=([a-f0-9]{64})$/i.exec(input.signature ?? '');
  if (!given) return { ok: false, reason: 'Missing or malformed X-Inbound-Signature (sha256=<hex>)' };
  const expected = signWebhookBody(input.secret, input.timestamp, input.body).slice('sha256='.length);
  const matches = timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given[1].toLowerCase(), 'hex'));
  return matches ? { ok: true } : { ok: false, reason: 'X-Inbound-Signature does not match the body' };
}
