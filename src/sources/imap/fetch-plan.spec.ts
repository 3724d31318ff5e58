import { newerThan, planFetchBatches, uidSet } from './fetch-plan';

const KB = 1024;
const MB = 1024 * KB;
const limits = { maxMessages: 3, maxBytes: 1 * MB, messageLimit: 25 * MB };

describe('planFetchBatches', () => {
  it('returns nothing for an empty mailbox', () => {
    expect(planFetchBatches([], limits)).toEqual([]);
  });

  it('cuts batches by message count, in UID order', () => {
    const listed = [5, 1, 4, 2, 3].map((uid) => ({ uid, size: 10 * KB }));
    expect(planFetchBatches(listed, limits).map((b) => b.uids)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('cuts batches by bytes, so one large message travels alone', () => {
    const listed = [
      { uid: 1, size: 400 * KB },
      { uid: 2, size: 400 * KB },
      { uid: 3, size: 20 * MB },
      { uid: 4, size: 100 * KB },
    ];
    expect(planFetchBatches(listed, limits)).toEqual([
      { uids: [1, 2], maxBytes: null },
      { uids: [3], maxBytes: null },
      { uids: [4], maxBytes: null },
    ]);
  });

  it('fetches a message above the pipeline limit only up to the limit plus one byte', () => {
    const listed = [
      { uid: 1, size: 1 * KB },
      { uid: 2, size: 30 * MB },
      { uid: 3, size: 1 * KB },
    ];
    expect(planFetchBatches(listed, limits)).toEqual([
      { uids: [1], maxBytes: null },
      { uids: [2], maxBytes: 25 * MB + 1 },
      { uids: [3], maxBytes: null },
    ]);
  });

  it('keeps the bytes of every batch of small messages under the limit', () => {
    const listed = Array.from({ length: 1000 }, (_, i) => ({ uid: i + 1, size: 300 * KB + (i % 7) * KB }));
    const batches = planFetchBatches(listed, { ...limits, maxMessages: 50 });
    const sizeOf = new Map(listed.map((m) => [m.uid, m.size]));
    for (const b of batches) expect(b.uids.reduce((sum, uid) => sum + sizeOf.get(uid)!, 0)).toBeLessThanOrEqual(1 * MB);
    expect(batches.flatMap((b) => b.uids)).toEqual(listed.map((m) => m.uid));
  });
});

describe('uidSet', () => {
  it.each([
    [[1], '1'],
    [[1, 2, 3], '1:3'],
    [[1, 2, 3, 7, 9, 10], '1:3,7,9:10'],
    [[10, 9, 1, 1], '1,9:10'],
  ])('%j -> %s', (uids, expected) => {
    expect(uidSet(uids)).toBe(expected);
  });
});

describe('newerThan', () => {
  it('drops the message a server returns for "UID n:*" when n is above the highest UID', () => {
    expect(newerThan([{ uid: 42 }], 42)).toEqual([]);
    expect(newerThan([{ uid: 41 }, { uid: 43 }], 42)).toEqual([{ uid: 43 }]);
  });
});
