import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { AttachmentStore } from '../storage/storage.module';
import { Attachment } from './attachment.entity';
import { MailFrameService } from './mail-frame.service';
import { senderKey } from './remote-image-policy';
import { RemoteImageSendersRepository } from './remote-image-senders.repository';
import { parseSearchQuery } from './search-query';
import { Ticket, TicketStatus } from './ticket.entity';
import { previewLine } from './ticket-preview';
import { TicketSearchRepository } from './ticket-search.repository';
import { TicketSummariesRepository } from './ticket-summaries.repository';
import { toMessageView, toTicketView } from './ticket-views';
import { ListTicketsQuery, UpdateTicketDto } from './tickets.dto';
import { TicketsRepository } from './tickets.repository';

@Injectable()
export class TicketsService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly summaries: TicketSummariesRepository,
    private readonly search: TicketSearchRepository,
    private readonly attachmentStore: AttachmentStore,
    private readonly mailFrames: MailFrameService,
    private readonly imageSenders: RemoteImageSendersRepository,
    private readonly audit: AuditTrail,
  ) {}

  /** `me` is the caller's user (null for a token without one: "me" then finds nothing assigned). */
  async list(tenantId: TenantId, query: ListTicketsQuery, me: number | null = null) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 25;
    const assignee = query.assignee === undefined ? undefined : query.assignee === 'none' ? null : query.assignee === 'me' ? (me ?? -1) : Number(query.assignee);
    const text = query.q?.trim();
    if (text) return this.find(tenantId, text, { status: query.status, assignee }, page, perPage);
    const { rows, total } = await this.tickets.page(tenantId, { status: query.status, assignee, sort: query.sort, page, perPage });
    return { data: await this.withPreviews(tenantId, rows), total, page, per_page: perPage };
  }

  async summary(tenantId: TenantId) {
    return { unread: await this.summaries.unreadCount(tenantId) };
  }

  /** The list's view of each ticket with the first line of its latest message. */
  private async withPreviews(tenantId: TenantId, rows: Ticket[]) {
    const texts = await this.summaries.latestTexts(tenantId, rows.map((t) => t.id));
    return rows.map((t) => ({ ...toTicketView(t), preview: previewLine(texts.get(t.id) ?? null) }));
  }

  /**
   * Search: the ticket a number names (`#123` or `123`) comes first, then the full-text matches
   * (none for `#123`). Input without a searchable word finds nothing rather than failing.
   */
  private async find(tenantId: TenantId, text: string, filter: { status?: TicketStatus; assignee?: number | null }, page: number, perPage: number) {
    const query = parseSearchQuery(text);
    const numbered = query.ticketNumber === null ? null : await this.tickets.findByNumber(tenantId, query.ticketNumber, filter.status);
    const pinned = numbered ? 1 : 0;
    const matches = query.searchText
      ? await this.search.search(tenantId, {
          terms: query.terms,
          ...filter,
          exceptTicketId: numbered?.id,
          offset: Math.max(0, (page - 1) * perPage - pinned),
          limit: page === 1 ? perPage - pinned : perPage,
        })
      : { ids: [], total: 0, estimated: false };
    const rows = [...(numbered && page === 1 ? [numbered] : []), ...(await this.tickets.inOrder(tenantId, matches.ids))];
    return { data: await this.withPreviews(tenantId, rows), total: matches.total + pinned, ...(matches.estimated ? { total_estimated: true } : {}), page, per_page: perPage };
  }

  async get(tenantId: TenantId, ticketId: number) {
    const ticket = await this.load(tenantId, ticketId);
    const messages = await this.tickets.messagesOf(tenantId, ticketId);
    const attachments = await this.tickets.attachmentsOf(tenantId, messages.map((m) => m.id));
    const senders = messages.filter((m) => m.htmlBody).map((m) => senderKey(m.fromAddress));
    const imageSenders = await this.imageSenders.listed(tenantId, [...new Set(senders.filter((s): s is string => s !== null))]);
    return {
      ...toTicketView(ticket),
      messages: messages.map((m) =>
        toMessageView(
          m,
          attachments.filter((a) => a.ticketMessageId === m.id),
          {
            htmlFrameUrl: m.htmlBody ? this.mailFrames.linkFor(tenantId, m.id) : null,
            senderImagesAllowed: imageSenders.has(senderKey(m.fromAddress) ?? ''),
          },
        ),
      ),
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
