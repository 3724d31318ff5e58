/** A stored raw message: what it is (its SHA-256) and where it is. */
export interface StoredRaw {
  sha256: string;
  /**
   * `<day>/<segment file>:<offset>:<length>` in the local segment files. Null for a message
   * found by its SHA-256 alone: a file of its own (`<xx>/<sha256>`, as versions before the
   * segment files stored it) or an object in the bucket.
   */
  location: string | null;
}

export interface StorageReport {
  status: 'up' | 'down';
  writable: boolean;
  /** The least free space (for the service's user) among the folders probed; null when unknown (a bucket). */
  free_bytes: number | null;
  min_free_bytes: number;
  error: string | null;
}

// The injection tokens of the storage, one implementation each on local disk (DATA_DIR) and in
// an S3-compatible bucket (STORAGE_DRIVER). Both keep the same promise: put resolves only once
// the bytes would survive a crash, and fails with DomainError 'unavailable' otherwise.

/** Raw messages as received, kept so that any message can be reprocessed or exported. */
export abstract class RawMessageStore {
  abstract put(content: Buffer): Promise<StoredRaw>;
  /** The message's bytes, or null when they are no longer stored. */
  abstract get(stored: StoredRaw): Promise<Buffer | null>;
  /**
   * Overwrites a message stored at a place of its own inside a local segment file (erasure,
   * retention), which no later write can reuse; the caller has checked that no row names it.
   * Copies stored by content (own files, bucket objects) go through BlobInventory, whose
   * modification time tells whether the same bytes were just stored again.
   */
  abstract erasePlace(stored: StoredRaw): Promise<void>;
}

/** Attachment bytes by their SHA-256, shared by every message that carries the same file. */
export abstract class AttachmentStore {
  abstract put(content: Buffer, sha256?: string): Promise<string>;
  abstract get(sha256: string): Promise<Buffer>;
}

/**
 * One stored blob as the sweep sees it: a content-addressed file or object (`sha256`), or a
 * local segment file of raw messages (`segment`, `<day>/<file>.seg`).
 */
export interface StoredBlob {
  kind: 'raw' | 'attachments';
  sha256: string | null;
  segment: string | null;
  modifiedAt: Date;
}

/** Every blob in the store, for the mark-and-sweep that removes those no row refers to. */
export abstract class BlobInventory {
  abstract list(): AsyncIterable<StoredBlob>;
  /** The blob stored under this SHA-256, or null when there is none. */
  abstract find(kind: StoredBlob['kind'], sha256: string): Promise<StoredBlob | null>;
  abstract remove(blob: StoredBlob): Promise<void>;
}

/** Whether new mail can be stored, for /health and the metrics. */
export abstract class StorageHealth {
  abstract report(): Promise<StorageReport>;
}

/** How long a probe's answer is reused: /health may be polled every second by each load balancer. */
const PROBE_CACHE_MS = 5_000;

/** A health whose probe really writes: its answer is reused for `cacheMs`. */
export abstract class ProbedStorageHealth extends StorageHealth {
  private last: { at: number; report: Promise<StorageReport> } | null = null;

  constructor(private readonly cacheMs = PROBE_CACHE_MS) {
    super();
  }

  report(): Promise<StorageReport> {
    if (this.last && Date.now() - this.last.at < this.cacheMs) return this.last.report;
    const report = this.probe();
    this.last = { at: Date.now(), report };
    return report;
  }

  protected abstract probe(): Promise<StorageReport>;
}
