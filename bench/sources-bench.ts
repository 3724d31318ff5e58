// IMAP and Maildir sources: backlog drain rate from the real Dovecot / a Maildir to tickets,
// each beside the bare simpleParser rate on the same messages in the same run, and the
// new-mail-to-ticket latency of each. Called by bench/run.ts (`npm run bench`), or alone:
//   npm run build && bash test/services/with-services.sh node dist/bench/sources-bench.js
// BENCH_SOURCES_MESSAGES (default 1000) messages per source and run, BENCH_RUNS (default 3) runs.
// The database is the MariaDB of the test services when DB_HOST is set, else SQLite.
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { TenantsService } from '../src/tenants/tenants.service';
import { bareParseRate } from './measure';
import { benchMessage, BENCH_ENV } from './messages';

const MESSAGES = Number(process.env.BENCH_SOURCES_MESSAGES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LATENCY_SAMPLES = 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run under test/services/with-services.sh (npm run bench does)`);
  return value;
}

function imapClient(): ImapFlow {
  return new ImapFlow({
    host: required('DOCKER_MAIL_IMAP_HOST'),
    port: Number(required('DOCKER_MAIL_IMAP_PORT')),
    secure: false,
    doSTARTTLS: false,
    auth: { user: required('DOCKER_MAIL_IMAP_USERNAME'), pass: required('DOCKER_MAIL_IMAP_PASSWORD') },
    logger: false,
  });
}

async function withImap<T>(run: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = imapClient();
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

interface Scratch {
  env: Record<string, string>;
  remove(): Promise<void>;
}

/** A data directory and an empty database (MariaDB when the test services run, else SQLite). */
async function scratch(label: string): Promise<Scratch> {
  const dataDir = mkdtempSync(join(tmpdir(), `inbound-bench-${label}-`));
  const base = {
    DATA_DIR: dataDir,
    ...BENCH_ENV,
  };
  if (!process.env.DB_HOST) {
    return { env: { ...base, DB_TYPE: 'sqlite' }, remove: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const database = `helpdesk_test_bench_${label}_${process.pid}`;
  const admin = () =>
    mysql.createConnection({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USERNAME, password: process.env.DB_PASSWORD });
  const conn = await admin();
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return {
    env: {
      ...base,
      DB_TYPE: 'mysql',
      DB_HOST: process.env.DB_HOST,
      DB_PORT: process.env.DB_PORT ?? '3306',
      DB_USERNAME: process.env.DB_USERNAME ?? 'helpdesk',
      DB_PASSWORD: process.env.DB_PASSWORD ?? 'helpdesk',
      DB_DATABASE: database,
    },
    async remove() {
      const c = await admin();
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function start(env: Record<string, string>): Promise<INestApplication> {
  const app = await createApp(AppConfig.fromEnvironment(env), { logger: false });
  await app.init();
  return app;
}

const ticketMessages = async (app: INestApplication) => Number((await app.get(DataSource).query('SELECT COUNT(*) AS n FROM ticket_messages'))[0].n);

async function waitForTicketMessages(app: INestApplication, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await ticketMessages(app)) < count) {
    if (Date.now() > deadline) throw new Error(`only ${await ticketMessages(app)} of ${count} messages filed after ${timeoutMs} ms`);
    await sleep(10);
  }
}

function imapEnv(folder: string): Record<string, string> {
  return {
    EMAIL_PROCESSING_METHOD: 'imap',
    DOCKER_MAIL_IMAP_HOST: required('DOCKER_MAIL_IMAP_HOST'),
    DOCKER_MAIL_IMAP_PORT: required('DOCKER_MAIL_IMAP_PORT'),
    DOCKER_MAIL_IMAP_USERNAME: required('DOCKER_MAIL_IMAP_USERNAME'),
    DOCKER_MAIL_IMAP_PASSWORD: required('DOCKER_MAIL_IMAP_PASSWORD'),
    DOCKER_MAIL_IMAP_SECURITY: 'none',
    DOCKER_MAIL_IMAP_MAILBOX: folder,
    DOCKER_MAIL_IMAP_PROCESSED_FOLDER: `${folder}-processed`,
    DOCKER_MAIL_IMAP_FAILED_FOLDER: `${folder}-failed`,
  };
}

function makeMaildir(): string {
  const root = mkdtempSync(join(tmpdir(), 'inbound-bench-maildir-'));
  for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(root, d));
  return root;
}

let delivered = 0;
/** As an MDA delivers: into tmp/, then renamed into new/ under a name with the size. */
function deliver(root: string, raw: Buffer): void {
  const name = `${1_800_000_000 + delivered}.M${delivered++}P${process.pid}.bench,S=${raw.length}`;
  writeFileSync(join(root, 'tmp', name), raw);
  renameSync(join(root, 'tmp', name), join(root, 'new', name));
}

/** Makes a tenant with an instance that reads no mail source; returns its inbound address. */
async function tenantAddress(env: Record<string, string>, name: string): Promise<string> {
  const app = await start({ ...env, EMAIL_PROCESSING_METHOD: 'webhook' });
  try {
    return (await app.get(TenantsService).create({ name, tier: 'enterprise' })).inbound_email_address!;
  } finally {
    await app.close();
  }
}

/** Messages waiting in an IMAP folder, drained by an instance started on it: messages per second from its start. */
async function imapDrainRate(run: number): Promise<{ drain: number; bare: number }> {
  const db = await scratch(`imap${run}`);
  const folder = `bench-imap-${process.pid}-${run}`;
  try {
    const address = await tenantAddress(db.env, `Bench IMAP ${run}`);
    const messages = Array.from({ length: MESSAGES }, (_, i) => benchMessage(i, address));
    const bare = (await bareParseRate(messages)).perSecond;
    await withImap(async (c) => {
      for (const f of [folder, `${folder}-processed`, `${folder}-failed`]) await c.mailboxCreate(f);
      for (const m of messages) await c.append(folder, m);
    });
    return { drain: await drainRate({ ...db.env, ...imapEnv(folder) }), bare };
  } finally {
    await withImap(async (c) => {
      for (const f of [folder, `${folder}-processed`, `${folder}-failed`]) await c.mailboxDelete(f).catch(() => undefined);
    });
    await db.remove();
  }
}

/** Messages per second of an instance started on a backlog of MESSAGES, start-up included. */
async function drainRate(env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const app = await start(env);
  try {
    await waitForTicketMessages(app, MESSAGES, 300_000);
    return MESSAGES / ((performance.now() - t0) / 1000);
  } finally {
    await app.close();
  }
}

/** Files waiting in new/, drained by an instance started on the Maildir. */
async function maildirDrainRate(run: number): Promise<{ drain: number; bare: number }> {
  const db = await scratch(`maildir${run}`);
  const root = makeMaildir();
  try {
    const address = await tenantAddress(db.env, `Bench Maildir ${run}`);
    const messages = Array.from({ length: MESSAGES }, (_, i) => benchMessage(i, address));
    const bare = (await bareParseRate(messages)).perSecond;
    for (const m of messages) deliver(root, m);
    return { drain: await drainRate({ ...db.env, EMAIL_PROCESSING_METHOD: 'file_monitor', MAILDIR_PATH: root }), bare };
  } finally {
    rmSync(root, { recursive: true, force: true });
    await db.remove();
  }
}

/** New mail to ticket: APPEND (IMAP, IDLE) or rename into new/ (Maildir), one at a time. */
async function latencies(): Promise<{ imap: number[]; maildir: number[] }> {
  const db = await scratch('latency');
  const folder = `bench-latency-${process.pid}`;
  const root = makeMaildir();
  await withImap(async (c) => {
    for (const f of [folder, `${folder}-processed`, `${folder}-failed`]) await c.mailboxCreate(f);
  });
  try {
    const address = await tenantAddress(db.env, 'Bench latency');
    const app = await start({ ...db.env, ...imapEnv(folder), EMAIL_PROCESSING_METHOD: 'imap,file_monitor', MAILDIR_PATH: root });
    const result = { imap: [] as number[], maildir: [] as number[] };
    try {
      await sleep(500); // connected and idling
      await withImap(async (c) => {
        for (let i = 0; i < LATENCY_SAMPLES; i++) {
          const before = await ticketMessages(app);
          const t0 = performance.now();
          await c.append(folder, benchMessage(200_000 + i, address));
          await waitForTicketMessages(app, before + 1, 10_000);
          result.imap.push(performance.now() - t0);
        }
      });
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const before = await ticketMessages(app);
        const t0 = performance.now();
        deliver(root, benchMessage(300_000 + i, address));
        await waitForTicketMessages(app, before + 1, 10_000);
        result.maildir.push(performance.now() - t0);
      }
      return result;
    } finally {
      await app.close();
    }
  } finally {
    await withImap(async (c) => {
      for (const f of [folder, `${folder}-processed`, `${folder}-failed`]) await c.mailboxDelete(f).catch(() => undefined);
    });
    rmSync(root, { recursive: true, force: true });
    await db.remove();
  }
}

export async function runSourcesBench(): Promise<Record<string, number>> {
  console.log(`sources bench: ${MESSAGES} messages per source x ${RUNS} runs, database ${process.env.DB_HOST ? 'mysql' : 'sqlite'}`);
  const imap: { drain: number; bare: number }[] = [];
  const maildir: { drain: number; bare: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    imap.push(await imapDrainRate(run));
    maildir.push(await maildirDrainRate(run));
    console.log(
      `  run ${run + 1}: IMAP drain ${imap[run].drain.toFixed(0)} msg/s (bare parse ${imap[run].bare.toFixed(0)}), ` +
        `Maildir drain ${maildir[run].drain.toFixed(0)} msg/s (bare parse ${maildir[run].bare.toFixed(0)})`,
    );
  }
  const latency = await latencies();
  const round = (x: number) => Math.round(x);
  return {
    imap_drain_msgs_per_s: round(median(imap.map((r) => r.drain))),
    imap_bare_parse_msgs_per_s: round(median(imap.map((r) => r.bare))),
    maildir_drain_msgs_per_s: round(median(maildir.map((r) => r.drain))),
    maildir_bare_parse_msgs_per_s: round(median(maildir.map((r) => r.bare))),
    imap_idle_latency_p50_ms: round(median(latency.imap)),
    imap_idle_latency_max_ms: round(Math.max(...latency.imap)),
    maildir_latency_p50_ms: round(median(latency.maildir)),
    maildir_latency_max_ms: round(Math.max(...latency.maildir)),
  };
}

if (require.main === module) {
  runSourcesBench()
    .then((figures) => {
      console.log('\nmedians:');
      for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(30)} ${v}`);
      const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
      console.log(
        `\ntargets: IMAP drain >= 200 msg/s (${met(figures.imap_drain_msgs_per_s >= 200)}), ` +
          `IDLE new-mail-to-ticket < 2 s (${met(figures.imap_idle_latency_max_ms < 2000)}), ` +
          `Maildir new-mail-to-ticket < 1 s (${met(figures.maildir_latency_max_ms < 1000)})`,
      );
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
