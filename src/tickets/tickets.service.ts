import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { AttachmentStore } from '../storage/storage.module';
import { Attachment } from './attachment.entity';
import { MailFrameService } from './mail-frame.service';
import { senderKey } from './remote-image-policy';
import { RemoteImageSendersRepository } from './remote-image-senders.repository';
import { Ticket } from './ticket.entity';
import { toMessageView, toTicketView } from './ticket-views';
import { ListTicketsQuery, UpdateTicketDto } from './tickets.dto';
import { TicketsRepository } from './tickets.repository';
import { TicketSummariesRepository } from './ticket-summaries.repository';
import { previewLine } from './ticket-preview';

@Injectable()
export class TicketsService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly summaries: TicketSummariesRepository,
    private readonly attachmentStore: AttachmentStore,
    private readonly mailFrames: MailFrameService,
    private readonly imageSenders: RemoteImageSendersRepository,
  ) {}

  async list(tenantId: TenantId, query: ListTicketsQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 25;
    const { rows, total } = await this.tickets.page(tenantId, { status: query.status, sort: query.sort, text: query.q?.trim() || undefined, page, perPage });
    const texts = await this.summaries.latestTexts(tenantId, rows.map((t) => t.id));
    return { data: rows.map((t) => ({ ...toTicketView(t), preview: previewLine(texts.get(t.id) ?? null) })), total, page, per_page: perPage };
  }

  async summary(tenantId: TenantId) {
    return { unread: await this.summaries.unreadCount(tenantId) };
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
    const changes: Partial<Pick<Ticket, 'status' | 'hasUnread'>> = {};
    if (dto.status !== undefined && dto.status !== ticket.status) changes.status = dto.status;
    if (dto.has_unread !== undefined && dto.has_unread !== ticket.hasUnread) changes.hasUnread = dto.has_unread;
    if (Object.keys(changes).length > 0) await this.tickets.update(tenantId, ticketId, changes);
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
