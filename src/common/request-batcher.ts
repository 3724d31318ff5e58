/** Requests closer together than this many gathering times mean a busy source (see gatherMs). */
const BACK_TO_BACK = 4;
/**
 * After a wait that nobody joined, a batcher stops gathering for a while, twice as long after
 * each such wait in a row, up to this: a source that sends one request at a time and waits for
 * its answer (the Maildir watcher) would otherwise pay gatherMs on every request, while a busy
 * pipeline whose wait was lonely once goes on gathering almost at once.
 */
const MAX_GATHER_PAUSE_MS = 1000;

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export interface BatchOptions<T> {
  maxItems: number;
  /** A batch grows only while the sizes of its requests add up to no more than this. */
  maxBytes: number;
  sizeOf(item: T): number;
  /**
   * Whether a failed batch's requests are worth trying alone. Not when the database is down:
   * each would wait for its own connection timeout before failing the same way.
   */
  retryAlone(error: unknown): boolean;
  /**
   * How long a batch waits for more requests before it starts, when they arrive back to back
   * (the previous one came less than four times this long ago). Zero suits an asynchronous
   * server, where requests gather while a batch is being served. A synchronous one
   * (better-sqlite3) serves a batch without yielding, so nothing can gather meanwhile and every
   * batch would hold one request. After a wait that nobody joined, requests start at once again
   * for a while (see MAX_GATHER_PAUSE_MS).
   */
  gatherMs?: number;
}

/**
 * Requests that arrive while a batch is being served wait for it and are then served together
 * in the next one, so a busy pipeline pays one database round trip (for the group commit of
 * filed messages: one transaction and, in production, one log flush; for raw messages: one
 * append to a segment file) per batch instead of per message. An idle one pays nothing extra: a
 * lone request starts at once, in a batch of one. A server that does not yield while it serves a
 * batch gets its batches from `gatherMs` instead.
 *
 * A batch is all or nothing. When it fails, each of its requests is tried again alone (unless
 * the error says retrying is pointless), so one bad write (a duplicate that raced in from
 * another instance) gets its own error and does not take its neighbours down with it.
 */
export class RequestBatcher<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private draining = false;
  private gathering: NodeJS.Timeout | null = null;
  private lastSubmitted = -Infinity;
  private gatherPausedUntil = -Infinity;
  private lonelyGathers = 0;
  private readonly gatherMs: number;

  constructor(
    private readonly serveBatch: (items: T[]) => Promise<R[]>,
    private readonly options: BatchOptions<T>,
  ) {
    this.gatherMs = options.gatherMs ?? 0;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      const now = performance.now();
      const backToBack = now - this.lastSubmitted < this.gatherMs * BACK_TO_BACK;
      this.lastSubmitted = now;
      if (this.draining) return;
      if (this.gathering) {
        if (this.queue.length >= this.options.maxItems) this.stopGathering();
      } else if (backToBack && now >= this.gatherPausedUntil) {
        this.gathering = setTimeout(() => this.stopGathering(), this.gatherMs);
      } else {
        void this.drain();
      }
    });
  }

  private stopGathering(): void {
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = null;
    if (this.queue.length === 1) {
      this.lonelyGathers++;
      const pause = Math.min(MAX_GATHER_PAUSE_MS, this.gatherMs * 2 ** this.lonelyGathers);
      this.gatherPausedUntil = performance.now() + pause;
    } else {
      this.lonelyGathers = 0;
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchLength());
        try {
          const results = await this.serveBatch(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(results[i]));
        } catch (error) {
          if (batch.length === 1 || !this.options.retryAlone(error)) for (const p of batch) p.reject(error);
          else for (const p of batch) await this.serveAlone(p);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** As many queued requests as the limits allow, and always at least one. */
  private batchLength(): number {
    let bytes = this.options.sizeOf(this.queue[0].item);
    let length = 1;
    while (length < this.queue.length && length < this.options.maxItems) {
      bytes += this.options.sizeOf(this.queue[length].item);
      if (bytes > this.options.maxBytes) break;
      length++;
    }
    return length;
  }

  private async serveAlone(p: Pending<T, R>): Promise<void> {
    try {
      p.resolve((await this.serveBatch([p.item]))[0]);
    } catch (error) {
      p.reject(error);
    }
  }
}
