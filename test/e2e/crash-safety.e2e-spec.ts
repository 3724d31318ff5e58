// Crash safety of the IMAP and Maildir sources: the built service runs as a child process
// (node dist/src/main.js) with a backlog of a few hundred messages waiting in its own IMAP
// folder and its own Maildir, is killed with SIGKILL in the middle of the drain, and is started
// again as another instance. Every message must end as exactly one ticket message.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMail } from '../support/mail';
import { serviceEnv as env, testImapClient as imapClient, waitFor } from '../support/services';

interface ReadOnlySqlite {
  prepare(sql: string): { all(): unknown[] };
  close(): void;
}
// better-sqlite3 comes without type declarations here (no @types/better-sqlite3).
const Database: new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => ReadOnlySqlite = require('better-sqlite3');

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const ADMIN_TOKEN = 'crash-admin-token-0123456789abcdef';
const BACKLOG = 300;

const token = () => randomBytes(5).toString('hex');


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}


interface Service {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('crash safety (SIGKILL during a backlog)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'inbound-crash-'));
  const maildir = mkdtempSync(join(tmpdir(), 'inbound-crash-maildir-'));
  const folder = `e2e-crash-${token()}`;
  const children: ChildProcess[] = [];
  let port: number;

  const serviceEnv = (instanceId: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    PORT: String(port),
    DATA_DIR: dataDir,
    DB_TYPE: 'sqlite',
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    APP_KEY: 'crash-app-key-0123456789abcdef0123456789',
    DOCKER_MAIL_WEBHOOK_SECRET: 'crash-webhook-secret-0123456789',
    DOCKER_MAIL_DOMAIN: 'mail.test',
    EMAIL_PROCESSING_METHOD: 'imap,file_monitor',
    DOCKER_MAIL_IMAP_HOST: env('DOCKER_MAIL_IMAP_HOST'),
    DOCKER_MAIL_IMAP_PORT: env('DOCKER_MAIL_IMAP_PORT'),
    DOCKER_MAIL_IMAP_USERNAME: env('DOCKER_MAIL_IMAP_USERNAME'),
    DOCKER_MAIL_IMAP_PASSWORD: env('DOCKER_MAIL_IMAP_PASSWORD'),
    DOCKER_MAIL_IMAP_SECURITY: 'none',
    DOCKER_MAIL_IMAP_MAILBOX: folder,
    DOCKER_MAIL_IMAP_PROCESSED_FOLDER: `${folder}-processed`,
    DOCKER_MAIL_IMAP_FAILED_FOLDER: `${folder}-failed`,
    IMAP_LEASE_SECONDS: '4',
    MAILDIR_PATH: maildir,
    INSTANCE_ID: instanceId,
    LOG_LEVEL: 'warn',
  });

