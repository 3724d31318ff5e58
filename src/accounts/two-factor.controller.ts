import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { Audited } from '../audit/audit.decorators';
import { ApiBearerAuth, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccessibleTenantId, AllowBeforeTwoFactor, CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS, JSON_BODY_ERRORS } from '../common/api-errors';
import { TenantId } from '../common/tenant-id';
import { TenantsService } from '../tenants/tenants.service';
import { TwoFactorCodeDto, TwoFactorPolicyDto } from './accounts.dto';
import { TwoFactorService } from './two-factor.service';

@ApiTags('sign-in')
@ApiCookieAuth()
@ApiErrors(...AUTHENTICATED_ERRORS, 422)
@Controller('api/auth/two-factor')
@Roles('platform_admin', 'tenant_admin', 'agent')
@AllowBeforeTwoFactor()
export class TwoFactorController {
  constructor(private readonly twoFactor: TwoFactorService) {}

  @ApiOkResponse({ description: '{enabled, required, recovery_codes_left} of the signed-in person' })
  @Get()
  status(@CurrentPrincipal() principal: Principal) {
    return this.twoFactor.status(principal);
  }

  @ApiOkResponse({ description: '{secret, otpauth_url} for the authenticator app; in force after enable' })
  @ApiErrors(409)
  @Audited('two_factor.setup_started')
  @Post('setup')
  @HttpCode(200)
  setup(@CurrentPrincipal() principal: Principal) {
    return this.twoFactor.setup(principal);
  }

  @ApiOkResponse({ description: '{recovery_codes}: ten one-time codes, shown this once' })
  @ApiErrors(...JSON_BODY_ERRORS, 409)
  @Audited('two_factor.enabled')
  @Post('enable')
  @HttpCode(200)
  enable(@CurrentPrincipal() principal: Principal, @Body() dto: TwoFactorCodeDto) {
    return this.twoFactor.enable(principal, dto.code);
  }

  @ApiNoContentResponse({ description: 'Turned off, recovery codes gone' })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Audited('two_factor.disabled')
  @Post('disable')
  @HttpCode(204)
  disable(@CurrentPrincipal() principal: Principal, @Body() dto: TwoFactorCodeDto) {
    return this.twoFactor.disable(principal, dto.code);
  }
}

@ApiTags('tenants')
@ApiBearerAuth()
@ApiParam({ name: 'tenantId', type: Number })
@ApiErrors(...AUTHENTICATED_ERRORS, 400, 404)
@Controller('api/tenants/:tenantId/two-factor-policy')
@Roles('platform_admin', 'tenant_admin')
export class TwoFactorPolicyController {
  constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly tenants: TenantsService,
  ) {}

  @ApiOkResponse({ description: '{require_two_factor}' })
  @Get()
  async get(@AccessibleTenantId() tenantId: TenantId) {
    await this.tenants.load(tenantId);
    return this.twoFactor.tenantPolicy(tenantId);
  }

  @ApiOkResponse({ description: '{require_two_factor}: with true, people without a second factor must set one up at their next request' })
  @ApiErrors(...JSON_BODY_ERRORS)
  @Audited('two_factor_policy.updated', { target: 'tenant' })
  @Put()
  async set(@AccessibleTenantId() tenantId: TenantId, @Body() dto: TwoFactorPolicyDto) {
    await this.tenants.load(tenantId);
    return this.twoFactor.setTenantPolicy(tenantId, dto.required);
  }
}
