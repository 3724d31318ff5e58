interface ListedMessage {
  uid: number;
  size: number;
}

export interface FetchBatch {
  uids: number[];
  /** Set for a message above the size limit: fetch only this many bytes (the pipeline files it as failed). */
  maxBytes: number | null;
}

interface FetchLimits {
  /** Messages per FETCH. */
  maxMessages: number;
  /** Bytes per FETCH; a larger message is fetched on its own. */
  maxBytes: number;
  /** The largest message the pipeline accepts (INBOUND_MAX_BYTES). */
  messageLimit: number;
}

/**
 * Splits the listed messages (in UID order) into FETCHes whose bodies together stay under
 * `maxBytes`, so memory is bounded by one batch, not by the mailbox: a 20 MB message travels
 * alone. A message above the pipeline's limit is fetched only up to the limit plus one byte,
 * enough for the pipeline to refuse it as too large and keep a record.
 */
export function planFetchBatches(messages: readonly ListedMessage[], limits: FetchLimits): FetchBatch[] {
  const sorted = [...messages].sort((a, b) => a.uid - b.uid);
  const batches: FetchBatch[] = [];
  let current: number[] = [];
  let currentBytes = 0;
  const flush = () => {
    if (current.length > 0) batches.push({ uids: current, maxBytes: null });
    current = [];
    currentBytes = 0;
  };
  for (const message of sorted) {
    if (message.size > limits.messageLimit) {
      flush();
      batches.push({ uids: [message.uid], maxBytes: limits.messageLimit + 1 });
      continue;
    }
    if (current.length > 0 && (current.length >= limits.maxMessages || currentBytes + message.size > limits.maxBytes)) flush();
    current.push(message.uid);
    currentBytes += message.size;
  }
  flush();
  return batches;
}

/** An IMAP sequence set for UIDs, runs compressed: [1,2,3,7,9,10] -> "1:3,7,9:10". */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * UIDs above `lastUid`. Needed because the server reads "UID 43:*" as "43:highest" even when
 * the highest UID is below 43, and then answers with the last message again.
 */
export function newerThan<T extends { uid: number }>(messages: readonly T[], lastUid: number): T[] {
  return messages.filter((m) => m.uid > lastUid);
}
