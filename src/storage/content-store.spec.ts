import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFileHandleCalls } from '../../test/support/file-syncs';
import { ContentStore } from './content-store';

describe('ContentStore', () => {
  let root: string;

  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'content-store-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores bytes under their SHA-256 once, with no temp file left', async () => {
    const store = new ContentStore(join(root, 'files'));
    const content = Buffer.from('%PDF-1.4 an attachment');
    const sha256 = await store.put(content);
    expect(sha256).toBe(ContentStore.sha256(content));
    expect(await store.put(content)).toBe(sha256);
    expect(await store.get(sha256)).toEqual(content);
    expect(readdirSync(join(root, 'files', sha256.slice(0, 2)))).toEqual([sha256]);
  });

  it('resolves a put only once the file and the names leading to it are synced', async () => {
    const recorded = await recordFileHandleCalls(root, ['datasync', 'sync']);
    const store = new ContentStore(join(root, 'files'));
    try {
      await store.put(Buffer.from('first'));
      // The new folder xx/ and files/ themselves, the file's bytes, then its name after the rename.
      expect(recorded.calls).toEqual(['sync', 'sync', 'sync', 'datasync', 'sync']);
      recorded.calls.length = 0;
      await store.put(Buffer.from('first'));
      expect(recorded.calls).toEqual(['datasync', 'sync']);
    } finally {
      recorded.restore();
    }
  });
});
