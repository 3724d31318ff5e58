import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MetricsRegistry } from '../health/metrics.registry';
import { LIMIT_WARNING_THRESHOLDS } from '../mail/limit-policy';
import { limitOverrides } from './tenant.entity';
import { limitWarnings } from './tenant-usage-report';
import { LIMIT_NAMES, tierLimits } from './tiers';
import { TenantsRepository } from './tenants.repository';

const MB = 1024 * 1024;
const HELP = 'Active tenants at or above 80% or at 100% of a limit';

/**
 * `inbound_tenants_at_limit{limit, threshold}` at each scrape, and a warning in the log the first
 * time (per instance and UTC day) a tenant reaches 80% and 100% of a limit. Tenant admins see the
 * same warnings in the usage report and on "Team & usage", and get an e-mail (src/notices).
 */
@Injectable()
export class TenantLimitMetrics implements OnModuleInit {
  private readonly logger = new Logger(TenantLimitMetrics.name);
  private told = { day: '', keys: new Set<string>() };

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly metrics: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(() => this.collect(new Date()));
  }

  async collect(now: Date): Promise<void> {
    const day = now.toISOString().slice(0, 10);
    const standings = await this.tenants.limitStanding(day).catch(() => null);
    if (!standings) {
      for (const limit of LIMIT_NAMES) for (const threshold of LIMIT_WARNING_THRESHOLDS) this.metrics.unset('inbound_tenants_at_limit', { limit, threshold: String(threshold) });
      return;
    }
    if (this.told.day !== day) this.told = { day, keys: new Set() };
    const counts = new Map<string, number>();
    for (const s of standings) {
      const used = { max_users: s.users, max_domains: s.domains, max_storage_mb: s.bytesStored / MB, max_messages_per_day: s.messagesToday };
      for (const w of limitWarnings(used, tierLimits(s.tenant.tier, limitOverrides(s.tenant)))) {
        for (const threshold of LIMIT_WARNING_THRESHOLDS.filter((t) => t <= w.threshold)) counts.set(`${w.limit}/${threshold}`, (counts.get(`${w.limit}/${threshold}`) ?? 0) + 1);
        const key = `${s.tenant.id}/${w.limit}/${w.threshold}`;
        if (!this.told.keys.has(key)) {
          this.told.keys.add(key);
          this.logger.warn(`tenant ${s.tenant.id} is at ${w.threshold}% of ${w.limit} (${Math.round(w.used * 10) / 10} of ${w.max})`);
        }
      }
    }
    for (const limit of LIMIT_NAMES) {
      for (const threshold of LIMIT_WARNING_THRESHOLDS) {
        this.metrics.set('inbound_tenants_at_limit', HELP, { limit, threshold: String(threshold) }, counts.get(`${limit}/${threshold}`) ?? 0);
      }
    }
  }
}
