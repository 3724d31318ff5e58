import { inParallel } from './in-parallel';

describe('inParallel', () => {
  it('keeps at most `limit` tasks in flight and runs each item once', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      done.push(n);
      inFlight--;
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('waits for the tasks in flight, then throws the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = inParallel([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setImmediate(r));
      if (n === 2 || n === 3) throw new Error(`item ${n}`);
      finished++;
    });
    await expect(run).rejects.toThrow('item 2');
    expect(started).not.toContain(6);
    expect(finished).toBe(started.filter((n) => n !== 2 && n !== 3).length);
  });
});
