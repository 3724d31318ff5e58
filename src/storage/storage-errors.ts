import { DomainError } from '../common/domain-error';

/**
 * A file-system error while storing a message (disk full, quota, read-only or unwritable folder,
 * I/O error, a folder replaced by a file) is the server's condition, never the message's: its
 * sender should keep it and retry, as when the database is down. Node gives every such error a
 * `syscall`; a programming error (a wrong argument) has none and stays a 500.
 */
export function asStorageUnavailable(error: unknown): unknown {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.syscall !== 'string' || typeof e.code !== 'string') return error;
  return new DomainError('unavailable', `Storage is unavailable (${e.code}: ${hint(e.code)}); the message was not accepted, retry later`, {
    storage_error: e.code,
  });
}

function hint(code: string): string {
  switch (code) {
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'EIO':
      return 'input/output error';
    default:
      return 'cannot write to DATA_DIR';
  }
}
