import { Body, Controller, Get, Put } from '@nestjs/common';
import { AccessibleTenantId, CurrentTenant, Roles } from '../auth/auth.decorators';
import { TenantId } from '../common/tenant-id';
import { TenantPrincipal } from '../auth/principal';
import { UpdateEmailSettingsDto } from './email-settings.dto';
import { EmailSettingsService } from './email-settings.service';

@Controller('api/email-settings')
@Roles('tenant_admin')
export class EmailSettingsController {
  constructor(private readonly settings: EmailSettingsService) {}

  @Get()
  get(@CurrentTenant() tenant: TenantPrincipal) {
    return this.settings.get(tenant.tenantId);
  }

  @Put()
  update(@CurrentTenant() tenant: TenantPrincipal, @Body() dto: UpdateEmailSettingsDto) {
    return this.settings.update(tenant.tenantId, dto);
  }
}

@Controller('api/tenants/:tenantId/email-settings')
@Roles('platform_admin', 'tenant_admin')
export class TenantEmailSettingsController {
  constructor(private readonly settings: EmailSettingsService) {}

  @Get()
  get(@AccessibleTenantId() tenantId: TenantId) {
    return this.settings.get(tenantId);
  }

  @Put()
  update(@AccessibleTenantId() tenantId: TenantId, @Body() dto: UpdateEmailSettingsDto) {
    return this.settings.update(tenantId, dto);
  }
}
