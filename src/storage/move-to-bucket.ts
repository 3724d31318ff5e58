import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inParallel } from '../common/in-parallel';
import { StoredRaw } from './blob-stores';
import { ContentStore } from './content-store';
import { LocalRawMessageStore } from './raw-message-store';
import { S3Bucket } from './s3-bucket';
import { blobKey } from './s3-stores';

export interface MoveReport {
  /** Objects written to the bucket by this run. */
  copied: number;
  /** Objects already in the bucket (an earlier run, or the same content twice). */
  present: number;
  /** Rows whose raw message is not on the local disk (nothing to move), and damaged files. */
  missing: string[];
}

/** Requests in flight at once: enough to hide the round trips, few enough for a small MinIO. */
const PARALLEL = 8;

/**
 * Copies a local store (DATA_DIR/raw and DATA_DIR/attachments) into the bucket under the keys
 * the S3 driver reads. Raw messages are found through their rows (`rawRows`: a segment file
 * holds many messages back to back, only a row says where one starts); attachments are files
 * named by their SHA-256. Idempotent and resumable: an object already in the bucket is skipped,
 * so an interrupted run is simply started again. Nothing local is deleted.
 */
export async function moveLocalStoreToBucket(
  dataDir: string,
  rawRows: AsyncIterable<StoredRaw>,
  bucket: S3Bucket,
  progress: (line: string) => void = () => undefined,
): Promise<MoveReport> {
  const report: MoveReport = { copied: 0, present: 0, missing: [] };
  const raw = new LocalRawMessageStore(join(dataDir, 'raw'));
  try {
    await inParallel(distinct(rawRows), PARALLEL, async (stored) => {
      const key = blobKey('raw', stored.sha256);
      if (await bucket.exists(key)) return void report.present++;
      const content = await raw.get(stored);
      if (!content) return void report.missing.push(`raw message ${stored.sha256} (${stored.location ?? 'own file'})`);
      await bucket.put(key, content);
      report.copied++;
    });
    progress(`raw messages: ${report.copied} copied, ${report.present} already in the bucket`);
    const attachments = new ContentStore(join(dataDir, 'attachments'));
    await inParallel(attachmentFiles(join(dataDir, 'attachments')), PARALLEL, async (sha256) => {
      const key = blobKey('attachments', sha256);
      if (await bucket.exists(key)) return void report.present++;
      const content = await readFile(attachments.pathOf(sha256));
      if (ContentStore.sha256(content) !== sha256) return void report.missing.push(`attachment ${sha256} (damaged: its bytes have another SHA-256)`);
      await bucket.put(key, content);
      report.copied++;
    });
  } finally {
    await raw.onApplicationShutdown();
  }
  progress(`done: ${report.copied} copied, ${report.present} already in the bucket, ${report.missing.length} missing`);
  return report;
}

async function* distinct(rows: AsyncIterable<StoredRaw>): AsyncGenerator<StoredRaw> {
  const seen = new Set<string>();
  for await (const row of rows) {
    if (seen.has(row.sha256)) continue;
    seen.add(row.sha256);
    yield row;
  }
}

async function* attachmentFiles(root: string): AsyncGenerator<string> {
  for (const folder of await readdir(root).catch(() => [] as string[])) {
    if (!/^[a-f0-9]{2}$/.test(folder)) continue;
    for (const name of await readdir(join(root, folder))) if (/^[a-f0-9]{64}$/.test(name) && name.startsWith(folder)) yield name;
  }
}

