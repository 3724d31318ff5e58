import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DatabaseConfig } from '../config/app-config';
import { PRIVATE_FILE_MODE } from '../storage/private-files';

interface SqliteConnection {
  backup(destination: string): Promise<unknown>;
  prepare(sql: string): { get(): unknown };
  close(): void;
}
// better-sqlite3 comes without type declarations here (no @types/better-sqlite3).
const Sqlite: new (path: string, options: { fileMustExist: boolean; readonly?: boolean }) => SqliteConnection = require('better-sqlite3');

export const SQLITE_FILE = 'database.sqlite';
export const MYSQL_FILE = 'database.sql';

/**
 * A consistent copy of the database while the service keeps writing: SQLite's online backup
 * API (a snapshot of one moment, restarted by SQLite if a write lands mid-copy), or
 * mariadb-dump --single-transaction (one REPEATABLE READ snapshot of the InnoDB tables, no locks).
 * Resolves to the file written, named after the engine.
 */
export async function snapshotDatabase(db: DatabaseConfig, destination: string): Promise<string> {
  if (db.type === 'sqlite') {
    const file = `${destination}/${SQLITE_FILE}`;
    const connection = new Sqlite(db.sqlitePath, { fileMustExist: true });
    try {
      await connection.backup(file);
    } finally {
      connection.close();
    }
    return file;
  }
  const file = `${destination}/${MYSQL_FILE}`;
  await runClient(
    'mariadb-dump',
    [...connectionArgs(db), '--single-transaction', '--quick', '--hex-blob', '--no-tablespaces', '--routines', '--default-character-set=utf8mb4', db.database],
    db.password,
    { stdout: file },
  );
  return file;
}

/** Loads a snapshot into the configured database, which must be empty (a fresh file or database). */
export async function loadDatabase(db: DatabaseConfig, source: string): Promise<void> {
  if (db.type === 'sqlite') {
    await copyFile(`${source}/${SQLITE_FILE}`, db.sqlitePath);
    return;
  }
  await runClient('mariadb', [...connectionArgs(db), '--default-character-set=utf8mb4', db.database], db.password, { stdin: `${source}/${MYSQL_FILE}` });
}

/** How many tables the configured database holds: a restore goes only into an empty one. */
export async function tableCount(db: DatabaseConfig): Promise<number> {
  if (db.type === 'sqlite') {
    let connection: SqliteConnection;
    try {
      connection = new Sqlite(db.sqlitePath, { fileMustExist: true, readonly: true });
    } catch {
      return 0;
    }
    try {
      return Number((connection.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n);
    } finally {
      connection.close();
    }
  }
  const out = await runClient('mariadb', [...connectionArgs(db), '--batch', '--skip-column-names', '-e', 'SHOW TABLES', db.database], db.password, {});
  return out.split('\n').filter(Boolean).length;
}

function connectionArgs(db: DatabaseConfig): string[] {
  return ['--protocol=tcp', `--host=${db.host}`, `--port=${db.port}`, `--user=${db.username}`];
}

/**
 * Runs a MariaDB client with the password in an option file of the service user's only, never
 * on the command line (where ps shows it); the file also keeps the machine's my.cnf out.
 */
async function runClient(command: string, args: string[], password: string, io: { stdin?: string; stdout?: string }): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'inbound-client-'));
  const options = join(folder, 'client.cnf');
  await writeFile(options, `[client]\npassword="${password.replace(/["\\]/g, '\\$&')}"\n`, { mode: PRIVATE_FILE_MODE });
  try {
    return await runWithOptions(command, [`--defaults-file=${options}`, ...args], io);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function runWithOptions(command: string, args: string[], io: { stdin?: string; stdout?: string }): Promise<string> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  const written = io.stdout ? pipeline(child.stdout, createWriteStream(io.stdout, { mode: PRIVATE_FILE_MODE })) : Promise.resolve();
  if (!io.stdout) child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const read = io.stdin ? pipeline(createReadStream(io.stdin), child.stdin) : Promise.resolve(child.stdin.end());
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`${command} could not be started (${error.message}); install the MariaDB client`)));
    child.on('close', resolve);
  });
  await Promise.all([written, read]);
  if (code !== 0) throw new Error(`${command} exited with ${code}: ${errors.trim()}`);
  return output;
}
