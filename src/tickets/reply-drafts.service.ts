import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { MultiLine, SingleLine } from '../common/validation';
import { ReplyDraft } from './reply-draft.entity';
import { TicketsRepository } from './tickets.repository';

export class SaveDraftDto {
  @ApiProperty({ maxLength: 200_000 })
  @IsString() @MaxLength(200_000) @MultiLine() body_text: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'The Cc field as typed' })
  @IsOptional() @IsString() @MaxLength(2000) @SingleLine() cc?: string;
}

/** One draft per ticket and person; saving an empty one removes it. */
@Injectable()
export class ReplyDraftsService {
  constructor(
    @InjectRepository(ReplyDraft) private readonly drafts: Repository<ReplyDraft>,
    private readonly tickets: TicketsRepository,
  ) {}

  async get(tenantId: TenantId, ticketId: number, userId: number | null) {
    const user = await this.owner(tenantId, ticketId, userId);
    const draft = await this.drafts.findOneBy({ tenantId, ticketId, userId: user });
    return draft ? toDraftView(draft) : null;
  }

  async save(tenantId: TenantId, ticketId: number, userId: number | null, dto: SaveDraftDto) {
    const user = await this.owner(tenantId, ticketId, userId);
    if (!dto.body_text.trim() && !dto.cc?.trim()) {
      await this.drafts.delete({ tenantId, ticketId, userId: user });
      return null;
    }
    const existing = await this.drafts.findOneBy({ tenantId, ticketId, userId: user });
    const draft = existing ?? this.drafts.create({ tenantId, ticketId, userId: user });
    draft.bodyText = dto.body_text;
    draft.cc = dto.cc?.trim() || null;
    return toDraftView(await this.drafts.save(draft));
  }

  async discard(tenantId: TenantId, ticketId: number, userId: number | null): Promise<void> {
    const user = await this.owner(tenantId, ticketId, userId);
    await this.drafts.delete({ tenantId, ticketId, userId: user });
  }

  private async owner(tenantId: TenantId, ticketId: number, userId: number | null): Promise<number> {
    if (userId === null) throw new DomainError('unprocessable', 'Drafts belong to a person: this token has no user');
    if (!(await this.tickets.find(tenantId, ticketId))) throw DomainError.notFound('Ticket');
    return userId;
  }
}

function toDraftView(draft: ReplyDraft) {
  return { ticket_id: draft.ticketId, body_text: draft.bodyText, cc: draft.cc ?? '', updated_at: draft.updatedAt };
}
