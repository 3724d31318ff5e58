import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { isDatabaseUnavailable, isUniqueViolation } from '../database/database-errors';
import { MetricsRegistry } from '../health/metrics.registry';
import { acknowledgementDecision } from '../mail/acknowledgement-policy';
import { AttachmentStore, RawMessageStore, StoredRaw } from '../storage/storage.module';
import { tierFeatures, tierLimits, UNLIMITED, withinLimit } from '../tenants/tiers';
import { StoredAddress } from '../tickets/ticket-message.entity';
import { IngestOutcome } from './email-processing-log.entity';
import { IngestRepository, NewAttachment, NewLogRow } from './ingest.repository';
import { IngestReport, IngestSourceRef, TenantIngestResult } from './ingest.types';
import { detectBounce, isAutoReply, isBulkMail, isLoop, isMailingList, spamVerdict } from '../mail/classify-message';
import { messageFingerprint, normaliseMessageIdForStorage } from '../mail/fingerprint';
import { ParsedMessage, parseMessage } from '../mail/parse-message';
import { verifyReplyToken } from '../mail/reply-token';
import { replyTokenKey } from '../mail/reply-token-key';
import { splitPlusAddress } from '../mail/route-recipients';
import { sanitizeEmailHtml } from '../mail/sanitize-html';
import { extractNewText } from '../mail/strip-quotes';
import { resolveThread, subjectTicketNumber, threadingMessageIds, ThreadDecision } from '../mail/threading';
import { recipientsFromRawHeaders, RoutedTenant, routeToTenants } from './recipient-routing';

const PARSE_TIMEOUT_MS = 15_000;

interface IngestOptions {
  /** Reprocess or release for this tenant only (a message to two tenants was already handled for the other). */
  onlyTenantId?: number;
  /** The tenant admin released a quarantined message: skip the spam verdict. */
  releaseQuarantine?: boolean;
}

interface MessageContext {
  raw: Buffer;
  stored: StoredRaw;
  parsed: ParsedMessage;
  source: IngestSourceRef;
  started: number;
  options: IngestOptions;
}

type LogFields = { outcome: IngestOutcome; reason: string | null } & {
  tenantId: number | null;
  ticketId?: number | null;
  ticketMessageId?: number | null;
  error?: string | null;
};

