// The Maildir source on a private temporary Maildir per test (the shared inbound Maildir of the
// test Dovecot belongs to other test files running at the same time).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { IngestService } from '../../src/inbound/ingest.service';
import { buildMail, postSigned } from '../support/mail';
import { simulateOutage } from '../support/outage';
import { testImapClient, waitFor } from '../support/services';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { expectEachFiledOnce, median, numberedMails, waitUntilFiled } from '../support/filing';

jest.setTimeout(60_000);

const token = () => randomBytes(5).toString('hex');

function makeMaildir(): string {
  const root = mkdtempSync(join(tmpdir(), 'inbound-maildir-'));
  for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(root, d));
  return root;
}

let sequence = 0;
/** What an MDA does: write into tmp/, then rename into new/ under a name that carries the size. */
function deliver(root: string, raw: Buffer): string {
  const now = Date.now();
  const unique = `${Math.floor(now / 1000)}.M${(now % 1000) * 1000 + (sequence++ % 1000)}P${process.pid}.${hostname()}`;
  const name = `${unique},S=${raw.length}`;
  writeFileSync(join(root, 'tmp', name), raw);
  renameSync(join(root, 'tmp', name), join(root, 'new', name));
  return name;
}

const list = (root: string, folder: string) => (existsSync(join(root, folder)) ? readdirSync(join(root, folder)).sort() : []);



const count = async (t: TestApp, sql: string, params: unknown[] = []) => Number((await t.app.get(DataSource).query(sql, params))[0].n);

const maildirEnv = (root: string, extra: Record<string, string> = {}) => ({ EMAIL_PROCESSING_METHOD: 'file_monitor', MAILDIR_PATH: root, ...extra });

