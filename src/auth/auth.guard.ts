import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TokenAuthenticator } from './token-authenticator';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { BEFORE_TWO_FACTOR_KEY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { BOOTSTRAP_ADMIN, Principal, Role } from './principal';
import { SessionAuthenticator } from './session-authenticator';
import { CHANGES_STATE, clearSessionCookie, CSRF_HEADER, csrfTokenFor, sessionSecretOf } from './session-secret';
import { constantTimeEquals } from './token-secret';

/**
 * Bearer tokens (the platform admin's from ADMIN_API_TOKEN, tenant tokens from api_tokens) or a
 * browser session's cookie, which must bring its X-CSRF-Token to change anything. A bearer
 * token wins when both come. Failed attempts are limited per client address (AuthFailureLimiter).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly tokens: TokenAuthenticator,
    private readonly sessions: SessionAuthenticator,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal; csrfToken?: string }>();
    const response = context.switchToHttp().getResponse<Response>();
    await this.failures.assertNotBlocked(request, response);
    const token = bearerToken(request.headers.authorization);
    const sessionSecret = token ? null : sessionSecretOf(request);
    // Not counted as a failure: a request without a credential guesses nothing.
    if (!token && !sessionSecret) throw new DomainError('unauthorized', 'Not signed in: sign in, or send a bearer token (Authorization: Bearer <token>)');

    const principal = token ? await this.byToken(token) : await this.sessions.authenticate(sessionSecret!);
    if (!principal) {
      if (sessionSecret) clearSessionCookie(request, response);
      await this.failures.recordFailure(request, response);
      throw new DomainError('unauthorized', token ? 'Invalid or revoked token' : 'Your session has ended; sign in again');
    }
    if (sessionSecret) {
      const csrf = csrfTokenFor(sessionSecret, this.config.appKey);
      const sent = request.headers[CSRF_HEADER];
      if (CHANGES_STATE(request.method) && (typeof sent !== 'string' || !constantTimeEquals(sent, csrf))) {
        throw new DomainError('forbidden', 'A request made with the session cookie needs its X-CSRF-Token header (from the sign-in answer or GET /api/me)');
      }
      request.csrfToken = csrf;
    }
    request.principal = principal;

    if (principal.kind === 'tenant' && principal.twoFactorSetupRequired && !this.reflector.getAllAndOverride<boolean>(BEFORE_TWO_FACTOR_KEY, targets)) {
      throw new DomainError('forbidden', 'Your tenant requires two-factor sign-in: set it up first (POST /api/auth/two-factor/setup)', { two_factor: 'setup_required' });
    }
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? ['platform_admin'];
    if (!allowed(principal, roles)) {
      throw new DomainError('forbidden', `This endpoint needs the role ${roles.join(' or ')}`);
    }
    return true;
  }

  private byToken(token: string): Promise<Principal | null> | Principal {
    return constantTimeEquals(token, this.config.adminApiToken) ? BOOTSTRAP_ADMIN : this.tokens.authenticate(token);
  }
}

function allowed(principal: Principal, roles: Role[]): boolean {
  if (principal.kind === 'platform_admin') return roles.includes('platform_admin');
  if (roles.includes(principal.role)) return true;
  return principal.role === 'tenant_admin' && roles.includes('agent');
}

function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
