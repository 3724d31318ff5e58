import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { isDatabaseUnavailable, isUniqueViolation } from '../database/database-errors';
import { MetricsRegistry } from '../health/metrics.registry';
import { decideIngest, FileDecision, IngestFacts, IngestPolicy, IngestQuestions, IngestRoute, ingestQuestions } from '../mail/ingest-decision';
import { ParsedMessage, parseMessage } from '../mail/parse-message';
import { replyTokenKey } from '../mail/reply-token-key';
import { heldLimitOf } from '../mail/limit-policy';
import { AttachmentStore, RawMessageStore, StoredRaw } from '../storage/storage.module';
import { finiteLimit, tierFeatures, tierLimits } from '../tenants/tiers';
import { attachmentRow, deliveryDetail, describeRecipients, inboundMessageRow, LogFields, logRow, MessageInHand, newTicketRow, unparsedLogRow } from './inbound-rows';
import { InboundWriterRepository } from './inbound-writer.repository';
import { IngestFactsRepository } from './ingest-facts.repository';
import { IngestRoutesRepository } from './ingest-routes.repository';
import { IngestReport, IngestSourceRef, TenantIngestResult } from './ingest.types';
import { IngestLogRepository } from './ingest-log.repository';
import { SenderAuthenticationService } from './sender-authentication.service';
import { recipientsFromRawHeaders, RoutedTenant, routeToTenants } from './recipient-routing';
import { TenantId } from '../common/tenant-id';
import { IngestOutcome } from './email-processing-log.entity';
import { readableHeaders } from './readable-headers';

const PARSE_TIMEOUT_MS = 15_000;

export interface IngestOptions {
  /** Reprocess or release for this tenant only (a message to two tenants was already handled for the other). */
  onlyTenantId?: number;
  /** The tenant admin released a quarantined message: skip the spam verdict. */
  releaseQuarantine?: boolean;
  /** The admin released a held message: skip the limits. */
  releaseHold?: boolean;
  /** The operator assigned the (unrouted) message to this tenant: it is filed there whatever its recipients. */
  assignTenantId?: TenantId;
  /** Read from a mailbox this tenant connected itself: its mail is the tenant's, whatever its recipients. */
  sourceTenantId?: TenantId;
  /** The log row being reprocessed: when the message ends as it did then, that row is rewritten, not another added. */
  retryOf?: { logId: number; outcome: IngestOutcome };
}

