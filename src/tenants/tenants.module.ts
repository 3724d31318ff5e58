import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { EmailSettingsModule } from '../email-settings/email-settings.module';
import { RetentionModule } from '../retention/retention.module';
import { ApiTokensService } from './api-tokens.service';
import { TokensController } from './tokens.controller';
import { TenantDomainsController, TenantsController, TenantUsersController } from './tenants.controller';
import { DnsLookup } from './dns-lookup';
import { DnsRecordsService } from './dns-records.service';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';
import { Tenant } from './tenant.entity';
import { TenantDomain } from './tenant-domain.entity';
import { TenantDomainsRepository } from './tenant-domains.repository';
import { TenantUsage } from './tenant-usage.entity';
import { TenantUsageRepository } from './tenant-usage.repository';
import { TenantUsageReport } from './tenant-usage-report';
import { TenantLimitMetrics } from './tenant-limit-metrics';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([Tenant, TenantDomain, TenantUsage, User]), AuthModule, EmailSettingsModule, RetentionModule],
  controllers: [TenantsController, TenantDomainsController, TenantUsersController, TokensController],
  providers: [
    TenantsService,
    UsersService,
    ApiTokensService,
    DnsRecordsService,
    DnsLookup,
    TenantsRepository,
    TenantDomainsRepository,
    TenantUsageRepository,
    TenantUsageReport,
    TenantLimitMetrics,
    UsersRepository,
  ],
  exports: [TenantsService, TenantsRepository, TenantUsageRepository, UsersService],
})
export class TenantsModule {}
