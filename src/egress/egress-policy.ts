import ipaddr from 'ipaddr.js';
import type { EgressAllowance } from '../config/app-config';

/** SMTP 25, SMTPS 465, submission 587 and the common alternative 2525. */
export const SMTP_PORTS: readonly number[] = [25, 465, 587, 2525];

/** https only: the token endpoints and OpenID providers a tenant names. */
export const HTTPS_PORTS: readonly number[] = [443];

/** Where a tenant asks us to connect: the host as the tenant wrote it, and the port. */
export interface EgressTarget {
  host: string;
  port: number;
}

/** The host (an IPv6 literal without its brackets) and port, default by scheme, of an http(s) URL a tenant gave. */
export function urlEgressTarget(url: URL): EgressTarget {
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

export interface EgressRules {
  /** EGRESS_ALLOWED_HOSTS: hosts the operator lets tenants reach although they are private. */
  allowances: readonly EgressAllowance[];
  /** Ports reachable without an allowance. */
  ports: readonly number[];
}

type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

const RANGE_WORDS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  reserved: 'a reserved or documentation address',
  benchmarking: 'a benchmarking address',
  rfc6052: 'a NAT64 address',
  rfc6145: 'an IPv4-translated address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

/**
 * The address an IP literal stands for, in any notation the system resolver also accepts
 * (127.1, 2130706433, 0x7f000001, 0177.0.0.1, ::ffff:127.0.0.1); null for a host name.
 * An IPv4-mapped IPv6 address comes back as the IPv4 address it carries.
 */
export function parseIpLiteral(host: string): IpAddress | null {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : null;
}

/** Resolver output (always a valid address) in the same form as a parsed literal. */
export function parseResolvedAddress(address: string): IpAddress {
  return ipaddr.process(address);
}

/** The form to connect to and to show: dotted quad, or IPv6 as RFC 5952 text. */
export function addressText(address: IpAddress): string {
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

/**
 * Only what ipaddr.js calls 'unicast' is public. Everything else (loopback, private, link-local
 * with the cloud metadata service, CGNAT, multicast, documentation, 6to4, Teredo, NAT64 ...)
 * is refused, and the answer names the range.
 */
export function refusedRange(address: IpAddress): string | null {
  const range = address.range();
  return range === 'unicast' ? null : (RANGE_WORDS[range] ?? `a special-purpose address (${range})`);
}

/** An allowance's host, or a host a tenant wrote, in the form in which the two are compared. */
function comparableHost(host: string): string {
  const literal = parseIpLiteral(host);
  return literal ? addressText(literal) : host.toLowerCase().replace(/\.$/, '');
}

/** The operator allows this host (a name as written, or an address) on this port. */
export function isAllowedHost(host: string, port: number, allowances: readonly EgressAllowance[]): boolean {
  const wanted = comparableHost(host);
  return allowances.some((a) => comparableHost(a.host) === wanted && (a.port === null || a.port === port));
}

/** Allowed by name, or every address it resolved to is allowed. */
export function isAllowedRoute(target: EgressTarget, addresses: readonly IpAddress[], allowances: readonly EgressAllowance[]): boolean {
  if (isAllowedHost(target.host, target.port, allowances)) return true;
  return addresses.length > 0 && addresses.every((a) => isAllowedHost(addressText(a), target.port, allowances));
}

/**
 * Why a connection to `target`, resolved to `addresses`, is refused; null when it may go ahead.
 * Every address must pass: a name resolving to one public and one private address is refused,
 * since the connection could land on either.
 */
export function egressRefusal(target: EgressTarget, addresses: readonly IpAddress[], rules: EgressRules): string | null {
  if (isAllowedRoute(target, addresses, rules.allowances)) return null;
  for (const address of addresses) {
    if (isAllowedHost(addressText(address), target.port, rules.allowances)) continue;
    const range = refusedRange(address);
    if (range) {
      const shown = addressText(address);
      return `${shown === target.host ? shown : `${target.host} (${shown})`} is ${range}`;
    }
  }
  if (!rules.ports.includes(target.port)) return `port ${target.port} is not an SMTP port (allowed: ${rules.ports.join(', ')})`;
  return null;
}

/**
 * What can be refused without a DNS lookup when a tenant saves a host and port: an IP literal
 * in a refused range or in an unusual notation, and a port that is not an SMTP port. Names are
 * resolved and checked at every connection.
 */
export function egressSettingProblem(target: EgressTarget, rules: EgressRules): string | null {
  const literal = parseIpLiteral(target.host);
  if (!literal) return egressRefusal(target, [], rules);
  const refusal = egressRefusal(target, [literal], rules);
  if (refusal) return refusal;
  if (literal.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(target.host) && !isAllowedHost(target.host, target.port, rules.allowances)) {
    return `${target.host} is an IPv4 address in an unusual notation: write it as ${addressText(literal)}`;
  }
  return null;
}
