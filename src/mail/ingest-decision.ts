import type { TenantId } from '../common/tenant-id';
import { acknowledgementDecision } from './acknowledgement-policy';
import { autoReplySignalOf, detectBounce, isBulkMail, isLoop, isMailingList, OurIdentity, spamVerdict, suppressesAutoResponses } from './classify-message';
import { messageFingerprint, normaliseMessageIdForStorage } from './fingerprint';
import { ParsedMessage } from './parse-message';
import { verifyReplyToken } from './reply-token';
import { newTicketHoldReason } from './limit-policy';
import { splitPlusAddress } from './route-recipients';
import { SenderVerdict, senderAuthenticationRule, withoutForgedSubjectTag } from './sender-authentication';
import { resolveThread, subjectTicketNumber, threadingMessageIds, ThreadDecision } from './threading';

/** The tenant a message was routed to, as far as the decision needs it. */
export interface IngestRoute {
  tenantId: TenantId;
  /** Anything but 'active' rejects the message. */
  status: string;
  tier: string;
  /** The tenant's current inbound address. */
  inboundAddress: string;
  /** The plus-address tag the message was routed by (a reply token candidate), if any. */
  tag: string | null;
  /** The tier's messages per day; null when unlimited. */
  dailyMessageLimit: number | null;
  /** The tenant turned acknowledgements on and its tier includes them. */
  acknowledgementsEnabled: boolean;
  /** The tenant's storage limit in bytes; null or absent when unlimited. */
  storageLimitBytes?: number | null;
  /** New tickets one sender may open per hour (the flood throttle); null or absent when off. */
  newTicketsPerSenderPerHour?: number | null;
}

export interface IngestPolicy {
  /** Our mail domain: the domain of our Message-IDs and of every inbound address. */
  mailDomain: string;
  replyKey: Buffer;
  /** The tenant admin released a quarantined message: the spam verdict no longer holds it. */
  releaseQuarantine: boolean;
  /** The tenant admin released a held message: the limits no longer hold it. */
  releaseHold?: boolean;
  /** What the message proved about its sender (SPF, DKIM, DMARC); absent or null: no verdict. */
  senderVerdict?: SenderVerdict | null;
}

/** What the facts of one message for one tenant are looked up by; each null or empty asks nothing. */
export interface IngestQuestions {
  messageKey: string;
  /** `threadingMessageIds`, normalised as stored, strongest first. */
  referencedIds: string[];
  /** The ticket a verified reply token names. */
  replyTokenTicketId: number | null;
  subjectTagNumber: number | null;
  sender: string | null;
  /** The sender's address without +tag, when it is on our mail domain (only there can it be one of our inbound addresses). */
  senderOnMailDomain: string | null;
  /** The Message-ID (as stored) of the message a bounce returns. */
  bouncedMessageId: string | null;
  /** The UTC day whose received messages count against the daily limit, when there is one. */
  quotaDay: string | null;
  /** The sender whose acknowledgement history matters, when acknowledgements are on. */
  acknowledgementRecipient: string | null;
  /** Whether the tenant's stored bytes matter (it has a storage limit). */
  storageLimited?: boolean;
  /** The sender whose new tickets of the last hour matter (the flood throttle is on). */
  throttledSender?: string | null;
}

/** The answers, gathered for one message and one tenant in one repository call. */
export interface IngestFacts {
  /** The tenant's copy of this very message (same fingerprint). */
  duplicate: { ticketMessageId: number; ticketId: number; ticketNumber: number } | null;
  /** Tickets holding one of the referenced Message-IDs, in the order of `referencedIds`. */
  referencedTicketIds: number[];
  /** The reply token's ticket, when it exists. */
  replyTokenTicketId: number | null;
  /** The ticket of the subject tag, when it exists, and whether the sender is its requester or wrote to it before. */
  subjectTagTicket: { id: number; senderTakesPart: boolean } | null;
  senderIsOurAddress: boolean;
  messagesReceivedToday: number;
  senderLastMailWasAutoReply: boolean;
  acknowledgementsToSenderLastHour: number;
  /** Our outbound message the bounce returns. */
  bouncedOutbound: { ticketMessageId: number; ticketId: number } | null;
  /** The tenant's stored bytes, when `storageLimited`. */
  bytesStored?: number;
  /** New tickets `throttledSender` opened in the last hour. */
  newTicketsFromSenderLastHour?: number;
}

export type IngestDecision =
  | { outcome: 'rejected' | 'ignored' | 'quarantined' | 'held'; reason: string }
  | { outcome: 'duplicate'; reason: string; copy: NonNullable<IngestFacts['duplicate']> }
  | FileDecision;

/** A message to file: on a new ticket or one more on an existing one. */
export interface FileDecision {
  outcome: 'created' | 'appended';
  reason: string;
  thread: ThreadDecision;
  isAutoReply: boolean;
  isBounce: boolean;
  /** A message on an existing ticket reopens it, unless a machine wrote it. */
  reopen: boolean;
  acknowledge: boolean;
  /** Our outbound message the bounce marks as failed, with the detail to store. */
  failsOutbound: { ticketMessageId: number; detail: string } | null;
}

