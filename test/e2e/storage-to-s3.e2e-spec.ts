// The one-time move of a local store (segment files and attachment files under DATA_DIR) into a
// bucket: run while the local instance still takes mail, run again after it stopped (only the
// new mail is copied), and an instance on S3 then serves every old message and attachment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { StoredRaw } from '../../src/storage/blob-stores';
import { moveLocalStoreToBucket } from '../../src/storage/move-to-bucket';
import { S3Bucket, S3Settings } from '../../src/storage/s3-bucket';
import { RawMessageStore } from '../../src/storage/storage.module';
import { freshMysqlDatabase } from '../support/database';
import { buildMail, buildMailWithAttachment, postSigned } from '../support/mail';
import { freshBucket, TestBucket } from '../support/s3';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(90_000);

async function rowsOf(t: TestApp): Promise<StoredRaw[]> {
  const rows: { raw_sha256: string; raw_location: string | null }[] = await t.app.get(DataSource).query('SELECT raw_sha256, raw_location FROM email_processing_logs ORDER BY id');
  return rows.map((r) => ({ sha256: r.raw_sha256, location: r.raw_location }));
}

async function* each<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe.each(ENGINES)('moving a local store into a bucket (%s)', (engine) => {
  let dataDir: string;
  let bucket: TestBucket;
  let database: Awaited<ReturnType<typeof freshMysqlDatabase>> | null = null;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'inbound-move-'));
    bucket = await freshBucket();
    if (engine === 'mysql') database = await freshMysqlDatabase();
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await bucket?.drop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies every raw message and attachment once, resumes where it stopped, and an S3 instance serves the old mail', async () => {
    const sameData = { DATA_DIR: dataDir, ...(database ? { DB_DATABASE: database.database } : {}) };
    const local = await startTestApp(engine, sameData);
    apps.push(local);
    const tenant = await createTenantWithTokens(local, 'Moving');
    const attachmentMail = (i: number) =>
      buildMailWithAttachment({ to: tenant.inboundAddress, messageId: `<move-${i}@example.com>`, filename: `file-${i}.txt`, contentType: 'text/plain', content: `attachment ${i}` });
    const tickets: number[] = [];
    for (let i = 0; i < 4; i++) tickets.push((await postSigned(local, attachmentMail(i)).expect(200)).body.ticket_id);
    await postSigned(local, buildMail({ to: tenant.inboundAddress, subject: 'plain' })).expect(200);
    await postSigned(local, buildMail({ to: 'nobody-here@mail.test', subject: 'rejected, raw kept' })).expect(200);

    const s3 = new S3Bucket(s3Settings(bucket));
    try {
      const first = await moveLocalStoreToBucket(dataDir, each(await rowsOf(local)), s3);
      expect(first).toEqual({ copied: 6 + 4, present: 0, missing: [] });

      // Mail that arrives after the first run (the instances are stopped only for the last one).
      tickets.push((await postSigned(local, attachmentMail(4)).expect(200)).body.ticket_id);
      const rows = await rowsOf(local);
      await local.close();
      apps.splice(0);
      const second = await moveLocalStoreToBucket(dataDir, each(rows), s3);
      expect(second).toEqual({ copied: 2, present: 10, missing: [] });
      const again = await moveLocalStoreToBucket(dataDir, each(rows), s3);
      expect(again).toEqual({ copied: 0, present: 12, missing: [] });
    } finally {
      s3.onApplicationShutdown();
    }

    const onS3 = await startTestApp(engine, { ...sameData, ...bucket.env });
    apps.push(onS3);
    for (const [i, ticketId] of tickets.entries()) {
      const ticket = await onS3.http().get(`/api/tickets/${ticketId}`).set(tenant.agent).expect(200);
      const download = await onS3.http().get(ticket.body.messages[0].attachments[0].url).set(tenant.agent).expect(200);
      expect(Buffer.from(download.body).toString()).toBe(`attachment ${i}`);
    }
    const store = onS3.app.get(RawMessageStore);
    for (const row of await rowsOf(onS3)) expect(await store.get(row)).not.toBeNull();
  });
});

function s3Settings(bucket: TestBucket): S3Settings {
  const env = bucket.env;
  return {
    driver: 's3',
    endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    forcePathStyle: true,
  };
}
