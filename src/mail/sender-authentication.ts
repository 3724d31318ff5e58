import type { MessageHeaders } from './classify-message';
import ipaddr from 'ipaddr.js';
import type { ThreadDecision } from './threading';

/** An RFC 8601 result as SPF, DKIM, DMARC and ARC give it. */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/**
 * The one word stored on a message and shown as its badge:
 * - pass: DMARC passed, or (no DMARC record) an SPF or DKIM pass aligned with the From domain;
 * - fail: DMARC failed, or (no DMARC record) SPF was checked and did not pass (fail, softfail,
 *   neutral, none, permerror) and no DKIM signature passed (failed or none at all);
 * - temperror: a DNS lookup failed or timed out where the answer mattered;
 * - none: nothing to judge by (no client address known and no DKIM pass, or passes not aligned with From).
 * Only `fail` changes anything (senderAuthenticationRule); temperror and none are "no verdict".
 */
export type SenderVerdict = 'pass' | 'fail' | 'temperror' | 'none';

export interface AuthenticationChecks {
  /** Null when SPF could not be checked: the client address our MTA saw is unknown. */
  spf: { result: AuthResult; aligned: boolean } | null;
  dkim: { result: AuthResult; aligned: boolean }[];
  /** Null when DMARC was not evaluated (no From domain). */
  dmarc: AuthResult | null;
  /** The ARC chain's validation; it counts only for a sealer in ARC_TRUSTED_SEALERS (anyone can seal a chain). */
  arc: AuthResult | null;
  /** The domain of the newest ARC seal, and the DMARC result that sealer recorded when it received the mail. */
  arcSealer?: string | null;
  arcDmarc?: AuthResult | null;
  /** `mailauth` when we verified, else the authserv-id of the trusted Authentication-Results. */
  by: string;
}

export interface SenderAuthentication {
  verdict: SenderVerdict;
  /** e.g. `dmarc=fail spf=softfail dkim=none arc=none (mailauth)`, for the badge's title. */
  details: string;
}

const NOT_A_PASS: ReadonlySet<string> = new Set(['fail', 'softfail', 'neutral', 'none', 'permerror', 'policy']);

/**
 * A forwarder (a mailing list, a mailbox's forwarding rule) breaks SPF and often DKIM. When it
 * sealed an ARC chain that validates, and it is one of the sealers we trust, the DMARC result it
 * recorded on receipt stands in for ours.
 */
export function senderVerdict(checks: AuthenticationChecks, trustedSealers: readonly string[] = []): SenderVerdict {
  const own = verdictOfOwnChecks(checks);
  if (own !== 'pass' && vouchedByTrustedSealer(checks, trustedSealers)) return 'pass';
  return own;
}

function vouchedByTrustedSealer(checks: AuthenticationChecks, trustedSealers: readonly string[]): boolean {
  const sealer = checks.arcSealer?.toLowerCase();
  return checks.arc === 'pass' && checks.arcDmarc === 'pass' && sealer !== undefined && trustedSealers.some((domain) => domain.toLowerCase() === sealer);
}

function verdictOfOwnChecks(checks: AuthenticationChecks): SenderVerdict {
  if (checks.dmarc === 'pass') return 'pass';
  if (checks.dmarc === 'fail') return 'fail';
  if (checks.dmarc === 'temperror') return 'temperror';
  const { spf, dkim } = checks;
  if (spf?.result === 'pass' && spf.aligned) return 'pass';
  if (dkim.some((d) => d.result === 'pass' && d.aligned)) return 'pass';
  if (spf?.result === 'temperror' || dkim.some((d) => d.result === 'temperror')) return 'temperror';
  const dkimFailedOrAbsent = dkim.every((d) => d.result !== 'pass');
  if (spf !== null && NOT_A_PASS.has(spf.result) && dkimFailedOrAbsent) return 'fail';
  return 'none';
}

