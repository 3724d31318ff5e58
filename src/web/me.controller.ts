import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { MeService } from '../accounts/me.service';
import { AllowBeforeTwoFactor, CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS } from '../common/api-errors';

@ApiTags('web ui')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/me')
@Roles('platform_admin', 'tenant_admin', 'agent')
@AllowBeforeTwoFactor()
export class MeController {
  constructor(private readonly me: MeService) {}

  @ApiOkResponse({ description: 'Who is calling: role, tenant and person; with a session cookie also its csrf_token' })
  @Get()
  async describe(@CurrentPrincipal() principal: Principal, @Req() request: Request & { csrfToken?: string }) {
    const me = await this.me.describe(principal);
    return request.csrfToken ? { ...me, csrf_token: request.csrfToken } : me;
  }
}
