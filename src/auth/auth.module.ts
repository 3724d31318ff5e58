import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ApiToken } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard } from './auth.guard';
import { RateLimitGuard, throttlerOptions } from './rate-limits';
import { TokenAuthenticator } from './token-authenticator';
import { Session } from './session.entity';
import { SessionAuthenticator } from './session-authenticator';
import { SessionsRepository } from './sessions.repository';

/** Who is calling (bearer tokens, session cookies), and how often: the guards every route passes. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiToken, Session]), ThrottlerModule.forRootAsync({ inject: [AppConfig], useFactory: throttlerOptions })],
  providers: [
    ApiTokensRepository,
    TokenAuthenticator,
    SessionsRepository,
    SessionAuthenticator,
    AuthFailureLimiter,
    // In this order: the rate limits count per token, known once AuthGuard has authenticated.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [ApiTokensRepository, SessionsRepository, AuthFailureLimiter],
})
export class AuthModule {}
