import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotAudited } from '../audit/audit.decorators';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { ReplyDraftsService, SaveDraftDto } from './reply-drafts.service';

@ApiTags('tickets')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404, 422)
@Controller('api/tickets/:ticketId/draft')
@Roles('agent')
export class ReplyDraftsController {
  constructor(private readonly drafts: ReplyDraftsService) {}

  @ApiOkResponse({ description: '{data}: the caller’s draft reply on this ticket, or null' })
  @Get()
  async get(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number) {
    return { data: await this.drafts.get(tenant.tenantId, ticketId, tenant.userId) };
  }

  @ApiOkResponse({ description: '{data}: the draft as saved (null when it was empty)' })
  @ApiErrors(...JSON_BODY_ERRORS)
  // Saved every few seconds while typing: not an action worth an audit entry.
  @NotAudited()
  @Put()
  async save(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number, @Body() dto: SaveDraftDto) {
    return { data: await this.drafts.save(tenant.tenantId, ticketId, tenant.userId, dto) };
  }

  @ApiNoContentResponse({ description: 'The draft is gone' })
  @NotAudited()
  @Delete()
  @HttpCode(204)
  discard(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number) {
    return this.drafts.discard(tenant.tenantId, ticketId, tenant.userId);
  }
}
