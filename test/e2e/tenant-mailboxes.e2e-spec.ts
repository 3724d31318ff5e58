// Tenants' own mailboxes (issue 18, password IMAP): the connections API, reading a mailbox into
// the tenant that connected it whatever its recipients, and a refused login shown as
// needs_reauthorization in the API, /health and the metrics, resumed from its checkpoint once the
// password is given again. Against a private Dovecot with users of their own.
import { randomBytes } from 'node:crypto';
import { buildMail } from '../support/mail';
import { PrivateDovecot, startPrivateDovecot } from '../support/private-dovecot';
import { waitFor } from '../support/services';
import { expectEachFiledOnce, numberedMails, waitUntilFiled } from '../support/filing';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const token = () => randomBytes(5).toString('hex');

let dovecot: PrivateDovecot;
beforeAll(() => (dovecot = startPrivateDovecot('tmbx', 4)));
afterAll(() => dovecot.down());

describe.each(ENGINES)('tenant mailboxes on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine, { EGRESS_ALLOWED_HOSTS: '127.0.0.1', IMAP_LEASE_SECONDS: '3', EMAIL_PROCESSING_INTERVAL: '1' });
  });
  afterAll(async () => t?.close());

  const imap = (i: number, extra: Record<string, unknown> = {}) => ({
    kind: 'imap', host: dovecot.host, port: dovecot.port, security: 'none', username: dovecot.user(i), password: 'secret', ...extra,
  });
  const mailbox = async (tenant: { admin: Record<string, string> }, id: number) => (await t.http().get(`/api/email-settings/mailboxes/${id}`).set(tenant.admin).expect(200)).body;

  it('validates connections: 4xx with a reason, never a 500, and nothing stored', async () => {
    const tenant = await createTenantWithTokens(t, `Validate ${token()}`);
    const post = (body: unknown) => t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send(body as object);
    expect((await post({ kind: 'google' }).expect(422)).body.message).toMatch(/Google is not set up on this platform.*OAUTH_GOOGLE_CLIENT_ID/);
    expect((await post({ kind: 'microsoft365' }).expect(422)).body.message).toMatch(/Microsoft 365 is not set up on this platform/);
    await post({ kind: 'imap', host: 'imap.example.com' }).expect(400);
    await post(imap(1, { security: 'ssl' })).expect(400);
    await post(imap(1, { port: 70000 })).expect(400);
    await post(imap(1, { host: 'bad host' })).expect(400);
    expect((await post(imap(1, { host: '10.1.2.3', port: 993, security: 'tls' })).expect(422)).body.message).toMatch(/private address/);
    expect((await post(imap(1, { host: 'imap.example.com', port: 25, security: 'tls' })).expect(422)).body.message).toMatch(/not an IMAP port/);
    expect((await post(imap(1, { host: 'imap.example.com', port: 143, security: 'none' })).expect(422)).body.message).toMatch(/without encryption/);
    await t.http().post('/api/email-settings/mailboxes').set(tenant.agent).send(imap(1)).expect(403);
    await t.http().get('/api/email-settings/mailboxes/abc').set(tenant.admin).expect(400);
    await t.http().get('/api/email-settings/mailboxes/999999').set(tenant.admin).expect(404);
    expect((await t.http().get('/api/email-settings/mailboxes').set(tenant.admin).expect(200)).body).toEqual([]);
  });

  it('keeps the password write-only, drops it on a host change, and keeps tenants apart', async () => {
    const tenant = await createTenantWithTokens(t, `Password ${token()}`);
    const other = await createTenantWithTokens(t, `Other ${token()}`);
    const created = (await t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send(imap(4, { folder: 'Nowhere' })).expect(201)).body;
    expect(created).toMatchObject({ kind: 'imap', password_set: true, folder: 'Nowhere', enabled: true });
    expect(JSON.stringify(created)).not.toContain('secret');
    await t.http().get(`/api/email-settings/mailboxes/${created.id}`).set(other.admin).expect(404);
    await t.http().patch(`/api/email-settings/mailboxes/${created.id}`).set(other.admin).send({ enabled: false }).expect(404);
    await t.http().delete(`/api/email-settings/mailboxes/${created.id}`).set(other.admin).expect(404);
    const moved = (await t.http().patch(`/api/email-settings/mailboxes/${created.id}`).set(tenant.admin).send({ host: 'imap.example.com', port: 993, security: 'tls' }).expect(200)).body;
    expect(moved).toMatchObject({ host: 'imap.example.com', password_set: false, state: 'needs_reauthorization' });
    const off = (await t.http().patch(`/api/email-settings/mailboxes/${created.id}`).set(tenant.admin).send({ enabled: false }).expect(200)).body;
    expect(off.state).toBe('disabled');
    await t.http().get(`/api/tenants/${tenant.id}/email-settings/mailboxes`).set(t.admin).expect(200);
    await t.http().delete(`/api/email-settings/mailboxes/${created.id}`).set(tenant.admin).expect(204);
    await t.http().get(`/api/email-settings/mailboxes/${created.id}`).set(tenant.admin).expect(404);
  });

  it('files mail of a connected mailbox into its tenant whatever the recipients, and says so', async () => {
    const user = engine === 'sqlite' ? 1 : 2;
    const tenant = await createTenantWithTokens(t, `Own ${token()}`, { tier: 'enterprise' });
    const mails = numberedMails('help@own-domain.example', 5, `own-${token()}`);
    await dovecot.append(user, mails.map((m) => m.raw));
    const created = (await t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send(imap(user)).expect(201)).body;
    await waitUntilFiled(t, mails.map((m) => m.messageId));
    await expectEachFiledOnce(t, mails.map((m) => m.messageId));
    const ticketCount = async () => (await t.http().get('/api/tickets').set(tenant.agent).expect(200)).body.total as number;
    expect(await ticketCount()).toBe(5);
    const connected = await waitFor('connected', async () => {
      const m = await mailbox(tenant, created.id);
      return m.state === 'connected' && m.last_success_at ? m : null;
    });
    expect(connected).toMatchObject({ last_error: null, lag_seconds: null });
    await waitFor('moved to Processed', async () => (await dovecot.count(user, 'Processed')) === 5);

    // New mail arrives while it is connected (IDLE).
    const later = buildMail({ to: 'someone@elsewhere.example', subject: 'Later', messageId: `<later-${token()}@x.example>` });
    await dovecot.append(user, [later]);
    await waitFor('later mail filed', async () => (await ticketCount()) === 6);
  });

  it('shows a refused login as needs_reauthorization (API, /health, metrics) and resumes from the checkpoint', async () => {
    const user = engine === 'sqlite' ? 3 : 4;
    const tenant = await createTenantWithTokens(t, `Reauth ${token()}`, { tier: 'enterprise' });
    const created = (await t.http().post('/api/email-settings/mailboxes').set(tenant.admin).send(imap(user, { password: 'wrong' })).expect(201)).body;
    const bad = await waitFor('needs_reauthorization', async () => {
      const m = await mailbox(tenant, created.id);
      return m.state === 'needs_reauthorization' ? m : null;
    });
    expect(bad.last_error).toMatch(/login refused/);
    expect(bad.last_error).not.toMatch(/DOCKER_MAIL/);
    const health = await waitFor('health counts it', async () => {
      const source = (await t.http().get('/health')).body.sources.find((s: { name: string }) => s.name === 'tenant-mailboxes');
      return source?.states?.needs_reauthorization >= 1 ? source : null;
    });
    expect(health.last_error).toMatch(/needing reauthorization/);
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/inbound_tenant_mailboxes\{state="needs_reauthorization"\} [1-9]/);

    const waiting = numberedMails('help@own-domain.example', 3, `reauth-${token()}`);
    await dovecot.append(user, waiting.map((m) => m.raw));
    await t.http().patch(`/api/email-settings/mailboxes/${created.id}`).set(tenant.admin).send({ password: 'secret' }).expect(200);
    await waitUntilFiled(t, waiting.map((m) => m.messageId));
    await waitFor('connected again', async () => (await mailbox(tenant, created.id)).state === 'connected');
    // Reconnecting again (a new password) reads from the checkpoint: nothing doubled.
    await t.http().patch(`/api/email-settings/mailboxes/${created.id}`).set(tenant.admin).send({ password: 'secret' }).expect(200);
    await waitFor('connected after the change', async () => (await mailbox(tenant, created.id)).state === 'connected');
    await expectEachFiledOnce(t, waiting.map((m) => m.messageId));
  });
});
