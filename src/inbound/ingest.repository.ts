import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from '../database/database-errors';
import { RequestBatcher } from '../common/request-batcher';
import { Tier } from '../tenants/tiers';
import { TenantStatus } from '../tenants/tenant.entity';
import { IngestOutcome, IngestSource } from './email-processing-log.entity';

/** A tenant a message is addressed to, with what the pipeline needs to know of it. */
export interface TenantRoute {
  tenantId: number;
  tier: Tier;
  status: TenantStatus;
  /** The tenant's current inbound address. */
  inboundAddress: string;
  autoAcknowledge: boolean;
}

/** A route found by one of the tenant's inbound addresses, the current one or an earlier one. */
export interface AddressRoute extends TenantRoute {
  address: string;
}

interface KnownMessagesRequest {
  tenantId: number;
  messageKey: string;
  referencedIds: string[];
}

export interface KnownMessages {
  duplicate: { id: number; ticketId: number } | null;
  referencedTicketIds: number[];
}

export interface TicketRef {
  id: number;
  number: number;
  requesterEmail: string | null;
}

export interface NewInboundMessage {
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
  rawLocation: string | null;
  sizeBytes: number;
  durationMs: number;
}

/** Everything one filed message writes, in the one transaction that files it. */
export interface InboundWrite {
  tenantId: number;
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
 * The queries of the ingest pipeline, in plain SQL that both engines accept: this is the hot
 * path, and an ORM round of query building and entity reloading per statement costs more CPU
 * than parsing the message. Every tenant-owned lookup takes the tenant id.
 */
@Injectable()
export class IngestRepository {
  private readonly mysql: boolean;

  private readonly groupCommit: RequestBatcher<InboundWrite, InboundWritten>;
  private readonly routeLookups: RequestBatcher<string[], AddressRoute[]>;
  private readonly knownMessageLookups: RequestBatcher<KnownMessagesRequest, KnownMessages>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
    this.groupCommit = new RequestBatcher((writes) => dataSource.transaction((manager) => this.writeInbound(manager, writes)), {
      maxItems: 64,
      // Well inside the smallest default max_allowed_packet (16 MB, MariaDB); a bigger message goes alone.
      maxBytes: 4 * 1024 * 1024,
      sizeOf: (w) => w.message.textBody.length + (w.message.htmlBody?.length ?? 0) + w.message.newText.length,
      retryAlone,
      gatherMs: dataSource.options.type === 'better-sqlite3' ? SYNCHRONOUS_GATHER_MS : 0,
    });
    // Sized by bound values, far below both engines' limits.
    this.routeLookups = new RequestBatcher((requests) => this.lookUpRoutes(requests), { maxItems: 64, maxBytes: 2000, sizeOf: (a) => a.length, retryAlone });
    this.knownMessageLookups = new RequestBatcher((requests) => this.lookUpKnownMessages(requests), {
      maxItems: 64,
      maxBytes: 2000,
      sizeOf: (r) => 2 + r.referencedIds.length,
      retryAlone,
    });
  }

  /**
   * Routes of those of the addresses that are inbound addresses, current or earlier ones of a
   * tenant (an address is never given to another tenant); concurrent calls share one query.
   */
  routesByInboundAddresses(addresses: string[]): Promise<AddressRoute[]> {
    return addresses.length === 0 ? Promise.resolve([]) : this.routeLookups.submit(addresses);
  }

  private async lookUpRoutes(requests: string[][]): Promise<AddressRoute[][]> {
    const addresses = [...new Set(requests.flat())];
    const rows: (RouteRow & { address: string })[] = await this.dataSource.query(
      'SELECT a.address, a.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status FROM inbound_addresses a ' +
        'JOIN tenants t ON t.id = a.tenant_id JOIN email_settings s ON s.tenant_id = a.tenant_id ' +
        `WHERE a.address IN (${marks(addresses.length)})`,
      addresses,
    );
    const routes = new Map(rows.map((r) => [r.address, { ...toRoute(r), address: r.address }]));
    return requests.map((wanted) => wanted.flatMap((address) => routes.get(address) ?? []));
  }

