import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { INestApplication } from '@nestjs/common';
import { createApp } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { signWebhookBody } from '../src/mail/webhook-signature';
import { benchMessage } from './messages';

/**
 * Live updates: from the webhook's answer to the message.created event at a client connected to
 * GET /api/events. On MariaDB with two instances on one database, the mail filed through A and
 * the client on B, as with replicas behind a load balancer; on SQLite with one.
 */
const MAILS = Number(process.env.BENCH_LIVE_MAILS ?? 200);
const RATE = 20;
const SECRET = 'bench-webhook-secret-0123456789';
const ADMIN = 'bench-admin-token-0123456789abcdef0123';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

function call(port: number, method: string, path: string, headers: Record<string, string | number>, body?: Buffer | string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function json(port: number, method: string, path: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = { Authorization: `Bearer ${token}`, ...(text ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } : {}) };
  const res = await call(port, method, path, headers, text);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** A client of GET /api/events: when each ticket's message.created arrived (performance.now()). */
function listen(port: number, token: string): Promise<{ arrivals: Map<number, number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<number, number>();
    const req = request({ host: '127.0.0.1', port, path: '/api/events', headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          const event = data ? (JSON.parse(data[1]) as { type: string; ticket_id: number }) : null;
          if (event?.type === 'message.created' && !arrivals.has(event.ticket_id)) arrivals.set(event.ticket_id, performance.now());
        }
      });
      res.on('error', () => undefined);
      resolve({ arrivals, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(env: Record<string, string>): Promise<{ app: INestApplication; port: number }> {
  const config = AppConfig.fromEnvironment({ ADMIN_API_TOKEN: ADMIN, APP_KEY: 'bench-app-key-0123456789abcdef0123456789', DOCKER_MAIL_WEBHOOK_SECRET: SECRET, DOCKER_MAIL_DOMAIN: 'mail.test', LOG_LEVEL: 'error', ...env });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, port: (app.getHttpServer().address() as AddressInfo).port };
}

/** Webhook answer -> event latencies in ms, mail filed through `filing`, the client on `watching`. */
async function measure(filing: number, watching: number): Promise<number[]> {
  const tenant = await json(filing, 'POST', '/api/tenants', ADMIN, { name: `Live ${Date.now()}`, tier: 'enterprise' });
  const token = (await json(filing, 'POST', `/api/tenants/${tenant.id}/tokens`, ADMIN, { role: 'agent', name: 'bench' })).token as string;
  const client = await listen(watching, token);
  const answered = new Map<number, number>();
  const t0 = performance.now();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < MAILS; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = benchMessage(200_000 + i, tenant.inbound_email_address as string);
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'Content-Type': 'message/rfc822', 'Content-Length': body.length, 'X-Inbound-Timestamp': ts, 'X-Inbound-Signature': signWebhookBody(SECRET, ts, body) };
    posts.push(
      call(filing, 'POST', '/api/inbound/webhook', headers, body).then((res) => {
        if (res.status !== 200) throw new Error(`webhook: ${res.status} ${res.body}`);
        answered.set((JSON.parse(res.body) as { ticket_id: number }).ticket_id, performance.now());
      }),
    );
  }
  await Promise.all(posts);
  const deadline = performance.now() + 10_000;
  while ([...answered.keys()].some((id) => !client.arrivals.has(id)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  client.close();
  const missing = [...answered.keys()].filter((id) => !client.arrivals.has(id)).length;
  if (missing) throw new Error(`${missing} of ${answered.size} events never arrived`);
  return [...answered].map(([id, at]) => client.arrivals.get(id)! - at);
}

async function onSqlite(): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'inbound-live-bench-'));
  const one = await start({ DATA_DIR: dataDir, DB_TYPE: 'sqlite' });
  try {
    return await measure(one.port, one.port);
  } finally {
    await one.app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function onMariadb(): Promise<number[]> {
  const name = `helpdesk_test_live_bench_${process.pid}`;
  const admin = () => mysql.createConnection({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT ?? 3306), user: process.env.DB_USERNAME, password: process.env.DB_PASSWORD });
  const conn = await admin();
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const dirs = [mkdtempSync(join(tmpdir(), 'inbound-live-a-')), mkdtempSync(join(tmpdir(), 'inbound-live-b-'))];
  const db = { DB_TYPE: 'mysql', DB_HOST: process.env.DB_HOST!, DB_PORT: process.env.DB_PORT ?? '3306', DB_USERNAME: process.env.DB_USERNAME!, DB_PASSWORD: process.env.DB_PASSWORD!, DB_DATABASE: name };
  const a = await start({ ...db, DATA_DIR: dirs[0], INSTANCE_ID: 'live-a' });
  const b = await start({ ...db, DATA_DIR: dirs[1], INSTANCE_ID: 'live-b' });
  try {
    return await measure(a.port, b.port);
  } finally {
    await b.app.close();
    await a.app.close();
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    const c = await admin();
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.end();
  }
}

export async function runLiveBench(): Promise<Record<string, number>> {
  console.log(`live bench: ${MAILS} webhook mails at ${RATE}/s, webhook answer -> message.created at an SSE client (EVENTS_POLL_MS default)`);
  const round = (x: number) => Math.round(x * 10) / 10;
  const figures: Record<string, number> = {};
  const engines: [string, () => Promise<number[]>][] = [['sqlite', onSqlite], ...(process.env.DB_HOST ? [['mariadb_2_instances', onMariadb] as [string, () => Promise<number[]>]] : [])];
  for (const [engine, run] of engines) {
    const latencies = await run();
    figures[`live_${engine}_p50_ms`] = round(percentile(latencies, 50));
    figures[`live_${engine}_p95_ms`] = round(percentile(latencies, 95));
    console.log(`  ${engine}: webhook answer -> event p50 ${figures[`live_${engine}_p50_ms`]} ms, p95 ${figures[`live_${engine}_p95_ms`]} ms`);
  }
  return figures;
}

if (require.main === module) {
  runLiveBench()
    .then((figures) => {
      console.log('\nlive updates:');
      for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(30)} ${v}`);
      const p95s = Object.entries(figures).filter(([k]) => k.endsWith('_p95_ms'));
      console.log(`\ntarget: webhook answer -> event p95 < 1 s (${p95s.every(([, v]) => v < 1000) ? 'met' : 'NOT met'})`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