/**
 * The one pipeline every source feeds: store raw -> parse -> route -> filter -> thread ->
 * one transaction (ticket, message, attachments, usage, acknowledgement, log row) -> report.
 * It throws only when the database is unavailable, so that the source keeps the message.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly replyKey: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly repo: IngestRepository,
    private readonly rawStore: RawMessageStore,
    private readonly attachmentStore: AttachmentStore,
    private readonly metrics: MetricsRegistry,
  ) {
    this.replyKey = replyTokenKey(config.appKey);
  }

  async ingest(raw: Buffer, source: IngestSourceRef, options: IngestOptions = {}): Promise<IngestReport> {
    const started = Date.now();
    const report = await this.ingestOnce(raw, source, options);
    for (const result of report.results) {
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
      const ctx: MessageContext = { raw, stored, parsed, source, started, options };
      const routes = await this.route(parsed, options);
      if (routes.length === 0) {
        const rejected = await this.logOutcome(ctx, { tenantId: null, outcome: 'rejected', reason: `no tenant has the address ${describeRecipients(parsed)}` });
        return { rawSha256: stored.sha256, results: [rejected], failed: false };
      }
      const results: TenantIngestResult[] = [];
      for (const route of routes) results.push(await this.ingestForTenant(ctx, route));
      return { rawSha256: stored.sha256, results, failed: results.every((r) => r.outcome === 'failed') };
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        throw new DomainError('unavailable', 'The database is unavailable; the message was not accepted, retry later');
      }
      throw error;
    }
  }

  private async route(parsed: ParsedMessage, options: IngestOptions): Promise<RoutedTenant[]> {
    const routes = await routeToTenants(parsed, this.repo, this.config.mailDomain);
    return options.onlyTenantId === undefined ? routes : routes.filter((r) => r.tenantId === options.onlyTenantId);
  }

  private async ingestForTenant(ctx: MessageContext, route: RoutedTenant): Promise<TenantIngestResult> {
    const { parsed } = ctx;
    const tenantId = route.tenantId;
    const sender = parsed.from?.address?.toLowerCase() || null;

    if (route.status !== 'active') return this.logOutcome(ctx, { tenantId, outcome: 'rejected', reason: 'tenant is disabled' });
    const ours = { ourMessageIdDomain: this.config.mailDomain, ourAddresses: (address: string) => address === route.inboundAddress };
    if (isLoop(parsed, ours) || (sender !== null && (await this.isOurAddress(sender)))) {
      return this.logOutcome(ctx, { tenantId, outcome: 'ignored', reason: 'mail loop: the message comes from one of our own addresses' });
    }
    const spam = spamVerdict(parsed.headers);
    if (spam.isSpam && !ctx.options.releaseQuarantine) {
      return this.logOutcome(ctx, { tenantId, outcome: 'quarantined', reason: `spam verdict: ${spam.reason}` });
    }

    const messageKey = messageFingerprint(parsed);
    const known = await this.repo.knownMessages(tenantId, messageKey, threadingMessageIds(parsed).map(normaliseMessageIdForStorage));
    if (known.duplicate) return this.logDuplicate(ctx, tenantId, known.duplicate);

    const bounce = detectBounce(parsed);
    const autoReply = !bounce && isAutoReply(parsed.headers, ours);
    const bouncedOutbound = bounce?.originalMessageId
      ? await this.repo.outboundMessageByMessageId(tenantId, normaliseMessageIdForStorage(bounce.originalMessageId))
      : null;
    const thread: ThreadDecision = bouncedOutbound
      ? { kind: 'existing', ticketId: bouncedOutbound.ticketId, by: 'references' }
      : await this.findThread(tenantId, route, parsed, sender, known.referencedTicketIds);

    if (bounce && thread.kind === 'new') return this.logOutcome(ctx, { tenantId, outcome: 'ignored', reason: 'bounce for a message that is not ours' });
    if (autoReply && thread.kind === 'new') return this.logOutcome(ctx, { tenantId, outcome: 'ignored', reason: 'auto-reply that belongs to no ticket' });

    const now = new Date();
    const day = now.toISOString().slice(0, 10);
    const dailyLimit = tierLimits(route.tier).max_messages_per_day;
    if (dailyLimit !== UNLIMITED && !withinLimit(await this.repo.messagesReceivedToday(tenantId, day), dailyLimit)) {
      return this.logOutcome(ctx, { tenantId, outcome: 'rejected', reason: `over the ${route.tier} tier's ${dailyLimit} messages per day` });
    }

    for (const attachment of parsed.attachments) await this.attachmentStore.put(attachment.content, attachment.sha256);
    const acknowledge = thread.kind === 'new' && sender !== null && (await this.shouldAcknowledge(route, parsed, sender));
    const reason = thread.kind === 'existing' ? `${bounce ? 'bounce' : autoReply ? 'auto-reply' : 'reply'} threaded by ${thread.by}` : 'new ticket';
    const stored = this.storedMessage(ctx, messageKey, { autoReply, bounce: bounce !== null });
    try {
      const outcome = thread.kind === 'new' ? 'created' : 'appended';
      const written = await this.repo.fileInbound({
        tenantId,
        ticket:
          thread.kind === 'existing'
            ? { kind: 'existing', id: thread.ticketId, reopen: !autoReply && !bounce }
            : { kind: 'new', subject: truncate(parsed.subject || '(no subject)', 500), requesterEmail: sender, requesterName: truncate(parsed.from?.name || '', 200) || null },
        now,
        message: stored,
        attachments: parsed.attachments.map(attachmentRow),
        failedOutbound:
          bounce && bouncedOutbound ? { id: bouncedOutbound.id, detail: `bounced: ${[bounce.status, bounce.diagnostic].filter(Boolean).join(' ')}`.slice(0, 5000) } : null,
        usage: { day, bytes: ctx.raw.length + parsed.attachments.reduce((sum, a) => sum + a.size, 0) },
        acknowledgeTo: acknowledge ? sender : null,
        log: this.logRow(ctx, { tenantId, outcome, reason }),
      });
      return { outcome, tenantId, ticketId: written.ticketId, ticketNumber: written.ticketNumber, ticketMessageId: written.ticketMessageId, logId: written.logId, reason };
    } catch (error) {
      if (isUniqueViolation(error)) {
        const existing = await this.repo.existingMessage(tenantId, messageKey);
        if (existing) return this.logDuplicate(ctx, tenantId, existing);
      }
      if (isDatabaseUnavailable(error)) throw error;
      this.logger.error(`could not store message ${parsed.messageId ?? ctx.stored.sha256} for tenant ${tenantId}`, (error as Error).stack);
      return this.logOutcome(ctx, { tenantId, outcome: 'failed', reason: 'could not store the message', error: (error as Error).message });
    }
  }

  /** Our inbound addresses all live on the mail domain: only a sender there needs a lookup. */
  private async isOurAddress(sender: string): Promise<boolean> {
    if (!sender.endsWith(`@${this.config.mailDomain}`)) return false;
    return this.repo.isInboundAddress(splitPlusAddress(sender).base);
  }

  private async findThread(
    tenantId: number,
    route: RoutedTenant,
    parsed: ParsedMessage,
    sender: string | null,
    referencedTicketIds: number[],
  ): Promise<ThreadDecision> {
    const token = route.tag ? verifyReplyToken(route.tag, tenantId, this.replyKey) : null;
    const tokenTicket = token ? await this.repo.ticket(tenantId, token.ticketId) : null;
    const number = subjectTicketNumber(parsed.subject);
    let subjectTagTicket: { id: number; senderTakesPart: boolean } | null = null;
    if (number !== null && !tokenTicket && referencedTicketIds.length === 0) {
      const tagged = await this.repo.ticketByNumber(tenantId, number);
      if (tagged) subjectTagTicket = { id: tagged.id, senderTakesPart: sender !== null && (await this.repo.senderTakesPart(tenantId, tagged, sender)) };
    }
    return resolveThread({ replyTokenTicketId: tokenTicket?.id ?? null, referencedTicketIds, subjectTagNumber: number, subjectTagTicket });
  }

  private async shouldAcknowledge(route: RoutedTenant, parsed: ParsedMessage, sender: string): Promise<boolean> {
    const enabled = route.autoAcknowledge && tierFeatures(route.tier).auto_acknowledgement;
    if (!enabled) return false;
    return acknowledgementDecision({
      enabled,
      sender,
      isAutoReply: false,
      isBounce: false,
      isMailingList: isMailingList(parsed.headers) || isBulkMail(parsed.headers),
      isOurAddress: await this.isOurAddress(sender),
      senderLastMailWasAutoReply: await this.repo.lastMessageFromSenderWasAutoReply(route.tenantId, sender),
      acknowledgementsToSenderLastHour: await this.repo.acknowledgementsSince(route.tenantId, sender, new Date(Date.now() - 3600_000)),
    }).send;
  }

  private storedMessage(ctx: MessageContext, messageKey: string, flags: { autoReply: boolean; bounce: boolean }) {
    const { parsed } = ctx;
    return {
      messageKey,
      messageId: parsed.messageId ? normaliseMessageIdForStorage(parsed.messageId) : null,
      inReplyTo: parsed.inReplyTo ? normaliseMessageIdForStorage(parsed.inReplyTo) : null,
      references: parsed.references.map(normaliseMessageIdForStorage),
      fromAddress: parsed.from?.address?.toLowerCase().slice(0, 320) || null,
      fromName: truncate(parsed.from?.name ?? '', 200) || null,
      to: storedAddresses(parsed.to),
      cc: storedAddresses(parsed.cc),
      subject: truncate(parsed.subject, 500),
      textBody: parsed.text,
      htmlBody: parsed.html ? sanitizeEmailHtml(parsed.html) : null,
      newText: extractNewText(parsed.text, parsed.html),
      isAutoReply: flags.autoReply,
      isBounce: flags.bounce,
      rawSha256: ctx.stored.sha256,
      threadTopic: parsed.threadTopic ? truncate(parsed.threadTopic, 500) : null,
      threadIndex: parsed.threadIndex ? truncate(parsed.threadIndex, 500) : null,
      sentAt: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    };
  }

  private async logDuplicate(ctx: MessageContext, tenantId: number, existing: { id: number; ticketId: number }): Promise<TenantIngestResult> {
    const result = await this.logOutcome(ctx, {
      tenantId,
      outcome: 'duplicate',
      reason: 'this message was already filed',
      ticketId: existing.ticketId,
      ticketMessageId: existing.id,
    });
    return { ...result, ticketNumber: (await this.repo.ticket(tenantId, existing.ticketId))?.number ?? null };
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
    let tenantIds: (number | null)[] = await this.repo.tenantIdsByInboundAddresses(envelope);
    if (tenantIds.length === 0) tenantIds = await this.repo.tenantIdsByInboundAddresses(written);
    const recipients = [...new Set([...envelope, ...written])];
    if (options.onlyTenantId !== undefined) tenantIds = [options.onlyTenantId];
    if (tenantIds.length === 0) tenantIds = [null];
    const results: TenantIngestResult[] = [];
    for (const tenantId of tenantIds) {
      const logId = await this.repo.insertLog({
        tenantId,
        source: source.source,
        sourceRef: source.ref ? truncate(source.ref, 500) : null,
        outcome: 'failed',
        reason: truncate(reason, 500),
        error: reason,
        messageId: null,
        fromAddress: null,
        toAddresses: recipients.join(', ').slice(0, 5000) || null,
        subject: null,
        ticketId: null,
        ticketMessageId: null,
        rawSha256: stored.sha256,
        rawLocation: stored.location,
        sizeBytes: raw.length,
        durationMs: Date.now() - started,
      });
      results.push({ outcome: 'failed', tenantId, ticketId: null, ticketNumber: null, ticketMessageId: null, logId, reason });
    }
    return { rawSha256: stored.sha256, results, failed: true };
  }

  private async logOutcome(ctx: MessageContext, fields: LogFields): Promise<TenantIngestResult> {
    const logId = await this.repo.insertLog(this.logRow(ctx, fields));
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

  private logRow(ctx: MessageContext, fields: LogFields): NewLogRow {
    const { parsed } = ctx;
    return {
      tenantId: fields.tenantId,
      source: ctx.source.source,
      sourceRef: ctx.source.ref ? truncate(ctx.source.ref, 500) : null,
      outcome: fields.outcome,
      reason: fields.reason ? truncate(fields.reason, 500) : null,
      error: fields.error ?? null,
      messageId: parsed.messageId ? normaliseMessageIdForStorage(parsed.messageId) : null,
      fromAddress: parsed.from?.address?.toLowerCase().slice(0, 320) || null,
      toAddresses: [...parsed.to, ...parsed.cc].map((a) => a.address).join(', ').slice(0, 5000) || null,
      subject: truncate(parsed.subject, 500) || null,
      ticketId: fields.ticketId ?? null,
      ticketMessageId: fields.ticketMessageId ?? null,
      rawSha256: ctx.stored.sha256,
      rawLocation: ctx.stored.location,
      sizeBytes: ctx.raw.length,
      durationMs: Date.now() - ctx.started,
    };
  }
}

function attachmentRow(a: ParsedMessage['attachments'][number]): NewAttachment {
  return {
    filename: truncate(a.filename, 255),
    contentType: truncate(a.contentType, 255),
    size: a.size,
    sha256: a.sha256,
    contentId: a.contentId ? truncate(a.contentId, 255) : null,
    inline: a.inline,
  };
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max - 1) + '…';
}

function storedAddresses(list: { address: string; name: string | null }[]): StoredAddress[] {
  return list.slice(0, 500).map((a) => ({ address: a.address.toLowerCase(), name: a.name || null }));
}

function describeRecipients(parsed: ParsedMessage): string {
  const all = [...parsed.deliveredTo, ...parsed.to.map((a) => a.address), ...parsed.cc.map((a) => a.address)];
  const shown = [...new Set(all)].slice(0, 5).join(', ');
  return shown || '(no recipient)';
}
