/** What mailbox_checkpoints holds for a mailbox. */
export interface StoredProgress {
  uidValidity: string | null;
  lastUid: number;
}

/**
 * Where to resume after selecting the mailbox. UIDs mean nothing across a UIDVALIDITY change
 * (the server renumbered the mailbox, e.g. after an index rebuild or a restore), so the old
 * last UID is dropped and everything in the mailbox is read again; the pipeline answers
 * `duplicate` for what it already filed, so nothing is doubled and nothing renumbered is skipped.
 */
type ResumeDecision =
  | { kind: 'first-run'; uidValidity: string; lastUid: 0 }
  | { kind: 'resume'; uidValidity: string; lastUid: number }
  | { kind: 'uidvalidity-changed'; uidValidity: string; previousUidValidity: string; lastUid: 0 };

export function resumeDecision(stored: StoredProgress | null, serverUidValidity: bigint | number | string): ResumeDecision {
  const uidValidity = String(serverUidValidity);
  if (!stored || stored.uidValidity === null) return { kind: 'first-run', uidValidity, lastUid: 0 };
  if (stored.uidValidity !== uidValidity) {
    return { kind: 'uidvalidity-changed', uidValidity, previousUidValidity: stored.uidValidity, lastUid: 0 };
  }
  return { kind: 'resume', uidValidity, lastUid: stored.lastUid };
}
