import { Module } from '@nestjs/common';
import { BlobReferencesRepository } from './blob-references.repository';
import { BlobSweeper } from './blob-sweeper';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';
import { RetentionController } from './retention.controller';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';
import { TenantBlobs } from './tenant-blobs';

/** Per-tenant retention, the sweep of blobs no row refers to, and a customer's export and erasure. */
@Module({
  controllers: [RetentionController],
  providers: [RetentionRepository, RetentionService, BlobReferencesRepository, BlobSweeper, ErasureRepository, ErasureService, TenantBlobs],
  exports: [TenantBlobs],
})
export class RetentionModule {}
