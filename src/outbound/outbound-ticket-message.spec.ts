import { answeredMessage, outboundTicketMessage, ThreadMessage } from './outbound-ticket-message';

const message = (id: number, change: Partial<ThreadMessage>): ThreadMessage => ({
  id,
  direction: 'inbound',
  messageId: `<m${id}@customer.example>`,
  inReplyTo: null,
  references: [],
  fromAddress: 'jane@customer.example',
  fromName: 'Jane',
  subject: 'Printer on fire',
  isAutoReply: false,
  isBounce: false,
  threadTopic: null,
  threadIndex: null,
  ...change,
});

describe('answeredMessage', () => {
  it('is the last inbound message that a person wrote', () => {
    const thread = [
      message(1, {}),
      message(2, { inReplyTo: '<m1@customer.example>', references: ['<m1@customer.example>'] }),
      message(3, { direction: 'outbound', messageId: '<ours@mail.test>' }),
      message(4, { isAutoReply: true }),
      message(5, { isBounce: true }),
    ];
    expect(answeredMessage(thread)?.id).toBe(2);
  });

  it('takes an auto-reply only when nothing else came in, and null for no inbound at all', () => {
    expect(answeredMessage([message(1, { isAutoReply: true })])?.id).toBe(1);
    expect(answeredMessage([message(1, { direction: 'outbound' })])).toBeNull();
  });
});

describe('outboundTicketMessage', () => {
  const thread = [
    message(1, { threadTopic: 'Printer on fire', threadIndex: 'AQHZ' }),
    message(2, { direction: 'outbound', messageId: '<ours-1@mail.test>', inReplyTo: '<m1@customer.example>', references: ['<m1@customer.example>'] }),
    message(3, {
      subject: 'RE: Printer on fire [#7]',
      inReplyTo: '<ours-1@mail.test>',
      references: ['<m1@customer.example>', '<ours-1@mail.test>'],
      threadTopic: 'Printer on fire',
      threadIndex: 'AQHZAAAB',
    }),
  ];
  const fields = outboundTicketMessage({
    tenantId: 4,
    ticket: { id: 70, number: 7, subject: 'Printer on fire' },
    thread,
    answered: answeredMessage(thread),
    messageId: '<new@mail.test>',
    from: { address: 'Support@Acme.example', name: 'Acme' },
    to: { address: 'Jane@Customer.example', name: 'Jane' },
    cc: ['boss@customer.example'],
    text: 'On it.',
    html: null,
    authorUserId: 9,
  });

  it('answers the last customer mail and carries the whole chain with it last', () => {
    expect(fields.inReplyTo).toBe('<m3@customer.example>');
    expect(fields.references).toEqual(['<m1@customer.example>', '<ours-1@mail.test>', '<m3@customer.example>']);
  });

  it('tags the subject once, copies the Outlook headers of the answered mail, and is queued', () => {
    expect(fields).toMatchObject({
      tenantId: 4,
      ticketId: 70,
      direction: 'outbound',
      messageId: '<new@mail.test>',
      subject: 'Re: Printer on fire [#7]',
      threadTopic: 'Printer on fire',
      threadIndex: 'AQHZAAAB',
      fromAddress: 'support@acme.example',
      to: [{ address: 'jane@customer.example', name: 'Jane' }],
      cc: [{ address: 'boss@customer.example', name: null }],
      authorUserId: 9,
      deliveryStatus: 'queued',
      sentAt: null,
    });
    expect(fields.messageKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('uses the ticket subject when nothing was answered', () => {
    const first = outboundTicketMessage({
      tenantId: 4,
      ticket: { id: 70, number: 7, subject: 'Printer on fire' },
      thread: [],
      answered: null,
      messageId: '<x@mail.test>',
      from: { address: 'a@mail.test', name: null },
      to: { address: 'b@example.com', name: null },
      cc: [],
      text: 'x',
      html: null,
      authorUserId: null,
    });
    expect(first).toMatchObject({ subject: 'Re: Printer on fire [#7]', inReplyTo: null, references: [] });
  });
});
