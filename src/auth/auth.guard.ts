import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TokenAuthenticator } from './token-authenticator';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { Principal, Role } from './principal';
import { constantTimeEquals } from './token-secret';

/**
 * Bearer tokens: the platform admin's from ADMIN_API_TOKEN, tenant tokens from api_tokens.
 * Failed attempts are limited per client address (AuthFailureLimiter).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly tokens: TokenAuthenticator,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const response = context.switchToHttp().getResponse();
    await this.failures.assertNotBlocked(request, response);
    const token = bearerToken(request.headers.authorization);
    // Not counted as a failure: a request without a token guesses nothing.
    if (!token) throw new DomainError('unauthorized', 'Missing bearer token (Authorization: Bearer <token>)');

    const principal: Principal | null = constantTimeEquals(token, this.config.adminApiToken)
      ? { kind: 'platform_admin' }
      : await this.tokens.authenticate(token);
    if (!principal) {
      await this.failures.recordFailure(request, response);
      throw new DomainError('unauthorized', 'Invalid or revoked token');
    }
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? ['platform_admin'];
    if (!allowed(principal, roles)) {
      throw new DomainError('forbidden', `This endpoint needs the role ${roles.join(' or ')}`);
    }
    return true;
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
