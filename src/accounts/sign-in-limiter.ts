import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Response } from 'express';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { tooManyRequests } from '../auth/rate-limits';

const WINDOW_MS = 15 * 60_000;
const FAILURES = 'sign-in-failures';
const BLOCK_CHECK = 'sign-in-block-check';
const RESET_MAILS = 'password-reset-mails';
const RESET_MAILS_PER_WINDOW = 3;
/** The same words whichever limit refused: the answer tells nothing about the account. */
const REASON = 'Too many failed sign-ins';

/**
 * Failed sign-ins per account (the address tried, known or not) per 15 minutes,
 * RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT; past it the address is blocked for 15 minutes, the
 * right password included. Beside the per-address limit of AuthFailureLimiter, which stops one
 * client trying many accounts; this one stops many clients trying one account.
 */
@Injectable()
export class SignInLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  async assertNotBlocked(email: string, response: Response): Promise<void> {
    const record = await this.storage.increment(keyFor(email), 1, Number.MAX_SAFE_INTEGER, WINDOW_MS, BLOCK_CHECK);
    if (record.isBlocked) throw tooManyRequests(response, record.timeToBlockExpire, REASON);
  }

  async recordFailure(email: string, response: Response): Promise<void> {
    const limit = this.config.rateLimits.signInFailuresPerAccount;
    const record = await this.storage.increment(keyFor(email), WINDOW_MS, limit, WINDOW_MS, FAILURES);
    if (record.isBlocked) throw tooManyRequests(response, record.timeToBlockExpire, REASON);
  }

  /** False once an address has been sent RESET_MAILS_PER_WINDOW reset mails in the window: nobody's inbox gets flooded. */
  async mayMailReset(email: string): Promise<boolean> {
    const record = await this.storage.increment(keyFor(email, 'reset-mail'), WINDOW_MS, RESET_MAILS_PER_WINDOW, 0, RESET_MAILS);
    return !record.isBlocked;
  }
}

function keyFor(email: string, purpose = 'sign-in'): string {
  return `${purpose}:${createHash('sha256').update(email).digest('hex')}`;
}
