import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { RawMessageStore } from '../storage/storage.module';
import { EmailProcessingLog } from './email-processing-log.entity';
import { IngestService } from './ingest.service';
import { ListProcessingLogsQuery } from './processing-logs.dto';

export type ProcessingLogView = ReturnType<typeof toLogView>;

@Injectable()
export class ProcessingLogsService {
  constructor(
    @InjectRepository(EmailProcessingLog) private readonly logs: Repository<EmailProcessingLog>,
    private readonly ingest: IngestService,
    private readonly rawStore: RawMessageStore,
  ) {}

  async list(tenantId: number, query: ListProcessingLogsQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 50;
    const qb = this.logs.createQueryBuilder('l').where('l.tenant_id = :tenantId', { tenantId });
    if (query.status) qb.andWhere('l.outcome = :status', { status: query.status });
    if (query.source) qb.andWhere('l.source = :source', { source: query.source });
    if (query.from) qb.andWhere('l.created_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('l.created_at <= :to', { to: new Date(query.to) });
    const [rows, total] = await qb.orderBy('l.id', 'DESC').skip((page - 1) * perPage).take(perPage).getManyAndCount();
    return { data: rows.map(toLogView), total, page, per_page: perPage };
  }

  async failed(tenantId: number) {
    const rows = await this.logs.find({ where: { tenantId, outcome: 'failed', resolvedAt: IsNull() }, order: { id: 'DESC' }, take: 500 });
    return { data: rows.map(toLogView), total: rows.length };
  }

  /** Runs a failed message (or releases a quarantined one) through the pipeline again, for this tenant only. */
  async reprocess(tenantId: number, logId: number) {
    const log = await this.logs.findOneBy({ tenantId, id: logId });
    if (!log) throw DomainError.notFound('Processing log entry');
    if (log.outcome !== 'failed' && log.outcome !== 'quarantined') {
      throw new DomainError('conflict', `Only failed or quarantined messages can be reprocessed; this one was ${log.outcome}`);
    }
    if (log.resolvedAt) throw new DomainError('conflict', 'This message was already reprocessed');
    const raw = log.rawSha256 ? await this.rawStore.get({ sha256: log.rawSha256, location: log.rawLocation }) : null;
    if (!raw) throw new DomainError('conflict', 'The raw message is no longer stored');
    const report = await this.ingest.ingest(raw, { source: 'reprocess', ref: `log ${log.id}` }, {
      onlyTenantId: tenantId,
      releaseQuarantine: log.outcome === 'quarantined',
    });
    const result = report.results[0];
    if (result.outcome !== 'failed') await this.logs.update({ tenantId, id: log.id }, { resolvedAt: new Date() });
    return { outcome: result.outcome, ticket_id: result.ticketId, ticket_number: result.ticketNumber, log_id: result.logId, reason: result.reason };
  }
}

export function toLogView(l: EmailProcessingLog) {
  return {
    id: l.id,
    tenant_id: l.tenantId,
    source: l.source,
    source_ref: l.sourceRef,
    outcome: l.outcome,
    reason: l.reason,
    error: l.error,
    message_id: l.messageId,
    from: l.fromAddress,
    to: l.toAddresses,
    subject: l.subject,
    ticket_id: l.ticketId,
    ticket_message_id: l.ticketMessageId,
    size_bytes: l.sizeBytes,
    duration_ms: l.durationMs,
    resolved_at: l.resolvedAt,
    created_at: l.createdAt,
  };
}
