import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { Tenant } from '../tenants/tenant.entity';
import { TenantsModule } from '../tenants/tenants.module';
import { ApiToken } from './api-token.entity';
import { ApiTokensService } from './api-tokens.service';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard } from './auth.guard';
import { RateLimitGuard, throttlerOptions } from './rate-limits';
import { TokensController } from './tokens.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([ApiToken, Tenant]),
    TenantsModule,
    ThrottlerModule.forRootAsync({ inject: [AppConfig], useFactory: throttlerOptions }),
  ],
  controllers: [TokensController],
  providers: [
    ApiTokensService,
    AuthFailureLimiter,
    // In this order: the rate limits count per token, known once AuthGuard has authenticated.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [ApiTokensService],
})
export class AuthModule {}
