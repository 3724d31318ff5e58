import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { watch } from 'chokidar';
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { HealthRegistry, SourceHealth } from '../../health/health.registry';
import { MetricsRegistry } from '../../health/metrics.registry';
import { IngestService } from '../../inbound/ingest.service';
import { keepAtSource } from '../keep-at-source';
import { backoffDelayMs } from '../retry-backoff';
import { WakeableSleep } from '../wakeable-sleep';
import { compareDeliveryOrder, isMessageFileName, maildirFolders, seenName } from './maildir-names';
import { FileObservation, writeReadiness } from './write-readiness';

/**
 * Messages handled at once. Kept at one: the pipeline threads a reply onto the ticket of the
 * message it answers, so a reply filed before its original (both waiting in new/) would open a
 * second ticket. The backlog waits as file names only, so memory stays bounded by one message.
 */
const INGEST_CONCURRENCY = 1;
/** Files waiting beyond which the watcher is closed and new/ drained by listing (see watchUntilStopped). */
const WATCH_BACKLOG_LIMIT = 100;

type Folders = ReturnType<typeof maildirFolders>;

/**
 * Watches new/ of the Maildir at MAILDIR_PATH (chokidar) and feeds each complete file to the
 * ingest pipeline: first the files present at start, oldest name first, then each one that
 * appears. After the commit the file is renamed into cur/ with the S flag (a `failed` one into
 * failed/ beside new/ and cur/); until then it stays in new/, so a crash at any point leaves it
 * to be taken again, and the pipeline answers `duplicate` if it was already filed.
 */
