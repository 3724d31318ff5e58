import { Body, Controller, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { SmtpTestRateLimit } from '../auth/rate-limits';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { ReplyDto, SmtpTestDto } from './outbound.dto';
import { RepliesService } from './replies.service';
import { SmtpTestService } from './smtp-test.service';

@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api')
export class OutboundController {
  constructor(
    private readonly replies: RepliesService,
    private readonly smtpTest: SmtpTestService,
  ) {}

  /** 202: stored and queued; delivery_status on the ticket message tells how sending went. */
  @ApiTags('tickets')
  @ApiAcceptedResponse({ description: 'The reply as a ticket message, queued for sending' })
  @ApiErrors(...JSON_BODY_ERRORS, 404, 422)
  @Audited('ticket.replied', { target: 'ticket' })
  @Post('tickets/:ticketId/reply')
  @Roles('agent')
  @HttpCode(202)
  reply(@CurrentTenant() tenant: TenantPrincipal, @Param('ticketId', ParseIntPipe) ticketId: number, @Body() dto: ReplyDto) {
    return this.replies.queueReply({ tenantId: tenant.tenantId, userId: tenant.userId }, ticketId, dto);
  }

  /** 200 with ok true/false: a failing server is a result of the test, not an error of the request. */
  @ApiTags('email settings')
  @ApiOkResponse({ description: '{ok, stage, message}: a failing server is a result, not an error' })
  @ApiErrors(...JSON_BODY_ERRORS, 422)
  @Audited('smtp.tested')
  @Post('email-settings/smtp-test')
  @Roles('tenant_admin')
  @SmtpTestRateLimit()
  @HttpCode(200)
  testSmtp(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: SmtpTestDto) {
    return this.smtpTest.run(tenant.tenantId, dto.send_to ?? null);
  }
}
