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
    expect(defaults.rateLimits).toEqual({ authFailuresPerMinute: 10, apiPerSecond: 100, smtpTestPerHour: 10 });
    expect(defaults.webhookMaxInFlight).toBe(32);
    const set = AppConfig.fromEnvironment({
      ...base,
      ADMIN_API_TOKEN: 'a'.repeat(32),
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '5',
      RATE_LIMIT_API_PER_SECOND: '50',
      RATE_LIMIT_SMTP_TEST_PER_HOUR: '3',
      WEBHOOK_MAX_IN_FLIGHT: '8',
    });
    expect(set.rateLimits).toEqual({ authFailuresPerMinute: 5, apiPerSecond: 50, smtpTestPerHour: 3 });
    expect(set.webhookMaxInFlight).toBe(8);
    expect(() => AppConfig.fromEnvironment({ ...base, ADMIN_API_TOKEN: 'a'.repeat(32), RATE_LIMIT_API_PER_SECOND: '0' })).toThrow(/RATE_LIMIT_API_PER_SECOND/);
  });
});
