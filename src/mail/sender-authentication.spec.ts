import {
  AuthenticationChecks,
  clientOfTopReceived,
  describeChecks,
  envelopeSender,
  parseAuthenticationResults,
  senderAuthenticationRule,
  SenderVerdict,
  senderVerdict,
  trustedAuthenticationResults,
  withoutForgedSubjectTag,
} from './sender-authentication';

function headers(lines: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(lines).map(([name, value]) => [name.toLowerCase(), value]));
}

const NONE: AuthenticationChecks = { spf: null, dkim: [], dmarc: null, arc: null, by: 'mailauth' };
const spf = (result: AuthenticationChecks['dkim'][number]['result'], aligned = true) => ({ spf: { result, aligned } });
const dkim = (...results: [AuthenticationChecks['dkim'][number]['result'], boolean][]) => ({ dkim: results.map(([result, aligned]) => ({ result, aligned })) });

describe('senderVerdict', () => {
  it.each<[string, Partial<AuthenticationChecks>, SenderVerdict]>([
    ['DMARC pass', { dmarc: 'pass' }, 'pass'],
    ['DMARC fail, whatever SPF says', { dmarc: 'fail', ...spf('pass', false) }, 'fail'],
    ['DMARC temperror', { dmarc: 'temperror', ...spf('fail') }, 'temperror'],
    ['no DMARC record, aligned SPF pass', { dmarc: 'none', ...spf('pass') }, 'pass'],
    ['no DMARC record, aligned DKIM pass, SPF fail', { dmarc: 'none', ...spf('fail'), ...dkim(['pass', true]) }, 'pass'],
    ['no DMARC record, SPF fail and no signature', { dmarc: 'none', ...spf('fail') }, 'fail'],
    ['no DMARC record, SPF softfail and a failed signature', { dmarc: 'none', ...spf('softfail'), ...dkim(['fail', true]) }, 'fail'],
    ['no DMARC record, no SPF record, no signature (both absent)', { dmarc: 'none', ...spf('none') }, 'fail'],
    ['no DMARC record, SPF neutral (?all), no signature', { dmarc: 'none', ...spf('neutral') }, 'fail'],
    ['no DMARC record, SPF fail but an unaligned DKIM pass (a mailing service)', { dmarc: 'none', ...spf('fail'), ...dkim(['pass', false]) }, 'none'],
    ['no DMARC record, unaligned SPF pass, no signature', { dmarc: 'none', ...spf('pass', false) }, 'none'],
    ['no DMARC record, SPF temperror', { dmarc: 'none', ...spf('temperror') }, 'temperror'],
    ['no DMARC record, DKIM key lookup temperror', { dmarc: 'none', ...spf('fail'), ...dkim(['temperror', true]) }, 'temperror'],
    ['SPF unchecked (client unknown), no signature', { dmarc: 'none' }, 'none'],
    ['SPF unchecked, failed signature', { dmarc: 'none', ...dkim(['fail', true]) }, 'none'],
    ['nothing evaluated', {}, 'none'],
    ['DMARC permerror (a broken record) falls back to SPF and DKIM', { dmarc: 'permerror', ...spf('fail') }, 'fail'],
  ])('%s: %s', (_, checks, verdict) => {
    expect(senderVerdict({ ...NONE, ...checks })).toBe(verdict);
  });

  describe('ARC, for mail a forwarder broke', () => {
    const forwarded: AuthenticationChecks = { ...NONE, dmarc: 'fail', spf: { result: 'fail', aligned: true }, arc: 'pass', arcSealer: 'lists.example.net', arcDmarc: 'pass' };
    it.each<[string, Partial<AuthenticationChecks>, readonly string[], SenderVerdict]>([
      ['a trusted sealer that recorded a DMARC pass', {}, ['LISTS.example.net'], 'pass'],
      ['an untrusted sealer', {}, ['google.com'], 'fail'],
      ['no trusted sealers at all (the default)', {}, [], 'fail'],
      ['a chain that does not validate', { arc: 'fail' }, ['lists.example.net'], 'fail'],
      ['a trusted sealer that recorded a DMARC fail', { arcDmarc: 'fail' }, ['lists.example.net'], 'fail'],
      ['a trusted sealer that recorded nothing', { arcDmarc: null }, ['lists.example.net'], 'fail'],
    ])('%s', (_, change, trusted, verdict) => {
      expect(senderVerdict({ ...forwarded, ...change }, trusted)).toBe(verdict);
    });
  });

  it('describes the checks for the badge', () => {
    expect(describeChecks({ ...NONE, dmarc: 'fail', ...spf('softfail'), ...dkim(['fail', true], ['pass', false]), arc: 'pass' })).toBe(
      'dmarc=fail spf=softfail dkim=fail,pass arc=pass (mailauth)',
    );
    expect(describeChecks(NONE)).toBe('dmarc=none spf=unchecked dkim=none arc=none (mailauth)');
    expect(describeChecks({ ...NONE, arc: 'pass', arcSealer: 'lists.example.net' })).toBe('dmarc=none spf=unchecked dkim=none arc=pass sealed by lists.example.net (mailauth)');
  });
});

