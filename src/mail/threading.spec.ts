import { parseMessage } from './parse-message';
import { MAX_THREADING_LOOKUPS, resolveThread, subjectTicketNumber, subjectWithTag, ThreadDecision, ThreadEvidence, threadingMessageIds } from './threading';

const none: ThreadEvidence = { replyTokenTicketId: null, referencedTicketIds: [], subjectTagNumber: null, subjectTagTicket: null };

describe('resolveThread', () => {
  it.each<[string, Partial<ThreadEvidence>, Partial<ThreadDecision>]>([
    ['a reply token', { replyTokenTicketId: 7 }, { kind: 'existing', ticketId: 7, by: 'reply_token' }],
    [
      'a reply token over references and subject tag',
      { replyTokenTicketId: 7, referencedTicketIds: [8], subjectTagNumber: 3, subjectTagTicket: { id: 9, senderTakesPart: true } },
      { kind: 'existing', ticketId: 7, by: 'reply_token' },
    ],
    ['the first referenced ticket', { referencedTicketIds: [8, 11] }, { kind: 'existing', ticketId: 8, by: 'references' }],
    [
      'references over a subject tag',
      { referencedTicketIds: [8], subjectTagNumber: 3, subjectTagTicket: { id: 9, senderTakesPart: true } },
      { kind: 'existing', ticketId: 8, by: 'references' },
    ],
    ['a subject tag from a participant', { subjectTagNumber: 3, subjectTagTicket: { id: 9, senderTakesPart: true } }, { kind: 'existing', ticketId: 9, by: 'subject_tag' }],
    ['a subject tag from a sender not in the ticket', { subjectTagNumber: 3, subjectTagTicket: { id: 9, senderTakesPart: false } }, { kind: 'new' }],
    ['a subject tag naming no ticket', { subjectTagNumber: 3 }, { kind: 'new' }],
    ['nothing', {}, { kind: 'new' }],
  ])('%s', (_, evidence, decision) => {
    expect(resolveThread({ ...none, ...evidence })).toMatchObject(decision);
  });

  it('says why a guessed subject tag did not thread', () => {
    expect(resolveThread({ ...none, subjectTagNumber: 3, subjectTagTicket: { id: 9, senderTakesPart: false } })).toEqual({
      kind: 'new',
      reason: 'subject tag [#3] ignored: the sender takes no part in that ticket',
    });
  });
});

describe('threadingMessageIds', () => {
  it('asks for In-Reply-To, the thread root, then the newest references, each once', async () => {
    const parsed = await parseMessage(Buffer.from('In-Reply-To: <c@x>\r\nReferences: <a@x> <b@x> <c@x>\r\n\r\nhi'));
    expect(threadingMessageIds(parsed)).toEqual(['<c@x>', '<a@x>', '<b@x>']);
  });

  it('bounds a References header of thousands of ids', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `<id${i}@x>`);
    const parsed = await parseMessage(Buffer.from(`In-Reply-To: <id4999@x>\r\nReferences: ${ids.join(' ')}\r\n\r\nhi`));
    const lookups = threadingMessageIds(parsed);
    expect(lookups).toHaveLength(MAX_THREADING_LOOKUPS);
    expect(lookups.slice(0, 3)).toEqual(['<id4999@x>', '<id0@x>', '<id4998@x>']);
  });

  it('is empty for a mail that answers nothing', async () => {
    expect(threadingMessageIds(await parseMessage(Buffer.from('Subject: hi\r\n\r\nhi')))).toEqual([]);
  });
});

describe('subjectTicketNumber', () => {
  it.each<[string, number | null]>([
    ['Re: Printer broken [#123]', 123],
    ['[#7] at the start', 7],
    ['Fwd: [#5] old and [#12] new', 12],
    ['No tag here', null],
    ['[#0] is no ticket', null],
    ['[# 12] with a space', null],
    ['[#12a]', null],
    ['[#99999999999999999999]', null],
    ['AW: Ticket Templates [Ticket#11168]', null],
    ['', null],
  ])('%j -> %p', (subject, number) => {
    expect(subjectTicketNumber(subject)).toBe(number);
  });
});

describe('subjectWithTag', () => {
  it.each<[string, string]>([
    ['Printer broken', 'Re: Printer broken [#42]'],
    ['Re: Printer broken', 'Re: Printer broken [#42]'],
    ['Re: Re: RE: Printer broken', 'Re: Printer broken [#42]'],
    ['AW: Re: Aw: Drucker kaputt', 'Re: Drucker kaputt [#42]'],
    ['Re: Printer broken [#42]', 'Re: Printer broken [#42]'],
    ['Re: [#42] Re: Printer broken [#42]', 'Re: Printer broken [#42]'],
    ['Re[2]: Printer', 'Re: Printer [#42]'],
    ['SV: Skrivare', 'Re: Skrivare [#42]'],
    ['回复：打印机', 'Re: 打印机 [#42]'],
    ['Fwd: Printer broken', 'Re: Fwd: Printer broken [#42]'],
    ['Printer [#7] broken', 'Re: Printer [#7] broken [#42]'],
    ['Regarding the printer', 'Re: Regarding the printer [#42]'],
    ['', 'Re: [#42]'],
    ['  spaced \t out  ', 'Re: spaced out [#42]'],
  ])('%j -> %j', (subject, outbound) => {
    expect(subjectWithTag(subject, 42)).toBe(outbound);
  });

  it('stays linear on a subject of 100,000 prefixes', () => {
    const started = Date.now();
    expect(subjectWithTag('Re: '.repeat(100_000) + 'x', 1)).toBe('Re: x [#1]');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
