import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { SenderDns } from '../../src/inbound/sender-dns';
import { freshMysqlDatabase } from './database';
import { TestDnsZone } from './test-dns';

export type Engine = 'sqlite' | 'mysql';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';
export const APP_KEY = 'test-app-key-0123456789abcdef0123456789';

/** Both engines in every API suite: SQLite (the embedded default) and the real MariaDB from the test setup. */
export const ENGINES: Engine[] = ['sqlite', 'mysql'];

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  dataDir: string;
  http: () => ReturnType<typeof request>;
  admin: { Authorization: string };
  /** The DNS sender authentication sees (empty: no domain has SPF, DKIM or DMARC records). */
  dns: TestDnsZone;
  close(): Promise<void>;
}

/**
 * The rate limits are generous in tests: many suites make failed-auth requests from 127.0.0.1 or
 * run fast loops with one token. Rate-limit tests pass their own values, or '' for the default.
 */
const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '10000',
  RATE_LIMIT_SMTP_TEST_PER_HOUR: '10000',
  RATE_LIMIT_API_PER_SECOND: '100000',
  // Many suites open dozens of tickets from one test sender; the throttle's own test sets it.
  INBOUND_NEW_TICKETS_PER_SENDER_PER_HOUR: '0',
};

/**
 * A fresh application on an empty database (a new SQLite file or a new MariaDB database),
 * migrations applied, with its own DATA_DIR. `env` adds or overrides variables ('' = unset).
 */
export async function startTestApp(engine: Engine, env: Record<string, string> = {}, options: { port?: number } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'inbound-test-'));
  const db = engine === 'mysql' ? await freshMysqlDatabase() : null;
  const config = AppConfig.fromEnvironment({
    DATA_DIR: dataDir,
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    APP_KEY,
    DOCKER_MAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    DOCKER_MAIL_DOMAIN: 'mail.test',
    EMAIL_PROCESSING_METHOD: 'webhook',
    LOG_LEVEL: 'error',
    ...GENEROUS_RATE_LIMITS,
    ...(db
      ? {
          DB_TYPE: 'mysql',
          DB_HOST: process.env.DB_HOST ?? '127.0.0.1',
          DB_PORT: process.env.DB_PORT ?? '3306',
          DB_USERNAME: process.env.DB_USERNAME ?? 'helpdesk',
          DB_PASSWORD: process.env.DB_PASSWORD ?? 'helpdesk',
          DB_DATABASE: db.database,
        }
      : { DB_TYPE: 'sqlite' }),
    ...env,
  });
  const app = await createApp(config, { logger: false });
  const dns = new TestDnsZone();
  app.get(SenderDns).resolve = dns.resolve;
  // Listening once here: given a server without an address, supertest listens for each request
  // and closes the server when that request ends, resetting the connections of concurrent ones.
  await app.listen(options.port ?? 0, '127.0.0.1');
  return {
    app,
    config,
    dataDir,
    http: () => request(app.getHttpServer()),
    admin: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    dns,
    async close() {
      await app.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** Variables for another instance on `first`'s database (for SQLite: the same file, in its DATA_DIR). */
export function sameDatabaseAs(first: TestApp): Record<string, string> {
  return first.config.database.type === 'sqlite' ? { DATA_DIR: first.dataDir } : { DB_DATABASE: first.config.database.database };
}

/** Creates a tenant and a token of each role; returns what the tests need. */
export async function createTenantWithTokens(t: TestApp, name: string, extra: Record<string, unknown> = {}) {
  const tenant = await t.http().post('/api/tenants').set(t.admin).send({ name, ...extra }).expect(201);
  const admin = await t.http().post(`/api/tenants/${tenant.body.id}/tokens`).set(t.admin).send({ role: 'tenant_admin', name: `${name} admin` }).expect(201);
  const agent = await t.http().post(`/api/tenants/${tenant.body.id}/tokens`).set(t.admin).send({ role: 'agent', name: `${name} agent` }).expect(201);
  return {
    id: tenant.body.id as number,
    inboundAddress: tenant.body.inbound_email_address as string,
    adminToken: admin.body.token as string,
    agentToken: agent.body.token as string,
    admin: bearer(admin.body.token),
    agent: bearer(agent.body.token),
  };
}
