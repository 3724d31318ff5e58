import { randomBytes } from 'node:crypto';
import { FileHandle, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { RequestBatcher } from '../common/request-batcher';
import { ContentStore } from './content-store';
import { syncCreatedNames } from './durable-files';
import { makePrivateFolder, PRIVATE_FILE_MODE } from './private-files';
import { asStorageUnavailable } from './storage-errors';
import { RawMessageStore, StoredRaw } from './blob-stores';

export type { StoredRaw };

interface Segment {
  /** Relative to the store's root: `<day>/<file>.seg`. */
  name: string;
  handle: FileHandle;
  size: number;
}

const LOCATION = /^(\d{4}-\d{2}-\d{2}\/[0-9TZ]+-\d+-[0-9a-f]+\.seg):(\d+):(\d+)$/;

/** A new segment file is started once the current one would grow past this. */
const SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Raw messages as received, kept so that any message can be reprocessed. They are appended to
 * segment files rather than written one file each: on ext4 creating a file (a journalled inode
 * and directory entry, then a rename) costs more CPU than parsing the message, an append to an
 * open file little, and messages stored at the same moment go out in one write.
 *
 * Each process appends to segment files of its own (time, pid and a random part in the name),
 * so instances sharing DATA_DIR never write to the same file. A message is found again by its
 * location, which its processing-log row keeps, and is checked against its SHA-256 when read.
 * An append cut short by a crash leaves bytes no row points to; the next process starts a new file.
 *
 * An append is on disk (fdatasync, and the directory synced when a file is created) before it
 * resolves: the pipeline commits only after it, and a webhook's sender deletes its copy once the
 * commit is acknowledged, so the raw message must outlive a power cut too. One sync serves every
 * message of a batched append.
 *
 * A failed append (disk full, read-only, unwritable) throws DomainError 'unavailable' and leaves
 * nothing behind: the file is cut back to what earlier appends stored, removed if that is nothing.
 */
export class LocalRawMessageStore extends RawMessageStore implements OnApplicationShutdown {
  private segment: Segment | null = null;
  private lastAppend: Promise<unknown> = Promise.resolve();
  private readonly appends = new RequestBatcher<Buffer, string>((contents) => this.append(contents), {
    maxItems: 256,
    maxBytes: 16 * 1024 * 1024,
    sizeOf: (content) => content.length,
    // A failed append (disk full, I/O error) would fail again for each message alone.
    retryAlone: () => false,
  });

  /** Where versions before the segment files stored each message, as a file of its own. */
  private readonly legacyFiles: ContentStore;

  constructor(
    private readonly root: string,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {
    super();
    this.legacyFiles = new ContentStore(root);
  }

  async put(content: Buffer): Promise<StoredRaw> {
    const sha256 = ContentStore.sha256(content);
    const location = await this.appends.submit(content).catch((error: unknown) => {
      throw asStorageUnavailable(error);
    });
    return { sha256, location };
  }

  /** The message's bytes, or null when they are no longer stored. */
  async get(stored: StoredRaw): Promise<Buffer | null> {
    const content = stored.location === null ? await this.readLegacyFile(stored.sha256) : await this.readLocation(stored.location);
    if (content && ContentStore.sha256(content) !== stored.sha256) {
      throw new DomainError('conflict', `The stored raw message is damaged: its SHA-256 is not ${stored.sha256}`);
    }
    return content;
  }

  /**
   * Zeros in place: the file's other messages stay where their rows point, and the file goes
   * once no row refers to it any more (the sweep). A message of its own file is the inventory's.
   */
  async erasePlace(stored: StoredRaw): Promise<void> {
    if (stored.location === null) return;
    const match = LOCATION.exec(stored.location);
    if (!match) throw new Error(`Not a raw message location: ${stored.location}`);
    const [, name, offset, length] = match;
    const handle = await open(join(this.root, name), 'r+').catch(notFoundAsNull);
    if (!handle) return;
    try {
      await handle.write(Buffer.alloc(Number(length)), 0, Number(length), Number(offset));
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lastAppend.catch(() => undefined);
    const segment = this.segment;
    this.segment = null;
    await segment?.handle.close();
  }

  private append(contents: Buffer[]): Promise<string[]> {
    const appended = this.appendToSegment(contents);
    this.lastAppend = appended;
    return appended;
  }

  private async appendToSegment(contents: Buffer[]): Promise<string[]> {
    const total = contents.reduce((sum, content) => sum + content.length, 0);
    const segment = await this.segmentWithRoomFor(total);
    try {
      await writeAll(segment.handle, contents, segment.size);
      await segment.handle.datasync();
    } catch (error) {
      // Start afresh: what this write left in the file is unreferenced, not a hole to reuse.
      this.segment = null;
      await this.discardUnreferenced(segment);
      throw error;
    }
    let offset = segment.size;
    segment.size += total;
    return contents.map((content) => {
      const location = `${segment.name}:${offset}:${content.length}`;
      offset += content.length;
      return location;
    });
  }

  private async segmentWithRoomFor(bytes: number): Promise<Segment> {
    const current = this.segment;
    const now = new Date();
    const day = now.toISOString().slice(0, 10);
    // A new file each day too: the sweep may then remove files of past days, which no process appends to.
    if (current && current.name.startsWith(day) && (current.size === 0 || current.size + bytes <= this.segmentBytes)) return current;
    this.segment = null;
    await current?.handle.close();
    const name = `${day}/${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z-${process.pid}-${randomBytes(4).toString('hex')}.seg`;
    const dayFolder = join(this.root, day);
    const createdFolder = await makePrivateFolder(dayFolder);
    const segment: Segment = { name, handle: await open(join(this.root, name), 'wx', PRIVATE_FILE_MODE), size: 0 };
    try {
      // The new names must be on disk too, or a power cut could lose the file with its content.
      await syncCreatedNames(dayFolder, createdFolder);
    } catch (error) {
      await this.discardUnreferenced(segment);
      throw error;
    }
    this.segment = segment;
    return segment;
  }

  /** Cuts a segment that failed a write back to its referenced bytes and closes it; removes it if it holds none. */
  private async discardUnreferenced(segment: Segment): Promise<void> {
    await segment.handle.truncate(segment.size).catch(() => undefined);
    await segment.handle.close().catch(() => undefined);
    if (segment.size === 0) await unlink(join(this.root, segment.name)).catch(() => undefined);
  }

  private async readLocation(location: string): Promise<Buffer | null> {
    const match = LOCATION.exec(location);
    if (!match) throw new Error(`Not a raw message location: ${location}`);
    const [, name, offset, length] = match;
    const handle = await open(join(this.root, name), 'r').catch(notFoundAsNull);
    if (!handle) return null;
    try {
      const content = Buffer.alloc(Number(length));
      let filled = 0;
      while (filled < content.length) {
        const { bytesRead } = await handle.read(content, filled, content.length - filled, Number(offset) + filled);
        if (bytesRead === 0) return null;
        filled += bytesRead;
      }
      return content;
    } finally {
      await handle.close();
    }
  }

  private readLegacyFile(sha256: string): Promise<Buffer | null> {
    return this.legacyFiles.get(sha256).catch(notFoundAsNull);
  }
}

async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let remaining = buffers;
  while (remaining.length > 0) {
    const { bytesWritten } = await handle.writev(remaining, position);
    if (bytesWritten === 0) throw new Error('the raw message segment file accepted no bytes');
    position += bytesWritten;
    remaining = afterBytes(remaining, bytesWritten);
  }
}

/** The buffers that remain after the first `count` bytes of them. */
function afterBytes(buffers: Buffer[], count: number): Buffer[] {
  let skipped = 0;
  for (let i = 0; i < buffers.length; i++) {
    if (skipped + buffers[i].length > count) return [buffers[i].subarray(count - skipped), ...buffers.slice(i + 1)];
    skipped += buffers[i].length;
  }
  return [];
}

function notFoundAsNull(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}
