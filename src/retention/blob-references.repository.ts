import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StoredRaw } from '../storage/blob-stores';

/** What the rows of all tenants refer to in the blob store, at one moment. */
export interface BlobReferences {
  /** SHA-256 of raw messages that a processing-log row or ticket message names. */
  raw: Set<string>;
  /** Segment files (`<day>/<file>.seg`) that hold at least one referenced raw message. */
  segments: Set<string>;
  attachments: Set<string>;
}

const segmentOf = (location: string) => location.slice(0, location.indexOf(':'));

/**
 * The mark phase of the blob sweep. Not scoped to a tenant on purpose: blobs are shared by
 * content across tenants, so only every row of every tenant can say that one is unused.
 */
@Injectable()
export class BlobReferencesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async all(): Promise<BlobReferences> {
    const references: BlobReferences = { raw: new Set(), segments: new Set(), attachments: new Set() };
    const logs: { raw_sha256: string; raw_location: string | null }[] = await this.db.query(
      'SELECT DISTINCT raw_sha256, raw_location FROM email_processing_logs WHERE raw_sha256 IS NOT NULL',
    );
    for (const row of logs) {
      references.raw.add(row.raw_sha256);
      if (row.raw_location) references.segments.add(segmentOf(row.raw_location));
    }
    const messages: { raw_sha256: string }[] = await this.db.query('SELECT DISTINCT raw_sha256 FROM ticket_messages WHERE raw_sha256 IS NOT NULL');
    for (const row of messages) references.raw.add(row.raw_sha256);
    const attachments: { sha256: string }[] = await this.db.query('SELECT DISTINCT sha256 FROM attachments');
    for (const row of attachments) references.attachments.add(row.sha256);
    return references;
  }

  /** Whether any row still names this raw message (by content, or this very place in a segment file). */
  async rawInUse(stored: StoredRaw): Promise<boolean> {
    const [bySha] = await this.db.query(
      'SELECT (SELECT COUNT(*) FROM email_processing_logs WHERE raw_sha256 = ?) + (SELECT COUNT(*) FROM ticket_messages WHERE raw_sha256 = ?) AS n',
      [stored.sha256, stored.sha256],
    );
    return Number(bySha.n) > 0;
  }

  async attachmentInUse(sha256: string): Promise<boolean> {
    const [row] = await this.db.query('SELECT COUNT(*) AS n FROM attachments WHERE sha256 = ?', [sha256]);
    return Number(row.n) > 0;
  }
}
