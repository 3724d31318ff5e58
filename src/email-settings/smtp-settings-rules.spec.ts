import { SMTP_PORTS } from '../egress/egress-policy';
import { authenticatesInClear, effectiveSmtpPort, keepsStoredPassword, SmtpDestination, smtpSettingsProblem } from './smtp-settings-rules';

const stored: SmtpDestination = { host: 'smtp.acme.example', port: 587, security: 'starttls', username: 'acme' };
const rules = { allowances: [{ host: 'mailpit', port: null }], ports: SMTP_PORTS };

describe('keepsStoredPassword', () => {
  it('keeps it when the same values are saved again (the settings form sends them all)', () => {
    expect(keepsStoredPassword(stored, { ...stored })).toBe(true);
    expect(keepsStoredPassword(stored, { ...stored, host: 'SMTP.Acme.example' })).toBe(true);
    expect(keepsStoredPassword({ ...stored, port: null }, { ...stored, port: 587 })).toBe(true);
  });

  it.each<[string, Partial<SmtpDestination>]>([
    ['host', { host: 'smtp.attacker.example' }],
    ['host cleared', { host: null }],
    ['port', { port: 2525 }],
    ['security', { security: 'none' }],
    ['security with its default port', { security: 'tls', port: null }],
    ['username', { username: 'someone-else' }],
  ])('drops it when the %s changes', (_, change) => {
    expect(keepsStoredPassword(stored, { ...stored, ...change })).toBe(false);
  });
});

describe('smtpSettingsProblem', () => {
  it('accepts ordinary settings and no host at all', () => {
    expect(smtpSettingsProblem(stored, rules)).toBeNull();
    expect(smtpSettingsProblem({ host: null, port: 22, security: 'none', username: 'x' }, rules)).toBeNull();
    expect(smtpSettingsProblem({ ...stored, port: null, security: 'tls' }, rules)).toBeNull();
  });

  it('refuses private literals and other ports, naming the field', () => {
    expect(smtpSettingsProblem({ ...stored, host: '10.0.0.5' }, rules)).toBe('smtp_host 10.0.0.5, port 587 is refused: 10.0.0.5 is a private address');
    expect(smtpSettingsProblem({ ...stored, port: 22 }, rules)).toMatch(/port 22 is not an SMTP port/);
  });

  it('refuses AUTH without TLS unless the operator allows the host', () => {
    expect(smtpSettingsProblem({ ...stored, security: 'none', port: 25 }, rules)).toMatch(/without encryption/);
    expect(smtpSettingsProblem({ ...stored, security: 'none', port: 25, username: null }, rules)).toBeNull();
    expect(smtpSettingsProblem({ host: 'mailpit', port: 1025, security: 'none', username: 'dev' }, rules)).toBeNull();
  });
});

describe('authenticatesInClear and effectiveSmtpPort', () => {
  it('AUTH in clear is "none" with a user name; the default port follows the security', () => {
    expect(authenticatesInClear({ security: 'none', username: 'a' })).toBe(true);
    expect(authenticatesInClear({ security: 'starttls', username: 'a' })).toBe(false);
    expect(effectiveSmtpPort(null, 'tls')).toBe(465);
    expect(effectiveSmtpPort(null, 'starttls')).toBe(587);
    expect(effectiveSmtpPort(2525, 'none')).toBe(2525);
  });
});
