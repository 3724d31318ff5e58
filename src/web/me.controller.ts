import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { ApiErrors, AUTHENTICATED_ERRORS } from '../common/api-errors';
import { MeService } from './me.service';

@ApiTags('web ui')
@ApiBearerAuth()
@ApiErrors(...AUTHENTICATED_ERRORS)
@Controller('api/me')
@Roles('platform_admin', 'tenant_admin', 'agent')
export class MeController {
  constructor(private readonly me: MeService) {}

  @ApiOkResponse({ description: 'Who the token is: its role, and its tenant and user' })
  @Get()
  describe(@CurrentPrincipal() principal: Principal) {
    return this.me.describe(principal);
  }
}