  /** Routes by tenants' own domains: only a domain whose ownership its tenant proved routes. */
  async routesByVerifiedDomains(domains: string[]): Promise<(TenantRoute & { domain: string })[]> {
    if (domains.length === 0) return [];
    const rows: (RouteRow & { domain: string })[] = await this.dataSource.query(
      'SELECT d.verified_domain AS domain, s.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status FROM tenant_domains d ' +
        'JOIN tenants t ON t.id = d.tenant_id JOIN email_settings s ON s.tenant_id = d.tenant_id ' +
        `WHERE d.verified_domain IN (${marks(domains.length)})`,
      domains,
    );
    return rows.map((r) => ({ ...toRoute(r), domain: r.domain }));
  }

  /** Inbound addresses among these, for the recipient scan of a message mailparser could not read. */
  async tenantIdsByInboundAddresses(addresses: string[]): Promise<number[]> {
    return [...new Set((await this.routesByInboundAddresses(addresses)).map((r) => r.tenantId))];
  }

  async isInboundAddress(address: string): Promise<boolean> {
    const rows = await this.dataSource.query('SELECT 1 AS found FROM inbound_addresses WHERE address = ?', [address]);
    return rows.length > 0;
  }

  async existingMessage(tenantId: number, messageKey: string): Promise<{ id: number; ticketId: number } | null> {
    const [row] = await this.dataSource.query('SELECT id, ticket_id FROM ticket_messages WHERE tenant_id = ? AND message_key = ?', [tenantId, messageKey]);
    return row ? { id: Number(row.id), ticketId: Number(row.ticket_id) } : null;
  }

  /**
   * What the tenant already holds of a message: its copy (a duplicate) and the tickets holding
   * any of the Message-IDs it refers to (inbound or outbound), in the order of the ids given.
   * Concurrent calls share one query.
   */
  knownMessages(tenantId: number, messageKey: string, referencedIds: string[]): Promise<KnownMessages> {
    return this.knownMessageLookups.submit({ tenantId, messageKey, referencedIds });
  }

