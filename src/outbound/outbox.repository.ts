import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { asTenantId, TenantId } from '../common/tenant-id';
import { COLUMN_WIDTHS, TEXT_EXCERPT_LENGTH } from '../database/column-widths';
import { retryDeadlocks } from '../database/database-errors';
import { TenantUsageRepository } from '../tenants/tenant-usage.repository';
import { Attachment } from '../tickets/attachment.entity';
import { DeliveryChange, NewAttachment, NewTicketMessage, TicketMessagesRepository } from '../tickets/ticket-messages.repository';
import { TicketMessage } from '../tickets/ticket-message.entity';
import { OutboxEntry, OutboxStatus } from './outbox-entry.entity';

/**
 * How long a claimed entry stays ours. Longer than any one SMTP attempt can take
 * (SMTP_TIMEOUTS), so only a dead instance's lease ever runs out.
 */
export const OUTBOX_LEASE_MS = 10 * 60 * 1000;

/** An entry as the worker holds it after a claim: its tenant id read from the row, branded here. */
export type ClaimedEntry = OutboxEntry & { tenantId: TenantId };
/** What the scoped writes after a claim need of the entry. */
type EntryScope = Pick<ClaimedEntry, 'id' | 'tenantId' | 'ticketMessageId'>;

/**
 * Queries of the outbox. Claiming is by a conditional UPDATE, so that of two instances (or an
 * instance and its restarted self) exactly one gets each entry. Every write runs as its own
 * transaction: on SQLite the connection is shared, and a bare statement would otherwise join
 * (and roll back with) whatever transaction another request has open.
 * `dueIds`, `claim` and `waitingByState` are the only queries across tenants (the worker serves
 * all of them; the metrics count them for the platform);
 * every write after a claim is scoped by the entry's tenant id and the lease.
 */
