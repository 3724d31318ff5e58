// Tenant mailboxes over 3 instances as real processes (node dist/src/main.js) on one MariaDB
// database: mail is delivered to random mailboxes, one instance is killed with SIGKILL midway,
// and the others take its mailboxes over when its leases expire. Every message must be one
// ticket message of its mailbox's tenant, and Dovecot must never see two IMAP sessions of one
// mailbox's user at once (`doveadm who`, sampled every 100 ms once the mailboxes are spread).
// TENANT_MAILBOX_SIGKILL_COUNT sets the number (default 24, 45 s with the build; 200 passed in
// 110 s here).
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freshMysqlDatabase, mysqlConnectionOptions } from '../support/database';
import { buildMail } from '../support/mail';
import { PrivateDovecot, startPrivateDovecot } from '../support/private-dovecot';
import { waitFor } from '../support/services';

const MAILBOXES = Number(process.env.TENANT_MAILBOX_SIGKILL_COUNT ?? 24);
const TENANTS = 4;
const LEASE_SECONDS = 5;
const ADMIN_TOKEN = 'sigkill-admin-token-0123456789abcdef';
const ROOT = join(__dirname, '..', '..');

jest.setTimeout(240_000);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

interface Instance {
  id: string;
  port: number;
  child: ChildProcess;
  output: () => string;
}

