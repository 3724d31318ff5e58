import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsString, Length } from 'class-validator';
import { Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { MultiLine } from '../common/validation';
import { TicketNote } from './ticket-note.entity';
import { TicketsRepository } from './tickets.repository';

export class AddNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 20000 })
  @IsString() @Length(1, 20000) @MultiLine() body: string;
}

/** Internal notes: read and written by the tenant's agents, never sent, never threaded. */
@Injectable()
export class TicketNotesService {
  constructor(
    @InjectRepository(TicketNote) private readonly notes: Repository<TicketNote>,
    private readonly tickets: TicketsRepository,
  ) {}

  async list(tenantId: TenantId, ticketId: number) {
    await this.assertTicket(tenantId, ticketId);
    return (await this.notes.find({ where: { tenantId, ticketId }, order: { id: 'ASC' } })).map(toNoteView);
  }

  async add(tenantId: TenantId, ticketId: number, authorUserId: number | null, body: string) {
    if (!body.trim()) throw new DomainError('bad_request', 'body must not be empty');
    await this.assertTicket(tenantId, ticketId);
    const authorName = authorUserId === null ? null : await this.tickets.userName(tenantId, authorUserId);
    return toNoteView(await this.notes.save(this.notes.create({ tenantId, ticketId, authorUserId, authorName, body: body.trim() })));
  }

  private async assertTicket(tenantId: TenantId, ticketId: number): Promise<void> {
    if (!(await this.tickets.find(tenantId, ticketId))) throw DomainError.notFound('Ticket');
  }
}

function toNoteView(note: TicketNote) {
  return { id: note.id, ticket_id: note.ticketId, author: { user_id: note.authorUserId, name: note.authorName }, body: note.body, created_at: note.createdAt };
}

