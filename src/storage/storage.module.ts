import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ContentStore } from './content-store';
import { RawMessageStore, StoredRaw } from './raw-message-store';

export { RawMessageStore };
export type { StoredRaw };

/** Attachment bytes, shared by every message that carries the same file. */
export class AttachmentStore extends ContentStore {}

@Global()
@Module({
  providers: [
    { provide: RawMessageStore, inject: [AppConfig], useFactory: (c: AppConfig) => new RawMessageStore(join(c.dataDir, 'raw')) },
    { provide: AttachmentStore, inject: [AppConfig], useFactory: (c: AppConfig) => new AttachmentStore(join(c.dataDir, 'attachments')) },
  ],
  exports: [RawMessageStore, AttachmentStore],
})
export class StorageModule {}
