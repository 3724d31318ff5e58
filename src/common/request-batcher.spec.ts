import { RequestBatcher } from './request-batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A writer whose transactions stay open until released, recording the batches it was given. */
function heldWriter(failWhen: (items: number[]) => boolean = () => false) {
  const batches: number[][] = [];
  const open: (() => void)[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      open.push(() => (failWhen(items) ? reject(new Error(`batch ${items.join(',')} failed`)) : resolve(items.map((i) => `done ${i}`))));
    });
  const releaseAll = async () => {
    while (open.length > 0) {
      open.shift()!();
      await tick();
    }
  };
  return { batches, write, releaseAll };
}

describe('RequestBatcher', () => {
  const limits = { maxItems: 3, maxBytes: 100, sizeOf: () => 10, retryAlone: () => true };

  it('starts a lone write at once, in a batch of one', async () => {
    const writer = heldWriter();
    const commit = new RequestBatcher(writer.write, limits);
    const result = commit.submit(1);
    expect(writer.batches).toEqual([[1]]);
    await writer.releaseAll();
    await expect(result).resolves.toBe('done 1');
  });

  it('groups the writes that arrive during a transaction into the next one, up to maxItems', async () => {
    const writer = heldWriter();
    const commit = new RequestBatcher(writer.write, limits);
    const results = [1, 2, 3, 4, 5, 6].map((i) => commit.submit(i));
    await writer.releaseAll();
    expect(writer.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5', 'done 6']);
  });

  it('closes a batch before its sizes add up to more than maxBytes, but never leaves a write out', async () => {
    const writer = heldWriter();
    const commit = new RequestBatcher(writer.write, { maxItems: 10, maxBytes: 100, sizeOf: (i: number) => i, retryAlone: () => true });
    const results = [1, 60, 30, 20, 500].map((i) => commit.submit(i));
    await writer.releaseAll();
    expect(writer.batches).toEqual([[1], [60, 30], [20], [500]]);
    await expect(Promise.all(results)).resolves.toHaveLength(5);
  });

  it('retries each write of a failed batch alone, so only the bad one fails', async () => {
    const writer = heldWriter((items) => items.includes(3));
    const commit = new RequestBatcher(writer.write, limits);
    const results = [1, 2, 3, 4].map((i) => commit.submit(i).catch((e: Error) => e.message));
    await writer.releaseAll();
    expect(writer.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 1', 'done 2', 'batch 3 failed', 'done 4']);
  });

  it('fails the whole batch at once when retrying alone is pointless', async () => {
    const writer = heldWriter((items) => items.length > 1 || items[0] !== 1);
    const commit = new RequestBatcher(writer.write, { ...limits, retryAlone: () => false });
    const results = [1, 2, 3].map((i) => commit.submit(i).catch((e: Error) => e.message));
    await writer.releaseAll();
    expect(writer.batches).toEqual([[1], [2, 3]]);
    await expect(Promise.all(results)).resolves.toEqual(['done 1', 'batch 2,3 failed', 'batch 2,3 failed']);
  });

  it('goes on with later writes after a failure', async () => {
    const writer = heldWriter((items) => items.includes(1));
    const commit = new RequestBatcher(writer.write, limits);
    const first = commit.submit(1).catch((e: Error) => e.message);
    await writer.releaseAll();
    const second = commit.submit(2);
    await writer.releaseAll();
    await expect(first).resolves.toBe('batch 1 failed');
    await expect(second).resolves.toBe('done 2');
  });
});

describe('RequestBatcher with gatherMs (a server that does not yield while it serves a batch)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Serves each batch at once, as better-sqlite3 does. */
  function immediateWriter() {
    const batches: number[][] = [];
    return { batches, write: async (items: number[]) => (batches.push(items), items.map((i) => `done ${i}`)) };
  }
  const gathering = { maxItems: 4, maxBytes: 100, sizeOf: () => 1, retryAlone: () => true, gatherMs: 10 };

  it('starts a lone request at once', async () => {
    const writer = immediateWriter();
    const commit = new RequestBatcher(writer.write, gathering);
    await expect(commit.submit(1)).resolves.toBe('done 1');
    expect(writer.batches).toEqual([[1]]);
  });

  it('lets requests that come back to back wait gatherMs for each other', async () => {
    const writer = immediateWriter();
    const commit = new RequestBatcher(writer.write, gathering);
    await commit.submit(1);
    jest.advanceTimersByTime(5);
    const second = commit.submit(2);
    jest.advanceTimersByTime(5);
    const third = commit.submit(3);
    expect(writer.batches).toEqual([[1]]);
    jest.advanceTimersByTime(5);
    await expect(Promise.all([second, third])).resolves.toEqual(['done 2', 'done 3']);
    expect(writer.batches).toEqual([[1], [2, 3]]);
  });

  it('starts a gathering batch as soon as it is full', async () => {
    const writer = immediateWriter();
    const commit = new RequestBatcher(writer.write, gathering);
    await commit.submit(0);
    const results = [1, 2, 3, 4].map((i) => commit.submit(i));
    await expect(Promise.all(results)).resolves.toHaveLength(4);
    expect(writer.batches).toEqual([[0], [1, 2, 3, 4]]);
  });

  it('does not wait after a quiet spell', async () => {
    const writer = immediateWriter();
    const commit = new RequestBatcher(writer.write, gathering);
    await commit.submit(1);
    jest.advanceTimersByTime(41);
    await expect(commit.submit(2)).resolves.toBe('done 2');
    expect(writer.batches).toEqual([[1], [2]]);
  });

  it('stops waiting for a while when nobody joined, twice as long after each such wait in a row', async () => {
    const writer = immediateWriter();
    const commit = new RequestBatcher(writer.write, gathering);
    const lonelyWait = async (i: number) => {
      const waiting = commit.submit(i);
      expect(writer.batches.flat()).not.toContain(i);
      jest.advanceTimersByTime(10);
      await waiting;
    };
    await commit.submit(1);
    jest.advanceTimersByTime(5);
    await lonelyWait(2); // paused for 2 x 10 ms
    await expect(commit.submit(3)).resolves.toBe('done 3');
    jest.advanceTimersByTime(20);
    await lonelyWait(4); // paused for 4 x 10 ms
    jest.advanceTimersByTime(30);
    await expect(commit.submit(5)).resolves.toBe('done 5');
    jest.advanceTimersByTime(10);
    await lonelyWait(6);
    expect(writer.batches).toEqual([[1], [2], [3], [4], [5], [6]]);
  });
});
