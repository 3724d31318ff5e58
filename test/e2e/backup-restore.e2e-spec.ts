// Backups that restore: a live instance under ingest load is backed up (database snapshot, then
// the blobs), the backup is restored into a fresh place (new DATA_DIR, new database, new bucket),
// and an instance started there has every message acknowledged before the backup began, with
// its raw message and attachments.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createBackup, restoreBackup } from '../../src/backup/backup';
import { AppConfig } from '../../src/config/app-config';
import { RawMessageStore } from '../../src/storage/storage.module';
import { freshMysqlDatabase } from '../support/database';
import { expectEachFiledOnce } from '../support/filing';
import { buildMail, buildMailWithAttachment, postSigned } from '../support/mail';
import { freshBucket, TestBucket } from '../support/s3';
import { waitFor } from '../support/services';
import { ADMIN_TOKEN, APP_KEY, createTenantWithTokens, Engine, startTestApp, TestApp, WEBHOOK_SECRET } from '../support/test-app';

jest.setTimeout(120_000);

interface Load {
  acknowledged: { messageId: string; attachment: string | null }[];
  errors: string[];
  stop(): Promise<void>;
}

/** Workers posting mail until stopped; a message counts once the webhook answered 200 (the sender may delete it then). */
function startLoad(t: TestApp, to: string, workers = 4): Load {
  const load: Load = { acknowledged: [], errors: [], stop: async () => undefined };
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const i = n++;
      const messageId = `<load-${i}-${randomBytes(4).toString('hex')}@customer.example>`;
      const attachment = i % 3 === 0 ? `attachment of message ${i}` : null;
      const raw = attachment
        ? buildMailWithAttachment({ to, messageId, filename: `file-${i}.txt`, contentType: 'text/plain', content: attachment })
        : buildMail({ to, messageId, subject: `Load ${i}`, body: `Message ${i}.` });
      const res = await postSigned(t, raw);
      if (res.status === 200) load.acknowledged.push({ messageId, attachment });
      else load.errors.push(`${res.status} ${JSON.stringify(res.body)}`);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  load.stop = async () => {
    running = false;
    await done;
  };
  return load;
}

/** The configuration startTestApp gives an app on this place, for the restore that precedes its start. */
function placeConfig(engine: Engine, env: Record<string, string>): AppConfig {
  return AppConfig.fromEnvironment({
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    APP_KEY,
    DOCKER_MAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DOCKER_MAIL_DOMAIN: 'mail.test',
    ...(engine === 'mysql'
      ? { DB_TYPE: 'mysql', DB_HOST: process.env.DB_HOST, DB_PORT: process.env.DB_PORT, DB_USERNAME: process.env.DB_USERNAME, DB_PASSWORD: process.env.DB_PASSWORD }
      : { DB_TYPE: 'sqlite' }),
    ...env,
  });
}

describe.each([
  ['sqlite', 'local'],
  ['sqlite', 's3'],
  ['mysql', 'local'],
  ['mysql', 's3'],
] as const)('backup and restore (%s, %s storage)', (engine, storage) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** A fresh place: its own DATA_DIR, database and bucket. */
  async function freshPlace(): Promise<Record<string, string>> {
    const dataDir = mkdtempSync(join(tmpdir(), 'inbound-place-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = { DATA_DIR: dataDir };
    if (engine === 'mysql') {
      const db = await freshMysqlDatabase();
      cleanups.push(() => db.drop());
      env.DB_DATABASE = db.database;
    }
    if (storage === 's3') {
      const bucket: TestBucket = await freshBucket();
      cleanups.push(() => bucket.drop());
      Object.assign(env, bucket.env);
    }
    return env;
  }

  it('backs up a live instance under ingest load and restores every message acknowledged before the backup began', async () => {
    const origin = await freshPlace();
    const live = await startTestApp(engine, origin);
    cleanups.push(() => live.close());
    const tenant = await createTenantWithTokens(live, 'Backed up', { tier: 'enterprise' });
    const load = startLoad(live, tenant.inboundAddress);
    let before: Load['acknowledged'];
    const backupDir = join(mkdtempSync(join(tmpdir(), 'inbound-backup-')), 'backup');
    cleanups.push(() => rmSync(join(backupDir, '..'), { recursive: true, force: true }));
    try {
      await waitFor('30 messages acknowledged', () => load.acknowledged.length >= 30, 30_000);
      before = [...load.acknowledged];
      const manifest = await createBackup(live.config, backupDir);
      expect(manifest).toMatchObject({ format: 1, database: engine, storage });
      // Still live after the backup: the load goes on against the same instance.
      const after = load.acknowledged.length;
      await waitFor('5 more messages acknowledged', () => load.acknowledged.length >= after + 5, 30_000);
    } finally {
      await load.stop();
    }
    expect(load.errors).toEqual([]);
    console.log(`backup (${engine}, ${storage}): ${before.length} acknowledged before it began, ${load.acknowledged.length} in all`);

    const target = await freshPlace();
    await restoreBackup(placeConfig(engine, target), backupDir);
    const restored = await startTestApp(engine, target);
    cleanups.push(() => restored.close());

    await expectEachFiledOnce(restored, before.map((m) => m.messageId));
    const store = restored.app.get(RawMessageStore);
    const rows: { raw_sha256: string; raw_location: string | null }[] = await restored.app.get(DataSource).query('SELECT raw_sha256, raw_location FROM email_processing_logs');
    const unreadable: string[] = [];
    for (const row of rows) if (!(await store.get({ sha256: row.raw_sha256, location: row.raw_location }))) unreadable.push(row.raw_sha256);
    expect(unreadable).toEqual([]);
    for (const m of before.filter((b) => b.attachment)) {
      const [{ ticket_id }] = await restored.app.get(DataSource).query('SELECT ticket_id FROM ticket_messages WHERE message_id = ?', [m.messageId]);
      const ticket = await restored.http().get(`/api/tickets/${ticket_id}`).set(tenant.agent).expect(200);
      const download = await restored.http().get(ticket.body.messages[0].attachments[0].url).set(tenant.agent).expect(200);
      expect(Buffer.from(download.body).toString()).toBe(m.attachment);
    }
  });

  it('refuses to restore into a database that is not empty, and to back up into a folder that holds a backup', async () => {
    const place = await freshPlace();
    const live = await startTestApp(engine, place);
    cleanups.push(() => live.close());
    const backupDir = join(mkdtempSync(join(tmpdir(), 'inbound-backup-')), 'backup');
    cleanups.push(() => rmSync(join(backupDir, '..'), { recursive: true, force: true }));
    await createBackup(live.config, backupDir);
    await expect(createBackup(live.config, backupDir)).rejects.toThrow(/already holds a backup/);
    await expect(restoreBackup(live.config, backupDir)).rejects.toThrow(/not empty/);
    await expect(restoreBackup(live.config, join(backupDir, '..'))).rejects.toThrow(/no complete backup/);
  });
});
