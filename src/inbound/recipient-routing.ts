import { IngestRoutesRepository, TenantRoute } from './ingest-routes.repository';
import { ParsedMessage } from '../mail/parse-message';
import { envelopeCandidates, headerCandidates, splitPlusAddress } from '../mail/route-recipients';

type RouteLookups = Pick<IngestRoutesRepository, 'routesByInboundAddresses' | 'routesByVerifiedDomains'>;

export interface RoutedTenant extends TenantRoute {
  /** The address the message was routed by, as the sender wrote it. */
  recipient: string;
  /** The plus-address tag of that recipient (a reply token candidate), if any. */
  tag: string | null;
}

/**
 * Each tenant the message is for, once. When our delivery recorded the envelope recipient
 * (Delivered-To / X-Original-To above the first Received header: the MTA's, the mailgate's
 * --recipient), it alone decides: this copy was delivered for that address, and a To or Cc
 * naming another tenant does not file it there too (that tenant gets its own copy). Without an
 * envelope that names one of our addresses, To and Cc route; a Delivered-To further down was
 * written by an earlier hop or by the sender and routes nothing.
 */
export async function routeToTenants(parsed: ParsedMessage, repo: RouteLookups, mailDomain: string): Promise<RoutedTenant[]> {
  const envelope = envelopeCandidates(parsed);
  if (envelope.length > 0) {
    const routes = await routeAddresses(envelope, repo, mailDomain);
    if (routes.length > 0) return routes;
  }
  return routeAddresses(headerCandidates(parsed), repo, mailDomain);
}

/**
 * Inbound addresses (with or without a +tag) win over a tenant's own domain, which is looked up
 * only for recipients no inbound address matched, and only among verified domains.
 */
async function routeAddresses(addresses: string[], repo: RouteLookups, mailDomain: string): Promise<RoutedTenant[]> {
  const candidates = addresses.map((address) => ({ address, ...splitPlusAddress(address) }));
  if (candidates.length === 0) return [];
  const byAddress = new Map((await repo.routesByInboundAddresses([...new Set(candidates.map((c) => c.base))])).map((r) => [r.address, r]));

  const chosen = new Map<number, RoutedTenant>();
  for (const c of candidates) {
    const route = byAddress.get(c.base);
    if (route && !chosen.has(route.tenantId)) chosen.set(route.tenantId, { ...route, recipient: c.address, tag: c.tag });
  }
  const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);
  const unmatched = candidates.filter((c) => !byAddress.has(c.base) && domainOf(c.base) !== mailDomain);
  if (unmatched.length > 0) {
    const byDomain = new Map((await repo.routesByVerifiedDomains([...new Set(unmatched.map((c) => domainOf(c.base)))])).map((r) => [r.domain, r]));
    for (const c of unmatched) {
      const route = byDomain.get(domainOf(c.base));
      if (route && !chosen.has(route.tenantId)) chosen.set(route.tenantId, { ...route, recipient: c.address, tag: c.tag });
    }
  }
  return [...chosen.values()];
}

const HEADER_FIELD = /^([!-9;-~]+)[ \t]*:(.*(?:\r?\n[ \t].*)*)/gm;
const ADDRESS = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi;

/**
 * Recipients of a message that mailparser could not read, from a plain scan of its header block,
 * by the same rule as routeToTenants: the envelope our delivery recorded (Delivered-To and
 * X-Original-To above the first Received) when there is one, else To and Cc.
 */
export function recipientsFromRawHeaders(raw: Buffer): { envelope: string[]; written: string[] } {
  const head = raw.subarray(0, 256 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  const envelope: string[] = [];
  const written: string[] = [];
  let belowReceived = false;
  for (const [, name, value] of block.matchAll(HEADER_FIELD)) {
    const field = name.toLowerCase();
    if (field === 'received') belowReceived = true;
    const into = field === 'to' || field === 'cc' ? written : (field === 'delivered-to' || field === 'x-original-to') && !belowReceived ? envelope : null;
    for (const address of into ? (value.match(ADDRESS) ?? []) : []) into!.push(splitPlusAddress(address.toLowerCase()).base);
  }
  return { envelope: [...new Set(envelope)].slice(0, 50), written: [...new Set(written)].slice(0, 50) };
}
