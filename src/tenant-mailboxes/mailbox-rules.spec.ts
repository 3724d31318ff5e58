import { IMAP_PORTS, keepsMailboxPassword, mailboxSettingsProblem, stateAfterFailure, unsupportedKindProblem } from './mailbox-rules';

const rules = { allowances: [], ports: IMAP_PORTS };
const base = { host: 'imap.example.com', port: 993, security: 'tls' as const, username: 'help@example.com' };

describe('tenant mailbox rules', () => {
  it('accepts imap, microsoft365 and google and refuses other kinds', () => {
    expect(unsupportedKindProblem('imap')).toBeNull();
    expect(unsupportedKindProblem('google')).toBeNull();
    expect(unsupportedKindProblem('microsoft365')).toBeNull();
    expect(unsupportedKindProblem('pop3')).toMatch(/not supported \(supported: imap, microsoft365, google\)/);
  });

  it('refuses private addresses, non-IMAP ports and plain-text login to hosts not allowed', () => {
    expect(mailboxSettingsProblem(base, rules)).toBeNull();
    expect(mailboxSettingsProblem({ ...base, host: '127.0.0.1' }, rules)).toMatch(/loopback/);
    expect(mailboxSettingsProblem({ ...base, port: 25 }, rules)).toMatch(/port 25/);
    expect(mailboxSettingsProblem({ ...base, port: 143, security: 'none' }, rules)).toMatch(/without encryption/);
    const allowed = { allowances: [{ host: '127.0.0.1', port: null }], ports: IMAP_PORTS };
    expect(mailboxSettingsProblem({ ...base, host: '127.0.0.1', port: 10143, security: 'none' }, allowed)).toBeNull();
  });

  it('drops the password when the host, port, security or user changes', () => {
    expect(keepsMailboxPassword(base, { ...base, host: 'IMAP.example.com' })).toBe(true);
    expect(keepsMailboxPassword(base, { ...base, host: 'evil.example.net' })).toBe(false);
    expect(keepsMailboxPassword(base, { ...base, username: 'other' })).toBe(false);
  });

  it('a refused login needs the admin; anything else backs off', () => {
    expect(stateAfterFailure({ authenticationFailed: true })).toBe('needs_reauthorization');
    expect(stateAfterFailure(new Error('ECONNREFUSED'))).toBe('backing_off');
  });
});
