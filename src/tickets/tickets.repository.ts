import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { Attachment } from './attachment.entity';
import { Ticket, TicketStatus } from './ticket.entity';
import { TicketMessage } from './ticket-message.entity';

export type TicketSort = 'activity' | 'waiting';
export const TICKET_SORTS: readonly TicketSort[] = ['activity', 'waiting'];

interface TicketFilter {
  status?: TicketStatus;
  /** activity: newest activity first; waiting: the longest without activity first. */
  sort?: TicketSort;
  /** A user's tickets, or null for the unassigned ones. */
  assignee?: number | null;
  page: number;
  perPage: number;
}

/** Reads of tickets, their messages and attachments; every one within one tenant. */
@Injectable()
export class TicketsRepository {
  constructor(
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
    @InjectRepository(TicketMessage) private readonly messages: Repository<TicketMessage>,
    @InjectRepository(Attachment) private readonly attachments: Repository<Attachment>,
  ) {}

  async page(tenantId: TenantId, filter: TicketFilter): Promise<{ rows: Ticket[]; total: number }> {
    const qb = this.tickets.createQueryBuilder('t').where('t.tenant_id = :tenantId', { tenantId });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.assignee === null) qb.andWhere('t.assignee_user_id IS NULL');
    else if (filter.assignee !== undefined) qb.andWhere('t.assignee_user_id = :assignee', { assignee: filter.assignee });
    const direction = filter.sort === 'waiting' ? 'ASC' : 'DESC';
    const [rows, total] = await qb
      .orderBy('t.last_activity_at', direction)
      .addOrderBy('t.id', direction)
      .skip((filter.page - 1) * filter.perPage)
      .take(filter.perPage)
      .getManyAndCount();
    return { rows, total };
  }

  /** The tickets of these ids, in the order given (the order search ranked them in). */
  async inOrder(tenantId: TenantId, ids: number[]): Promise<Ticket[]> {
    if (ids.length === 0) return [];
    const byId = new Map((await this.tickets.findBy({ tenantId, id: In(ids) })).map((t) => [t.id, t]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  findByNumber(tenantId: TenantId, number: number, status?: TicketStatus): Promise<Ticket | null> {
    return this.tickets.findOneBy({ tenantId, number, ...(status ? { status } : {}) });
  }

  find(tenantId: TenantId, ticketId: number): Promise<Ticket | null> {
    return this.tickets.findOneBy({ tenantId, id: ticketId });
  }

  async update(tenantId: TenantId, ticketId: number, changes: Partial<Pick<Ticket, 'status' | 'hasUnread' | 'assigneeUserId'>>): Promise<void> {
    await this.tickets.update({ tenantId, id: ticketId }, changes);
  }

  async userName(tenantId: TenantId, userId: number): Promise<string | null> {
    const [row]: { name: string }[] = await this.tickets.query('SELECT name FROM users WHERE tenant_id = ? AND id = ?', [tenantId, userId]);
    return row?.name ?? null;
  }

  /** The author's draft is done with once the reply is queued. */
  async deleteDraft(tenantId: TenantId, ticketId: number, userId: number): Promise<void> {
    await this.tickets.query('DELETE FROM reply_drafts WHERE tenant_id = ? AND ticket_id = ? AND user_id = ?', [tenantId, ticketId, userId]);
  }

  /** Whether the tenant has this user: a ticket is assigned only within its tenant. */
  async hasUser(tenantId: TenantId, userId: number): Promise<boolean> {
    const rows: unknown[] = await this.tickets.query('SELECT id FROM users WHERE tenant_id = ? AND id = ?', [tenantId, userId]);
    return rows.length > 0;
  }

  messagesOf(tenantId: TenantId, ticketId: number): Promise<TicketMessage[]> {
    return this.messages.find({ where: { tenantId, ticketId }, order: { id: 'ASC' } });
  }

  message(tenantId: TenantId, ticketMessageId: number): Promise<TicketMessage | null> {
    return this.messages.findOneBy({ tenantId, id: ticketMessageId });
  }

  /** The thread's messages in order, with just what threading needs. */
  threadMessages(tenantId: TenantId, ticketId: number): Promise<TicketMessage[]> {
    return this.messages.find({
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

  attachmentsOf(tenantId: TenantId, ticketMessageIds: number[]): Promise<Attachment[]> {
    if (ticketMessageIds.length === 0) return Promise.resolve([]);
    return this.attachments.find({ where: { tenantId, ticketMessageId: In(ticketMessageIds) }, order: { id: 'ASC' } });
  }

  attachment(tenantId: TenantId, attachmentId: number): Promise<Attachment | null> {
    return this.attachments.findOneBy({ tenantId, id: attachmentId });
  }
}
