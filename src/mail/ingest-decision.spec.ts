import { NOTHING_KNOWN } from '../../test/support/ingest-facts';
import { decideIngest, IngestDecision, IngestFacts, IngestPolicy, IngestRoute, ingestQuestions } from './ingest-decision';
import { ParsedMessage, parseMessage } from './parse-message';
import { createReplyToken } from './reply-token';
import { asTenantId } from '../common/tenant-id';

const KEY = Buffer.from('ingest-decision-spec-key-0123456789');
const POLICY: IngestPolicy = { mailDomain: 'mail.test', replyKey: KEY, releaseQuarantine: false };
const ROUTE: IngestRoute = {
  tenantId: asTenantId(4),
  status: 'active',
  tier: 'starter',
  inboundAddress: 'support@mail.test',
  tag: null,
  dailyMessageLimit: null,
  acknowledgementsEnabled: false,
};

/** The messages of the table, by what kind of mail they are. */
const MAILS = {
  customer: ['From: Ann <ann@example.org>', 'Subject: Printer broken', 'Message-ID: <c1@example.org>'],
  taggedReply: ['From: Ann <ann@example.org>', 'Subject: Re: Printer broken [#7]', 'Message-ID: <c2@example.org>'],
  ownMessageId: ['From: Ann <ann@example.org>', 'Subject: Hello', 'Message-ID: <echo@mail.test>'],
  fromOwnInboundAddress: ['From: support@mail.test', 'Subject: Hello', 'Message-ID: <c3@example.org>'],
  fromOtherInboundAddress: ['From: sales@mail.test', 'Subject: Hello', 'Message-ID: <c4@example.org>'],
  spam: ['From: Ann <ann@example.org>', 'Subject: Cheap', 'Message-ID: <c5@example.org>', 'X-Spam-Flag: YES'],
  autoReply: ['From: Ann <ann@example.org>', 'Subject: Out of office', 'Message-ID: <c6@example.org>', 'Auto-Submitted: auto-replied'],
  bounce: ['From: MAILER-DAEMON@mx.example.org', 'Subject: Undelivered Mail', 'Message-ID: <b1@mx.example.org>', 'X-Failed-Recipients: ann@example.org'],
  mailingList: ['From: Ann <ann@example.org>', 'Subject: Digest', 'Message-ID: <c7@example.org>', 'List-Id: <users.lists.example.org>'],
  noReply: ['From: no-reply@shop.example', 'Subject: Your order', 'Message-ID: <c8@shop.example>'],
} as const;
type Mail = keyof typeof MAILS;

const BOUNCE_BODY = 'Delivery failed.\r\nStatus: 5.1.1\r\n\r\n------ original headers ------\r\nMessage-ID: <out-1@mail.test>\r\n';

const parsed = {} as Record<Mail, ParsedMessage>;
beforeAll(async () => {
  for (const [name, lines] of Object.entries(MAILS) as [Mail, readonly string[]][]) {
    const body = name === 'bounce' ? BOUNCE_BODY : 'Hello';
    parsed[name] = await parseMessage(Buffer.from([...lines, 'To: support@mail.test', '', body].join('\r\n')));
  }
});

interface Row {
  mail: Mail;
  route?: Partial<IngestRoute>;
  facts?: Partial<IngestFacts>;
  release?: boolean;
  releaseHold?: boolean;
  expected: Partial<Record<keyof IngestDecision | string, unknown>>;
}

const known = { referencedTicketIds: [3] };
const acknowledging = { acknowledgementsEnabled: true };

