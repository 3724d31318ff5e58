import { createHmac, timingSafeEqual } from 'node:crypto';
import { splitPlusAddress } from './route-recipients';

/**
 * 16 base32 characters = 80 bits: far beyond online guessing. Lowercase only, because some
 * MTAs lowercase local parts; `support+t1234567.` + 16 characters stays well inside the
 * 64-character limit of a local part.
 */
const SIGNATURE_LENGTH = 16;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const TOKEN_PATTERN = new RegExp(`^t([1-9][0-9]{0,15})\\.([a-z2-7]{${SIGNATURE_LENGTH}})$`);

/** Whose ticket a token names: the signature covers the tenant, so a token is valid for its own tenant only. */
export interface ReplyTokenSubject {
  tenantId: number;
  ticketId: number;
}

/** `t<ticketId>.<signature>`, e.g. `t42.k3j9x1mqa7c2d4ef`: the +tag of a ticket's Reply-To. */
export function createReplyToken(subject: ReplyTokenSubject, key: Buffer): string {
  for (const [name, id] of [['ticket', subject.ticketId], ['tenant', subject.tenantId]] as const) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`${name} id must be a positive integer, got ${id}`);
  }
  if (key.length < 16) throw new RangeError('reply token key must be at least 16 bytes');
  return `t${subject.ticketId}.${signature(subject, key)}`;
}

/**
 * The ticket a token names, when it was signed by us for this tenant; null for anything else,
 * including a genuine token of another tenant. The caller still checks that the ticket exists.
 */
export function verifyReplyToken(tag: string, tenantId: number, key: Buffer): { ticketId: number } | null {
  const match = TOKEN_PATTERN.exec(tag.trim().toLowerCase());
  if (!match || key.length < 16) return null;
  const ticketId = Number(match[1]);
  if (!Number.isSafeInteger(ticketId) || !Number.isSafeInteger(tenantId) || tenantId <= 0) return null;
  const expected = Buffer.from(signature({ tenantId, ticketId }, key), 'ascii');
  const given = Buffer.from(match[2], 'ascii');
  return timingSafeEqual(expected, given) ? { ticketId } : null;
}

/** `support@mail.example.com` + token => `support+<token>@mail.example.com` (any old tag replaced). */
export function replyAddress(inboundAddress: string, token: string): string {
  const { base } = splitPlusAddress(inboundAddress);
  const at = base.lastIndexOf('@');
  if (at <= 0) throw new RangeError(`not an e-mail address: ${inboundAddress}`);
  return `${base.slice(0, at)}+${token}${base.slice(at)}`;
}

function signature({ tenantId, ticketId }: ReplyTokenSubject, key: Buffer): string {
  // The prefix keeps this HMAC apart from anything else the same key might ever sign. Version 1
  // signed the ticket alone; its tokens no longer verify, and replies to them thread by their
  // In-Reply-To and References instead.
  const mac = createHmac('sha256', key).update(`inbound-reply-token:v2:${tenantId}:t${ticketId}`).digest();
  return base32(mac).slice(0, SIGNATURE_LENGTH);
}

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return bits > 0 ? out + BASE32_ALPHABET[(value << (5 - bits)) & 31] : out;
}
