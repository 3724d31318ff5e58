import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RequestBatcher } from '../common/request-batcher';
import { IngestFacts, IngestQuestions } from '../mail/ingest-decision';
import { marks, retryAlone, sqlTime } from '../database/batch-sql';
import { TenantId } from '../common/tenant-id';

interface FactsRequest {
  tenantId: TenantId;
  questions: IngestQuestions;
}

/** The window of ACKNOWLEDGEMENTS_PER_SENDER_PER_HOUR. */
const ACKNOWLEDGEMENT_WINDOW_MS = 3600_000;

/**
 * What the ingest decision needs to know of the database, for one message and one tenant. The
 * requests of concurrent messages share their queries: at most three per batch (messages the
 * tenants hold, tickets a token or subject tag names, and the sender's standing), each only when
 * some request in the batch asks for it. Every row is matched back to its request by tenant.
 */
@Injectable()
export class IngestFactsRepository {
  private readonly mysql: boolean;
  private readonly lookups: RequestBatcher<FactsRequest, IngestFacts>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
    // Sized by bound values, far below both engines' limits.
    this.lookups = new RequestBatcher((requests) => this.lookUp(requests), {
      maxItems: 64,
      maxBytes: 2000,
      sizeOf: (r) => 8 + r.questions.referencedIds.length,
      retryAlone,
    });
  }

  gatherFacts(tenantId: TenantId, questions: IngestQuestions): Promise<IngestFacts> {
    return this.lookups.submit({ tenantId, questions });
  }

  /** The tenant's copy of a message, for a write that lost a race to it. */
  async duplicateOf(tenantId: TenantId, messageKey: string): Promise<IngestFacts['duplicate']> {
    const [row] = await this.dataSource.query(
      'SELECT m.id, m.ticket_id, t.number FROM ticket_messages m JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id ' +
        'WHERE m.tenant_id = ? AND m.message_key = ?',
      [tenantId, messageKey],
    );
    return row ? { ticketMessageId: Number(row.id), ticketId: Number(row.ticket_id), ticketNumber: Number(row.number) } : null;
  }

  private async lookUp(requests: FactsRequest[]): Promise<IngestFacts[]> {
    const since = new Date(Date.now() - ACKNOWLEDGEMENT_WINDOW_MS);
    const [messages, tickets, standing] = await Promise.all([this.knownMessages(requests), this.namedTickets(requests), this.senderStanding(requests, since)]);
    return requests.map((request) => factsOf(request, messages, tickets, standing));
  }

  /** Copies of the messages (by fingerprint, with their ticket's number) and messages they refer to or a bounce returns. */
  private async knownMessages(requests: FactsRequest[]): Promise<MessageRow[]> {
    const tenantIds = unique(requests.map((r) => r.tenantId));
    const keys = unique(requests.map((r) => r.questions.messageKey));
    const referenced = unique(requests.flatMap((r) => [...r.questions.referencedIds, ...(r.questions.bouncedMessageId ? [r.questions.bouncedMessageId] : [])]));
    let sql =
      // The ticket's number by a subquery, not a join: it runs only for the rare copy found, and
      // the message key's unique index stays the one way into the query.
      'SELECT m.id, m.tenant_id, m.ticket_id, m.message_id, m.message_key, m.direction, ' +
      '(SELECT t.number FROM tickets t WHERE t.tenant_id = m.tenant_id AND t.id = m.ticket_id) AS ticket_number, 1 AS is_copy FROM ticket_messages m ' +
      `WHERE m.tenant_id IN (${marks(tenantIds.length)}) AND m.message_key IN (${marks(keys.length)})`;
    const params: unknown[] = [...tenantIds, ...keys];
    if (referenced.length > 0) {
      sql +=
        ' UNION ALL SELECT id, tenant_id, ticket_id, message_id, message_key, direction, 0, 0 FROM ticket_messages ' +
        `WHERE tenant_id IN (${marks(tenantIds.length)}) AND message_id IN (${marks(referenced.length)})`;
      params.push(...tenantIds, ...referenced);
    }
    return this.dataSource.query(sql, params);
  }

  /** Tickets a reply token or a subject tag names, each with those of the senders who wrote to it. */
  private async namedTickets(requests: FactsRequest[]): Promise<TicketRow[]> {
    const asking = requests.filter((r) => r.questions.replyTokenTicketId !== null || r.questions.subjectTagNumber !== null);
    if (asking.length === 0) return [];
    const tenantIds = unique(asking.map((r) => r.tenantId));
    const ids = unique(asking.flatMap((r) => r.questions.replyTokenTicketId ?? []));
    const numbers = unique(asking.flatMap((r) => r.questions.subjectTagNumber ?? []));
    const senders = unique(asking.flatMap((r) => (r.questions.subjectTagNumber !== null && r.questions.sender ? [r.questions.sender] : [])));
    const named = [...(ids.length > 0 ? [`t.id IN (${marks(ids.length)})`] : []), ...(numbers.length > 0 ? [`t.number IN (${marks(numbers.length)})`] : [])];
    const participants =
      senders.length > 0
        ? `LEFT JOIN ticket_messages p ON p.tenant_id = t.tenant_id AND p.ticket_id = t.id AND p.from_address IN (${marks(senders.length)}) `
        : '';
    return this.dataSource.query(
      `SELECT DISTINCT t.id, t.tenant_id, t.number, t.requester_email, ${senders.length > 0 ? 'p.from_address' : 'NULL'} AS participant FROM tickets t ` +
        participants +
        `WHERE t.tenant_id IN (${marks(tenantIds.length)}) AND (${named.join(' OR ')})`,
      [...senders, ...tenantIds, ...ids, ...numbers],
    );
  }

  /**
   * The sender's standing, in one statement of as many parts as asked for (each names its
   * columns, since any of them may come first): the tenant's messages
   * received today, whether the sender is one of our inbound addresses, acknowledgements sent to
   * it since `since`, and whether its last mail to the tenant was an auto-reply.
   */
  private async senderStanding(requests: FactsRequest[], since: Date): Promise<StandingRow[]> {
    const parts: string[] = [];
    const params: unknown[] = [];
    const quota = requests.filter((r) => r.questions.quotaDay !== null);
    if (quota.length > 0) {
      const tenantIds = unique(quota.map((r) => r.tenantId));
      const days = unique(quota.map((r) => r.questions.quotaDay!));
      parts.push(`SELECT 'usage' AS fact, tenant_id, day AS subject, messages_in AS n FROM tenant_usage WHERE tenant_id IN (${marks(tenantIds.length)}) AND day IN (${marks(days.length)})`);
      params.push(...tenantIds, ...days);
    }
    this.limitParts(requests, since, parts, params);
    const ours = unique(requests.flatMap((r) => r.questions.senderOnMailDomain ?? []));
    if (ours.length > 0) {
      parts.push(`SELECT 'ours' AS fact, 0 AS tenant_id, address AS subject, 1 AS n FROM inbound_addresses WHERE address IN (${marks(ours.length)})`);
      params.push(...ours);
    }
    const acknowledging = requests.filter((r) => r.questions.acknowledgementRecipient !== null);
    if (acknowledging.length > 0) {
      const tenantIds = unique(acknowledging.map((r) => r.tenantId));
      const recipients = unique(acknowledging.map((r) => r.questions.acknowledgementRecipient!));
      parts.push(
        `SELECT 'acknowledgements' AS fact, tenant_id, recipient AS subject, COUNT(*) AS n FROM outbox WHERE tenant_id IN (${marks(tenantIds.length)}) AND kind = 'acknowledgement' ` +
          `AND recipient IN (${marks(recipients.length)}) AND created_at >= ? GROUP BY tenant_id, recipient`,
      );
      params.push(...tenantIds, ...recipients, sqlTime(this.mysql, since));
      // One indexed "newest first, stop at the first" per sender, rather than a scan of all its mail.
      const pairs = unique(acknowledging.map((r) => `${r.tenantId}\n${r.questions.acknowledgementRecipient}`)).map((pair) => pair.split('\n'));
      pairs.forEach(([tenantId, sender], i) => {
        parts.push(
          `SELECT * FROM (SELECT 'last_auto_reply' AS fact, tenant_id, from_address AS subject, is_auto_reply AS n FROM ticket_messages ` +
            `WHERE tenant_id = ? AND from_address = ? AND direction = 'inbound' ORDER BY id DESC LIMIT 1) last_${i}`,
        );
        params.push(Number(tenantId), sender);
      });
    }
    return parts.length === 0 ? [] : this.dataSource.query(parts.join(' UNION ALL '), params);
  }

  /** The tenant's stored bytes (storage limit) and the sender's new tickets since `since` (flood throttle). */
  private limitParts(requests: FactsRequest[], since: Date, parts: string[], params: unknown[]): void {
    const storage = unique(requests.filter((r) => r.questions.storageLimited).map((r) => r.tenantId));
    if (storage.length > 0) {
      parts.push(`SELECT 'storage' AS fact, tenant_id, '' AS subject, SUM(bytes_stored) AS n FROM tenant_usage WHERE tenant_id IN (${marks(storage.length)}) GROUP BY tenant_id`);
      params.push(...storage);
    }
    const throttled = requests.filter((r) => r.questions.throttledSender);
    if (throttled.length > 0) {
      const tenantIds = unique(throttled.map((r) => r.tenantId));
      const senders = unique(throttled.map((r) => r.questions.throttledSender!));
      parts.push(
        `SELECT 'sender_new_tickets' AS fact, tenant_id, from_address AS subject, COUNT(*) AS n FROM email_processing_logs WHERE tenant_id IN (${marks(tenantIds.length)}) ` +
          `AND from_address IN (${marks(senders.length)}) AND created_at >= ? AND outcome = 'created' GROUP BY tenant_id, from_address`,
      );
      params.push(...tenantIds, ...senders, sqlTime(this.mysql, since));
    }
  }
}

