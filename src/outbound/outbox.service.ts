import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig } from '../config/app-config';
import { EmailSettingsRepository } from '../email-settings/email-settings.repository';
import { MetricsRegistry } from '../health/metrics.registry';
import { replyAddress, createReplyToken } from '../mail/reply-token';
import { replyTokenKey } from '../mail/reply-token-key';
import { AttachmentStore } from '../storage/storage.module';
import { TenantsRepository } from '../tenants/tenants.repository';
import { TicketsRepository } from '../tickets/tickets.repository';
import { renderAcknowledgement } from './acknowledgement-template';
import { nextStepAfterFailure } from './delivery-retry';
import { buildOutboundMail, newOutboundMessageId } from './outbound-message';
import { outboundTicketMessage } from './outbound-ticket-message';
import { ClaimedEntry, OutboxRepository } from './outbox.repository';
import { SmtpRoute, SmtpSenderService } from './smtp-sender.service';
import { classifySmtpFailure, SmtpFailure } from './smtp-transport';

const BATCH_SIZE = 20;
/** Writes of a delivery the database refused, tried again this often before the lease decides. */
const RECORD_SENT_ATTEMPTS = 5;

/** A message that can never be delivered as it stands (its ticket is gone, nowhere to send it). */
class UndeliverableError extends Error {}

/**
 * The outbox worker. Replies and acknowledgements are rows written in the same transaction as
 * the ticket change that caused them; this worker sends them later, so HTTP requests and the
 * ingest pipeline never wait for an SMTP server. It runs on a timer (OutboxSchedule) and is
 * woken right after something is queued.
 */
