import { ParsedMessage } from './parse-message';

/**
 * Each candidate costs the caller a lookup. A message addressed to 10,000 people must not
 * cost 10,000 lookups, so only this many are offered; `omittedRecipientCount` tells the
 * processing log how many were left out. Envelope recipients come first, so the address our
 * MTA actually delivered to is never among the omitted.
 */
export const MAX_CANDIDATE_RECIPIENTS = 50;

export interface PlusAddress {
  /** The address without its +tag, lowercase: what an inbound address is stored as. */
  base: string;
  tag: string | null;
}

/**
 * Recipient addresses in the order they are trusted: the envelope recipients as the MTA
 * recorded them (Delivered-To / X-Original-To), then To, then Cc. Lowercase, each once,
 * at most `limit`.
 */
export function candidateRecipients(parsed: ParsedMessage, limit = MAX_CANDIDATE_RECIPIENTS): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const address of allRecipients(parsed)) {
    if (found.length >= limit) break;
    if (seen.has(address)) continue;
    seen.add(address);
    found.push(address);
  }
  return found;
}

/** How many distinct recipients `candidateRecipients` left out because of the cap. */
export function omittedRecipientCount(parsed: ParsedMessage, limit = MAX_CANDIDATE_RECIPIENTS): number {
  return Math.max(0, new Set(allRecipients(parsed)).size - limit);
}

function* allRecipients(parsed: ParsedMessage): Generator<string> {
  const written = [...parsed.deliveredTo, ...parsed.to.map((a) => a.address), ...parsed.cc.map((a) => a.address)];
  for (const address of written) {
    const normalised = address.trim().toLowerCase();
    if (isPlausibleAddress(normalised)) yield normalised;
  }
}

function isPlausibleAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return at > 0 && at < address.length - 1 && !/\s/.test(address);
}

/** `support+t42.k3j9x1@mail.example.com` => base `support@mail.example.com`, tag `t42.k3j9x1`. */
export function splitPlusAddress(address: string): PlusAddress {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return { base: lower, tag: null };
  const local = lower.slice(0, at);
  const domain = lower.slice(at);
  const plus = local.indexOf('+');
  if (plus <= 0) return { base: lower, tag: null };
  const tag = local.slice(plus + 1);
  return { base: local.slice(0, plus) + domain, tag: tag === '' ? null : tag };
}
