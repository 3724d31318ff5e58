import { DECLARED_SIZE_PATIENCE_MS, SETTLE_MS, writeReadiness } from './write-readiness';

const NOW = 1_700_000_000_000;
const seen = (size: number, mtimeAgoMs: number, atMs = NOW) => ({ size, mtimeMs: atMs - mtimeAgoMs, atMs });

describe('writeReadiness', () => {
  const delivered = '1700000000.M1P2.mx,S=1200,W=1230';

  it('takes a Maildir delivery whose size matches its name at once, however fresh', () => {
    expect(writeReadiness(delivered, seen(1200, 0), null)).toEqual({ ready: true });
  });

  it('waits while a file is shorter than its name promises', () => {
    expect(writeReadiness(delivered, seen(800, 5_000), null)).toEqual({ ready: false, recheckInMs: SETTLE_MS });
  });

  it('stops trusting a name that promised more bytes once the file has been quiet for long', () => {
    expect(writeReadiness(delivered, seen(800, DECLARED_SIZE_PATIENCE_MS), null)).toEqual({ ready: true });
  });

  it('waits for a file without a size in its name until it has been quiet for the settle time', () => {
    expect(writeReadiness('message.eml', seen(500, 100), null)).toEqual({ ready: false, recheckInMs: SETTLE_MS - 100 });
    expect(writeReadiness('message.eml', seen(500, SETTLE_MS), null)).toEqual({ ready: true });
  });

  it('takes a file left from before the start at once', () => {
    expect(writeReadiness('message.eml', seen(500, 3_600_000), null)).toEqual({ ready: true });
  });

  it('falls back to two equal observations when the mtime lies in the future', () => {
    const first = seen(500, -10_000, NOW);
    expect(writeReadiness('message.eml', first, null)).toEqual({ ready: false, recheckInMs: SETTLE_MS });
    const same = { ...first, atMs: NOW + SETTLE_MS };
    expect(writeReadiness('message.eml', same, first)).toEqual({ ready: true });
    const grown = { size: 900, mtimeMs: first.mtimeMs + 1, atMs: NOW + SETTLE_MS };
    expect(writeReadiness('message.eml', grown, first).ready).toBe(false);
  });
});
