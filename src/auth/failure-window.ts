import { Response } from 'express';
import { ThrottlerStorage } from '@nestjs/throttler';
import { tooManyRequests } from './rate-limits';

/**
 * Failures of one key (a client address) counted in the throttler's storage, in this
 * instance's memory. Past the limit the key is blocked for the window: every attempt gets 429,
 * a right one included, so that guessing learns nothing.
 */
export class FailureWindow {
  constructor(
    private readonly storage: ThrottlerStorage,
    /** Names the throttler counters: `<name>-failures` and `<name>-block-check`. */
    private readonly name: string,
    private readonly windowMs: number,
    /** What the 429 says, whichever key was blocked. */
    private readonly reason: string,
  ) {}

  async assertNotBlocked(key: string, response: Response): Promise<void> {
    // The storage offers only increment(): a hit under another throttler name on the same key
    // reads the key's block without counting as a failure, and expires after a millisecond.
    const record = await this.storage.increment(key, 1, Number.MAX_SAFE_INTEGER, this.windowMs, `${this.name}-block-check`);
    if (record.isBlocked) throw tooManyRequests(response, record.timeToBlockExpire, this.reason);
  }

  /** Throws 429 when this failure is one too many. */
  async recordFailure(key: string, limit: number, response: Response): Promise<void> {
    const record = await this.storage.increment(key, this.windowMs, limit, this.windowMs, `${this.name}-failures`);
    if (record.isBlocked) throw tooManyRequests(response, record.timeToBlockExpire, this.reason);
  }
}
