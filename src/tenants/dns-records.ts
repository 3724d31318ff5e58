import { isIPv4 } from 'node:net';
import { DomainError } from '../common/domain-error';
import { DOMAIN_PATTERN } from '../mail/address-policy';

type DnsRecordType = 'A' | 'MX' | 'TXT';
export type DnsRecordKind = 'ownership' | 'a' | 'mx' | 'spf' | 'dkim' | 'dmarc';

/** One record a tenant (or, for `a`, the operator) publishes so that mail for the tenant's domain works. */
export interface DnsRecord {
  readonly kind: DnsRecordKind;
  readonly type: DnsRecordType;
  /** Fully qualified, lowercase, without the trailing dot. */
  readonly name: string;
  /**
   * What to publish. null when this side cannot know it (the mail server's address, a DKIM key
   * not generated yet): the check then accepts any well-formed answer.
   */
  readonly value: string | null;
  /** MX only. */
  readonly priority?: number;
  readonly purpose: string;
}

interface DnsRecordsInput {
  /** The tenant's own domain (or a subdomain of it dedicated to the helpdesk), e.g. help.acme.com. */
  domain: string;
  /** The shared Mailu server, the first of Mailu's HOSTNAMES, e.g. mail.example.com. */
  mailHost: string;
  /** The mail server's public IPv4 address, when known. */
  mailHostIpv4?: string;
  /** Base64 body or PEM of the domain's DKIM public key, as Mailu's admin shows it. */
  dkimPublicKey?: string;
  /** Mailu signs with the selector "dkim" unless DKIM_SELECTOR says otherwise. */
  dkimSelector?: string;
  /** The SPF include of the tenant's own outbound SMTP provider, e.g. "_spf.google.com". */
  spfInclude?: string;
  /** Where receivers send aggregate DMARC reports (rua). */
  dmarcReportAddress?: string;
  /** The tenant's claim token: with it, the TXT record that proves the tenant controls the domain comes first. */
  verificationToken?: string;
}

/** Where the ownership proof lives: a name of its own, so it never collides with SPF or other TXT records at the domain. */
export function ownershipRecordName(domain: string): string {
  return `_inbound-verify.${normaliseName(domain)}`;
}

export function ownershipRecordValue(token: string): string {
  return `inbound-verify=${token}`;
}

type DnsCheckStatus = 'ok' | 'missing' | 'mismatch' | 'error';

interface DnsRecordCheck {
  readonly record: DnsRecord;
  /** `error` means the lookup itself failed (timeout, SERVFAIL): nothing is known about the record. */
  readonly status: DnsCheckStatus;
  /** What DNS answered at the record's name, for TXT only the records of the same kind. */
  readonly found: string[];
  readonly message: string;
}

/** The subset of node:dns/promises (or a `new Resolver()` from it) the check needs; injected so tests need no network. */
export interface DnsResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolveMx(hostname: string): Promise<{ exchange: string; priority: number }[]>;
  resolveTxt(hostname: string): Promise<string[][]>;
}

const MX_PRIORITY = 10;
const DEFAULT_DKIM_SELECTOR = 'dkim';
// Like DOMAIN_PATTERN, but SPF include targets often start with an underscore label (_spf.google.com).
const SPF_TARGET_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const SELECTOR_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const EMAIL_PATTERN = /^[^\s@;,!]+@[^\s@;,!]+$/;
const LOOKUP_NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);

/**
 * The records a tenant must add so that mail for its own domain reaches the shared Mailu server,
 * passes SPF/DKIM and carries a DMARC policy. Throws a bad_request DomainError on malformed input.
 */
