import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cidReferences, extractMessageIds, MessageParseError, parseMessage, safeFilename, singleLine } from './parse-message';

const CORPUS = join(__dirname, '../../test/fixtures/corpus');

function message(headers: string[], body = 'Hello', eol = '\r\n'): Buffer {
  return Buffer.from([...headers, '', body].join(eol), 'utf8');
}

function multipart(boundary: string, parts: string[], headers: string[] = []): Buffer {
  const body = parts.map((part) => `--${boundary}\r\n${part}`).join('\r\n') + `\r\n--${boundary}--\r\n`;
  return message(['From: Ann <ann@example.com>', ...headers, `Content-Type: multipart/mixed; boundary="${boundary}"`], body);
}

describe('extractMessageIds', () => {
  it.each<[string, string[]]>([
    ['<a@b.example>', ['<a@b.example>']],
    ['a@b.example', ['<a@b.example>']],
    ['  <a@b.example>  <c@d.example>', ['<a@b.example>', '<c@d.example>']],
    ['<long\r\n id@b.example>', ['<longid@b.example>']],
    ['<a@b.example> (Joe\'s message of "Tue, 17 Nov 2009")', ['<a@b.example>']],
    ['Your message of Tue <a@b.example>', ['<a@b.example>']],
    ['', []],
    ['<>', []],
  ])('%j -> %j', (value, ids) => {
    expect(extractMessageIds(value)).toEqual(ids);
  });
});

describe('parseMessage: headers', () => {
  it('normalises ids, merges In-Reply-To into References once and keeps their order', async () => {
    const parsed = await parseMessage(
      message([
        'From: "Ann Example" <Ann@Example.com>',
        'Message-ID: bare-id@example.com',
        'In-Reply-To: <parent@example.com> (Bob\'s message)',
        'References: <root@example.com> <middle@example.com>',
        'References: <middle@example.com>',
      ]),
    );
    expect(parsed.messageId).toBe('<bare-id@example.com>');
    expect(parsed.inReplyTo).toBe('<parent@example.com>');
    expect(parsed.references).toEqual(['<root@example.com>', '<middle@example.com>', '<parent@example.com>']);
    expect(parsed.from).toEqual({ address: 'Ann@Example.com', name: 'Ann Example' });
  });

  it('says null, [] and "" for what is missing', async () => {
    const parsed = await parseMessage(message(['X-Nothing: here']));
    expect(parsed).toMatchObject({ messageId: null, inReplyTo: null, references: [], from: null, to: [], cc: [], replyTo: [] });
    expect(parsed).toMatchObject({ subject: '', date: null, html: null, threadTopic: null, threadIndex: null, deliveryStatus: null });
  });

  it('keeps Delivered-To and X-Original-To in header order, newest first', async () => {
    const parsed = await parseMessage(
      message(['Delivered-To: catchall@mail.example.com', 'X-Original-To: <Support+t42.abc@mail.example.com>', 'Received: by mx', 'Delivered-To: customer@gmail.example']),
    );
    expect(parsed.deliveredTo).toEqual(['catchall@mail.example.com', 'Support+t42.abc@mail.example.com', 'customer@gmail.example']);
  });

  it('flattens address groups and keeps display names', async () => {
    const parsed = await parseMessage(message(['To: a@example.com, Team: b@example.com, "C, D" <c@example.com>;', 'Cc: e@example.com', 'Reply-To: f@example.com']));
    expect(parsed.to.map((a) => a.address)).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(parsed.to[2].name).toBe('C, D');
    expect(parsed.cc).toEqual([{ address: 'e@example.com', name: '' }]);
    expect(parsed.replyTo).toEqual([{ address: 'f@example.com', name: '' }]);
  });

  it('takes a domain-less MAILER-DAEMON as the address, not as a name', async () => {
    const parsed = await parseMessage(message(['From: MAILER-DAEMON (Mail Delivery System)']));
    expect(parsed.from?.address).toBe('MAILER-DAEMON');
  });

  it.each<[string, string, string]>([
    ['an RFC 2047 subject', 'Subject: =?UTF-8?B?w4TDpMO2?= ok', 'Ääö ok'],
    ['a folded subject', 'Subject: one\r\n two', 'one two'],
  ])('decodes %s', async (_, header, subject) => {
    expect((await parseMessage(message([header]))).subject).toBe(subject);
  });

  it('reads raw 8-bit subject bytes with the charset the message declares', async () => {
    const raw = Buffer.concat([
      Buffer.from('Subject: Forma'),
      Buffer.from([0xe7, 0xe3]),
      Buffer.from('o\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx'),
    ]);
    expect((await parseMessage(raw)).subject).toBe('Formação');
  });

  it('gives no date rather than "now" for an unreadable Date header', async () => {
    expect((await parseMessage(message(['Date: the day after tomorrow']))).date).toBeNull();
    expect((await parseMessage(message(['Date: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)']))).date?.toISOString()).toBe('2003-07-01T08:52:37.000Z');
  });

  it('keeps every header line, lowercase names, unfolded values, for the classifiers', async () => {
    const parsed = await parseMessage(message(['Received: one', 'X-Spam: Yes', 'Received: two\r\n\tfolded', 'Thread-Topic: =?utf-8?Q?caf=C3=A9?=', 'Thread-Index: AQHXabc=']));
    expect(parsed.headers.get('received')).toEqual(['one', 'two\tfolded']);
    expect(parsed.headers.get('x-spam')).toEqual(['Yes']);
    expect(parsed.threadTopic).toBe('=?utf-8?Q?caf=C3=A9?=');
    expect(parsed.threadIndex).toBe('AQHXabc=');
  });

  it('reads a classic Mac file with CR-only line endings', async () => {
    const parsed = await parseMessage(readFileSync(join(CORPUS, 'malformed/sisimai__lhost-x2-01.eml')));
    expect(parsed.subject).toBe('Delivery failure');
    expect(parsed.messageId).toBe('<200804090000.00000000000000@mx5.example.net>');
  });
});

