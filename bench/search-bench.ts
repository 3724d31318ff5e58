import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { asTenantId } from '../src/common/tenant-id';
import { insertRows, sqlTime } from '../src/database/batch-sql';
import { ApiTokensService } from '../src/tenants/api-tokens.service';
import { TenantsService } from '../src/tenants/tenants.service';
import { BENCH_ENV } from './messages';

/**
 * Search at scale: BENCH_SEARCH_TICKETS tickets (100,000 by default) of one tenant, each with a
 * multi-paragraph first message, every fifth with a reply and every tenth with an attachment,
 * written in multi-row inserts through the search index's triggers, on SQLite and (with the test
 * services' variables) on MariaDB. Then GET /api/tickets as an agent, timed: the plain list and
 * search for a rare word, a common word, an absent word and a phrase.
 */
const TICKETS = Number(process.env.BENCH_SEARCH_TICKETS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SEARCH_SAMPLES ?? 200);
const WARM_UP = 20;
const PER_INSERT = 500;

export const QUERIES: Record<string, string> = {
  list: '',
  rare_word: 'zanzibar',
  common_word: 'thanks',
  absent_word: 'quixotically',
  phrase: '"delivery address changed"',
};

/** A fixed pseudo-random sequence, so that both engines get the same tickets. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SYLLABLES = 'ka lo mi ne ru sa te vo zi ba de fu go hi ja ko lu ma ni po ra si to vu we xa yo ze'.split(' ');
const COMMON = 'the a to and of is in it for on my with this that you we have not be are was can but please help order account'.split(' ');
const TOPICAL = 'printer invoice login password delivery refund screen error update server mail broken urgent address changed payment'.split(' ');

function vocabulary(random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < 20_000) {
    const n = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length: n }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

function bodyWriter(random: () => number) {
  const words = vocabulary(random);
  // Zipf-like: word k drawn with probability ~ 1/k.
  const zipf = () => words[Math.floor(Math.exp(random() * Math.log(words.length))) - 1];
  const word = () => {
    const r = random();
    return r < 0.35 ? COMMON[Math.floor(random() * COMMON.length)] : r < 0.38 ? TOPICAL[Math.floor(random() * TOPICAL.length)] : zipf();
  };
  const sentence = () => {
    const s = Array.from({ length: 8 + Math.floor(random() * 7) }, word).join(' ');
    return s[0].toUpperCase() + s.slice(1) + '.';
  };
  const paragraph = () => Array.from({ length: 3 + Math.floor(random() * 3) }, sentence).join(' ');
  return (i: number) => {
    const paragraphs = Array.from({ length: 2 + Math.floor(random() * 3) }, paragraph);
    if (i % 10_000 === 7) paragraphs.push('We shipped it to Zanzibar by mistake.');
    if (i % 200 === 3) paragraphs.push('My delivery address changed last month.');
    if (random() < 0.9) paragraphs.push('Thanks,');
    return paragraphs.join('\n\n');
  };
}

async function seed(dataSource: DataSource, tenantId: number, count: number): Promise<void> {
  const random = generator(42);
  const body = bodyWriter(random);
  const mysqlEngine = dataSource.options.type === 'mysql';
  const [{ m }] = await dataSource.query('SELECT COALESCE(MAX(id), 0) AS m FROM tickets');
  const [{ mm }] = await dataSource.query('SELECT COALESCE(MAX(id), 0) AS mm FROM ticket_messages');
  let ticketId = Number(m);
  let messageId = Number(mm);
  const start = Date.UTC(2025, 0, 1);
  for (let from = 0; from < count; from += PER_INSERT) {
    const tickets: unknown[][] = [];
    const messages: unknown[][] = [];
    const attachments: unknown[][] = [];
    for (let i = from; i < Math.min(count, from + PER_INSERT); i++) {
      const id = ++ticketId;
      const at = sqlTime(mysqlEngine, new Date(start + i * 300_000));
      const subject = body(i).split('.')[0].slice(0, 80);
      const sender = `customer${i % 5000}@customer${i % 97}.example`;
      tickets.push([id, tenantId, i + 1, subject, i % 3 === 0 ? 'closed' : 'open', sender, `Customer ${i % 5000}`, 1, 0, at, at, at]);
      const text = body(i);
      messages.push([++messageId, tenantId, id, 'inbound', `bench-${i}`, subject, sender, `Customer ${i % 5000}`, text, text, at]);
      if (i % 10 === 0) attachments.push([tenantId, messageId, `scan-${i}.pdf`, 'application/pdf', 1000, 'f'.repeat(64), at]);
      if (i % 5 === 0) {
        const reply = body(i + count);
        messages.push([++messageId, tenantId, id, 'outbound', `bench-reply-${i}`, `Re: ${subject}`, 'support@acme.example', 'Support', reply, reply, at]);
      }
    }
    await dataSource.transaction(async (manager) => {
      await insertRows(manager, 'tickets', ['id', 'tenant_id', 'number', 'subject', 'status', 'requester_email', 'requester_name', 'message_count', 'has_unread', 'last_activity_at', 'created_at', 'updated_at'], tickets);
      await insertRows(manager, 'ticket_messages', ['id', 'tenant_id', 'ticket_id', 'direction', 'message_key', 'subject', 'from_address', 'from_name', 'text_body', 'new_text', 'created_at'], messages);
      await insertRows(manager, 'attachments', ['tenant_id', 'ticket_message_id', 'filename', 'content_type', 'size', 'sha256', 'created_at'], attachments);
    });
  }
  await dataSource.query('UPDATE tenants SET ticket_counter = ? WHERE id = ?', [count, tenantId]);
  if (!mysqlEngine) await dataSource.query('PRAGMA optimize');
}

function get(port: number, path: string, token: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`GET ${path}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x: number) => Math.round(x * 10) / 10;

async function measureEngine(app: INestApplication, engine: string): Promise<Record<string, number>> {
  const tenant = await app.get(TenantsService).create({ name: `Search bench ${Date.now()}`, tier: 'enterprise' });
  const { token } = await app.get(ApiTokensService).create(asTenantId(tenant.id), { role: 'agent', name: 'bench agent' });
  const t0 = performance.now();
  await seed(app.get(DataSource), tenant.id, TICKETS);
  console.log(
    `search bench (${engine}): seeded ${TICKETS} tickets in ${((performance.now() - t0) / 1000).toFixed(0)} s; ` +
      `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`,
  );
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const figures: Record<string, number> = {};
  for (const [name, q] of Object.entries(QUERIES)) {
      const path = `/api/tickets${q ? `?q=${encodeURIComponent(q)}` : ''}`;
      for (let i = 0; i < WARM_UP; i++) await get(port, path, token);
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) times.push(await get(port, path, token));
      figures[`${engine}_${name}_p50_ms`] = round(percentile(times, 50));
      figures[`${engine}_${name}_p95_ms`] = round(percentile(times, 95));
    console.log(`  ${engine} ${name.padEnd(12)} ${JSON.stringify(q).padEnd(28)} p50 ${round(percentile(times, 50))} ms, p95 ${round(percentile(times, 95))} ms`);
  }
  const list = figures[`${engine}_list_p95_ms`];
  const searches = Object.keys(QUERIES).filter((k) => k !== 'list').map((k) => figures[`${engine}_${k}_p95_ms`]);
  const worst = Math.max(...searches);
  console.log(
    `  ${engine} target: search p95 < 50 ms (worst ${worst} ms: ${worst < 50 ? 'met' : 'NOT met'}), within 5x the list's p95 ` +
      `(${list} ms x 5 = ${round(list * 5)} ms: ${worst <= list * 5 ? 'met' : 'NOT met'})`,
  );
  return figures;
}

async function onEngine(engine: 'sqlite' | 'mysql'): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'inbound-search-bench-'));
  const name = `helpdesk_test_search_bench_${process.pid}`;
  const admin = () =>
    mysql.createConnection({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USERNAME, password: process.env.DB_PASSWORD });
  if (engine === 'mysql') {
    const conn = await admin();
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
  }
  const config = AppConfig.fromEnvironment({
    DATA_DIR: dataDir,
    ...BENCH_ENV,
    RATE_LIMIT_API_PER_SECOND: '100000',
    ...(engine === 'mysql'
      ? { DB_TYPE: 'mysql', DB_HOST: process.env.DB_HOST, DB_PORT: process.env.DB_PORT, DB_USERNAME: process.env.DB_USERNAME, DB_PASSWORD: process.env.DB_PASSWORD, DB_DATABASE: name }
      : { DB_TYPE: 'sqlite' }),
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  try {
    return await measureEngine(app, engine);
  } finally {
    await app.close();
    if (engine === 'mysql' && !process.env.BENCH_SEARCH_KEEP) {
      const conn = await admin();
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    }
    if (process.env.BENCH_SEARCH_KEEP) console.log(`  kept: ${engine === 'mysql' ? name : dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Both engines when the test services' variables are set, SQLite alone otherwise. */
export async function runSearchBench(): Promise<Record<string, number>> {
  if (TICKETS === 0) return {};
  const figures = process.env.BENCH_SEARCH_ENGINES === 'mysql' ? {} : await onEngine('sqlite');
  if (process.env.DB_HOST && process.env.BENCH_SEARCH_ENGINES !== 'sqlite') Object.assign(figures, await onEngine('mysql'));
  else console.log('search bench: MariaDB skipped (no DB_HOST, or BENCH_SEARCH_ENGINES=sqlite)');
  return figures;
}

if (require.main === module) {
  runSearchBench().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
