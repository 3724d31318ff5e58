import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { InjectThrottlerStorage, normalizeIp, ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { tooManyRequests } from './rate-limits';

const MINUTE_MS = 60_000;
const FAILURES = 'auth-failures';
const BLOCK_CHECK = 'auth-block-check';
const REASON = 'Too many failed authentications from this address';

/**
 * Failed authentications per client address (req.ip; an IPv6 client counts by its /64) per
 * minute, RATE_LIMIT_AUTH_FAILURES_PER_MINUTE. Past the limit the address is blocked for a
 * minute: every request from it that needs a token gets 429, a valid token's included, so that
 * guessing learns nothing. Counted in the throttler's storage, in this instance's memory.
 */
@Injectable()
export class AuthFailureLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  async assertNotBlocked(request: Request, response: Response): Promise<void> {
    // The storage offers only increment(): a hit under another throttler name on the same key
    // reads the key's block without counting as a failure, and expires after a millisecond.
    const record = await this.storage.increment(keyFor(request), 1, Number.MAX_SAFE_INTEGER, MINUTE_MS, BLOCK_CHECK);
    if (record.isBlocked) throw tooManyRequests(response, record.timeToBlockExpire, REASON);
  }

  /** Throws 429 when this failure is one too many; the caller answers 401 otherwise. */
  async recordFailure(request: Request, response: Response): Promise<void> {
    const limit = this.config.rateLimits.authFailuresPerMinute;
    const record = await this.storage.increment(keyFor(request), MINUTE_MS, limit, MINUTE_MS, FAILURES);
    if (record.isBlocked) throw tooManyRequests(response, record.timeToBlockExpire, REASON);
  }
}

function keyFor(request: Request): string {
  return `auth:${normalizeIp(request.ip ?? 'unknown')}`;
}
