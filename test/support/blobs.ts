// What the blob store holds, whichever driver an app runs on: for tests that must prove that
// something is gone (erasure, retention) or still there (the sweep's race).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { TestBucket } from './s3';
import { TestApp } from './test-app';

/** Every blob's name and bytes: files under DATA_DIR/raw and DATA_DIR/attachments, or the bucket's raw/ and attachments/ objects. */
export async function storedBlobs(t: TestApp, bucket: TestBucket | null): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  if (bucket) {
    for (const key of [...(await bucket.keys('raw/')), ...(await bucket.keys('attachments/'))]) {
      const object = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
      blobs.set(key, Buffer.from(await object.Body!.transformToByteArray()));
    }
    return blobs;
  }
  for (const kind of ['raw', 'attachments']) {
    const root = join(t.dataDir, kind);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      const path = join(root, name);
      if (statSync(path).isFile() && !name.endsWith('.tmp')) blobs.set(`${kind}/${name}`, readFileSync(path));
    }
  }
  return blobs;
}

/** The blobs whose bytes contain `marker`. */
export async function blobsContaining(t: TestApp, bucket: TestBucket | null, marker: string): Promise<string[]> {
  return [...(await storedBlobs(t, bucket)).entries()].filter(([, content]) => content.includes(marker)).map(([name]) => name);
}
