import { SecretBox } from '../email-settings/secret-box';
import { MailboxOAuthState, openOAuthState, sealOAuthState } from './mailbox-oauth-state';

describe('the sealed OAuth2 state', () => {
  const box = new SecretBox('app-key-0123456789abcdef0123456789');
  const state: MailboxOAuthState = { tenantId: 4, mailboxId: 9, verifier: 'v'.repeat(43), binding: 'b1', actor: { kind: 'user', id: 3 }, expiresAt: 2_000 };

  it('comes back as sealed until it expires, and keeps the verifier unreadable', () => {
    const sealed = sealOAuthState(state, box);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed, 'base64url').toString()).not.toContain('vvvv');
    expect(openOAuthState(sealed, 1_000, box)).toEqual(state);
    expect(openOAuthState(sealed, 2_000, box)).toBeNull();
  });

  it('refuses a changed, foreign or malformed state', () => {
    const sealed = sealOAuthState(state, box);
    const middle = Math.floor(sealed.length / 2);
    const flipped = `${sealed.slice(0, middle)}${sealed[middle] === 'A' ? 'B' : 'A'}${sealed.slice(middle + 1)}`;
    expect(openOAuthState(flipped, 1_000, box)).toBeNull();
    expect(openOAuthState(sealOAuthState(state, new SecretBox('another-key-0123456789abcdef01234')), 1_000, box)).toBeNull();
    expect(openOAuthState('garbage', 1_000, box)).toBeNull();
    expect(openOAuthState(undefined, 1_000, box)).toBeNull();
    expect(openOAuthState('x'.repeat(5000), 1_000, box)).toBeNull();
  });
});
