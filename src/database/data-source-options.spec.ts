import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

describe('dataSourceOptions on SQLite', () => {
  let folder: string;
  let dataSource: DataSource;
  let previousUmask: number;

  beforeAll(async () => {
    // The loosest umask: modes must not depend on the one the service happens to start with.
    previousUmask = process.umask(0);
    folder = mkdtempSync(join(tmpdir(), 'sqlite-options-'));
    const config = { type: 'sqlite' as const, sqlitePath: join(folder, 'db', 'inbound.sqlite'), host: '', port: 0, database: '', username: '', password: '' };
    dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  });
  afterAll(async () => {
    process.umask(previousUmask);
    await dataSource.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  it('syncs the write-ahead log at every commit, so an acknowledged message outlives a power cut', async () => {
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    // 2 is FULL; NORMAL (1) in WAL mode may lose the last commits when the machine loses power.
    expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
  });

  it('keeps the database, its -wal and -shm private to the service user whatever the umask', async () => {
    await dataSource.query('CREATE TABLE IF NOT EXISTS probe (id INTEGER)');
    await dataSource.query('INSERT INTO probe VALUES (1)');
    const files = readdirSync(join(folder, 'db')).sort();
    expect(files).toEqual(['inbound.sqlite', 'inbound.sqlite-shm', 'inbound.sqlite-wal']);
    expect(files.map((f) => [f, (statSync(join(folder, 'db', f)).mode & 0o777).toString(8)])).toEqual(files.map((f) => [f, '600']));
    expect((statSync(join(folder, 'db')).mode & 0o777).toString(8)).toBe('700');
  });
});
