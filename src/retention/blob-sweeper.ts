import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BlobInventory, StoredBlob } from '../storage/blob-stores';
import { BlobReferences, BlobReferencesRepository } from './blob-references.repository';

export interface SweepReport {
  deleted: number;
  kept: number;
}

interface SweepOptions {
  /** Called between mark and sweep (tests put a message in flight there). */
  afterMark?: () => Promise<void>;
  now?: Date;
}

const DAY_MS = 86_400_000;

/**
 * Blobs last written before this may go when no row names them. One second more than the grace
 * for stores that keep modification times to the second (S3 listings).
 */
export function settledBefore(markedAt: Date, graceMs: number): number {
  return markedAt.getTime() - graceMs - 1000;
}

/**
 * Mark and sweep, not reference counts: blobs are shared by content between messages and
 * tenants, and a count kept beside every write would be one more row to get right in the hot
 * path and after every crash. The mark reads every reference; the sweep removes a blob that none
 * names, unless it was written (or written again) after the mark began less the grace period.
 * The grace covers a message in flight: its blob is stored before its rows commit, so a mark
 * that ran in between does not see it, but the blob is younger than the mark.
 * A segment file of raw messages goes only when no row names any message in it and it is from
 * before yesterday: every process starts a new file each day, so nobody appends to it any more.
 */
@Injectable()
export class BlobSweeper {
  private readonly logger = new Logger(BlobSweeper.name);

  constructor(
    private readonly config: AppConfig,
    private readonly references: BlobReferencesRepository,
    private readonly inventory: BlobInventory,
  ) {}

  async sweep(options: SweepOptions = {}): Promise<SweepReport> {
    const markedAt = options.now ?? new Date();
    const references = await this.references.all();
    await options.afterMark?.();
    const cutoff = settledBefore(markedAt, this.config.retention.sweepGraceMs);
    const oldestOpenDay = new Date(markedAt.getTime() - DAY_MS).toISOString().slice(0, 10);
    const report: SweepReport = { deleted: 0, kept: 0 };
    for await (const blob of this.inventory.list()) {
      if (blob.modifiedAt.getTime() >= cutoff || isReferenced(blob, references) || (blob.segment !== null && blob.segment.slice(0, 10) >= oldestOpenDay)) {
        report.kept++;
        continue;
      }
      await this.inventory.remove(blob);
      report.deleted++;
    }
    if (report.deleted) this.logger.log(`blob sweep: ${report.deleted} unreferenced blob(s) removed, ${report.kept} kept`);
    return report;
  }
}

function isReferenced(blob: StoredBlob, references: BlobReferences): boolean {
  if (blob.segment !== null) return references.segments.has(blob.segment);
  return blob.kind === 'raw' ? references.raw.has(blob.sha256!) : references.attachments.has(blob.sha256!);
}
