import { randomBytes } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';

type OutboundKind = 'reply' | 'acknowledgement';

export interface Mailbox {
  address: string;
  name: string | null;
}

/** The threading fields of the message being answered, as ticket_messages stores them. */
interface AnsweredMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[] | null;
}

interface OutboundAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutboundMailInput {
  kind: OutboundKind;
  from: Mailbox;
  to: Mailbox;
  cc: string[];
  /** The tenant's inbound address with the signed reply token. */
  replyTo: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  text: string;
  html: string | null;
  attachments: OutboundAttachment[];
  /** Outlook's conversation headers of the answered message, raw as received. */
  threadTopic: string | null;
  threadIndex: string | null;
}

/** Some servers refuse header lines near 1,000 characters (RFC 5322 allows 998). */
export const REFERENCES_MAX_LENGTH = 900;

/** Random only: a Message-ID is public and must not reveal tenant, ticket or sequence. */
export function newOutboundMessageId(mailDomain: string, random: Buffer = randomBytes(16)): string {
  return `<${random.toString('hex')}@${mailDomain}>`;
}

/**
 * The References of an answer: the answered message's own chain, then the other ids the
 * ticket holds, then the answered message's id last (RFC 5322 3.6.4: the parent comes last).
 */
export function referencesChain(answered: AnsweredMessage | null, threadMessageIds: (string | null)[]): string[] {
  const parentChain = answered?.references?.length ? answered.references : answered?.inReplyTo ? [answered.inReplyTo] : [];
  const parent = sendableMessageId(answered?.messageId ?? null);
  const chain = [...new Set([...parentChain, ...threadMessageIds].filter((id): id is string => !!sendableMessageId(id) && id !== parent))];
  return parent ? [...chain, parent] : chain;
}

/**
 * An id as it can go into In-Reply-To/References, or null. Ids too long to index are stored
 * as a hash ("sha256:…", see normaliseMessageIdForStorage) and cannot be sent back.
 */
export function sendableMessageId(id: string | null): string | null {
  return id && /^<[^<>\s]+>$/.test(id) ? id : null;
}

/**
 * Cuts a long chain to its first id (the thread's root) and as many of the last ids as fit,
 * so that clients still find both the start of the conversation and the direct parent.
 */
export function limitReferences(ids: string[], maxLength = REFERENCES_MAX_LENGTH): string[] {
  if (ids.join(' ').length <= maxLength || ids.length <= 2) return ids;
  const [first] = ids;
  const tail: string[] = [ids[ids.length - 1]];
  let length = first.length + 1 + tail[0].length;
  for (let i = ids.length - 2; i > 0; i--) {
    if (length + 1 + ids[i].length > maxLength) break;
    tail.unshift(ids[i]);
    length += 1 + ids[i].length;
  }
  return [first, ...tail];
}

const AUTOMATIC_HEADERS = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
  Precedence: 'bulk',
};

/** The nodemailer message for an agent's reply or an automatic acknowledgement. */
export function buildOutboundMail(input: OutboundMailInput): SendMailOptions {
  const headers: Record<string, string | { prepared: true; value: string }> =
    input.kind === 'acknowledgement' ? { ...AUTOMATIC_HEADERS } : { 'Auto-Submitted': 'no' };
  // Copied byte for byte (they may be RFC 2047 encoded already); only line breaks are removed.
  if (input.threadTopic) headers['Thread-Topic'] = { prepared: true, value: oneLine(input.threadTopic) };
  if (input.threadIndex) headers['Thread-Index'] = { prepared: true, value: oneLine(input.threadIndex) };

  return {
    from: { name: input.from.name ?? '', address: input.from.address },
    to: [{ name: input.to.name ?? '', address: input.to.address }],
    cc: input.cc.length ? input.cc : undefined,
    replyTo: input.replyTo,
    subject: input.subject,
    messageId: input.messageId,
    inReplyTo: input.inReplyTo ?? undefined,
    references: input.references.length ? limitReferences(input.references) : undefined,
    headers,
    text: input.text,
    html: input.html ?? undefined,
    attachments: input.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]+[ \t]*/g, ' ').trim();
}
