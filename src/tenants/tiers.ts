export const TIERS = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/** -1 means unlimited, as in the multi-tenancy guide. */
export const UNLIMITED = -1;

/** The limits the guide names, as a tier sets them and a tenant may override them. */
export interface TierLimits {
  max_users: number;
  max_domains: number;
  max_storage_mb: number;
  max_messages_per_day: number;
}

export type LimitName = keyof TierLimits;
export const LIMIT_NAMES: readonly LimitName[] = ['max_users', 'max_domains', 'max_storage_mb', 'max_messages_per_day'];

/** A tenant's own values; null keeps the tier's. */
export type LimitOverrides = { [K in LimitName]: number | null };

/**
 * The guide's feature flags that this service enforces; the others it lists (virus scanning,
 * DKIM signing, mailing lists, webhooks, API access, priority support) are not features of a
 * helpdesk's inbound mail here and are left out rather than shown and never checked.
 * - spam_filtering: mail with a spam verdict is quarantined (every tier, as in the guide).
 * - custom_domains: the tenant may claim its own mail domains (professional and up, as in the guide).
 * - auto_acknowledgement: new tickets may be acknowledged to the customer (ours, starter and up).
 */
export interface TierFeatures {
  spam_filtering: boolean;
  custom_domains: boolean;
  auto_acknowledgement: boolean;
}

const LIMITS: Record<Tier, TierLimits> = {
  free: { max_users: 5, max_domains: 1, max_storage_mb: 1_024, max_messages_per_day: 100 },
  starter: { max_users: 25, max_domains: 3, max_storage_mb: 10_240, max_messages_per_day: 1_000 },
  professional: { max_users: 100, max_domains: 10, max_storage_mb: 102_400, max_messages_per_day: 10_000 },
  enterprise: { max_users: UNLIMITED, max_domains: UNLIMITED, max_storage_mb: UNLIMITED, max_messages_per_day: UNLIMITED },
};

const FEATURES: Record<Tier, TierFeatures> = {
  free: { spam_filtering: true, custom_domains: false, auto_acknowledgement: false },
  starter: { spam_filtering: true, custom_domains: false, auto_acknowledgement: true },
  professional: { spam_filtering: true, custom_domains: true, auto_acknowledgement: true },
  enterprise: { spam_filtering: true, custom_domains: true, auto_acknowledgement: true },
};

export const NO_OVERRIDES: LimitOverrides = { max_users: null, max_domains: null, max_storage_mb: null, max_messages_per_day: null };

/** The tier's limits with the tenant's overrides applied. */
export function tierLimits(tier: Tier, overrides: Partial<LimitOverrides> = NO_OVERRIDES): TierLimits {
  const limits = { ...LIMITS[tier] };
  for (const name of LIMIT_NAMES) {
    const own = overrides[name];
    if (own !== null && own !== undefined) limits[name] = own;
  }
  return limits;
}

export function tierFeatures(tier: Tier): TierFeatures {
  return { ...FEATURES[tier] };
}

/** True when one more item keeps `current + 1` within `limit`. */
export function withinLimit(current: number, limit: number): boolean {
  return limit === UNLIMITED || current < limit;
}

/** The limit, or null when unlimited. */
export function finiteLimit(limit: number): number | null {
  return limit === UNLIMITED ? null : limit;
}

export function usagePercent(current: number, limit: number): number | null {
  if (limit === UNLIMITED) return null;
  if (limit === 0) return 100;
  return Math.round((current / limit) * 1000) / 10;
}
