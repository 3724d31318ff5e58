/** At most this many automatic acknowledgements to one sender per sliding hour. */
export const ACKNOWLEDGEMENTS_PER_SENDER_PER_HOUR = 3;

const NEVER_ACKNOWLEDGE = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?)([+@.-]|$)/i;

export interface AcknowledgementContext {
  enabled: boolean;
  sender: string | null;
  isAutoReply: boolean;
  isBounce: boolean;
  isMailingList: boolean;
  /** X-Auto-Response-Suppress: All, AutoReply or OOF (optional: absent is false). */
  asksForNoAutoResponse?: boolean;
  isOurAddress: boolean;
  senderLastMailWasAutoReply: boolean;
  acknowledgementsToSenderLastHour: number;
}

export type AcknowledgementDecision = { send: true } | { send: false; reason: string };

/** design.md "Loops, auto-replies, bounces": who never gets an automatic acknowledgement. */
export function acknowledgementDecision(ctx: AcknowledgementContext): AcknowledgementDecision {
  if (!ctx.enabled) return { send: false, reason: 'auto-acknowledgement is off' };
  if (!ctx.sender) return { send: false, reason: 'no sender address' };
  if (ctx.isAutoReply) return { send: false, reason: 'message is an auto-reply' };
  if (ctx.isBounce) return { send: false, reason: 'message is a bounce' };
  if (ctx.isMailingList) return { send: false, reason: 'message comes from a mailing list' };
  if (ctx.asksForNoAutoResponse) return { send: false, reason: 'the sender asked for no automatic responses (X-Auto-Response-Suppress)' };
  if (ctx.isOurAddress) return { send: false, reason: 'sender is one of our own addresses' };
  if (NEVER_ACKNOWLEDGE.test(ctx.sender.split('@')[0] ?? '')) return { send: false, reason: `sender ${ctx.sender} is a system address` };
  if (ctx.senderLastMailWasAutoReply) return { send: false, reason: "sender's last mail was an auto-reply" };
  if (ctx.acknowledgementsToSenderLastHour >= ACKNOWLEDGEMENTS_PER_SENDER_PER_HOUR) {
    return { send: false, reason: `already ${ctx.acknowledgementsToSenderLastHour} acknowledgements to this sender in the last hour` };
  }
  return { send: true };
}
