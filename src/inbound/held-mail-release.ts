import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { asTenantId } from '../common/tenant-id';
import { ProcessingLogsRepository } from './processing-logs.repository';
import { ProcessingLogsService } from './processing-logs.service';

const HOUR_MS = 3600_000;
const RELEASE_INTERVAL_MS = 5 * 60_000;
const BATCH = 200;
export const HELD_MAIL_RELEASE = 'held-mail-release';

/**
 * Releases held mail when its limit allows again: mail held on an earlier UTC day once the day
 * rolls over, mail held by the per-sender throttle an hour later. Each is run through the
 * pipeline with the limits on, oldest first; the first that is held again stops its tenant's
 * release until the next run (its row is rewritten, not doubled). Two instances releasing the
 * same row at once file it once: the second run finds the filed copy (a duplicate).
 */
@Injectable()
export class HeldMailRelease {
  private readonly logger = new Logger(HeldMailRelease.name);
  private running = false;

  constructor(
    private readonly logs: ProcessingLogsRepository,
    private readonly processing: ProcessingLogsService,
  ) {}

  @Interval(HELD_MAIL_RELEASE, RELEASE_INTERVAL_MS)
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.releaseDue(new Date());
    } catch (error) {
      this.logger.warn(`held mail release failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Returns how many held messages were filed. */
  async releaseDue(now: Date): Promise<number> {
    const startOfDay = new Date(now.toISOString().slice(0, 10) + 'T00:00:00Z');
    const cutoff = new Date(Math.max(startOfDay.getTime(), now.getTime() - HOUR_MS));
    const stopped = new Set<number>();
    let released = 0;
    for (const row of await this.logs.heldBefore(cutoff, BATCH)) {
      if (row.tenantId === null || stopped.has(row.tenantId)) continue;
      try {
        const result = await this.processing.reprocess(asTenantId(row.tenantId), row.id, { releaseHold: false });
        if (result.outcome === 'held') stopped.add(row.tenantId);
        else released++;
      } catch (error) {
        this.logger.warn(`could not release held message (log ${row.id}): ${(error as Error).message}`);
      }
    }
    return released;
  }
}
