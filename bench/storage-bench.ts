// The ingest pipeline with raw mail and attachments on local disk and in an S3-compatible bucket
// (the s3rver of the test services), side by side on the same database: runs alternate between
// the two so that the machine's drift hits both alike. Called by bench/run.ts when S3_ENDPOINT is
// set (`npm run bench`), or alone:
//   npm run build && bash test/services/with-services.sh node dist/bench/storage-bench.js
// BENCH_STORAGE_MESSAGES (default 1000) messages per run and driver, BENCH_RUNS (default 3) runs,
// BENCH_STORAGE_CONCURRENCY (default 16) in flight.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { INestApplication } from '@nestjs/common';
import mysql from 'mysql2/promise';
import { createApp } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { Rate } from './measure';
import { BENCH_ENV } from './messages';
import { pipelineRate } from './pipeline-rate';

const MESSAGES = Number(process.env.BENCH_STORAGE_MESSAGES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_STORAGE_CONCURRENCY ?? 16);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run under test/services/with-services.sh (npm run bench does)`);
  return value;
}

function s3Client(): S3Client {
  return new S3Client({
    endpoint: required('S3_ENDPOINT'),
    region: process.env.S3_REGION ?? 'us-east-1',
    credentials: { accessKeyId: required('S3_ACCESS_KEY_ID'), secretAccessKey: required('S3_SECRET_ACCESS_KEY') },
    forcePathStyle: true,
  });
}

async function emptyAndDrop(client: S3Client, bucket: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export async function runStorageBench(): Promise<Record<string, number>> {
  const bucket = `inbound-bench-${process.pid}`;
  const client = s3Client();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const database = process.env.DB_HOST ? `helpdesk_test_storage_bench_${process.pid}` : null;
  const admin = () => mysql.createConnection({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USERNAME, password: process.env.DB_PASSWORD });
  if (database) {
    const conn = await admin();
    await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
  }
  const dataDirs: string[] = [];
  const apps: Record<'local' | 's3', INestApplication> = {} as never;
  try {
    for (const driver of ['local', 's3'] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), `inbound-storage-bench-${driver}-`));
      dataDirs.push(dataDir);
      const config = AppConfig.fromEnvironment({
        DATA_DIR: dataDir,
        ...BENCH_ENV,
        ...(database
          ? { DB_TYPE: 'mysql', DB_HOST: process.env.DB_HOST, DB_PORT: process.env.DB_PORT, DB_USERNAME: process.env.DB_USERNAME, DB_PASSWORD: process.env.DB_PASSWORD, DB_DATABASE: database }
          : { DB_TYPE: 'sqlite' }),
        ...(driver === 's3'
          ? { STORAGE_DRIVER: 's3', S3_ENDPOINT: required('S3_ENDPOINT'), S3_BUCKET: bucket, S3_ACCESS_KEY_ID: required('S3_ACCESS_KEY_ID'), S3_SECRET_ACCESS_KEY: required('S3_SECRET_ACCESS_KEY') }
          : {}),
      });
      apps[driver] = await createApp(config, { logger: false });
      await apps[driver].init();
      await pipelineRate(apps[driver], 'storage warm-up', IN_FLIGHT, Math.min(200, MESSAGES));
    }
    const rates: Record<'local' | 's3', Rate[]> = { local: [], s3: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const driver of ['local', 's3'] as const) {
        const rate = await pipelineRate(apps[driver], `storage ${driver} ${run}`, IN_FLIGHT, MESSAGES);
        rates[driver].push(rate);
        console.log(`  storage run ${run + 1}, ${driver}: ${rate.perSecond.toFixed(0)} msg/s, ${rate.cpuMsPerMessage.toFixed(2)} ms CPU/msg (${IN_FLIGHT} in flight)`);
      }
    }
    const local = median(rates.local.map((r) => r.perSecond));
    const s3 = median(rates.s3.map((r) => r.perSecond));
    return {
      storage_local_msgs_per_s: Math.round(local),
      storage_s3_msgs_per_s: Math.round(s3),
      storage_s3_vs_local_ratio: Math.round((s3 / local) * 100) / 100,
      storage_local_cpu_ms_per_msg: Math.round(median(rates.local.map((r) => r.cpuMsPerMessage)) * 100) / 100,
      storage_s3_cpu_ms_per_msg: Math.round(median(rates.s3.map((r) => r.cpuMsPerMessage)) * 100) / 100,
    };
  } finally {
    for (const app of Object.values(apps)) await app.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    await emptyAndDrop(client, bucket).catch((error: Error) => console.error(`could not remove bucket ${bucket}: ${error.message}`));
    client.destroy();
    if (database) {
      const conn = await admin();
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.end();
    }
  }
}

if (require.main === module) {
  console.log(`storage bench: ${MESSAGES} messages x ${RUNS} runs per driver, ${IN_FLIGHT} in flight, database ${process.env.DB_HOST ? 'MariaDB' : 'SQLite'}`);
  runStorageBench().then(
    (figures) => {
      console.log('\nmedians:');
      for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(30)} ${v}`);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
