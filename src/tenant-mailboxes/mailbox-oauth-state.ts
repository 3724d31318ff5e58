import type { Actor } from '../audit/audit-policy';
import { SecretBox } from '../email-settings/secret-box';

export const OAUTH_BINDING_COOKIE = 'inbound_mailbox_oauth';
export const OAUTH_COOKIE_PATH = '/api/email-settings/mailboxes/oauth';
export const OAUTH_STATE_LIFETIME_MS = 10 * 60_000;

/** What travels from "connect" through the provider to the callback, sealed in the `state` parameter. */
export interface MailboxOAuthState {
  tenantId: number;
  mailboxId: number;
  /** The PKCE verifier: sealed, so only this service can read it back. */
  verifier: string;
  /** Also in the browser's cookie: the callback is completed only by the browser that started it. */
  binding: string;
  /** Who started connecting: the audit entry of the callback (a request without a principal) names them. */
  actor: Actor;
  expiresAt: number;
}

/** Encrypted and authenticated (AES-GCM under APP_KEY): a state cannot be forged, read or changed. */
export function sealOAuthState(state: MailboxOAuthState, box: SecretBox): string {
  return Buffer.from(box.encrypt(JSON.stringify(state))).toString('base64url');
}

export function openOAuthState(sealed: unknown, now: number, box: SecretBox): MailboxOAuthState | null {
  if (typeof sealed !== 'string' || sealed.length > 4000) return null;
  try {
    const state = JSON.parse(box.decrypt(Buffer.from(sealed, 'base64url').toString('utf8'))) as MailboxOAuthState;
    return state.expiresAt > now ? state : null;
  } catch {
    return null;
  }
}