describe('decideIngest: the ingest policy', () => {
  it.each<[string, Row]>([
    ['a customer\'s new message creates a ticket', { mail: 'customer', expected: { outcome: 'created', reason: 'new ticket', thread: { kind: 'new', reason: 'no reply token, known reference or subject tag' }, reopen: false } }],
    ['a disabled tenant rejects everything', { mail: 'customer', route: { status: 'disabled' }, expected: { outcome: 'rejected', reason: 'tenant is disabled' } }],
    ['a disabled tenant rejects even a duplicate', { mail: 'customer', route: { status: 'disabled' }, facts: { duplicate: { ticketMessageId: 1, ticketId: 2, ticketNumber: 3 } }, expected: { outcome: 'rejected' } }],

    ['our own Message-ID coming back is a loop', { mail: 'ownMessageId', expected: { outcome: 'ignored', reason: 'mail loop: the message comes from one of our own addresses' } }],
    ['mail from the tenant\'s own inbound address is a loop', { mail: 'fromOwnInboundAddress', expected: { outcome: 'ignored', reason: 'mail loop: the message comes from one of our own addresses' } }],
    ['mail from any of our inbound addresses is a loop', { mail: 'fromOtherInboundAddress', facts: { senderIsOurAddress: true }, expected: { outcome: 'ignored', reason: 'mail loop: the message comes from one of our own addresses' } }],
    ['a loop is ignored even when it threads', { mail: 'ownMessageId', facts: known, expected: { outcome: 'ignored' } }],

    ['spam is quarantined, with the header that said so', { mail: 'spam', expected: { outcome: 'quarantined', reason: 'spam verdict: X-Spam-Flag: YES' } }],
    ['spam is quarantined even when it threads', { mail: 'spam', facts: known, expected: { outcome: 'quarantined' } }],
    ['released spam is filed', { mail: 'spam', release: true, expected: { outcome: 'created', reason: 'new ticket' } }],
    ['released spam that threads is appended', { mail: 'spam', release: true, facts: known, expected: { outcome: 'appended', reason: 'reply threaded by references' } }],

    ['a message already filed is a duplicate, pointing at its copy', {
      mail: 'customer', facts: { duplicate: { ticketMessageId: 11, ticketId: 12, ticketNumber: 13 } },
      expected: { outcome: 'duplicate', reason: 'this message was already filed', copy: { ticketMessageId: 11, ticketId: 12, ticketNumber: 13 } },
    }],
    ['a duplicate is a duplicate even over the daily limit', { mail: 'customer', route: { dailyMessageLimit: 5 }, facts: { messagesReceivedToday: 5, duplicate: { ticketMessageId: 1, ticketId: 2, ticketNumber: 3 } }, expected: { outcome: 'duplicate' } }],

    ['a reply token threads, and a customer writing again reopens the ticket', { mail: 'customer', facts: { replyTokenTicketId: 8 }, expected: { outcome: 'appended', reason: 'reply threaded by reply_token', thread: { kind: 'existing', ticketId: 8, by: 'reply_token' }, reopen: true } }],
    ['references thread', { mail: 'customer', facts: { referencedTicketIds: [3, 5] }, expected: { outcome: 'appended', reason: 'reply threaded by references', thread: { kind: 'existing', ticketId: 3, by: 'references' }, reopen: true } }],
    ['a subject tag threads a participant\'s mail', { mail: 'taggedReply', facts: { subjectTagTicket: { id: 7, senderTakesPart: true } }, expected: { outcome: 'appended', reason: 'reply threaded by subject_tag', thread: { kind: 'existing', ticketId: 7, by: 'subject_tag' } } }],
    ['a subject tag from someone who takes no part opens a new ticket', { mail: 'taggedReply', facts: { subjectTagTicket: { id: 7, senderTakesPart: false } }, expected: { outcome: 'created', thread: { kind: 'new', reason: 'subject tag [#7] ignored: the sender takes no part in that ticket' } } }],
    ['a subject tag naming no ticket opens a new ticket', { mail: 'taggedReply', expected: { outcome: 'created', thread: { kind: 'new', reason: 'subject tag [#7] names no ticket of this tenant' } } }],
    ['token > references', { mail: 'taggedReply', facts: { replyTokenTicketId: 8, referencedTicketIds: [3], subjectTagTicket: { id: 7, senderTakesPart: true } }, expected: { thread: { kind: 'existing', ticketId: 8, by: 'reply_token' } } }],
    ['references > subject tag', { mail: 'taggedReply', facts: { referencedTicketIds: [3], subjectTagTicket: { id: 7, senderTakesPart: true } }, expected: { thread: { kind: 'existing', ticketId: 3, by: 'references' } } }],

    ['an auto-reply on a ticket is appended and never reopens it', { mail: 'autoReply', facts: known, expected: { outcome: 'appended', reason: 'auto-reply threaded by references', isAutoReply: true, reopen: false, acknowledge: false } }],
    ['an auto-reply never creates a ticket', { mail: 'autoReply', expected: { outcome: 'ignored', reason: 'auto-reply that belongs to no ticket' } }],
    ['an auto-reply never gets an acknowledgement', { mail: 'autoReply', route: acknowledging, expected: { outcome: 'ignored', reason: 'auto-reply that belongs to no ticket' } }],
    ['an auto-reply that belongs to no ticket is ignored before the daily limit counts', { mail: 'autoReply', route: { dailyMessageLimit: 5 }, facts: { messagesReceivedToday: 5 }, expected: { outcome: 'ignored' } }],

    ['a bounce overrides the thread: it lands on the ticket of our message and fails that message', {
      mail: 'bounce', facts: { referencedTicketIds: [3], replyTokenTicketId: 8, bouncedOutbound: { ticketMessageId: 55, ticketId: 9 } },
      expected: { outcome: 'appended', reason: 'bounce threaded by references', thread: { kind: 'existing', ticketId: 9, by: 'references' }, isBounce: true, reopen: false, failsOutbound: { ticketMessageId: 55, detail: 'bounced: 5.1.1' } },
    }],
    ['a bounce for a message that is not ours is ignored', { mail: 'bounce', expected: { outcome: 'ignored', reason: 'bounce for a message that is not ours' } }],
    ['a bounce that threads without naming our message fails nothing and reopens nothing', { mail: 'bounce', facts: known, expected: { outcome: 'appended', reason: 'bounce threaded by references', failsOutbound: null, reopen: false } }],
    ['a bounce never gets an acknowledgement', { mail: 'bounce', route: acknowledging, facts: { bouncedOutbound: { ticketMessageId: 55, ticketId: 9 } }, expected: { acknowledge: false } }],

    ['a new ticket over the tier\'s daily limit is held, not rejected', { mail: 'customer', route: { tier: 'free', dailyMessageLimit: 100 }, facts: { messagesReceivedToday: 100 }, expected: { outcome: 'held', reason: "held: over the free tier's 100 messages per day; released when the day rolls over" } }],
    ['a reply over the daily limit is never limited', { mail: 'customer', route: { tier: 'free', dailyMessageLimit: 100 }, facts: { ...known, messagesReceivedToday: 100 }, expected: { outcome: 'appended' } }],
    ['a held message the admin releases is filed over the limit', { mail: 'customer', route: { dailyMessageLimit: 100 }, facts: { messagesReceivedToday: 100 }, releaseHold: true, expected: { outcome: 'created' } }],
    ['a new ticket over the storage limit is held', { mail: 'customer', route: { tier: 'free', storageLimitBytes: 1024 ** 3 }, facts: { bytesStored: 1024 ** 3 }, expected: { outcome: 'held', reason: "held: the free tier's storage of 1024 MB is used up" } }],
    ['a reply over the storage limit is filed', { mail: 'customer', route: { storageLimitBytes: 10 }, facts: { ...known, bytesStored: 11 }, expected: { outcome: 'appended' } }],
    ['a flooding sender\'s next new ticket is held', { mail: 'customer', route: { newTicketsPerSenderPerHour: 20 }, facts: { newTicketsFromSenderLastHour: 20 }, expected: { outcome: 'held', reason: 'held: ann@example.org opened 20 tickets in the last hour; released an hour later' } }],
    ['a flooding sender\'s replies are filed', { mail: 'customer', route: { newTicketsPerSenderPerHour: 20 }, facts: { ...known, newTicketsFromSenderLastHour: 20 }, expected: { outcome: 'appended' } }],
    ['a sender under the throttle opens a ticket', { mail: 'customer', route: { newTicketsPerSenderPerHour: 20 }, facts: { newTicketsFromSenderLastHour: 19 }, expected: { outcome: 'created' } }],
    ['spam over the limit is quarantined, not held', { mail: 'spam', route: { dailyMessageLimit: 1 }, facts: { messagesReceivedToday: 1 }, expected: { outcome: 'quarantined' } }],
    ['the last message within the daily limit is filed', { mail: 'customer', route: { dailyMessageLimit: 100 }, facts: { messagesReceivedToday: 99 }, expected: { outcome: 'created' } }],

    ['a new ticket is acknowledged when the tenant wants it', { mail: 'customer', route: acknowledging, expected: { outcome: 'created', acknowledge: true } }],
    ['no acknowledgement when the tenant does not want it', { mail: 'customer', expected: { acknowledge: false } }],
    ['no acknowledgement of a reply', { mail: 'customer', route: acknowledging, facts: known, expected: { outcome: 'appended', acknowledge: false } }],
    ['no acknowledgement to a mailing list', { mail: 'mailingList', route: acknowledging, expected: { outcome: 'created', acknowledge: false } }],
    ['no acknowledgement to a no-reply address', { mail: 'noReply', route: acknowledging, expected: { outcome: 'created', acknowledge: false } }],
    ['no acknowledgement when the sender\'s last mail was an auto-reply', { mail: 'customer', route: acknowledging, facts: { senderLastMailWasAutoReply: true }, expected: { acknowledge: false } }],
    ['no fourth acknowledgement to one sender within an hour', { mail: 'customer', route: acknowledging, facts: { acknowledgementsToSenderLastHour: 3 }, expected: { acknowledge: false } }],
    ['a third acknowledgement within an hour is sent', { mail: 'customer', route: acknowledging, facts: { acknowledgementsToSenderLastHour: 2 }, expected: { acknowledge: true } }],
  ])('%s', (_, row) => {
    const decision = decideIngest(parsed[row.mail], { ...ROUTE, ...row.route }, { ...NOTHING_KNOWN, ...row.facts }, { ...POLICY, releaseQuarantine: row.release ?? false, releaseHold: row.releaseHold ?? false });
    expect(decision).toMatchObject(row.expected);
  });
});

