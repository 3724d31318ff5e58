import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { RawMessageStore, StoredRaw } from '../storage/blob-stores';
import { BlobReferencesRepository } from './blob-references.repository';

/**
 * What a tenant's deletion leaves in the blob store that the sweep cannot reach: raw messages
 * inside local segment files that other tenants' messages share. Their places are read before
 * the rows cascade away and overwritten after; blobs stored by content go with the next sweep.
 */
@Injectable()
export class TenantBlobs {
  private readonly logger = new Logger(TenantBlobs.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly references: BlobReferencesRepository,
    private readonly rawStore: RawMessageStore,
  ) {}

  async rawPlacesOf(tenantId: TenantId): Promise<StoredRaw[]> {
    const rows: { raw_sha256: string; raw_location: string }[] = await this.db.query(
      'SELECT DISTINCT raw_sha256, raw_location FROM email_processing_logs WHERE tenant_id = ? AND raw_location IS NOT NULL',
      [tenantId],
    );
    return rows.map((r) => ({ sha256: r.raw_sha256, location: r.raw_location }));
  }

  /** After the rows are gone: overwrites each place no other row still uses. Never throws: the tenant is already deleted. */
  async eraseUnused(places: StoredRaw[]): Promise<void> {
    for (const stored of places) {
      try {
        if (!(await this.references.rawInUse(stored))) await this.rawStore.erasePlace(stored);
      } catch (error) {
        this.logger.error(`could not overwrite a deleted tenant's raw message at ${stored.location}: ${(error as Error).message}`);
      }
    }
  }
}
