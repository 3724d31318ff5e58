import { randomBytes } from 'node:crypto';
import { open, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ProbedStorageHealth, StorageReport } from './blob-stores';
import { makePrivateFolder, PRIVATE_FILE_MODE } from './private-files';

/**
 * Whether new mail can be stored: a real write (create, write a byte, remove) in each folder,
 * since root passes every permission check and only a write meets a full or read-only disk,
 * and the free space against STORAGE_MIN_FREE_MB.
 */
export class StorageProbe extends ProbedStorageHealth {
  constructor(
    private readonly folders: readonly string[],
    private readonly minFreeBytes: number,
    cacheMs?: number,
  ) {
    super(cacheMs);
  }

  protected async probe(): Promise<StorageReport> {
    const problems: string[] = [];
    let freeBytes: number | null = null;
    for (const folder of this.folders) {
      try {
        await probeWrite(folder);
      } catch (error) {
        problems.push(`${folder} is not writable (${describe(error)})`);
      }
      try {
        const { bavail, bsize } = await statfs(folder);
        freeBytes = Math.min(freeBytes ?? Infinity, Number(bavail) * Number(bsize));
      } catch (error) {
        problems.push(`free space of ${folder} unknown (${describe(error)})`);
      }
    }
    const writable = problems.length === 0;
    if (freeBytes !== null && freeBytes < this.minFreeBytes) {
      problems.push(`${freeBytes} bytes free, below STORAGE_MIN_FREE_MB (${this.minFreeBytes} bytes)`);
    }
    return {
      status: problems.length === 0 ? 'up' : 'down',
      writable,
      free_bytes: freeBytes,
      min_free_bytes: this.minFreeBytes,
      error: problems.length === 0 ? null : problems.join('; '),
    };
  }
}

async function probeWrite(folder: string): Promise<void> {
  await makePrivateFolder(folder);
  const path = join(folder, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  const file = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await file.write(Buffer.from('probe'));
  } finally {
    await file.close();
    await unlink(path);
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}
