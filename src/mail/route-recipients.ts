import { ParsedMessage } from './parse-message';

/**
 * The caller looks all candidates up in one query: a message addressed to 10,000 people must
 * not make a query with 10,000 addresses, so only this many of each kind are offered.
 */
export const MAX_CANDIDATE_RECIPIENTS = 50;

export interface PlusAddress {
  /** The address without its +tag, lowercase: what an inbound address is stored as. */
  base: string;
  tag: string | null;
}

/** Where our delivery says this copy went (see ParsedMessage.envelopeRecipients): lowercase, each once, at most `limit`. */
export function envelopeCandidates(parsed: ParsedMessage, limit = MAX_CANDIDATE_RECIPIENTS): string[] {
  return candidateAddresses(parsed.envelopeRecipients, limit);
}

/** To, then Cc, as the sender wrote them: lowercase, each once, at most `limit`. */
export function headerCandidates(parsed: ParsedMessage, limit = MAX_CANDIDATE_RECIPIENTS): string[] {
  return candidateAddresses([...parsed.to.map((a) => a.address), ...parsed.cc.map((a) => a.address)], limit);
}

function candidateAddresses(addresses: string[], limit: number): string[] {
  const found = new Set<string>();
  for (const written of addresses) {
    if (found.size >= limit) break;
    const address = written.trim().toLowerCase();
    if (isPlausibleAddress(address)) found.add(address);
  }
  return [...found];
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