  async function startService(instanceId: string): Promise<Service> {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], { cwd: dataDir, env: serviceEnv(instanceId), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    await waitFor(
      'the service to answer /health',
      async () => {
        if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${output}`);
        return fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      },
      30_000,
      50,
    );
    return { child, output: () => output, exited };
  }

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
    });

  /** The service's SQLite database, read-only; WAL lets it be read while the service writes. */
  function ticketMessageCounts(): Map<string, number> {
    const db = new Database(join(dataDir, 'inbound.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT message_id, COUNT(*) AS n FROM ticket_messages GROUP BY message_id').all() as { message_id: string; n: number }[];
      return new Map(rows.map((r) => [r.message_id, r.n]));
    } finally {
      db.close();
    }
  }
  const filedCount = () => [...ticketMessageCounts().values()].reduce((a, b) => a + b, 0);
  const filedBySource = () => {
    const counts = ticketMessageCounts();
    const sum = (prefix: string) => [...counts].filter(([id]) => id.startsWith(prefix)).reduce((a, [, n]) => a + n, 0);
    return `${sum('<crash-imap-')} via IMAP, ${sum('<crash-maildir-')} via Maildir`;
  };
  function duplicatesLogged(): number {
    const db = new Database(join(dataDir, 'inbound.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM email_processing_logs WHERE outcome = 'duplicate'").all()[0] as { n: number }).n;
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    // The test runs what `npm start` runs.
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    port = await freePort();
    for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, d));
    const client = imapClient();
    await client.connect();
    await client.mailboxCreate(folder);
    await client.logout();
  }, 120_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const client = imapClient();
    await client.connect();
    for (const f of [folder, `${folder}-processed`, `${folder}-failed`]) await client.mailboxDelete(f).catch(() => undefined);
    await client.logout();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(maildir, { recursive: true, force: true });
  });

  it('files every message of the backlog exactly once after a SIGKILL and a restart by another instance', async () => {
    // 1. A first run makes the tenant and stops cleanly.
    const setup = await startService('crash-setup');
    const created = await api('/api/tenants', { method: 'POST', body: JSON.stringify({ name: `Crash ${token()}`, tier: 'enterprise' }) });
    expect(created.status).toBe(201);
    const address = ((await created.json()) as { inbound_email_address: string }).inbound_email_address;
    setup.child.kill('SIGTERM');
    await setup.exited;

    // 2. The backlog: 300 messages in the IMAP folder, 300 files in the Maildir.
    const viaImap = Array.from({ length: BACKLOG }, (_, i) => {
      const messageId = `<crash-imap-${i}-${token()}@customer.example>`;
      return { messageId, raw: buildMail({ to: address, subject: `imap ${i}`, messageId }) };
    });
    const viaMaildir = Array.from({ length: BACKLOG }, (_, i) => {
      const messageId = `<crash-maildir-${i}-${token()}@customer.example>`;
      return { messageId, raw: buildMail({ to: address, subject: `maildir ${i}`, messageId }) };
    });
    const client = imapClient();
    await client.connect();
    for (const m of viaImap) await client.append(folder, m.raw);
    await client.logout();
    viaMaildir.forEach((m, i) => {
      const name = `${1_700_000_000 + i}.M${i}P1.crash,S=${m.raw.length}`;
      writeFileSync(join(maildir, 'tmp', name), m.raw);
      renameSync(join(maildir, 'tmp', name), join(maildir, 'new', name));
    });

    // 3. Killed in the middle of the drain.
    const first = await startService('crash-a');
    const atKill = await waitFor('a part of the backlog filed', () => {
      const n = filedCount();
      return n >= 100 ? n : null;
    }, 60_000, 10);
    first.child.kill('SIGKILL');
    await first.exited;
    const afterKill = filedCount();
    console.log(`crash: SIGKILL after ${atKill} of ${2 * BACKLOG} messages were filed (${afterKill} committed when it died: ${filedBySource()})`);
    expect(afterKill).toBeLessThan(2 * BACKLOG);

    // 4. Another instance takes over (the dead one's IMAP lease has to expire first) and finishes.
    const restarted = Date.now();
    const second = await startService('crash-b');
    await waitFor('the whole backlog filed', () => filedCount() >= 2 * BACKLOG, 90_000, 100);
    const seconds = (Date.now() - restarted) / 1000;
    console.log(
      `crash: the second instance finished the backlog ${seconds.toFixed(1)} s after its start ` +
        `(after waiting out the dead instance's ${serviceEnv('x').IMAP_LEASE_SECONDS} s IMAP lease); ` +
        `${duplicatesLogged()} message(s) committed but not yet acknowledged at the kill came back as duplicates`,
    );
    expect(seconds).toBeLessThan(60);

    const counts = ticketMessageCounts();
    const all = [...viaImap, ...viaMaildir].map((m) => m.messageId);
    expect(all.filter((id) => counts.get(id) !== 1).map((id) => `${id}: ${counts.get(id) ?? 0}`)).toEqual([]);
    expect(counts.size).toBe(all.length);

    // Every source was acknowledged: the folder and new/ are empty, everything moved on.
    await waitFor('Maildir new/ emptied', () => readdirSync(join(maildir, 'new')).length === 0, 10_000);
    expect(readdirSync(join(maildir, 'cur'))).toHaveLength(BACKLOG);
    const check = imapClient();
    await check.connect();
    try {
      await waitFor('IMAP folder emptied', async () => {
        const status = await check.status(folder, { messages: true });
        return status !== false && status.messages === 0;
      }, 10_000, 100);
      const processed = await check.status(`${folder}-processed`, { messages: true, unseen: true });
      expect(processed && { messages: processed.messages, unseen: processed.unseen }).toEqual({ messages: BACKLOG, unseen: 0 });
    } finally {
      await check.logout();
    }
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
