import { Body, Controller, Get, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { AddNoteDto, TicketNotesService } from './ticket-notes.service';

@ApiTags('tickets')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tickets/:ticketId/notes')
@Roles('agent')
export class TicketNotesController {
  constructor(private readonly notes: TicketNotesService) {}

  @ApiOkResponse({ description: '{data: notes}, oldest first' })
  @Get()
  async list(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number) {
    return { data: await this.notes.list(tenant.tenantId, ticketId) };
  }

  @ApiCreatedResponse({ description: 'The note; it is never sent to the customer' })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Audited('ticket.note_added', { target: 'ticket' })
  @Post()
  add(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number, @Body() dto: AddNoteDto) {
    return this.notes.add(tenant.tenantId, ticketId, tenant.userId, dto.body);
  }
}
