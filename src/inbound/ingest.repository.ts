import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Tier } from '../tenants/tiers';
import { TenantStatus } from '../tenants/tenant.entity';
import { IngestOutcome, IngestSource } from './email-processing-log.entity';

/** A tenant a message is addressed to, with what the pipeline needs to know of it. */
export interface TenantRoute {
  tenantId: number;
  tier: Tier;
  status: TenantStatus;
  inboundAddress: string;
  autoAcknowledge: boolean;
}

export interface TicketRef {
  id: number;
  number: number;
  requesterEmail: string | null;
}

export interface NewTicket {
  tenantId: number;
  number: number;
  subject: string;
  requesterEmail: string | null;
  requesterName: string | null;
  now: Date;
}

export interface NewInboundMessage {
  tenantId: number;
  ticketId: number;
  messageKey: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  fromAddress: string | null;
  fromName: string | null;
  to: unknown[];
  cc: unknown[];
  subject: string;
  textBody: string;
  htmlBody: string | null;
  newText: string;
  isAutoReply: boolean;
  isBounce: boolean;
  rawSha256: string;
  threadTopic: string | null;
  threadIndex: string | null;
  sentAt: Date | null;
}

export interface NewAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  contentId: string | null;
  inline: boolean;
}

export interface NewLogRow {
  tenantId: number | null;
  source: IngestSource;
  sourceRef: string | null;
  outcome: IngestOutcome;
  reason: string | null;
  error: string | null;
  messageId: string | null;
  fromAddress: string | null;
  toAddresses: string | null;
  subject: string | null;
  ticketId: number | null;
  ticketMessageId: number | null;
  rawSha256: string | null;
  sizeBytes: number;
  durationMs: number;
}

/** Everything one filed message writes, in the one transaction that files it. */
export interface InboundWrite {
  tenantId: number;
  ticket: { kind: 'new'; subject: string; requesterEmail: string | null; requesterName: string | null } | { kind: 'existing'; id: number; reopen: boolean };
  now: Date;
  message: Omit<NewInboundMessage, 'tenantId' | 'ticketId'>;
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
 * The queries of the ingest pipeline, in plain SQL that both engines accept: this is the hot
 * path, and an ORM round of query building and entity reloading per statement costs more CPU
 * than parsing the message. Every tenant-owned lookup takes the tenant id.
 */
@Injectable()
export class IngestRepository {
  private readonly mysql: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
  }

  async routesByInboundAddresses(addresses: string[]): Promise<TenantRoute[]> {
    if (addresses.length === 0) return [];
    const rows: RouteRow[] = await this.dataSource.query(
      'SELECT s.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status FROM email_settings s ' +
        `JOIN tenants t ON t.id = s.tenant_id WHERE s.inbound_email_address IN (${marks(addresses.length)})`,
      addresses,
    );
    return rows.map(toRoute);
  }

  async routesByDomains(domains: string[]): Promise<(TenantRoute & { domain: string })[]> {
    if (domains.length === 0) return [];
    const rows: (RouteRow & { domain: string })[] = await this.dataSource.query(
      'SELECT d.domain, s.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status FROM tenant_domains d ' +
        'JOIN tenants t ON t.id = d.tenant_id JOIN email_settings s ON s.tenant_id = d.tenant_id ' +
        `WHERE d.domain IN (${marks(domains.length)})`,
      domains,
    );
    return rows.map((r) => ({ ...toRoute(r), domain: r.domain }));
  }

  /** Inbound addresses among these, for the recipient scan of a message mailparser could not read. */
  async tenantIdsByInboundAddresses(addresses: string[]): Promise<number[]> {
    return [...new Set((await this.routesByInboundAddresses(addresses)).map((r) => r.tenantId))];
  }

  async isInboundAddress(address: string): Promise<boolean> {
    const rows = await this.dataSource.query('SELECT 1 AS found FROM email_settings WHERE inbound_email_address = ?', [address]);
    return rows.length > 0;
  }

  async existingMessage(tenantId: number, messageKey: string): Promise<{ id: number; ticketId: number } | null> {
    const [row] = await this.dataSource.query('SELECT id, ticket_id FROM ticket_messages WHERE tenant_id = ? AND message_key = ?', [tenantId, messageKey]);
    return row ? { id: Number(row.id), ticketId: Number(row.ticket_id) } : null;
  }

