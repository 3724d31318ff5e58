import ipaddr from 'ipaddr.js';
import type { EgressAllowance } from './app-config';
import { ConfigError } from './config-error';

// Variables that hold a comma-separated list, parsed and checked at boot so that a typo stops the start.

export const PROCESSING_METHODS = ['webhook', 'imap', 'file_monitor'] as const;
export type ProcessingMethod = (typeof PROCESSING_METHODS)[number];

export function parseProcessingMethods(value: string): ProcessingMethod[] {
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = parts.filter((p) => !(PROCESSING_METHODS as readonly string[]).includes(p));
  if (parts.length === 0 || unknown.length > 0) {
    throw new ConfigError(
      `EMAIL_PROCESSING_METHOD must be one or more of ${PROCESSING_METHODS.join(', ')} (comma separated); got "${value}"`,
    );
  }
  return [...new Set(parts as ProcessingMethod[])];
}

/** `mailpit, 10.0.0.5:2525, [fd00::1]:587` => hosts with an optional port, lowercase. */
export function parseEgressAllowedHosts(value: string): EgressAllowance[] {
  const entries = value.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  return entries.map((entry) => {
    const match = /^(?:\[([0-9a-f:.]+)\]|([^:\s[\]]+)|([0-9a-f:]+))(?::(\d{1,5}))?$/.exec(entry);
    const bracketless = /^[0-9a-f:]+$/.test(entry) && entry.split(':').length > 2;
    if (bracketless) return { host: entry, port: null };
    if (!match) throw new ConfigError(`EGRESS_ALLOWED_HOSTS: "${entry}" is not a host or host:port (write IPv6 with a port as [addr]:port)`);
    const port = match[4] === undefined ? null : Number(match[4]);
    if (port !== null && (port < 1 || port > 65535)) throw new ConfigError(`EGRESS_ALLOWED_HOSTS: port ${port} in "${entry}" is out of range`);
    return { host: match[1] ?? match[2] ?? match[3], port };
  });
}

const NAMED_PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** `loopback, 10.0.0.0/8, 172.18.0.2` => the list express's "trust proxy" takes; addresses and CIDRs checked here so a typo stops the boot. */
export function parseTrustProxy(value: string): string[] {
  const entries = value.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  for (const entry of entries) {
    const valid = NAMED_PROXY_RANGES.includes(entry) || ipaddr.isValid(entry) || (entry.includes('/') && isCidr(entry));
    if (!valid) throw new ConfigError(`TRUST_PROXY: "${entry}" is not loopback, linklocal, uniquelocal, an IP address or a CIDR range`);
  }
  return entries;
}

function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}
