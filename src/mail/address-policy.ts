import publicMailboxProviders from 'email-providers/all.json';

/**
 * Which domains a tenant may claim and which local parts it may take on the shared inbound
 * domain. Pure, so that the tenant-boundary rules test without a database.
 */

/** Dot-atom local part without '+', which is reserved for reply tokens. */
export const LOCAL_PART_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
/** A lowercase domain name of at least two labels. */
export const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

const PUBLIC_PROVIDERS: ReadonlySet<string> = new Set(publicMailboxProviders);

/**
 * Local parts nobody may take on the shared domain: the role addresses of RFC 2142 and the
 * mailboxes certificate authorities write to when they validate a domain by e-mail (admin,
 * administrator, hostmaster, postmaster, webmaster: a tenant holding one could obtain a
 * certificate for the platform's domain), and addresses that look like the platform or its
 * mail system speaking.
 */
export const RESERVED_LOCAL_PARTS: ReadonlySet<string> = new Set([
  'abuse', 'admin', 'administrator', 'billing', 'bounce', 'bounces', 'daemon', 'dmarc', 'do-not-reply', 'donotreply', 'ftp',
  'help', 'helpdesk', 'hostmaster', 'info', 'mailer-daemon', 'marketing', 'news', 'noc', 'no-reply', 'noreply', 'postmaster',
  'root', 'sales', 'security', 'ssladmin', 'ssladministrator', 'sslwebmaster', 'support', 'sysadmin', 'system', 'tls-reports',
  'usenet', 'uucp', 'webmaster', 'www',
]);

/** Why a tenant may not claim this domain, or null when it may (it still has to prove ownership). */
export function refusedDomainReason(domain: string, platformMailDomain: string): string | null {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  const platform = platformMailDomain.toLowerCase();
  if (name === platform || name.endsWith(`.${platform}`)) {
    return `${name} is the platform's inbound mail domain${name === platform ? '' : ' (or a subdomain of it)'}: every tenant already receives there`;
  }
  if (PUBLIC_PROVIDERS.has(name)) {
    return `${name} is a public mailbox provider: its addresses belong to their users, not to one tenant`;
  }
  return null;
}

/** Why a tenant may not take this local part on the shared domain, or null when it may. */
export function reservedLocalPartReason(localPart: string, catchAllLocalPart: string | null): string | null {
  const name = localPart.trim().toLowerCase();
  if (RESERVED_LOCAL_PARTS.has(name)) return `${name} is a reserved address (RFC 2142 role or system mailbox)`;
  if (catchAllLocalPart !== null && name === catchAllLocalPart.toLowerCase()) return `${name} is the platform's own catch-all mailbox`;
  return null;
}
