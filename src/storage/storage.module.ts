import { Global, Logger, Module, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ContentStore } from './content-store';
import { ensurePrivateFolder } from './private-files';
import { RawMessageStore, StoredRaw } from './raw-message-store';
import { StorageProbe } from './storage-health';

export { RawMessageStore };
export type { StoredRaw };

/** Attachment bytes, shared by every message that carries the same file. */
export class AttachmentStore extends ContentStore {}

/** The folders mail is written to, probed by /health. */
export class StorageHealth extends StorageProbe {}

const rawFolder = (c: AppConfig) => join(c.dataDir, 'raw');
const attachmentsFolder = (c: AppConfig) => join(c.dataDir, 'attachments');

/**
 * DATA_DIR and its folders are the service user's only (0700), also when an earlier version or
 * the operator made them. A failure here (a read-only disk) does not stop the start: /health
 * reports the storage as down and ingest answers 503 until it is fixed.
 */
function makePrivateFolders(c: AppConfig): void {
  for (const folder of [c.dataDir, rawFolder(c), attachmentsFolder(c)]) {
    try {
      ensurePrivateFolder(folder);
    } catch (error) {
      new Logger('Storage').error(`cannot make ${folder} private (mode 0700): ${(error as Error).message}`);
    }
  }
}

@Global()
@Module({
  providers: [
    { provide: RawMessageStore, inject: [AppConfig], useFactory: (c: AppConfig) => new RawMessageStore(rawFolder(c)) },
    { provide: AttachmentStore, inject: [AppConfig], useFactory: (c: AppConfig) => new AttachmentStore(attachmentsFolder(c)) },
    {
      provide: StorageHealth,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => new StorageHealth([rawFolder(c), attachmentsFolder(c)], c.storageMinFreeBytes),
    },
  ],
  exports: [RawMessageStore, AttachmentStore, StorageHealth],
})
export class StorageModule implements OnModuleInit {
  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    makePrivateFolders(this.config);
  }
}
