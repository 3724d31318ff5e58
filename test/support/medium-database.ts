// A migrated database for the medium tier: repositories and services on a bare DataSource,
// without Nest's HTTP stack. SQLite in a temporary file, or a throwaway MariaDB database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { freshMysqlDatabase, mysqlConnectionOptions } from './database';
import { Engine } from './test-app';

export interface MigratedDatabase {
  dataSource: DataSource;
  close(): Promise<void>;
}

export async function openMigratedDatabase(engine: Engine): Promise<MigratedDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'inbound-medium-'));
  const mysql = engine === 'mysql' ? await freshMysqlDatabase() : null;
  const connection = mysql ? mysqlConnectionOptions() : { host: '', port: 0, user: '', password: '' };
  const options = dataSourceOptions({
    type: engine,
    sqlitePath: join(dir, 'inbound.sqlite'),
    host: connection.host,
    port: connection.port,
    username: connection.user,
    password: connection.password,
    database: mysql?.database ?? '',
  });
  const dataSource = new DataSource({ ...options, logging: false } as DataSourceOptions);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    dataSource,
    async close() {
      await dataSource.destroy();
      await mysql?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
