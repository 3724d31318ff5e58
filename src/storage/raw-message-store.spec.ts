import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFileHandleCalls } from '../../test/support/file-syncs';
import { DomainError } from '../common/domain-error';
import { ContentStore } from './content-store';
import { LocalRawMessageStore } from './raw-message-store';

describe('LocalRawMessageStore', () => {
  let root: string;
  let store: LocalRawMessageStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'raw-store-'));
    store = new LocalRawMessageStore(root, 1000);
  });
  afterEach(async () => {
    await store.onApplicationShutdown();
    rmSync(root, { recursive: true, force: true });
  });

  const segmentFiles = () => readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.seg'));

  it('gives back what it stored, addressed by SHA-256 and location', async () => {
    const content = Buffer.from('From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n');
    const stored = await store.put(content);
    expect(stored.sha256).toBe(ContentStore.sha256(content));
    expect(stored.location).toMatch(/^\d{4}-\d{2}-\d{2}\/\d{8}T\d{6}Z-\d+-[0-9a-f]{8}\.seg:0:\d+$/);
    expect(await store.get(stored)).toEqual(content);
  });

  it('overwrites one message in place on erasure, and leaves its neighbours in the segment readable', async () => {
    const [first, erased, last] = await Promise.all(['first message', 'SECRET of the erased customer', 'last message'].map((c) => store.put(Buffer.from(c))));
    await store.erasePlace(erased);
    await expect(store.get(erased)).rejects.toThrow(/damaged/);
    expect(await store.get(first)).toEqual(Buffer.from('first message'));
    expect(await store.get(last)).toEqual(Buffer.from('last message'));
    const [segment] = segmentFiles();
    expect(readFileSync(join(root, segment)).includes('SECRET')).toBe(false);
  });

  it('appends messages stored at the same moment to one segment, each at its own place', async () => {
    const contents = Array.from({ length: 20 }, (_, i) => Buffer.from(`message ${i} `.repeat(i + 1)));
    await store.onApplicationShutdown();
    store = new LocalRawMessageStore(root);
    const stored = await Promise.all(contents.map((c) => store.put(c)));
    expect(new Set(stored.map((s) => s.location)).size).toBe(20);
    for (const [i, s] of stored.entries()) expect(await store.get(s)).toEqual(contents[i]);
    expect(segmentFiles()).toHaveLength(1);
  });

  it('starts a new segment file once the current one is full, and still reads the old one', async () => {
    const first = await store.put(Buffer.alloc(600, 'a'));
    const second = await store.put(Buffer.alloc(600, 'b'));
    expect(segmentFiles()).toHaveLength(2);
    expect((await store.get(first))!.toString()).toBe('a'.repeat(600));
    expect((await store.get(second))!.toString()).toBe('b'.repeat(600));
  });

  it('takes a message bigger than a whole segment, alone in a segment of its own', async () => {
    const big = Buffer.alloc(5000, 'x');
    const stored = await store.put(big);
    expect(stored.location).toMatch(/:0:5000$/);
    expect(await store.get(stored)).toEqual(big);
  });

  it('answers null for a message whose segment file is gone', async () => {
    const stored = await store.put(Buffer.from('gone soon'));
    await store.onApplicationShutdown();
    rmSync(join(root, stored.location!.split(':')[0]));
    expect(await store.get(stored)).toBeNull();
  });

  it('refuses bytes that do not match their SHA-256', async () => {
    const stored = await store.put(Buffer.from('original'));
    const other = await store.put(Buffer.from('imposter'));
    await expect(store.get({ sha256: stored.sha256, location: other.location })).rejects.toThrow(/damaged/);
  });

  it('refuses a location outside its segment files', async () => {
    await expect(store.get({ sha256: 'a'.repeat(64), location: '../../etc/passwd:0:10' })).rejects.toThrow(/Not a raw message location/);
  });

  it('reads a message stored as a file of its own by earlier versions', async () => {
    const content = Buffer.from('stored the old way');
    const sha256 = ContentStore.sha256(content);
    mkdirSync(join(root, sha256.slice(0, 2)));
    writeFileSync(join(root, sha256.slice(0, 2), sha256), content);
    expect(await store.get({ sha256, location: null })).toEqual(content);
    expect(await store.get({ sha256: 'b'.repeat(64), location: null })).toBeNull();
  });

  it('has the bytes, and the names of new files and folders, on disk before a put resolves; one sync serves a batch', async () => {
    let syncedBytes = 0;
    const unsynced: string[] = [];
    const recorded = await recordFileHandleCalls(root, ['writev', 'datasync', 'sync'], async (method, handle) => {
      if (method === 'datasync') syncedBytes = (await handle.stat()).size;
    });
    try {
      await store.onApplicationShutdown();
      store = new LocalRawMessageStore(join(root, 'new', 'raw')); // neither folder exists yet
      const puts = Array.from({ length: 8 }, (_, i) =>
        store.put(Buffer.from(`message ${i}`)).then(({ location }) => {
          const [, offset, length] = location!.split(':').map(Number);
          if (offset + length > syncedBytes) unsynced.push(location!);
        }),
      );
      await Promise.all(puts);
    } finally {
      recorded.restore();
    }
    expect(unsynced).toEqual([]);
    // The day folder, then the new names in raw/, new/ and the test's folder: before the first write.
    expect(recorded.calls.slice(0, 5)).toEqual(['sync', 'sync', 'sync', 'sync', 'writev']);
    expect(recorded.calls.filter((e) => e === 'datasync').length).toBeLessThan(8);
  });

  it('keeps storing after a shutdown, in a new segment', async () => {
    const before = await store.put(Buffer.from('before'));
    await store.onApplicationShutdown();
    const after = await store.put(Buffer.from('after'));
    expect(after.location!.split(':')[0]).not.toBe(before.location!.split(':')[0]);
    expect((await store.get(after))!.toString()).toBe('after');
  });

  it('creates its folders 0700 and segment files 0600 whatever the umask', async () => {
    const previous = process.umask(0);
    try {
      await store.onApplicationShutdown();
      store = new LocalRawMessageStore(join(root, 'raw'));
      const { location } = await store.put(Buffer.from('private'));
      const [day] = location!.split('/');
      expect(modeOf(join(root, 'raw'))).toBe('700');
      expect(modeOf(join(root, 'raw', day))).toBe('700');
      expect(modeOf(join(root, 'raw', location!.split(':')[0]))).toBe('600');
    } finally {
      process.umask(previous);
    }
  });

  it('answers "unavailable" when it cannot write, and leaves no segment file behind', async () => {
    await store.onApplicationShutdown();
    const today = new Date().toISOString().slice(0, 10);
    writeFileSync(join(root, today), 'a file where the day folder should be');
    store = new LocalRawMessageStore(root);
    const refused = await store.put(Buffer.from('refused')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'unavailable', httpStatus: 503 });
    expect(segmentFiles()).toEqual([]);
  });

  it('removes a new segment file whose first write failed, and cuts a used one back to what it stored', async () => {
    const first = await store.put(Buffer.from('kept'));
    const failWrites = jest.spyOn(Object.getPrototypeOf(await probeHandle(root)), 'writev').mockRejectedValue(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }));
    try {
      await expect(store.put(Buffer.from('refused while the segment has data'))).rejects.toMatchObject({ code: 'unavailable' });
      const [used] = segmentFiles();
      expect(statSync(join(root, used)).size).toBe(4);
      await expect(store.put(Buffer.alloc(2000, 'y'))).rejects.toMatchObject({ code: 'unavailable' }); // a new, larger segment
      expect(segmentFiles()).toEqual([used]);
    } finally {
      failWrites.mockRestore();
    }
    expect((await store.get(first))!.toString()).toBe('kept');
  });
});

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

async function probeHandle(folder: string) {
  const { open } = await import('node:fs/promises');
  const handle = await open(join(folder, 'file-handle-probe'), 'w');
  await handle.close();
  return handle;
}
