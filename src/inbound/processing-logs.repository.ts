import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
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
    const qb = this.logs.createQueryBuilder('l').where('l.tenant_id = :tenantId', { tenantId });
    if (filter.outcome) qb.andWhere('l.outcome = :status', { status: filter.outcome });
    if (filter.source) qb.andWhere('l.source = :source', { source: filter.source });
    if (filter.from) qb.andWhere('l.created_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('l.created_at <= :to', { to: filter.to });
    const [rows, total] = await qb.orderBy('l.id', 'DESC').skip((filter.page - 1) * filter.perPage).take(filter.perPage).getManyAndCount();
    return { rows, total };
  }

  /** Failed and not yet reprocessed, newest first. */
  unresolvedFailures(tenantId: TenantId, limit: number): Promise<EmailProcessingLog[]> {
    return this.logs.find({ where: { tenantId, outcome: 'failed', resolvedAt: IsNull() }, order: { id: 'DESC' }, take: limit });
  }

  find(tenantId: TenantId, logId: number): Promise<EmailProcessingLog | null> {
    return this.logs.findOneBy({ tenantId, id: logId });
  }

  async markResolved(tenantId: TenantId, logId: number, at: Date): Promise<void> {
    await this.logs.update({ tenantId, id: logId }, { resolvedAt: at });
  }
}
