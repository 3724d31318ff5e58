// Tenant mailboxes (issue 18): new-mail-to-ticket latency (p50/p95) with BENCH_MAILBOXES (default
// 200) connected mailboxes read by one instance, on a private Dovecot with one user per mailbox.
// Called by bench/run.ts (`npm run bench`), or alone:
//   npm run build && bash test/services/with-services.sh node dist/bench/mailboxes-bench.js
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap';
import { asTenantId } from '../src/common/tenant-id';
import { AppConfig } from '../src/config/app-config';
import { TenantMailboxReadersService } from '../src/tenant-mailboxes/tenant-mailbox-readers.service';
import { TenantMailboxesService } from '../src/tenant-mailboxes/tenant-mailboxes.service';
import { TenantsService } from '../src/tenants/tenants.service';
import { benchMessage } from './messages';

const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 200);
const SAMPLES = Number(process.env.BENCH_MAILBOX_SAMPLES ?? 40);
const TENANTS = 10;
const REAL_SERVICES = join(__dirname, '..', '..', 'test', 'services', 'real-services.sh');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** A Dovecot of the bench's own with users tenant-mbx-1..N@mail.test (real-services.sh, TENANT_MAILBOX_USERS). */
function privateDovecot(): { port: number; down(): void } {
  const rsDir = `/tmp/inb-bench-mbx-${process.pid}`;
  const env: NodeJS.ProcessEnv = { ...process.env, RS_DIR: rsDir, TEST_RS_DIR: rsDir, TENANT_MAILBOX_USERS: String(MAILBOXES) };
  for (const k of ['IMAP_PORT', 'IMAPS_PORT', 'MARIADB_PORT', 'SMTP_IN_PORT']) delete env[k];
  execFileSync('bash', [REAL_SERVICES, 'up', 'dovecot'], { env, stdio: 'ignore' });
  const port = Number(/IMAP_PORT=(\d+)/.exec(readFileSync(join(rsDir, 'ports.env'), 'utf8'))![1]);
  return { port, down: () => execFileSync('bash', [REAL_SERVICES, 'down'], { env, stdio: 'ignore' }) };
}

async function database(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (!process.env.DB_HOST) return { env: { DB_TYPE: 'sqlite' }, drop: async () => undefined };
  const name = `helpdesk_test_bench_mailboxes_${process.pid}`;
  const connect = () => mysql.createConnection({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USERNAME, password: process.env.DB_PASSWORD });
  const conn = await connect();
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const env = { DB_TYPE: 'mysql', DB_HOST: process.env.DB_HOST, DB_PORT: process.env.DB_PORT ?? '3306', DB_USERNAME: process.env.DB_USERNAME ?? 'helpdesk', DB_PASSWORD: process.env.DB_PASSWORD ?? 'helpdesk', DB_DATABASE: name };
  return {
    env,
    drop: async () => {
      const c = await connect();
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function runMailboxesBench(): Promise<Record<string, number>> {
  console.log(`tenant mailboxes bench: ${MAILBOXES} connected mailboxes, ${SAMPLES} samples, database ${process.env.DB_HOST ? 'mysql' : 'sqlite'}`);
  const dovecot = privateDovecot();
  const db = await database();
  const dataDir = mkdtempSync(join(tmpdir(), 'inbound-bench-mailboxes-'));
  let app: INestApplication | null = null;
  try {
    const config = AppConfig.fromEnvironment({
      ...db.env,
      DATA_DIR: dataDir,
      ADMIN_API_TOKEN: 'bench-admin-token-0123456789abcdef0123',
      APP_KEY: 'bench-app-key-0123456789abcdef0123456789',
      DOCKER_MAIL_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789',
      DOCKER_MAIL_DOMAIN: 'mail.test',
      EMAIL_PROCESSING_METHOD: 'webhook',
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      IMAP_LEASE_SECONDS: '6',
      // Dovecot wakes IDLE by inotify, one instance per session, and the kernel allows 128 per
      // user (fs.inotify.max_user_instances) for all of uid mail: beyond that its sessions notice
      // new mail only at mailbox_idle_check_interval (30 s). The readers' own poll bounds that.
      EMAIL_PROCESSING_INTERVAL: process.env.BENCH_MAILBOX_POLL_SECONDS ?? '5',
      TENANT_MAILBOX_MAX_CONNECTIONS: String(MAILBOXES),
      LOG_LEVEL: 'error',
    });
    app = await createApp(config, { logger: false });
    await app.init();
    const tenants = [];
    for (let i = 0; i < TENANTS; i++) tenants.push(await app.get(TenantsService).create({ name: `Bench mailboxes ${i}`, tier: 'enterprise' }));
    const started = Date.now();
    for (let user = 1; user <= MAILBOXES; user++) {
      await app.get(TenantMailboxesService).create(asTenantId(tenants[user % TENANTS].id), {
        kind: 'imap', host: '127.0.0.1', port: dovecot.port, security: 'none', username: `tenant-mbx-${user}@mail.test`, password: 'secret',
      }, { kind: 'bootstrap', id: null });
    }
    const readers = app.get(TenantMailboxReadersService);
    await until(`${MAILBOXES} mailboxes connected`, () => readers.readingNow().length === MAILBOXES, 120_000, 50);
    const connectedSeconds = (Date.now() - started) / 1000;
    console.log(`  ${MAILBOXES} mailboxes connected in ${connectedSeconds.toFixed(1)} s`);
    await sleep(500); // every reader idling
    const rows = async () => Number((await app!.get(DataSource).query('SELECT COUNT(*) AS n FROM ticket_messages'))[0].n);
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const user = 1 + Math.floor(Math.random() * MAILBOXES);
      const before = await rows();
      const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: `tenant-mbx-${user}@mail.test`, pass: 'secret' }, logger: false });
      await client.connect();
      const t0 = performance.now();
      await client.append('INBOX', benchMessage(400_000 + i, `help@tenant-${user}.example`));
      await until('the message filed', async () => (await rows()) > before, 60_000);
      latencies.push(performance.now() - t0);
      await client.logout().catch(() => client.close());
    }
    const figures = {
      mailboxes_connected: MAILBOXES,
      mailboxes_connect_all_s: Math.round(connectedSeconds * 10) / 10,
      mailbox_latency_p50_ms: Math.round(percentile(latencies, 50)),
      mailbox_latency_p95_ms: Math.round(percentile(latencies, 95)),
    };
    const inotify = readFileSync('/proc/sys/fs/inotify/max_user_instances', 'utf8').trim();
    console.log(
      `  new-mail-to-ticket with ${MAILBOXES} connected mailboxes: p50 ${figures.mailbox_latency_p50_ms} ms, p95 ${figures.mailbox_latency_p95_ms} ms ` +
        `(fs.inotify.max_user_instances ${inotify}; reader poll ${config.pollIntervalSeconds} s)`,
    );
    return figures;
  } finally {
    await app?.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
    dovecot.down();
  }
}

if (require.main === module) {
  runMailboxesBench().then(
    (figures) => console.log(figures),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
