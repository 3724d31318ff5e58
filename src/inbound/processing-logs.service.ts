import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { RawMessageStore } from '../storage/storage.module';
import { EmailProcessingLog } from './email-processing-log.entity';
import { IngestService } from './ingest.service';
import { ListProcessingLogsQuery } from './processing-logs.dto';
import { ProcessingLogsRepository } from './processing-logs.repository';

@Injectable()
export class ProcessingLogsService {
  constructor(
    private readonly logs: ProcessingLogsRepository,
    private readonly ingest: IngestService,
    private readonly rawStore: RawMessageStore,
  ) {}

  async list(tenantId: TenantId, query: ListProcessingLogsQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 50;
    const { rows, total } = await this.logs.page(tenantId, {
      outcome: query.status,
      source: query.source,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      page,
      perPage,
    });
    return { data: rows.map(toLogView), total, page, per_page: perPage };
  }

  async failed(tenantId: TenantId) {
    const rows = await this.logs.unresolvedFailures(tenantId, 500);
    return { data: rows.map(toLogView), total: rows.length };
  }

  /** Runs a failed message (or releases a quarantined one) through the pipeline again, for this tenant only. */
  async reprocess(tenantId: TenantId, logId: number) {
    const log = await this.logs.find(tenantId, logId);
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
    if (result.outcome !== 'failed') await this.logs.markResolved(tenantId, log.id, new Date());
    return { outcome: result.outcome, ticket_id: result.ticketId, ticket_number: result.ticketNumber, log_id: result.logId, reason: result.reason };
  }
}

function toLogView(l: EmailProcessingLog) {
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
