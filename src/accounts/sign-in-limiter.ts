import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { tooManyRequests } from '../auth/rate-limits';
import { SharedCounters } from './shared-counters';

const WINDOW_MS = 15 * 60_000;
const RESET_MAILS_PER_WINDOW = 3;
// The same words whichever limit refused: the answer tells nothing about the account.
const REASON = 'Too many failed sign-ins';

/**
 * Failed sign-ins per account (the address tried, known or not) per 15 minutes,
 * RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT; past it the address is blocked for 15 minutes, the
 * right password included. Beside the per-address limit of AuthFailureLimiter, which stops one
 * client trying many accounts; this one stops many clients trying one account, so it counts in
 * the database: attempts spread over the instances behind a load balancer add up.
 */
@Injectable()
export class SignInLimiter {
  constructor(
    private readonly counters: SharedCounters,
    private readonly config: AppConfig,
  ) {}

  async assertNotBlocked(email: string, response: Response): Promise<void> {
    const blockedMs = await this.counters.blockedForMs(keyFor(email));
    if (blockedMs > 0) throw tooManyRequests(response, blockedMs / 1000, REASON);
  }

  async recordFailure(email: string, response: Response): Promise<void> {
    const { blockedForMs } = await this.counters.hit(keyFor(email), WINDOW_MS, this.config.rateLimits.signInFailuresPerAccount, WINDOW_MS);
    if (blockedForMs > 0) throw tooManyRequests(response, blockedForMs / 1000, REASON);
  }

  /** False once an address has been sent RESET_MAILS_PER_WINDOW reset mails in the window: nobody's inbox gets flooded. */
  async mayMailReset(email: string): Promise<boolean> {
    const { hits } = await this.counters.hit(keyFor(email, 'reset-mail'), WINDOW_MS, RESET_MAILS_PER_WINDOW, 0);
    return hits <= RESET_MAILS_PER_WINDOW;
  }
}

function keyFor(email: string, purpose = 'sign-in'): string {
  return `${purpose}:${createHash('sha256').update(email).digest('hex')}`;
}