export function requiredDnsRecords(input: DnsRecordsInput): DnsRecord[] {
  const domain = hostName(input.domain, 'domain');
  const mailHost = hostName(input.mailHost, 'mailHost');
  const selector = (input.dkimSelector ?? DEFAULT_DKIM_SELECTOR).trim().toLowerCase();
  if (!SELECTOR_PATTERN.test(selector)) throw badInput(`dkimSelector "${input.dkimSelector}" is not a valid DNS label`);
  if (input.mailHostIpv4 !== undefined && !isIPv4(input.mailHostIpv4)) {
    throw badInput(`mailHostIpv4 "${input.mailHostIpv4}" is not an IPv4 address`);
  }
  const spfInclude = input.spfInclude === undefined ? undefined : spfIncludeTarget(input.spfInclude);
  const dkimKey = input.dkimPublicKey === undefined ? undefined : dkimKeyBody(input.dkimPublicKey);
  const rua = input.dmarcReportAddress?.trim();
  if (rua !== undefined && !EMAIL_PATTERN.test(rua)) throw badInput(`dmarcReportAddress "${rua}" is not an e-mail address`);

  const ownership: DnsRecord[] = input.verificationToken
    ? [
        {
          kind: 'ownership',
          type: 'TXT',
          name: ownershipRecordName(domain),
          value: ownershipRecordValue(input.verificationToken),
          purpose:
            `Proves that this tenant controls ${domain}. Until it is published and verified, mail for ${domain} is not routed to this tenant.`,
        },
      ]
    : [];
  return [
    ...ownership,
    {
      kind: 'mx',
      type: 'MX',
      name: domain,
      value: mailHost,
      priority: MX_PRIORITY,
      purpose:
        `Routes mail for ${domain} to the helpdesk mail server. An MX moves every mailbox of the name it is set on, ` +
        'so use a subdomain dedicated to the helpdesk when the main domain receives mail elsewhere.',
    },
    {
      kind: 'a',
      type: 'A',
      name: mailHost,
      value: input.mailHostIpv4 ?? null,
      purpose: `The MX target must resolve to the mail server. Published once by the operator, not per tenant; checked so that the whole path is covered.`,
    },
    {
      kind: 'spf',
      type: 'TXT',
      name: domain,
      value: ['v=spf1', 'mx', ...(spfInclude ? [`include:${spfInclude}`] : []), '~all'].join(' '),
      purpose:
        'Authorises the servers that send as this domain: the helpdesk mail server (through "mx")' +
        (spfInclude ? ` and the tenant's own SMTP provider (include:${spfInclude})` : '') +
        '. Merge into the existing SPF record if there is one: a domain may have only one.',
    },
    {
      kind: 'dkim',
      type: 'TXT',
      name: `${selector}._domainkey.${domain}`,
      value: dkimKey ? `v=DKIM1; k=rsa; p=${dkimKey}` : null,
      purpose: dkimKey
        ? 'The public key receivers use to verify the DKIM signature of mail sent as this domain.'
        : 'The public key receivers use to verify DKIM signatures. Generate the key for this domain in Mailu first; its admin shows the record.',
    },
    {
      kind: 'dmarc',
      type: 'TXT',
      name: `_dmarc.${domain}`,
      value: `v=DMARC1; p=quarantine${rua ? `; rua=mailto:${rua}` : ''}`,
      purpose: 'Tells receivers what to do with mail that fails SPF and DKIM alignment, so that nobody can send as this domain unnoticed.',
    },
  ];
}

/**
 * Looks each record up through the injected resolver and says, per record, whether DNS holds it.
 * Lookups run in parallel; one failing lookup does not affect the others.
 */
export async function checkDnsRecords(records: readonly DnsRecord[], resolver: DnsResolver): Promise<DnsRecordCheck[]> {
  // SPF may name the mail host directly (a:mail.example.com) instead of "mx"; the MX record says which host that is.
  const mailHost = records.find((r) => r.kind === 'mx')?.value ?? null;
  return Promise.all(records.map((record) => checkOne(record, resolver, mailHost)));
}