  private async lookUpKnownMessages(requests: KnownMessagesRequest[]): Promise<KnownMessages[]> {
    const tenantIds = [...new Set(requests.map((r) => r.tenantId))];
    const keys = [...new Set(requests.map((r) => r.messageKey))];
    const referenced = [...new Set(requests.flatMap((r) => r.referencedIds))];
    const byReference =
      referenced.length === 0
        ? ''
        : ` UNION ALL SELECT id, tenant_id, ticket_id, message_id, message_key, 0 AS is_copy FROM ticket_messages WHERE tenant_id IN (${marks(tenantIds.length)}) AND message_id IN (${marks(referenced.length)})`;
    const rows: KnownMessageRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, ticket_id, message_id, message_key, 1 AS is_copy FROM ticket_messages WHERE tenant_id IN (${marks(tenantIds.length)}) AND message_key IN (${marks(keys.length)})${byReference}`,
      referenced.length === 0 ? [...tenantIds, ...keys] : [...tenantIds, ...keys, ...tenantIds, ...referenced],
    );
    return requests.map((request) => knownMessagesOf(request, rows));
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

  async insertLog(row: NewLogRow): Promise<number> {
    return insertedId(
      await this.dataSource.query(`INSERT INTO email_processing_logs (${LOG_COLUMNS.join(', ')}) VALUES (${marks(LOG_COLUMNS.length)})`, logValues(row)),
    );
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
    const messageIds = await this.insertInboundMessages(manager, writes, tickets);
    await this.insertRows(
      manager,
      'attachments',
      ['tenant_id', 'ticket_message_id', 'filename', 'content_type', 'size', 'sha256', 'content_id', 'inline'],
      writes.flatMap((w, i) => w.attachments.map((a) => [w.tenantId, messageIds[i], a.filename, a.contentType, a.size, a.sha256, a.contentId, a.inline ? 1 : 0])),
    );
    for (const w of writes) if (w.failedOutbound) await this.markDeliveryFailed(manager, w.tenantId, w.failedOutbound.id, w.failedOutbound.detail);
    await this.addUsage(manager, writes);
    await this.insertRows(
      manager,
      'outbox',
      ['tenant_id', 'kind', 'recipient', 'status', 'attempts', 'next_attempt_at', 'payload_json'],
      writes.flatMap((w, i) =>
        w.acknowledgeTo
          ? [[w.tenantId, 'acknowledgement', w.acknowledgeTo, 'queued', 0, this.time(w.now), JSON.stringify({ ticketId: tickets[i].id, inboundMessageId: messageIds[i] })]]
          : [],
      ),
    );
    const logIds = await this.insertFiledLogs(
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
      await this.insertRows(
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
  private async advanceTicketCounter(manager: EntityManager, tenantId: number, count: number): Promise<number> {
    if (this.mysql) {
      return insertedId(await manager.query('UPDATE tenants SET ticket_counter = LAST_INSERT_ID(ticket_counter + ?) WHERE id = ?', [count, tenantId]));
    }
    const [row] = await manager.query('UPDATE tenants SET ticket_counter = ticket_counter + ? WHERE id = ? RETURNING ticket_counter', [count, tenantId]);
    return Number(row.ticket_counter);
  }

  /** More messages on one ticket; a customer writing again reopens it. */
  private async touchTicket(manager: EntityManager, writes: InboundWrite[]): Promise<void> {
    const latest = this.time(new Date(Math.max(...writes.map((w) => w.now.getTime()))));
    const reopen = writes.some((w) => w.ticket.kind === 'existing' && w.ticket.reopen);
    await manager.query(
      `UPDATE tickets SET message_count = message_count + ?, has_unread = 1, last_activity_at = ?, updated_at = ?${reopen ? ", status = 'open'" : ''} ` +
        'WHERE tenant_id = ? AND id = ?',
      [writes.length, latest, latest, writes[0].tenantId, existingTicketId(writes[0])],
    );
  }

  private async insertInboundMessages(manager: EntityManager, writes: InboundWrite[], tickets: { id: number }[]): Promise<number[]> {
    await this.insertRows(
      manager,
      'ticket_messages',
      ['tenant_id', 'ticket_id', 'direction', 'message_key', 'message_id', 'in_reply_to', 'references_json', 'from_address', 'from_name', 'to_json', 'cc_json',
        'subject', 'text_body', 'html_body', 'new_text', 'is_auto_reply', 'is_bounce', 'raw_sha256', 'thread_topic', 'thread_index', 'sent_at'],
      writes.map(({ tenantId, message: m }, i) => [
        tenantId,
        tickets[i].id,
        'inbound',
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
      ]),
    );
    const tenantIds = [...new Set(writes.map((w) => w.tenantId))];
    const rows: { id: number; tenant_id: number; message_key: string }[] = await manager.query(
      `SELECT id, tenant_id, message_key FROM ticket_messages WHERE tenant_id IN (${marks(tenantIds.length)}) AND message_key IN (${marks(writes.length)})`,
      [...tenantIds, ...writes.map((w) => w.message.messageKey)],
    );
    const ids = new Map(rows.map((r) => [`${r.tenant_id}:${r.message_key}`, Number(r.id)]));
    return writes.map((w) => ids.get(`${w.tenantId}:${w.message.messageKey}`)!);
  }

  private async markDeliveryFailed(manager: EntityManager, tenantId: number, ticketMessageId: number, detail: string): Promise<void> {
    await manager.query("UPDATE ticket_messages SET delivery_status = 'failed', delivery_detail = ? WHERE tenant_id = ? AND id = ?", [
      detail,
      tenantId,
      ticketMessageId,
    ]);
  }

  private async addUsage(manager: EntityManager, writes: InboundWrite[]): Promise<void> {
    const byDay = groupIndexes(writes, (w) => `${w.tenantId}:${w.usage.day}`);
    const rows = [...byDay.values()].map((indexes) => {
      const first = writes[indexes[0]];
      return [first.tenantId, first.usage.day, indexes.length, 0, indexes.reduce((sum, i) => sum + writes[i].usage.bytes, 0)];
    });
    const upsert = this.mysql
      ? 'ON DUPLICATE KEY UPDATE messages_in = messages_in + VALUES(messages_in), bytes_stored = bytes_stored + VALUES(bytes_stored)'
      : 'ON CONFLICT (tenant_id, day) DO UPDATE SET messages_in = messages_in + excluded.messages_in, bytes_stored = bytes_stored + excluded.bytes_stored';
    await this.insertRows(manager, 'tenant_usage', ['tenant_id', 'day', 'messages_in', 'messages_out', 'bytes_stored'], rows, upsert);
  }

  /** Log rows of filed messages, found again by their raw message (indexed) and their own ticket message. */
  private async insertFiledLogs(manager: EntityManager, logs: NewLogRow[]): Promise<number[]> {
    await this.insertRows(manager, 'email_processing_logs', LOG_COLUMNS, logs.map(logValues));
    const hashes = [...new Set(logs.map((l) => l.rawSha256))];
    const rows: { id: number; ticket_message_id: number }[] = await manager.query(
      `SELECT id, ticket_message_id FROM email_processing_logs WHERE raw_sha256 IN (${marks(hashes.length)}) AND ticket_message_id IN (${marks(logs.length)})`,
      [...hashes, ...logs.map((l) => l.ticketMessageId)],
    );
    const ids = new Map(rows.map((r) => [Number(r.ticket_message_id), Number(r.id)]));
    return logs.map((l) => ids.get(l.ticketMessageId!)!);
  }

  /** Multi-row INSERT, in chunks that stay far below both engines' limits on bound values. */
  private async insertRows(manager: EntityManager, table: string, columns: string[], rows: unknown[][], suffix = ''): Promise<void> {
    const perChunk = Math.max(1, Math.floor(MAX_BOUND_VALUES / columns.length));
    const row = `(${marks(columns.length)})`;
    for (let start = 0; start < rows.length; start += perChunk) {
      const chunk = rows.slice(start, start + perChunk);
      await manager.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')} ${suffix}`, chunk.flat());
    }
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

