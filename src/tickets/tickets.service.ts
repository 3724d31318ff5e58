import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { AttachmentStore } from '../storage/storage.module';
import { Attachment } from './attachment.entity';
import { Ticket } from './ticket.entity';
import { toMessageView, toTicketView } from './ticket-views';
import { ListTicketsQuery, UpdateTicketDto } from './tickets.dto';
import { TicketsRepository } from './tickets.repository';

@Injectable()
export class TicketsService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly attachmentStore: AttachmentStore,
    private readonly audit: AuditTrail,
  ) {}

  /** `me` is the caller's user (null for a token without one: "me" then finds nothing assigned). */
  async list(tenantId: TenantId, query: ListTicketsQuery, me: number | null = null) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 25;
    const assignee = query.assignee === undefined ? undefined : query.assignee === 'none' ? null : query.assignee === 'me' ? (me ?? -1) : Number(query.assignee);
    const { rows, total } = await this.tickets.page(tenantId, { status: query.status, assignee, text: query.q?.trim() || undefined, page, perPage });
    return { data: rows.map(toTicketView), total, page, per_page: perPage };
  }

  async get(tenantId: TenantId, ticketId: number) {
    const ticket = await this.load(tenantId, ticketId);
    const messages = await this.tickets.messagesOf(tenantId, ticketId);
    const attachments = await this.tickets.attachmentsOf(tenantId, messages.map((m) => m.id));
    return {
      ...toTicketView(ticket),
      messages: messages.map((m) => toMessageView(m, attachments.filter((a) => a.ticketMessageId === m.id))),
    };
  }

  async update(tenantId: TenantId, ticketId: number, dto: UpdateTicketDto) {
    const ticket = await this.load(tenantId, ticketId);
    const changes: Partial<Pick<Ticket, 'status' | 'hasUnread' | 'assigneeUserId'>> = {};
    if (dto.assignee_user_id !== undefined && dto.assignee_user_id !== ticket.assigneeUserId) {
      if (dto.assignee_user_id !== null && !(await this.tickets.hasUser(tenantId, dto.assignee_user_id))) {
        throw new DomainError('unprocessable', 'assignee_user_id: this tenant has no such user');
      }
      changes.assigneeUserId = dto.assignee_user_id;
    }
    if (dto.status !== undefined && dto.status !== ticket.status) changes.status = dto.status;
    if (dto.has_unread !== undefined && dto.has_unread !== ticket.hasUnread) changes.hasUnread = dto.has_unread;
    if (Object.keys(changes).length > 0) await this.tickets.update(tenantId, ticketId, changes);
    this.audit.noteChanges(
      { status: ticket.status, has_unread: ticket.hasUnread, assignee_user_id: ticket.assigneeUserId },
      { status: changes.status ?? ticket.status, has_unread: changes.hasUnread ?? ticket.hasUnread, assignee_user_id: changes.assigneeUserId !== undefined ? changes.assigneeUserId : ticket.assigneeUserId },
    );
    return toTicketView(Object.assign(ticket, changes));
  }

  async attachment(tenantId: TenantId, attachmentId: number): Promise<{ meta: Attachment; content: Buffer }> {
    const meta = await this.tickets.attachment(tenantId, attachmentId);
    if (!meta) throw DomainError.notFound('Attachment');
    return { meta, content: await this.attachmentStore.get(meta.sha256) };
  }

  private async load(tenantId: TenantId, ticketId: number): Promise<Ticket> {
    const ticket = await this.tickets.find(tenantId, ticketId);
    if (!ticket) throw DomainError.notFound('Ticket');
    return ticket;
  }
}
