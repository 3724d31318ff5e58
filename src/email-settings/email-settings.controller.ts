import { Body, Controller, Get, Param, ParseIntPipe, Put } from '@nestjs/common';
import { CurrentPrincipal, CurrentTenant, Roles } from '../auth/auth.decorators';
import { Principal, TenantPrincipal } from '../auth/principal';
import { assertTenantAccess } from '../auth/tenant-access';
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
  get(@CurrentPrincipal() principal: Principal, @Param('tenantId', ParseIntPipe) tenantId: number) {
    assertTenantAccess(principal, tenantId);
    return this.settings.get(tenantId);
  }

  @Put()
  update(@CurrentPrincipal() principal: Principal, @Param('tenantId', ParseIntPipe) tenantId: number, @Body() dto: UpdateEmailSettingsDto) {
    assertTenantAccess(principal, tenantId);
    return this.settings.update(tenantId, dto);
  }
}