interface KnownMessageRow {
  id: number;
  tenant_id: number;
  ticket_id: number;
  message_id: string | null;
  message_key: string;
  is_copy: number;
}

/** One request's share of a shared lookup: rows of its own tenant only. */
function knownMessagesOf(request: KnownMessagesRequest, rows: KnownMessageRow[]): KnownMessages {
  const own = rows.filter((r) => Number(r.tenant_id) === request.tenantId);
  const copy = own.find((r) => Number(r.is_copy) === 1 && r.message_key === request.messageKey);
  const references = own.filter((r) => Number(r.is_copy) === 0).sort((a, b) => Number(b.id) - Number(a.id));
  const ordered = request.referencedIds.flatMap((id) => references.filter((r) => r.message_id === id).map((r) => Number(r.ticket_id)));
  return { duplicate: copy ? { id: Number(copy.id), ticketId: Number(copy.ticket_id) } : null, referencedTicketIds: [...new Set(ordered)] };
}

function toTicketRef(row: { id: number; number: number; requester_email: string | null }): TicketRef {
  return { id: Number(row.id), number: Number(row.number), requesterEmail: row.requester_email };
}

const LOG_COLUMNS = [
  'tenant_id', 'source', 'source_ref', 'outcome', 'reason', 'error', 'message_id', 'from_address', 'to_addresses', 'subject',
  'ticket_id', 'ticket_message_id', 'raw_sha256', 'raw_location', 'size_bytes', 'duration_ms',
];

function logValues(row: NewLogRow): unknown[] {
  return [
    row.tenantId, row.source, row.sourceRef, row.outcome, row.reason, row.error, row.messageId, row.fromAddress, row.toAddresses, row.subject,
    row.ticketId, row.ticketMessageId, row.rawSha256, row.rawLocation, row.sizeBytes, row.durationMs,
  ];
}

/**
 * How long a group commit on SQLite waits for company under load: better-sqlite3 runs a
 * transaction to its end without yielding, so no message can join one in flight. Measured with 16 messages in
 * flight: without it every commit held one message (about 750 messages/s); 2 ms gave batches of
 * 4 (1,120/s), 4 ms of 8 to 12 (1,100 to 1,500/s); 8 ms and more left the pipeline idle, waiting
 * for its own commit.
 */
const SYNCHRONOUS_GATHER_MS = 4;

/** SQLite allows 32,766 bound values per statement, MySQL 65,535. */
const MAX_BOUND_VALUES = 10_000;

const retryAlone = (error: unknown) => !isDatabaseUnavailable(error);

function existingTicketId(w: InboundWrite): number {
  if (w.ticket.kind !== 'existing') throw new Error('not a write to an existing ticket');
  return w.ticket.id;
}

/** Indexes of the items, grouped by key in order of first appearance; a null key leaves the item out. */
function groupIndexes<T>(items: T[], key: (item: T) => string | null): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const k = key(item);
    if (k === null) return;
    const group = groups.get(k);
    if (group) group.push(index);
    else groups.set(k, [index]);
  });
  return groups;
}

function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** mysql2 answers an INSERT with {insertId}; TypeORM's better-sqlite3 runner with the last row id. */
function insertedId(raw: unknown): number {
  if (raw && typeof raw === 'object' && 'insertId' in raw) return Number((raw as { insertId: number }).insertId);
  return Number(raw);
}
