import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AddressObject, Attachment, EmailAddress, ParsedMail, simpleParser, SimpleParserOptions } from 'mailparser';
import { DomainError } from '../common/domain-error';
import { emailHtmlToText } from './sanitize-html';

export interface MailAddress {
  address: string;
  name: string;
}

export interface ParsedAttachment {
  /** Safe to use as a file name: no directories, no control or bidi characters, never empty. */
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  /** Content-ID without the angle brackets. */
  contentId: string | null;
  /**
   * True only when the HTML body shows this part through a `cid:` reference. A part marked
   * `Content-Disposition: inline` that the HTML never references (Apple Mail does this for
   * ordinary attachments) stays a visible attachment, or it would vanish from the ticket.
   */
  inline: boolean;
  /** The Content-Disposition as written, for callers that need the sender's own intent. */
  disposition: 'inline' | 'attachment' | null;
  sha256: string;
}

export interface ParsedMessage {
  /** `<id>`, or null when the message has none. */
  messageId: string | null;
  inReplyTo: string | null;
  /** Ids of References (in order) and In-Reply-To, each once, all `<id>`. */
  references: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  /** Delivered-To and X-Original-To values in header order, so the newest (our MTA's) first. */
  deliveredTo: string[];
  /**
   * The envelope recipients our own delivery recorded: the Delivered-To and X-Original-To
   * values above the first Received header. Lower ones were written by earlier hops or by the
   * sender and say nothing about where this copy was delivered.
   */
  envelopeRecipients: string[];
  subject: string;
  /** Null when the Date header is missing or unreadable (mailparser would say "now"). */
  date: Date | null;
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  /** Text of message/delivery-status parts (DSN fields), kept out of `text` and `attachments`. */
  deliveryStatus: string | null;
  /** Top-level header values by lowercase name, unfolded and undecoded, in header order. */
  headers: ReadonlyMap<string, readonly string[]>;
  /** Raw (possibly RFC 2047 encoded) values, to be copied unchanged into outbound replies. */
  threadTopic: string | null;
  threadIndex: string | null;
}

export interface ParseLimits {
  maxBytes: number;
  timeoutMs: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxBytes: 25 * 1024 * 1024, timeoutMs: 10_000 };

export type ParseFailure = 'too_large' | 'timeout' | 'malformed';

export class MessageParseError extends DomainError {
  constructor(
    readonly failure: ParseFailure,
    message: string,
  ) {
    super(failure === 'too_large' ? 'payload_too_large' : 'unprocessable', message, { failure });
    this.name = 'MessageParseError';
  }
}

// skipHtmlToText: html-to-text blocks the event loop for tens of seconds on deeply nested
// HTML, beyond the reach of any timer; emailHtmlToText does the job linearly.
// Options missing from @types/mailparser: keepDeliveryStatus moves message/delivery-status
// parts out of the body text; ignoreEmbedded keeps every message/rfc822 part as one .eml
// attachment instead of splicing the forwarded mail's text and files into this one.
type MailParserRuntimeOptions = SimpleParserOptions & { keepDeliveryStatus: boolean; ignoreEmbedded: boolean };

const MAILPARSER_OPTIONS: MailParserRuntimeOptions = {
  keepCidLinks: true,
  skipImageLinks: true,
  skipTextLinks: true,
  skipTextToHtml: true,
  skipHtmlToText: true,
  checksumAlgo: 'sha256',
  keepDeliveryStatus: true,
  ignoreEmbedded: true,
};

const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);

/**
 * Parses a raw RFC 5322 message into a plain object. Size and time are bounded so that one
 * hostile message becomes a `MessageParseError` row instead of stalling a mailbox.
 */