export function describeChecks(checks: AuthenticationChecks): string {
  const dkim = checks.dkim.length === 0 ? 'none' : checks.dkim.map((d) => d.result).join(',');
  const arc = `${checks.arc ?? 'none'}${checks.arcSealer ? ` sealed by ${checks.arcSealer}` : ''}`;
  return `dmarc=${checks.dmarc ?? 'none'} spf=${checks.spf?.result ?? 'unchecked'} dkim=${dkim} arc=${arc} (${checks.by})`.slice(0, 255);
}

export function senderAuthentication(checks: AuthenticationChecks, trustedSealers: readonly string[] = []): SenderAuthentication {
  return { verdict: senderVerdict(checks, trustedSealers), details: describeChecks(checks) };
}

export interface SenderAuthenticationRule {
  /** A subject tag may thread the mail (still only for a participant of that ticket). */
  subjectTagThreads: boolean;
  /** An acknowledgement may go out (still only as acknowledgementDecision allows). */
  acknowledges: boolean;
}

/** Issue 19: a fail blocks subject-tag threading and acknowledgements; a pass or no verdict keeps today's rules. Filing never depends on it. */
export function senderAuthenticationRule(verdict: SenderVerdict | null): SenderAuthenticationRule {
  const failed = verdict === 'fail';
  return { subjectTagThreads: !failed, acknowledges: !failed };
}

interface ResultEntry {
  method: string;
  result: string;
  properties: Map<string, string>;
}