describe('Maildir source', () => {
  describe('while running', () => {
    const root = makeMaildir();
    let t: TestApp;
    let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;

    beforeAll(async () => {
      t = await startTestApp('sqlite', maildirEnv(root, { EMAIL_PROCESSING_METHOD: 'file_monitor,webhook', INBOUND_MAX_BYTES: String(256 * 1024) }));
      tenant = await createTenantWithTokens(t, `Maildir ${token()}`, { tier: 'enterprise' });
      await waitFor('watching', async () => (await t.http().get('/health')).body.sources?.find((s: { name: string }) => s.name === 'maildir')?.connected);
    });
    afterAll(async () => {
      await t?.close();
      rmSync(root, { recursive: true, force: true });
    });

    it('files each delivered file within 1 s and renames it into cur/ with the S flag', async () => {
      const latencies: number[] = [];
      const names: string[] = [];
      for (const { raw, messageId } of numberedMails(tenant.inboundAddress, 10, 'drop')) {
        const started = Date.now();
        names.push(deliver(root, raw));
        await waitUntilFiled(t, [messageId], 5_000);
        latencies.push(Date.now() - started);
      }
      console.log(`Maildir drop-to-ticket latency: median ${median(latencies)} ms, max ${Math.max(...latencies)} ms`);
      expect(Math.max(...latencies)).toBeLessThan(1_000);
      await waitFor('all renamed', () => list(root, 'new').length === 0);
      for (const name of names) expect(list(root, 'cur')).toContain(`${name}:2,S`);
      const health = (await t.http().get('/health')).body.sources.find((s: { name: string }) => s.name === 'maildir');
      expect(health).toMatchObject({ status: 'up', connected: true, backlog: 0, last_error: null });
    });

    it('does not take a file that a non-Maildir writer is still writing into new/', async () => {
      const [{ raw, messageId }] = numberedMails(tenant.inboundAddress, 1, 'slow-writer');
      const marker = 'END-OF-A-SLOWLY-WRITTEN-MESSAGE';
      const full = Buffer.concat([raw, Buffer.from(`${'filler line\r\n'.repeat(200)}${marker}\r\n`)]);
      const handle = await open(join(root, 'new', `slow-${token()}.eml`), 'w');
      await handle.write(full.subarray(0, 600));
      await new Promise((r) => setTimeout(r, 200));
      await handle.write(full.subarray(600, 1500));
      await new Promise((r) => setTimeout(r, 200));
      await handle.write(full.subarray(1500));
      await handle.close();
      await waitUntilFiled(t, [messageId], 5_000);
      const [row] = await t.app.get(DataSource).query('SELECT text_body FROM ticket_messages WHERE message_id = ?', [messageId]);
      expect(row.text_body).toContain(marker);
    });

    it('files a message committed before a crash (e.g. by the webhook) once, and still renames it', async () => {
      const [{ raw, messageId }] = numberedMails(tenant.inboundAddress, 1, 'committed-before-crash');
      await postSigned(t, raw).expect(200);
      // As after a crash between the commit and the rename: the file is still in new/.
      const name = deliver(root, raw);
      await waitFor('renamed into cur/', () => list(root, 'cur').includes(`${name}:2,S`), 5_000);
      await expectEachFiledOnce(t, [messageId]);
      expect(await count(t, "SELECT COUNT(*) AS n FROM email_processing_logs WHERE message_id = ? AND source = 'file_monitor' AND outcome = 'duplicate'", [messageId])).toBe(1);
    });

    it('moves a file the pipeline cannot take (too large) to failed/ beside new/ and cur/', async () => {
      const raw = buildMail({ to: tenant.inboundAddress, subject: 'Too large', body: 'x'.repeat(300 * 1024) });
      const name = deliver(root, raw);
      await waitFor('moved to failed/', () => list(root, 'failed').includes(name), 5_000);
      expect(list(root, 'new')).not.toContain(name);
      expect(statSync(join(root, 'failed', name)).size).toBe(raw.length);
      expect(await count(t, "SELECT COUNT(*) AS n FROM email_processing_logs WHERE source = 'file_monitor' AND outcome = 'failed'")).toBe(1);
    });

    // The retries come 0.5 s and 1 s (± 20 %) after the refusals; the deadlines leave a slow,
    // busy machine (a CI run of the whole suite) ample room, and each wait ends as soon as its
    // condition holds. Where the file is, is checked at each refusal itself, not some time later.
    it('leaves a file in new/ while the database is unavailable and files it once it is back', async () => {
      let name = '';
      const inNewAtRefusal: boolean[] = [];
      const outage = simulateOutage(t.app.get(IngestService), 2, () => inNewAtRefusal.push(list(root, 'new').includes(name)));
      try {
        const [{ raw, messageId }] = numberedMails(tenant.inboundAddress, 1, 'outage');
        name = deliver(root, raw);
        await waitFor('first refusal', () => outage.refusals() >= 1, 30_000);
        expect(list(root, 'new')).toContain(name);
        await waitUntilFiled(t, [messageId], 30_000);
        await waitFor('renamed', () => list(root, 'cur').includes(`${name}:2,S`), 30_000);
        expect(outage.refusals()).toBe(2);
        expect(inNewAtRefusal).toEqual([true, true]);
        expect(list(root, 'new')).not.toContain(name);
        await expectEachFiledOnce(t, [messageId]);
      } finally {
        outage.restore();
      }
    }, 120_000);
  });

  it('drains 2,000 files waiting at start, oldest first, each filed once, replies on their originals\' tickets', async () => {
    const root = makeMaildir();
    const dataDir = mkdtempSync(join(tmpdir(), 'inbound-maildir-backlog-'));
    let t: TestApp | null = await startTestApp('sqlite', { EMAIL_PROCESSING_METHOD: 'webhook', DATA_DIR: dataDir });
    try {
      const tenant = await createTenantWithTokens(t, `Backlog ${token()}`, { tier: 'enterprise' });
      await t.close();
      t = null;
      // Every tenth file is a colleague's reply to the one before: it must join that ticket.
      const backlog = numberedMails(tenant.inboundAddress, 2000, 'backlog').map((m, i, all) =>
        i % 10 === 9
          ? {
              messageId: m.messageId,
              answers: all[i - 1].messageId,
              raw: buildMail({ to: tenant.inboundAddress, from: `colleague${i}@customer.example`, subject: `Re: backlog ${i - 1}`, messageId: m.messageId, inReplyTo: all[i - 1].messageId }),
            }
          : { ...m, answers: null },
      );
      for (const m of backlog) deliver(root, m.raw);

      const started = Date.now();
      t = await startTestApp('sqlite', maildirEnv(root, { DATA_DIR: dataDir }));
      const reader = t;
      await waitFor('backlog drained', async () => (await count(reader, 'SELECT COUNT(*) AS n FROM ticket_messages')) === backlog.length, 45_000, 100);
      const seconds = (Date.now() - started) / 1000;
      console.log(`Maildir backlog: ${backlog.length} files in ${seconds.toFixed(1)} s = ${(backlog.length / seconds).toFixed(0)} messages/s (incl. start-up)`);
      await expectEachFiledOnce(reader, backlog.map((m) => m.messageId));
      await waitFor('new/ emptied', () => list(root, 'new').length === 0);
      expect(list(root, 'cur')).toHaveLength(backlog.length);
      // Oldest name first: ticket numbers follow the delivery order, and replies join their originals.
      const rows: { subject: string }[] = await reader.app.get(DataSource).query('SELECT subject FROM tickets ORDER BY number LIMIT 3');
      expect(rows.map((r) => r.subject)).toEqual(['backlog 0', 'backlog 1', 'backlog 2']);
      const filed: { message_id: string; ticket_id: number }[] = await reader.app.get(DataSource).query('SELECT message_id, ticket_id FROM ticket_messages');
      const ticketOf = new Map(filed.map((r) => [r.message_id, Number(r.ticket_id)]));
      expect(backlog.filter((m) => m.answers && ticketOf.get(m.messageId) !== ticketOf.get(m.answers)).map((m) => m.messageId)).toEqual([]);
      expect(await count(reader, 'SELECT COUNT(*) AS n FROM tickets')).toBe(1800);
    } finally {
      await t?.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('files the same mail arriving by IMAP, Maildir and webhook as one ticket message', async () => {
    const root = makeMaildir();
    const folder = `e2e-three-ways-${token()}`;
    const client = testImapClient();
    await client.connect();
    await client.mailboxCreate(folder);
    const t = await startTestApp('sqlite', {
      EMAIL_PROCESSING_METHOD: 'imap,file_monitor,webhook',
      MAILDIR_PATH: root,
      DOCKER_MAIL_IMAP_HOST: process.env.DOCKER_MAIL_IMAP_HOST!,
      DOCKER_MAIL_IMAP_PORT: process.env.DOCKER_MAIL_IMAP_PORT!,
      DOCKER_MAIL_IMAP_USERNAME: process.env.DOCKER_MAIL_IMAP_USERNAME!,
      DOCKER_MAIL_IMAP_PASSWORD: process.env.DOCKER_MAIL_IMAP_PASSWORD!,
      DOCKER_MAIL_IMAP_SECURITY: 'none',
      DOCKER_MAIL_IMAP_MAILBOX: folder,
      DOCKER_MAIL_IMAP_PROCESSED_FOLDER: `${folder}-processed`,
      DOCKER_MAIL_IMAP_FAILED_FOLDER: `${folder}-failed`,
    });
    try {
      const tenant = await createTenantWithTokens(t, `Three ways ${token()}`);
      const [{ raw, messageId }] = numberedMails(tenant.inboundAddress, 1, 'three-ways');
      // Transport headers differ by route; the pipeline's fingerprint ignores them.
      const viaMta = Buffer.concat([Buffer.from(`Delivered-To: ${tenant.inboundAddress}\r\nReceived: from mx by mail.test\r\n`), raw]);
      await postSigned(t, raw).expect(200);
      await client.append(folder, viaMta);
      deliver(root, viaMta);
      await waitFor('IMAP and Maildir done', async () => (await count(t, 'SELECT COUNT(*) AS n FROM email_processing_logs WHERE message_id = ?', [messageId])) === 3, 10_000);
      await expectEachFiledOnce(t, [messageId]);
      const outcomes: { source: string; outcome: string }[] = await t.app
        .get(DataSource)
        .query('SELECT source, outcome FROM email_processing_logs WHERE message_id = ? ORDER BY id', [messageId]);
      expect(outcomes.map((o) => `${o.source}:${o.outcome}`).sort()).toEqual(['file_monitor:duplicate', 'imap:duplicate', 'webhook:created']);
    } finally {
      await t.close();
      for (const f of [folder, `${folder}-processed`, `${folder}-failed`]) await client.mailboxDelete(f).catch(() => undefined);
      await client.logout();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
