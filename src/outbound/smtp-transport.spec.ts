import { classifySmtpFailure, redactSecret, smtpTransportOptions } from './smtp-transport';

// Error shapes as nodemailer 10 reports them (recorded against test/support/smtp-sink.ts).
const errors = {
  wrongPassword: { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 Authentication failed: invalid username or password', message: 'Invalid login: 535 Authentication failed: invalid username or password' },
  tempAuth: { code: 'EAUTH', responseCode: 454, command: 'AUTH PLAIN', response: '454 4.7.0 Temporary authentication failure' },
  starttlsFirst: { code: 'EAUTH', responseCode: 538, command: 'AUTH PLAIN', response: '538 Error: Must issue a STARTTLS command first' },
  refused: { code: 'ESOCKET', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:1' },
  timeout: { code: 'ETIMEDOUT', command: 'CONN', message: 'Connection timeout' },
  dns: { code: 'EDNS', command: 'CONN', message: 'getaddrinfo ENOTFOUND nonexistent.invalid' },
  expiredCertificate: { code: 'ESOCKET', command: 'CONN', message: 'certificate has expired' },
  tlsOnPlainPort: { code: 'ESOCKET', command: 'CONN', message: 'error:0A00010B:SSL routines:ssl3_get_record:wrong version number' },
  deferredRcpt: { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', response: '451 later', message: "Can't send mail - all recipients were rejected: 451 later" },
  refusedRcpt: { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 no such user' },
  refusedData: { code: 'EMESSAGE', responseCode: 550, command: 'DATA', response: '550 no such user', message: 'Message failed: 550 no such user' },
  badSequence: { code: 'EPROTOCOL', responseCode: 503, command: 'DATA', response: '503 Bad sequence of commands' },
  closed: { code: 'ECONNECTION', command: 'DATA', message: 'Connection closed unexpectedly' },
  refusedByPolicy: { code: 'EPOLICY', message: 'connection refused: 10.0.0.5 is a private address' },
  notSmtp: { code: 'EGREETING', command: 'CONN', message: 'the server did not greet as an SMTP server (no 220 greeting); check the host and port' },
};

describe('classifySmtpFailure', () => {
  it.each<[keyof typeof errors, string, boolean, number | null]>([
    ['wrongPassword', 'auth', false, 535],
    ['tempAuth', 'auth', true, 454],
    ['starttlsFirst', 'auth', false, 538],
    ['refused', 'connection', true, null],
    ['timeout', 'connection', true, null],
    ['dns', 'dns', true, null],
    ['expiredCertificate', 'tls', true, null],
    ['tlsOnPlainPort', 'tls', true, null],
    ['deferredRcpt', 'send', true, 451],
    ['refusedRcpt', 'send', false, 550],
    ['refusedData', 'send', false, 550],
    ['badSequence', 'send', true, 503],
    ['closed', 'connection', true, null],
    ['refusedByPolicy', 'policy', false, null],
    ['notSmtp', 'connection', true, null],
  ])('%s: stage %s, temporary %s', (name, stage, temporary, responseCode) => {
    expect(classifySmtpFailure(errors[name])).toMatchObject({ stage, temporary, responseCode });
  });

  it('prefers the server reply over the wrapper text', () => {
    expect(classifySmtpFailure(errors.refusedData).message).toBe('550 no such user');
    expect(classifySmtpFailure(errors.refused).message).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('treats an unknown throwable as a temporary send failure', () => {
    expect(classifySmtpFailure(new Error('boom'))).toEqual({ stage: 'send', temporary: true, responseCode: null, message: 'boom' });
  });

  it('masks the password when a server echoes it', () => {
    const failure = classifySmtpFailure({ code: 'EAUTH', responseCode: 535, response: '535 bad password hunter22 (aHVudGVyMjI=)' }, 'hunter22');
    expect(failure.message).toBe('535 bad password *** (***)');
  });
});

describe('redactSecret', () => {
  it('leaves text alone without a secret', () => {
    expect(redactSecret('nothing to hide', null)).toBe('nothing to hide');
  });
});

describe('smtpTransportOptions', () => {
  const endpoint = { host: 'smtp.acme.example', port: 587, security: 'starttls' as const, username: 'acme', password: 's3cret' };

  it('requires STARTTLS and authenticates for "starttls"', () => {
    expect(smtpTransportOptions(endpoint, { verifyTls: true })).toMatchObject({
      host: 'smtp.acme.example',
      port: 587,
      secure: false,
      requireTLS: true,
      ignoreTLS: false,
      auth: { user: 'acme', pass: 's3cret' },
      tls: { rejectUnauthorized: true, servername: 'smtp.acme.example' },
    });
  });

  it('authenticates with XOAUTH2 when the endpoint brings an access token', () => {
    const options = smtpTransportOptions({ ...endpoint, username: 'help@contoso.example', password: null, accessToken: 'at-123' }, { verifyTls: true });
    expect(options.auth).toEqual({ type: 'OAuth2', user: 'help@contoso.example', accessToken: 'at-123' });
  });

  it('uses implicit TLS for "tls" and plain text without STARTTLS for "none"', () => {
    expect(smtpTransportOptions({ ...endpoint, security: 'tls', port: 465 }, { verifyTls: true })).toMatchObject({ secure: true, requireTLS: false, ignoreTLS: false });
    expect(smtpTransportOptions({ ...endpoint, security: 'none', port: 25 }, { verifyTls: true })).toMatchObject({ secure: false, requireTLS: false, ignoreTLS: true });
  });

  it('connects to the address the egress check accepted, while TLS presents and verifies the name (no DNS rebinding)', () => {
    const options = smtpTransportOptions(endpoint, { verifyTls: true, address: '93.184.215.14' });
    expect(options).toMatchObject({ host: '93.184.215.14', port: 587, tls: { servername: 'smtp.acme.example', rejectUnauthorized: true } });
  });

  it('gives no SNI name for an IP literal in any notation', () => {
    expect(smtpTransportOptions({ ...endpoint, host: '0x5db8d70e' }, { verifyTls: true, address: '93.184.215.14' }).tls).not.toHaveProperty('servername');
  });

  it('sends no AUTH without a user name, and no SNI name for an IP address', () => {
    const options = smtpTransportOptions({ host: '127.0.0.1', port: 1025, security: 'none', username: null, password: null }, { verifyTls: false });
    expect(options.auth).toBeUndefined();
    expect(options.tls).toEqual({ rejectUnauthorized: false, minVersion: 'TLSv1.2' });
  });
});
