#!/usr/bin/env node
import 'reflect-metadata';
import { createBackup, restoreBackup } from '../backup/backup';
import { ConfigError, configFromProcessEnv, loadDotEnv } from '../config/app-config';

const USAGE = `usage: npm run backup -- create <folder>     (node dist/src/cli/backup.js create <folder>)
       npm run backup -- restore <folder>

create   backs up the configured database (SQLite: its online backup API; MariaDB/MySQL:
         mariadb-dump --single-transaction, the MariaDB client must be installed) and then the
         raw messages and attachments (DATA_DIR or the bucket) into <folder>, which must not
         hold a backup yet. Runs while the service takes mail; every message acknowledged
         before it started is in the backup.
restore  loads a backup into the configured place, which must be fresh: an empty database
         (DB_DATABASE, or DATA_DIR without inbound.sqlite), and DATA_DIR or the bucket of
         STORAGE_DRIVER. Start the service afterwards.
Exit status: 0 done, 1 failed, 64 usage error.`;

async function main(): Promise<number> {
  const [command, folder] = process.argv.slice(2);
  if (!folder || (command !== 'create' && command !== 'restore')) {
    console.error(USAGE);
    return 64;
  }
  loadDotEnv();
  const config = configFromProcessEnv();
  const manifest = command === 'create' ? await createBackup(config, folder) : await restoreBackup(config, folder);
  console.log(`${command === 'create' ? 'backed up' : 'restored'}: ${manifest.database} database, ${manifest.blobs} blob file(s) from ${manifest.storage} storage, snapshot of ${manifest.started_at}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : `backup: ${(error as Error).message}`);
    process.exit(1);
  },
);
