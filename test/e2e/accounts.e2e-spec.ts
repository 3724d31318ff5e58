import { DataSource } from 'typeorm';
import { linkTokenOf, sessionCookieOf, signIn } from '../support/accounts';
import { startSmtpSink, SmtpSink } from '../support/smtp-sink';
import { bearer, createTenantWithTokens, Engine, ENGINES, startTestApp, TestApp } from '../support/test-app';

/** A UTC datetime both engines take as a bound parameter. */
const sqlDate = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');
const PASSWORD = 'correct horse battery';
const WRONG = 'Wrong e-mail address or password';

describe.each(ENGINES)('people sign in (%s)', (engine: Engine) => {
  let t: TestApp;
  let mail: SmtpSink;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    mail = await startSmtpSink({ authOptional: true });
    t = await startTestApp(engine, {
      MAIL_DEV_SMTP_HOST: '127.0.0.1',
      MAIL_DEV_SMTP_PORT: String(mail.port),
      PUBLIC_URL: 'https://helpdesk.example.test',
      RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: '3',
    });
    acme = await createTenantWithTokens(t, 'Acme', { tier: 'enterprise' });
  });
  afterAll(async () => {
    await t?.close();
    await mail?.close();
  });
  beforeEach(() => mail.reset());

  const createUser = (body: Record<string, unknown>, as = acme.admin) => t.http().post(`/api/tenants/${acme.id}/users`).set(as).send(body);

  it('creates a user with a password who signs in with an httpOnly, SameSite=Lax cookie and is who GET /api/me says', async () => {
    const created = await createUser({ email: 'Alice@Acme.test', name: 'Alice', role: 'agent', password: PASSWORD }).expect(201);
    expect(created.body).toMatchObject({ email: 'alice@acme.test', name: 'Alice', role: 'agent', sign_in: 'password' });
    expect(JSON.stringify(created.body)).not.toContain('argon2');

    const login = await t.http().post('/api/auth/login').send({ email: ' alice@ACME.test ', password: PASSWORD }).expect(200);
    const setCookie = login.headers['set-cookie'] as unknown as string[];
    expect(setCookie[0]).toMatch(/^inbound_session=[\w-]{43}; Max-Age=\d+; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    expect(login.body).toMatchObject({ kind: 'tenant', tenant_id: acme.id, role: 'agent', user: { name: 'Alice', email: 'alice@acme.test' }, csrf_token: expect.any(String) });

    const me = await t.http().get('/api/me').set('Cookie', sessionCookieOf(setCookie)).expect(200);
    expect(me.body).toMatchObject({ kind: 'tenant', user_id: created.body.id, csrf_token: login.body.csrf_token });
    await t.http().get('/api/tickets').set('Cookie', sessionCookieOf(setCookie)).expect(200);
  });

  it('sets the Secure flag behind TLS (X-Forwarded-Proto from a trusted proxy)', async () => {
    await createUser({ email: 'tls@acme.test', name: 'Tls', role: 'agent', password: PASSWORD }).expect(201);
    const login = await t.http().post('/api/auth/login').set('X-Forwarded-Proto', 'https').send({ email: 'tls@acme.test', password: PASSWORD }).expect(200);
    expect((login.headers['set-cookie'] as unknown as string[])[0]).toContain('; Secure');
  });

  it('needs X-CSRF-Token for changes made with the cookie, and none with a bearer token', async () => {
    await createUser({ email: 'csrf@acme.test', name: 'Admin Csrf', role: 'tenant_admin', password: PASSWORD }).expect(201);
    const s = await signIn(t, 'csrf@acme.test', PASSWORD);
    const path = `/api/tenants/${acme.id}/domains`;
    const without = await t.http().post(path).set('Cookie', s.cookie).send({ domain: 'csrf-one.example' }).expect(403);
    expect(without.body.message).toContain('X-CSRF-Token');
    await t.http().post(path).set('Cookie', s.cookie).set('X-CSRF-Token', 'forged').send({ domain: 'csrf-one.example' }).expect(403);
    await t.http().post(path).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ domain: 'csrf-one.example' }).expect(201);
    await t.http().post(path).set(acme.admin).send({ domain: 'csrf-two.example' }).expect(201);
    // Reading needs no CSRF token.
    await t.http().get(path).set('Cookie', s.cookie).expect(200);
  });

  it('answers a wrong password and an unknown address alike, and throttles an account across addresses (429)', async () => {
    await createUser({ email: 'bob@acme.test', name: 'Bob', role: 'agent', password: PASSWORD }).expect(201);
    const wrong = await t.http().post('/api/auth/login').send({ email: 'bob@acme.test', password: 'not the password' }).expect(401);
    const unknown = await t.http().post('/api/auth/login').send({ email: 'nobody@acme.test', password: 'not the password' }).expect(401);
    expect(wrong.body.message).toBe(WRONG);
    expect(unknown.body.message).toBe(WRONG);
    for (const ip of ['192.0.2.10', '192.0.2.11']) {
      await t.http().post('/api/auth/login').set('X-Forwarded-For', ip).send({ email: 'bob@acme.test', password: 'still wrong' }).expect(401);
    }
    const blocked = await t.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.12').send({ email: 'bob@acme.test', password: 'wrong again' }).expect(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    // The right password too, while blocked; the message names neither part.
    const right = await t.http().post('/api/auth/login').set('X-Forwarded-For', '192.0.2.13').send({ email: 'bob@acme.test', password: PASSWORD }).expect(429);
    expect(right.body.message).toMatch(/^Too many failed sign-ins/);
    // Another account is not affected.
    await createUser({ email: 'carol@acme.test', name: 'Carol', role: 'agent', password: PASSWORD }).expect(201);
    await signIn(t, 'carol@acme.test', PASSWORD);
  });

  it('mails an invitation whose link sets the password once and signs in', async () => {
    const created = await createUser({ email: 'dave@acme.test', name: 'Dave', role: 'agent' }).expect(201);
    expect(created.body).toMatchObject({ sign_in: 'invited', invitation: { sent: true } });
    const [invitation] = await mail.waitForMessages(1);
    expect(invitation.to).toEqual(['dave@acme.test']);
    expect(invitation.subject).toContain('Acme');
    expect(invitation.raw.toString()).toContain('https://helpdesk.example.test/#/welcome?token=');
    const token = await linkTokenOf(invitation);

    await t.http().post('/api/auth/login').send({ email: 'dave@acme.test', password: PASSWORD }).expect(401);
    await t.http().post('/api/auth/set-password').send({ token, password: 'short' }).expect(400);

    const accepted = await t.http().post('/api/auth/set-password').send({ token, password: PASSWORD }).expect(200);
    expect(accepted.body).toMatchObject({ kind: 'tenant', user: { name: 'Dave' }, csrf_token: expect.any(String) });
    await t.http().get('/api/me').set('Cookie', sessionCookieOf(accepted.headers['set-cookie'])).expect(200);
    const reused = await t.http().post('/api/auth/set-password').send({ token, password: 'another long password' }).expect(422);
    expect(reused.body.message).toContain('invalid, expired or used');
    await signIn(t, 'dave@acme.test', PASSWORD);
    const users = await t.http().get(`/api/tenants/${acme.id}/users`).set(acme.admin).expect(200);
    expect(users.body.data.find((u: { id: number }) => u.id === created.body.id)).toMatchObject({ sign_in: 'password' });
  });

  it('refuses a second account for an address, an agent inviting, and a tampered link', async () => {
    await createUser({ email: 'erin@acme.test', name: 'Erin', role: 'agent', password: PASSWORD }).expect(201);
    await createUser({ email: 'ERIN@acme.test', name: 'Erin again', role: 'agent' }).expect(409);
    const other = await createTenantWithTokens(t, 'Other');
    await t.http().post(`/api/tenants/${other.id}/users`).set(other.admin).send({ email: 'erin@acme.test', name: 'Erin', role: 'agent' }).expect(409);
    await createUser({ email: 'x@acme.test', name: 'X', role: 'agent' }, acme.agent).expect(403);
    await t.http().post('/api/auth/set-password').send({ token: 'eyJwIjoiaW52aXRhdGlvbiJ9.forged', password: PASSWORD }).expect(422);
  });

  it('resets a password by mail: the same answer for unknown addresses, old sessions and password gone', async () => {
    await createUser({ email: 'frank@acme.test', name: 'Frank', role: 'agent', password: PASSWORD }).expect(201);
    const before = await signIn(t, 'frank@acme.test', PASSWORD);
    const unknown = await t.http().post('/api/auth/password-reset').send({ email: 'ghost@acme.test' }).expect(202);
    const known = await t.http().post('/api/auth/password-reset').send({ email: 'frank@acme.test' }).expect(202);
    expect(known.body).toEqual(unknown.body);
    const [reset] = await mail.waitForMessages(1);
    expect(reset.to).toEqual(['frank@acme.test']);
    expect(mail.messages).toHaveLength(1);

    await t.http().post('/api/auth/set-password').send({ token: await linkTokenOf(reset), password: 'a brand new passphrase' }).expect(200);
    await t.http().get('/api/me').set('Cookie', before.cookie).expect(401);
    await t.http().post('/api/auth/login').send({ email: 'frank@acme.test', password: PASSWORD }).expect(401);
    await signIn(t, 'frank@acme.test', 'a brand new passphrase');
  });

  it('lists and revokes its own sessions, signs out here and everywhere', async () => {
    await createUser({ email: 'gina@acme.test', name: 'Gina', role: 'agent', password: PASSWORD }).expect(201);
    const laptop = await signIn(t, 'gina@acme.test', PASSWORD);
    const phone = await signIn(t, 'gina@acme.test', PASSWORD);
    const tablet = await signIn(t, 'gina@acme.test', PASSWORD);
    const list = await t.http().get('/api/auth/sessions').set('Cookie', laptop.cookie).expect(200);
    expect(list.body.data).toHaveLength(3);
    expect(list.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const phoneId = (await t.http().get('/api/auth/sessions').set('Cookie', phone.cookie).expect(200)).body.data.find((s: { current: boolean }) => s.current).id;

    await t.http().delete(`/api/auth/sessions/${phoneId}`).set('Cookie', laptop.cookie).expect(403);
    await t.http().delete(`/api/auth/sessions/${phoneId}`).set('Cookie', laptop.cookie).set('X-CSRF-Token', laptop.csrf).expect(204);
    await t.http().get('/api/me').set('Cookie', phone.cookie).expect(401);
    // Another person's session is not found.
    await createUser({ email: 'hal@acme.test', name: 'Hal', role: 'agent', password: PASSWORD }).expect(201);
    const hal = await signIn(t, 'hal@acme.test', PASSWORD);
    await t.http().delete(`/api/auth/sessions/${phoneId + 100}`).set('Cookie', hal.cookie).set('X-CSRF-Token', hal.csrf).expect(404);

    const out = await t.http().post('/api/auth/logout').set('Cookie', laptop.cookie).set('X-CSRF-Token', laptop.csrf).expect(204);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^inbound_session=;/);
    await t.http().get('/api/me').set('Cookie', laptop.cookie).expect(401);
    await t.http().get('/api/me').set('Cookie', tablet.cookie).expect(200);

    const again = await signIn(t, 'gina@acme.test', PASSWORD);
    const everywhere = await t.http().post('/api/auth/logout-everywhere').set('Cookie', again.cookie).set('X-CSRF-Token', again.csrf).expect(200);
    expect(everywhere.body).toEqual({ ended: 2 });
    await t.http().get('/api/me').set('Cookie', tablet.cookie).expect(401);
    await t.http().get('/api/me').set('Cookie', hal.cookie).expect(200);
  });

  it('ends a session after its idle time and at its absolute end', async () => {
    await createUser({ email: 'ida@acme.test', name: 'Ida', role: 'agent', password: PASSWORD }).expect(201);
    const idle = await signIn(t, 'ida@acme.test', PASSWORD);
    const old = await signIn(t, 'ida@acme.test', PASSWORD);
    const db = t.app.get(DataSource);
    const ids = (await t.http().get('/api/auth/sessions').set('Cookie', idle.cookie).expect(200)).body.data.map((s: { id: number }) => s.id);
    const longAgo = new Date(Date.now() - 9 * 3_600_000);
    await db.query('UPDATE sessions SET last_seen_at = ? WHERE id = ?', [sqlDate(longAgo), ids[0]]);
    await db.query('UPDATE sessions SET expires_at = ? WHERE id = ?', [sqlDate(new Date(Date.now() - 1000)), ids[1]]);
    await t.http().get('/api/me').set('Cookie', idle.cookie).expect(401);
    await t.http().get('/api/me').set('Cookie', old.cookie).expect(401);
    const [{ n }] = await db.query('SELECT COUNT(*) AS n FROM sessions WHERE id IN (?, ?)', ids);
    expect(Number(n)).toBe(0);
  });

  it('makes operators named accounts; ADMIN_API_TOKEN still works as the bootstrap credential', async () => {
    const created = await t.http().post('/api/operators').set(t.admin).send({ email: 'ops@platform.test', name: 'Olga Ops', password: PASSWORD }).expect(201);
    expect(created.body).toMatchObject({ email: 'ops@platform.test', sign_in: 'password' });
    await t.http().post('/api/operators').set(acme.admin).send({ email: 'x@platform.test', name: 'X' }).expect(403);
    await t.http().post('/api/operators').set(t.admin).send({ email: 'alice@acme.test', name: 'Taken' }).expect(409);
    const ops = await signIn(t, 'ops@platform.test', PASSWORD);
    expect(ops.body).toMatchObject({ kind: 'platform_admin', operator: { name: 'Olga Ops' } });
    await t.http().get('/api/tenants').set('Cookie', ops.cookie).expect(200);
    await t.http().get('/api/me').set(t.admin).expect(200);
    await t.http().get('/api/auth/sessions').set(t.admin).expect(422);

    const invited = await t.http().post('/api/operators').set('Cookie', ops.cookie).set('X-CSRF-Token', ops.csrf).send({ email: 'ops2@platform.test', name: 'Otto' }).expect(201);
    expect(invited.body.invitation).toMatchObject({ sent: true });
    const [invitation] = await mail.waitForMessages(1);
    await t.http().post('/api/auth/set-password').send({ token: await linkTokenOf(invitation), password: PASSWORD }).expect(200);
    expect((await t.http().get('/api/operators').set(t.admin).expect(200)).body.data).toHaveLength(2);
  });

  it('keeps a disabled tenant’s people out', async () => {
    const other = await createTenantWithTokens(t, 'Paused');
    await t.http().post(`/api/tenants/${other.id}/users`).set(other.admin).send({ email: 'pat@paused.test', name: 'Pat', role: 'agent', password: PASSWORD }).expect(201);
    const pat = await signIn(t, 'pat@paused.test', PASSWORD);
    await t.http().put(`/api/tenants/${other.id}`).set(t.admin).send({ status: 'disabled' }).expect(200);
    await t.http().get('/api/me').set('Cookie', pat.cookie).expect(403);
    await t.http().post('/api/auth/login').send({ email: 'pat@paused.test', password: PASSWORD }).expect(403);
    await t.http().get('/api/me').set(bearer(other.agentToken)).expect(403);
  });
});

describe('sign-in failures per client address (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3' });
  });
  afterAll(() => t?.close());

  it('blocks an address that tries many accounts (429), whichever accounts', async () => {
    for (const n of [1, 2, 3]) await t.http().post('/api/auth/login').send({ email: `user${n}@example.test`, password: 'guess guess' }).expect(401);
    const blocked = await t.http().post('/api/auth/login').send({ email: 'user4@example.test', password: 'guess guess' }).expect(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    await t.http().post('/api/auth/login').set('X-Forwarded-For', '198.51.100.7').send({ email: 'user4@example.test', password: 'guess guess' }).expect(401);
  });
});
