import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';

/** Files only the service's user may read or write: mail, attachments, the database, secrets. */
export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_FOLDER_MODE = 0o700;

/**
 * Creates the folder (and missing parents) with mode 0700, and takes group and other rights
 * away from an existing one: a mode given to mkdir only applies to folders it creates, and the
 * umask can only narrow it.
 */
export function ensurePrivateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  tighten(path, PRIVATE_FOLDER_MODE);
}

/** Creates an empty file with mode 0600 if missing; narrows an existing one's mode to 0600. */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  tighten(path, PRIVATE_FILE_MODE);
}

/** Narrows the mode of a file that may exist (SQLite's -wal and -shm of an earlier version). */
export function tightenIfPresent(path: string): void {
  if (existsSync(path)) tighten(path, PRIVATE_FILE_MODE);
}

function tighten(path: string, mode: number): void {
  if ((statSync(path).mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
}

/**
 * mkdir -p with mode 0700; resolves to the first folder it created, undefined if it existed.
 * The folder itself is tried first: on a read-only or full disk a recursive mkdir reports
 * ENOENT, the plain one the real cause (EROFS, ENOSPC), which is what /health and the log show.
 */
export async function makePrivateFolder(path: string): Promise<string | undefined> {
  try {
    await mkdir(path, { mode: PRIVATE_FOLDER_MODE });
    return path;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await stat(path)).isDirectory()) return undefined;
    if (code !== 'ENOENT') throw error;
  }
  return mkdir(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}
