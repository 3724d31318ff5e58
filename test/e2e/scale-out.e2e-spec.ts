// Two instances on one MariaDB and one S3-compatible bucket, each with a DATA_DIR of its own (no
// shared disk): mail arriving by the webhook (at either, and retried at the other) and over IMAP
// (one mailbox, read under a lease) is filed exactly once, and each instance serves what the
// other stored.
import { readdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { freshMysqlDatabase } from '../support/database';
import { expectEachFiledOnce, numberedMails, waitUntilFiled } from '../support/filing';
import { appendToFolder, createImapFolders, deleteImapFolders, imapSourceEnv } from '../support/imap-folders';
import { buildMailWithAttachment, postSigned } from '../support/mail';
import { freshBucket } from '../support/s3';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(120_000);

it('two instances on MariaDB and S3 with no shared disk file mail from the webhook and IMAP exactly once', async () => {
  const shared = await freshMysqlDatabase();
  const bucket = await freshBucket();
  const folders = await createImapFolders('scale-out');
  const running: TestApp[] = [];
  try {
    const instance = (id: string) =>
      startTestApp('mysql', { ...bucket.env, ...imapSourceEnv(folders), DB_DATABASE: shared.database, INSTANCE_ID: id, IMAP_LEASE_SECONDS: '3' });
    running.push(await instance('instance-a'));
    running.push(await instance('instance-b'));
    const [a, b] = running;
    expect(a.dataDir).not.toBe(b.dataDir);
    const tenant = await createTenantWithTokens(a, 'Scale out', { tier: 'enterprise' });

    const byWebhook = numberedMails(tenant.inboundAddress, 60, 'webhook');
    const byImap = numberedMails(tenant.inboundAddress, 60, 'imap');
    const appended = appendToFolder(folders.mailbox, byImap.map((m) => m.raw));
    // Each message reaches one instance, and a retry of it (the sender timed out) the other one.
    // Waves of 10 messages: 10 requests at a time per instance, below WEBHOOK_MAX_IN_FLIGHT.
    const answers = [];
    for (let wave = 0; wave < byWebhook.length; wave += 10) {
      const mails = byWebhook.slice(wave, wave + 10);
      answers.push(...(await Promise.all(mails.flatMap((m, i) => [postSigned(running[i % 2], m.raw), postSigned(running[(i + 1) % 2], m.raw)]))));
    }
    await appended;
    expect(answers.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`).slice(0, 3)).toEqual([]);
    expect(answers.filter((r) => r.body.outcome === 'created')).toHaveLength(byWebhook.length);
    expect(answers.filter((r) => r.body.outcome === 'duplicate')).toHaveLength(byWebhook.length);

    await waitUntilFiled(b, byImap.map((m) => m.messageId), 60_000);
    await expectEachFiledOnce(a, [...byWebhook, ...byImap].map((m) => m.messageId));

    // What one instance stored, the other serves: the attachment and every raw message are in the bucket.
    const withFile = buildMailWithAttachment({ to: tenant.inboundAddress, filename: 'contract.pdf', contentType: 'application/pdf', content: '%PDF-1.4 stored by a' });
    const filed = await postSigned(a, withFile).expect(200);
    const ticket = await b.http().get(`/api/tickets/${filed.body.ticket_id}`).set(tenant.agent).expect(200);
    const download = await b.http().get(ticket.body.messages[0].attachments[0].url).set(tenant.agent).expect(200);
    expect(Buffer.from(download.body).toString()).toBe('%PDF-1.4 stored by a');

    const logs: { raw_sha256: string }[] = await a.app.get(DataSource).query('SELECT DISTINCT raw_sha256 FROM email_processing_logs');
    const rawKeys = new Set(await bucket.keys('raw/'));
    expect(logs.filter((l) => !rawKeys.has(`raw/${l.raw_sha256.slice(0, 2)}/${l.raw_sha256}`))).toEqual([]);
    for (const t of running) expect(readdirSync(t.dataDir).filter((f) => f === 'raw' || f === 'attachments')).toEqual([]);
  } finally {
    for (const t of running) await t.close();
    await bucket.drop();
    await shared.drop();
    await deleteImapFolders(folders);
  }
});
