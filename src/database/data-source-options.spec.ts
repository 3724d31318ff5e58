import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

describe('dataSourceOptions on SQLite', () => {
  let folder: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'sqlite-options-'));
    const config = { type: 'sqlite' as const, sqlitePath: join(folder, 'db', 'inbound.sqlite'), host: '', port: 0, database: '', username: '', password: '' };
    dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  it('syncs the write-ahead log at every commit, so an acknowledged message outlives a power cut', async () => {
    expect(await dataSource.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    // 2 is FULL; NORMAL (1) in WAL mode may lose the last commits when the machine loses power.
    expect(await dataSource.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
  });
});
