import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { insertRows, marks, sqlTime } from '../database/batch-sql';
import { Attachment } from './attachment.entity';
import { TicketMessage } from './ticket-message.entity';

/** A message as its writer knows it: the tenant comes from the scope, never from the fields. */
export type NewTicketMessage = Omit<TicketMessage, 'id' | 'createdAt' | 'tenantId'>;
export type NewAttachment = Omit<Attachment, 'id' | 'createdAt' | 'tenantId' | 'ticketMessageId'>;
export type DeliveryChange = Pick<TicketMessage, 'deliveryStatus' | 'deliveryDetail'> & Partial<Pick<TicketMessage, 'sentAt'>>;

/**
 * The one place messages join tickets. Single ones (a reply, stored with its outbox entry; an
 * acknowledgement, with its entry's link to it) go through `append`, inside the transaction the
 * calling repository runs; the ingest pipeline's group commit files many inbound messages per
 * statement through `insertInboundMessages`. Both count them with `countMessagesOnTicket`.
 */
@Injectable()
export class TicketMessagesRepository {
  /** The one place a message joins a ticket: the row, its attachments, and the ticket's message_count. */
  async append(
    manager: EntityManager,
    tenantId: TenantId,
    fields: NewTicketMessage,
    options: { attachments?: NewAttachment[]; lastActivityAt?: Date } = {},
  ): Promise<{ message: TicketMessage; attachments: Attachment[] }> {
    // The ticket id comes with the fields: a ticket of another tenant must not gain this message.
    if (!(await countMessagesOnTicket(manager, tenantId, fields.ticketId, 1, { at: options.lastActivityAt }))) {
      throw new Error(`tenant ${tenantId} has no ticket ${fields.ticketId}`);
    }
    const message = await manager.save(manager.create(TicketMessage, { ...fields, tenantId }));
    const files = options.attachments ?? [];
    const attachments = files.length
      ? await manager.save(files.map((file) => manager.create(Attachment, { ...file, tenantId, ticketMessageId: message.id })))
      : [];
    return { message, attachments };
  }

  /** How sending an outbound message went, as the agent sees it on the ticket. */
  async recordDelivery(manager: EntityManager, tenantId: TenantId, ticketMessageId: number, change: DeliveryChange): Promise<void> {
    await manager.update(TicketMessage, { tenantId, id: ticketMessageId }, change);
  }
}

/** An inbound message as the ingest pipeline files it. */
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
  /** The sender-authentication verdict and its checks (issue 19). */
  senderAuth?: string | null;
  senderAuthDetails?: string | null;
}

/**
 * The one counter of a ticket's messages: `count` messages joined it. `touch` is what else their
 * arrival changes (activity time, unread, a reopen). False when the tenant has no such ticket.
 */
export async function countMessagesOnTicket(
  manager: EntityManager,
  tenantId: TenantId,
  ticketId: number,
  count: number,
  touch: { at?: Date; unread?: boolean; reopen?: boolean } = {},
): Promise<boolean> {
  const mysql = manager.connection.options.type === 'mysql';
  const at = touch.at ?? new Date();
  const sets = ['message_count = message_count + ?', 'updated_at = ?'];
  const params: unknown[] = [count, sqlTime(mysql, at)];
  if (touch.at) {
    sets.push('last_activity_at = ?');
    params.push(sqlTime(mysql, touch.at));
  }
  if (touch.unread) sets.push('has_unread = 1');
  if (touch.reopen) sets.push("status = 'open'");
  const sql = `UPDATE tickets SET ${sets.join(', ')} WHERE tenant_id = ? AND id = ?`;
  params.push(tenantId, ticketId);
  // Plain SQL (the group commit runs on connections without entity metadata); how many rows it
  // changed comes back as affectedRows from MySQL, as the RETURNING rows from SQLite.
  if (mysql) return Number((await manager.query(sql, params)).affectedRows) === 1;
  return (await manager.query(`${sql} RETURNING id`, params)).length === 1;
}

const INBOUND_COLUMNS = [
  'tenant_id', 'ticket_id', 'direction', 'message_key', 'message_id', 'in_reply_to', 'references_json', 'from_address', 'from_name', 'to_json', 'cc_json',
  'subject', 'text_body', 'html_body', 'new_text', 'is_auto_reply', 'is_bounce', 'raw_sha256', 'thread_topic', 'thread_index', 'sent_at', 'sender_auth', 'sender_auth_details',
];

/**
 * Inbound messages of a group commit in multi-row inserts, and their ids back in the order given
 * (found again by tenant and message key, which are unique together). The tickets are counted by
 * the caller, once per ticket.
 */
export async function insertInboundMessages(
  manager: EntityManager,
  rows: { tenantId: TenantId; ticketId: number; message: NewInboundMessage }[],
): Promise<number[]> {
  const mysql = manager.connection.options.type === 'mysql';
  await insertRows(
    manager,
    'ticket_messages',
    INBOUND_COLUMNS,
    rows.map(({ tenantId, ticketId, message: m }) => [
      tenantId, ticketId, 'inbound', m.messageKey, m.messageId, m.inReplyTo, JSON.stringify(m.references), m.fromAddress, m.fromName,
      JSON.stringify(m.to), JSON.stringify(m.cc), m.subject, m.textBody, m.htmlBody, m.newText, m.isAutoReply ? 1 : 0, m.isBounce ? 1 : 0,
      m.rawSha256, m.threadTopic, m.threadIndex, m.sentAt ? sqlTime(mysql, m.sentAt) : null, m.senderAuth ?? null, m.senderAuthDetails ?? null,
    ]),
  );
  const tenantIds = [...new Set(rows.map((r) => r.tenantId))];
  const found: { id: number; tenant_id: number; message_key: string }[] = await manager.query(
    `SELECT id, tenant_id, message_key FROM ticket_messages WHERE tenant_id IN (${marks(tenantIds.length)}) AND message_key IN (${marks(rows.length)})`,
    [...tenantIds, ...rows.map((r) => r.message.messageKey)],
  );
  const ids = new Map(found.map((r) => [`${r.tenant_id}:${r.message_key}`, Number(r.id)]));
  return rows.map((r) => ids.get(`${r.tenantId}:${r.message.messageKey}`)!);
}
