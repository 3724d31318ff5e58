import { MAX_RETRY_DELAY_MS, nextStepAfterFailure, retryDelayMs } from './delivery-retry';
import { SmtpFailure } from './smtp-transport';

const policy = { retryBaseMs: 60_000, maxAttempts: 5 };
const now = new Date('2025-01-01T00:00:00Z');
const temporary: SmtpFailure = { stage: 'send', temporary: true, responseCode: 451, message: '451 4.3.0 try later' };
const permanent: SmtpFailure = { stage: 'send', temporary: false, responseCode: 550, message: '550 5.1.1 no such user' };

describe('retryDelayMs', () => {
  it.each([
    [1, 60_000],
    [2, 120_000],
    [3, 240_000],
    [6, 1_920_000],
    [7, MAX_RETRY_DELAY_MS],
    [50, MAX_RETRY_DELAY_MS],
  ])('attempt %i waits %i ms', (attempt, expected) => {
    expect(retryDelayMs(attempt, 60_000)).toBe(expected);
  });
});

describe('nextStepAfterFailure', () => {
  it('retries a temporary failure with backoff and says when', () => {
    const step = nextStepAfterFailure(temporary, 2, policy, now);
    expect(step).toEqual({
      kind: 'retry',
      at: new Date('2025-01-01T00:02:00Z'),
      detail: 'attempt 2 failed temporarily, next try at 2025-01-01T00:02:00.000Z: send failed (451): 451 4.3.0 try later',
    });
  });

  it('fails a permanent failure at once', () => {
    expect(nextStepAfterFailure(permanent, 1, policy, now)).toEqual({
      kind: 'failed',
      detail: 'permanent failure, not retried: send failed (550): 550 5.1.1 no such user',
    });
  });

  it('gives up on a temporary failure after the last attempt', () => {
    const step = nextStepAfterFailure({ ...temporary, stage: 'connection', responseCode: null, message: 'connect ECONNREFUSED 127.0.0.1:1' }, 5, policy, now);
    expect(step).toEqual({ kind: 'failed', detail: 'gave up after 5 attempts: connection failed: connect ECONNREFUSED 127.0.0.1:1' });
  });
});
