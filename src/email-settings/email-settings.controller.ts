import { Body, Controller, Get, Put } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessibleTenantId, CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantId } from '../common/tenant-id';
import { TenantPrincipal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { UpdateEmailSettingsDto } from './email-settings.dto';
import { EmailSettingsService } from './email-settings.service';

@ApiTags('email settings')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/email-settings')
@Roles('tenant_admin')
export class EmailSettingsController {
  constructor(private readonly settings: EmailSettingsService) {}

  @ApiOkResponse({ description: 'The caller’s tenant’s settings (never the SMTP password)' })
  @Get()
  get(@CurrentTenant() tenant: TenantPrincipal) {
    return this.settings.get(tenant.tenantId);
  }

  @ApiOkResponse({ description: 'The settings as changed' })
  @ApiErrors(...JSON_BODY_ERRORS, 409, 422)
  @Audited('email_settings.updated')
  @Put()
  update(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: UpdateEmailSettingsDto) {
    return this.settings.update(tenant.tenantId, dto);
  }
}

@ApiTags('email settings')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId/email-settings')
@Roles('platform_admin', 'tenant_admin')
export class TenantEmailSettingsController {
  constructor(private readonly settings: EmailSettingsService) {}

  @ApiOkResponse({ description: 'The tenant’s settings (never the SMTP password)' })
  @Get()
  get(@AccessibleTenantId() tenantId: TenantId) {
    return this.settings.get(tenantId);
  }

  @ApiOkResponse({ description: 'The settings as changed' })
  @ApiErrors(...JSON_BODY_ERRORS, 409, 422)
  @Audited('email_settings.updated')
  @Put()
  update(@AccessibleTenantId() tenantId: TenantId, @Body() dto: UpdateEmailSettingsDto) {
    return this.settings.update(tenantId, dto);
  }
}
