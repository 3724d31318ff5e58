import { NOTHING_KNOWN } from '../../test/support/ingest-facts';
import { asTenantId } from '../common/tenant-id';
import { decideIngest, IngestFacts, IngestPolicy, IngestRoute } from './ingest-decision';
import { ParsedMessage, parseMessage } from './parse-message';
import { SenderVerdict } from './sender-authentication';

// decideIngest with the sender-authentication verdict of issue 19: only a fail changes anything,
// and never whether the mail is filed.
const POLICY: IngestPolicy = { mailDomain: 'mail.test', replyKey: Buffer.from('sender-auth-decision-spec-key-0123'), releaseQuarantine: false };
const ROUTE: IngestRoute = { tenantId: asTenantId(4), status: 'active', tier: 'starter', inboundAddress: 'support@mail.test', tag: null, dailyMessageLimit: null, acknowledgementsEnabled: true };

let tagged: ParsedMessage;
let fresh: ParsedMessage;
beforeAll(async () => {
  const mail = (subject: string, id: string) => Buffer.from(['From: Ann <ann@example.org>', 'To: support@mail.test', `Subject: ${subject}`, `Message-ID: <${id}@example.org>`, '', 'Hello'].join('\r\n'));
  tagged = await parseMessage(mail('Re: Printer broken [#7]', 'a1'));
  fresh = await parseMessage(mail('Printer broken', 'a2'));
});

const participant: Partial<IngestFacts> = { subjectTagTicket: { id: 7, senderTakesPart: true } };
const SENDERS = { participant, stranger: { subjectTagTicket: { id: 7, senderTakesPart: false } } };

describe('decideIngest with a sender-authentication verdict', () => {
  it.each<[SenderVerdict | null | undefined, keyof typeof SENDERS, string, boolean]>([
    ['pass', 'participant', 'appended', true],
    ['pass', 'stranger', 'created', true],
    ['fail', 'participant', 'created', false],
    ['fail', 'stranger', 'created', false],
    ['temperror', 'participant', 'appended', true],
    ['none', 'participant', 'appended', true],
    [null, 'participant', 'appended', true],
    [undefined, 'participant', 'appended', true],
  ])('verdict %s, a %s: the tagged reply is %s, a new mail acknowledged: %s', (verdict, sender, outcome, acknowledges) => {
    const policy = { ...POLICY, senderVerdict: verdict };
    expect(decideIngest(tagged, ROUTE, { ...NOTHING_KNOWN, ...SENDERS[sender] }, policy).outcome).toBe(outcome);
    expect(decideIngest(fresh, ROUTE, NOTHING_KNOWN, policy)).toMatchObject({ outcome: 'created', acknowledge: acknowledges });
  });

  it('says why a failed sender opened a new ticket', () => {
    expect(decideIngest(tagged, ROUTE, { ...NOTHING_KNOWN, ...participant }, { ...POLICY, senderVerdict: 'fail' })).toMatchObject({
      outcome: 'created',
      thread: { kind: 'new', reason: 'subject tag ignored: the sender failed authentication (SPF, DKIM, DMARC)' },
    });
  });

  it('still threads a failed sender by reply token and references, which a forger cannot know', () => {
    const policy = { ...POLICY, senderVerdict: 'fail' as const };
    expect(decideIngest(tagged, ROUTE, { ...NOTHING_KNOWN, ...participant, replyTokenTicketId: 8 }, policy)).toMatchObject({ outcome: 'appended', thread: { by: 'reply_token' } });
    expect(decideIngest(tagged, ROUTE, { ...NOTHING_KNOWN, ...participant, referencedTicketIds: [3] }, policy)).toMatchObject({ outcome: 'appended', thread: { by: 'references' } });
  });
});
