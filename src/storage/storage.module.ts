import { Global, Logger, Module, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { AttachmentStore, BlobInventory, RawMessageStore, StorageHealth, StoredRaw } from './blob-stores';
import { LocalBlobInventory } from './local-blob-inventory';
import { ContentStore } from './content-store';
import { ensurePrivateFolder } from './private-files';
import { LocalRawMessageStore } from './raw-message-store';
import { S3Bucket } from './s3-bucket';
import { S3AttachmentStore, S3BlobInventory, S3RawMessageStore, S3StorageHealth } from './s3-stores';
import { StorageProbe } from './storage-health';

export { AttachmentStore, BlobInventory, RawMessageStore, StorageHealth };
export type { StoredRaw };

/** Attachments as files named by their SHA-256 under DATA_DIR/attachments. */
export class LocalAttachmentStore extends AttachmentStore {
  constructor(private readonly files: ContentStore) {
    super();
  }

  put(content: Buffer, sha256?: string): Promise<string> {
    return this.files.put(content, sha256);
  }

  get(sha256: string): Promise<Buffer> {
    return this.files.get(sha256);
  }
}

export const rawFolder = (c: AppConfig) => join(c.dataDir, 'raw');
export const attachmentsFolder = (c: AppConfig) => join(c.dataDir, 'attachments');

/**
 * DATA_DIR and its folders are the service user's only (0700), also when an earlier version or
 * the operator made them. A failure here (a read-only disk) does not stop the start: /health
 * reports the storage as down and ingest answers 503 until it is fixed.
 */
function makePrivateFolders(c: AppConfig): void {
  const folders = c.storage.driver === 'local' ? [c.dataDir, rawFolder(c), attachmentsFolder(c)] : [c.dataDir];
  for (const folder of folders) {
    try {
      ensurePrivateFolder(folder);
    } catch (error) {
      new Logger('Storage').error(`cannot make ${folder} private (mode 0700): ${(error as Error).message}`);
    }
  }
}

/** The bucket when STORAGE_DRIVER=s3, else null. */
const bucketOf = (c: AppConfig): S3Bucket | null => (c.storage.driver === 's3' ? new S3Bucket(c.storage) : null);

@Global()
@Module({
  providers: [
    { provide: S3Bucket, inject: [AppConfig], useFactory: bucketOf },
    {
      provide: RawMessageStore,
      inject: [AppConfig, S3Bucket],
      useFactory: (c: AppConfig, bucket: S3Bucket | null) => (bucket ? new S3RawMessageStore(bucket) : new LocalRawMessageStore(rawFolder(c))),
    },
    {
      provide: AttachmentStore,
      inject: [AppConfig, S3Bucket],
      useFactory: (c: AppConfig, bucket: S3Bucket | null) =>
        bucket ? new S3AttachmentStore(bucket) : new LocalAttachmentStore(new ContentStore(attachmentsFolder(c))),
    },
    {
      provide: BlobInventory,
      inject: [AppConfig, S3Bucket],
      useFactory: (c: AppConfig, bucket: S3Bucket | null) => (bucket ? new S3BlobInventory(bucket) : new LocalBlobInventory(c.dataDir)),
    },
    {
      provide: StorageHealth,
      inject: [AppConfig, S3Bucket],
      useFactory: (c: AppConfig, bucket: S3Bucket | null) =>
        bucket
          ? new S3StorageHealth(bucket, `health/${c.instanceId}`)
          : new StorageProbe([rawFolder(c), attachmentsFolder(c)], c.storageMinFreeBytes),
    },
  ],
  exports: [RawMessageStore, AttachmentStore, StorageHealth, BlobInventory, S3Bucket],
})
export class StorageModule implements OnModuleInit {
  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    makePrivateFolders(this.config);
  }
}
