import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Tenant } from '../tenants/tenant.entity';
import { TenantsModule } from '../tenants/tenants.module';
import { ApiToken } from './api-token.entity';
import { ApiTokensService } from './api-tokens.service';
import { AuthGuard } from './auth.guard';
import { TokensController } from './tokens.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ApiToken, Tenant]), TenantsModule],
  controllers: [TokensController],
  providers: [ApiTokensService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiTokensService],
})
export class AuthModule {}
