import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config';

describe('AppConfig.fromEnvironment', () => {
  const base = { DATA_DIR: '/tmp/inbound-config-spec', APP_KEY: 'k'.repeat(32), DOCKER_MAIL_WEBHOOK_SECRET: 's'.repeat(32) };

  it('refuses to start with an ADMIN_API_TOKEN shorter than 32 characters, naming the variable', () => {
    expect(() => AppConfig.fromEnvironment({ ...base, ADMIN_API_TOKEN: 'a'.repeat(31) })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnvironment({ ...base, ADMIN_API_TOKEN: 'a'.repeat(31) })).toThrow(/ADMIN_API_TOKEN must be at least 32 characters/);
    expect(AppConfig.fromEnvironment({ ...base, ADMIN_API_TOKEN: 'a'.repeat(32) }).adminApiToken).toBe('a'.repeat(32));
  });

  it('reads the rate limits and the webhook cap, with their defaults', () => {
    const defaults = AppConfig.fromEnvironment({ ...base, ADMIN_API_TOKEN: 'a'.repeat(32) });
    expect(defaults.rateLimits).toEqual({ authFailuresPerMinute: 10, apiPerSecond: 100, smtpTestPerHour: 10, signInFailuresPerAccount: 10 });
    expect(defaults.webhookMaxInFlight).toBe(32);
    const set = AppConfig.fromEnvironment({
      ...base,
      ADMIN_API_TOKEN: 'a'.repeat(32),
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '5',
      RATE_LIMIT_API_PER_SECOND: '50',
      RATE_LIMIT_SMTP_TEST_PER_HOUR: '3',
      RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: '4',
      WEBHOOK_MAX_IN_FLIGHT: '8',
    });
    expect(set.rateLimits).toEqual({ authFailuresPerMinute: 5, apiPerSecond: 50, smtpTestPerHour: 3, signInFailuresPerAccount: 4 });
    expect(set.webhookMaxInFlight).toBe(8);
    expect(() => AppConfig.fromEnvironment({ ...base, ADMIN_API_TOKEN: 'a'.repeat(32), RATE_LIMIT_API_PER_SECOND: '0' })).toThrow(/RATE_LIMIT_API_PER_SECOND/);
  });

  it('reads the sign-in settings, with their defaults, and refuses a PUBLIC_URL that is not a web address', () => {
    const env = { ...base, ADMIN_API_TOKEN: 'a'.repeat(32) };
    expect(AppConfig.fromEnvironment(env).accounts).toEqual({
      publicUrl: 'http://localhost:3000',
      sessionIdleMs: 8 * 3_600_000,
      sessionMaxMs: 7 * 24 * 3_600_000,
      systemMailFrom: expect.stringMatching(/^Inbound <no-reply@/),
      systemSmtp: null,
      auditLogRetentionDays: 365,
    });
    const set = AppConfig.fromEnvironment({ ...env, PUBLIC_URL: 'https://help.example.com/', SESSION_IDLE_MINUTES: '30', SYSTEM_SMTP_HOST: 'smtp.example.com', SYSTEM_SMTP_PORT: '465' });
    expect(set.accounts).toMatchObject({ publicUrl: 'https://help.example.com', sessionIdleMs: 1_800_000, systemSmtp: { host: 'smtp.example.com', port: 465, security: 'tls' } });
    expect(() => AppConfig.fromEnvironment({ ...env, PUBLIC_URL: 'help.example.com' })).toThrow(/PUBLIC_URL/);
  });

  it('reads the proxies whose X-Forwarded-For is believed, and refuses a typo at boot', () => {
    const env = { ...base, ADMIN_API_TOKEN: 'a'.repeat(32) };
    expect(AppConfig.fromEnvironment(env).trustProxy).toEqual(['loopback']);
    expect(AppConfig.fromEnvironment({ ...env, TRUST_PROXY: 'loopback, 172.18.0.0/16, 10.0.0.7, fd00::/8' }).trustProxy).toEqual([
      'loopback',
      '172.18.0.0/16',
      '10.0.0.7',
      'fd00::/8',
    ]);
    expect(() => AppConfig.fromEnvironment({ ...env, TRUST_PROXY: '172.18.0/16x' })).toThrow(/TRUST_PROXY: "172.18.0\/16x"/);
  });

  it('reads EGRESS_ALLOWED_HOSTS as hosts with an optional port', () => {
    const env = { ...base, ADMIN_API_TOKEN: 'a'.repeat(32), EGRESS_ALLOWED_HOSTS: 'Mailpit, 10.0.0.5:2525, [fd00::1]:587, fd00::2' };
    expect(AppConfig.fromEnvironment(env).egressAllowedHosts).toEqual([
      { host: 'mailpit', port: null },
      { host: '10.0.0.5', port: 2525 },
      { host: 'fd00::1', port: 587 },
      { host: 'fd00::2', port: null },
    ]);
    expect(() => AppConfig.fromEnvironment({ ...env, EGRESS_ALLOWED_HOSTS: 'relay host' })).toThrow(/EGRESS_ALLOWED_HOSTS/);
    expect(() => AppConfig.fromEnvironment({ ...env, EGRESS_ALLOWED_HOSTS: 'relay:70000' })).toThrow(/out of range/);
  });
});

describe('AppConfig generated secrets', () => {
  let dataDir: string;

  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says which secrets were created in this start, so that the admin token is printed only then', () => {
    const first = AppConfig.fromEnvironment({ DATA_DIR: dataDir, APP_KEY: 'k'.repeat(32) });
    expect(first.generatedSecrets).toEqual(['ADMIN_API_TOKEN', 'DOCKER_MAIL_WEBHOOK_SECRET']);
    expect(first.createdSecrets).toEqual(['ADMIN_API_TOKEN', 'DOCKER_MAIL_WEBHOOK_SECRET']);

    const second = AppConfig.fromEnvironment({ DATA_DIR: dataDir });
    expect(second.adminApiToken).toBe(first.adminApiToken);
    expect(second.generatedSecrets).toEqual(['ADMIN_API_TOKEN', 'APP_KEY', 'DOCKER_MAIL_WEBHOOK_SECRET']);
    expect(second.createdSecrets).toEqual(['APP_KEY']);

    expect(AppConfig.fromEnvironment({ DATA_DIR: dataDir }).createdSecrets).toEqual([]);
    const file = join(dataDir, 'secrets.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).ADMIN_API_TOKEN).toBe(first.adminApiToken);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  });
});
