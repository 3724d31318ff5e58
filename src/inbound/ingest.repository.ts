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
  inboundAddress: string;
  autoAcknowledge: boolean;
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
  private readonly routeLookups: RequestBatcher<string[], TenantRoute[]>;
  private readonly knownMessageLookups: RequestBatcher<KnownMessagesRequest, KnownMessages>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
    this.groupCommit = new RequestBatcher((writes) => dataSource.transaction((manager) => this.writeInbound(manager, writes)), {
      maxItems: 64,
      // Well inside the smallest default max_allowed_packet (16 MB, MariaDB); a bigger message goes alone.
      maxBytes: 4 * 1024 * 1024,
      sizeOf: (w) => w.message.textBody.length + (w.message.htmlBody?.length ?? 0) + w.message.newText.length,
      retryAlone,
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

  /** Routes of those of the addresses that are inbound addresses; concurrent calls share one query. */
  routesByInboundAddresses(addresses: string[]): Promise<TenantRoute[]> {
    return addresses.length === 0 ? Promise.resolve([]) : this.routeLookups.submit(addresses);
  }

  private async lookUpRoutes(requests: string[][]): Promise<TenantRoute[][]> {
    const addresses = [...new Set(requests.flat())];
    const rows: RouteRow[] = await this.dataSource.query(
      'SELECT s.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status FROM email_settings s ' +
        `JOIN tenants t ON t.id = s.tenant_id WHERE s.inbound_email_address IN (${marks(addresses.length)})`,
      addresses,
    );
    const routes = new Map(rows.map((r) => [r.inbound_email_address, toRoute(r)]));
    return requests.map((wanted) => wanted.flatMap((address) => routes.get(address) ?? []));
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

  /**
   * The statements of a batch reach every row they need (a new ticket's number, the ids of
   * tickets and messages written before them) through subqueries instead of reading them back
   * in between, so on MySQL the whole batch goes as one multi-statement query: one round trip
   * between BEGIN and COMMIT instead of about a dozen. A last SELECT reads back what was written.
   */
  private async writeInbound(manager: EntityManager, writes: InboundWrite[]): Promise<InboundWritten[]> {
    const ticketIds = new Array<number | Computed>(writes.length);
    const statements = [...this.ticketStatements(writes, ticketIds), ...this.messageStatements(writes, ticketIds)];
    const rows: WrittenRow[] = await this.runInOrder(manager, statements);
    const written = new Map(rows.map((r) => [`${r.tenant_id}:${r.message_key}`, r]));
    return writes.map((w) => {
      const row = written.get(`${w.tenantId}:${w.message.messageKey}`)!;
      return { ticketId: Number(row.ticket_id), ticketNumber: Number(row.number), ticketMessageId: Number(row.id), logId: Number(row.log_id) };
    });
  }

  /**
   * New tickets numbered per tenant in arrival order, existing ones touched; fills in `ticketIds`.
   * One UPDATE reserves a tenant's numbers: its row lock serialises concurrent creators until commit.
   */
  private ticketStatements(writes: InboundWrite[], ticketIds: (number | Computed)[]): Statement[] {
    const statements: Statement[] = [];
    const newTickets: (unknown | Computed)[][] = [];
    for (const indexes of groupIndexes(writes, (w) => (w.ticket.kind === 'new' ? String(w.tenantId) : null)).values()) {
      const tenantId = writes[indexes[0]].tenantId;
      statements.push({ sql: 'UPDATE tenants SET ticket_counter = ticket_counter + ? WHERE id = ?', params: [indexes.length, tenantId] });
      indexes.forEach((index, k) => {
        const w = writes[index];
        const t = w.ticket as Extract<InboundWrite['ticket'], { kind: 'new' }>;
        const number = new Computed('(SELECT ticket_counter FROM tenants WHERE id = ?) - ?', [tenantId, indexes.length - 1 - k]);
        const now = this.time(w.now);
        newTickets.push([tenantId, number, t.subject, 'open', t.requesterEmail, t.requesterName, 1, 1, now, now, now]);
        ticketIds[index] = new Computed(`(SELECT id FROM tickets WHERE tenant_id = ? AND number = ${number.sql})`, [tenantId, ...number.params]);
      });
    }
    statements.push(
      ...insertStatements(
        'tickets',
        ['tenant_id', 'number', 'subject', 'status', 'requester_email', 'requester_name', 'message_count', 'has_unread', 'last_activity_at', 'created_at', 'updated_at'],
        newTickets,
      ),
    );
    for (const indexes of groupIndexes(writes, (w) => (w.ticket.kind === 'existing' ? `${w.tenantId}:${w.ticket.id}` : null)).values()) {
      const touching = indexes.map((i) => writes[i]);
      const ticket = touching[0].ticket as Extract<InboundWrite['ticket'], { kind: 'existing' }>;
      for (const i of indexes) ticketIds[i] = ticket.id;
      statements.push(this.touchTicket(touching[0].tenantId, ticket.id, touching));
    }
    return statements;
  }

  /** More messages on one ticket; a customer writing again reopens it. */
  private touchTicket(tenantId: number, ticketId: number, writes: InboundWrite[]): Statement {
    const latest = this.time(new Date(Math.max(...writes.map((w) => w.now.getTime()))));
    const reopen = writes.some((w) => w.ticket.kind === 'existing' && w.ticket.reopen);
    return {
      sql:
        `UPDATE tickets SET message_count = message_count + ?, has_unread = 1, last_activity_at = ?, updated_at = ?${reopen ? ", status = 'open'" : ''} ` +
        'WHERE tenant_id = ? AND id = ?',
      params: [writes.length, latest, latest, tenantId, ticketId],
    };
  }

  /** The messages, their attachments, bounced replies' failures, usage, acknowledgements and log rows; then the read-back. */
  private messageStatements(writes: InboundWrite[], ticketIds: (number | Computed)[]): Statement[] {
    const messageIds = writes.map((w) => new Computed('(SELECT id FROM ticket_messages WHERE tenant_id = ? AND message_key = ?)', [w.tenantId, w.message.messageKey]));
    const tenantIds = [...new Set(writes.map((w) => w.tenantId))];
    return [
      ...insertStatements(
        'ticket_messages',
        ['tenant_id', 'ticket_id', 'direction', 'message_key', 'message_id', 'in_reply_to', 'references_json', 'from_address', 'from_name', 'to_json', 'cc_json',
          'subject', 'text_body', 'html_body', 'new_text', 'is_auto_reply', 'is_bounce', 'raw_sha256', 'thread_topic', 'thread_index', 'sent_at'],
        writes.map(({ tenantId, message: m }, i) => [
          tenantId, ticketIds[i], 'inbound', m.messageKey, m.messageId, m.inReplyTo, JSON.stringify(m.references), m.fromAddress, m.fromName,
          JSON.stringify(m.to), JSON.stringify(m.cc), m.subject, m.textBody, m.htmlBody, m.newText, m.isAutoReply ? 1 : 0, m.isBounce ? 1 : 0,
          m.rawSha256, m.threadTopic, m.threadIndex, m.sentAt ? this.time(m.sentAt) : null,
        ]),
      ),
      ...insertStatements(
        'attachments',
        ['tenant_id', 'ticket_message_id', 'filename', 'content_type', 'size', 'sha256', 'content_id', 'inline'],
        writes.flatMap((w, i) => w.attachments.map((a) => [w.tenantId, messageIds[i], a.filename, a.contentType, a.size, a.sha256, a.contentId, a.inline ? 1 : 0])),
      ),
      ...writes.flatMap((w) =>
        w.failedOutbound
          ? [{ sql: "UPDATE ticket_messages SET delivery_status = 'failed', delivery_detail = ? WHERE tenant_id = ? AND id = ?", params: [w.failedOutbound.detail, w.tenantId, w.failedOutbound.id] }]
          : [],
      ),
      this.usageStatement(writes),
      ...insertStatements(
        'outbox',
        ['tenant_id', 'kind', 'recipient', 'status', 'attempts', 'next_attempt_at', 'payload_json'],
        writes.flatMap((w, i) =>
          w.acknowledgeTo
            ? [[w.tenantId, 'acknowledgement', w.acknowledgeTo, 'queued', 0, this.time(w.now), jsonObject({ ticketId: ticketIds[i], inboundMessageId: messageIds[i] })]]
            : [],
        ),
      ),
      ...insertStatements(
        'email_processing_logs',
        LOG_COLUMNS,
        writes.map((w, i) => logValues({ ...w.log, tenantId: w.tenantId, ticketId: ticketIds[i], ticketMessageId: messageIds[i] })),
      ),
      {
        // A log row is found through its raw message (indexed) and its own ticket message.
        sql:
          'SELECT m.tenant_id, m.message_key, m.id, m.ticket_id, t.number, l.id AS log_id FROM ticket_messages m ' +
          'JOIN tickets t ON t.id = m.ticket_id JOIN email_processing_logs l ON l.raw_sha256 = m.raw_sha256 AND l.ticket_message_id = m.id ' +
          `WHERE m.tenant_id IN (${marks(tenantIds.length)}) AND m.message_key IN (${marks(writes.length)})`,
        params: [...tenantIds, ...writes.map((w) => w.message.messageKey)],
      },
    ];
  }

  private usageStatement(writes: InboundWrite[]): Statement {
    const rows = [...groupIndexes(writes, (w) => `${w.tenantId}:${w.usage.day}`).values()].map((indexes) => {
      const first = writes[indexes[0]];
      return [first.tenantId, first.usage.day, indexes.length, 0, indexes.reduce((sum, i) => sum + writes[i].usage.bytes, 0)];
    });
    const upsert = this.mysql
      ? 'ON DUPLICATE KEY UPDATE messages_in = messages_in + VALUES(messages_in), bytes_stored = bytes_stored + VALUES(bytes_stored)'
      : 'ON CONFLICT (tenant_id, day) DO UPDATE SET messages_in = messages_in + excluded.messages_in, bytes_stored = bytes_stored + excluded.bytes_stored';
    // A handful of rows (one per tenant and day), far below any limit on bound values.
    return insertStatements('tenant_usage', ['tenant_id', 'day', 'messages_in', 'messages_out', 'bytes_stored'], rows, upsert)[0];
  }

  /** The rows of the last statement. On MySQL the statements go as one query, in one round trip. */
  private async runInOrder<T>(manager: EntityManager, statements: Statement[]): Promise<T[]> {
    if (this.mysql) {
      const results: unknown[] = await manager.query(statements.map((s) => s.sql).join(';\n'), statements.flatMap((s) => s.params));
      return results[results.length - 1] as T[];
    }
    let rows: T[] = [];
    for (const statement of statements) rows = await manager.query(statement.sql, statement.params);
    return rows;
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

/** A log row's values, in LOG_COLUMNS order; a filed message's row reaches its ticket and message by subquery. */
function logValues(row: Omit<NewLogRow, 'ticketId' | 'ticketMessageId'> & { ticketId: number | null | Computed; ticketMessageId: number | null | Computed }): unknown[] {
  return [
    row.tenantId, row.source, row.sourceRef, row.outcome, row.reason, row.error, row.messageId, row.fromAddress, row.toAddresses, row.subject,
    row.ticketId, row.ticketMessageId, row.rawSha256, row.rawLocation, row.sizeBytes, row.durationMs,
  ];
}

/** SQLite allows 32,766 bound values per statement, MySQL 65,535. */
const MAX_BOUND_VALUES = 10_000;

interface Statement {
  sql: string;
  params: unknown[];
}

/** A value the database works out within the statement (a subquery), in place of a bound value. */
class Computed {
  constructor(
    readonly sql: string,
    readonly params: unknown[],
  ) {}
}

interface WrittenRow {
  tenant_id: number;
  message_key: string;
  id: number;
  ticket_id: number;
  number: number;
  log_id: number;
}

/** Multi-row INSERTs, in chunks that stay far below both engines' limits on bound values. */
function insertStatements(table: string, columns: string[], rows: unknown[][], suffix = ''): Statement[] {
  const statements: Statement[] = [];
  let tuples: string[] = [];
  let params: unknown[] = [];
  const flush = () => {
    statements.push({ sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${suffix}`, params });
    tuples = [];
    params = [];
  };
  for (const row of rows) {
    const marksOfRow = row.map((value) => {
      if (!(value instanceof Computed)) {
        params.push(value);
        return '?';
      }
      params.push(...value.params);
      return value.sql;
    });
    tuples.push(`(${marksOfRow.join(', ')})`);
    if (params.length >= MAX_BOUND_VALUES) flush();
  }
  if (tuples.length > 0) flush();
  return statements;
}

/** A JSON object of bound or computed values; json_object exists in MariaDB, MySQL and SQLite alike. */
function jsonObject(fields: Record<string, unknown>): Computed {
  const entries = Object.entries(fields);
  const values = entries.map(([, value]) => (value instanceof Computed ? value : new Computed('?', [value])));
  return new Computed(
    `json_object(${entries.map(([key], i) => `'${key}', ${values[i].sql}`).join(', ')})`,
    values.flatMap((v) => v.params),
  );
}

const retryAlone = (error: unknown) => !isDatabaseUnavailable(error);

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