  /** Ticket ids holding any of these Message-IDs (inbound or outbound), in the order of the ids given. */
  async ticketIdsByMessageIds(tenantId: number, messageIds: string[]): Promise<number[]> {
    if (messageIds.length === 0) return [];
    const rows: { ticket_id: number; message_id: string }[] = await this.dataSource.query(
      `SELECT ticket_id, message_id FROM ticket_messages WHERE tenant_id = ? AND message_id IN (${marks(messageIds.length)}) ORDER BY id DESC`,
      [tenantId, ...messageIds],
    );
    const ordered = messageIds.flatMap((id) => rows.filter((r) => r.message_id === id).map((r) => Number(r.ticket_id)));
    return [...new Set(ordered)];
  }

  async ticket(tenantId: number, ticketId: number): Promise<TicketRef | null> {
    const [row] = await this.dataSource.query('SELECT id, number, requester_email FROM tickets WHERE tenant_id = ? AND id = ?', [tenantId, ticketId]);
    return row ? toTicketRef(row) : null;
  }

  async ticketByNumber(tenantId: number, number: number): Promise<TicketRef | null> {
    const [row] = await this.dataSource.query('SELECT id, number, requester_email FROM tickets WHERE tenant_id = ? AND number = ?', [tenantId, number]);
    return row ? toTicketRef(row) : null;
  }

  /** The sender is the requester or has written to the ticket before. */
  async senderTakesPart(tenantId: number, ticket: TicketRef, sender: string): Promise<boolean> {
    if (ticket.requesterEmail === sender) return true;
    const rows = await this.dataSource.query('SELECT 1 AS found FROM ticket_messages WHERE tenant_id = ? AND ticket_id = ? AND from_address = ? LIMIT 1', [
      tenantId,
      ticket.id,
      sender,
    ]);
    return rows.length > 0;
  }

  async outboundMessageByMessageId(tenantId: number, messageId: string): Promise<{ id: number; ticketId: number } | null> {
    const [row] = await this.dataSource.query(
      "SELECT id, ticket_id FROM ticket_messages WHERE tenant_id = ? AND message_id = ? AND direction = 'outbound' LIMIT 1",
      [tenantId, messageId],
    );
    return row ? { id: Number(row.id), ticketId: Number(row.ticket_id) } : null;
  }

  async lastMessageFromSenderWasAutoReply(tenantId: number, sender: string): Promise<boolean> {
    const [row] = await this.dataSource.query(
      "SELECT is_auto_reply FROM ticket_messages WHERE tenant_id = ? AND from_address = ? AND direction = 'inbound' ORDER BY id DESC LIMIT 1",
      [tenantId, sender],
    );
    return row ? Boolean(Number(row.is_auto_reply)) : false;
  }

  async acknowledgementsSince(tenantId: number, recipient: string, since: Date): Promise<number> {
    const [row] = await this.dataSource.query(
      "SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND kind = 'acknowledgement' AND recipient = ? AND created_at >= ?",
      [tenantId, recipient, this.time(since)],
    );
    return Number(row.n);
  }

  async messagesReceivedToday(tenantId: number, day: string): Promise<number> {
    const [row] = await this.dataSource.query('SELECT messages_in FROM tenant_usage WHERE tenant_id = ? AND day = ?', [tenantId, day]);
    return row ? Number(row.messages_in) : 0;
  }

  /**
   * Per-tenant sequential numbers in one statement: the row lock on the tenant serialises
   * concurrent creators until commit. MySQL hands the new value back through LAST_INSERT_ID,
   * SQLite through RETURNING.
   */
  private async nextTicketNumber(manager: EntityManager, tenantId: number): Promise<number> {
    if (this.mysql) {
      return insertedId(await manager.query('UPDATE tenants SET ticket_counter = LAST_INSERT_ID(ticket_counter + 1) WHERE id = ?', [tenantId]));
    }
    const [row] = await manager.query('UPDATE tenants SET ticket_counter = ticket_counter + 1 WHERE id = ? RETURNING ticket_counter', [tenantId]);
    return Number(row.ticket_counter);
  }

