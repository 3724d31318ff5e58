import type { FetchMessageObject } from 'imapflow';

/** What the reader knows of a fetched message before the pipeline parses it (from the IMAP ENVELOPE). */
export interface LaneMessage {
  uid: number;
  sender: string | null;
  messageId: string | null;
  /** Message-IDs the message answers: In-Reply-To and References. */
  answers: string[];
}

/** What the lanes are planned from: the envelope and the References header the server parsed out. */
export function laneOf(message: Pick<FetchMessageObject, 'uid' | 'envelope' | 'headers'>): LaneMessage {
  return {
    uid: message.uid,
    sender: message.envelope?.from?.[0]?.address ?? null,
    messageId: message.envelope?.messageId ?? null,
    answers: [...messageIdsIn(message.envelope?.inReplyTo), ...messageIdsIn(message.headers?.toString('latin1'))],
  };
}

/**
 * Splits a batch into lanes that may be ingested side by side: messages of one sender, and a
 * message and any message in the batch that answers it, share a lane, so that a follow-up or a
 * reply is filed after what it follows (it threads onto that ticket instead of opening another).
 * Each lane is in UID order; lanes come in the order of their first UID.
 */
export function planIngestLanes(messages: readonly LaneMessage[]): number[][] {
  const sorted = [...messages].sort((a, b) => a.uid - b.uid);
  const parent = new Map<number, number>(sorted.map((m) => [m.uid, m.uid]));
  const root = (uid: number): number => {
    let r = uid;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(uid, r);
    return r;
  };
  const join = (a: number, b: number) => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  const bySender = new Map<string, number>();
  const byMessageId = new Map<string, number>();
  for (const m of sorted) {
    const sender = m.sender?.trim().toLowerCase();
    if (sender) {
      const first = bySender.get(sender);
      if (first === undefined) bySender.set(sender, m.uid);
      else join(first, m.uid);
    }
    const id = normaliseId(m.messageId);
    if (id && !byMessageId.has(id)) byMessageId.set(id, m.uid);
  }
  for (const m of sorted) {
    for (const answered of m.answers) {
      const other = byMessageId.get(normaliseId(answered) ?? '');
      if (other !== undefined) join(other, m.uid);
    }
  }
  const lanes = new Map<number, number[]>();
  for (const m of sorted) {
    const r = root(m.uid);
    const lane = lanes.get(r) ?? [];
    lane.push(m.uid);
    lanes.set(r, lane);
  }
  return [...lanes.values()];
}

/** Message-IDs in a References or In-Reply-To value: "<a@x> <b@y>" -> ["<a@x>", "<b@y>"]. */
export function messageIdsIn(value: string | null | undefined): string[] {
  return value ? (value.match(/<[^<>\s]+>/g) ?? []) : [];
}

/**
 * The highest UID up to which every message of the batch was handled (filed, or set aside after
 * an error), or `previous` when the first one was not: the checkpoint may move only that far.
 */
export function handledPrefix(batchUids: readonly number[], handled: ReadonlySet<number>, previous: number): number {
  let last = previous;
  for (const uid of [...batchUids].sort((a, b) => a - b)) {
    if (!handled.has(uid)) break;
    last = Math.max(last, uid);
  }
  return last;
}

function normaliseId(id: string | null | undefined): string | null {
  const trimmed = id?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}
