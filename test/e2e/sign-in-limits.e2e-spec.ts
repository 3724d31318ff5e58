// Failed sign-ins per account and reset mails per address count over every instance: an attacker
// spreading guesses over the instances behind a load balancer gets no more tries than against one.
// Two instances on one database, on both engines.
import { randomBytes } from 'node:crypto';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp, sameDatabaseAs } from '../support/test-app';

jest.setTimeout(60_000);

const PASSWORD = 'correct horse battery staple 1';

describe.each(ENGINES)('sign-in limits across instances on %s', (engine) => {
  let a: TestApp;
  let b: TestApp;
  let mail: SmtpSink;

  beforeAll(async () => {
    mail = await startSmtpSink({ authOptional: true });
    const env = { RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: '3', MAIL_DEV_SMTP_HOST: '127.0.0.1', MAIL_DEV_SMTP_PORT: String(mail.port) };
    a = await startTestApp(engine, env);
    b = await startTestApp(engine, { ...env, ...sameDatabaseAs(a) });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await mail?.close();
  });

  it('adds up the failed sign-ins of one account on every instance, then refuses the right password too', async () => {
    const tenant = await createTenantWithTokens(a, `Limits ${randomBytes(3).toString('hex')}`);
    const email = `person-${randomBytes(4).toString('hex')}@limits.example`;
    await a.http().post(`/api/tenants/${tenant.id}/users`).set(a.admin).send({ email, name: 'Person', role: 'agent', password: PASSWORD }).expect(201);
    const login = (app: TestApp, password: string) => app.http().post('/api/auth/login').send({ email, password });

    await login(a, 'wrong 1').expect(401);
    await login(b, 'wrong 2').expect(401);
    await login(a, 'wrong 3').expect(401);
    const fourth = await login(b, 'wrong 4').expect(429);
    expect(fourth.body.message).toMatch(/^Too many failed sign-ins; retry in \d+ s$/);
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(800);
    await login(a, PASSWORD).expect(429);
    await login(b, PASSWORD).expect(429);
  });

  it('sends at most three reset mails to one address per 15 minutes, whichever instance is asked', async () => {
    const tenant = await createTenantWithTokens(a, `Resets ${randomBytes(3).toString('hex')}`);
    const email = `reset-${randomBytes(4).toString('hex')}@limits.example`;
    await a.http().post(`/api/tenants/${tenant.id}/users`).set(a.admin).send({ email, name: 'Reset', role: 'agent', password: PASSWORD }).expect(201);
    mail.reset();
    // Every ask is answered alike (nobody learns of the limit); the mail is sent before the answer.
    for (const app of [a, b, a, b, a, b]) await app.http().post('/api/auth/password-reset').send({ email }).expect(202);
    expect(mail.messages.filter((m) => m.to.includes(email))).toHaveLength(3);
  });
});
