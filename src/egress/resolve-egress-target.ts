import { lookup } from 'node:dns/promises';
import { addressText, EgressRules, EgressTarget, egressRefusal, isAllowedRoute, parseIpLiteral, parseResolvedAddress } from './egress-policy';

/** The connection was not made: the target is in a refused range or on a refused port. */
export class EgressRefusedError extends Error {
  readonly code = 'EPOLICY';
}

/** The host name did not resolve (or not in time). */
export class EgressLookupError extends Error {
  readonly code = 'EDNS';
}

/** Where to connect: the checked address, and the name TLS must verify. */
interface CheckedEgressTarget {
  /** Connect here, never to the name again: a second lookup could answer differently (DNS rebinding). */
  address: string;
  /** The host name as written, for SNI and certificate checks; null for an IP literal. */
  servername: string | null;
  /** The operator allows this host in EGRESS_ALLOWED_HOSTS (so e.g. plain-text AUTH may go there). */
  allowlisted: boolean;
}

export type LookupAll = (host: string) => Promise<string[]>;

const systemLookup: LookupAll = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Resolves a tenant-supplied host once, checks every address it resolves to, and says which
 * one to connect to. Throws EgressRefusedError or EgressLookupError.
 */
export async function resolveEgressTarget(
  target: EgressTarget,
  rules: EgressRules,
  options: { lookup?: LookupAll; timeoutMs?: number } = {},
): Promise<CheckedEgressTarget> {
  const literal = parseIpLiteral(target.host);
  const addresses = literal ? [literal] : (await lookupWithin(target.host, options.lookup ?? systemLookup, options.timeoutMs ?? 10_000)).map(parseResolvedAddress);
  const refusal = egressRefusal(target, addresses, rules);
  if (refusal) throw new EgressRefusedError(`connection refused: ${refusal}`);
  return {
    address: addressText(addresses[0]),
    servername: literal ? null : target.host,
    allowlisted: isAllowedRoute(target, addresses, rules.allowances),
  };
}

async function lookupWithin(host: string, lookupAll: LookupAll, timeoutMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EgressLookupError(`${host} did not resolve within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const addresses = await Promise.race([lookupAll(host), timeout]);
    if (addresses.length === 0) throw new EgressLookupError(`${host} resolved to no address`);
    return addresses;
  } catch (error) {
    if (error instanceof EgressLookupError) throw error;
    const code = (error as { code?: string }).code;
    throw new EgressLookupError(`${host} could not be resolved${code ? ` (${code})` : ''}`);
  } finally {
    clearTimeout(timer);
  }
}
