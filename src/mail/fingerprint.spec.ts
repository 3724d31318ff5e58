import { messageFingerprint, normaliseMessageIdForStorage } from './fingerprint';
import { parseMessage } from './parse-message';

const AUTHOR_HEADERS = ['From: Ann <ann@example.org>', 'To: support@mail.example.com', 'Subject: Printer broken', 'Date: Tue, 1 Jul 2025 10:00:00 +0200', 'Message-ID: <m1@example.org>'];

async function fingerprintOf(headers: string[], body = 'It does not print.\r\nPlease help.', eol = '\r\n'): Promise<string> {
  return messageFingerprint(await parseMessage(Buffer.from([...headers, '', body].join(eol))));
}

describe('messageFingerprint', () => {
  it('is a SHA-256 hex digest', async () => {
    expect(await fingerprintOf(AUTHOR_HEADERS)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, string[]]>([
    ['Received', ['Received: from mx1 by mx2; Tue, 1 Jul 2025 10:00:05 +0200']],
    ['Delivered-To and X-Original-To', ['Delivered-To: catchall@mail.example.com', 'X-Original-To: support@mail.example.com']],
    ['X-Spam-*', ['X-Spam: Yes', 'X-Spam-Status: Yes, score=9', 'X-Spam-Flag: YES']],
    ['Return-Path', ['Return-Path: <bounce@example.org>']],
  ])('ignores %s added in transit', async (_, transport) => {
    expect(await fingerprintOf([...transport, ...AUTHOR_HEADERS])).toBe(await fingerprintOf(AUTHOR_HEADERS));
  });

  it('gives the same key to the CRLF copy from IMAP and the LF copy from a Maildir file', async () => {
    expect(await fingerprintOf(AUTHOR_HEADERS, 'It does not print.\nPlease help.', '\n')).toBe(await fingerprintOf(AUTHOR_HEADERS));
  });

  const sameBody = 'It does not print.\r\nPlease help.';
  it.each<[string, string[], string]>([
    ['another body under a reused Message-ID', AUTHOR_HEADERS, 'A different mail.'],
    ['another sender', AUTHOR_HEADERS.map((h) => h.replace('ann@example.org', 'bob@example.org')), sameBody],
    ['another subject', AUTHOR_HEADERS.map((h) => h.replace('Printer broken', 'Printer fixed')), sameBody],
    ['another date', AUTHOR_HEADERS.map((h) => h.replace('10:00:00', '10:00:01')), sameBody],
    ['another Message-ID', AUTHOR_HEADERS.map((h) => h.replace('m1@', 'm2@')), sameBody],
  ])('changes with %s', async (_, headers, body) => {
    expect(await fingerprintOf(headers, body)).not.toBe(await fingerprintOf(AUTHOR_HEADERS, sameBody));
  });

  it('tells two mails apart that differ only in an attachment', async () => {
    const withAttachment = (content: string): string[] => [
      ...AUTHOR_HEADERS,
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'See attached.',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Disposition: attachment; filename="a.bin"',
      '',
      content,
      '--b--',
    ];
    const first = messageFingerprint(await parseMessage(Buffer.from(withAttachment('one').join('\r\n'))));
    const second = messageFingerprint(await parseMessage(Buffer.from(withAttachment('two').join('\r\n'))));
    expect(first).not.toBe(second);
  });

  it('stays the same for an unreadable Date (mailparser would have used "now")', async () => {
    const headers = AUTHOR_HEADERS.map((h) => (h.startsWith('Date:') ? 'Date: someday soon' : h));
    const first = await fingerprintOf(headers);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await fingerprintOf(headers)).toBe(first);
  });
});

describe('normaliseMessageIdForStorage', () => {
  it.each<[string, string]>([
    ['<short@example.org>', '<short@example.org>'],
    ['  <padded@example.org> ', '<padded@example.org>'],
  ])('keeps %j as %j', (id, stored) => {
    expect(normaliseMessageIdForStorage(id)).toBe(stored);
  });

  it('keeps an id of exactly 255 bytes and hashes one of 256', () => {
    const exact = `<${'a'.repeat(241)}@example.org>`;
    expect(exact).toHaveLength(255);
    expect(normaliseMessageIdForStorage(exact)).toBe(exact);
    const longer = `<${'a'.repeat(242)}@example.org>`;
    expect(normaliseMessageIdForStorage(longer)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(normaliseMessageIdForStorage(longer)).toBe(normaliseMessageIdForStorage(longer));
  });

  it('counts bytes, not characters, so multi-byte ids fit too', () => {
    const id = `<${'ä'.repeat(200)}@example.org>`;
    expect(normaliseMessageIdForStorage(id)).toMatch(/^sha256:/);
  });
});