describe('parseMessage: bodies and attachments', () => {
  it('turns an HTML-only body into text itself (no html-to-text)', async () => {
    const parsed = await parseMessage(message(['Content-Type: text/html; charset=utf-8'], '<p>Hello <b>there</b></p><p>Second&nbsp;line &amp; more</p>'));
    expect(parsed.html).toContain('<b>there</b>');
    expect(parsed.text).toBe('Hello there\nSecond line & more');
  });

  it('marks a cid image inline only when the HTML shows it, with or without a disposition', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    const parsed = await parseMessage(
      multipart('b1', [
        'Content-Type: text/html\r\n\r\n<p>Logo: <img src="cid:logo%40x"></p>',
        `Content-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n${png}`,
        `Content-Type: image/png; name="photo.png"\r\nContent-Disposition: inline; filename="photo.png"\r\nContent-ID: <unused@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n${png}`,
      ]),
    );
    expect(parsed.attachments.map((a) => [a.filename, a.contentId, a.disposition, a.inline])).toEqual([
      ['image.png', 'logo@x', null, true],
      ['photo.png', 'unused@x', 'inline', false],
    ]);
    expect(parsed.html).toContain('cid:logo%40x');
    expect(parsed.attachments[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.attachments[0].size).toBe(8);
  });

  it('keeps an attached message/rfc822 and a TNEF winmail.dat as files, without splicing them in', async () => {
    const parsed = await parseMessage(
      multipart('b2', [
        'Content-Type: text/plain\r\n\r\nSee the forwarded mail.',
        'Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\nFrom: other@example.com\r\nSubject: Inner\r\n\r\nInner body',
        'Content-Type: application/ms-tnef\r\nContent-Transfer-Encoding: base64\r\n\r\neJ8+IgEAAA==',
      ]),
    );
    expect(parsed.text.trim()).toBe('See the forwarded mail.');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['message.eml', 'message/rfc822'],
      ['winmail.dat', 'application/ms-tnef'],
    ]);
    expect(parsed.attachments[0].content.toString()).toContain('Inner body');
  });

  it('moves message/delivery-status out of the body and attachments into deliveryStatus', async () => {
    const parsed = await parseMessage(
      multipart(
        'b3',
        ['Content-Type: text/plain\r\n\r\nDelivery failed.', 'Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; x@example.com\r\nAction: failed\r\nStatus: 5.1.1'],
        ['Subject: Undelivered'],
      ),
    );
    expect(parsed.attachments).toEqual([]);
    expect(parsed.text.trim()).toBe('Delivery failed.');
    expect(parsed.deliveryStatus).toContain('Status: 5.1.1');
  });

  it('cleans hostile attachment names given in the MIME headers', async () => {
    const parsed = await parseMessage(
      multipart('b4', [
        'Content-Type: text/plain\r\n\r\nx',
        'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="../../etc/passwd"\r\n\r\nroot',
        'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8\'\'evil%00name%0A.txt\r\n\r\nx',
        'Content-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\nx',
      ]),
    );
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['passwd', 'evilname.txt', 'document.pdf']);
  });
});

