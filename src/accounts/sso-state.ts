import { createHmac } from 'node:crypto';
import { constantTimeEquals } from '../auth/token-secret';

export const SSO_COOKIE = 'inbound_sso';
export const SSO_STATE_LIFETIME_MS = 10 * 60_000;

/** What the browser carries from the start of a sign-in at the provider to its callback, signed. */
export interface SsoState {
  tenantId: number;
  verifier: string;
  state: string;
  nonce: string;
  next: string;
  expiresAt: number;
}

export function sealSsoState(state: SsoState, key: string): string {
  const body = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${body}.${mac(body, key)}`;
}

export function openSsoState(sealed: string | undefined, now: number, key: string): SsoState | null {
  const [body, signature] = (sealed ?? '').split('.');
  if (!body || !signature || !constantTimeEquals(signature, mac(body, key))) return null;
  try {
    const state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SsoState;
    return state.expiresAt > now ? state : null;
  } catch {
    return null;
  }
}

/** Only a path inside the UI: never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/[A-Za-z0-9/_?=&.%-]*$/.test(next) && !next.startsWith('//') ? next : '/';
}

function mac(body: string, key: string): string {
  return createHmac('sha256', key).update(`sso-state:${body}`).digest('base64url');
}