  private async insertTicket(manager: EntityManager, t: NewTicket): Promise<number> {
    const now = this.time(t.now);
    return insertedId(
      await manager.query(
        'INSERT INTO tickets (tenant_id, number, subject, status, requester_email, requester_name, message_count, has_unread, last_activity_at, created_at, updated_at) ' +
          "VALUES (?, ?, ?, 'open', ?, ?, 1, 1, ?, ?, ?)",
        [t.tenantId, t.number, t.subject, t.requesterEmail, t.requesterName, now, now, now],
      ),
    );
  }

  /** One more message on the ticket; a customer writing again reopens it. */
  private async touchTicket(manager: EntityManager, tenantId: number, ticketId: number, now: Date, reopen: boolean): Promise<void> {
    const time = this.time(now);
    await manager.query(
      `UPDATE tickets SET message_count = message_count + 1, has_unread = 1, last_activity_at = ?, updated_at = ?${reopen ? ", status = 'open'" : ''} ` +
        'WHERE tenant_id = ? AND id = ?',
      [time, time, tenantId, ticketId],
    );
  }

  private async insertInboundMessage(manager: EntityManager, m: NewInboundMessage): Promise<number> {
    return insertedId(
      await manager.query(
        'INSERT INTO ticket_messages (tenant_id, ticket_id, direction, message_key, message_id, in_reply_to, references_json, from_address, from_name, ' +
          'to_json, cc_json, subject, text_body, html_body, new_text, is_auto_reply, is_bounce, raw_sha256, thread_topic, thread_index, sent_at) ' +
          "VALUES (?, ?, 'inbound', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
          m.tenantId,
          m.ticketId,
          m.messageKey,
          m.messageId,
          m.inReplyTo,
          JSON.stringify(m.references),
          m.fromAddress,
          m.fromName,
          JSON.stringify(m.to),
          JSON.stringify(m.cc),
          m.subject,
          m.textBody,
          m.htmlBody,
          m.newText,
          m.isAutoReply ? 1 : 0,
          m.isBounce ? 1 : 0,
          m.rawSha256,
          m.threadTopic,
          m.threadIndex,
          m.sentAt ? this.time(m.sentAt) : null,
        ],
      ),
    );
  }

  private async insertAttachments(manager: EntityManager, tenantId: number, ticketMessageId: number, attachments: NewAttachment[]): Promise<void> {
    if (attachments.length === 0) return;
    await manager.query(
      'INSERT INTO attachments (tenant_id, ticket_message_id, filename, content_type, size, sha256, content_id, inline) VALUES ' +
        attachments.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', '),
      attachments.flatMap((a) => [tenantId, ticketMessageId, a.filename, a.contentType, a.size, a.sha256, a.contentId, a.inline ? 1 : 0]),
    );
  }

  private async markDeliveryFailed(manager: EntityManager, tenantId: number, ticketMessageId: number, detail: string): Promise<void> {
    await manager.query("UPDATE ticket_messages SET delivery_status = 'failed', delivery_detail = ? WHERE tenant_id = ? AND id = ?", [
      detail,
      tenantId,
      ticketMessageId,
    ]);
  }

  private async addUsage(manager: EntityManager, tenantId: number, day: string, delta: { messagesIn: number; bytes: number }): Promise<void> {
    const sql = this.mysql
      ? 'INSERT INTO tenant_usage (tenant_id, day, messages_in, messages_out, bytes_stored) VALUES (?, ?, ?, 0, ?) ' +
        'ON DUPLICATE KEY UPDATE messages_in = messages_in + VALUES(messages_in), bytes_stored = bytes_stored + VALUES(bytes_stored)'
      : 'INSERT INTO tenant_usage (tenant_id, day, messages_in, messages_out, bytes_stored) VALUES (?, ?, ?, 0, ?) ' +
        'ON CONFLICT (tenant_id, day) DO UPDATE SET messages_in = messages_in + excluded.messages_in, bytes_stored = bytes_stored + excluded.bytes_stored';
    await manager.query(sql, [tenantId, day, delta.messagesIn, delta.bytes]);
  }

  private async queueAcknowledgement(manager: EntityManager, tenantId: number, recipient: string, payload: Record<string, unknown>, now: Date): Promise<void> {
    await manager.query(
      "INSERT INTO outbox (tenant_id, kind, recipient, status, attempts, next_attempt_at, payload_json) VALUES (?, 'acknowledgement', ?, 'queued', 0, ?, ?)",
      [tenantId, recipient, this.time(now), JSON.stringify(payload)],
    );
  }

  async insertLog(row: NewLogRow, manager: EntityManager = this.dataSource.manager): Promise<number> {
    return insertedId(
      await manager.query(
        'INSERT INTO email_processing_logs (tenant_id, source, source_ref, outcome, reason, error, message_id, from_address, to_addresses, subject, ' +
          'ticket_id, ticket_message_id, raw_sha256, size_bytes, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          row.tenantId,
          row.source,
          row.sourceRef,
          row.outcome,
          row.reason,
          row.error,
          row.messageId,
          row.fromAddress,
          row.toAddresses,
          row.subject,
          row.ticketId,
          row.ticketMessageId,
          row.rawSha256,
          row.sizeBytes,
          row.durationMs,
        ],
      ),
    );
  }

  /**
   * Writes the ticket (new, or one more message on it), the message, its attachments, a bounced
   * reply's failure, the usage counters, an acknowledgement and the log row, all or nothing.
   */
  async fileInbound(w: InboundWrite): Promise<InboundWritten> {
    return this.dataSource.transaction((manager) => this.writeInbound(manager, w));
  }

  private async writeInbound(manager: EntityManager, w: InboundWrite): Promise<InboundWritten> {
    let ticketId: number;
    let ticketNumber: number;
    if (w.ticket.kind === 'new') {
      ticketNumber = await this.nextTicketNumber(manager, w.tenantId);
      ticketId = await this.insertTicket(manager, { tenantId: w.tenantId, number: ticketNumber, ...w.ticket, now: w.now });
    } else {
      await this.touchTicket(manager, w.tenantId, w.ticket.id, w.now, w.ticket.reopen);
      ticketId = w.ticket.id;
      ticketNumber = (await this.ticket(w.tenantId, w.ticket.id))!.number;
    }
    const ticketMessageId = await this.insertInboundMessage(manager, { ...w.message, tenantId: w.tenantId, ticketId });
    await this.insertAttachments(manager, w.tenantId, ticketMessageId, w.attachments);
    if (w.failedOutbound) await this.markDeliveryFailed(manager, w.tenantId, w.failedOutbound.id, w.failedOutbound.detail);
    await this.addUsage(manager, w.tenantId, w.usage.day, { messagesIn: 1, bytes: w.usage.bytes });
    if (w.acknowledgeTo) await this.queueAcknowledgement(manager, w.tenantId, w.acknowledgeTo, { ticketId, inboundMessageId: ticketMessageId }, w.now);
    const logId = await this.insertLog({ ...w.log, tenantId: w.tenantId, ticketId, ticketMessageId }, manager);
    return { ticketId, ticketNumber, ticketMessageId, logId };
  }

  /** MySQL takes Date objects (the connection runs in UTC); better-sqlite3 binds only strings, in TypeORM's format. */
  private time(date: Date): Date | string {
    return this.mysql ? date : date.toISOString().replace('T', ' ').replace('Z', '');
  }
}

interface RouteRow {
  tenant_id: number;
  inbound_email_address: string;
  auto_acknowledge: number | boolean;
  tier: Tier;
  status: TenantStatus;
}

function toRoute(r: RouteRow): TenantRoute {
  return {
    tenantId: Number(r.tenant_id),
    tier: r.tier,
    status: r.status,
    inboundAddress: r.inbound_email_address,
    autoAcknowledge: Boolean(Number(r.auto_acknowledge)),
  };
}

function toTicketRef(row: { id: number; number: number; requester_email: string | null }): TicketRef {
  return { id: Number(row.id), number: Number(row.number), requesterEmail: row.requester_email };
}

function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** mysql2 answers an INSERT with {insertId}; TypeORM's better-sqlite3 runner with the last row id. */
function insertedId(raw: unknown): number {
  if (raw && typeof raw === 'object' && 'insertId' in raw) return Number((raw as { insertId: number }).insertId);
  return Number(raw);
}