interface MessageRow {
  id: number;
  tenant_id: number;
  ticket_id: number;
  message_id: string | null;
  message_key: string;
  direction: string;
  ticket_number: number;
  is_copy: number;
}

interface TicketRow {
  id: number;
  tenant_id: number;
  number: number;
  requester_email: string | null;
  participant: string | null;
}

interface StandingRow {
  fact: 'usage' | 'ours' | 'acknowledgements' | 'last_auto_reply' | 'storage' | 'sender_new_tickets';
  tenant_id: number;
  subject: string;
  n: number | string;
}

/** One request's share of the batch's rows: rows of its own tenant and its own questions only. */
function factsOf({ tenantId, questions: q }: FactsRequest, messages: MessageRow[], tickets: TicketRow[], standing: StandingRow[]): IngestFacts {
  const own = messages.filter((r) => Number(r.tenant_id) === tenantId);
  const copy = own.find((r) => Number(r.is_copy) === 1 && r.message_key === q.messageKey);
  const references = own.filter((r) => Number(r.is_copy) === 0).sort((a, b) => Number(b.id) - Number(a.id));
  const referencedTicketIds = unique(q.referencedIds.flatMap((id) => references.filter((r) => r.message_id === id).map((r) => Number(r.ticket_id))));
  const bounced = q.bouncedMessageId === null ? undefined : references.find((r) => r.message_id === q.bouncedMessageId && r.direction === 'outbound');

  const ownTickets = tickets.filter((t) => Number(t.tenant_id) === tenantId);
  const tokenTicket = ownTickets.find((t) => Number(t.id) === q.replyTokenTicketId);
  const tagged = q.subjectTagNumber === null ? [] : ownTickets.filter((t) => Number(t.number) === q.subjectTagNumber);
  const senderTakesPart = q.sender !== null && tagged.some((t) => t.requester_email === q.sender || t.participant === q.sender);

  const fact = (kind: StandingRow['fact'], subject: string | null, ofTenant = true) =>
    subject === null ? undefined : standing.find((r) => r.fact === kind && r.subject === subject && (!ofTenant || Number(r.tenant_id) === tenantId));
  return {
    duplicate: copy ? { ticketMessageId: Number(copy.id), ticketId: Number(copy.ticket_id), ticketNumber: Number(copy.ticket_number) } : null,
    referencedTicketIds,
    replyTokenTicketId: tokenTicket ? Number(tokenTicket.id) : null,
    subjectTagTicket: tagged.length > 0 ? { id: Number(tagged[0].id), senderTakesPart } : null,
    senderIsOurAddress: fact('ours', q.senderOnMailDomain, false) !== undefined,
    messagesReceivedToday: Number(fact('usage', q.quotaDay)?.n ?? 0),
    senderLastMailWasAutoReply: Boolean(Number(fact('last_auto_reply', q.acknowledgementRecipient)?.n ?? 0)),
    acknowledgementsToSenderLastHour: Number(fact('acknowledgements', q.acknowledgementRecipient)?.n ?? 0),
    bouncedOutbound: bounced ? { ticketMessageId: Number(bounced.id), ticketId: Number(bounced.ticket_id) } : null,
    ...(q.storageLimited ? { bytesStored: Number(fact('storage', '')?.n ?? 0) } : {}),
    ...(q.throttledSender ? { newTicketsFromSenderLastHour: Number(fact('sender_new_tickets', q.throttledSender)?.n ?? 0) } : {}),
  };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
