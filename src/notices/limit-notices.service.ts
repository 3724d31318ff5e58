import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { asTenantId } from '../common/tenant-id';
import { isUniqueViolation } from '../database/database-errors';
import { SystemMailService } from '../outbound/system-mail.service';
import { limitOverrides } from '../tenants/tenant.entity';
import { LimitWarning, limitWarnings } from '../tenants/tenant-usage-report';
import { tierLimits } from '../tenants/tiers';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersService } from '../tenants/users.service';
import { LimitNotice } from './limit-notice.entity';
import { limitNoticeMail, noticePeriod, ONGOING } from './limit-notice-policy';

const MB = 1024 * 1024;
const CHECK_EVERY_MS = 60_000;
export const LIMIT_NOTICES = 'limit-notices';

/**
 * E-mails a tenant's admins when it reaches 80 % and 100 % of a limit (the usage report and the
 * UI say the same meanwhile). Every instance checks each minute; the unique row per tenant,
 * limit, threshold and period makes exactly one send, once.
 */
@Injectable()
export class LimitNoticesService {
  private readonly logger = new Logger('LimitNotices');
  private running = false;

  constructor(
    @InjectRepository(LimitNotice) private readonly notices: Repository<LimitNotice>,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersService,
    private readonly mail: SystemMailService,
    private readonly config: AppConfig,
  ) {}

  @Interval(LIMIT_NOTICES, CHECK_EVERY_MS)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.sendDue(new Date());
    } catch (error) {
      this.logger.warn(`limit notices failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Returns how many notices were sent. */
  async sendDue(now: Date): Promise<number> {
    if (!this.mail.configured) return 0;
    const day = now.toISOString().slice(0, 10);
    const reached = new Set<string>();
    let sent = 0;
    for (const s of await this.tenants.limitStanding(day)) {
      const used = { max_users: s.users, max_domains: s.domains, max_storage_mb: s.bytesStored / MB, max_messages_per_day: s.messagesToday };
      for (const warning of limitWarnings(used, tierLimits(s.tenant.tier, limitOverrides(s.tenant)))) {
        const notice = { tenantId: s.tenant.id, limitName: warning.limit, threshold: warning.threshold, period: noticePeriod(warning.limit, day) };
        reached.add(keyOf(notice));
        if (!(await this.claim(notice, now))) continue;
        try {
          await this.tell(s.tenant.id, warning);
          sent += 1;
        } catch (error) {
          this.logger.warn(`could not tell tenant ${s.tenant.id} about ${warning.limit}: ${(error as Error).message}; trying again later`);
          await this.notices.delete(notice);
        }
      }
    }
    await this.rearm(reached, day);
    return sent;
  }

  private async claim(notice: Pick<LimitNotice, 'tenantId' | 'limitName' | 'threshold' | 'period'>, now: Date): Promise<boolean> {
    if (await this.notices.existsBy(notice)) return false;
    try {
      await this.notices.insert({ ...notice, notifiedAt: now });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  private async tell(tenantId: number, warning: LimitWarning): Promise<void> {
    const tenant = await this.tenants.find(asTenantId(tenantId));
    const admins = await this.users.adminAddresses(asTenantId(tenantId));
    if (!tenant || admins.length === 0) return;
    const { subject, text } = limitNoticeMail(tenant.name, warning, this.config.accounts.publicUrl);
    await this.mail.send({ to: admins.join(', '), subject, text });
    this.logger.log(`told ${admins.length} admin(s) of tenant ${tenantId}: ${subject}`);
  }

  /** A limit left behind (people removed, storage freed) is told again the next time; past days' rows go. */
  private async rearm(reached: Set<string>, day: string): Promise<void> {
    const ongoing = await this.notices.findBy({ period: ONGOING });
    const left = ongoing.filter((n) => !reached.has(keyOf(n))).map((n) => n.id);
    if (left.length > 0) await this.notices.delete({ id: In(left) });
    // ISO days sort as text, and 'ongoing' sorts after every one of them.
    await this.notices.delete({ period: LessThan(day) });
  }
}

function keyOf(n: Pick<LimitNotice, 'tenantId' | 'limitName' | 'threshold' | 'period'>): string {
  return `${n.tenantId}/${n.limitName}/${n.threshold}/${n.period}`;
}
