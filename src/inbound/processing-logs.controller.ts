import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
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

  @ApiOkResponse({ description: '{data: failed or quarantined messages} that can be reprocessed' })
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
