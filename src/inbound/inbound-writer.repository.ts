import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { RequestBatcher } from '../common/request-batcher';
import { groupIndexes, insertedId, insertRows, marks, retryAlone, sqlTime } from '../database/batch-sql';
import { retryDeadlocks } from '../database/database-errors';
import { insertFiledLogs, NewLogRow } from './ingest-log.repository';
import { TenantId } from '../common/tenant-id';
import { addTenantUsage } from '../tenants/tenant-usage.repository';
import { countMessagesOnTicket, insertInboundMessages, NewInboundMessage } from '../tickets/ticket-messages.repository';

export type { NewInboundMessage };

export interface NewAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  contentId: string | null;
  inline: boolean;
}

/** Everything one filed message writes, in the one transaction that files it. */
export interface InboundWrite {
  tenantId: TenantId;
  ticket: { kind: 'new'; subject: string; requesterEmail: string | null; requesterName: string | null } | { kind: 'existing'; id: number; reopen: boolean };
  now: Date;
  message: NewInboundMessage;
  attachments: NewAttachment[];
  failedOutbound: { id: number; detail: string } | null;
  usage: { day: string; bytes: number };
  acknowledgeTo: string | null;
  /** Its ticket and message ids are filled in by the write. */
  log: NewLogRow;
}

export interface InboundWritten {
  ticketId: number;
  ticketNumber: number;
  ticketMessageId: number;
  logId: number;
}

/**
 * How long a group commit on SQLite waits for company under load: better-sqlite3 runs a
 * transaction to its end without yielding, so no message can join one in flight. Measured with 16 messages in
 * flight: without it every commit held one message (about 750 messages/s); 2 ms gave batches of
 * 4 (1,120/s), 4 ms of 8 to 12 (1,100 to 1,500/s); 8 ms and more left the pipeline idle, waiting
 * for its own commit.
 */
const SYNCHRONOUS_GATHER_MS = 4;

/**
 * Files inbound messages in plain multi-row SQL that both engines accept: this is the hot path,
 * and an ORM round of query building and entity reloading per statement costs more CPU than
 * parsing the message.
 */
