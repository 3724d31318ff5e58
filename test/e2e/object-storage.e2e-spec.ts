// STORAGE_DRIVER=s3 against a real S3-compatible server (s3rver from real-services.sh; a private
// one in this process where a test stops it): raw mail and attachments go to the bucket under
// their SHA-256, DATA_DIR holds none of it, and a source is acknowledged only once the object is
// written and the rows are committed.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { RawMessageStore } from '../../src/storage/storage.module';
import { ContentStore } from '../../src/storage/content-store';
import { waitUntilFiled } from '../support/filing';
import { appendToFolder, createImapFolders, deleteImapFolders, imapSourceEnv, ImapFolders, messagesIn } from '../support/imap-folders';
import { buildMail, buildMailWithAttachment, postSigned } from '../support/mail';
import { freshBucket, startPrivateS3, TestBucket } from '../support/s3';
import { waitFor } from '../support/services';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(90_000);

const key = (kind: string, sha256: string) => `${kind}/${sha256.slice(0, 2)}/${sha256}`;
const count = async (t: TestApp, sql: string) => Number((await t.app.get(DataSource).query(sql))[0].n);

describe.each(ENGINES)('object storage (S3) on %s', (engine) => {
  let bucket: TestBucket;
  let folders: ImapFolders;
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    bucket = await freshBucket();
    folders = await createImapFolders('s3');
    t = await startTestApp(engine, { ...bucket.env, ...imapSourceEnv(folders) });
    tenant = await createTenantWithTokens(t, 'Bucket');
  });
  afterAll(async () => {
    await t?.close();
    await bucket?.drop();
    if (folders) await deleteImapFolders(folders);
  });

  it('reports the bucket as writable storage on /health', async () => {
    const health = await t.http().get('/health').expect(200);
    expect(health.body.storage).toMatchObject({ status: 'up', writable: true, free_bytes: null });
  });

  it('keeps the raw message and its attachment in the bucket, none of it in DATA_DIR, and serves the download', async () => {
    const raw = buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'report.txt', contentType: 'text/plain', content: 'quarterly numbers' });
    const filed = await postSigned(t, raw).expect(200);
    expect(filed.body.outcome).toBe('created');
    const rawSha = ContentStore.sha256(raw);
    const attachmentSha = ContentStore.sha256(Buffer.from('quarterly numbers'));
    expect(await bucket.keys()).toEqual(expect.arrayContaining([key('raw', rawSha), key('attachments', attachmentSha)]));
    expect(readdirSync(t.dataDir).filter((f) => f === 'raw' || f === 'attachments')).toEqual([]);

    const ticket = await t.http().get(`/api/tickets/${filed.body.ticket_id}`).set(tenant.agent).expect(200);
    const [attachment] = ticket.body.messages[0].attachments;
    const download = await t.http().get(attachment.url).set(tenant.agent).expect(200);
    expect(Buffer.from(download.body).toString()).toBe('quarterly numbers');

    const [log] = await t.app.get(DataSource).query('SELECT raw_sha256, raw_location FROM email_processing_logs WHERE id = ?', [filed.body.log_id]);
    expect(log).toEqual({ raw_sha256: rawSha, raw_location: null });
    expect(await t.app.get(RawMessageStore).get({ sha256: rawSha, location: null })).toEqual(raw);
  });

  it('stores a message received twice and an attachment shared by two messages once each', async () => {
    const raw = buildMail({ to: tenant.inboundAddress, subject: 'Twice' });
    await postSigned(t, raw).expect(200);
    expect((await postSigned(t, raw).expect(200)).body.outcome).toBe('duplicate');
    for (const messageId of ['<shared-a@example.com>', '<shared-b@example.com>']) {
      await postSigned(t, buildMailWithAttachment({ to: tenant.inboundAddress, messageId, filename: 'logo.png', contentType: 'image/png', content: 'same logo' })).expect(200);
    }
    const keys = await bucket.keys();
    expect(keys.filter((k) => k === key('raw', ContentStore.sha256(raw)))).toHaveLength(1);
    expect(keys.filter((k) => k === key('attachments', ContentStore.sha256(Buffer.from('same logo'))))).toHaveLength(1);
  });

  it('files mail read over IMAP with its raw message in the bucket, then moves it to Processed', async () => {
    const messageId = `<imap-s3-${Date.now()}@customer.example>`;
    const raw = buildMail({ to: tenant.inboundAddress, subject: 'Over IMAP', messageId });
    await appendToFolder(folders.mailbox, [raw]);
    await waitUntilFiled(t, [messageId]);
    expect(await bucket.keys('raw/')).toContain(key('raw', ContentStore.sha256(raw)));
    await waitFor('moved to Processed', async () => (await messagesIn(folders.processed)) === 1);
  });
});

describe('object storage that stops answering (private s3rver)', () => {
  let directory: string;
  let s3: Awaited<ReturnType<typeof startPrivateS3>>;
  let folders: ImapFolders;
  let t: TestApp;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'inbound-s3rver-'));
    s3 = await startPrivateS3(directory);
    folders = await createImapFolders('s3-down');
  });
  afterAll(async () => {
    await t?.close();
    await s3?.start();
    await s3?.bucket.drop();
    await s3?.stop();
    rmSync(directory, { recursive: true, force: true });
    if (folders) await deleteImapFolders(folders);
  });

  it('acknowledges nothing while the bucket is unreachable: 503 on the webhook, IMAP mail left in place, no rows; all filed once it is back', async () => {
    t = await startTestApp('sqlite', { ...s3.bucket.env, ...imapSourceEnv(folders) });
    const tenant = await createTenantWithTokens(t, 'Outage');
    await s3.stop();

    const refused = await postSigned(t, buildMail({ to: tenant.inboundAddress, messageId: '<while-down@example.com>' }));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: 'unavailable', message: expect.stringContaining('Object storage is unavailable'), details: { storage_error: 'ECONNREFUSED' } });
    await waitFor('/health to report the storage down', async () => (await t.http().get('/health')).status === 503, 15_000, 200);
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(/^inbound_storage_errors_total\{error="ECONNREFUSED"\} [1-9]/m);

    const imapMessageId = `<imap-while-down-${Date.now()}@customer.example>`;
    await appendToFolder(folders.mailbox, [buildMail({ to: tenant.inboundAddress, messageId: imapMessageId })]);
    // The source tries (and fails) at least once while the bucket is down: its health says so.
    await waitFor('the IMAP source to fail on storage', async () => {
      const sources = (await t.http().get('/health')).body.sources as { name: string; status: string; error?: string | null; last_error?: string | null }[];
      const imap = sources.find((s) => s.name === 'imap');
      return JSON.stringify(imap ?? {}).includes('Object storage is unavailable');
    }, 30_000, 200);
    expect(await messagesIn(folders.mailbox)).toBe(1);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM email_processing_logs')).toBe(0);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM tickets')).toBe(0);

    await s3.start();
    await waitFor('/health to report the storage up', async () => (await t.http().get('/health')).status === 200, 15_000, 200);
    expect((await postSigned(t, buildMail({ to: tenant.inboundAddress, messageId: '<while-down@example.com>' })).expect(200)).body.outcome).toBe('created');
    await waitUntilFiled(t, [imapMessageId], 30_000);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM tickets')).toBe(2);
  });
});
