import { randomBytes } from 'node:crypto';
import { Response } from 'supertest';
import { buildMail, postSigned } from '../support/mail';
import { waitFor } from '../support/services';
import { ADMIN_TOKEN, bearer, createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

/** '' unsets what startTestApp sets generously: the service's own defaults (10 failures/min, 100 req/s, 10 SMTP tests/h). */
const DEFAULT_LIMITS = { RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '', RATE_LIMIT_API_PER_SECOND: '', RATE_LIMIT_SMTP_TEST_PER_HOUR: '' };

/** The app trusts X-Forwarded-For from loopback (trust proxy), so each test can be its own client address. */
const from = (ip: string) => ({ 'X-Forwarded-For': ip });

const statuses = (responses: Response[]) =>
  responses.reduce<Record<number, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});

function expectTooManyRequests(res: Response, maxRetryAfter: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ statusCode: 429, error: 'too_many_requests', message: expect.stringMatching(/retry in \d+ s$/) });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
}

describe.each(ENGINES)('rate limits on %s', (engine) => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let globex: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    t = await startTestApp(engine, DEFAULT_LIMITS);
    acme = await createTenantWithTokens(t, 'Acme');
    globex = await createTenantWithTokens(t, 'Globex');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets 10 of 200 wrong bearer tokens from one address be answered, then 429 with Retry-After to everything from it, a valid token included', async () => {
    const ip = '203.0.113.10';
    const guesses = await Promise.all(
      Array.from({ length: 200 }, () => t.http().get('/api/tickets').set(from(ip)).set(bearer(`inb_${randomBytes(24).toString('base64url')}`))),
    );
    expect(statuses(guesses)).toEqual({ 401: 10, 429: 190 });
    const refused = guesses.find((r) => r.status === 429)!;
    expectTooManyRequests(refused, 60);
    expect(refused.body.message).toMatch(/^Too many failed authentications from this address/);

    // A right guess now looks exactly like a wrong one: nothing is learned by guessing on.
    const sameAnswer = (res: Response) => res.body.message.replace(/\d+/g, 'N');
    const valid = await t.http().get('/api/tickets').set(from(ip)).set(acme.agent);
    expectTooManyRequests(valid, 60);
    expect(sameAnswer(valid)).toBe(sameAnswer(refused));
    const admin = await t.http().get('/api/tenants').set(from(ip)).set(t.admin);
    expectTooManyRequests(admin, 60);
    expect(sameAnswer(admin)).toBe(sameAnswer(refused));
    expectTooManyRequests(await t.http().get('/api/tickets').set(from(ip)), 60);

    await t.http().get('/api/tickets').set(from('203.0.113.11')).set(acme.agent).expect(200);
  });

  it('throttles guesses of the admin token the same way', async () => {
    const ip = '198.51.100.20';
    for (let i = 0; i < 10; i++) {
      const guess = await t.http().get('/api/tenants').set(from(ip)).set(bearer(randomBytes(32).toString('base64url')));
      expect(guess.status).toBe(401);
      expect(guess.body.message).toBe('Invalid or revoked token');
    }
    expectTooManyRequests(await t.http().get('/api/tenants').set(from(ip)).set(bearer(`${ADMIN_TOKEN}x`)), 60);
    expectTooManyRequests(await t.http().get('/api/tenants').set(from(ip)).set(t.admin), 60);
    await t.http().get('/api/tenants').set(from('198.51.100.21')).set(t.admin).expect(200);
  });

  it('counts an IPv6 client by its /64, so that rotating addresses inside it does not reset the count', async () => {
    for (let i = 0; i < 10; i++) {
      await t.http().get('/api/tickets').set(from(`2001:db8:1:2::${i + 1}`)).set(bearer('inb_wrong')).expect(401);
    }
    expectTooManyRequests(await t.http().get('/api/tickets').set(from('2001:db8:1:2::ff')).set(bearer('inb_wrong')), 60);
    expectTooManyRequests(await t.http().get('/api/tickets').set(from('2001:db8:1:2:ffff::1')).set(acme.agent), 60);
    await t.http().get('/api/tickets').set(from('2001:db8:1:3::1')).set(acme.agent).expect(200);
  });

  it('does not count requests without a token: they guess nothing', async () => {
    const ip = '203.0.113.30';
    const anonymous = await Promise.all(Array.from({ length: 30 }, () => t.http().get('/api/tickets').set(from(ip))));
    expect(statuses(anonymous)).toEqual({ 401: 30 });
    await t.http().get('/api/tickets').set(from(ip)).set(acme.agent).expect(200);
  });

  it('lets 51 requests in one second with one token through by default', async () => {
    const burst = await Promise.all(Array.from({ length: 51 }, () => t.http().get('/api/me').set(acme.agent)));
    expect(statuses(burst)).toEqual({ 200: 51 });
  });

  it('allows 10 SMTP tests per tenant per hour: of 50 at once 40 get 429, and another tenant is not affected', async () => {
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.http().post('/api/email-settings/smtp-test').set(acme.admin).send({ send_to: `victim${i}@example.net` })),
    );
    // The limit counts calls whatever their outcome; without SMTP settings the service answers 422.
    expect(statuses(burst)).toEqual({ 422: 10, 429: 40 });
    const refused = burst.find((r) => r.status === 429)!;
    expectTooManyRequests(refused, 3600);
    expect(refused.body.message).toMatch(/^More than 10 SMTP tests per hour for this tenant/);

    // Per tenant, not per token: Acme's other admin token is refused too.
    const second = await t.http().post(`/api/tenants/${acme.id}/tokens`).set(t.admin).send({ role: 'tenant_admin', name: 'Second admin' }).expect(201);
    expectTooManyRequests(await t.http().post('/api/email-settings/smtp-test').set(bearer(second.body.token)).send({}), 3600);
    await t.http().post('/api/email-settings/smtp-test').set(globex.admin).send({}).expect(422);
  });
});

describe('rate limits set low', () => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { RATE_LIMIT_API_PER_SECOND: '5', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1' });
    acme = await createTenantWithTokens(t, 'Acme');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses requests per token over RATE_LIMIT_API_PER_SECOND with 429 + Retry-After, per token, until the second has passed', async () => {
    const burst = await Promise.all(Array.from({ length: 8 }, () => t.http().get('/api/me').set(acme.agent)));
    expect(statuses(burst)).toEqual({ 200: 5, 429: 3 });
    const refused = burst.find((r) => r.status === 429)!;
    expectTooManyRequests(refused, 1);
    expect(refused.body.message).toMatch(/^More than 5 requests per second with this token/);
    await t.http().get('/api/me').set(acme.admin).expect(200);
    await waitFor('the window to pass', async () => (await t.http().get('/api/me').set(acme.agent)).status === 200, 5_000, 100);
  });

  it('never throttles /health, /metrics, the UI or the signed webhook, not even for a blocked address', async () => {
    const ip = '192.0.2.40';
    await t.http().get('/api/tickets').set(from(ip)).set(bearer('inb_wrong')).expect(401);
    expectTooManyRequests(await t.http().get('/api/tickets').set(from(ip)).set(bearer('inb_wrong')), 60);

    for (const path of ['/health', '/metrics', '/', '/ui/app.js']) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => t.http().get(path).set(from(ip))));
      expect({ path, statuses: statuses(answers) }).toEqual({ path, statuses: { 200: 20 } });
    }
    const mails = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postSigned(t, buildMail({ to: acme.inboundAddress, subject: `Burst ${i}` })).set(from(ip))),
    );
    expect(statuses(mails)).toEqual({ 200: 20 });
  });
});
