import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobInventory, StoredBlob } from './blob-stores';

const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
const SHARD_FOLDER = /^[a-f0-9]{2}$/;
const SHA256 = /^[a-f0-9]{64}$/;

/** The blobs under DATA_DIR: raw segment files (`raw/<day>/*.seg`), and files named by their SHA-256. */
export class LocalBlobInventory extends BlobInventory {
  constructor(private readonly dataDir: string) {
    super();
  }

  async *list(): AsyncGenerator<StoredBlob> {
    for (const kind of ['raw', 'attachments'] as const) {
      const root = join(this.dataDir, kind);
      for (const folder of await readdir(root).catch(() => [] as string[])) {
        const segments = kind === 'raw' && DAY_FOLDER.test(folder);
        if (!segments && !SHARD_FOLDER.test(folder)) continue;
        for (const name of await readdir(join(root, folder)).catch(() => [] as string[])) {
          if (segments ? !name.endsWith('.seg') : !SHA256.test(name)) continue;
          const info = await stat(join(root, folder, name)).catch(() => null);
          if (!info) continue;
          yield segments
            ? { kind, sha256: null, segment: `${folder}/${name}`, modifiedAt: info.mtime }
            : { kind, sha256: name, segment: null, modifiedAt: info.mtime };
        }
      }
    }
  }

  async find(kind: StoredBlob['kind'], sha256: string): Promise<StoredBlob | null> {
    if (!SHA256.test(sha256)) return null;
    const info = await stat(join(this.dataDir, kind, sha256.slice(0, 2), sha256)).catch(() => null);
    return info ? { kind, sha256, segment: null, modifiedAt: info.mtime } : null;
  }

  async remove(blob: StoredBlob): Promise<void> {
    const path = blob.segment ? join(this.dataDir, 'raw', blob.segment) : join(this.dataDir, blob.kind, blob.sha256!.slice(0, 2), blob.sha256!);
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
