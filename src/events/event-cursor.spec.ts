import { EventCursor } from './event-cursor';

const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe('EventCursor', () => {
  it('hands out consecutive ids at once', () => {
    const cursor = new EventCursor(10, 5_000);
    expect(cursor.take(rows(11, 12, 13), 0)).toEqual(rows(11, 12, 13));
    expect(cursor.position).toBe(13);
  });

  it('holds events behind a missing id until it commits', () => {
    const cursor = new EventCursor(10, 5_000);
    expect(cursor.take(rows(11, 13, 14), 0)).toEqual(rows(11));
    expect(cursor.take(rows(13, 14), 1_000)).toEqual([]);
    expect(cursor.take(rows(12, 13, 14), 2_000)).toEqual(rows(12, 13, 14));
    expect(cursor.position).toBe(14);
  });

  it('passes over an id missing for longer than the wait (a rolled-back transaction)', () => {
    const cursor = new EventCursor(10, 5_000);
    expect(cursor.take(rows(12), 0)).toEqual([]);
    expect(cursor.take(rows(12), 4_999)).toEqual([]);
    expect(cursor.take(rows(12, 13), 5_000)).toEqual(rows(12, 13));
  });

  it('measures each gap from when it was first seen', () => {
    const cursor = new EventCursor(10, 5_000);
    expect(cursor.take(rows(12), 0)).toEqual([]);
    expect(cursor.take(rows(12, 14), 6_000)).toEqual(rows(12));
    expect(cursor.take(rows(14), 7_000)).toEqual([]);
    expect(cursor.take(rows(14), 11_000)).toEqual(rows(14));
  });
});
