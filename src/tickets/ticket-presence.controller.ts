import { Body, Controller, Injectable, Param, ParseIntPipe, Post, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsBoolean, IsOptional } from 'class-validator';
import { DataSource } from 'typeorm';
import { NotAudited } from '../audit/audit.decorators';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { TicketsRepository } from './tickets.repository';

/** A heartbeat older than this no longer counts: the page sends one every 15 s while open. */
export const PRESENCE_TTL_MS = 45_000;

export class PresenceDto {
  @ApiPropertyOptional({ description: 'true while the caller is writing a reply' })
  @IsOptional() @IsBoolean() writing?: boolean;
}

interface OtherRow {
  user_id: number;
  name: string;
  writing: number | boolean;
}

@Injectable()
export class TicketPresenceService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tickets: TicketsRepository,
  ) {}

  /** Records the caller's heartbeat and answers the others who have the ticket open now. */
  async beat(tenantId: TenantId, ticketId: number, userId: number | null, writing: boolean) {
    if (userId === null) throw new DomainError('unprocessable', 'Presence is a person’s: this token has no user');
    if (!(await this.tickets.find(tenantId, ticketId))) throw DomainError.notFound('Ticket');
    const now = new Date();
    await this.db.transaction(async (manager) => {
      await manager.query('DELETE FROM ticket_presence WHERE ticket_id = ? AND user_id = ?', [ticketId, userId]);
      await manager.query('INSERT INTO ticket_presence (tenant_id, ticket_id, user_id, writing, seen_at) VALUES (?, ?, ?, ?, ?)', [tenantId, ticketId, userId, writing ? 1 : 0, sqlDate(now)]);
    });
    const others: OtherRow[] = await this.db.query(
      'SELECT p.user_id, u.name, p.writing FROM ticket_presence p JOIN users u ON u.id = p.user_id ' +
        'WHERE p.tenant_id = ? AND p.ticket_id = ? AND p.user_id <> ? AND p.seen_at > ? ORDER BY u.name',
      [tenantId, ticketId, userId, sqlDate(new Date(now.getTime() - PRESENCE_TTL_MS))],
    );
    return { others: others.map((o) => ({ user_id: Number(o.user_id), name: o.name, writing: Boolean(Number(o.writing)) })) };
  }
}

function sqlDate(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

@ApiTags('tickets')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, ...JSON_BODY_ERRORS, 404, 422)
@Controller('api/tickets/:ticketId/presence')
@Roles('agent')
export class TicketPresenceController {
  constructor(private readonly presence: TicketPresenceService) {}

  @ApiOkResponse({ description: '{others: [{user_id, name, writing}]}: who else has the ticket open, and who is writing a reply' })
  // A heartbeat, not an action.
  @NotAudited()
  @Post()
  @HttpCode(200)
  beat(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number, @Body() dto: PresenceDto) {
    return this.presence.beat(tenant.tenantId, ticketId, tenant.userId, dto.writing ?? false);
  }
}
