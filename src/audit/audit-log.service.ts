import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { Principal } from '../auth/principal';
import { ListAuditLogQuery } from './audit-log.dto';
import { AuditEntry } from './audit-entry.entity';
import { AuditRepository } from './audit.repository';

export const AUDIT_RETENTION_SWEEP = 'audit-log-retention';
const DAY_MS = 86_400_000;

/** Reading the audit log (tenant admins their tenant, operators all), and forgetting entries past the retention. */
@Injectable()
export class AuditLogService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly entries: AuditRepository,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  async list(principal: Principal, query: ListAuditLogQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 50;
    const [rows, total] = await this.entries.page(
      {
        tenantId: principal.kind === 'tenant' ? principal.tenantId : (query.tenant_id ?? null),
        action: query.action,
        actorKind: query.actor_kind,
        actorId: query.actor_id,
        targetType: query.target_type,
        targetId: query.target_id,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      (page - 1) * perPage,
      perPage,
    );
    return { data: rows.map(toView), page, per_page: perPage, total };
  }

  async sweep(now = new Date()): Promise<number> {
    const removed = await this.entries.deleteOlderThan(new Date(now.getTime() - this.config.accounts.auditLogRetentionDays * DAY_MS));
    if (removed > 0) this.logger.log(`${removed} audit entries older than ${this.config.accounts.auditLogRetentionDays} days removed`);
    return removed;
  }

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.sweep().catch((error: Error) => this.logger.warn(`retention sweep failed: ${error.message}`)), DAY_MS / 4);
    timer.unref();
    this.scheduler.addInterval(AUDIT_RETENTION_SWEEP, timer);
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', AUDIT_RETENTION_SWEEP)) this.scheduler.deleteInterval(AUDIT_RETENTION_SWEEP);
  }
}

function toView(entry: AuditEntry) {
  return {
    id: entry.id,
    at: entry.createdAt,
    tenant_id: entry.tenantId,
    actor: { kind: entry.actorKind, id: entry.actorId, name: entry.actorName },
    action: entry.action,
    target: entry.targetType ? { type: entry.targetType, id: entry.targetId } : null,
    changes: entry.changes ? (JSON.parse(entry.changes) as unknown) : null,
    ip: entry.ip,
  };
}
