import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
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

  it('creates its folders 0700 and files 0600 whatever the umask', async () => {
    const previous = process.umask(0);
    try {
      const sha256 = await new ContentStore(join(root, 'files')).put(Buffer.from('private'));
      expect(modeOf(join(root, 'files'))).toBe('700');
      expect(modeOf(join(root, 'files', sha256.slice(0, 2)))).toBe('700');
      expect(modeOf(join(root, 'files', sha256.slice(0, 2), sha256))).toBe('600');
    } finally {
      process.umask(previous);
    }
  });

  it('answers "unavailable" when a write fails, leaving no temp file', async () => {
    const store = new ContentStore(join(root, 'files'));
    const content = Buffer.from('refused');
    mkdirSync(join(root, 'files', ContentStore.sha256(content).slice(0, 2)), { recursive: true });
    const probe = await open(join(root, 'probe'), 'w');
    await probe.close();
    const failWrites = jest
      .spyOn(Object.getPrototypeOf(probe), 'writeFile')
      .mockRejectedValue(Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT', syscall: 'write' }));
    try {
      await expect(store.put(content)).rejects.toMatchObject({ code: 'unavailable', httpStatus: 503, message: expect.stringContaining('EDQUOT') });
    } finally {
      failWrites.mockRestore();
    }
    expect(readdirSync(join(root, 'files', ContentStore.sha256(content).slice(0, 2)))).toEqual([]);
  });

  it('answers "unavailable" when its folder cannot be made (a file in the way)', async () => {
    writeFileSync(join(root, 'files'), 'not a folder');
    await expect(new ContentStore(join(root, 'files')).put(Buffer.from('x'))).rejects.toMatchObject({ code: 'unavailable' });
  });
});

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);
