import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends when the time is up', async () => {
    const sleep = new WakeableSleep();
    let ended = false;
    const pending = sleep.sleep(1000).then(() => (ended = true));
    await jest.advanceTimersByTimeAsync(999);
    expect(ended).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await pending;
    expect(ended).toBe(true);
  });

  it('ends every sleeper at once on wake, and a later sleep is not affected', async () => {
    const sleep = new WakeableSleep();
    const ended: string[] = [];
    const a = sleep.sleep(60_000).then(() => ended.push('a'));
    const b = sleep.sleep(60_000).then(() => ended.push('b'));
    sleep.wake();
    await Promise.all([a, b]);
    expect(ended.sort()).toEqual(['a', 'b']);

    let laterEnded = false;
    void sleep.sleep(1000).then(() => (laterEnded = true));
    await jest.advanceTimersByTimeAsync(10);
    expect(laterEnded).toBe(false);
    expect(jest.getTimerCount()).toBe(1);
  });
});
