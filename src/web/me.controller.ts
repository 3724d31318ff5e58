import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { MeService } from './me.service';

@Controller('api/me')
@Roles('platform_admin', 'tenant_admin', 'agent')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  describe(@CurrentPrincipal() principal: Principal) {
    return this.me.describe(principal);
  }
}
