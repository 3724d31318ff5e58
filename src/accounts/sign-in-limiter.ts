import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Response } from 'express';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { FailureWindow } from '../auth/failure-window';

const WINDOW_MS = 15 * 60_000;
const RESET_MAILS = 'password-reset-mails';
const RESET_MAILS_PER_WINDOW = 3;

/**
 * Failed sign-ins per account (the address tried, known or not) per 15 minutes,
 * RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT; past it the address is blocked for 15 minutes, the
 * right password included. Beside the per-address limit of AuthFailureLimiter, which stops one
 * client trying many accounts; this one stops many clients trying one account.
 */
@Injectable()
export class SignInLimiter {
  private readonly failures: FailureWindow;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {
    // The same words whichever limit refused: the answer tells nothing about the account.
    this.failures = new FailureWindow(storage, 'sign-in', WINDOW_MS, 'Too many failed sign-ins');
  }

  assertNotBlocked(email: string, response: Response): Promise<void> {
    return this.failures.assertNotBlocked(keyFor(email), response);
  }

  recordFailure(email: string, response: Response): Promise<void> {
    return this.failures.recordFailure(keyFor(email), this.config.rateLimits.signInFailuresPerAccount, response);
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