@Injectable()
export class MaildirSourceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MaildirSource');
  private readonly sleep = new WakeableSleep();
  /** Names waiting or in hand; a name is here from the moment it is seen until it left new/. */
  private readonly known = new Set<string>();
  private readonly waiting: string[] = [];
  private readonly observations = new Map<string, FileObservation>();
  private readonly pendingRechecks = new Set<NodeJS.Timeout>();
  private active = 0;
  private pausedUntil = 0;
  private failures = 0;
  private stopping = false;
  private readonly drainedWaiters: (() => void)[] = [];
  private running: Promise<void> | null = null;
  /** Settles when no file is in hand. */
  private inHand: Promise<void> = Promise.resolve();
  private releaseInHand: (() => void) | null = null;
  private readonly existingFolders = new Set<string>();
  private health: SourceHealth = { name: 'maildir', status: 'starting', connected: false, last_success_at: null, last_error: null, backlog: null };

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
    private readonly healthRegistry: HealthRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.processingMethods.includes('file_monitor') || !this.config.maildirPath) return;
    const folders = maildirFolders(this.config.maildirPath);
    this.healthRegistry.register('maildir', () => ({ ...this.health, backlog: this.known.size }));
    this.metrics.addCollector(() => {
      this.metrics.set('inbound_source_connected', 'Whether a mail source is connected (1) or not (0)', { source: 'maildir' }, this.health.connected ? 1 : 0);
      this.metrics.set('inbound_source_backlog', 'Messages waiting at a mail source', { source: 'maildir' }, this.known.size);
    });
    this.running = this.watchUntilStopped(folders);
  }

  /** Before the database closes: files in hand are finished, the rest stay in new/. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.sleep.wake();
    for (const timer of this.pendingRechecks) clearTimeout(timer);
    this.notifyIfDrained();
    await this.running;
    await this.inHand;
    this.healthRegistry.unregister('maildir');
  }

  /**
   * Two modes. A backlog (the files present at start, or many that piled up while the database
   * was away) is drained by listing new/: chokidar would re-read and stat the whole directory
   * on each change and keep a watch per file, which halves the drain rate of a big new/. Once
   * new/ is drained, chokidar watches it, so that a new file is taken at once; a rescan every
   * EMAIL_PROCESSING_INTERVAL seconds picks up whatever the watcher missed.
   */
  private async watchUntilStopped(folders: Folders): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      try {
        await stat(folders.newDir); // a clear ENOENT rather than a watcher on nothing
        this.health = { ...this.health, status: 'up', connected: true, last_error: null };
        attempt = 0;
        await this.drainByListing(folders);
        if (!this.stopping) await this.watchWhileQuiet(folders);
      } catch (error) {
        attempt += 1;
        const delay = backoffDelayMs(attempt);
        const description = `cannot read ${folders.newDir}: ${(error as Error).message}`;
        this.logger.error(`${description}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`);
        this.health = { ...this.health, status: 'down', connected: false, last_error: description };
        await this.sleep.sleep(delay);
      }
    }
  }

  private async drainByListing(folders: Folders): Promise<void> {
    for (;;) {
      const added = await this.enqueueFilesIn(folders);
      if (added > 0) this.logger.log(`${added} file(s) waiting in ${folders.newDir}`);
      await this.queueDrained();
      if (added === 0 || this.stopping) return;
    }
  }

  /** Returns when stopping, or when a backlog built up again (see WATCH_BACKLOG_LIMIT). */
  private async watchWhileQuiet(folders: Folders): Promise<void> {
    const watcher = watch(folders.newDir, {
      ignoreInitial: true,
      depth: 0,
      ignored: (path: string) => path !== folders.newDir && !isMessageFileName(basename(path)),
    });
    watcher.on('add', (path: string) => {
      this.enqueue(basename(path), folders);
      if (this.known.size > WATCH_BACKLOG_LIMIT) this.sleep.wake();
    });
    watcher.on('error', (error: unknown) => {
      this.logger.error(`watcher on ${folders.newDir} failed: ${(error as Error).message}`);
      this.health = { ...this.health, status: 'down', last_error: `watcher failed: ${(error as Error).message}` };
    });
    try {
      await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
      // Files that arrived between the last listing and the watcher being ready; one reported
      // by both is queued once.
      await this.enqueueFilesIn(folders);
      this.logger.log(`watching ${folders.newDir}`);
      while (!this.stopping && this.known.size <= WATCH_BACKLOG_LIMIT) {
        await this.sleep.sleep(this.config.pollIntervalSeconds * 1000);
        if (!this.stopping) await this.enqueueFilesIn(folders);
      }
    } finally {
      await watcher.close();
    }
  }

  /** Queues the message files in new/ (oldest delivery first); returns how many were new to the queue. */
  private async enqueueFilesIn(folders: Folders): Promise<number> {
    const names = (await readdir(folders.newDir)).filter(isMessageFileName).sort(compareDeliveryOrder);
    let added = 0;
    for (const name of names) if (this.enqueue(name, folders)) added += 1;
    return added;
  }

  /** Resolves when nothing is waiting or in hand (files waiting to be completely written excepted), or on stop. */
  private queueDrained(): Promise<void> {
    if (this.stopping || (this.waiting.length === 0 && this.active === 0)) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  private notifyIfDrained(): void {
    if (!this.stopping && (this.waiting.length > 0 || this.active > 0)) return;
    for (const resolve of this.drainedWaiters.splice(0)) resolve();
  }

  private enqueue(name: string, folders: Folders): boolean {
    if (this.stopping || this.known.has(name) || !isMessageFileName(name)) return false;
    this.known.add(name);
    this.waiting.push(name);
    this.pump(folders);
    return true;
  }

  private pump(folders: Folders): void {
    while (!this.stopping && this.active < INGEST_CONCURRENCY && this.waiting.length > 0 && Date.now() >= this.pausedUntil) {
      const name = this.waiting.shift()!;
      if (this.active === 0) this.inHand = new Promise((resolve) => (this.releaseInHand = resolve));
      this.active += 1;
      void this.handle(name, folders)
        .catch((error) => this.handleFailure(name, folders, error))
        .finally(() => {
          this.active -= 1;
          if (this.active === 0) this.releaseInHand?.();
          this.pump(folders);
          this.notifyIfDrained();
        });
    }
  }

  private async handle(name: string, folders: Folders): Promise<void> {
    const path = join(folders.newDir, name);
    let size: number;
    try {
      const s = await stat(path);
      const observation = { size: s.size, mtimeMs: s.mtimeMs, atMs: Date.now() };
      const readiness = writeReadiness(name, observation, this.observations.get(name) ?? null);
      if (!readiness.ready) {
        this.observations.set(name, observation);
        this.later(readiness.recheckInMs, () => {
          this.waiting.push(name);
          this.pump(folders);
        });
        return;
      }
      size = s.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.forget(name); // taken by another reader
      throw error;
    }
    this.observations.delete(name);

    const raw = await readAtMost(path, size, this.config.inboundMaxBytes + 1);
    const { failed } = await this.ingest.ingest(raw, { source: 'file_monitor', ref: `new/${name}` });
    this.failures = 0;
    const folder = failed ? folders.failedDir : folders.curDir;
    const target = failed ? join(folder, name) : join(folder, seenName(name));
    try {
      if (!this.existingFolders.has(folder)) {
        await mkdir(folder, { recursive: true });
        this.existingFolders.add(folder);
      }
      await rename(path, target);
    } catch (error) {
      // ENOENT: another reader (an IMAP client, a second instance) moved it after our commit.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(`filed ${name} but could not move it to ${target}: ${(error as Error).message}; it is taken again (as a duplicate) at the next rescan`);
      }
    }
    this.forget(name);
    this.health = { ...this.health, status: 'up', last_success_at: new Date(), last_error: null };
  }

  /**
   * The file stays in new/ either way. When the database or the storage (a full or unwritable
   * DATA_DIR) is unavailable the whole queue pauses
   * with backoff, this file first in line; any other error sets only this file aside until the
   * next rescan, so one unreadable file does not hold up the rest.
   */
  private handleFailure(name: string, folders: Folders, error: unknown): void {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.forget(name); // taken by another reader
    if (keepAtSource(error)) {
      this.failures += 1;
      const delay = backoffDelayMs(this.failures);
      const description = `storage or database unavailable, ${name} stays in new/: ${(error as Error).message}`;
      this.logger.error(`${description}; retry ${this.failures} in ${(delay / 1000).toFixed(1)} s`);
      this.health = { ...this.health, status: 'down', last_error: description };
      this.waiting.unshift(name);
      this.pausedUntil = Date.now() + delay;
      // The timer ends the pause itself: it may fire a millisecond before Date.now() reaches
      // pausedUntil (timers run on the monotonic clock, in whole milliseconds), and a pump that
      // found the queue still paused would leave the file waiting until another one arrives.
      this.later(delay, () => {
        this.pausedUntil = 0;
        this.pump(folders);
      });
      return;
    }
    const description = `could not file ${name}, it stays in new/ until the next rescan: ${(error as Error).message}`;
    this.logger.error(description);
    this.health = { ...this.health, last_error: description };
    this.forget(name);
  }

  private later(ms: number, run: () => void): void {
    if (this.stopping) return;
    const timer = setTimeout(() => {
      this.pendingRechecks.delete(timer);
      if (!this.stopping) run();
    }, ms);
    this.pendingRechecks.add(timer);
  }

  private forget(name: string): void {
    this.known.delete(name);
    this.observations.delete(name);
  }
}

/** Reads at most `limit` bytes: a file above INBOUND_MAX_BYTES is refused by the pipeline, not held in memory whole. */
async function readAtMost(path: string, size: number, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(size, limit));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
