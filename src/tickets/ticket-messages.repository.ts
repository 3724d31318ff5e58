import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { Attachment } from './attachment.entity';
import { Ticket } from './ticket.entity';
import { TicketMessage } from './ticket-message.entity';

/** A message as its writer knows it: the tenant comes from the scope, never from the fields. */
export type NewTicketMessage = Omit<TicketMessage, 'id' | 'createdAt' | 'tenantId'>;
export type NewAttachment = Omit<Attachment, 'id' | 'createdAt' | 'tenantId' | 'ticketMessageId'>;
export type DeliveryChange = Pick<TicketMessage, 'deliveryStatus' | 'deliveryDetail'> & Partial<Pick<TicketMessage, 'sentAt'>>;

/**
 * Writes of single ticket messages, inside a transaction the calling repository runs (a reply
 * is stored with its outbox entry, an acknowledgement with its entry's link to it). The ingest
 * pipeline's group commit files many messages per statement and keeps its own SQL.
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
    const bumped = await manager.update(
      Ticket,
      { tenantId, id: fields.ticketId },
      { messageCount: () => 'message_count + 1', ...(options.lastActivityAt ? { lastActivityAt: options.lastActivityAt } : {}) },
    );
    // The ticket id comes with the fields: a ticket of another tenant must not gain this message.
    if (bumped.affected !== 1) throw new Error(`tenant ${tenantId} has no ticket ${fields.ticketId}`);
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