describe('senderAuthenticationRule (the policy table of issue 19)', () => {
  it.each<[SenderVerdict | null, boolean, boolean]>([
    ['fail', false, false],
    ['pass', true, true],
    ['temperror', true, true],
    ['none', true, true],
    [null, true, true],
  ])('%s: subject tag threads %s, acknowledges %s', (verdict, subjectTagThreads, acknowledges) => {
    expect(senderAuthenticationRule(verdict)).toEqual({ subjectTagThreads, acknowledges });
  });

  it('turns only a subject-tag thread into a new ticket on a fail', () => {
    const blocked = senderAuthenticationRule('fail');
    expect(withoutForgedSubjectTag({ kind: 'existing', ticketId: 7, by: 'subject_tag' }, blocked)).toEqual({ kind: 'new', reason: expect.stringMatching(/failed authentication/) });
    expect(withoutForgedSubjectTag({ kind: 'existing', ticketId: 7, by: 'reply_token' }, blocked)).toEqual({ kind: 'existing', ticketId: 7, by: 'reply_token' });
    expect(withoutForgedSubjectTag({ kind: 'existing', ticketId: 7, by: 'references' }, blocked)).toEqual({ kind: 'existing', ticketId: 7, by: 'references' });
    expect(withoutForgedSubjectTag({ kind: 'existing', ticketId: 7, by: 'subject_tag' }, senderAuthenticationRule('pass'))).toEqual({ kind: 'existing', ticketId: 7, by: 'subject_tag' });
  });
});

describe('Authentication-Results', () => {
  it('parses the authserv-id and the results, comments removed', () => {
    const parsed = parseAuthenticationResults(
      'mx.mail.test (rspamd; 3.8);\r\n dkim=pass (2048-bit key) header.d=example.org header.s=s1;\r\n spf=softfail (mx.mail.test: domain of a@example.org) smtp.mailfrom=a@example.org; dmarc=fail (p=reject) header.from=example.org',
    );
    expect(parsed?.authservId).toBe('mx.mail.test');
    expect(parsed?.results.map((r) => [r.method, r.result])).toEqual([
      ['dkim', 'pass'],
      ['spf', 'softfail'],
      ['dmarc', 'fail'],
    ]);
    expect(parsed?.results[0].properties.get('header.d')).toBe('example.org');
  });

  it('trusts only the topmost header, and only with our authserv-id', () => {
    const ours = 'mail.test; dmarc=pass header.from=example.org; spf=pass smtp.mailfrom=a@example.org';
    const forged = 'mail.test; dmarc=pass header.from=example.org';
    const theirs = 'mx.google.com; dmarc=fail header.from=example.org';
    expect(trustedAuthenticationResults(headers({ 'Authentication-Results': [ours, theirs] }), 'MAIL.test', 'example.org')).toMatchObject({ dmarc: 'pass', spf: { result: 'pass', aligned: true }, by: 'mail.test' });
    expect(trustedAuthenticationResults(headers({ 'Authentication-Results': [theirs, forged] }), 'mail.test', 'example.org')).toBeNull();
    expect(trustedAuthenticationResults(headers({}), 'mail.test', 'example.org')).toBeNull();
  });

  it('reads DKIM alignment from header.d or header.i', () => {
    const checks = trustedAuthenticationResults(headers({ 'Authentication-Results': ['mail.test; dkim=pass header.i=@news.example.org; dkim=fail header.d=other.example'] }), 'mail.test', 'example.org');
    expect(checks?.dkim).toEqual([
      { result: 'pass', aligned: true },
      { result: 'fail', aligned: false },
    ]);
    expect(senderVerdict(checks!)).toBe('pass');
  });
});

describe('the SMTP client our MTA saw', () => {
  it.each<[string, string[], { ip: string; helo: string | null } | null]>([
    ['Postfix', ['from mx.example.org (mx.example.org [192.0.2.7])\r\n\tby mail.test (Postfix) with ESMTPS id 4X; Tue, 1 Dec 2026 10:00:00 +0000'], { ip: '192.0.2.7', helo: 'mx.example.org' }],
    ['unknown rDNS', ['from helo.example (unknown [198.51.100.2]) by mail.test (Postfix)'], { ip: '198.51.100.2', helo: 'helo.example' }],
    ['IPv6', ['from h.example (h.example [IPv6:2001:db8::1]) by mail.test'], { ip: '2001:db8::1', helo: 'h.example' }],
    ['only the topmost counts', ['by mail.test (Postfix, from userid 0)', 'from forged.example (forged [203.0.113.9]) by x'], null],
    [
      "below Dovecot's LMTP hop (IMAP, Maildir)",
      ['from mx.mail.test by imap with LMTP id 8Gl5 (envelope-from <a@example.org>) for <inbound@mail.test>', 'from mx.example.org (mx.example.org [192.0.2.7]) by mx.mail.test (Postfix)'],
      { ip: '192.0.2.7', helo: 'mx.example.org' },
    ],
    ['a loopback client (an internal hop)', ['from vm (localhost [127.0.0.1]) by mx.mail.test (Postfix)'], null],
    ['a private client (an internal relay)', ['from relay (relay.lan [10.1.2.3]) by mx.mail.test (Postfix)'], null],
    ['an IPv4-mapped IPv6 address', ['from h.example (h.example [IPv6:::ffff:192.0.2.9]) by mx.mail.test'], { ip: '::ffff:192.0.2.9', helo: 'h.example' }],
    ['no Received at all', [], null],
  ])('%s', (_, received, client) => {
    expect(clientOfTopReceived(headers(received.length ? { Received: received } : {}))).toEqual(client);
  });

  it('reads the envelope sender from the topmost Return-Path', () => {
    expect(envelopeSender(headers({ 'Return-Path': ['<Bounce@Example.org>', '<forged@x.example>'] }))).toBe('bounce@example.org');
    expect(envelopeSender(headers({ 'Return-Path': ['<>'] }))).toBe('');
    expect(envelopeSender(headers({}))).toBeNull();
  });
});
