import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { TenantId } from '../common/tenant-id';
import { RawMessageStore } from '../storage/blob-stores';
import { BlobReferencesRepository } from './blob-references.repository';
import { BlobSweeper, SweepReport } from './blob-sweeper';
import { RetentionPolicyDto } from './retention.dto';
import { KEEP_FOREVER, RetentionPolicy, RetentionRepository } from './retention.repository';

export interface RetentionRunReport {
  raw_messages_forgotten: number;
  processing_logs_deleted: number;
  closed_tickets_deleted: number;
  sweep: SweepReport;
}

const DAY_MS = 86_400_000;

@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private running: Promise<RetentionRunReport> | null = null;

  constructor(
    private readonly policies: RetentionRepository,
    private readonly sweeper: BlobSweeper,
    private readonly references: BlobReferencesRepository,
    private readonly rawStore: RawMessageStore,
  ) {}

  async policy(tenantId: TenantId): Promise<RetentionPolicy> {
    return (await this.policies.policy(tenantId)) ?? KEEP_FOREVER;
  }

  async setPolicy(tenantId: TenantId, dto: RetentionPolicyDto): Promise<RetentionPolicy> {
    const current = await this.policy(tenantId);
    const next: RetentionPolicy = {
      raw_message_days: dto.raw_message_days === undefined ? current.raw_message_days : dto.raw_message_days,
      processing_log_days: dto.processing_log_days === undefined ? current.processing_log_days : dto.processing_log_days,
      closed_ticket_days: dto.closed_ticket_days === undefined ? current.closed_ticket_days : dto.closed_ticket_days,
    };
    await this.policies.setPolicy(tenantId, next, new Date());
    return next;
  }

  /** Every hour; with several instances on MySQL one runs it and the others skip that hour's run. */
  @Cron(CronExpression.EVERY_HOUR)
  async scheduledRun(): Promise<void> {
    try {
      const report = await this.policies.exclusively(() => this.run());
      if (report === null) this.logger.debug('retention run skipped: another instance is running it');
    } catch (error) {
      this.logger.error(`retention run failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }

  run(now = new Date()): Promise<RetentionRunReport> {
    this.running ??= this.runOnce(now).finally(() => (this.running = null));
    return this.running;
  }

  private async runOnce(now: Date): Promise<RetentionRunReport> {
    const report = { raw_messages_forgotten: 0, processing_logs_deleted: 0, closed_tickets_deleted: 0 };
    const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
    for (const { tenantId, policy } of await this.policies.tenantsWithPolicies()) {
      if (policy.closed_ticket_days) report.closed_tickets_deleted += await this.policies.deleteClosedTicketsBefore(tenantId, before(policy.closed_ticket_days));
      if (policy.raw_message_days) report.raw_messages_forgotten += await this.forgetRaw(tenantId, before(policy.raw_message_days));
      if (policy.processing_log_days) {
        // A log row holds its raw message's place: forget (and overwrite) it before the row goes.
        report.raw_messages_forgotten += await this.forgetRaw(tenantId, before(policy.processing_log_days));
        report.processing_logs_deleted += await this.policies.deleteLogsBefore(tenantId, before(policy.processing_log_days));
      }
    }
    // Also what deleted tenants and erasures left behind: their rows are gone, so no row names their blobs.
    const sweep = await this.sweeper.sweep({ now });
    return { ...report, sweep };
  }

  /**
   * A raw message inside a local segment file is overwritten at once (its place is its own, no
   * message in flight can be written there); one stored by content waits for the sweep, whose
   * grace keeps the same bytes arriving again meanwhile.
   */
  private async forgetRaw(tenantId: TenantId, cutoff: Date): Promise<number> {
    const forgotten = await this.policies.forgetRawBefore(tenantId, cutoff);
    for (const stored of forgotten) {
      if (stored.location !== null && !(await this.references.rawInUse(stored))) await this.rawStore.erasePlace(stored);
    }
    return forgotten.length;
  }
}
