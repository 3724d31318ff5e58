interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Each delay is spread by ± this fraction so that instances that failed together do not retry together. */
  readonly jitter: number;
}

/** Mail sources: 0.5 s, 1 s, 2 s ... up to a minute, so a restarted Dovecot or database is found again quickly. */
export const SOURCE_RETRY_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 60_000, jitter: 0.2 };

/** The wait before retry number `attempt` (1 for the first retry after a failure). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy = SOURCE_RETRY_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const base = Math.min(policy.initialMs * 2 ** exponent, policy.maxMs);
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.round(Math.min(base * spread, policy.maxMs));
}
