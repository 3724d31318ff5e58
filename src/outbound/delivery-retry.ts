import { SmtpFailure } from './smtp-transport';

/** No retry waits longer than this, however many attempts came before. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

interface RetryPolicy {
  retryBaseMs: number;
  maxAttempts: number;
}

type NextStep =
  | { kind: 'retry'; at: Date; detail: string }
  | { kind: 'failed'; detail: string };

/** Exponential backoff: base, 2×base, 4×base … capped at an hour. `attempt` counts from 1. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(baseMs * 2 ** exponent, MAX_RETRY_DELAY_MS);
}

/** What to do with an outbox entry whose attempt number `attempts` has just failed. */
export function nextStepAfterFailure(failure: SmtpFailure, attempts: number, policy: RetryPolicy, now: Date): NextStep {
  const what = `${failure.stage} failed${failure.responseCode ? ` (${failure.responseCode})` : ''}: ${failure.message}`;
  if (!failure.temporary) return { kind: 'failed', detail: `permanent failure, not retried: ${what}` };
  if (attempts >= policy.maxAttempts) return { kind: 'failed', detail: `gave up after ${attempts} attempts: ${what}` };
  const at = new Date(now.getTime() + retryDelayMs(attempts, policy.retryBaseMs));
  return { kind: 'retry', at, detail: `attempt ${attempts} failed temporarily, next try at ${at.toISOString()}: ${what}` };
}
