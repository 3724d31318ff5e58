const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_AUTOINC_READ_FAILED',
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

/**
 * True when InnoDB rolled the transaction back to break a deadlock: running it again is the cure.
 * A deadlock on a table's AUTO-INC lock (the event and search triggers insert into tables of their
 * own) is reported as "Failed to read auto-increment value from storage engine" (1467), with the
 * transaction rolled back all the same (MariaDB MDEV-33593).
 */
export function isDeadlock(error: unknown): boolean {
  let e = error as { code?: string; errno?: number; driverError?: unknown } | undefined;
  for (let depth = 0; e && depth < 3; depth++) {
    if (e.code === 'ER_LOCK_DEADLOCK' || e.errno === 1213 || e.code === 'ER_AUTOINC_READ_FAILED' || e.errno === 1467) return true;
    e = e.driverError as typeof e;
  }
  return false;
}

/**
 * Runs a whole transaction again when the database chose it as a deadlock's victim (concurrent
 * writers on MySQL/MariaDB, the search and event triggers among them). After `attempts` the
 * deadlock is thrown, which isDatabaseUnavailable counts as "try again later".
 */
export async function retryDeadlocks<T>(transaction: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 20));
    }
  }
}
