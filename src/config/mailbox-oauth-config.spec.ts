import { AppConfig } from './app-config';

const base = { DATA_DIR: '/tmp/inbound-config-spec', ADMIN_API_TOKEN: 'a'.repeat(32), APP_KEY: 'k'.repeat(32), DOCKER_MAIL_WEBHOOK_SECRET: 's'.repeat(16) };

describe('mailbox OAuth2 configuration', () => {
  it('has no platform app by default, and reads the providers’ own IMAP servers', () => {
    const { mailboxOAuth } = AppConfig.fromEnvironment(base);
    expect(mailboxOAuth.apps).toEqual({ microsoft365: null, google: null });
    expect(mailboxOAuth.imap).toEqual({
      microsoft365: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      google: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    });
  });

  it('takes the providers’ own endpoints unless told otherwise', () => {
    const { mailboxOAuth } = AppConfig.fromEnvironment({
      ...base,
      OAUTH_MICROSOFT_CLIENT_ID: 'ms-id',
      OAUTH_MICROSOFT_CLIENT_SECRET: 'ms-secret',
      OAUTH_GOOGLE_CLIENT_ID: 'g-id',
      OAUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
      OAUTH_GOOGLE_TOKEN_URL: 'https://oauth2.example.test/token',
      OAUTH_MICROSOFT_IMAP_URL: 'imaps://partner.outlook.cn',
      OAUTH_GOOGLE_IMAP_URL: 'imap+starttls://imap.example.test:1143',
    });
    expect(mailboxOAuth.apps.microsoft365).toEqual({
      clientId: 'ms-id',
      clientSecret: 'ms-secret',
      authorizeUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    });
    expect(mailboxOAuth.apps.google).toMatchObject({ authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.example.test/token' });
    expect(mailboxOAuth.imap.microsoft365).toEqual({ host: 'partner.outlook.cn', port: 993, security: 'tls' });
    expect(mailboxOAuth.imap.google).toEqual({ host: 'imap.example.test', port: 1143, security: 'starttls' });
  });

  it('refuses a client id without its secret, and malformed URLs, at boot', () => {
    expect(() => AppConfig.fromEnvironment({ ...base, OAUTH_MICROSOFT_CLIENT_ID: 'ms-id' })).toThrow(/OAUTH_MICROSOFT_CLIENT_ID and OAUTH_MICROSOFT_CLIENT_SECRET go together/);
    expect(() => AppConfig.fromEnvironment({ ...base, OAUTH_GOOGLE_TOKEN_URL: 'ftp://x' })).toThrow(/OAUTH_GOOGLE_TOKEN_URL must be an http\(s\) URL/);
    expect(() => AppConfig.fromEnvironment({ ...base, OAUTH_MICROSOFT_IMAP_URL: 'outlook.office365.com:993' })).toThrow(/OAUTH_MICROSOFT_IMAP_URL must be imaps:\/\/host/);
  });
});

describe('mailbox OAuth2 SMTP servers', () => {
  it('are the providers’ submission servers unless OAUTH_*_SMTP_URL says otherwise', () => {
    expect(AppConfig.fromEnvironment(base).mailboxOAuth.smtp).toEqual({
      microsoft365: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
      google: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    });
    const { smtp } = AppConfig.fromEnvironment({ ...base, OAUTH_MICROSOFT_SMTP_URL: 'smtps://smtp.partner.outlook.cn', OAUTH_GOOGLE_SMTP_URL: 'smtp://127.0.0.1:2525' }).mailboxOAuth;
    expect(smtp.microsoft365).toEqual({ host: 'smtp.partner.outlook.cn', port: 465, security: 'tls' });
    expect(smtp.google).toEqual({ host: '127.0.0.1', port: 2525, security: 'none' });
    expect(() => AppConfig.fromEnvironment({ ...base, OAUTH_GOOGLE_SMTP_URL: 'https://smtp.gmail.com' })).toThrow(/OAUTH_GOOGLE_SMTP_URL must be smtps:\/\/host/);
  });
});
