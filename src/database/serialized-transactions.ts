import { DataSource, EntityManager } from 'typeorm';

/**
 * better-sqlite3 gives TypeORM one shared connection, so two concurrent `transaction()` calls
 * would interleave on it (the second becomes a savepoint inside the first). SQLite has a
 * single writer anyway: queue transactions one after another. MySQL needs none of this.
 */
export function serializeTransactions(dataSource: DataSource): DataSource {
  const manager = dataSource.manager;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  const queued = (...args: unknown[]): Promise<unknown> => {
    const run = tail.then(() => original(...args));
    tail = run.catch(() => undefined);
    return run;
  };
  (manager as { transaction: EntityManager['transaction'] }).transaction = queued as EntityManager['transaction'];
  return dataSource;
}