@Injectable()
export class OutboxRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ticketMessages: TicketMessagesRepository,
    private readonly usage: TenantUsageRepository,
  ) {}

  /** An agent's reply: the ticket message, its attachments and its outbox entry, in one transaction. */
  queueReply(
    tenantId: TenantId,
    fields: NewTicketMessage,
    attachments: NewAttachment[],
    recipient: string,
  ): Promise<{ message: TicketMessage; attachments: Attachment[] }> {
    return retryDeadlocks(() =>
      this.dataSource.transaction(async (manager) => {
        const written = await this.ticketMessages.append(manager, tenantId, fields, { attachments, lastActivityAt: new Date() });
        await this.insertQueued(manager, tenantId, { kind: 'reply', recipient, ticketMessageId: written.message.id });
        return written;
      }),
    );
  }

  /** Entries per state among these, across tenants: a platform figure for /metrics, never shown to a tenant. */
  async countByState(states: readonly OutboxStatus[]): Promise<Map<OutboxStatus, number>> {
    const rows: { status: OutboxStatus; count: string | number }[] = await this.dataSource
      .getRepository(OutboxEntry)
      .createQueryBuilder('o')
      .select('o.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .where('o.status IN (:...states)', { states })
      .groupBy('o.status')
      .getRawMany();
    const counts = new Map<OutboxStatus, number>(states.map((state) => [state, 0]));
    for (const row of rows) counts.set(row.status, Number(row.count));
    return counts;
  }

  /** Ids of entries due now: queued and due, or claimed by an instance whose lease ran out. */
  async dueIds(now: Date, limit: number): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository(OutboxEntry)
      .createQueryBuilder('o')
      .select('o.id', 'id')
      .where(dueAt(now, 'o.'))
      .orderBy('o.next_attempt_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number }>();
    return rows.map((r) => Number(r.id));
  }

  /** Takes the entry for `owner` when it is still due; null when another instance was faster. */
  async claim(id: number, owner: string, now: Date): Promise<ClaimedEntry | null> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ status: 'sending', lockedBy: owner, lockedUntil: new Date(now.getTime() + OUTBOX_LEASE_MS), attempts: () => 'attempts + 1' })
        .where('id = :id', { id })
        .andWhere(dueAt(now))
        .execute();
      if (result.affected !== 1) return null;
      const row = await manager.findOneBy(OutboxEntry, { id, lockedBy: owner });
      return row && Object.assign(row, { tenantId: asTenantId(row.tenantId) });
    });
  }

  /**
   * An acknowledgement becomes a message on its ticket, linked to the entry, while the lease is
   * still ours; the message's id. Throws (and writes nothing) when the lease was lost.
   */
  addAcknowledgementMessage(entry: EntryScope, owner: string, fields: NewTicketMessage): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const { message } = await this.ticketMessages.append(manager, entry.tenantId, fields);
      const linked = await manager.update(OutboxEntry, leased(entry, owner), { ticketMessageId: message.id });
      if (linked.affected !== 1) throw new Error('the outbox lease was lost before the acknowledgement was written');
      return message.id;
    });
  }

  /** Sent: the entry, its ticket message and the tenant's messages_out of `day`; false when the lease was lost. */
  markSent(entry: EntryScope, owner: string, smtpResponse: string, detail: string, day: string): Promise<boolean> {
    return this.finish(
      entry,
      owner,
      { status: 'sent', smtpResponse: smtpResponse.slice(0, TEXT_EXCERPT_LENGTH), lastError: null },
      { deliveryStatus: 'sent', deliveryDetail: detail.slice(0, TEXT_EXCERPT_LENGTH), sentAt: new Date() },
      async (manager) => this.usage.add(manager, [{ tenantId: entry.tenantId, day, messagesOut: 1 }]),
    );
  }

  /** Back to the queue for a later attempt; the message stays "queued" with the reason shown. */
  reschedule(entry: EntryScope, owner: string, nextAttemptAt: Date, detail: string): Promise<boolean> {
    return this.finish(entry, owner, { status: 'queued', nextAttemptAt, lastError: detail.slice(0, TEXT_EXCERPT_LENGTH) }, { deliveryStatus: 'queued', deliveryDetail: detail.slice(0, TEXT_EXCERPT_LENGTH) });
  }

  markFailed(entry: EntryScope, owner: string, detail: string): Promise<boolean> {
    return this.finish(entry, owner, { status: 'failed', lastError: detail.slice(0, TEXT_EXCERPT_LENGTH) }, { deliveryStatus: 'failed', deliveryDetail: detail.slice(0, TEXT_EXCERPT_LENGTH) });
  }

  /** A connection test that sent a message: kept in the outbox as a record, never retried. */
  async recordTestSend(tenantId: TenantId, recipient: string, outcome: { sent: true; smtpResponse: string } | { sent: false; error: string }): Promise<void> {
    await this.dataSource.transaction((manager) =>
      manager.insert(OutboxEntry, {
        tenantId,
        kind: 'test',
        recipient: recipient.slice(0, COLUMN_WIDTHS.outbox.recipient),
        status: outcome.sent ? 'sent' : 'failed',
        attempts: 1,
        nextAttemptAt: new Date(),
        smtpResponse: outcome.sent ? outcome.smtpResponse.slice(0, TEXT_EXCERPT_LENGTH) : null,
        lastError: outcome.sent ? null : outcome.error.slice(0, TEXT_EXCERPT_LENGTH),
        payload: null,
      }),
    );
  }

  /** Releases the lease with the entry's new state and shows it on the ticket message, in one transaction. */
  private finish(
    entry: EntryScope,
    owner: string,
    outbox: Partial<Pick<OutboxEntry, 'status' | 'nextAttemptAt' | 'lastError' | 'smtpResponse'>>,
    delivery: DeliveryChange,
    alsoWrite?: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.update(OutboxEntry, leased(entry, owner), { ...outbox, lockedBy: null, lockedUntil: null });
      if (result.affected !== 1) return false;
      if (entry.ticketMessageId !== null) await this.ticketMessages.recordDelivery(manager, entry.tenantId, entry.ticketMessageId, delivery);
      await alsoWrite?.(manager);
      return true;
    });
  }

  private async insertQueued(manager: EntityManager, tenantId: TenantId, entry: Pick<OutboxEntry, 'kind' | 'recipient' | 'ticketMessageId'>): Promise<void> {
    await manager.insert(OutboxEntry, { ...entry, tenantId, status: 'queued', attempts: 0, nextAttemptAt: new Date(), lockedBy: null, lockedUntil: null, payload: null });
  }
}

/** The entry, only in its tenant and only while `owner` holds its lease. */
function leased(entry: EntryScope, owner: string) {
  return { id: entry.id, tenantId: entry.tenantId, lockedBy: owner, status: 'sending' as const };
}

/** Queued and due, or claimed by an instance whose lease ran out; `alias` prefixes the columns. */
function dueAt(now: Date, alias = ''): Brackets {
  return new Brackets((w) =>
    w
      .where(`${alias}status = :queued AND ${alias}next_attempt_at <= :now`, { queued: 'queued', now })
      .orWhere(`${alias}status = :sending AND ${alias}locked_until < :now`, { sending: 'sending', now }),
  );
}
