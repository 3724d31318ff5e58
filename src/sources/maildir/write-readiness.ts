import { declaredSize } from './maildir-names';

export interface FileObservation {
  size: number;
  mtimeMs: number;
  /** When this stat was taken. */
  atMs: number;
}

type WriteReadiness = { ready: true } | { ready: false; recheckInMs: number };

/** No write for this long means the writer is done. */
export const SETTLE_MS = 300;
/** A Maildir name promising more bytes than the file has is trusted for this long, then the quiet rule applies. */
export const DECLARED_SIZE_PATIENCE_MS = 30_000;

/**
 * Whether a file in new/ is completely written. A Maildir delivery writes in tmp/ and renames
 * into new/, so its file is complete when it appears, and its name usually says its size
 * (",S=1234"): a matching size is taken at once. Other writers (a script copying straight
 * into new/) may still be writing: such a file is taken only once it has not changed for
 * SETTLE_MS, by its mtime, or by two equal observations when the mtime cannot be trusted
 * (a clock ahead of ours, e.g. on a network share).
 */
export function writeReadiness(name: string, current: FileObservation, previous: FileObservation | null): WriteReadiness {
  const declared = declaredSize(name);
  if (declared !== null && current.size === declared) return { ready: true };
  const quietForMs = current.atMs - current.mtimeMs;
  if (declared !== null && current.size < declared && quietForMs < DECLARED_SIZE_PATIENCE_MS) {
    return { ready: false, recheckInMs: SETTLE_MS };
  }
  if (quietForMs >= SETTLE_MS) return { ready: true };
  const unchangedSincePrevious =
    previous !== null && previous.size === current.size && previous.mtimeMs === current.mtimeMs && current.atMs - previous.atMs >= SETTLE_MS;
  if (unchangedSincePrevious) return { ready: true };
  return { ready: false, recheckInMs: quietForMs >= 0 && quietForMs < SETTLE_MS ? SETTLE_MS - quietForMs : SETTLE_MS };
}
