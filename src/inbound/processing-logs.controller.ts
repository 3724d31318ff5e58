import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantPrincipal } from '../auth/principal';
import { ListProcessingLogsQuery } from './processing-logs.dto';
import { ProcessingLogsService } from './processing-logs.service';

@Controller('api')
@Roles('tenant_admin')
export class ProcessingLogsController {
  constructor(private readonly logs: ProcessingLogsService) {}

  @Get('email-processing-logs')
  list(@CurrentTenant() tenant: TenantPrincipal, @Query() query: ListProcessingLogsQuery) {
    return this.logs.list(tenant.tenantId, query);
  }

  @Get('inbound/failed')
  failed(@CurrentTenant() tenant: TenantPrincipal) {
    return this.logs.failed(tenant.tenantId);
  }

  @Post('inbound/failed/:logId/reprocess')
  @HttpCode(200)
  reprocess(@CurrentTenant() tenant: TenantPrincipal, @Param('logId', ParseIntPipe) logId: number) {
    return this.logs.reprocess(tenant.tenantId, logId);
  }
}
