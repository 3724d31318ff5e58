import { Injectable } from '@nestjs/common';
import { TenantId } from '../common/tenant-id';
import { reachedThreshold } from '../mail/limit-policy';
import { limitOverrides, Tenant } from './tenant.entity';
import { TenantDomainsRepository } from './tenant-domains.repository';
import { TenantUsageRepository } from './tenant-usage.repository';
import { finiteLimit, LimitName, tierFeatures, tierLimits, usagePercent } from './tiers';
import { UsersRepository } from './users.repository';

const MB = 1024 * 1024;
const GB = 1024 * MB;

export interface LimitWarning {
  limit: LimitName;
  /** 80: nearing the limit; 100: reached (new tickets are held, users and domains refused). */
  threshold: 80 | 100;
  used: number;
  max: number;
}

/**
 * The guide's usage shape (`usage.storage_mb`, `limits.max_*`) with today's fields beside it,
 * and the limits at or above 80% as `warnings`: what the tenant admin is told.
 */
@Injectable()
export class TenantUsageReport {
  constructor(
    private readonly domains: TenantDomainsRepository,
    private readonly usage: TenantUsageRepository,
    private readonly users: UsersRepository,
  ) {}

  async report(tenant: Tenant) {
    const tenantId = tenant.id as TenantId;
    const limits = tierLimits(tenant.tier, limitOverrides(tenant));
    const today = new Date().toISOString().slice(0, 10);
    const [users, domains, totals, todayRow] = await Promise.all([
      this.users.count(tenantId),
      this.domains.count(tenantId),
      this.usage.totals(tenantId),
      this.usage.onDay(tenantId, today),
    ]);
    const storageMb = Math.round((totals.bytesStored / MB) * 1000) / 1000;
    const messagesToday = todayRow?.messagesIn ?? 0;
    const used: Record<LimitName, number> = { max_users: users, max_domains: domains, max_storage_mb: storageMb, max_messages_per_day: messagesToday };
    return {
      tenant_id: tenant.id,
      tier: tenant.tier,
      usage: {
        users,
        domains,
        storage_mb: storageMb,
        messages_today: messagesToday,
        storage_bytes: totals.bytesStored,
        storage_gb: Math.round((totals.bytesStored / GB) * 1000) / 1000,
        messages_in_total: totals.messagesIn,
        messages_out_total: totals.messagesOut,
      },
      limits,
      percentages: {
        users: usagePercent(users, limits.max_users),
        domains: usagePercent(domains, limits.max_domains),
        storage: usagePercent(storageMb, limits.max_storage_mb),
        messages_today: usagePercent(messagesToday, limits.max_messages_per_day),
      },
      warnings: limitWarnings(used, limits),
      features: tierFeatures(tenant.tier),
    };
  }
}

export function limitWarnings(used: Record<LimitName, number>, limits: Record<LimitName, number>): LimitWarning[] {
  return (Object.keys(used) as LimitName[]).flatMap((limit) => {
    const max = finiteLimit(limits[limit]);
    const threshold = reachedThreshold(used[limit], max);
    return threshold === null || max === null ? [] : [{ limit, threshold, used: used[limit], max }];
  });
}