describe('safeFilename', () => {
  it.each<[string | undefined, string, string]>([
    ['report.pdf', 'application/pdf', 'report.pdf'],
    ['../../etc/passwd', 'text/plain', 'passwd'],
    ['C:\\Users\\ann\\..\\boot.ini', 'text/plain', 'boot.ini'],
    ['a\u0000b\u0007c.txt', 'text/plain', 'abc.txt'],
    ['invoice\u202Efdp.exe', 'application/octet-stream', 'invoicefdp.exe'],
    ['.htaccess', 'text/plain', 'htaccess'],
    ['..', 'text/plain', 'attachment.txt'],
    ['   ', 'image/png', 'image.png'],
    [undefined, 'message/rfc822', 'message.eml'],
    [undefined, 'application/ms-tnef', 'winmail.dat'],
    [undefined, 'application/x-unknown', 'attachment.bin'],
    ['Grüße an Zoë.txt', 'text/plain', 'Grüße an Zoë.txt'],
  ])('%j (%s) -> %j', (name, contentType, safe) => {
    expect(safeFilename(name, contentType)).toBe(safe);
  });

  it('shortens an endless name but keeps its extension', () => {
    const safe = safeFilename(`${'a'.repeat(100_000)}.docx`, 'application/octet-stream');
    expect(safe.length).toBe(200);
    expect(safe.endsWith('.docx')).toBe(true);
  });
});

describe('cidReferences', () => {
  it('finds %-encoded ids, case-insensitively', () => {
    expect([...cidReferences('<img src="cid:Logo%40X"><img src=\'CID:b@y\'> cid:c@z cid:bad%zz')]).toEqual(['logo@x', 'b@y', 'c@z', 'bad%zz']);
    expect(cidReferences(null).size).toBe(0);
  });
});

describe('parseMessage: hostile input becomes an error or a bounded result, never a hang', () => {
  it('refuses a message above maxBytes without parsing it', async () => {
    await expect(parseMessage(message([]), { maxBytes: 5, timeoutMs: 1000 })).rejects.toMatchObject({ failure: 'too_large', code: 'payload_too_large' });
  });

  it('gives up after timeoutMs with a typed error', async () => {
    const big = message(['Content-Type: text/plain'], 'word '.repeat(2_000_000));
    await expect(parseMessage(big, { maxBytes: 1e9, timeoutMs: 1 })).rejects.toBeInstanceOf(MessageParseError);
    await expect(parseMessage(big, { maxBytes: 1e9, timeoutMs: 1 })).rejects.toMatchObject({ failure: 'timeout' });
  });

  it.each<[string, () => Buffer]>([
    ['a header of 1 MB', () => message(['From: a@example.com', `Subject: ${'x'.repeat(1024 * 1024)}`])],
    ['a million folded header lines', () => message(['From: a@example.com', `X-Long: ${'x\r\n '.repeat(300_000)}`])],
    ['5,000 MIME parts', () => multipart('p', Array.from({ length: 5000 }, (_, i) => `Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}"\r\n\r\nAAAA`))],
  ])('rejects %s as malformed', async (_, build) => {
    await expect(parseMessage(build())).rejects.toMatchObject({ failure: 'malformed', code: 'unprocessable' });
  });

  it('parses 10,000 recipients', async () => {
    const to = Array.from({ length: 10_000 }, (_, i) => `user${i}@example.com`).join(', ');
    expect((await parseMessage(message([`To: ${to}`]))).to).toHaveLength(10_000);
  });

  it('parses multiparts nested 500 deep', async () => {
    let body = '';
    for (let depth = 1; depth <= 500; depth++) body += `--b${depth - 1}\r\nContent-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n`;
    body += '--b500\r\nContent-Type: text/plain\r\n\r\ndeep down\r\n';
    for (let depth = 500; depth >= 0; depth--) body += `--b${depth}--\r\n`;
    const parsed = await parseMessage(message(['Content-Type: multipart/mixed; boundary="b0"'], body));
    expect(parsed.text).toContain('deep down');
  });

  it('converts 200,000 nested <div>s to text quickly (html-to-text took 28 s)', async () => {
    const started = Date.now();
    const parsed = await parseMessage(message(['Content-Type: text/html'], `${'<div>'.repeat(200_000)}deep`));
    expect(parsed.text).toBe('deep');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each<[string, Buffer]>([
    ['an empty buffer', Buffer.alloc(0)],
    ['random bytes', Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256))],
    ['a body without any line break', message([], 'z'.repeat(1_000_000))],
  ])('survives %s', async (_, raw) => {
    await expect(parseMessage(raw)).resolves.toHaveProperty('headers');
  });
});

