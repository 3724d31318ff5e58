import { generate } from 'otplib';
import { signIn } from '../support/accounts';
import { createTenantWithTokens, Engine, ENGINES, startTestApp, TestApp } from '../support/test-app';

const PASSWORD = 'correct horse battery';
const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

describe.each(ENGINES)('two-factor sign-in (%s)', (engine: Engine) => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    t = await startTestApp(engine);
    acme = await createTenantWithTokens(t, 'Acme', { tier: 'enterprise' });
  });
  afterAll(() => t?.close());

  const createUser = (email: string, role = 'agent') =>
    t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email, name: email.split('@')[0], role, password: PASSWORD }).expect(201);
  const login = (email: string, code?: string) => t.http().post('/api/auth/login').send({ email, password: PASSWORD, ...(code ? { code } : {}) });

  async function enableTotp(email: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const s = await signIn(t, email, PASSWORD);
    const headers = { Cookie: s.cookie, 'X-CSRF-Token': s.csrf };
    const setup = await t.http().post('/api/auth/two-factor/setup').set(headers).expect(200);
    expect(setup.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/Inbound:.+\?.*secret=/);
    await t.http().post('/api/auth/two-factor/enable').set(headers).send({ code: '000000' }).expect(422);
    const enabled = await t.http().post('/api/auth/two-factor/enable').set(headers).send({ code: await codeAt(setup.body.secret) }).expect(200);
    return { secret: setup.body.secret, recoveryCodes: enabled.body.recovery_codes };
  }

  it('asks for the code after the right password, takes each code once, and recovery codes once', async () => {
    await createUser('alice@acme.test');
    const { secret, recoveryCodes } = await enableTotp('alice@acme.test');
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const asked = await login('alice@acme.test').expect(401);
    expect(asked.body).toMatchObject({ message: expect.stringContaining('authenticator'), details: { two_factor: 'required' } });
    await login('alice@acme.test', '123456').expect(401);
    // The wrong password still says only that, with or without a code.
    expect((await t.http().post('/api/auth/login').send({ email: 'alice@acme.test', password: 'wrong password', code: '123456' }).expect(401)).body.details).toBeUndefined();

    const next = await codeAt(secret, 30);
    await login('alice@acme.test', next).expect(200);
    await login('alice@acme.test', next).expect(401);

    await login('alice@acme.test', recoveryCodes[0].toLowerCase()).expect(200);
    await login('alice@acme.test', recoveryCodes[0]).expect(401);
    const s = await login('alice@acme.test', recoveryCodes[1].replace('-', '')).expect(200);
    const cookie = (s.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const status = await t.http().get('/api/auth/two-factor').set('Cookie', cookie).expect(200);
    expect(status.body).toEqual({ enabled: true, required: false, recovery_codes_left: 8 });

    await t.http().post('/api/auth/two-factor/disable').set('Cookie', cookie).set('X-CSRF-Token', s.body.csrf_token).send({ code: '999999' }).expect(422);
    await t.http().post('/api/auth/two-factor/disable').set('Cookie', cookie).set('X-CSRF-Token', s.body.csrf_token).send({ code: recoveryCodes[2] }).expect(204);
    await login('alice@acme.test').expect(200);
  });

  it('lets a tenant admin make it mandatory: a person without it can only set it up, tokens are not affected', async () => {
    await createUser('bob@acme.test');
    const policy = `/api/tenants/${acme.id}/two-factor-policy`;
    await t.http().put(policy).set(acme.agent).send({ required: true }).expect(403);
    await t.http().put(policy).set(acme.admin).send({ required: 'yes' }).expect(400);
    expect((await t.http().put(policy).set(acme.admin).send({ required: true }).expect(200)).body).toEqual({ require_two_factor: true });

    const bob = await signIn(t, 'bob@acme.test', PASSWORD);
    expect(bob.body.two_factor_setup_required).toBe(true);
    const refused = await t.http().get('/api/tickets').set('Cookie', bob.cookie).expect(403);
    expect(refused.body.details).toEqual({ two_factor: 'setup_required' });
    expect((await t.http().get('/api/me').set('Cookie', bob.cookie).expect(200)).body.two_factor_setup_required).toBe(true);
    await t.http().get('/api/tickets').set(acme.agent).expect(200);

    const headers = { Cookie: bob.cookie, 'X-CSRF-Token': bob.csrf };
    const setup = await t.http().post('/api/auth/two-factor/setup').set(headers).expect(200);
    const enabled = await t.http().post('/api/auth/two-factor/enable').set(headers).send({ code: await codeAt(setup.body.secret) }).expect(200);
    await t.http().get('/api/tickets').set('Cookie', bob.cookie).expect(200);
    const turnOff = await t.http().post('/api/auth/two-factor/disable').set(headers).send({ code: enabled.body.recovery_codes[0] }).expect(422);
    expect(turnOff.body.message).toContain('requires');

    await t.http().put(policy).set(acme.admin).send({ required: false }).expect(200);
  });
});