export async function parseMessage(raw: Buffer, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<ParsedMessage> {
  if (raw.length > limits.maxBytes) {
    throw new MessageParseError('too_large', `message is ${raw.length} bytes, the limit is ${limits.maxBytes}`);
  }
  const mail = await simpleParseWithin(withLineFeeds(raw), limits.timeoutMs);
  return toParsedMessage(mail);
}

/**
 * Classic Mac files end lines with CR alone; mailparser then sees one endless header line
 * and no headers at all. Such a file has no LF anywhere, so the fix cannot touch other mail.
 */
function withLineFeeds(raw: Buffer): Buffer {
  if (raw.includes(0x0a) || !raw.includes(0x0d)) return raw;
  return Buffer.from(raw.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
}

async function simpleParseWithin(raw: Buffer, timeoutMs: number): Promise<ParsedMail> {
  // Fed as a stream of slices, which backpressure keeps open while mailparser works, so that
  // a timeout can destroy it: simpleParser then destroys its parser instead of going on in
  // the background. Work already inside mailparser's synchronous steps cannot be preempted;
  // the options above keep those linear.
  const input = Readable.from(slices(raw, INPUT_SLICE_BYTES), { objectMode: false });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new MessageParseError('timeout', `parsing took longer than ${timeoutMs} ms`);
      input.destroy(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([simpleParser(input, MAILPARSER_OPTIONS), timedOut]);
  } catch (error) {
    if (error instanceof MessageParseError) throw error;
    throw new MessageParseError('malformed', `unreadable MIME: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

const INPUT_SLICE_BYTES = 64 * 1024;

function* slices(raw: Buffer, size: number): Generator<Buffer> {
  for (let start = 0; start < raw.length; start += size) yield raw.subarray(start, start + size);
}

function toParsedMessage(mail: ParsedMail): ParsedMessage {
  const headers = headerMap(mail.headerLines ?? []);
  const first = (name: string): string | null => headers.get(name)?.[0] ?? null;
  const html = typeof mail.html === 'string' ? mail.html : null;
  const inReplyToIds = (headers.get('in-reply-to') ?? []).flatMap(extractMessageIds);
  const referenceIds = (headers.get('references') ?? []).flatMap(extractMessageIds);
  const { attachments, deliveryStatus } = splitAttachments(mail.attachments, html);
  return {
    messageId: extractMessageIds(first('message-id') ?? '')[0] ?? null,
    inReplyTo: inReplyToIds[0] ?? null,
    references: [...new Set([...referenceIds, ...inReplyToIds])],
    from: flattenAddresses(mail.from)[0] ?? null,
    to: flattenAddresses(mail.to),
    cc: flattenAddresses(mail.cc),
    replyTo: flattenAddresses(mail.replyTo),
    deliveredTo: deliveredTo(mail.headerLines ?? []),
    envelopeRecipients: deliveredTo(linesAboveFirstReceived(mail.headerLines ?? [])),
    subject: singleLine(decodedSubject(mail, headers)),
    date: parseDate(first('date')),
    text: withoutNul(mail.text?.trim() ? mail.text : html ? emailHtmlToText(html) : ''),
    html: html === null ? null : withoutNul(html),
    attachments,
    deliveryStatus: deliveryStatus === null ? null : withoutNul(deliveryStatus),
    headers,
    threadTopic: optionalSingleLine(first('thread-topic')),
    threadIndex: optionalSingleLine(first('thread-index')),
  };
}

/**
 * Line breaks (CR, LF, NEL, U+2028, U+2029; an encoded word can carry them) and the other
 * control characters but TAB (C0, DEL, C1): in a stored single-line value they would break
 * logs, CSV exports and the headers of replies, and NUL breaks MySQL and SQLite text.
 */
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]+/g;
const CONTROLS_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A header value fit to store on one line: line breaks become a space, other controls go. */
export function singleLine(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(CONTROLS_BUT_TAB, '').trim();
}

function optionalSingleLine(value: string | null): string | null {
  return value === null ? null : singleLine(value) || null;
}

/** Bodies keep their line breaks and tabs; NUL only is removed. */
function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replace(/\u0000/g, '') : value;
}

/**
 * Message ids in a header value, each as `<id>`: bracketed ids in order (folding spaces
 * inside one removed), or a single bare token for mailers that forget the brackets.
 * Comments such as `<id> (Joe's message of Monday)` are ignored.
 */
export function extractMessageIds(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>]*)>/g)]
    .map((match) => match[1].replace(/\s+/g, '').replace(CONTROLS_BUT_TAB, ''))
    .filter((id) => id.length > 0)
    .map((id) => `<${id}>`);
  if (bracketed.length > 0) return bracketed;
  const bare = (value.replace(/\([^()]*\)/g, ' ').trim().split(/\s+/)[0] ?? '').replace(CONTROLS_BUT_TAB, '');
  return bare.length > 0 && !/[<>]/.test(bare) ? [`<${bare}>`] : [];
}

function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    const value = utf8OrLatin1(line.slice(line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '')).trim();
    const values = map.get(name);
    if (values) values.push(value);
    else map.set(name, [value]);
  }
  return map;
}

/** mailsplit hands header lines over as binary strings: one char per raw byte. */
function utf8OrLatin1(binary: string): string {
  if (!/[\x80-\xff]/.test(binary)) return binary;
  return decodeStrict(Buffer.from(binary, 'latin1'), 'utf-8') ?? binary;
}

function decodeStrict(bytes: Buffer, charset: string): string | null {
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function flattenAddresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const flat: MailAddress[] = [];
  const visit = (entries: EmailAddress[]): void => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else flat.push(withBareWordAddress({ address: singleLine(entry.address ?? '').replace(/\t/g, ''), name: singleLine(entry.name ?? '') }));
    }
  };
  for (const object of objects) visit(object.value);
  return flat;
}

