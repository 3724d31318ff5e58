import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min, Max, ValidateIf } from 'class-validator';
import { TICKET_STATUSES, TicketStatus } from './ticket.entity';
import { SingleLine } from '../common/validation';
import { TICKET_SORTS, TicketSort } from './tickets.repository';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class ListTicketsQuery {
  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional() @IsIn(TICKET_STATUSES) status?: TicketStatus;
  @ApiPropertyOptional({ enum: TICKET_SORTS, default: 'activity', description: 'activity: newest activity first; waiting: longest without activity first' })
  @IsOptional() @IsIn(TICKET_SORTS) sort?: TicketSort;
  @ApiPropertyOptional({ maxLength: 200, description: 'Search: words and "quoted phrases" matched in the subject, the senders, the messages and the attachment names, best match first; `#123` or `123` finds ticket 123' })
  @IsOptional() @IsString() @MaxLength(200) @SingleLine() q?: string;
  @ApiPropertyOptional({ example: 'me', description: '"me" (the caller’s tickets), "none" (unassigned), or a user id' })
  @IsOptional() @IsString() @Matches(/^(me|none|[1-9]\d{0,9})$/, { message: 'assignee must be "me", "none" or a user id' }) assignee?: string;
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) per_page?: number;
}

export class UpdateTicketDto {
  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional() @IsIn(TICKET_STATUSES) status?: TicketStatus;
  @ApiPropertyOptional()
  @IsOptional() @IsBoolean() has_unread?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'The user who owns the ticket; null: unassigned' })
  @IsOptional() @ValidateIf((_, value) => value !== null) @IsInt() @Min(1) assignee_user_id?: number | null;
}