/**
 * The one pipeline every source feeds: store raw -> parse -> route -> for each tenant: gather
 * the facts -> decide (decideIngest, pure) -> write (one group-committed transaction: ticket,
 * message, attachments, usage, acknowledgement, log row) or log -> report.
 * It throws only when the database is unavailable, so that the source keeps the message.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly replyKey: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly routes: IngestRoutesRepository,
    private readonly facts: IngestFactsRepository,
    private readonly writer: InboundWriterRepository,
    private readonly logs: IngestLogRepository,
    private readonly rawStore: RawMessageStore,
    private readonly attachmentStore: AttachmentStore,
    private readonly metrics: MetricsRegistry,
    private readonly senderAuthentication: SenderAuthenticationService,
  ) {
    this.replyKey = replyTokenKey(config.appKey);
  }

  async ingest(raw: Buffer, source: IngestSourceRef, options: IngestOptions = {}): Promise<IngestReport> {
    const started = Date.now();
    const report = await this.ingestOnce(raw, source, options).catch((error: unknown) => {
      const storageError = error instanceof DomainError ? error.details?.storage_error : undefined;
      if (typeof storageError === 'string') this.metrics.increment('inbound_storage_errors_total', 'Messages refused because storage failed', { error: storageError });
      throw error;
    });
    for (const result of report.results) {
      const heldBy = result.outcome === 'held' ? heldLimitOf(result.reason) : null;
      if (heldBy) this.metrics.increment('inbound_limit_hits_total', 'Mail held by a limit', { limit: heldBy });
      this.metrics.increment('inbound_ingest_total', 'Messages ingested, by source and outcome', { source: source.source, outcome: result.outcome });
    }
    this.metrics.increment('inbound_ingest_seconds_sum', 'Time spent ingesting messages', {}, (Date.now() - started) / 1000);
    this.metrics.increment('inbound_ingest_bytes_sum', 'Bytes of raw messages ingested', {}, raw.length);
    return report;
  }

  private async ingestOnce(raw: Buffer, source: IngestSourceRef, options: IngestOptions): Promise<IngestReport> {
    const started = Date.now();
    const stored = await this.rawStore.put(raw);
    try {
      if (raw.length > this.config.inboundMaxBytes) {
        return await this.failWithoutParse(raw, stored, source, started, options, `message is ${raw.length} bytes, above INBOUND_MAX_BYTES (${this.config.inboundMaxBytes})`);
      }
      let parsed: ParsedMessage;
      try {
        parsed = await parseMessage(raw, { maxBytes: this.config.inboundMaxBytes, timeoutMs: PARSE_TIMEOUT_MS });
      } catch (error) {
        return await this.failWithoutParse(raw, stored, source, started, options, `could not parse: ${(error as Error).message}`);
      }
      const message: MessageInHand & { retryOf?: IngestOptions['retryOf'] } = { raw, stored, parsed, source, started, retryOf: options.retryOf };
      const routes = await this.route(parsed, options);
      if (routes.length === 0) {
        const rejected = await this.logOutcome(message, { tenantId: null, outcome: 'rejected', reason: `no tenant has the address ${describeRecipients(parsed)}` });
        return { rawSha256: stored.sha256, results: [rejected], failed: false };
      }
      message.senderAuth = await this.senderAuthentication.authenticate(raw, parsed);
      const policy: IngestPolicy = {
        mailDomain: this.config.mailDomain,
        replyKey: this.replyKey,
        releaseQuarantine: options.releaseQuarantine ?? false,
        releaseHold: options.releaseHold ?? false,
        senderVerdict: message.senderAuth.verdict,
      };
      const results: TenantIngestResult[] = [];
      for (const route of routes) results.push(await this.ingestForTenant(message, ingestRoute(route, this.config.newTicketsPerSenderPerHour), policy));
      return { rawSha256: stored.sha256, results, failed: results.every((r) => r.outcome === 'failed') };
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        throw new DomainError('unavailable', 'The database is unavailable; the message was not accepted, retry later');
      }
      throw error;
    }
  }

  private async route(parsed: ParsedMessage, options: IngestOptions): Promise<RoutedTenant[]> {
    const ownedBy = options.assignTenantId ?? options.sourceTenantId;
    if (ownedBy !== undefined) {
      const assigned = await this.routes.routeOfTenant(ownedBy);
      return assigned ? [{ ...assigned, recipient: assigned.inboundAddress, tag: null }] : [];
    }
    const routes = await routeToTenants(parsed, this.routes, this.config.mailDomain);
    return options.onlyTenantId === undefined ? routes : routes.filter((r) => r.tenantId === options.onlyTenantId);
  }

  private async ingestForTenant(message: MessageInHand, route: IngestRoute, policy: IngestPolicy): Promise<TenantIngestResult> {
    const now = new Date();
    const questions = ingestQuestions(message.parsed, route, policy, now);
    const decision = decideIngest(message.parsed, route, await this.facts.gatherFacts(route.tenantId, questions), policy);
    switch (decision.outcome) {
      case 'created':
      case 'appended':
        return this.file(message, route, questions, decision, now);
      case 'duplicate':
        return this.logDuplicate(message, route.tenantId, decision.copy);
      default:
        return this.logOutcome(message, { tenantId: route.tenantId, outcome: decision.outcome, reason: decision.reason });
    }
  }

  private async file(message: MessageInHand, route: IngestRoute, questions: IngestQuestions, decision: FileDecision, now: Date): Promise<TenantIngestResult> {
    const { parsed } = message;
    const { tenantId } = route;
    const { outcome, reason, thread } = decision;
    for (const attachment of parsed.attachments) await this.attachmentStore.put(attachment.content, attachment.sha256);
    try {
      const written = await this.writer.fileInbound({
        tenantId,
        ticket: thread.kind === 'existing' ? { kind: 'existing', id: thread.ticketId, reopen: decision.reopen } : newTicketRow(parsed),
        now,
        message: inboundMessageRow(message, questions.messageKey, decision),
        attachments: parsed.attachments.map(attachmentRow),
        failedOutbound: decision.failsOutbound ? { id: decision.failsOutbound.ticketMessageId, detail: deliveryDetail(decision.failsOutbound.detail) } : null,
        usage: { day: now.toISOString().slice(0, 10), bytes: message.raw.length + parsed.attachments.reduce((sum, a) => sum + a.size, 0) },
        acknowledgeTo: decision.acknowledge ? questions.sender : null,
        log: logRow(message, { tenantId, outcome, reason }),
      });
      return { outcome, tenantId, ticketId: written.ticketId, ticketNumber: written.ticketNumber, ticketMessageId: written.ticketMessageId, logId: written.logId, reason };
    } catch (error) {
      if (isUniqueViolation(error)) {
        const existing = await this.facts.duplicateOf(tenantId, questions.messageKey);
        if (existing) return this.logDuplicate(message, tenantId, existing);
      }
      if (isDatabaseUnavailable(error)) throw error;
      this.logger.error(`could not store message ${parsed.messageId ?? message.stored.sha256} for tenant ${tenantId}`, (error as Error).stack);
      return this.logOutcome(message, { tenantId, outcome: 'failed', reason: 'could not store the message', error: (error as Error).message });
    }
  }

  private async logDuplicate(message: MessageInHand, tenantId: TenantId, copy: NonNullable<IngestFacts['duplicate']>): Promise<TenantIngestResult> {
    const result = await this.logOutcome(message, {
      tenantId,
      outcome: 'duplicate',
      reason: 'this message was already filed',
      ticketId: copy.ticketId,
      ticketMessageId: copy.ticketMessageId,
    });
    return { ...result, ticketNumber: copy.ticketNumber };
  }

  /** A message that cannot be parsed still gets a row (per tenant when its headers say which). */
  private async failWithoutParse(
    raw: Buffer,
    stored: StoredRaw,
    source: IngestSourceRef,
    started: number,
    options: IngestOptions,
    reason: string,
  ): Promise<IngestReport> {
    const { envelope, written } = recipientsFromRawHeaders(raw);
    let tenantIds: (number | null)[] = await this.routes.tenantIdsByInboundAddresses(envelope);
    if (tenantIds.length === 0) tenantIds = await this.routes.tenantIdsByInboundAddresses(written);
    const recipients = [...new Set([...envelope, ...written])];
    if (options.onlyTenantId !== undefined) tenantIds = [options.onlyTenantId];
    if (tenantIds.length === 0) tenantIds = [null];
    const results: TenantIngestResult[] = [];
    const readable = await readableHeaders(raw);
    for (const tenantId of tenantIds) {
      const row = { ...unparsedLogRow({ raw, stored, source, started }, tenantId, recipients, reason), fromAddress: readable.from, subject: readable.subject };
      const logId = options.retryOf?.outcome === 'failed' ? await this.logs.rewriteLog(options.retryOf.logId, row) : await this.logs.insertLog(row);
      results.push({ outcome: 'failed', tenantId, ticketId: null, ticketNumber: null, ticketMessageId: null, logId, reason });
    }
    return { rawSha256: stored.sha256, results, failed: true };
  }

  private async logOutcome(message: MessageInHand & { retryOf?: IngestOptions['retryOf'] }, fields: LogFields): Promise<TenantIngestResult> {
    const retryOf = message.retryOf;
    const row = logRow(message, fields);
    const logId = retryOf && retryOf.outcome === fields.outcome ? await this.logs.rewriteLog(retryOf.logId, row) : await this.logs.insertLog(row);
    return {
      outcome: fields.outcome,
      tenantId: fields.tenantId,
      ticketId: fields.ticketId ?? null,
      ticketNumber: null,
      ticketMessageId: fields.ticketMessageId ?? null,
      logId,
      reason: fields.reason,
    };
  }
}

/** The routed tenant with its limits (the tier's, or its own overrides) and features, as the decision takes it. */
function ingestRoute(route: RoutedTenant, newTicketsPerSenderPerHour: number | null): IngestRoute {
  const limits = tierLimits(route.tier, { max_messages_per_day: route.overrides?.maxMessagesPerDay, max_storage_mb: route.overrides?.maxStorageMb });
  const storageMb = finiteLimit(limits.max_storage_mb);
  const dailyLimit = finiteLimit(limits.max_messages_per_day);
  return {
    tenantId: route.tenantId,
    status: route.status,
    tier: route.tier,
    inboundAddress: route.inboundAddress,
    tag: route.tag,
    dailyMessageLimit: dailyLimit,
    storageLimitBytes: storageMb === null ? null : storageMb * 1024 * 1024,
    // The throttle keeps one sender from using up the tenant's day: without a daily limit there is none to protect.
    newTicketsPerSenderPerHour: dailyLimit === null ? null : newTicketsPerSenderPerHour,
    acknowledgementsEnabled: route.autoAcknowledge && tierFeatures(route.tier).auto_acknowledgement,
  };
}
