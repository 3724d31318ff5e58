import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { OutboundModule } from '../outbound/outbound.module';
import { TenantsModule } from '../tenants/tenants.module';
import { User } from '../tenants/user.entity';
import { AccountUsersController, OperatorsController, TeamController } from './account-users.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AuthController } from './auth.controller';
import { MeService } from './me.service';
import { Operator } from './operator.entity';
import { SignInLimiter } from './sign-in-limiter';
import { SharedCounters } from './shared-counters';
import { SignInService } from './sign-in.service';
import { SsoController, TenantSsoController } from './sso.controller';
import { SsoRepository } from './sso.repository';
import { SsoService } from './sso.service';
import { TwoFactorController, TwoFactorPolicyController } from './two-factor.controller';
import { TwoFactorRepository } from './two-factor.repository';
import { TwoFactorService } from './two-factor.service';

/** People: accounts that sign in with a password, their invitations, resets and sessions. */
@Module({
  imports: [TypeOrmModule.forFeature([User, Operator]), AuthModule, TenantsModule, OutboundModule],
  controllers: [AuthController, AccountUsersController, OperatorsController, TeamController, TwoFactorController, TwoFactorPolicyController, SsoController, TenantSsoController],
  providers: [AccountsRepository, AccountsService, SignInService, SignInLimiter, SharedCounters, MeService, TwoFactorService, TwoFactorRepository, SsoService, SsoRepository],
  exports: [MeService],
})
export class AccountsModule {}
