import { DomainError } from '../common/domain-error';
import { AttachmentStore, BlobInventory, ProbedStorageHealth, RawMessageStore, StorageReport, StoredBlob, StoredRaw } from './blob-stores';
import { ContentStore } from './content-store';
import { S3Bucket } from './s3-bucket';

/** Keys as the local folders name files: `raw/<xx>/<sha256>`, `attachments/<xx>/<sha256>`. */
export function blobKey(kind: 'raw' | 'attachments', sha256: string): string {
  if (!/^[a-f0-9]{64}$/.test(sha256)) throw new Error(`Not a SHA-256 content address: ${sha256}`);
  return `${kind}/${sha256.slice(0, 2)}/${sha256}`;
}

/**
 * Raw messages as objects named by their SHA-256: the same message received twice is one
 * object, and instances need no disk in common. The location is null (the key follows from the
 * SHA-256); rows written before a move from local disk keep their segment location, which is
 * not needed here.
 */
export class S3RawMessageStore extends RawMessageStore {
  constructor(private readonly bucket: S3Bucket) {
    super();
  }

  async put(content: Buffer): Promise<StoredRaw> {
    const sha256 = ContentStore.sha256(content);
    await this.bucket.put(blobKey('raw', sha256), content);
    return { sha256, location: null };
  }

  async get(stored: StoredRaw): Promise<Buffer | null> {
    const content = await this.bucket.get(blobKey('raw', stored.sha256));
    if (content && ContentStore.sha256(content) !== stored.sha256) {
      throw new DomainError('conflict', `The stored raw message is damaged: its SHA-256 is not ${stored.sha256}`);
    }
    return content;
  }

  /** Objects have no places of their own: they are removed through S3BlobInventory. */
  async erasePlace(): Promise<void> {}
}

export class S3AttachmentStore extends AttachmentStore {
  constructor(private readonly bucket: S3Bucket) {
    super();
  }

  async put(content: Buffer, sha256 = ContentStore.sha256(content)): Promise<string> {
    await this.bucket.put(blobKey('attachments', sha256), content);
    return sha256;
  }

  async get(sha256: string): Promise<Buffer> {
    const content = await this.bucket.get(blobKey('attachments', sha256));
    if (!content) throw new Error(`attachment ${sha256} is missing from bucket ${this.bucket.name}`);
    return content;
  }
}

export class S3BlobInventory extends BlobInventory {
  constructor(private readonly bucket: S3Bucket) {
    super();
  }

  async *list(): AsyncGenerator<StoredBlob> {
    for (const kind of ['raw', 'attachments'] as const) {
      for await (const { key, lastModified } of this.bucket.objects(`${kind}/`)) {
        const sha256 = /^[a-z]+\/[a-f0-9]{2}\/([a-f0-9]{64})$/.exec(key)?.[1];
        if (sha256) yield { kind, sha256, segment: null, modifiedAt: lastModified };
      }
    }
  }

  async find(kind: StoredBlob['kind'], sha256: string): Promise<StoredBlob | null> {
    const modifiedAt = await this.bucket.lastModified(blobKey(kind, sha256));
    return modifiedAt ? { kind, sha256, segment: null, modifiedAt } : null;
  }

  remove(blob: StoredBlob): Promise<void> {
    return this.bucket.delete(blobKey(blob.kind, blob.sha256!));
  }
}

/** A real write (and delete) of a small object per probe: only a write meets a bucket that refuses them. */
export class S3StorageHealth extends ProbedStorageHealth {
  constructor(
    private readonly bucket: S3Bucket,
    private readonly probeKey: string,
    cacheMs?: number,
  ) {
    super(cacheMs);
  }

  protected async probe(): Promise<StorageReport> {
    try {
      await this.bucket.put(this.probeKey, Buffer.from('probe'));
      await this.bucket.delete(this.probeKey);
      return { status: 'up', writable: true, free_bytes: null, min_free_bytes: 0, error: null };
    } catch (error) {
      return { status: 'down', writable: false, free_bytes: null, min_free_bytes: 0, error: (error as Error).message };
    }
  }
}
