interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export interface GroupCommitLimits<T> {
  maxItems: number;
  /** A batch grows only while the sizes of its writes add up to no more than this. */
  maxBytes: number;
  sizeOf(item: T): number;
}

/**
 * Group commit: writes that arrive while a transaction is running wait for it and then go
 * together in the next one, so a busy pipeline pays for one transaction (and, in production,
 * one log flush) per batch instead of per message. An idle one pays nothing extra: a lone
 * write starts at once, in a batch of one.
 *
 * A batch is all or nothing. When it fails, each of its writes is tried again alone, so one
 * bad write (a duplicate that raced in from another instance) gets its own error and does
 * not take its neighbours down with it.
 */
export class GroupCommit<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private draining = false;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    private readonly limits: GroupCommitLimits<T>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchLength());
        try {
          const results = await this.writeBatch(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(results[i]));
        } catch (error) {
          if (batch.length === 1) batch[0].reject(error);
          else for (const p of batch) await this.writeAlone(p);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** As many queued writes as the limits allow, and always at least one. */
  private batchLength(): number {
    let bytes = this.limits.sizeOf(this.queue[0].item);
    let length = 1;
    while (length < this.queue.length && length < this.limits.maxItems) {
      bytes += this.limits.sizeOf(this.queue[length].item);
      if (bytes > this.limits.maxBytes) break;
      length++;
    }
    return length;
  }

  private async writeAlone(p: Pending<T, R>): Promise<void> {
    try {
      p.resolve((await this.writeBatch([p.item]))[0]);
    } catch (error) {
      p.reject(error);
    }
  }
}
