import { Controller, Get, Header, HttpCode, Param, ParseIntPipe, Post, Query, StreamableFile } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS } from '../common/api-errors';
import { ListProcessingLogsQuery } from './processing-logs.dto';
import { ProcessingLogsService } from './processing-logs.service';

@ApiTags('processing logs')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api')
@Roles('tenant_admin')
export class ProcessingLogsController {
  constructor(private readonly logs: ProcessingLogsService) {}

  @ApiOkResponse({ description: 'A page of the tenant’s processing log: {data, page, per_page, total}' })
  @ApiErrors(400)
  @Get('email-processing-logs')
  list(@CurrentTenant() tenant: TenantPrincipal, @Query() query: ListProcessingLogsQuery) {
    return this.logs.list(tenant.tenantId, query);
  }

  @ApiOkResponse({ description: '{log_id, headers: [{name, value}]}: the logged message\'s headers as they came' })
  @ApiErrors(400, 404)
  @Get('email-processing-logs/:logId/headers')
  headers(@CurrentTenant() tenant: TenantPrincipal, @Param('logId', ParseIntPipe) logId: number) {
    return this.logs.headers(tenant.tenantId, logId);
  }

  /** Always a download, never rendered in our origin. */
  @ApiOkResponse({ description: 'The logged message as it came, an .eml download', content: { 'message/rfc822': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors(400, 404)
  @Get('email-processing-logs/:logId/raw')
  @Header('Content-Type', 'message/rfc822')
  @Header('X-Content-Type-Options', 'nosniff')
  async raw(@CurrentTenant() tenant: TenantPrincipal, @Param('logId', ParseIntPipe) logId: number) {
    return new StreamableFile(await this.logs.raw(tenant.tenantId, logId), { disposition: `attachment; filename="message-${logId}.eml"` });
  }

  @ApiOkResponse({ description: '{data: failed and held messages} that can be reprocessed or released' })
  @Get('inbound/failed')
  failed(@CurrentTenant() tenant: TenantPrincipal) {
    return this.logs.failed(tenant.tenantId);
  }

  @ApiOkResponse({ description: 'The outcome of running the stored raw message through the pipeline again' })
  @ApiErrors(400, 404, 409)
  @Audited('message.reprocessed', { target: 'log' })
  @Post('inbound/failed/:logId/reprocess')
  @HttpCode(200)
  reprocess(@CurrentTenant() tenant: TenantPrincipal, @Param('logId', ParseIntPipe) logId: number) {
    return this.logs.reprocess(tenant.tenantId, logId);
  }
}
