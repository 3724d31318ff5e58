import { DataSource, Migration } from 'typeorm';

const LOCK = 'inbound_migrations';
const LOCK_WAIT_SECONDS = 120;

/**
 * Applies pending migrations. On MySQL several instances may start at once: a named lock lets
 * one migrate while the others wait, then find nothing left to do.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'mysql') return dataSource.runMigrations({ transaction: 'each' });
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = await runner.query('SELECT GET_LOCK(?, ?) AS locked', [LOCK, LOCK_WAIT_SECONDS]);
    if (Number(row.locked) !== 1) throw new Error(`Another instance has held the migration lock for ${LOCK_WAIT_SECONDS} s; not migrating`);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT RELEASE_LOCK(?)', [LOCK]).catch(() => undefined);
    await runner.release();
  }
}
