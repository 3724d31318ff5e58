import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageProbe } from './storage-health';

describe('StorageProbe', () => {
  let root: string;

  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'storage-probe-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports writable folders with enough free space as up, and leaves no probe file', async () => {
    const report = await new StorageProbe([join(root, 'raw'), join(root, 'attachments')], 1024).report();
    expect(report).toEqual({ status: 'up', writable: true, free_bytes: expect.any(Number), min_free_bytes: 1024, error: null });
    expect(report.free_bytes).toBeGreaterThan(1024);
    expect(readdirSync(join(root, 'raw'))).toEqual([]);
  });

  it('reports a folder it cannot write to as down, naming it', async () => {
    writeFileSync(join(root, 'raw'), 'a file where the folder should be');
    const report = await new StorageProbe([join(root, 'raw'), join(root, 'attachments')], 0).report();
    expect(report).toMatchObject({ status: 'down', writable: false, error: expect.stringContaining(`${join(root, 'raw')} is not writable`) });
  });

  it('reports free space below the threshold as down while still writable', async () => {
    const report = await new StorageProbe([root], Number.MAX_SAFE_INTEGER).report();
    expect(report).toMatchObject({ status: 'down', writable: true, error: expect.stringContaining('below STORAGE_MIN_FREE_MB') });
  });

  it('reuses an answer for a few seconds rather than writing at every poll', async () => {
    const probe = new StorageProbe([join(root, 'raw')], 0, 60_000);
    expect((await probe.report()).status).toBe('up');
    rmSync(join(root, 'raw'), { recursive: true });
    writeFileSync(join(root, 'raw'), 'in the way');
    expect((await probe.report()).status).toBe('up');
    expect((await new StorageProbe([join(root, 'raw')], 0, 0).report()).status).toBe('down');
  });
});