/** `From: MAILER-DAEMON` has no domain; addressparser calls the lone word a name. */
function withBareWordAddress(entry: MailAddress): MailAddress {
  if (entry.address !== '' || !/^[^\s@<>"(),;:]+$/.test(entry.name)) return entry;
  return { address: entry.name, name: '' };
}

function linesAboveFirstReceived<T extends { key: string }>(lines: ReadonlyArray<T>): ReadonlyArray<T> {
  const received = lines.findIndex(({ key }) => key === 'received');
  return received === -1 ? lines : lines.slice(0, received);
}

function deliveredTo(lines: ReadonlyArray<{ key: string; line: string }>): string[] {
  return lines
    .filter(({ key }) => key === 'delivered-to' || key === 'x-original-to')
    .map(({ line }) => line.slice(line.indexOf(':') + 1).replace(/[\s<>]+/g, ''))
    .filter((address) => address.length > 0);
}

/**
 * mailparser turns raw 8-bit header bytes that are not UTF-8 into U+FFFD. Such subjects
 * (GBK, Shift_JIS, Latin-1 from old mailers) are decoded here with the charset the message
 * declares for its body, which is what the sender's mailer used, or else windows-1252.
 */
function decodedSubject(mail: ParsedMail, headers: Map<string, string[]>): string {
  const parsed = (mail.subject ?? '').trim();
  if (!parsed.includes('\ufffd')) return parsed;
  const rawLine = mail.headerLines?.find((line) => line.key === 'subject')?.line;
  if (rawLine === undefined) return parsed;
  const bytes = Buffer.from(rawLine.slice(rawLine.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, ''), 'latin1');
  if (decodeStrict(bytes, 'utf-8') !== null) return parsed;
  const declared = /charset\s*=\s*"?([^";\s]+)/i.exec(headers.get('content-type')?.[0] ?? '')?.[1];
  for (const charset of [declared, 'windows-1252']) {
    if (!charset || /^(us-)?ascii$|^utf-?8$/i.test(charset)) continue;
    const decoded = decodeStrict(bytes, charset);
    if (decoded !== null) return decoded.replace(/[\u0000-\u001f\u007f-\u009f]+/g, '').trim();
  }
  return parsed;
}

function parseDate(value: string | null): Date | null {
  if (value === null) return null;
  const date = new Date(value.replace(/\([^()]*\)/g, ' ').trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

function splitAttachments(parts: Attachment[], html: string | null): { attachments: ParsedAttachment[]; deliveryStatus: string | null } {
  const shownByHtml = cidReferences(html);
  const attachments: ParsedAttachment[] = [];
  const statusTexts: string[] = [];
  for (const part of parts) {
    const contentType = (part.contentType || 'application/octet-stream').toLowerCase();
    if (DELIVERY_STATUS_TYPES.has(contentType)) {
      statusTexts.push(part.content.toString('utf8'));
      continue;
    }
    const contentId = part.cid ? part.cid : null;
    attachments.push({
      filename: safeFilename(part.filename, contentType),
      contentType,
      size: part.content.length,
      content: part.content,
      contentId,
      inline: contentId !== null && shownByHtml.has(contentId.toLowerCase()),
      disposition: part.contentDisposition === 'inline' || part.contentDisposition === 'attachment' ? part.contentDisposition : null,
      sha256: part.checksum && /^[0-9a-f]{64}$/.test(part.checksum) ? part.checksum : createHash('sha256').update(part.content).digest('hex'),
    });
  }
  return { attachments, deliveryStatus: statusTexts.length > 0 ? statusTexts.join('\n') : null };
}

/** Content-IDs (lowercase) that the HTML shows with `cid:`; RFC 2392 lets them be %-encoded. */
export function cidReferences(html: string | null): Set<string> {
  const found = new Set<string>();
  if (!html) return found;
  for (const match of html.matchAll(/\bcid:([^'"\s<>)]{1,512})/gi)) {
    let id = match[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      // a stray % is not an encoding; keep the text as written
    }
    found.add(id.replace(/^<|>$/g, '').toLowerCase());
  }
  return found;
}

const DEFAULT_FILENAMES: Record<string, string> = {
  'message/rfc822': 'message.eml',
  'message/global': 'message.eml',
  'text/rfc822-headers': 'headers.txt',
  'application/ms-tnef': 'winmail.dat',
  'application/vnd.ms-tnef': 'winmail.dat',
  'text/calendar': 'invite.ics',
  'text/plain': 'attachment.txt',
  'text/html': 'attachment.html',
  'application/pdf': 'document.pdf',
  'image/png': 'image.png',
  'image/jpeg': 'image.jpg',
  'image/gif': 'image.gif',
  'image/webp': 'image.webp',
};

const MAX_FILENAME_LENGTH = 200;

/**
 * A file name that cannot climb out of a directory or disguise itself: the last path
 * segment only, without control characters or bidi overrides ("gpj.exe" shown as
 * "exe.jpg"), without leading dots; a name by content type when nothing is left.
 */
export function safeFilename(name: string | undefined | null, contentType: string): string {
  // Cut first: the cleaning below must never see a megabyte-long header parameter.
  const lastSegment = (name ?? '').slice(-4 * MAX_FILENAME_LENGTH).split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (cleaned.length === 0) return DEFAULT_FILENAMES[contentType.toLowerCase()] ?? 'attachment.bin';
  if (cleaned.length <= MAX_FILENAME_LENGTH) return cleaned;
  const extension = /\.[^.]{1,16}$/.exec(cleaned)?.[0] ?? '';
  return cleaned.slice(0, MAX_FILENAME_LENGTH - extension.length) + extension;
}
