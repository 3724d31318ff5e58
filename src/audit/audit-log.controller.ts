import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS } from '../common/api-errors';
import { ListAuditLogQuery } from './audit-log.dto';
import { AuditLogService } from './audit-log.service';

@ApiTags('audit log')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 400)
@Controller('api/audit-log')
@Roles('platform_admin', 'tenant_admin')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @ApiOkResponse({ description: '{data, page, per_page, total}: entries newest first, each {id, at, tenant_id, actor, action, target, changes, ip}' })
  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditLogQuery) {
    return this.audit.list(principal, query);
  }
}
