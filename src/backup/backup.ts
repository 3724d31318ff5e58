import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { inParallel } from '../common/in-parallel';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { moveLocalStoreToBucket } from '../storage/move-to-bucket';
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from '../storage/private-files';
import { S3Bucket } from '../storage/s3-bucket';
import { loadDatabase, snapshotDatabase, tableCount } from './database-snapshot';
import { rawRows } from './raw-rows';

export interface BackupManifest {
  format: 1;
  /** When the database snapshot began: every message acknowledged before it is in the backup. */
  started_at: string;
  finished_at: string;
  database: 'sqlite' | 'mysql';
  storage: 'local' | 's3';
  blobs: number;
}

const MANIFEST = 'manifest.json';
const BLOB_KINDS = ['raw', 'attachments'] as const;
/** Generated secrets of the embedded mode (APP_KEY among them): the data cannot be read without them. */
const SECRETS = 'secrets.json';
const PARALLEL = 8;

/**
 * A backup that restores: the database first (a consistent snapshot), the blobs after it. A row
 * is committed only after its blob is stored, and blobs are never rewritten, so every blob the
 * snapshot's rows point to is already there when the blobs are copied; blobs newer than the
 * snapshot come along unreferenced and do no harm. The manifest is written last: a folder
 * without one is an interrupted backup.
 */
export async function createBackup(config: AppConfig, destination: string): Promise<BackupManifest> {
  if (existsSync(join(destination, MANIFEST))) throw new Error(`${destination} already holds a backup; choose an empty folder`);
  ensurePrivateFolder(destination);
  const startedAt = new Date().toISOString();
  await snapshotDatabase(config.database, destination);
  const blobs = join(destination, 'blobs');
  let count: number;
  if (config.storage.driver === 's3') {
    const bucket = new S3Bucket(config.storage);
    try {
      count = await downloadBucket(bucket, blobs);
    } finally {
      bucket.onApplicationShutdown();
    }
  } else {
    count = await copyLocalBlobs(config.dataDir, blobs);
  }
  if (existsSync(join(config.dataDir, SECRETS))) await copyFile(join(config.dataDir, SECRETS), join(destination, SECRETS));
  const manifest: BackupManifest = {
    format: 1,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    database: config.database.type,
    storage: config.storage.driver,
    blobs: count,
  };
  await writeFile(join(destination, MANIFEST), JSON.stringify(manifest, null, 2), { mode: PRIVATE_FILE_MODE });
  return manifest;
}

/**
 * Restores into the configured place, which must be fresh: an empty database (a restore never
 * merges), then the blobs into DATA_DIR or the bucket. Either driver restores either backup: a
 * bucket's objects come back as files named by their SHA-256, which the local store reads, and
 * into a bucket the blobs go as storage:to-s3 moves them, found through the restored rows.
 */
export async function restoreBackup(config: AppConfig, source: string): Promise<BackupManifest> {
  const manifest = JSON.parse(await readFile(join(source, MANIFEST), 'utf8').catch(() => {
    throw new Error(`${source} holds no complete backup (no ${MANIFEST})`);
  })) as BackupManifest;
  if (manifest.database !== config.database.type) {
    throw new Error(`the backup is of a ${manifest.database} database; DB_TYPE is ${config.database.type}`);
  }
  if ((await tableCount(config.database)) > 0) throw new Error('the target database is not empty: restore into a fresh database (or SQLite file)');
  ensurePrivateFolder(config.dataDir);
  await loadDatabase(config.database, source);
  if (existsSync(join(source, SECRETS))) await copyFile(join(source, SECRETS), join(config.dataDir, SECRETS));
  const blobs = join(source, 'blobs');
  if (config.storage.driver === 's3') {
    const bucket = new S3Bucket(config.storage);
    const dataSource = await new DataSource(dataSourceOptions(config.database)).initialize();
    try {
      const report = await moveLocalStoreToBucket(blobs, rawRows(dataSource), bucket);
      if (report.missing.length) throw new Error(`the backup lacks ${report.missing.length} blob(s): ${report.missing.slice(0, 5).join('; ')}`);
    } finally {
      bucket.onApplicationShutdown();
      await dataSource.destroy();
    }
  } else {
    for (const kind of BLOB_KINDS) {
      if (existsSync(join(blobs, kind))) await cp(join(blobs, kind), join(config.dataDir, kind), { recursive: true, force: false });
    }
  }
  return manifest;
}

async function copyLocalBlobs(dataDir: string, destination: string): Promise<number> {
  let count = 0;
  for (const kind of BLOB_KINDS) {
    const from = join(dataDir, kind);
    if (!existsSync(from)) continue;
    // Temp files of a write in progress and health probes are nobody's blob.
    await cp(from, join(destination, kind), {
      recursive: true,
      filter: (path) => {
        const keep = !path.endsWith('.tmp') && !path.includes('.write-probe-');
        if (keep && /[a-f0-9]{64}$|\.seg$/.test(path)) count++;
        return keep;
      },
    });
  }
  return count;
}

async function downloadBucket(bucket: S3Bucket, destination: string): Promise<number> {
  let count = 0;
  for (const kind of BLOB_KINDS) {
    await inParallel(bucket.keys(`${kind}/`), PARALLEL, async (key) => {
      const content = await bucket.get(key);
      if (!content) return; // deleted since it was listed
      const file = join(destination, key);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, content, { mode: PRIVATE_FILE_MODE });
      count++;
    });
  }
  return count;
}