@Injectable()
export class InboundWriterRepository {
  private readonly mysql: boolean;
  private readonly groupCommit: RequestBatcher<InboundWrite, InboundWritten>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
    this.groupCommit = new RequestBatcher((writes) => retryDeadlocks(() => dataSource.transaction((manager) => this.writeInbound(manager, writes))), {
      maxItems: 64,
      // Well inside the smallest default max_allowed_packet (16 MB, MariaDB); a bigger message goes alone.
      maxBytes: 4 * 1024 * 1024,
      sizeOf: (w) => w.message.textBody.length + (w.message.htmlBody?.length ?? 0) + w.message.newText.length,
      retryAlone,
      gatherMs: dataSource.options.type === 'better-sqlite3' ? SYNCHRONOUS_GATHER_MS : 0,
    });
  }

  /**
   * Writes the ticket (new, or one more message on it), the message, its attachments, a bounced
   * reply's failure, the usage counters, an acknowledgement and the log row, all or nothing.
   * Concurrent calls share a transaction (a group commit, see RequestBatcher); each still gets its own answer.
   */
  fileInbound(w: InboundWrite): Promise<InboundWritten> {
    return this.groupCommit.submit(w);
  }

  private async writeInbound(manager: EntityManager, writes: InboundWrite[]): Promise<InboundWritten[]> {
    const tickets = await this.fileTickets(manager, writes);
    const messageIds = await insertInboundMessages(
      manager,
      writes.map((w, i) => ({ tenantId: w.tenantId, ticketId: tickets[i].id, message: w.message })),
    );
    await insertRows(
      manager,
      'attachments',
      ['tenant_id', 'ticket_message_id', 'filename', 'content_type', 'size', 'sha256', 'content_id', 'inline'],
      writes.flatMap((w, i) => w.attachments.map((a) => [w.tenantId, messageIds[i], a.filename, a.contentType, a.size, a.sha256, a.contentId, a.inline ? 1 : 0])),
    );
    for (const w of writes) if (w.failedOutbound) await this.markDeliveryFailed(manager, w.tenantId, w.failedOutbound.id, w.failedOutbound.detail);
    await this.addUsage(manager, writes);
    await insertRows(
      manager,
      'outbox',
      ['tenant_id', 'kind', 'recipient', 'status', 'attempts', 'next_attempt_at', 'payload_json'],
      writes.flatMap((w, i) =>
        w.acknowledgeTo
          ? [[w.tenantId, 'acknowledgement', w.acknowledgeTo, 'queued', 0, this.time(w.now), JSON.stringify({ ticketId: tickets[i].id, inboundMessageId: messageIds[i] })]]
          : [],
      ),
    );
    const logIds = await insertFiledLogs(
      manager,
      writes.map((w, i) => ({ ...w.log, tenantId: w.tenantId, ticketId: tickets[i].id, ticketMessageId: messageIds[i] })),
    );
    return writes.map((_, i) => ({ ticketId: tickets[i].id, ticketNumber: tickets[i].number, ticketMessageId: messageIds[i], logId: logIds[i] }));
  }

  /** The ticket of each write: new ones numbered per tenant in arrival order, existing ones touched. */
  private async fileTickets(manager: EntityManager, writes: InboundWrite[]): Promise<{ id: number; number: number }[]> {
    const tickets: { id: number; number: number }[] = new Array(writes.length);
    const newByTenant = groupIndexes(writes, (w) => (w.ticket.kind === 'new' ? String(w.tenantId) : null));
    const numbers: number[] = new Array(writes.length);
    for (const indexes of newByTenant.values()) {
      const last = await this.advanceTicketCounter(manager, writes[indexes[0]].tenantId, indexes.length);
      indexes.forEach((index, k) => (numbers[index] = last - indexes.length + 1 + k));
    }
    const created = [...newByTenant.values()].flat();
    if (created.length > 0) {
      await insertRows(
        manager,
        'tickets',
        ['tenant_id', 'number', 'subject', 'status', 'requester_email', 'requester_name', 'message_count', 'has_unread', 'last_activity_at', 'created_at', 'updated_at'],
        created.map((i) => {
          const w = writes[i];
          const t = w.ticket as Extract<InboundWrite['ticket'], { kind: 'new' }>;
          const now = this.time(w.now);
          return [w.tenantId, numbers[i], t.subject, 'open', t.requesterEmail, t.requesterName, 1, 1, now, now, now];
        }),
      );
      const rows: { id: number; tenant_id: number; number: number }[] = await manager.query(
        `SELECT id, tenant_id, number FROM tickets WHERE tenant_id IN (${marks(newByTenant.size)}) AND number IN (${marks(created.length)})`,
        [...[...newByTenant.values()].map((indexes) => writes[indexes[0]].tenantId), ...created.map((i) => numbers[i])],
      );
      const ids = new Map(rows.map((r) => [`${r.tenant_id}:${r.number}`, Number(r.id)]));
      for (const i of created) tickets[i] = { id: ids.get(`${writes[i].tenantId}:${numbers[i]}`)!, number: numbers[i] };
    }

    const existing = groupIndexes(writes, (w) => (w.ticket.kind === 'existing' ? `${w.tenantId}:${w.ticket.id}` : null));
    if (existing.size > 0) {
      for (const indexes of existing.values()) await this.touchTicket(manager, indexes.map((i) => writes[i]));
      const touched = [...existing.values()].map((indexes) => writes[indexes[0]]);
      const rows: { id: number; number: number }[] = await manager.query(
        `SELECT id, number FROM tickets WHERE tenant_id IN (${marks(touched.length)}) AND id IN (${marks(touched.length)})`,
        [...touched.map((w) => w.tenantId), ...touched.map(existingTicketId)],
      );
      const numberOf = new Map(rows.map((r) => [Number(r.id), Number(r.number)]));
      for (const i of [...existing.values()].flat()) tickets[i] = { id: existingTicketId(writes[i]), number: numberOf.get(existingTicketId(writes[i]))! };
    }
    return tickets;
  }

  /**
   * Reserves `count` per-tenant sequential numbers in one statement and returns the last: the
   * row lock on the tenant serialises concurrent creators until commit. MySQL hands the new
   * value back through LAST_INSERT_ID, SQLite through RETURNING.
   */
  private async advanceTicketCounter(manager: EntityManager, tenantId: TenantId, count: number): Promise<number> {
    if (this.mysql) {
      return insertedId(await manager.query('UPDATE tenants SET ticket_counter = LAST_INSERT_ID(ticket_counter + ?) WHERE id = ?', [count, tenantId]));
    }
    const [row] = await manager.query('UPDATE tenants SET ticket_counter = ticket_counter + ? WHERE id = ? RETURNING ticket_counter', [count, tenantId]);
    return Number(row.ticket_counter);
  }

  /** More messages on one ticket; the decision says whether one of them reopens it. */
  private async touchTicket(manager: EntityManager, writes: InboundWrite[]): Promise<void> {
    await countMessagesOnTicket(manager, writes[0].tenantId, existingTicketId(writes[0]), writes.length, {
      at: new Date(Math.max(...writes.map((w) => w.now.getTime()))),
      unread: true,
      reopen: writes.some((w) => w.ticket.kind === 'existing' && w.ticket.reopen),
    });
  }

  private async markDeliveryFailed(manager: EntityManager, tenantId: TenantId, ticketMessageId: number, detail: string): Promise<void> {
    await manager.query("UPDATE ticket_messages SET delivery_status = 'failed', delivery_detail = ? WHERE tenant_id = ? AND id = ?", [
      detail,
      tenantId,
      ticketMessageId,
    ]);
  }

  private async addUsage(manager: EntityManager, writes: InboundWrite[]): Promise<void> {
    const byDay = groupIndexes(writes, (w) => `${w.tenantId}:${w.usage.day}`);
    await addTenantUsage(
      manager,
      [...byDay.values()].map((indexes) => ({
        tenantId: writes[indexes[0]].tenantId,
        day: writes[indexes[0]].usage.day,
        messagesIn: indexes.length,
        bytesStored: indexes.reduce((sum, i) => sum + writes[i].usage.bytes, 0),
      })),
    );
  }

  private time(date: Date): Date | string {
    return sqlTime(this.mysql, date);
  }
}

function existingTicketId(w: InboundWrite): number {
  if (w.ticket.kind !== 'existing') throw new Error('not a write to an existing ticket');
  return w.ticket.id;
}