/** The authserv-id and the method results of one Authentication-Results value (RFC 8601), comments removed. */
export function parseAuthenticationResults(value: string): { authservId: string; results: ResultEntry[] } | null {
  const clean = withoutComments(value).replace(/\s+/g, ' ').trim();
  const [head, ...parts] = clean.split(';');
  const authservId = head?.trim().split(' ')[0]?.toLowerCase();
  if (!authservId) return null;
  const results: ResultEntry[] = [];
  for (const part of parts) {
    const match = /^\s*([a-z0-9-]+)\s*=\s*([a-z]+)\b(.*)$/i.exec(part);
    if (!match) continue;
    const properties = new Map<string, string>();
    for (const [, name, property] of match[3].matchAll(/([a-z0-9-]+\.[a-z0-9-]+)\s*=\s*("[^"]*"|[^\s;]+)/gi)) {
      properties.set(name.toLowerCase(), property.replace(/^"|"$/g, '').toLowerCase());
    }
    results.push({ method: match[1].toLowerCase(), result: match[2].toLowerCase(), properties });
  }
  return { authservId, results };
}

/**
 * The checks our own MTA recorded: the topmost Authentication-Results, only when its
 * authserv-id is ours. Our MTA prepends its header above anything the sender wrote (and RFC
 * 8601 section 5 has it remove copies that claim its id); any other header is ignored.
 */
export function trustedAuthenticationResults(headers: MessageHeaders, authservId: string, fromDomain: string | null): AuthenticationChecks | null {
  const top = headers.get('authentication-results')?.[0];
  const parsed = top === undefined ? null : parseAuthenticationResults(top);
  if (parsed === null || parsed.authservId !== authservId.toLowerCase()) return null;
  const of = (method: string) => parsed.results.filter((r) => r.method === method);
  const spf = of('spf')[0];
  const spfDomain = spf ? domainOf(spf.properties.get('smtp.mailfrom') ?? spf.properties.get('smtp.helo') ?? '') : null;
  return {
    spf: spf ? { result: asResult(spf.result), aligned: aligned(spfDomain, fromDomain) } : null,
    dkim: of('dkim').map((d) => ({ result: asResult(d.result), aligned: aligned(d.properties.get('header.d') ?? domainOf(d.properties.get('header.i') ?? ''), fromDomain) })),
    dmarc: of('dmarc')[0] ? asResult(of('dmarc')[0].result) : null,
    arc: of('arc')[0] ? asResult(of('arc')[0].result) : null,
    by: parsed.authservId,
  };
}

/**
 * Identifier alignment, approximated without a public-suffix list: the same domain or one a
 * subdomain of the other (strict alignment and the usual relaxed case). Used only when the
 * sender's domain publishes no DMARC record; mailauth computes DMARC's own alignment.
 */
export function aligned(domain: string | null, fromDomain: string | null): boolean {
  if (!domain || !fromDomain) return false;
  const a = domain.toLowerCase();
  const b = fromDomain.toLowerCase();
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  const domain = (at === -1 ? address : address.slice(at + 1)).replace(/[<>\s]/g, '').toLowerCase();
  return domain === '' ? null : domain;
}

const KNOWN_RESULTS: ReadonlySet<string> = new Set(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy']);

/** mailauth and older MTAs also write `temperr`, `hardfail` and `skipped`. */
export function asResult(value: string): AuthResult {
  const lower = value.toLowerCase();
  if (lower === 'temperr') return 'temperror';
  if (lower === 'hardfail') return 'fail';
  return KNOWN_RESULTS.has(lower) ? (lower as AuthResult) : 'none';
}

function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (const char of value) {
    if (char === '"' && depth === 0) quoted = !quoted;
    if (!quoted && char === '(') depth++;
    if (depth === 0) out += char;
    if (!quoted && char === ')' && depth > 0) depth--;
  }
  return out;
}

export interface SmtpClient {
  ip: string;
  helo: string | null;
}

/**
 * The client our MTA received the message from, as its own Received header says:
 * `from helo (rdns [192.0.2.1])`. That is the topmost one (every MTA prepends its own), below
 * only Dovecot's LMTP delivery hop when the mail went through the mailbox (IMAP, Maildir).
 * Headers further down were written by others and are never read. Null when our header names
 * no address, or only a loopback or private one (an internal hop that says nothing about the
 * sender): SPF is then not checked.
 */
export function clientOfTopReceived(headers: MessageHeaders): SmtpClient | null {
  const received = (headers.get('received') ?? []).map((value) => value.replace(/\s+/g, ' '));
  const ours = received.find((value) => !/\bwith\s+LMTPS?A?\b/i.test(value));
  if (ours === undefined) return null;
  const from = /^\s*from\s+(\S+)\s*(\([^)]*\))?/i.exec(ours);
  const ip = /\[(?:IPv6:)?([0-9a-f.:]+)\]/i.exec(from?.[2] ?? '')?.[1] ?? null;
  if (ip === null || !isPublicAddress(ip)) return null;
  const helo = from?.[1]?.replace(/^\[|\]$/g, '') ?? null;
  return { ip, helo };
}

const INTERNAL_RANGES: ReadonlySet<string> = new Set(['loopback', 'private', 'linkLocal', 'uniqueLocal', 'unspecified', 'carrierGradeNat']);

function isPublicAddress(ip: string): boolean {
  return ipaddr.isValid(ip) && !INTERNAL_RANGES.has(ipaddr.process(ip).range());
}

/** The envelope sender our MTA (Postfix's pipe flag R, Dovecot's LMTP) wrote as the topmost Return-Path; '' for the null sender. */
export function envelopeSender(headers: MessageHeaders): string | null {
  const top = headers.get('return-path')?.[0];
  if (top === undefined) return null;
  return (/<([^<>]*)>/.exec(top)?.[1] ?? top).trim().toLowerCase();
}

/** A thread found by subject tag alone becomes a new ticket when the rule blocks subject tags (the tag could be forged with the From). */
export function withoutForgedSubjectTag(thread: ThreadDecision, rule: SenderAuthenticationRule): ThreadDecision {
  if (rule.subjectTagThreads || thread.kind !== 'existing' || thread.by !== 'subject_tag') return thread;
  return { kind: 'new', reason: 'subject tag ignored: the sender failed authentication (SPF, DKIM, DMARC)' };
}
