import { COLUMN_WIDTHS, fitColumn, TEXT_EXCERPT_LENGTH } from '../database/column-widths';
import { normaliseMessageIdForStorage } from '../mail/fingerprint';
import { ParsedMessage } from '../mail/parse-message';
import { sanitizeEmailHtml } from '../mail/sanitize-html';
import { SenderAuthentication } from '../mail/sender-authentication';
import { extractNewText } from '../mail/strip-quotes';
import { StoredAddress } from '../tickets/ticket-message.entity';
import { IngestOutcome } from './email-processing-log.entity';
import { InboundWrite, NewAttachment, NewInboundMessage } from './inbound-writer.repository';
import { IngestSourceRef } from './ingest.types';
import { NewLogRow } from './ingest-log.repository';

/** Of a long To or Cc list, the stored message keeps this many addresses. */
const MAX_STORED_ADDRESSES = 500;

const { tickets, ticketMessages, attachments, emailProcessingLogs: logs } = COLUMN_WIDTHS;

/** One message as the pipeline holds it, for the rows it writes. */
export interface MessageInHand {
  raw: Buffer;
  stored: { sha256: string; location: string | null };
  parsed: ParsedMessage;
  source: IngestSourceRef;
  started: number;
  /** The sender-authentication verdict, taken once per message after routing. */
  senderAuth?: SenderAuthentication;
}

export type LogFields = { outcome: IngestOutcome; reason: string | null } & {
  tenantId: number | null;
  ticketId?: number | null;
  ticketMessageId?: number | null;
  error?: string | null;
};

export function newTicketRow(parsed: ParsedMessage): Extract<InboundWrite['ticket'], { kind: 'new' }> {
  return {
    kind: 'new',
    subject: fitColumn(parsed.subject || '(no subject)', tickets.subject),
    requesterEmail: parsed.from?.address?.toLowerCase() || null,
    requesterName: fitColumn(parsed.from?.name || '', tickets.requesterName) || null,
  };
}

export function inboundMessageRow(m: MessageInHand, messageKey: string, flags: { isAutoReply: boolean; isBounce: boolean }): NewInboundMessage {
  const { parsed } = m;
  return {
    messageKey,
    messageId: parsed.messageId ? normaliseMessageIdForStorage(parsed.messageId) : null,
    inReplyTo: parsed.inReplyTo ? normaliseMessageIdForStorage(parsed.inReplyTo) : null,
    references: parsed.references.map(normaliseMessageIdForStorage),
    fromAddress: parsed.from?.address?.toLowerCase().slice(0, ticketMessages.fromAddress) || null,
    fromName: fitColumn(parsed.from?.name ?? '', ticketMessages.fromName) || null,
    to: storedAddresses(parsed.to),
    cc: storedAddresses(parsed.cc),
    subject: fitColumn(parsed.subject, ticketMessages.subject),
    textBody: parsed.text,
    htmlBody: parsed.html ? sanitizeEmailHtml(parsed.html) : null,
    newText: extractNewText(parsed.text, parsed.html),
    isAutoReply: flags.isAutoReply,
    isBounce: flags.isBounce,
    rawSha256: m.stored.sha256,
    threadTopic: parsed.threadTopic ? fitColumn(parsed.threadTopic, ticketMessages.threadTopic) : null,
    threadIndex: parsed.threadIndex ? fitColumn(parsed.threadIndex, ticketMessages.threadIndex) : null,
    sentAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    senderAuth: m.senderAuth?.verdict ?? null,
    senderAuthDetails: m.senderAuth ? fitColumn(m.senderAuth.details, 255) : null,
  };
}

export function attachmentRow(a: ParsedMessage['attachments'][number]): NewAttachment {
  return {
    filename: fitColumn(a.filename, attachments.filename),
    contentType: fitColumn(a.contentType, attachments.contentType),
    size: a.size,
    sha256: a.sha256,
    contentId: a.contentId ? fitColumn(a.contentId, attachments.contentId) : null,
    inline: a.inline,
  };
}

/** The stored detail of an outbound message a bounce failed. */
export function deliveryDetail(detail: string): string {
  return detail.slice(0, TEXT_EXCERPT_LENGTH);
}

export function logRow(m: MessageInHand, fields: LogFields): NewLogRow {
  const { parsed } = m;
  return {
    tenantId: fields.tenantId,
    source: m.source.source,
    sourceRef: m.source.ref ? fitColumn(m.source.ref, logs.sourceRef) : null,
    outcome: fields.outcome,
    reason: fields.reason ? fitColumn(fields.reason, logs.reason) : null,
    error: fields.error ?? null,
    messageId: parsed.messageId ? normaliseMessageIdForStorage(parsed.messageId) : null,
    fromAddress: parsed.from?.address?.toLowerCase().slice(0, logs.fromAddress) || null,
    toAddresses: [...parsed.to, ...parsed.cc].map((a) => a.address).join(', ').slice(0, TEXT_EXCERPT_LENGTH) || null,
    subject: fitColumn(parsed.subject, logs.subject) || null,
    ticketId: fields.ticketId ?? null,
    ticketMessageId: fields.ticketMessageId ?? null,
    rawSha256: m.stored.sha256,
    rawLocation: m.stored.location,
    sizeBytes: m.raw.length,
    durationMs: Date.now() - m.started,
  };
}

/** The row of a message that could not be parsed: only its size, raw copy and recipients are known. */
export function unparsedLogRow(m: Omit<MessageInHand, 'parsed'>, tenantId: number | null, recipients: string[], reason: string): NewLogRow {
  return {
    tenantId,
    source: m.source.source,
    sourceRef: m.source.ref ? fitColumn(m.source.ref, logs.sourceRef) : null,
    outcome: 'failed',
    reason: fitColumn(reason, logs.reason),
    error: reason,
    messageId: null,
    fromAddress: null,
    toAddresses: recipients.join(', ').slice(0, TEXT_EXCERPT_LENGTH) || null,
    subject: null,
    ticketId: null,
    ticketMessageId: null,
    rawSha256: m.stored.sha256,
    rawLocation: m.stored.location,
    sizeBytes: m.raw.length,
    durationMs: Date.now() - m.started,
  };
}

export function describeRecipients(parsed: ParsedMessage): string {
  const all = [...parsed.deliveredTo, ...parsed.to.map((a) => a.address), ...parsed.cc.map((a) => a.address)];
  const shown = [...new Set(all)].slice(0, 5).join(', ');
  return shown || '(no recipient)';
}

function storedAddresses(list: { address: string; name: string | null }[]): StoredAddress[] {
  return list.slice(0, MAX_STORED_ADDRESSES).map((a) => ({ address: a.address.toLowerCase(), name: a.name || null }));
}
