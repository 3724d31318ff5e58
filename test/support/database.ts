// Throwaway MariaDB databases for e2e tests, on the real server that
// test/run-tests.sh (or test/global-setup.ts) started.
//
//   const db = await freshMysqlDatabase();   // e.g. helpdesk_test_1_3f9a0c1b2d
//   ... DB_DATABASE = db.database ...
//   await db.drop();
//
// The `helpdesk` user holds all privileges on `helpdesk\_test%`, so it can
// create and drop these databases itself.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** Prefix the helpdesk user's grants cover. */
export const TEST_DATABASE_PREFIX = 'helpdesk_test_';

/** True when the real MariaDB's variables are in the environment (DB_HOST set). */
export function mysqlAvailable(): boolean {
  return Boolean(process.env.DB_HOST);
}

/** Connection settings of the test MariaDB from the environment (no database selected). */
export function mysqlConnectionOptions(): { host: string; port: number; user: string; password: string } {
  if (!mysqlAvailable()) {
    throw new Error('DB_HOST is not set: start the test services (npm test, or bash test/services/real-services.sh up)');
  }
  return {
    host: process.env.DB_HOST as string,
    port: Number(process.env.DB_PORT ?? 3306),
    user: process.env.DB_USERNAME ?? 'helpdesk',
    password: process.env.DB_PASSWORD ?? 'helpdesk',
  };
}

async function run(sql: string): Promise<void> {
  const conn = await mysql.createConnection({ ...mysqlConnectionOptions(), connectTimeout: 10_000 });
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

/**
 * Creates an empty database and returns its name and a `drop()` for afterAll.
 * `name` (optional) is the full database name and must start with
 * `helpdesk_test_`; the default is `helpdesk_test_<JEST_WORKER_ID>_<random>`.
 * An existing database of that name is dropped first.
 */
export async function freshMysqlDatabase(name?: string): Promise<{ database: string; drop(): Promise<void> }> {
  const database = name ?? `${TEST_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(5).toString('hex')}`;
  if (!database.startsWith(TEST_DATABASE_PREFIX) || !/^[A-Za-z0-9_]{1,64}$/.test(database)) {
    throw new Error(`test database name must match ${TEST_DATABASE_PREFIX}[A-Za-z0-9_]* (max 64 chars): ${database}`);
  }
  await run(`DROP DATABASE IF EXISTS \`${database}\``);
  await run(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  let dropped = false;
  return {
    database,
    async drop(): Promise<void> {
      if (dropped) return;
      await run(`DROP DATABASE IF EXISTS \`${database}\``);
      dropped = true;
    },
  };
}
