// The IMAP source against the real Dovecot (and Postfix) of the test setup. Every test reads a
// folder of its own (DOCKER_MAIL_IMAP_MAILBOX), never the shared catch-all INBOX, because other
// test files run at the same time; the Dovecot restart test runs a private Dovecot so that
// stopping it disturbs nobody.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { DataSource } from 'typeorm';
import { IngestService } from '../../src/inbound/ingest.service';
import { buildMail } from '../support/mail';
import { simulateOutage } from '../support/outage';
import { ImapServer, serviceEnv as env, sharedDovecot, testImapClient as imapClient, waitFor } from '../support/services';
import { freshMysqlDatabase } from '../support/database';
import { createTenantWithTokens, startTestApp, TestApp } from '../support/test-app';
import { expectEachFiledOnce, median, numberedMails, waitUntilFiled } from '../support/filing';

jest.setTimeout(60_000);

const REAL_SERVICES = join(__dirname, '..', 'services', 'real-services.sh');



async function withImap<T>(run: (client: ImapFlow) => Promise<T>, server?: ImapServer): Promise<T> {
  const client = imapClient(server);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const token = () => randomBytes(5).toString('hex');

/** A folder of this test's own, with its Processed and Failed folders beside it. */
function folderNames(prefix: string) {
  const mailbox = `e2e-${prefix}-${token()}`;
  return { mailbox, processed: `${mailbox}-processed`, failed: `${mailbox}-failed` };
}
type Folders = ReturnType<typeof folderNames>;

function sourceEnv(folders: Folders, server: ImapServer = sharedDovecot(), extra: Record<string, string> = {}): Record<string, string> {
  return {
    EMAIL_PROCESSING_METHOD: 'imap',
    DOCKER_MAIL_IMAP_HOST: server.host,
    DOCKER_MAIL_IMAP_PORT: String(server.port),
    DOCKER_MAIL_IMAP_USERNAME: env('DOCKER_MAIL_IMAP_USERNAME'),
    DOCKER_MAIL_IMAP_PASSWORD: env('DOCKER_MAIL_IMAP_PASSWORD'),
    DOCKER_MAIL_IMAP_SECURITY: 'none',
    DOCKER_MAIL_IMAP_MAILBOX: folders.mailbox,
    DOCKER_MAIL_IMAP_PROCESSED_FOLDER: folders.processed,
    DOCKER_MAIL_IMAP_FAILED_FOLDER: folders.failed,
    // Long, so that the tests below see IDLE at work, not the poll.
    EMAIL_PROCESSING_INTERVAL: '30',
    ...extra,
  };
}

async function createFolders(folders: Folders, server?: ImapServer): Promise<void> {
  await withImap(async (c) => {
    for (const f of [folders.mailbox, folders.processed, folders.failed]) await c.mailboxCreate(f);
  }, server);
}

async function deleteFolders(folders: Folders, server?: ImapServer): Promise<void> {
  await withImap(async (c) => {
    for (const f of [folders.mailbox, folders.processed, folders.failed]) await c.mailboxDelete(f).catch(() => undefined);
  }, server).catch(() => undefined);
}

async function append(folder: string, raws: Buffer[], server?: ImapServer): Promise<void> {
  await withImap(async (c) => {
    for (const raw of raws) await c.append(folder, raw);
  }, server);
}

async function folderStatus(folder: string, server?: ImapServer): Promise<{ messages: number; unseen: number }> {
  return withImap(async (c) => {
    const s = await c.status(folder, { messages: true, unseen: true });
    if (!s) throw new Error(`no STATUS for ${folder}`);
    return { messages: s.messages ?? -1, unseen: s.unseen ?? -1 };
  }, server);
}



function database(t: TestApp) {
  const ds = t.app.get(DataSource);
  return {
    count: async (sql: string, params: unknown[] = []) => Number((await ds.query(sql, params))[0].n),
    /** Ticket messages per Message-ID, for the given ids. */
    copies: async (messageIds: string[]) => {
      const rows: { message_id: string; n: number | string }[] = await ds.query(
        `SELECT message_id, COUNT(*) AS n FROM ticket_messages WHERE message_id IN (${messageIds.map(() => '?').join(',')}) GROUP BY message_id`,
        messageIds,
      );
      return new Map(rows.map((r) => [r.message_id, Number(r.n)]));
    },
    query: (sql: string, params: unknown[] = []) => ds.query(sql, params),
  };
}

/**
 * Every tenth message is a colleague's reply to the message before it: filed side by side with
 * it, the reply would open a ticket of its own instead of joining the original's.
 */
function threadedBacklog(to: string, count: number): { raw: Buffer; messageId: string; answers: string | null }[] {
  const label = `backlog-${token()}`;
  const result: { raw: Buffer; messageId: string; answers: string | null }[] = [];
  for (let i = 0; i < count; i++) {
    const messageId = `<${label}-${i}@customer.example>`;
    const answers = i % 10 === 9 ? result[i - 1].messageId : null;
    const raw = answers
      ? buildMail({ to, from: `Colleague <colleague${i}@customer.example>`, subject: `Re: backlog ${i - 1}`, messageId, inReplyTo: answers, references: answers })
      : buildMail({ to, from: `Customer ${i} <customer${i}@customer.example>`, subject: `backlog ${i}`, messageId, body: `Message ${i}.` });
    result.push({ raw, messageId, answers });
  }
  return result;
}

async function expectRepliesThreaded(t: TestApp, backlog: { messageId: string; answers: string | null }[]): Promise<void> {
  const rows: { message_id: string; ticket_id: number }[] = await database(t).query('SELECT message_id, ticket_id FROM ticket_messages');
  const ticketOf = new Map(rows.map((r) => [r.message_id, Number(r.ticket_id)]));
  const misthreaded = backlog.filter((m) => m.answers && ticketOf.get(m.messageId) !== ticketOf.get(m.answers)).map((m) => m.messageId);
  expect(misthreaded).toEqual([]);
  expect(await database(t).count('SELECT COUNT(*) AS n FROM tickets')).toBe(backlog.filter((m) => !m.answers).length);
}

async function imapHealth(t: TestApp) {
  const res = await t.http().get('/health');
  return (res.body.sources as { name: string; [k: string]: unknown }[]).find((s) => s.name === 'imap');
}

describe('IMAP source (real Dovecot)', () => {
  describe('one instance on SQLite', () => {
    const folders = folderNames('imap');
    let t: TestApp;
    let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;

    beforeAll(async () => {
      await createFolders(folders);
      t = await startTestApp('sqlite', sourceEnv(folders, sharedDovecot(), { INBOUND_MAX_BYTES: String(256 * 1024) }));
      tenant = await createTenantWithTokens(t, `Imap ${token()}`, { tier: 'enterprise' });
    });
    afterAll(async () => {
      await t?.close();
      await deleteFolders(folders);
    });

    it('reports the connected source with its lease on /health', async () => {
      const health = await waitFor('imap connected', async () => {
        const h = await imapHealth(t);
        return h?.connected ? h : null;
      });
      expect(health).toMatchObject({ name: 'imap', status: 'up', connected: true, lease: 'held', mailbox: folders.mailbox, last_error: null });
    });

    it('files messages appended while it runs within 2 s (IDLE), then marks them \\Seen in Processed', async () => {
      const latencies: number[] = [];
      for (const { raw, messageId } of numberedMails(tenant.inboundAddress, 5, 'idle')) {
        const started = Date.now();
        await append(folders.mailbox, [raw]);
        await waitUntilFiled(t, [messageId], 5_000);
        latencies.push(Date.now() - started);
      }
      console.log(`IMAP IDLE append-to-ticket latency: median ${median(latencies)} ms, max ${Math.max(...latencies)} ms (${latencies.join(', ')})`);
      expect(Math.max(...latencies)).toBeLessThan(2_000);
      await waitFor('mailbox emptied', async () => (await folderStatus(folders.mailbox)).messages === 0);
      expect(await folderStatus(folders.processed)).toEqual({ messages: 5, unseen: 0 });
    });

    it('files a message Postfix delivered with the tenant only in the envelope (Delivered-To)', async () => {
      const messageId = `<smtp-${token()}@customer.example>`;
      const transport = nodemailer.createTransport({ host: env('TEST_SMTP_IN_HOST'), port: Number(env('TEST_SMTP_IN_PORT')), secure: false });
      await transport.sendMail({
        envelope: { from: 'customer@customer.example', to: [tenant.inboundAddress] },
        from: 'Customer <customer@customer.example>',
        to: 'someone-else@customer.example',
        subject: 'Delivered by Postfix',
        text: 'The envelope names the tenant, the To header does not.',
        messageId,
      });
      // Postfix delivers into the shared catch-all INBOX; move just this message into our folder.
      await withImap(async (c) => {
        const lock = await c.getMailboxLock('INBOX');
        try {
          const uids = await waitFor('delivery into INBOX', async () => {
            const found = await c.search({ header: { 'message-id': messageId } }, { uid: true });
            return found && found.length > 0 ? found : null;
          });
          await c.messageMove(uids, folders.mailbox, { uid: true });
        } finally {
          lock.release();
        }
      });
      await waitUntilFiled(t, [messageId], 5_000);
      const [row] = await database(t).query('SELECT tenant_id FROM ticket_messages WHERE message_id = ?', [messageId]);
      expect(Number(row.tenant_id)).toBe(tenant.id);
    });

    it('moves a message the pipeline cannot take (too large) to Failed, after logging it', async () => {
      const messageId = `<big-${token()}@customer.example>`;
      const raw = buildMail({ to: tenant.inboundAddress, messageId, subject: 'Too large', body: 'x'.repeat(300 * 1024) });
      await append(folders.mailbox, [raw]);
      await waitFor('moved to Failed', async () => (await folderStatus(folders.failed)).messages === 1);
      expect(await folderStatus(folders.failed)).toEqual({ messages: 1, unseen: 0 });
      expect(await database(t).count("SELECT COUNT(*) AS n FROM email_processing_logs WHERE source = 'imap' AND outcome = 'failed'")).toBe(1);
      expect((await database(t).copies([messageId])).size).toBe(0);
    });

    it('keeps a message in the mailbox while the database is unavailable and files it once it is back', async () => {
      const outage = simulateOutage(t.app.get(IngestService), 2);
      try {
        const [{ raw, messageId }] = numberedMails(tenant.inboundAddress, 1, 'outage');
        await append(folders.mailbox, [raw]);
        const down = await waitFor('health shows the outage', async () => {
          const h = await imapHealth(t);
          return typeof h?.last_error === 'string' && h.last_error.includes('database unavailable') ? h : null;
        });
        expect(down.status).toBe('down');
        await waitUntilFiled(t, [messageId], 10_000);
        expect(outage.refusals()).toBe(2);
        await expectEachFiledOnce(t, [messageId]);
        await waitFor('health up again', async () => (await imapHealth(t))?.status === 'up');
      } finally {
        outage.restore();
      }
    });
  });

  it('reads a folder again after its UIDVALIDITY changed under it, without losing or doubling a message', async () => {
    const folders = folderNames('uidvalidity');
    await createFolders(folders);
    // A short poll: a stale selection is noticed by the STATUS check of each poll.
    const t = await startTestApp('sqlite', sourceEnv(folders, sharedDovecot(), { EMAIL_PROCESSING_INTERVAL: '2' }));
    try {
      const tenant = await createTenantWithTokens(t, `Uidvalidity ${token()}`);
      const [already, renumbered1, renumbered2, fresh] = numberedMails(tenant.inboundAddress, 4, 'uidvalidity');
      await append(folders.mailbox, [already.raw, renumbered1.raw]);
      await waitUntilFiled(t, [already.messageId, renumbered1.messageId]);
      await append(folders.mailbox, [renumbered2.raw]);
      await waitUntilFiled(t, [renumbered2.messageId]);
      const [before] = await database(t).query('SELECT uid_validity, last_uid FROM mailbox_checkpoints');
      expect(Number(before.last_uid)).toBe(3);

      // Deleted and re-created at once (as by a restore): a new UIDVALIDITY, UIDs from 1 again,
      // below the checkpoint's last UID, while the reader still has the old folder selected.
      await withImap(async (c) => {
        await c.mailboxDelete(folders.mailbox);
        await c.mailboxCreate(folders.mailbox);
        for (const raw of [already.raw, fresh.raw]) await c.append(folders.mailbox, raw);
      });
      // Generous deadlines: under a full, busy test run the reread once took longer than 15 s.
      await waitUntilFiled(t, [fresh.messageId], 30_000);
      await waitFor('folder emptied', async () => (await folderStatus(folders.mailbox)).messages === 0, 20_000);
      await expectEachFiledOnce(t, [already, renumbered1, renumbered2, fresh].map((m) => m.messageId));
      const [after] = await database(t).query('SELECT uid_validity, last_uid FROM mailbox_checkpoints');
      expect(after.uid_validity).not.toBe(before.uid_validity);
      expect(Number(after.last_uid)).toBe(2);
      expect(await database(t).count("SELECT COUNT(*) AS n FROM email_processing_logs WHERE outcome = 'duplicate' AND message_id = ?", [already.messageId])).toBe(1);
    } finally {
      await t.close();
      await deleteFolders(folders);
    }
    }, 120_000);

  it('drains a backlog of 2,000 messages waiting at start, each filed once, replies on their originals\' tickets', async () => {
    const folders = folderNames('backlog');
    await createFolders(folders);
    const dataDir = mkdtempSync(join(tmpdir(), 'inbound-imap-backlog-'));
    let t: TestApp | null = null;
    try {
      // The tenant is made first, by an instance that does not read IMAP, on the database the reader then uses.
      t = await startTestApp('sqlite', { EMAIL_PROCESSING_METHOD: 'webhook', DATA_DIR: dataDir });
      const tenant = await createTenantWithTokens(t, `Backlog ${token()}`, { tier: 'enterprise' });
      await t.close();
      const backlog = threadedBacklog(tenant.inboundAddress, 2000);
      await append(folders.mailbox, backlog.map((m) => m.raw));

      const started = Date.now();
      t = await startTestApp('sqlite', sourceEnv(folders, sharedDovecot(), { DATA_DIR: dataDir }));
      const reader = t;
      await waitFor('backlog drained', async () => (await database(reader).count('SELECT COUNT(*) AS n FROM ticket_messages')) === backlog.length, 45_000, 100);
      const seconds = (Date.now() - started) / 1000;
      console.log(`IMAP backlog: ${backlog.length} messages in ${seconds.toFixed(1)} s = ${(backlog.length / seconds).toFixed(0)} messages/s (incl. start-up)`);
      await expectEachFiledOnce(reader, backlog.map((m) => m.messageId));
      await expectRepliesThreaded(reader, backlog);
      await waitFor('folder emptied', async () => (await folderStatus(folders.mailbox)).messages === 0, 10_000);
      expect(await folderStatus(folders.processed)).toEqual({ messages: backlog.length, unseen: 0 });
    } finally {
      await t?.close();
      rmSync(dataDir, { recursive: true, force: true });
      await deleteFolders(folders);
    }
  });

  it('two instances on one mailbox (MySQL): one reads, none doubles, the other takes over', async () => {
    const folders = folderNames('lease');
    await createFolders(folders);
    const shared = await freshMysqlDatabase();
    const instance = (id: string) =>
      startTestApp('mysql', sourceEnv(folders, sharedDovecot(), { IMAP_LEASE_SECONDS: '3', INSTANCE_ID: id, DB_DATABASE: shared.database }));
    const running: TestApp[] = [];
    try {
      running.push(await instance('instance-a'), await instance('instance-b'));
      const tenant = await createTenantWithTokens(running[0], `Lease ${token()}`, { tier: 'enterprise' });
      const first = numberedMails(tenant.inboundAddress, 100, 'lease');
      await append(folders.mailbox, first.map((m) => m.raw));
      await waitUntilFiled(running[0], first.map((m) => m.messageId));

      const leases = await Promise.all(running.map(async (t) => (await imapHealth(t))?.lease));
      expect([...leases].sort()).toEqual(['held', 'standby']);
      const holder = running[leases.indexOf('held')];
      const other = running[leases.indexOf('standby')];

      await holder.close();
      running.splice(running.indexOf(holder), 1);
      const stopped = Date.now();
      const second = numberedMails(tenant.inboundAddress, 20, 'takeover');
      await append(folders.mailbox, second.map((m) => m.raw));
      await waitUntilFiled(other, second.map((m) => m.messageId));
      console.log(`IMAP lease: the standby instance filed new mail ${Date.now() - stopped} ms after the holder stopped`);
      expect((await imapHealth(other))?.lease).toBe('held');
      await expectEachFiledOnce(other, [...first, ...second].map((m) => m.messageId));
      expect(await database(other).count("SELECT COUNT(*) AS n FROM email_processing_logs WHERE outcome = 'duplicate'")).toBe(0);
    } finally {
      for (const t of running) await t.close();
      await shared.drop();
      await deleteFolders(folders);
    }
  });

  describe('connection trouble (private Dovecot)', () => {
    const rsDir = `/tmp/inb-imap-${process.pid}`;
    const scriptEnv = { ...process.env, RS_DIR: rsDir, TEST_RS_DIR: rsDir };
    const dovecot = (command: 'up' | 'stop' | 'start' | 'down') =>
      execFileSync('bash', [REAL_SERVICES, command, ...(command === 'down' ? [] : ['dovecot'])], { env: scriptEnv, stdio: 'ignore' });
    let server: ImapServer;

    beforeAll(() => {
      dovecot('up');
      const port = /IMAP_PORT=(\d+)/.exec(readFileSync(join(rsDir, 'ports.env'), 'utf8'))![1];
      server = { host: '127.0.0.1', port: Number(port) };
    });
    afterAll(() => dovecot('down'));

    it('survives Dovecot being stopped and started: reports it, keeps serving, loses nothing', async () => {
      const folders = folderNames('restart');
      await createFolders(folders, server);
      const t = await startTestApp('sqlite', sourceEnv(folders, server));
      try {
        const tenant = await createTenantWithTokens(t, `Restart ${token()}`, { tier: 'enterprise' });
        await waitFor('connected', async () => (await imapHealth(t))?.connected === true);
        const beforeStop = numberedMails(tenant.inboundAddress, 50, 'before-stop');
        await append(folders.mailbox, beforeStop.map((m) => m.raw), server);
        dovecot('stop'); // likely in the middle of the drain

        const down = await waitFor('health shows IMAP down', async () => {
          const h = await imapHealth(t);
          return h?.status === 'down' ? h : null;
        });
        expect(down).toMatchObject({ connected: false });
        expect(String(down.last_error)).toMatch(/refused the connection|was lost/);
        const health = await t.http().get('/health');
        expect(health.status).toBe(200);
        expect(health.body.status).toBe('degraded');
        await t.http().get('/api/tickets').set(tenant.agent).expect(200);

        dovecot('start');
        const afterStart = numberedMails(tenant.inboundAddress, 5, 'after-start');
        await append(folders.mailbox, afterStart.map((m) => m.raw), server);
        const all = [...beforeStop, ...afterStart].map((m) => m.messageId);
        await waitUntilFiled(t, all, 30_000);
        await expectEachFiledOnce(t, all);
        await waitFor('health up again', async () => (await imapHealth(t))?.status === 'up');
        await waitFor('folder emptied', async () => (await folderStatus(folders.mailbox, server)).messages === 0);
      } finally {
        await t.close();
      }
    });

    it('logs a wrong password clearly, reports it, keeps serving the API and shuts down promptly', async () => {
      const folders = folderNames('password');
      const t = await startTestApp('sqlite', sourceEnv(folders, server, { DOCKER_MAIL_IMAP_PASSWORD: 'wrong-password' }));
      try {
        const down = await waitFor('login refused', async () => {
          const h = await imapHealth(t);
          return h?.status === 'down' ? h : null;
        });
        expect(String(down.last_error)).toMatch(/login refused for inbound@mail\.test .*DOCKER_MAIL_IMAP_PASSWORD/);
        expect(String(down.last_error)).not.toContain('wrong-password');
        await t.http().get('/api/tenants').set(t.admin).expect(200);
      } finally {
        const started = Date.now();
        await t.close();
        expect(Date.now() - started).toBeLessThan(3_000);
      }
    });
  });
});
