/**
 * The tenant's limits, as they apply to one message that would open a new ticket. Replies to
 * existing tickets are never limited: the limits exist to stop a tenant's new work from growing
 * without bound, not to cut a running conversation. Mail over a limit is never lost: it is
 * `held` (kept, visible in the processing log, released when the limit allows or by the admin).
 */
export interface NewTicketLimits {
  tier: string;
  /** Messages per UTC day; null when unlimited. */
  dailyMessageLimit: number | null;
  /** Bytes of stored mail; null when unlimited. */
  storageLimitBytes?: number | null;
  /** New tickets one sender may open per hour; null when there is no throttle. */
  newTicketsPerSenderPerHour?: number | null;
}

export interface LimitUsage {
  messagesReceivedToday: number;
  bytesStored?: number;
  /** New tickets this sender opened in the last hour. */
  newTicketsFromSenderLastHour?: number;
}

const MB = 1024 * 1024;

/** Why a new ticket's mail is held, or null when it may be filed. Storage first: it does not pass with the day. */
export function newTicketHoldReason(limits: NewTicketLimits, usage: LimitUsage, sender: string | null): string | null {
  if (limits.storageLimitBytes != null && (usage.bytesStored ?? 0) >= limits.storageLimitBytes) {
    return `held: the ${limits.tier} tier's storage of ${Math.round(limits.storageLimitBytes / MB)} MB is used up`;
  }
  if (limits.dailyMessageLimit !== null && usage.messagesReceivedToday >= limits.dailyMessageLimit) {
    return `held: over the ${limits.tier} tier's ${limits.dailyMessageLimit} messages per day; released when the day rolls over`;
  }
  if (sender && limits.newTicketsPerSenderPerHour != null && (usage.newTicketsFromSenderLastHour ?? 0) >= limits.newTicketsPerSenderPerHour) {
    return `held: ${sender} opened ${limits.newTicketsPerSenderPerHour} tickets in the last hour; released an hour later`;
  }
  return null;
}

/** Which limit a hold reason of newTicketHoldReason names, for the limit-hits metric. */
export function heldLimitOf(reason: string | null): 'storage' | 'daily_messages' | 'sender_throttle' | null {
  if (!reason?.startsWith('held: ')) return null;
  if (reason.includes('storage of')) return 'storage';
  if (reason.includes('messages per day')) return 'daily_messages';
  return reason.includes('tickets in the last hour') ? 'sender_throttle' : null;
}

/** The thresholds at which a tenant admin is told (percent of a limit). */
export const LIMIT_WARNING_THRESHOLDS = [80, 100] as const;

/** The highest threshold `used` of `limit` has reached, or null (also for an unlimited limit). */
export function reachedThreshold(used: number, limit: number | null): (typeof LIMIT_WARNING_THRESHOLDS)[number] | null {
  if (limit === null || limit < 0) return null;
  const percent = limit === 0 ? 100 : (used / limit) * 100;
  return [...LIMIT_WARNING_THRESHOLDS].reverse().find((t) => percent >= t) ?? null;
}
