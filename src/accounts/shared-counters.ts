import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Rows whose window ended this long ago (and whose block is over) are removed now and then. */
const KEEP_ENDED_MS = 24 * 3600_000;
const SWEEP_EVERY_HITS = 100;

export interface CounterHit {
  /** Hits in the current window, this one included. */
  hits: number;
  /** How long the key stays blocked; 0 when it is not. */
  blockedForMs: number;
}

/**
 * Counters in the database, so that every instance counts together (the throttler's storage is
 * each instance's memory): a hit is one upsert, which restarts the window once it has ended.
 * Past `limit` hits in a window the key is blocked for `blockMs`.
 */
@Injectable()
export class SharedCounters {
  private hitsSinceSweep = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async blockedForMs(key: string, now = Date.now()): Promise<number> {
    const [row] = await this.db.query<{ blocked_until_ms: string | number | null }[]>('SELECT blocked_until_ms FROM shared_counters WHERE counter_key = ?', [key]);
    return Math.max(0, Number(row?.blocked_until_ms ?? 0) - now);
  }

  async hit(key: string, windowMs: number, limit: number, blockMs: number, now = Date.now()): Promise<CounterHit> {
    const windowEnds = now + windowMs;
    if (this.mysql) {
      // Assignments run left to right: hits still sees the old window_ends_ms.
      await this.db.query(
        'INSERT INTO shared_counters (counter_key, hits, window_ends_ms) VALUES (?, 1, ?) ' +
          'ON DUPLICATE KEY UPDATE hits = IF(window_ends_ms < ?, 1, hits + 1), window_ends_ms = IF(window_ends_ms < ?, ?, window_ends_ms)',
        [key, windowEnds, now, now, windowEnds],
      );
    } else {
      await this.db.query(
        'INSERT INTO shared_counters (counter_key, hits, window_ends_ms) VALUES (?, 1, ?) ON CONFLICT(counter_key) DO UPDATE SET ' +
          'hits = CASE WHEN window_ends_ms < ? THEN 1 ELSE hits + 1 END, window_ends_ms = CASE WHEN window_ends_ms < ? THEN ? ELSE window_ends_ms END',
        [key, windowEnds, now, now, windowEnds],
      );
    }
    const [row] = await this.db.query<{ hits: string | number }[]>('SELECT hits FROM shared_counters WHERE counter_key = ?', [key]);
    const hits = Number(row?.hits ?? 1);
    if (hits > limit && blockMs > 0) {
      await this.db.query('UPDATE shared_counters SET blocked_until_ms = ? WHERE counter_key = ? AND (blocked_until_ms IS NULL OR blocked_until_ms < ?)', [now + blockMs, key, now]);
    }
    await this.sweepNowAndThen(now);
    return { hits, blockedForMs: hits > limit ? await this.blockedForMs(key, now) : 0 };
  }

  private get mysql(): boolean {
    return this.db.options.type === 'mysql' || this.db.options.type === 'mariadb';
  }

  private async sweepNowAndThen(now: number): Promise<void> {
    if (++this.hitsSinceSweep < SWEEP_EVERY_HITS) return;
    this.hitsSinceSweep = 0;
    await this.db.query('DELETE FROM shared_counters WHERE window_ends_ms < ? AND (blocked_until_ms IS NULL OR blocked_until_ms < ?)', [now - KEEP_ENDED_MS, now]);
  }
}
