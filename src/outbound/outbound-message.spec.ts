import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { subjectWithTag } from '../mail/threading';
import {
  buildOutboundMail,
  limitReferences,
  newOutboundMessageId,
  OutboundMailInput,
  referencesChain,
  REFERENCES_MAX_LENGTH,
  sendableMessageId,
} from './outbound-message';

const reply: OutboundMailInput = {
  kind: 'reply',
  from: { address: 'support@acme.example', name: 'Acme Support' },
  to: { address: 'jane@customer.example', name: 'Jane Doe' },
  cc: ['boss@customer.example'],
  replyTo: 'acme+t7.abcdefghijklmnop@mail.test',
  messageId: '<0123456789abcdef0123456789abcdef@mail.test>',
  inReplyTo: '<second@customer.example>',
  references: ['<first@customer.example>', '<second@customer.example>'],
  subject: subjectWithTag('Re: Printer on fire', 7),
  text: 'We are on it.',
  html: '<p>We are on it.</p>',
  attachments: [{ filename: 'steps.txt', contentType: 'text/plain', content: Buffer.from('1. unplug') }],
  threadTopic: 'Printer on fire',
  threadIndex: 'AdnCaB2bbWwbq1IOTq6HcNkEv8wexA==',
};

/** The message exactly as nodemailer would hand it to the SMTP server. */
async function render(input: OutboundMailInput): Promise<{ raw: string; head: string }> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail(buildOutboundMail(input));
  const raw = (info.message as Buffer).toString('utf8');
  return { raw, head: raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ') };
}

describe('newOutboundMessageId', () => {
  it('is 128 random bits at our mail domain and nothing else', () => {
    expect(newOutboundMessageId('mail.test', Buffer.alloc(16, 0xab))).toBe(`<${'ab'.repeat(16)}@mail.test>`);
    expect(newOutboundMessageId('mail.test')).toMatch(/^<[0-9a-f]{32}@mail\.test>$/);
    expect(newOutboundMessageId('mail.test')).not.toBe(newOutboundMessageId('mail.test'));
  });
});

describe('referencesChain', () => {
  it('is the answered chain, the other ids of the ticket, then the answered id last', () => {
    const answered = { messageId: '<c@x>', inReplyTo: '<b@us>', references: ['<a@x>', '<b@us>'] };
    expect(referencesChain(answered, ['<a@x>', '<b@us>', '<c@x>', '<d@us>'])).toEqual(['<a@x>', '<b@us>', '<d@us>', '<c@x>']);
  });

  it('falls back to In-Reply-To when the answered message had no References', () => {
    expect(referencesChain({ messageId: '<c@x>', inReplyTo: '<b@us>', references: [] }, [])).toEqual(['<b@us>', '<c@x>']);
  });

  it('skips ids that are missing or stored as a hash', () => {
    expect(referencesChain({ messageId: 'sha256:ab12', inReplyTo: null, references: null }, [null, '<a@x>'])).toEqual(['<a@x>']);
    expect(referencesChain(null, [])).toEqual([]);
  });
});

describe('sendableMessageId', () => {
  it.each([
    ['<abc@host>', '<abc@host>'],
    ['sha256:0f0f', null],
    ['abc@host', null],
    ['<a b@host>', null],
    [null, null],
  ])('%p -> %p', (id, expected) => {
    expect(sendableMessageId(id)).toBe(expected);
  });
});

describe('limitReferences', () => {
  const ids = Array.from({ length: 60 }, (_, i) => `<message-${String(i).padStart(3, '0')}@customer.example>`);

  it('leaves a short chain alone', () => {
    expect(limitReferences(ids.slice(0, 5))).toEqual(ids.slice(0, 5));
  });

  it('keeps the first id and as many of the last as fit', () => {
    const cut = limitReferences(ids);
    expect(cut[0]).toBe(ids[0]);
    expect(cut[cut.length - 1]).toBe(ids[59]);
    expect(cut.join(' ').length).toBeLessThanOrEqual(REFERENCES_MAX_LENGTH);
    expect(ids.slice(-(cut.length - 1))).toEqual(cut.slice(1));
    expect(limitReferences(ids, 90)).toEqual([ids[0], ids[59]]);
  });
});

describe('buildOutboundMail as rendered by nodemailer', () => {
  it('carries the threading headers, Reply-To token, tagged subject and Auto-Submitted: no', async () => {
    const { head } = await render(reply);
    expect(head).toContain('From: Acme Support <support@acme.example>');
    expect(head).toContain('To: Jane Doe <jane@customer.example>');
    expect(head).toContain('Cc: boss@customer.example');
    expect(head).toContain('Reply-To: acme+t7.abcdefghijklmnop@mail.test');
    expect(head).toContain('Message-ID: <0123456789abcdef0123456789abcdef@mail.test>');
    expect(head).toContain('In-Reply-To: <second@customer.example>');
    expect(head).toContain('References: <first@customer.example> <second@customer.example>');
    expect(head).toContain('Subject: Re: Printer on fire [#7]');
    expect(head).toContain('Auto-Submitted: no');
    expect(head).toContain('Thread-Topic: Printer on fire');
    expect(head).toContain('Thread-Index: AdnCaB2bbWwbq1IOTq6HcNkEv8wexA==');
    expect(head).not.toMatch(/Precedence|X-Auto-Response-Suppress/);
  });

  it('marks an acknowledgement as automatic so that auto-responders stay quiet', async () => {
    const { head } = await render({ ...reply, kind: 'acknowledgement', attachments: [], html: null, threadTopic: null, threadIndex: null });
    expect(head).toContain('Auto-Submitted: auto-generated');
    expect(head).toContain('X-Auto-Response-Suppress: All');
    expect(head).toContain('Precedence: bulk');
    expect(head).not.toMatch(/Thread-Topic|Thread-Index/);
  });

  it('round-trips through a parser: bodies, attachment, and a long References chain cut', async () => {
    const references = Array.from({ length: 40 }, (_, i) => `<long-thread-${i}@customer.example>`);
    const { raw } = await render({ ...reply, references });
    const parsed = await simpleParser(raw);
    expect(parsed.text?.trim()).toBe('We are on it.');
    expect(parsed.html).toContain('<p>We are on it.</p>');
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['steps.txt', '1. unplug']]);
    const sent = ([] as string[]).concat(parsed.references ?? []);
    expect(sent[0]).toBe(references[0]);
    expect(sent[sent.length - 1]).toBe(references[39]);
    expect(sent.join(' ').length).toBeLessThanOrEqual(REFERENCES_MAX_LENGTH);
    expect(raw.split(/\r?\n/).every((line) => line.length <= 998)).toBe(true);
  });

  it('cannot be turned into header injection through Thread-Topic', async () => {
    const { head } = await render({ ...reply, threadTopic: 'hello\r\nBcc: victim@example.com' });
    expect(head).toContain('Thread-Topic: hello Bcc: victim@example.com');
    expect(head).not.toMatch(/^Bcc:/m);
  });

  it('keeps the name of a sender without one empty and sends no In-Reply-To when nothing is answered', async () => {
    const { head } = await render({ ...reply, from: { address: 'acme@mail.test', name: null }, inReplyTo: null, references: [] });
    expect(head).toContain('From: acme@mail.test');
    expect(head).not.toMatch(/In-Reply-To|References/);
  });
});
