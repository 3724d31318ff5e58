import { normalizeEmail, passwordProblem, passwordStamp, readAccountLink, signAccountLink } from './account-policy';
import { hashPassword, verifyPassword } from './password-hashing';

const KEY = 'k'.repeat(40);
const NOW = new Date('2026-12-01T10:00:00Z');

describe('passwordProblem', () => {
  it.each([
    ['short', 'must be at least 10'],
    ['x'.repeat(201), 'at most 200'],
    ['Alice@Example.com', 'must not be the e-mail'],
  ])('refuses %p', (password, problem) => {
    expect(passwordProblem(password, 'alice@example.com')).toContain(problem);
  });

  it('accepts a long passphrase of any characters', () => {
    expect(passwordProblem('correct horse battery', 'alice@example.com')).toBeNull();
  });

  it('normalizes addresses for comparison', () => {
    expect(normalizeEmail('  Alice@Example.COM ')).toBe('alice@example.com');
  });
});

describe('account links', () => {
  const account = { kind: 'user', id: 12 } as const;

  it('read back what was signed while valid', () => {
    const token = signAccountLink('invitation', account, null, NOW, KEY);
    expect(readAccountLink(token, new Date(NOW.getTime() + 6 * 86_400_000), KEY)).toEqual({ purpose: 'invitation', account, stamp: passwordStamp(null) });
  });

  it('expire: a reset link after an hour, an invitation after a week', () => {
    const reset = signAccountLink('password_reset', account, 'h', NOW, KEY);
    expect(readAccountLink(reset, new Date(NOW.getTime() + 3_600_001), KEY)).toBeNull();
    const invitation = signAccountLink('invitation', account, null, NOW, KEY);
    expect(readAccountLink(invitation, new Date(NOW.getTime() + 7 * 86_400_000 + 1), KEY)).toBeNull();
  });

  it('refuse a changed body, another key and garbage', () => {
    const token = signAccountLink('invitation', account, null, NOW, KEY);
    const [body, signature] = token.split('.');
    const forged = Buffer.from(Buffer.from(body, 'base64url').toString().replace('"i":12', '"i":13')).toString('base64url');
    expect(readAccountLink(`${forged}.${signature}`, NOW, KEY)).toBeNull();
    expect(readAccountLink(token, NOW, 'o'.repeat(40))).toBeNull();
    expect(readAccountLink('nonsense', NOW, KEY)).toBeNull();
    expect(readAccountLink(`${token}.x`, NOW, KEY)).toBeNull();
  });

  it('carry a stamp that changes with the password', () => {
    expect(passwordStamp('hash-1')).not.toBe(passwordStamp('hash-2'));
    expect(passwordStamp(null)).not.toBe(passwordStamp('hash-1'));
  });
});

describe('password hashing', () => {
  it('uses argon2id and verifies only the right password', async () => {
    const hashed = await hashPassword('correct horse battery');
    expect(hashed).toMatch(/^\$argon2id\$/);
    await expect(verifyPassword(hashed, 'correct horse battery')).resolves.toBe(true);
    await expect(verifyPassword(hashed, 'wrong horse battery')).resolves.toBe(false);
    await expect(verifyPassword(null, 'anything at all')).resolves.toBe(false);
    await expect(verifyPassword('not a hash', 'anything at all')).resolves.toBe(false);
  });
});
