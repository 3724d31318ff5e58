import { ParsedMessage } from './parse-message';

/**
 * A References header can hold thousands of ids. The thread root and the newest ids are the
 * ones a ticket holds (our own References keep the first and the last), so the lookup takes
 * In-Reply-To, the first reference and the newest ones, at most this many.
 */
export const MAX_THREADING_LOOKUPS = 20;

export interface ThreadEvidence {
  /** Ticket of a reply token whose signature was verified and whose tenant matches. */
  replyTokenTicketId: number | null;
  /**
   * Tickets of this tenant that hold one of `threadingMessageIds(parsed)`, in the order of
   * those ids (strongest first).
   */
  referencedTicketIds: number[];
  /** `subjectTicketNumber(parsed.subject)`. */
  subjectTagNumber: number | null;
  /** The tenant's ticket with that number, if any, and whether the sender takes part in it. */
  subjectTagTicket: { id: number; senderTakesPart: boolean } | null;
}

export type ThreadDecision =
  | { kind: 'existing'; ticketId: number; by: 'reply_token' | 'references' | 'subject_tag' }
  | { kind: 'new'; reason: string };

/** design.md "Threading": the strongest evidence wins; a subject tag only from a participant. */
export function resolveThread(evidence: ThreadEvidence): ThreadDecision {
  if (evidence.replyTokenTicketId !== null) return { kind: 'existing', ticketId: evidence.replyTokenTicketId, by: 'reply_token' };
  const referenced = evidence.referencedTicketIds[0];
  if (referenced !== undefined) return { kind: 'existing', ticketId: referenced, by: 'references' };
  const tagged = evidence.subjectTagTicket;
  if (tagged?.senderTakesPart) return { kind: 'existing', ticketId: tagged.id, by: 'subject_tag' };
  if (tagged) return { kind: 'new', reason: `subject tag [#${evidence.subjectTagNumber}] ignored: the sender takes no part in that ticket` };
  if (evidence.subjectTagNumber !== null) return { kind: 'new', reason: `subject tag [#${evidence.subjectTagNumber}] names no ticket of this tenant` };
  return { kind: 'new', reason: 'no reply token, known reference or subject tag' };
}

/** The ids to look up in the tenant's stored message ids, strongest first, each once. */
export function threadingMessageIds(parsed: ParsedMessage, limit = MAX_THREADING_LOOKUPS): string[] {
  const references = parsed.references;
  const newestFirst = [...references].reverse();
  const ordered = [parsed.inReplyTo, references[0], ...newestFirst].filter((id): id is string => typeof id === 'string');
  return [...new Set(ordered)].slice(0, limit);
}

/** The ticket number of the last `[#123]` in a subject, or null. */
export function subjectTicketNumber(subject: string): number | null {
  const tags = [...subject.matchAll(/\[#([1-9][0-9]{0,14})\]/g)];
  const last = tags[tags.length - 1];
  if (!last) return null;
  const number = Number(last[1]);
  return Number.isSafeInteger(number) ? number : null;
}

// "Re:", "RE :", "Aw:", "SV:", "Antw:", "Re[2]:", "回复：" ... as mail clients in many
// languages write them; any run of them at the start of a subject.
const REPLY_PREFIXES = /^(?:\s*(?:re|aw|sv|vs|antw|antwort|odp|rif|res|ynt|atb|vá|回复|答复|回覆)\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：])+\s*/i;

/**
 * The subject of an outbound reply: the customer's subject with one `Re: ` in front and our
 * `[#n]` at the end, however many times it went back and forth.
 */
export function subjectWithTag(subject: string, number: number): string {
  const tag = `[#${number}]`;
  const withoutTag = subject.split(tag).join(' ').replace(/\s+/g, ' ').trim();
  const core = withoutTag.replace(REPLY_PREFIXES, '').trim();
  return core === '' ? `Re: ${tag}` : `Re: ${core} ${tag}`;
}
