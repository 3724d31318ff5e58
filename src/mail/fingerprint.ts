import { createHash } from 'node:crypto';
import { ParsedMessage } from './parse-message';

const MAX_INDEXED_ID_BYTES = 255;

/**
 * design.md rule 2: the key that makes a second ingest of the same mail a duplicate. It
 * covers what the author wrote (Message-ID, From, Date, Subject, body, attachments) and
 * nothing a transport adds (Received, Delivered-To, X-Spam-*, Return-Path), so the copy
 * that came by webhook and the one fetched over IMAP agree, while two different mails from
 * a broken mailer that reuses one Message-ID do not.
 */
export function messageFingerprint(parsed: ParsedMessage): string {
  const fields = [
    'inbound-fingerprint:v1',
    parsed.messageId ?? '',
    fromField(parsed),
    dateField(parsed),
    collapseWhitespace(parsed.subject),
    normaliseBody(parsed.text !== '' ? parsed.text : (parsed.html ?? '')),
    parsed.attachments.map((attachment) => attachment.sha256).join(','),
  ];
  const hash = createHash('sha256');
  // Length prefixes, so that no shift of text from one field into the next gives the same hash.
  for (const field of fields) hash.update(`${Buffer.byteLength(field)}:`).update(field);
  return hash.digest('hex');
}

/** Message ids are unbounded; longer than 255 bytes they are stored as `sha256:<hex>`. */
export function normaliseMessageIdForStorage(id: string): string {
  const trimmed = id.trim();
  if (Buffer.byteLength(trimmed) <= MAX_INDEXED_ID_BYTES) return trimmed;
  return `sha256:${createHash('sha256').update(trimmed).digest('hex')}`;
}

function fromField(parsed: ParsedMessage): string {
  if (!parsed.from) return '';
  return `${parsed.from.address.toLowerCase()} ${collapseWhitespace(parsed.from.name)}`;
}

/** The parsed instant when readable; else the header as written, never "now". */
function dateField(parsed: ParsedMessage): string {
  if (parsed.date) return parsed.date.toISOString();
  return collapseWhitespace(parsed.headers.get('date')?.[0] ?? '');
}

/** IMAP hands out CRLF, a Maildir file may hold LF: line endings must not split one mail in two. */
function normaliseBody(body: string): string {
  return body
    .split(/\r\n?|\n/)
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

function collapseWhitespace(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
