/**
 * How many of the `mailboxes` readable mailboxes this instance should read: an even share over
 * the live instances (rounded up, so that together they cover all), never above its cap.
 */
export function fairShare(mailboxes: number, liveInstances: number, cap: number): number {
  return Math.min(cap, Math.ceil(mailboxes / Math.max(1, liveInstances)));
}

/** What to do this round: which held mailboxes to hand back, and how many more to try to take. */
export function rebalance(held: readonly number[], share: number): { release: number[]; take: number } {
  if (held.length > share) return { release: held.slice(share), take: 0 };
  return { release: [], take: share - held.length };
}

/** The list in a random order, so that instances looking for free mailboxes at once seldom race for the same. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
