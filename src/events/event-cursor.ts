/**
 * Which rows of the events table an instance may hand out, in id order. Ids are taken when a
 * transaction inserts its row but become visible when it commits, so a lower id can appear after
 * a higher one (MariaDB; SQLite writes one at a time). Events after a missing id wait for it; an
 * id still missing after `gapWaitMs` belonged to a rolled-back transaction and is passed over.
 * That keeps every client's Last-Event-ID a point before which it has seen everything.
 */
export class EventCursor {
  private gapSince: number | null = null;

  constructor(
    public position: number,
    private readonly gapWaitMs: number,
  ) {}

  /** The prefix of `rows` (ascending ids, all after position) that may go out now; moves the position past it. */
  take<T extends { id: number }>(rows: T[], now: number): T[] {
    const ready: T[] = [];
    for (const row of rows) {
      if (row.id !== this.position + 1) {
        this.gapSince ??= now;
        if (now - this.gapSince < this.gapWaitMs) break;
      }
      this.gapSince = null;
      ready.push(row);
      this.position = row.id;
    }
    if (ready.length === rows.length) this.gapSince = null;
    return ready;
  }
}
