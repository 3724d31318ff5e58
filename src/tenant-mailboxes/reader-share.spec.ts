import { fairShare, rebalance, shuffled } from './reader-share';

describe('spreading tenant mailboxes over instances', () => {
  it('gives each live instance an even share, rounded up, within its cap', () => {
    expect(fairShare(200, 3, 100)).toBe(67);
    expect(fairShare(200, 2, 100)).toBe(100);
    expect(fairShare(200, 1, 100)).toBe(100);
    expect(fairShare(5, 0, 100)).toBe(5);
    expect(fairShare(0, 3, 100)).toBe(0);
  });

  it('hands back what is above the share and takes up to it', () => {
    expect(rebalance([1, 2, 3, 4], 2)).toEqual({ release: [3, 4], take: 0 });
    expect(rebalance([1], 3)).toEqual({ release: [], take: 2 });
  });

  it('shuffles without losing or doubling', () => {
    expect(shuffled([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
