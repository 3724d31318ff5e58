import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { asTenantId, TenantId } from '../common/tenant-id';
import { RawMessageStore } from '../storage/storage.module';
import { EmailProcessingLog, IngestOutcome } from './email-processing-log.entity';
import { IngestService } from './ingest.service';
import { ListProcessingLogsQuery, OperatorLogsQuery } from './processing-logs.dto';
import { IngestRoutesRepository } from './ingest-routes.repository';
import { ProcessingLogsRepository } from './processing-logs.repository';
import { rawHeaderLines } from './readable-headers';

/** What can be run through the pipeline again: everything that was not filed. */
const REPROCESSABLE: readonly IngestOutcome[] = ['failed', 'quarantined', 'held', 'rejected', 'ignored'];

interface ReprocessOptions {
  /** The admin released it: a held message is filed over the limits (the release job leaves them on). */
  releaseHold?: boolean;
  /** The operator assigns an unrouted message to this tenant. */
  assignTenantId?: TenantId;
}

@Injectable()
export class ProcessingLogsService {
  constructor(
    private readonly logs: ProcessingLogsRepository,
    private readonly ingest: IngestService,
    private readonly rawStore: RawMessageStore,
    private readonly routes: IngestRoutesRepository,
  ) {}

  async list(tenantId: TenantId, query: ListProcessingLogsQuery) {
    const { page, perPage, filter } = pageFilter(query);
    const { rows, total } = await this.logs.page(tenantId, filter);
    return { data: rows.map(toLogView), total, page, per_page: perPage };
  }

  /** The operator's log across tenants; `tenant_id=none` shows the mail no tenant's address matched. */
  async listAcrossTenants(query: OperatorLogsQuery) {
    const { page, perPage, filter } = pageFilter(query);
    const tenant = query.tenant_id === undefined ? undefined : query.tenant_id === 'none' ? null : Number(query.tenant_id);
    const { rows, total } = await this.logs.pageAcrossTenants({ ...filter, tenant });
    return { data: rows.map(toLogView), total, page, per_page: perPage };
  }

  async failed(tenantId: TenantId) {
    const rows = await this.logs.unresolvedFailures(tenantId, 500);
    return { data: rows.map(toLogView), total: rows.length };
  }

  /** Runs a message that was not filed through the pipeline again, for this tenant only (releases a quarantined or held one). */
  async reprocess(tenantId: TenantId, logId: number, options: ReprocessOptions = { releaseHold: true }) {
    const log = await this.logs.find(tenantId, logId);
    if (!log) throw DomainError.notFound('Processing log entry');
    return this.runAgain(log, tenantId, options);
  }

  /** The operator's reprocess: any tenant's row, or an unrouted one assigned to a tenant. */
  async reprocessAsOperator(logId: number, assignTo: number | undefined) {
    const log = await this.logs.findForOperator(logId);
    if (!log) throw DomainError.notFound('Processing log entry');
    const tenantId = assignTo ?? log.tenantId;
    if (tenantId === null) throw new DomainError('bad_request', 'tenant_id: this message reached no tenant; say which tenant to file it for');
    if (assignTo !== undefined && !(await this.routes.routeOfTenant(asTenantId(assignTo)))) throw new DomainError('unprocessable', `tenant_id: there is no tenant ${assignTo}`);
    return this.runAgain(log, asTenantId(tenantId), { releaseHold: true, assignTenantId: assignTo === undefined ? undefined : asTenantId(assignTo) });
  }

  /** The logged message's headers as they came, for the tenant admin judging it. */
  async headers(tenantId: TenantId, logId: number) {
    return { log_id: logId, headers: rawHeaderLines(await this.raw(tenantId, logId)) };
  }

  /** The logged message as it came, an .eml file. */
  async raw(tenantId: TenantId, logId: number): Promise<Buffer> {
    const log = await this.logs.find(tenantId, logId);
    if (!log) throw DomainError.notFound('Processing log entry');
    const raw = log.rawSha256 ? await this.rawStore.get({ sha256: log.rawSha256, location: log.rawLocation }) : null;
    if (!raw) throw DomainError.notFound('Stored message');
    return raw;
  }

  private async runAgain(log: EmailProcessingLog, tenantId: TenantId, options: ReprocessOptions) {
    if (!REPROCESSABLE.includes(log.outcome)) {
      throw new DomainError('conflict', `Only messages that were not filed (${REPROCESSABLE.join(', ')}) can be reprocessed; this one was ${log.outcome}`);
    }
    if (log.resolvedAt) throw new DomainError('conflict', 'This message was already reprocessed');
    const raw = log.rawSha256 ? await this.rawStore.get({ sha256: log.rawSha256, location: log.rawLocation }) : null;
    if (!raw) throw new DomainError('conflict', 'The raw message is no longer stored');
    const report = await this.ingest.ingest(raw, { source: 'reprocess', ref: `log ${log.id}` }, {
      onlyTenantId: options.assignTenantId === undefined ? tenantId : undefined,
      assignTenantId: options.assignTenantId,
      // A held message passed the spam check before the limits held it (or was released from quarantine).
      releaseQuarantine: log.outcome === 'quarantined' || log.outcome === 'held',
      releaseHold: log.outcome === 'held' && (options.releaseHold ?? false),
      retryOf: options.assignTenantId === undefined ? { logId: log.id, outcome: log.outcome } : undefined,
    });
    const result = report.results[0];
    if (!result) throw new DomainError('conflict', 'The message no longer reaches this tenant');
    // A new row tells the new outcome and the old one is done; the same outcome rewrote the old row.
    if (result.logId !== log.id) await this.logs.markResolvedForOperator(log.id, new Date());
    return { outcome: result.outcome, ticket_id: result.ticketId, ticket_number: result.ticketNumber, log_id: result.logId, reason: result.reason };
  }
}

function pageFilter(query: ListProcessingLogsQuery) {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? 50;
  const filter = {
    outcome: query.status,
    source: query.source,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    page,
    perPage,
  };
  return { page, perPage, filter };
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