@Injectable()
export class OutboxService implements OnModuleDestroy {
  private readonly logger = new Logger(OutboxService.name);
  /** Unique per process start: a restarted instance must not mistake its old leases for its own. */
  private readonly owner: string;
  private readonly replyKey: Buffer;
  private stopped = false;
  private kickPending = false;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly repo: OutboxRepository,
    private readonly tickets: TicketsRepository,
    private readonly settings: EmailSettingsRepository,
    private readonly tenants: TenantsRepository,
    private readonly sender: SmtpSenderService,
    private readonly attachmentStore: AttachmentStore,
    private readonly metrics: MetricsRegistry,
  ) {
    this.owner = `${config.instanceId.slice(0, 90)}/${randomBytes(4).toString('hex')}`;
    this.replyKey = replyTokenKey(config.appKey);
  }

  /** Lets the delivery in progress finish (so it is recorded), then stops claiming. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.tail;
  }

  /** Ask for a drain soon; never waits and never throws. Call after the enqueueing commit. */
  kick(): void {
    if (this.stopped || this.kickPending) return;
    this.kickPending = true;
    this.serialised(() => {
      this.kickPending = false;
      return this.drain();
    }).catch((error) => this.logger.error(`outbox drain failed: ${(error as Error).message}`, (error as Error).stack));
  }

  /** Sends everything due now, one drain at a time per process; resolves to how many were attempted. */
  drainOnce(): Promise<number> {
    return this.serialised(() => this.drain());
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<number> {
    let attempted = 0;
    while (!this.stopped) {
      const ids = await this.repo.dueIds(new Date(), BATCH_SIZE);
      let claimedAny = false;
      for (const id of ids) {
        if (this.stopped) break;
        const entry = await this.repo.claim(id, this.owner, new Date());
        if (!entry) continue;
        claimedAny = true;
        attempted += 1;
        await this.deliver(entry);
      }
      if (!claimedAny) break;
    }
    return attempted;
  }

  private async deliver(entry: ClaimedEntry): Promise<void> {
    let password: string | null = null;
    let info: SMTPTransport.SentMessageInfo;
    let via: SmtpRoute['via'];
    try {
      if (entry.kind === 'acknowledgement' && entry.ticketMessageId === null) {
        entry.ticketMessageId = await this.createAcknowledgementMessage(entry);
      }
      const mail = await this.composeMail(entry);
      const route = await this.sender.routeFor(entry.tenantId);
      if (!route) throw new UndeliverableError('no SMTP server is set for this tenant and MAIL_DEV_SMTP_HOST is not configured');
      password = route.endpoint.password;
      info = await this.sender.send(route, mail);
      via = route.via;
    } catch (error) {
      await this.recordFailure(entry, error, password);
      return;
    }
    // The message has left: a failed write from here on must never send it again.
    this.countDelivery('sent');
    await this.recordSent(entry, info, via);
  }

  /**
   * Records a delivery, retrying a write the database refused for the moment (a deadlock between
   * instances, a dropped connection). If it still fails, the lease runs out and the entry is sent
   * again: at least once, never lost.
   */
  private async recordSent(entry: ClaimedEntry, info: SMTPTransport.SentMessageInfo, via: SmtpRoute['via']): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const recorded = await this.repo.markSent(entry, this.owner, info.response ?? '', deliveredDetail(info, via), new Date().toISOString().slice(0, 10));
        if (!recorded) this.logger.warn(`outbox ${entry.id}: sent, but the lease was lost before it could be recorded`);
        return;
      } catch (error) {
        if (attempt >= RECORD_SENT_ATTEMPTS || this.stopped) {
          this.logger.error(`outbox ${entry.id}: sent, but could not record it (${(error as Error).message}); it is sent again when its lease runs out`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  private async recordFailure(entry: ClaimedEntry, error: unknown, password: string | null): Promise<void> {
    const failure: SmtpFailure =
      error instanceof UndeliverableError
        ? { stage: 'send', temporary: false, responseCode: null, message: error.message }
        : classifySmtpFailure(error, password);
    const step = nextStepAfterFailure(failure, entry.attempts, this.config.outbound, new Date());
    this.logger.warn(`outbox ${entry.id} (tenant ${entry.tenantId}, ${entry.kind}): ${step.detail}`);
    this.countDelivery(step.kind === 'retry' ? 'retry' : 'failed');
    try {
      if (step.kind === 'retry') await this.repo.reschedule(entry, this.owner, step.at, step.detail);
      else await this.repo.markFailed(entry, this.owner, step.detail);
    } catch (writeError) {
      // The lease runs out and another drain takes the entry again: late, never lost.
      this.logger.error(`outbox ${entry.id}: could not record the failure: ${(writeError as Error).message}`);
    }
  }

  private countDelivery(outcome: 'sent' | 'retry' | 'failed'): void {
    this.metrics.increment('inbound_outbox_deliveries_total', 'Delivery attempts by this instance', { outcome });
  }

  private async composeMail(entry: ClaimedEntry): Promise<SendMailOptions> {
    if (entry.ticketMessageId === null) throw new UndeliverableError(`outbox entry ${entry.id} names no ticket message`);
    const message = await this.tickets.message(entry.tenantId, entry.ticketMessageId);
    if (!message?.messageId) throw new UndeliverableError('the ticket message no longer exists');
    const [ticket, settings, attachments] = await Promise.all([
      this.tickets.find(entry.tenantId, message.ticketId),
      this.settings.find(entry.tenantId),
      this.tickets.attachmentsOf(entry.tenantId, [message.id]),
    ]);
    if (!ticket || !settings) throw new UndeliverableError('the ticket or the tenant no longer exists');
    const to = message.to?.[0] ?? { address: entry.recipient, name: null };
    return buildOutboundMail({
      kind: entry.kind === 'acknowledgement' ? 'acknowledgement' : 'reply',
      from: { address: message.fromAddress ?? settings.inboundEmailAddress, name: message.fromName },
      to,
      cc: (message.cc ?? []).map((a) => a.address),
      replyTo: replyAddress(settings.inboundEmailAddress, createReplyToken({ tenantId: entry.tenantId, ticketId: ticket.id }, this.replyKey)),
      messageId: message.messageId,
      inReplyTo: message.inReplyTo,
      references: message.references ?? [],
      subject: message.subject,
      text: message.textBody ?? '',
      html: message.htmlBody,
      attachments: await Promise.all(
        attachments.map(async (a) => ({ filename: a.filename, contentType: a.contentType, content: await this.attachmentStore.get(a.sha256) })),
      ),
      threadTopic: message.threadTopic,
      threadIndex: message.threadIndex,
    });
  }

  /**
   * The ingest pipeline queues an acknowledgement with just the ticket; it becomes a message on
   * the ticket here, once, so that the agent sees it and a reply to it threads by its Message-ID.
   */
  private async createAcknowledgementMessage(entry: ClaimedEntry): Promise<number> {
    const ticketId = Number(entry.payload?.ticketId);
    const inboundMessageId = entry.payload?.inboundMessageId === undefined ? null : Number(entry.payload.inboundMessageId);
    const [ticket, settings, tenant, thread] = await Promise.all([
      this.tickets.find(entry.tenantId, ticketId),
      this.settings.find(entry.tenantId),
      this.tenants.find(entry.tenantId),
      this.tickets.threadMessages(entry.tenantId, ticketId),
    ]);
    if (!ticket || !settings || !tenant) throw new UndeliverableError('the ticket of this acknowledgement no longer exists');
    const answered = thread.find((m) => m.id === inboundMessageId) ?? thread.find((m) => m.direction === 'inbound') ?? null;
    const fields = outboundTicketMessage({
      tenantId: entry.tenantId,
      ticket,
      thread,
      answered,
      messageId: newOutboundMessageId(this.config.mailDomain),
      from: { address: settings.fromAddress ?? settings.inboundEmailAddress, name: settings.fromName ?? tenant.name },
      to: { address: entry.recipient, name: ticket.requesterEmail === entry.recipient ? ticket.requesterName : null },
      cc: [],
      text: renderAcknowledgement(settings.autoAcknowledgeTemplate, { ticketNumber: ticket.number, subject: ticket.subject, requesterName: ticket.requesterName }),
      html: null,
      authorUserId: null,
    });
    return this.repo.addAcknowledgementMessage(entry, this.owner, fields);
  }
}

function deliveredDetail(info: SMTPTransport.SentMessageInfo, via: string): string {
  const rejected = (info.rejected ?? []).map(String);
  const refused = rejected.length ? `; refused for ${rejected.join(', ')}` : '';
  return `${info.response ?? 'accepted'} (via ${via.replace('_', ' ')})${refused}`;
}
