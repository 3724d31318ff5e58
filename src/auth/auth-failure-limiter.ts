import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { InjectThrottlerStorage, normalizeIp, ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { FailureWindow } from './failure-window';

const MINUTE_MS = 60_000;

/**
 * Failed authentications per client address (req.ip; an IPv6 client counts by its /64) per
 * minute, RATE_LIMIT_AUTH_FAILURES_PER_MINUTE. Past the limit the address is blocked for a
 * minute: every request from it that needs a token gets 429, a valid token's included.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly failures: FailureWindow;

  constructor(
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {
    this.failures = new FailureWindow(storage, 'auth', MINUTE_MS, 'Too many failed authentications from this address');
  }

  assertNotBlocked(request: Request, response: Response): Promise<void> {
    return this.failures.assertNotBlocked(keyFor(request), response);
  }

  /** Throws 429 when this failure is one too many; the caller answers 401 otherwise. */
  recordFailure(request: Request, response: Response): Promise<void> {
    return this.failures.recordFailure(keyFor(request), this.config.rateLimits.authFailuresPerMinute, response);
  }
}

function keyFor(request: Request): string {
  return `auth:${normalizeIp(request.ip ?? 'unknown')}`;
}
