import { ImapConfig } from '../../config/app-config';
import { describeImapFailure } from './imap-failure';

const config: ImapConfig = {
  host: '127.0.0.1',
  port: 1143,
  username: 'inbound@mail.test',
  password: 'hunter2',
  security: 'none',
  verifyTls: true,
  mailbox: 'INBOX',
  processedFolder: 'Processed',
  failedFolder: 'Failed',
  leaseSeconds: 30,
};

describe('describeImapFailure', () => {
  it.each([
    [{ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', message: 'Command failed' }, /login refused for inbound@mail.test at 127.0.0.1:1143 \(AUTHENTICATIONFAILED\).*DOCKER_MAIL_IMAP_PASSWORD/],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1143'), { code: 'ECONNREFUSED' }), /127.0.0.1:1143 refused the connection/],
    [{ code: 'NoConnection', message: 'Connection not available' }, /connection to 127.0.0.1:1143 was lost \(NoConnection\)/],
    [{ code: 'GREETING_TIMEOUT', message: 'timeout' }, /did not answer in time \(GREETING_TIMEOUT\)/],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, /DOCKER_MAIL_IMAP_TLS_VERIFY=false/],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, /could not be resolved/],
    [{ message: 'Command failed', responseText: 'Mailbox does not exist: Incoming' }, /IMAP error at 127.0.0.1:1143: Mailbox does not exist: Incoming/],
  ])('%#: %j', (error, expected) => {
    expect(describeImapFailure(error, config)).toMatch(expected);
  });

  it('never shows the password', () => {
    const text = describeImapFailure({ authenticationFailed: true, message: 'hunter2' }, config);
    expect(text).not.toContain('hunter2');
  });
});
