import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { EmailSettings } from '../email-settings/email-settings.entity';
import { Tenant } from '../tenants/tenant.entity';
import { Attachment } from '../tickets/attachment.entity';
import { Ticket } from '../tickets/ticket.entity';
import { TicketMessage } from '../tickets/ticket-message.entity';
import { OutboxEntry, OutboxKind } from './outbox-entry.entity';

/**
 * How long a claimed entry stays ours. Longer than any one SMTP attempt can take
 * (SMTP_TIMEOUTS), so only a dead instance's lease ever runs out.
 */
export const OUTBOX_LEASE_MS = 10 * 60 * 1000;

export interface NewOutboxEntry {
  tenantId: number;
  kind: OutboxKind;
  recipient: string;
  ticketMessageId: number | null;
  payload: Record<string, unknown> | null;
}

/**
 * Queries of the outbox. Claiming is by a conditional UPDATE, so that of two instances (or an
 * instance and its restarted self) exactly one gets each entry. Every write runs as its own
 * transaction: on SQLite the connection is shared, and a bare statement would otherwise join
 * (and roll back with) whatever transaction another request has open.
 * `dueIds` and `claim` are the only queries across tenants (the worker serves all of them);
 * everything after a claim is scoped by the entry's tenant id.
 */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get isMysql(): boolean {
    return this.dataSource.options.type === 'mysql';
  }

  async insertQueued(manager: EntityManager, entry: NewOutboxEntry): Promise<OutboxEntry> {
    return manager.save(
      manager.create(OutboxEntry, { ...entry, status: 'queued', attempts: 0, nextAttemptAt: new Date(), lockedBy: null, lockedUntil: null }),
    );
  }

  /** Ids of entries due now: queued and due, or claimed by an instance whose lease ran out. */
  async dueIds(now: Date, limit: number): Promise<number[]> {
    const rows = await this.dataSource
      .getRepository(OutboxEntry)
      .createQueryBuilder('o')
      .select('o.id', 'id')
      .where(
        new Brackets((w) =>
          w
            .where('o.status = :queued AND o.next_attempt_at <= :now', { queued: 'queued', now })
            .orWhere('o.status = :sending AND o.locked_until < :now', { sending: 'sending', now }),
        ),
      )
      .orderBy('o.next_attempt_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: number }>();
    return rows.map((r) => Number(r.id));
  }

  /** Takes the entry for `owner` when it is still due; null when another instance was faster. */
  async claim(id: number, owner: string, now: Date): Promise<OutboxEntry | null> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(OutboxEntry)
        .set({ status: 'sending', lockedBy: owner, lockedUntil: new Date(now.getTime() + OUTBOX_LEASE_MS), attempts: () => 'attempts + 1' })
        .where('id = :id', { id })
        .andWhere(
          new Brackets((w) =>
            w
              .where('status = :queued AND next_attempt_at <= :now', { queued: 'queued', now })
              .orWhere('status = :sending AND locked_until < :now', { sending: 'sending', now }),
          ),
        )
        .execute();
      if (result.affected !== 1) return null;
      return manager.findOneBy(OutboxEntry, { id, lockedBy: owner });
    });
  }

  /** Links an acknowledgement to the ticket message made for it, while the lease is still ours. */
  async attachMessage(manager: EntityManager, entry: OutboxEntry, owner: string, ticketMessageId: number): Promise<boolean> {
    const result = await manager.update(OutboxEntry, { id: entry.id, tenantId: entry.tenantId, lockedBy: owner, status: 'sending' }, { ticketMessageId });
    return result.affected === 1;
  }

  async markSent(entry: OutboxEntry, owner: string, smtpResponse: string, detail: string, day: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        OutboxEntry,
        { id: entry.id, lockedBy: owner, status: 'sending' },
        { status: 'sent', smtpResponse: smtpResponse.slice(0, 5000), lastError: null, lockedBy: null, lockedUntil: null },
      );
      if (result.affected !== 1) return false;
      if (entry.ticketMessageId !== null) {
        await manager.update(
          TicketMessage,
          { tenantId: entry.tenantId, id: entry.ticketMessageId },
          { deliveryStatus: 'sent', deliveryDetail: detail.slice(0, 5000), sentAt: new Date() },
        );
      }
      await this.addMessagesOut(manager, entry.tenantId, day);
      return true;
    });
  }

  /** Back to the queue for a later attempt; the message stays "queued" with the reason shown. */
  async reschedule(entry: OutboxEntry, owner: string, nextAttemptAt: Date, detail: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        OutboxEntry,
        { id: entry.id, lockedBy: owner, status: 'sending' },
        { status: 'queued', nextAttemptAt, lastError: detail.slice(0, 5000), lockedBy: null, lockedUntil: null },
      );
      if (result.affected !== 1) return false;
      if (entry.ticketMessageId !== null) {
        await manager.update(TicketMessage, { tenantId: entry.tenantId, id: entry.ticketMessageId }, { deliveryStatus: 'queued', deliveryDetail: detail.slice(0, 5000) });
      }
      return true;
    });
  }

  async markFailed(entry: OutboxEntry, owner: string, detail: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        OutboxEntry,
        { id: entry.id, lockedBy: owner, status: 'sending' },
        { status: 'failed', lastError: detail.slice(0, 5000), lockedBy: null, lockedUntil: null },
      );
      if (result.affected !== 1) return false;
      if (entry.ticketMessageId !== null) {
        await manager.update(TicketMessage, { tenantId: entry.tenantId, id: entry.ticketMessageId }, { deliveryStatus: 'failed', deliveryDetail: detail.slice(0, 5000) });
      }
      return true;
    });
  }

  /** A connection test that sent a message: kept in the outbox as a record, never retried. */
  async recordTestSend(tenantId: number, recipient: string, outcome: { sent: true; smtpResponse: string } | { sent: false; error: string }): Promise<void> {
    await this.dataSource.transaction((manager) =>
      manager.insert(OutboxEntry, {
        tenantId,
        kind: 'test',
        recipient: recipient.slice(0, 320),
        status: outcome.sent ? 'sent' : 'failed',
        attempts: 1,
        nextAttemptAt: new Date(),
        smtpResponse: outcome.sent ? outcome.smtpResponse.slice(0, 5000) : null,
        lastError: outcome.sent ? null : outcome.error.slice(0, 5000),
        payload: null,
      }),
    );
  }

  message(tenantId: number, ticketMessageId: number): Promise<TicketMessage | null> {
    return this.dataSource.getRepository(TicketMessage).findOneBy({ tenantId, id: ticketMessageId });
  }

  attachments(tenantId: number, ticketMessageId: number): Promise<Attachment[]> {
    return this.dataSource.getRepository(Attachment).find({ where: { tenantId, ticketMessageId }, order: { id: 'ASC' } });
  }

  ticket(tenantId: number, ticketId: number): Promise<Ticket | null> {
    return this.dataSource.getRepository(Ticket).findOneBy({ tenantId, id: ticketId });
  }

  settings(tenantId: number): Promise<EmailSettings | null> {
    return this.dataSource.getRepository(EmailSettings).findOneBy({ tenantId });
  }

  tenant(tenantId: number): Promise<Tenant | null> {
    return this.dataSource.getRepository(Tenant).findOneBy({ id: tenantId });
  }

  /** The thread's messages in order, with just what threading needs. */
  threadMessages(tenantId: number, ticketId: number): Promise<TicketMessage[]> {
    return this.dataSource.getRepository(TicketMessage).find({
      where: { tenantId, ticketId },
      order: { id: 'ASC' },
      select: {
        id: true,
        direction: true,
        messageId: true,
        inReplyTo: true,
        references: true,
        fromAddress: true,
        fromName: true,
        subject: true,
        isAutoReply: true,
        isBounce: true,
        threadTopic: true,
        threadIndex: true,
      },
    });
  }

  private async addMessagesOut(manager: EntityManager, tenantId: number, day: string): Promise<void> {
    const sql = this.isMysql
      ? 'INSERT INTO tenant_usage (tenant_id, day, messages_in, messages_out, bytes_stored) VALUES (?, ?, 0, 1, 0) ' +
        'ON DUPLICATE KEY UPDATE messages_out = messages_out + 1'
      : 'INSERT INTO tenant_usage (tenant_id, day, messages_in, messages_out, bytes_stored) VALUES (?, ?, 0, 1, 0) ' +
        'ON CONFLICT (tenant_id, day) DO UPDATE SET messages_out = messages_out + 1';
    await manager.query(sql, [tenantId, day]);
  }
}