async function checkOne(record: DnsRecord, resolver: DnsResolver, mailHost: string | null): Promise<DnsRecordCheck> {
  try {
    switch (record.kind) {
      case 'ownership':
        return checkOwnership(record, (await lookup(() => resolver.resolveTxt(record.name))).map((chunks) => chunks.join('')));
      case 'a':
        return checkA(record, await lookup(() => resolver.resolve4(record.name)));
      case 'mx':
        return checkMx(record, await lookup(() => resolver.resolveMx(record.name)));
      case 'spf':
        return checkSpf(record, txtOfKind(await lookup(() => resolver.resolveTxt(record.name)), isSpf), mailHost);
      case 'dkim':
        return checkDkim(record, txtOfKind(await lookup(() => resolver.resolveTxt(record.name)), isDkim));
      case 'dmarc':
        return checkDmarc(record, txtOfKind(await lookup(() => resolver.resolveTxt(record.name)), isDmarc));
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return result(record, 'error', [], `DNS lookup of ${record.name} failed (${typeof code === 'string' ? code : (error as Error).message}); try again later.`);
  }
}

/** NXDOMAIN and "no records of this type" are answers (nothing there), not failures. */
async function lookup<T>(query: () => Promise<T[]>): Promise<T[]> {
  try {
    return await query();
  } catch (error) {
    if (LOOKUP_NOT_FOUND.has(String((error as { code?: unknown }).code))) return [];
    throw error;
  }
}

function checkOwnership(record: DnsRecord, texts: string[]): DnsRecordCheck {
  if (texts.includes(record.value ?? '')) return result(record, 'ok', texts, `${record.name} holds this tenant's verification token.`);
  if (texts.length === 0) return result(record, 'missing', [], `${record.name} has no TXT record; publish "${record.value}" there.`);
  return result(record, 'mismatch', texts, `${record.name} does not hold "${record.value}" (another tenant's token, or an old one).`);
}

function checkA(record: DnsRecord, addresses: string[]): DnsRecordCheck {
  if (addresses.length === 0) return result(record, 'missing', [], `${record.name} has no A record, so the MX target cannot be reached.`);
  if (record.value !== null && !addresses.includes(record.value)) {
    return result(record, 'mismatch', addresses, `${record.name} resolves to ${addresses.join(', ')}, not to ${record.value}.`);
  }
  return result(record, 'ok', addresses, `${record.name} resolves to ${addresses.join(', ')}.`);
}

function checkMx(record: DnsRecord, answers: { exchange: string; priority: number }[]): DnsRecordCheck {
  const mx = answers
    .map((a) => ({ host: normaliseName(a.exchange), priority: a.priority }))
    .sort((a, b) => a.priority - b.priority || a.host.localeCompare(b.host));
  const found = mx.map((m) => `${m.priority} ${m.host || '.'}`);
  if (mx.length === 0) return result(record, 'missing', [], `${record.name} has no MX record.`);
  const ours = mx.filter((m) => m.host === record.value);
  if (ours.length === 0) {
    return result(record, 'mismatch', found, `The MX of ${record.name} points to ${found.join(', ')}, not to ${record.value}.`);
  }
  const best = Math.min(...ours.map((m) => m.priority));
  const preferred = mx.filter((m) => m.priority < best);
  if (preferred.length > 0) {
    return result(
      record,
      'mismatch',
      found,
      `${preferred.map((m) => m.host || '.').join(', ')} has a lower preference value than ${record.value}, so senders deliver there first.`,
    );
  }
  return result(record, 'ok', found, `Mail for ${record.name} goes to ${record.value}.`);
}

function checkSpf(record: DnsRecord, spf: string[], mailHost: string | null): DnsRecordCheck {
  if (spf.length === 0) return result(record, 'missing', [], `${record.name} has no SPF record (TXT "v=spf1 ...").`);
  if (spf.length > 1) {
    return result(record, 'mismatch', spf, `${record.name} has ${spf.length} SPF records; receivers treat that as a permanent error (RFC 7208, 4.5). Merge them into one.`);
  }
  const terms = spf[0].split(/\s+/).slice(1).map((t) => t.toLowerCase());
  const passing = (term: string): string | null => (term.startsWith('+') ? term.slice(1) : /^[-~?]/.test(term) ? null : term);
  const mechanisms = terms.map(passing).filter((t): t is string => t !== null);
  const wanted = (record.value ?? '').split(/\s+/).slice(1).filter((t) => t !== '~all');
  const lacking = wanted.filter((term) => {
    if (term === 'mx') return !(mechanisms.includes('mx') || mechanisms.includes(`mx:${record.name}`) || (mailHost !== null && mechanisms.includes(`a:${mailHost}`)));
    return !mechanisms.includes(term);
  });
  if (mechanisms.includes('all')) {
    return result(record, 'mismatch', spf, `The SPF record of ${record.name} ends in "+all", which lets every server on the internet send as ${record.name}.`);
  }
  if (lacking.length > 0) {
    const redirect = terms.some((t) => t.startsWith('redirect='));
    return result(
      record,
      'mismatch',
      spf,
      `The SPF record of ${record.name} lacks ${lacking.map((t) => `"${t}"`).join(' and ')}` +
        (redirect ? ' (it uses redirect=, which this check does not follow)' : '') +
        '.',
    );
  }
  return result(record, 'ok', spf, `The SPF record of ${record.name} authorises the helpdesk's senders.`);
}

function checkDkim(record: DnsRecord, dkim: string[]): DnsRecordCheck {
  if (dkim.length === 0) return result(record, 'missing', [], `${record.name} has no DKIM key record.`);
  if (dkim.length > 1) return result(record, 'mismatch', dkim, `${record.name} holds ${dkim.length} DKIM records; receivers need exactly one per selector.`);
  const published = (tags(dkim[0]).get('p') ?? '').replace(/\s+/g, '');
  if (published === '') return result(record, 'mismatch', dkim, `The DKIM record at ${record.name} has an empty key (p=), which revokes it.`);
  const expected = record.value === null ? null : (tags(record.value).get('p') ?? '');
  if (expected !== null && published !== expected) {
    return result(record, 'mismatch', dkim, `The DKIM key published at ${record.name} is not the key the mail server signs with.`);
  }
  return result(record, 'ok', dkim, `The DKIM key at ${record.name} is published.`);
}

function checkDmarc(record: DnsRecord, dmarc: string[]): DnsRecordCheck {
  if (dmarc.length === 0) return result(record, 'missing', [], `${record.name} has no DMARC record.`);
  if (dmarc.length > 1) {
    return result(record, 'mismatch', dmarc, `${record.name} has ${dmarc.length} DMARC records; receivers then apply none of them (RFC 7489, 6.6.3).`);
  }
  const policy = tags(dmarc[0]).get('p')?.toLowerCase();
  if (policy !== 'none' && policy !== 'quarantine' && policy !== 'reject') {
    return result(record, 'mismatch', dmarc, `The DMARC record at ${record.name} has no valid policy (p=none, quarantine or reject).`);
  }
  return result(
    record,
    'ok',
    dmarc,
    policy === 'none' ? `The DMARC record at ${record.name} only monitors (p=none); it protects nothing yet.` : `The DMARC record at ${record.name} sets p=${policy}.`,
  );
}

function result(record: DnsRecord, status: DnsCheckStatus, found: string[], message: string): DnsRecordCheck {
  return { record, status, found, message };
}

/** A TXT record may come in several 255-byte strings; receivers read them joined. */
function txtOfKind(answers: string[][], isKind: (text: string) => boolean): string[] {
  return answers.map((chunks) => chunks.join('')).filter(isKind);
}

const isSpf = (text: string): boolean => /^v=spf1(\s|$)/i.test(text.trim());
const isDmarc = (text: string): boolean => /^v=dmarc1\s*(;|$)/i.test(text.trim());
// v= is optional in DKIM key records (RFC 6376, 3.6.1); p= is not.
const isDkim = (text: string): boolean => /^v=dkim1\s*(;|$)/i.test(text.trim()) || tags(text).has('p');

function tags(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) map.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return map;
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

function hostName(value: string, field: string): string {
  const name = normaliseName(value ?? '');
  if (!DOMAIN_PATTERN.test(name)) throw badInput(`${field} "${value}" is not a domain name such as example.com`);
  return name;
}

function spfIncludeTarget(value: string): string {
  const target = normaliseName(value).replace(/^include:/, '');
  if (!SPF_TARGET_PATTERN.test(target)) throw badInput(`spfInclude "${value}" is not a domain name such as _spf.example.com`);
  return target;
}

function dkimKeyBody(value: string): string {
  const body = value
    .replace(/-----(BEGIN|END)[^-]*-----/g, '')
    .replace(/^\s*v=DKIM1\s*;.*?p=/is, '')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw badInput('dkimPublicKey must be the base64 public key (or its PEM form)');
  return body;
}

function badInput(message: string): DomainError {
  return new DomainError('bad_request', message);
}
