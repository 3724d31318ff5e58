import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { Ticket } from './ticket.entity';
import { TicketMessage } from './ticket-message.entity';
import { PREVIEW_SOURCE_LENGTH } from './ticket-preview';

/** What the ticket list shows beside the tickets themselves: previews and the unread count. */
@Injectable()
export class TicketSummariesRepository {
  constructor(
    @InjectRepository(Ticket) private readonly tickets: Repository<Ticket>,
    @InjectRepository(TicketMessage) private readonly messages: Repository<TicketMessage>,
  ) {}

  /** The start of each ticket's latest message text (new text without the quoted history where known). */
  async latestTexts(tenantId: TenantId, ticketIds: number[]): Promise<Map<number, string | null>> {
    if (ticketIds.length === 0) return new Map();
    const latest = this.messages
      .createQueryBuilder('l')
      .select('MAX(l.id)')
      .where('l.tenant_id = :tenantId')
      .andWhere('l.ticket_id IN (:...ticketIds)')
      .groupBy('l.ticket_id');
    const rows: { ticket_id: number | string; text: string | null }[] = await this.messages
      .createQueryBuilder('m')
      .select('m.ticket_id', 'ticket_id')
      .addSelect(`SUBSTR(COALESCE(m.new_text, m.text_body), 1, ${PREVIEW_SOURCE_LENGTH})`, 'text')
      .where('m.tenant_id = :tenantId', { tenantId })
      .andWhere(`m.id IN (${latest.getQuery()})`)
      .setParameters({ tenantId, ticketIds })
      .getRawMany();
    return new Map(rows.map((r) => [Number(r.ticket_id), r.text]));
  }

  unreadCount(tenantId: TenantId): Promise<number> {
    return this.tickets.countBy({ tenantId, hasUnread: true });
  }
}
