import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Response } from 'express';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { Principal } from './principal';

const SMTP_TEST_LIMITED = 'inbound:smtp-test-limited';

/** The route sends mail to an address the caller picks: limited per tenant per hour (RATE_LIMIT_SMTP_TEST_PER_HOUR). */
export const SmtpTestRateLimit = () => SetMetadata(SMTP_TEST_LIMITED, true);

const principalOf = (context: ExecutionContext): Principal | undefined => context.switchToHttp().getRequest().principal;

/**
 * Requests per token per second, and SMTP tests per tenant per hour, both as sliding windows
 * (blockDuration 0: a caller over the limit is refused until its oldest counted request is
 * older than the window, and refused requests do not count). Counted in this instance's memory,
 * the throttler's default storage: N instances behind a load balancer allow N times the limits.
 */
export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    setHeaders: false,
    // Who is counted, not the route: the limits hold across all routes of a token or a tenant.
    generateKey: (_context, tracker, throttlerName) => `${throttlerName}:${tracker}`,
    throttlers: [
      {
        name: 'api',
        ttl: 1000,
        limit: config.rateLimits.apiPerSecond,
        blockDuration: 0,
        // Public routes (the webhook, /health, /metrics, the UI's files) have no principal: not counted.
        skipIf: (context) => !principalOf(context),
        getTracker: (_request, context) => {
          const principal = principalOf(context)!;
          if (principal.sessionId !== null) return `session ${principal.sessionId}`;
          return principal.kind === 'tenant' ? `token ${principal.tokenId}` : 'platform admin';
        },
      },
      {
        name: 'smtp-test',
        ttl: 3_600_000,
        limit: config.rateLimits.smtpTestPerHour,
        blockDuration: 0,
        skipIf: (context) => principalOf(context)?.kind !== 'tenant' || !Reflect.getMetadata(SMTP_TEST_LIMITED, context.getHandler()),
        getTracker: (_request, context) => {
          const principal = principalOf(context);
          return `tenant ${principal?.kind === 'tenant' ? principal.tenantId : 'none'}`;
        },
      },
    ],
  };
}

const REFUSALS: Record<string, (limit: number) => string> = {
  api: (limit) => `More than ${limit} requests per second with this token`,
  'smtp-test': (limit) => `More than ${limit} SMTP tests per hour for this tenant`,
};

/** The throttler's guard with the service's 429: Retry-After in seconds and the usual error body. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const refusal = REFUSALS[detail.key.slice(0, detail.key.indexOf(':'))] ?? (() => 'Too many requests');
    throw tooManyRequests(context.switchToHttp().getResponse(), detail.timeToBlockExpire, refusal(detail.limit));
  }
}

export function tooManyRequests(response: Response, retryAfterSeconds: number, reason: string): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  response.setHeader('Retry-After', String(seconds));
  return new DomainError('too_many_requests', `${reason}; retry in ${seconds} s`);
}
