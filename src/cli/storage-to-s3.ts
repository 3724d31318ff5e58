#!/usr/bin/env node
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, configFromProcessEnv, loadDotEnv } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { rawRows } from '../backup/raw-rows';
import { moveLocalStoreToBucket } from '../storage/move-to-bucket';
import { S3Bucket } from '../storage/s3-bucket';

const USAGE = `usage: npm run storage:to-s3     (node dist/src/cli/storage-to-s3.js)

Copies the raw messages and attachments under DATA_DIR into the bucket of STORAGE_DRIVER=s3
(S3_ENDPOINT, S3_BUCKET, ...), as the instances will run after the move. Safe to run while the
local instances still take mail and to run again: what is already in the bucket is skipped. Stop
the instances, run it a last time, then start them with STORAGE_DRIVER=s3. Nothing local is deleted.
Exit status: 0 all moved, 1 some raw messages or attachments were missing or damaged, 2 error.`;

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  loadDotEnv();
  const config = configFromProcessEnv();
  if (config.storage.driver !== 's3') {
    console.error(`Set STORAGE_DRIVER=s3 and the S3_* variables of the target bucket.\n\n${USAGE}`);
    return 2;
  }
  const dataSource = await new DataSource(dataSourceOptions(config.database)).initialize();
  const bucket = new S3Bucket(config.storage);
  try {
    const report = await moveLocalStoreToBucket(config.dataDir, rawRows(dataSource), bucket, (line) => console.log(line));
    for (const missing of report.missing) console.error(`missing: ${missing}`);
    return report.missing.length ? 1 : 0;
  } finally {
    bucket.onApplicationShutdown();
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : `storage-to-s3: ${(error as Error).message}`);
    process.exit(2);
  },
);