describe('ingestQuestions: what the facts are gathered by', () => {
  const now = new Date('2026-11-21T23:59:00Z');

  it('asks for the ticket of a reply token only when the token was signed for this tenant', () => {
    const token = createReplyToken({ tenantId: 4, ticketId: 42 }, KEY);
    expect(ingestQuestions(parsed.customer, { ...ROUTE, tag: token }, POLICY, now).replyTokenTicketId).toBe(42);
    expect(ingestQuestions(parsed.customer, { ...ROUTE, tenantId: asTenantId(5), tag: token }, POLICY, now).replyTokenTicketId).toBeNull();
    expect(ingestQuestions(parsed.customer, { ...ROUTE, tag: 't42.aaaaaaaaaaaaaaaa' }, POLICY, now).replyTokenTicketId).toBeNull();
  });

  it('asks for the daily count only under a limit, and for the acknowledgement history only when acknowledging', () => {
    expect(ingestQuestions(parsed.customer, ROUTE, POLICY, now)).toMatchObject({ quotaDay: null, acknowledgementRecipient: null, sender: 'ann@example.org' });
    expect(ingestQuestions(parsed.customer, { ...ROUTE, dailyMessageLimit: 100, acknowledgementsEnabled: true }, POLICY, now)).toMatchObject({
      quotaDay: '2026-11-21',
      acknowledgementRecipient: 'ann@example.org',
    });
  });

  it('asks for stored bytes only under a storage limit, and for the sender\'s new tickets only under a throttle', () => {
    expect(ingestQuestions(parsed.customer, ROUTE, POLICY, now)).toMatchObject({ storageLimited: false, throttledSender: null });
    expect(ingestQuestions(parsed.customer, { ...ROUTE, storageLimitBytes: 5, newTicketsPerSenderPerHour: 3 }, POLICY, now)).toMatchObject({
      storageLimited: true,
      throttledSender: 'ann@example.org',
    });
  });

  it('asks whether the sender is one of our addresses only for a sender on our mail domain', () => {
    expect(ingestQuestions(parsed.customer, ROUTE, POLICY, now).senderOnMailDomain).toBeNull();
    expect(ingestQuestions(parsed.fromOtherInboundAddress, ROUTE, POLICY, now).senderOnMailDomain).toBe('sales@mail.test');
  });

  it('asks for the subject tag and the message a bounce returns', () => {
    expect(ingestQuestions(parsed.taggedReply, ROUTE, POLICY, now).subjectTagNumber).toBe(7);
    expect(ingestQuestions(parsed.bounce, ROUTE, POLICY, now).bouncedMessageId).toBe('<out-1@mail.test>');
    expect(ingestQuestions(parsed.customer, ROUTE, POLICY, now).bouncedMessageId).toBeNull();
  });
});
