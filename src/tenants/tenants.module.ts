import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiToken } from '../auth/api-token.entity';
import { EmailSettingsModule } from '../email-settings/email-settings.module';
import { ApiTokensService } from './api-tokens.service';
import { TokensController } from './tokens.controller';
import { TenantDomainsController, TenantsController, TenantUsersController } from './tenants.controller';
import { DnsLookup } from './dns-lookup';
import { DnsRecordsService } from './dns-records.service';
import { TenantsService } from './tenants.service';
import { Tenant } from './tenant.entity';
import { TenantDomain } from './tenant-domain.entity';
import { TenantUsage } from './tenant-usage.entity';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([Tenant, TenantDomain, TenantUsage, User, ApiToken]), EmailSettingsModule],
  controllers: [TenantsController, TenantDomainsController, TenantUsersController, TokensController],
  providers: [TenantsService, UsersService, ApiTokensService, DnsRecordsService, DnsLookup],
  exports: [TenantsService, UsersService],
})
export class TenantsModule {}
