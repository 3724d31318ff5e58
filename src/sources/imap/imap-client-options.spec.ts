import { ImapConfig } from '../../config/app-config';
import { imapClientOptions } from './imap-client-options';

const base: ImapConfig = {
  host: 'mail.example.com',
  port: 993,
  username: 'inbound@mail.example.com',
  password: 'secret',
  security: 'tls',
  verifyTls: true,
  mailbox: 'INBOX',
  processedFolder: 'Processed',
  failedFolder: 'Failed',
  leaseSeconds: 30,
};

describe('imapClientOptions', () => {
  it('uses implicit TLS and verifies the certificate for security=tls', () => {
    expect(imapClientOptions(base)).toMatchObject({ host: 'mail.example.com', port: 993, secure: true, tls: { rejectUnauthorized: true } });
    expect(imapClientOptions(base).doSTARTTLS).toBeUndefined();
  });

  it('requires STARTTLS for security=starttls and can accept a self-signed certificate', () => {
    const options = imapClientOptions({ ...base, port: 143, security: 'starttls', verifyTls: false });
    expect(options).toMatchObject({ secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false } });
  });

  it('stays in plain text for security=none even when the server offers STARTTLS', () => {
    const options = imapClientOptions({ ...base, port: 1143, security: 'none' });
    expect(options).toMatchObject({ secure: false, doSTARTTLS: false });
    expect(options.tls).toBeUndefined();
  });

  it('logs in with the configured account and leaves IDLE to the reader', () => {
    expect(imapClientOptions(base)).toMatchObject({
      auth: { user: 'inbound@mail.example.com', pass: 'secret' },
      disableAutoIdle: true,
      logger: false,
    });
  });
});
