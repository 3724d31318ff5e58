import { createHash, createHmac } from 'node:crypto';
import { constantTimeEquals } from '../auth/token-secret';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** What is wrong with a new password, or null. Length is what matters (NIST SP 800-63B), not character classes. */
export function passwordProblem(password: string, email: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) return 'password must not be the e-mail address';
  return null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export type LinkPurpose = 'invitation' | 'password_reset';
export type AccountRef = { kind: 'user'; id: number } | { kind: 'operator'; id: number };

export const LINK_LIFETIME_MS: Record<LinkPurpose, number> = {
  invitation: 7 * 24 * 3_600_000,
  password_reset: 3_600_000,
};

interface LinkClaims {
  p: LinkPurpose;
  a: 'u' | 'o';
  i: number;
  /** The account's password state when the link was made: setting a password ends every link made before. */
  s: string;
  e: number;
}

/** A short digest of the account's password state; any password change changes it. */
export function passwordStamp(passwordHash: string | null): string {
  return createHash('sha256').update(passwordHash ?? 'no password').digest('base64url').slice(0, 16);
}

/** A signed link token: who, what for, until when; single use through the password stamp. */
export function signAccountLink(purpose: LinkPurpose, account: AccountRef, passwordHash: string | null, now: Date, key: string): string {
  const claims: LinkClaims = { p: purpose, a: account.kind === 'user' ? 'u' : 'o', i: account.id, s: passwordStamp(passwordHash), e: Math.floor((now.getTime() + LINK_LIFETIME_MS[purpose]) / 1000) };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${mac(body, key)}`;
}

/** The account a link token names, once its signature and lifetime hold; the caller checks the stamp against the account. */
export function readAccountLink(token: string, now: Date, key: string): { purpose: LinkPurpose; account: AccountRef; stamp: string } | null {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined || !constantTimeEquals(signature, mac(body, key))) return null;
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(claims.i) || typeof claims.s !== 'string' || !(claims.p in LINK_LIFETIME_MS)) return null;
  if (claims.e * 1000 <= now.getTime()) return null;
  return { purpose: claims.p, account: { kind: claims.a === 'u' ? 'user' : 'operator', id: claims.i }, stamp: claims.s };
}

function mac(body: string, key: string): string {
  return createHmac('sha256', key).update(`account-link:${body}`).digest('base64url');
}
