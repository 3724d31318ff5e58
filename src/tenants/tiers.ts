export const TIERS = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/** -1 means unlimited, as in the multi-tenancy guide. */
export const UNLIMITED = -1;

export interface TierLimits {
  max_users: number;
  max_domains: number;
  max_storage_gb: number;
  max_messages_per_day: number;
}

export interface TierFeatures {
  custom_smtp: boolean;
  auto_acknowledgement: boolean;
  custom_domains: boolean;
  imap_and_maildir: boolean;
  api_access: boolean;
  priority_support: boolean;
}

const LIMITS: Record<Tier, TierLimits> = {
  free: { max_users: 5, max_domains: 1, max_storage_gb: 1, max_messages_per_day: 100 },
  starter: { max_users: 25, max_domains: 3, max_storage_gb: 10, max_messages_per_day: 1_000 },
  professional: { max_users: 100, max_domains: 10, max_storage_gb: 100, max_messages_per_day: 10_000 },
  enterprise: { max_users: UNLIMITED, max_domains: UNLIMITED, max_storage_gb: UNLIMITED, max_messages_per_day: UNLIMITED },
};

const FEATURES: Record<Tier, TierFeatures> = {
  free: { custom_smtp: true, auto_acknowledgement: false, custom_domains: true, imap_and_maildir: true, api_access: true, priority_support: false },
  starter: { custom_smtp: true, auto_acknowledgement: true, custom_domains: true, imap_and_maildir: true, api_access: true, priority_support: false },
  professional: { custom_smtp: true, auto_acknowledgement: true, custom_domains: true, imap_and_maildir: true, api_access: true, priority_support: true },
  enterprise: { custom_smtp: true, auto_acknowledgement: true, custom_domains: true, imap_and_maildir: true, api_access: true, priority_support: true },
};

export function tierLimits(tier: Tier): TierLimits {
  return { ...LIMITS[tier] };
}

export function tierFeatures(tier: Tier): TierFeatures {
  return { ...FEATURES[tier] };
}

/** True when one more item keeps `current + 1` within `limit`. */
export function withinLimit(current: number, limit: number): boolean {
  return limit === UNLIMITED || current < limit;
}

export function usagePercent(current: number, limit: number): number | null {
  if (limit === UNLIMITED) return null;
  if (limit === 0) return 100;
  return Math.round((current / limit) * 1000) / 10;
}
