import { backoffDelayMs, SOURCE_RETRY_BACKOFF } from './retry-backoff';

describe('backoffDelayMs', () => {
  const middle = () => 0.5;

  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [6, 16_000],
    [8, 60_000],
    [50, 60_000],
  ])('retry %i waits %i ms without jitter', (attempt, expected) => {
    expect(backoffDelayMs(attempt, SOURCE_RETRY_BACKOFF, middle)).toBe(expected);
  });

  it('treats attempt 0 like the first retry', () => {
    expect(backoffDelayMs(0, SOURCE_RETRY_BACKOFF, middle)).toBe(500);
  });

  it('spreads each delay by at most the jitter fraction and never above the cap', () => {
    expect(backoffDelayMs(3, SOURCE_RETRY_BACKOFF, () => 0)).toBe(1_600);
    expect(backoffDelayMs(3, SOURCE_RETRY_BACKOFF, () => 1)).toBe(2_400);
    expect(backoffDelayMs(20, SOURCE_RETRY_BACKOFF, () => 1)).toBe(60_000);
  });
});
