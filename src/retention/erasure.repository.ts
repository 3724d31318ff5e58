import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { marks } from '../database/batch-sql';

/** Everything a tenant holds of one customer address: their tickets, their messages anywhere, and the log rows of both. */
export interface CustomerData {
  tickets: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  attachments: { id: number; ticket_message_id: number; filename: string; content_type: string; size: number; sha256: string }[];
  logs: Record<string, unknown>[];
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.id));
const orNone = (list: number[]) => (list.length ? list : [0]);

@Injectable()
export class ErasureRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async customerData(tenantId: TenantId, email: string): Promise<CustomerData> {
    const tickets = await this.db.query(
      'SELECT id, number, subject, status, requester_email, requester_name, message_count, last_activity_at, created_at FROM tickets WHERE tenant_id = ? AND LOWER(requester_email) = ? ORDER BY id',
      [tenantId, email],
    );
    const ticketIds = orNone(ids(tickets));
    const messages = await this.db.query(
      `SELECT id, ticket_id, direction, message_id, in_reply_to, from_address, from_name, to_json, cc_json, subject, text_body, new_text, raw_sha256, sent_at, created_at
         FROM ticket_messages WHERE tenant_id = ? AND (ticket_id IN (${marks(ticketIds.length)}) OR LOWER(from_address) = ?) ORDER BY id`,
      [tenantId, ...ticketIds, email],
    );
    const messageIds = orNone(ids(messages));
    const attachments = await this.db.query(
      `SELECT id, ticket_message_id, filename, content_type, size, sha256 FROM attachments WHERE tenant_id = ? AND ticket_message_id IN (${marks(messageIds.length)}) ORDER BY id`,
      [tenantId, ...messageIds],
    );
    const logs = await this.db.query(
      `SELECT id, source, outcome, reason, message_id, from_address, to_addresses, subject, ticket_id, ticket_message_id, raw_sha256, raw_location, created_at
         FROM email_processing_logs
        WHERE tenant_id = ? AND (LOWER(from_address) = ? OR ticket_id IN (${marks(ticketIds.length)}) OR ticket_message_id IN (${marks(messageIds.length)})) ORDER BY id`,
      [tenantId, email, ...ticketIds, ...messageIds],
    );
    return { tickets, messages, attachments: attachments.map((a: CustomerData['attachments'][number]) => ({ ...a, size: Number(a.size) })), logs };
  }

  /** Deletes the rows in one transaction; attachments and outbox entries of the messages go with them (ON DELETE CASCADE). */
  async delete(tenantId: TenantId, email: string, data: CustomerData): Promise<void> {
    const logIds = orNone(ids(data.logs));
    const messageIds = orNone(ids(data.messages));
    const ticketIds = orNone(ids(data.tickets));
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM email_processing_logs WHERE tenant_id = ? AND id IN (${marks(logIds.length)})`, [tenantId, ...logIds]);
      await m.query('DELETE FROM outbox WHERE tenant_id = ? AND LOWER(recipient) = ?', [tenantId, email]);
      await m.query(`DELETE FROM ticket_messages WHERE tenant_id = ? AND id IN (${marks(messageIds.length)})`, [tenantId, ...messageIds]);
      await m.query(`DELETE FROM tickets WHERE tenant_id = ? AND id IN (${marks(ticketIds.length)})`, [tenantId, ...ticketIds]);
    });
  }
}
