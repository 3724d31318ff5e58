const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'ER_ACCESS_DENIED_ERROR',
]);

/** True when the error means "try again later" rather than "this request is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  let e = error as { code?: string; driverError?: unknown; message?: string } | undefined;
  for (let depth = 0; e && depth < 3; depth++) {
    if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && /Connection lost|connect ECONNREFUSED|Pool is closed|Can't add new command when connection is in closed state/i.test(e.message)) {
      return true;
    }
    e = e.driverError as typeof e;
  }
  return false;
}

/** True for a unique-key violation on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  let e = error as { code?: string; errno?: number; driverError?: unknown; message?: string } | undefined;
  for (let depth = 0; e && depth < 3; depth++) {
    if (e.code === 'ER_DUP_ENTRY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
    if (typeof e.message === 'string' && /UNIQUE constraint failed|Duplicate entry/.test(e.message)) return true;
    e = e.driverError as typeof e;
  }
  return false;
}
