import { Body, Controller, Get, Param, ParseIntPipe, Patch, Query, Res } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { ListTicketsQuery, UpdateTicketDto } from './tickets.dto';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api')
@Roles('agent')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @ApiOkResponse({
    description:
      'A page of the tenant’s tickets, newest activity first unless sorted (best match first with q): {data, page, per_page, total}, ' +
      'each with a preview line of its latest message; total_estimated: true when total is an estimate',
  })
  @ApiErrors(400)
  @Get('tickets')
  list(@CurrentTenant() tenant: TenantPrincipal, @Query() query: ListTicketsQuery) {
    return this.tickets.list(tenant.tenantId, query, tenant.userId);
  }

  @ApiOkResponse({ description: 'Counts over all the tenant’s tickets: {unread} (tickets with messages nobody has read)' })
  @Get('tickets/summary')
  summary(@CurrentTenant() tenant: TenantPrincipal) {
    return this.tickets.summary(tenant.tenantId);
  }

  @ApiOkResponse({
    description:
      'The ticket with its messages and attachments. Each message also has `date` (its Date header), `text_links` and `new_text_links` ' +
      '({start, end, url} in its text), `html_frame_url` (its formatted version, see /api/mail-frames), `remote_image_count` and `sender_images_allowed`',
  })
  @ApiErrors(400, 404)
  @Get('tickets/:ticketId')
  get(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number) {
    return this.tickets.get(tenant.tenantId, ticketId);
  }

  @ApiOkResponse({ description: 'The ticket as changed' })
  @ApiErrors(...JSON_BODY_ERRORS, 404)
  @Audited('ticket.updated', { target: 'ticket' })
  @Patch('tickets/:ticketId')
  update(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number, @Body() dto: UpdateTicketDto) {
    return this.tickets.update(tenant.tenantId, ticketId, dto);
  }

  /** Always a download: attachment bytes are never rendered in our origin. */
  @ApiOkResponse({
    description: 'The attachment’s bytes as a download; X-Original-Content-Type names its type',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors(400, 404)
  @Get('attachments/:attachmentId')
  async download(@CurrentTenant() tenant: TenantPrincipal, @Param('attachmentId', ParseIntPipe) attachmentId: number, @Res() res: Response) {
    const { meta, content } = await this.tickets.attachment(tenant.tenantId, attachmentId);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Disposition', `attachment; filename="${asciiFallback(meta.filename)}"; filename*=UTF-8''${encodeURIComponent(meta.filename)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Original-Content-Type', meta.contentType.replace(/[^\x20-\x7e]/g, ''));
    res.send(content);
  }
}

function asciiFallback(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\]/g, '_');
}
