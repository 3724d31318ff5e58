import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS } from '../common/api-errors';
import { DomainError } from '../common/domain-error';
import { EventsQuery } from './events.dto';
import { EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api')
@Roles('agent', 'platform_admin')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @ApiOkResponse({
    description:
      'Server-Sent Events of the tenant: ticket.created, ticket.updated, message.created, delivery.updated (and resync when events were pruned). ' +
      'Each `data` is JSON {id, type, ticket_id, message_id, at}; `id:` is the value to send back as Last-Event-ID.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id without losing any' })
  @ApiErrors(400, 404)
  @Get('events')
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EventsQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const tenantId = await this.events.scopeOf(principal, query.tenant_id);
    await this.events.stream(tenantId, parseLastEventId(lastEventId), req, res);
  }
}

function parseLastEventId(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  if (!/^\d{1,15}$/.test(value.trim())) throw new DomainError('bad_request', 'Last-Event-ID must be an event id (a whole number)');
  return Number(value.trim());
}
