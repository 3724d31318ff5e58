import { createHash } from 'node:crypto';
import { COLUMN_WIDTHS } from '../database/column-widths';
import { subjectWithTag } from '../mail/threading';
import type { StoredAddress, TicketMessage } from '../tickets/ticket-message.entity';
import { Mailbox, referencesChain, sendableMessageId } from './outbound-message';

/** What threading needs of each message already on the ticket. */
export type ThreadMessage = Pick<
  TicketMessage,
  | 'id'
  | 'direction'
  | 'messageId'
  | 'inReplyTo'
  | 'references'
  | 'fromAddress'
  | 'fromName'
  | 'subject'
  | 'isAutoReply'
  | 'isBounce'
  | 'threadTopic'
  | 'threadIndex'
>;

interface OutboundDraft {
  tenantId: number;
  ticket: { id: number; number: number; subject: string };
  thread: ThreadMessage[];
  /** The message this one answers; `answeredMessage(thread)` unless the caller knows better. */
  answered: ThreadMessage | null;
  messageId: string;
  from: Mailbox;
  to: Mailbox;
  cc: string[];
  text: string;
  html: string | null;
  authorUserId: number | null;
}

/**
 * The customer's latest real message: bounces and auto-replies are on the ticket too, but
 * answering one of them would thread the reply under an out-of-office notice.
 */
export function answeredMessage(thread: ThreadMessage[]): ThreadMessage | null {
  const inbound = thread.filter((m) => m.direction === 'inbound');
  const human = inbound.filter((m) => !m.isBounce && !m.isAutoReply);
  return human[human.length - 1] ?? inbound[inbound.length - 1] ?? null;
}

/** The ticket_messages row of an outbound message, queued for delivery. */
export function outboundTicketMessage(draft: OutboundDraft): Omit<TicketMessage, 'id' | 'createdAt'> {
  const { answered } = draft;
  return {
    tenantId: draft.tenantId,
    ticketId: draft.ticket.id,
    direction: 'outbound',
    // Unique per tenant like an inbound fingerprint; our Message-ID is random, so its hash is too.
    messageKey: createHash('sha256').update(draft.messageId).digest('hex'),
    messageId: draft.messageId,
    inReplyTo: sendableMessageId(answered?.messageId ?? null),
    references: referencesChain(answered, draft.thread.map((m) => m.messageId)),
    fromAddress: draft.from.address.toLowerCase(),
    fromName: draft.from.name,
    to: [storedAddress(draft.to)],
    cc: draft.cc.map((address) => storedAddress({ address, name: null })),
    subject: subjectWithTag(answered?.subject || draft.ticket.subject, draft.ticket.number).slice(0, COLUMN_WIDTHS.ticketMessages.subject),
    textBody: draft.text,
    htmlBody: draft.html,
    newText: draft.text,
    isAutoReply: false,
    isBounce: false,
    rawSha256: null,
    threadTopic: answered?.threadTopic ?? null,
    threadIndex: answered?.threadIndex ?? null,
    sentAt: null,
    authorUserId: draft.authorUserId,
    deliveryStatus: 'queued',
    deliveryDetail: null,
  };
}

function storedAddress(mailbox: Mailbox): StoredAddress {
  return { address: mailbox.address.toLowerCase(), name: mailbox.name };
}
