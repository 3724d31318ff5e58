import { Body, Controller, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { ErasureService } from './erasure.service';
import { ErasureRequestDto, RetentionPolicyDto } from './retention.dto';
import { RetentionService } from './retention.service';

@ApiTags('retention and erasure')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api')
@Roles('tenant_admin')
export class RetentionController {
  constructor(
    private readonly retention: RetentionService,
    private readonly erasure: ErasureService,
  ) {}

  @ApiOkResponse({ description: '{raw_message_days, processing_log_days, closed_ticket_days}: days kept, null for ever' })
  @Get('retention-policy')
  policy(@CurrentTenant() tenant: TenantPrincipal) {
    return this.retention.policy(tenant.tenantId);
  }

  @ApiOkResponse({ description: 'The policy now in force; the hourly retention run applies it' })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Put('retention-policy')
  setPolicy(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: RetentionPolicyDto) {
    return this.retention.setPolicy(tenant.tenantId, dto);
  }

  @ApiOkResponse({
    description: 'A zip of everything the tenant holds of the address (raw messages as .eml, attachments, data.json); changes nothing',
    content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Post('erasure-requests/export')
  @HttpCode(200)
  async export(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: ErasureRequestDto, @Res() res: Response): Promise<void> {
    const zip = await this.erasure.export(tenant.tenantId, dto.email.toLowerCase());
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', 'attachment; filename="export.zip"');
    res.send(zip);
  }

  @ApiOkResponse({ description: 'What was erased: {email, tickets, messages, attachments, processing_logs, blobs_erased}. Export first: this cannot be undone' })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Post('erasure-requests')
  @HttpCode(200)
  erase(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: ErasureRequestDto) {
    return this.erasure.erase(tenant.tenantId, dto.email.toLowerCase());
  }
}
