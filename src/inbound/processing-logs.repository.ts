import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository, SelectQueryBuilder } from 'typeorm';
import { sqlTime } from '../database/batch-sql';
import { TenantId } from '../common/tenant-id';
import { EmailProcessingLog, IngestOutcome, IngestSource } from './email-processing-log.entity';

interface LogFilter {
  outcome?: IngestOutcome;
  source?: IngestSource;
  from?: Date;
  to?: Date;
  page: number;
  perPage: number;
}

/** Reads of a tenant's processing log; the ingest pipeline writes it. */
@Injectable()
export class ProcessingLogsRepository {
  constructor(@InjectRepository(EmailProcessingLog) private readonly logs: Repository<EmailProcessingLog>) {}

  async page(tenantId: TenantId, filter: LogFilter): Promise<{ rows: EmailProcessingLog[]; total: number }> {
    return this.pageOf(this.logs.createQueryBuilder('l').where('l.tenant_id = :tenantId', { tenantId }), filter);
  }

  /** The operator's view across tenants; `tenant` null: unrouted mail only. */
  async pageAcrossTenants(filter: LogFilter & { tenant?: number | null }): Promise<{ rows: EmailProcessingLog[]; total: number }> {
    const qb = this.logs.createQueryBuilder('l').where('1 = 1');
    if (filter.tenant === null) qb.andWhere('l.tenant_id IS NULL');
    else if (filter.tenant !== undefined) qb.andWhere('l.tenant_id = :tenantId', { tenantId: filter.tenant });
    return this.pageOf(qb, filter);
  }

  /** For the operator only (the platform admin sees every tenant's log). */
  findForOperator(logId: number): Promise<EmailProcessingLog | null> {
    return this.logs.findOneBy({ id: logId });
  }

  async markResolvedForOperator(logId: number, at: Date): Promise<void> {
    await this.logs.update({ id: logId }, { resolvedAt: at });
  }

  /** Held messages waiting since before `before`, oldest first, across tenants: the release job's work. */
  heldBefore(before: Date, limit: number): Promise<EmailProcessingLog[]> {
    const mysql = this.logs.manager.connection.options.type === 'mysql';
    return this.logs
      .createQueryBuilder('l')
      .where("l.outcome = 'held' AND l.resolved_at IS NULL AND l.created_at < :before", { before: sqlTime(mysql, before) })
      .orderBy('l.id', 'ASC')
      .take(limit)
      .getMany();
  }

  private async pageOf(qb: SelectQueryBuilder<EmailProcessingLog>, filter: LogFilter): Promise<{ rows: EmailProcessingLog[]; total: number }> {
    if (filter.outcome) qb.andWhere('l.outcome = :status', { status: filter.outcome });
    if (filter.source) qb.andWhere('l.source = :source', { source: filter.source });
    if (filter.from) qb.andWhere('l.created_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('l.created_at <= :to', { to: filter.to });
    const [rows, total] = await qb.orderBy('l.id', 'DESC').skip((filter.page - 1) * filter.perPage).take(filter.perPage).getManyAndCount();
    return { rows, total };
  }

  /** Failed (and held) and not yet reprocessed, newest first. */
  unresolvedFailures(tenantId: TenantId, limit: number): Promise<EmailProcessingLog[]> {
    return this.logs.find({ where: [{ tenantId, outcome: 'failed', resolvedAt: IsNull() }, { tenantId, outcome: 'held', resolvedAt: IsNull() }], order: { id: 'DESC' }, take: limit });
  }

  find(tenantId: TenantId, logId: number): Promise<EmailProcessingLog | null> {
    return this.logs.findOneBy({ tenantId, id: logId });
  }

  async markResolved(tenantId: TenantId, logId: number, at: Date): Promise<void> {
    await this.logs.update({ tenantId, id: logId }, { resolvedAt: at });
  }
}