describe('singleLine', () => {
  it.each<[string, string, string]>([
    ['NUL', 'Invoice\u0000 42', 'Invoice 42'],
    ['CR LF', 'first\r\nBcc: victim@example.com', 'first Bcc: victim@example.com'],
    ['NEL and line and paragraph separators', 'a\u0085b\u2028c\u2029d', 'a b c d'],
    ['DEL, escape and C1 controls', 'x\u007f\u001b[31my\u009bz', 'x[31myz'],
    ['TAB kept', 'col1\tcol2', 'col1\tcol2'],
    ['letters, accents and emoji kept', 'Ünïcødé ✓ 🎉', 'Ünïcødé ✓ 🎉'],
  ])('%s', (_, value, expected) => {
    expect(singleLine(value)).toBe(expected);
  });
});

describe('parseMessage: control characters', () => {
  it('strips them from the single-line header values it stores, and NUL from the bodies', async () => {
    const parsed = await parseMessage(
      Buffer.concat([
        Buffer.from('From: "Ann\u0000 \u2028Smith" <ann@example.com>\r\nTo: "Desk\u0085" <desk@example.com>\r\nCc: =?utf-8?q?Bob=0D=0ABcc=3A_x?= <bob@example.com>\r\n'),
        Buffer.from('Subject: =?utf-8?q?Printer=00_on_fire=0D=0A_now?=\r\nMessage-ID: <id\u0000\u0001@example.com>\r\n'),
        Buffer.from('In-Reply-To: <parent\u0000@example.com>\r\nReferences: <root\u007f@example.com>\r\nThread-Topic: topic\u0000\u0085\r\n'),
        Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nline 1\u0000\r\n\tline 2\r\n'),
      ]),
    );
    expect(parsed.subject).toBe('Printer on fire  now');
    expect(parsed.messageId).toBe('<id@example.com>');
    expect(parsed.inReplyTo).toBe('<parent@example.com>');
    expect(parsed.references).toEqual(['<root@example.com>', '<parent@example.com>']);
    expect(parsed.from).toEqual({ address: 'ann@example.com', name: 'Ann  Smith' });
    expect(parsed.to).toEqual([{ address: 'desk@example.com', name: 'Desk' }]);
    expect(parsed.cc).toEqual([{ address: 'bob@example.com', name: 'Bob Bcc: x' }]);
    expect(parsed.threadTopic).toBe('topic');
    expect(parsed.text).toBe('line 1\n\tline 2\n');
  });

  it('removes NUL from an HTML body', async () => {
    const parsed = await parseMessage(message(['From: a@example.com', 'Content-Type: text/html'], '<p>hi\u0000there</p>'));
    expect(parsed.html).not.toContain('\u0000');
    expect(parsed.text).not.toContain('\u0000');
  });
});