/** What to look up for one message and one tenant (the token is verified here, before any lookup). */
export function ingestQuestions(parsed: ParsedMessage, route: IngestRoute, policy: IngestPolicy, now: Date): IngestQuestions {
  const sender = senderOf(parsed);
  const bounce = detectBounce(parsed);
  return {
    messageKey: messageFingerprint(parsed),
    referencedIds: threadingMessageIds(parsed).map(normaliseMessageIdForStorage),
    replyTokenTicketId: route.tag ? (verifyReplyToken(route.tag, route.tenantId, policy.replyKey)?.ticketId ?? null) : null,
    subjectTagNumber: subjectTicketNumber(parsed.subject),
    sender,
    senderOnMailDomain: sender?.endsWith(`@${policy.mailDomain}`) ? splitPlusAddress(sender).base : null,
    bouncedMessageId: bounce?.originalMessageId ? normaliseMessageIdForStorage(bounce.originalMessageId) : null,
    quotaDay: route.dailyMessageLimit === null ? null : now.toISOString().slice(0, 10),
    acknowledgementRecipient: route.acknowledgementsEnabled ? sender : null,
    storageLimited: route.storageLimitBytes != null,
    throttledSender: route.newTicketsPerSenderPerHour != null ? sender : null,
  };
}

/**
 * design.md "Loops, auto-replies, bounces", "Threading" and the tier limits, in order: a
 * disabled tenant, a loop, spam, a duplicate; then the thread (a bounce's own message overrides
 * it), where a machine's mail that belongs to no ticket is dropped; then the limits, which hold
 * new tickets only (limit-policy.ts).
 */
export function decideIngest(parsed: ParsedMessage, route: IngestRoute, facts: IngestFacts, policy: Omit<IngestPolicy, 'replyKey'>): IngestDecision {
  const sender = senderOf(parsed);
  if (route.status !== 'active') return { outcome: 'rejected', reason: 'tenant is disabled' };
  const ours: OurIdentity = { ourMessageIdDomain: policy.mailDomain, ourAddresses: (address) => address === route.inboundAddress };
  if (isLoop(parsed, ours) || facts.senderIsOurAddress) {
    return { outcome: 'ignored', reason: 'mail loop: the message comes from one of our own addresses' };
  }
  const spam = spamVerdict(parsed.headers);
  if (spam.isSpam && !policy.releaseQuarantine) return { outcome: 'quarantined', reason: `spam verdict: ${spam.reason}` };
  if (facts.duplicate) return { outcome: 'duplicate', reason: 'this message was already filed', copy: facts.duplicate };

  const bounce = detectBounce(parsed);
  const autoReply = !bounce && autoReplySignalOf(parsed, ours) !== null;
  const bounced = bounce ? facts.bouncedOutbound : null;
  const authentication = senderAuthenticationRule(policy.senderVerdict ?? null);
  const thread: ThreadDecision = bounced
    ? { kind: 'existing', ticketId: bounced.ticketId, by: 'references' }
    : withoutForgedSubjectTag(
        resolveThread({
          replyTokenTicketId: facts.replyTokenTicketId,
          referencedTicketIds: facts.referencedTicketIds,
          subjectTagNumber: subjectTicketNumber(parsed.subject),
          subjectTagTicket: facts.subjectTagTicket,
        }),
        authentication,
      );
  if (bounce && thread.kind === 'new') return { outcome: 'ignored', reason: 'bounce for a message that is not ours' };
  if (autoReply && thread.kind === 'new') return { outcome: 'ignored', reason: 'auto-reply that belongs to no ticket' };

  const held = thread.kind === 'new' && !policy.releaseHold ? newTicketHoldReason(route, facts, sender) : null;
  if (held) return { outcome: 'held', reason: held };

  const acknowledge =
    thread.kind === 'new' &&
    authentication.acknowledges &&
    acknowledgementDecision({
      enabled: route.acknowledgementsEnabled,
      sender,
      isAutoReply: autoReply,
      isBounce: bounce !== null,
      isMailingList: isMailingList(parsed.headers) || isBulkMail(parsed.headers),
      asksForNoAutoResponse: suppressesAutoResponses(parsed.headers),
      isOurAddress: facts.senderIsOurAddress,
      senderLastMailWasAutoReply: facts.senderLastMailWasAutoReply,
      acknowledgementsToSenderLastHour: facts.acknowledgementsToSenderLastHour,
    }).send;
  return {
    outcome: thread.kind === 'new' ? 'created' : 'appended',
    reason: thread.kind === 'existing' ? `${bounce ? 'bounce' : autoReply ? 'auto-reply' : 'reply'} threaded by ${thread.by}` : 'new ticket',
    thread,
    isAutoReply: autoReply,
    isBounce: bounce !== null,
    reopen: thread.kind === 'existing' && !autoReply && !bounce,
    acknowledge,
    failsOutbound:
      bounce && bounced ? { ticketMessageId: bounced.ticketMessageId, detail: `bounced: ${[bounce.status, bounce.diagnostic].filter(Boolean).join(' ')}` } : null,
  };
}

function senderOf(parsed: ParsedMessage): string | null {
  return parsed.from?.address?.toLowerCase() || null;
}
