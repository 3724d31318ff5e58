import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { AttachmentStore } from '../storage/storage.module';
import { Attachment } from './attachment.entity';
import { Ticket } from './ticket.entity';
import { TicketMessage } from './ticket-message.entity';
import { toMessageView, toTicketView } from './ticket-views';
import { ListTicketsQuery, UpdateTicketDto } from './tickets.dto';

@Injectable()
export class TicketsService {
  constructor(
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
    @InjectRepository(TicketMessage) private readonly messages: Repository<TicketMessage>,
    @InjectRepository(Attachment) private readonly attachments: Repository<Attachment>,
    private readonly attachmentStore: AttachmentStore,
  ) {}

  async list(tenantId: number, query: ListTicketsQuery) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 25;
    const qb = this.tickets.createQueryBuilder('t').where('t.tenant_id = :tenantId', { tenantId });
    if (query.status) qb.andWhere('t.status = :status', { status: query.status });
    const q = query.q?.trim();
    if (q) {
      // '!' as the LIKE escape: a backslash means different things to MySQL and SQLite string literals.
      const like = `%${q.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      qb.andWhere(
        `(t.subject LIKE :like ESCAPE '!' OR EXISTS (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id AND m.tenant_id = t.tenant_id AND (m.text_body LIKE :like ESCAPE '!' OR m.from_address LIKE :like ESCAPE '!')))`,
        { like },
      );
    }
    const [rows, total] = await qb
      .orderBy('t.last_activity_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .skip((page - 1) * perPage)
      .take(perPage)
      .getManyAndCount();
    return { data: rows.map(toTicketView), total, page, per_page: perPage };
  }

  async get(tenantId: number, ticketId: number) {
    const ticket = await this.load(tenantId, ticketId);
    const messages = await this.messages.find({ where: { tenantId, ticketId }, order: { id: 'ASC' } });
    const attachments = messages.length
      ? await this.attachments.find({ where: { tenantId, ticketMessageId: In(messages.map((m) => m.id)) }, order: { id: 'ASC' } })
      : [];
    return {
      ...toTicketView(ticket),
      messages: messages.map((m) => toMessageView(m, attachments.filter((a) => a.ticketMessageId === m.id))),
    };
  }

  async update(tenantId: number, ticketId: number, dto: UpdateTicketDto) {
    const ticket = await this.load(tenantId, ticketId);
    if (dto.status !== undefined) ticket.status = dto.status;
    if (dto.has_unread !== undefined) ticket.hasUnread = dto.has_unread;
    return toTicketView(await this.tickets.save(ticket));
  }

  async attachment(tenantId: number, attachmentId: number): Promise<{ meta: Attachment; content: Buffer }> {
    const meta = await this.attachments.findOneBy({ tenantId, id: attachmentId });
    if (!meta) throw DomainError.notFound('Attachment');
    return { meta, content: await this.attachmentStore.get(meta.sha256) };
  }

  async load(tenantId: number, ticketId: number): Promise<Ticket> {
    const ticket = await this.tickets.findOneBy({ tenantId, id: ticketId });
    if (!ticket) throw DomainError.notFound('Ticket');
    return ticket;
  }
}
