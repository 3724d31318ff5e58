import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min, Max, ValidateIf } from 'class-validator';
import { TICKET_STATUSES, TicketStatus } from './ticket.entity';
import { SingleLine } from '../common/validation';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class ListTicketsQuery {
  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional() @IsIn(TICKET_STATUSES) status?: TicketStatus;
  @ApiPropertyOptional({ maxLength: 200, description: 'Words searched in the subject, the requester and the ticket number' })
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
