import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncCreatedNames, syncFolder } from './durable-files';
import { makePrivateFolder, PRIVATE_FILE_MODE } from './private-files';
import { asStorageUnavailable } from './storage-errors';

/**
 * Files addressed by the SHA-256 of their bytes: writing the same bytes twice is a no-op,
 * and a file appears under its final name only when complete (write to a temp name, rename).
 * A put resolves once the file and its name are on disk, since the ticket that points to it is
 * committed next and must not point to nothing after a power cut. A put that fails (disk full,
 * unwritable folder) throws DomainError 'unavailable' and leaves no temp file.
 */
export class ContentStore {
  private readonly knownDirectories = new Set<string>();

  constructor(private readonly root: string) {}

  static sha256(content: Buffer): string {
    return createHash('sha256').update(content).digest('hex');
  }

  /** Same bytes, same name: a rename over an existing copy replaces it with identical content. */
  async put(content: Buffer, sha256 = ContentStore.sha256(content)): Promise<string> {
    try {
      await this.write(content, sha256);
      return sha256;
    } catch (error) {
      throw asStorageUnavailable(error);
    }
  }

  private async write(content: Buffer, sha256: string): Promise<void> {
    const path = this.pathOf(sha256);
    const directory = join(this.root, sha256.slice(0, 2));
    if (!this.knownDirectories.has(directory)) {
      await syncCreatedNames(directory, await makePrivateFolder(directory));
      this.knownDirectories.add(directory);
    }
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const file = await open(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      try {
        await file.writeFile(content);
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncFolder(directory);
  }

  async get(sha256: string): Promise<Buffer> {
    return readFile(this.pathOf(sha256));
  }

  pathOf(sha256: string): string {
    if (!/^[a-f0-9]{64}$/.test(sha256)) throw new Error(`Not a SHA-256 content address: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }
}