describe(`${MAILBOXES} tenant mailboxes over 3 processes, one killed with SIGKILL (MariaDB)`, () => {
  let dovecot: PrivateDovecot;
  const dataDirs: string[] = [];
  const instances: Instance[] = [];

  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    dovecot = startPrivateDovecot('sigkill', MAILBOXES);
  }, 180_000);
  afterAll(() => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    dovecot?.down();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  });

  async function start(id: string, database: string): Promise<Instance> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), `inbound-sigkill-${id}-`));
    dataDirs.push(dataDir);
    const db = mysqlConnectionOptions();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      PORT: String(port),
      DATA_DIR: dataDir,
      DB_TYPE: 'mysql',
      DB_HOST: db.host,
      DB_PORT: String(db.port),
      DB_USERNAME: db.user,
      DB_PASSWORD: db.password,
      DB_DATABASE: database,
      ADMIN_API_TOKEN: ADMIN_TOKEN,
      APP_KEY: 'sigkill-app-key-0123456789abcdef0123456789',
      DOCKER_MAIL_WEBHOOK_SECRET: 'sigkill-webhook-secret-0123456789',
      DOCKER_MAIL_DOMAIN: 'mail.test',
      EMAIL_PROCESSING_METHOD: 'webhook',
      EMAIL_PROCESSING_INTERVAL: '5',
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      IMAP_LEASE_SECONDS: String(LEASE_SECONDS),
      TENANT_MAILBOX_MAX_CONNECTIONS: String(Math.ceil(MAILBOXES / 2)),
      INSTANCE_ID: id,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_API_PER_SECOND: '100000',
    };
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const instance = { id, port, child, output: () => output };
    instances.push(instance);
    await waitFor(`${id} answering /health`, async () => {
      if (child.exitCode !== null) throw new Error(`${id} exited with ${child.exitCode}:\n${output}`);
      return fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    }, 60_000, 100);
    return instance;
  }

  const api = <T>(i: Instance, path: string, body?: unknown): Promise<T> =>
    fetch(`http://127.0.0.1:${i.port}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    });
  /** Mailboxes the instance reads; NaN when the request failed (a kept-alive socket the server had just closed). */
  const readHere = async (i: Instance) =>
    api<{ sources: { name: string; read_here?: number }[] }>(i, '/health').then((h) => h.sources.find((s) => s.name === 'tenant-mailboxes')?.read_here ?? 0, () => NaN);

  it('files every message once in its tenant and never has one mailbox read twice at once', async () => {
    const shared = await freshMysqlDatabase();
    const conn = await mysql.createConnection({ ...mysqlConnectionOptions(), database: shared.database });
    const violations: string[] = [];
    let sampling = false;
    let sampler: Promise<void> = Promise.resolve();
    try {
      const a = await start('kill-a', shared.database);
      const tenants: number[] = [];
      for (let i = 0; i < TENANTS; i++) tenants.push((await api<{ id: number }>(a, '/api/tenants', { name: `Sigkill ${i} ${randomBytes(3).toString('hex')}`, tier: 'enterprise' })).id);
      const tenantOf = (user: number) => tenants[user % TENANTS];
      for (let user = 1; user <= MAILBOXES; user++) {
        await api(a, `/api/tenants/${tenantOf(user)}/email-settings/mailboxes`, { kind: 'imap', host: dovecot.host, port: dovecot.port, security: 'none', username: dovecot.user(user), password: 'secret' });
      }
      const b = await start('kill-b', shared.database);
      const c = await start('kill-c', shared.database);
      const share = Math.ceil(MAILBOXES / 3);
      await waitFor('mailboxes spread over the three', async () => {
        const counts = await Promise.all([a, b, c].map(readHere));
        const sessions = await dovecot.sessions();
        return counts.reduce((x, y) => x + y, 0) === MAILBOXES && counts.every((n) => n <= share) && sessions.size === MAILBOXES;
      }, 60_000, 200);

      sampling = true;
      sampler = (async () => {
        while (sampling) {
          for (const [user, n] of await dovecot.sessions()) if (n > 1) violations.push(`${user}: ${n} sessions`);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();

      const sent: { messageId: string; tenantId: number }[] = [];
      const deliver = (count: number, label: string) => {
        for (let i = 0; i < count; i++) {
          const user = 1 + Math.floor(Math.random() * MAILBOXES);
          const messageId = `<${label}-${i}-${randomBytes(4).toString('hex')}@customer.example>`;
          dovecot.save(user, buildMail({ to: `help@tenant-${user}.example`, subject: `${label} ${i}`, messageId }));
          sent.push({ messageId, tenantId: tenantOf(user) });
        }
      };
      deliver(MAILBOXES, 'before');
      const victimHeld = await waitFor('the victim’s count', async () => {
        const n = await readHere(c);
        return Number.isNaN(n) ? null : n;
      });
      c.child.kill('SIGKILL');
      const killedAt = Date.now();
      deliver(MAILBOXES, 'after');
      await waitFor('the killed instance’s mailboxes read again', async () => (await readHere(a)) + (await readHere(b)) === MAILBOXES, (LEASE_SECONDS + 20) * 1000, 200);
      const takeover = (Date.now() - killedAt) / 1000;
      const filed = async () => {
        const [rows] = await conn.query(`SELECT m.message_id, t.tenant_id FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id`);
        return rows as { message_id: string; tenant_id: number }[];
      };
      await waitFor('every message filed', async () => (await filed()).length >= sent.length, 60_000, 200);
      console.log(`SIGKILL: ${victimHeld} mailboxes of the killed instance read again ${takeover.toFixed(1)} s later (lease ${LEASE_SECONDS} s); ${sent.length} messages filed`);
      sampling = false;
      await sampler;
      const rows = await filed();
      const copies = new Map<string, number>();
      for (const r of rows) copies.set(r.message_id, (copies.get(r.message_id) ?? 0) + 1);
      const tenantFiled = new Map(rows.map((r) => [r.message_id, Number(r.tenant_id)]));
      expect(sent.filter((m) => copies.get(m.messageId) !== 1).map((m) => `${m.messageId}: ${copies.get(m.messageId) ?? 0}`)).toEqual([]);
      expect(sent.filter((m) => tenantFiled.get(m.messageId) !== m.tenantId).map((m) => m.messageId)).toEqual([]);
      expect(violations).toEqual([]);
    } catch (error) {
      for (const i of instances) console.log(`${i.id} (exit ${i.child.exitCode ?? i.child.signalCode}):\n${i.output().slice(-3000)}`);
      throw error;
    } finally {
      sampling = false;
      await sampler.catch(() => undefined);
      await conn.end();
      for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGTERM');
      await Promise.all(instances.map((i) => (i.child.exitCode === null && i.child.signalCode === null ? new Promise((r) => i.child.once('exit', r)) : null)));
      await shared.drop();
    }
  });
});
