import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

/** Issue 19 §5: the multi-tenancy guide's REST shapes, with today's fields beside them. */
describe.each(ENGINES)("the multi-tenancy guide's tenant API (%s)", (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t?.close());

  it('lists tenants as {tenants: [...]} with enabled and the max_* limits, keeping data and paging', async () => {
    const created = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Guide Co', tier: 'starter' }).expect(201);
    const list = await t.http().get('/api/tenants?per_page=200').set(t.admin).expect(200);
    expect(list.body).toMatchObject({ total: expect.any(Number), page: 1, per_page: 200 });
    expect(list.body.data).toEqual(list.body.tenants);
    expect(list.body.tenants.find((x: { id: number }) => x.id === created.body.id)).toMatchObject({
      name: 'Guide Co',
      enabled: true,
      domain: null,
      max_users: 25,
      max_domains: 3,
      max_storage_mb: 10_240,
      max_messages_per_day: 1_000,
      features: { spam_filtering: true, custom_domains: false, auto_acknowledgement: true },
    });
  });

  it('sets per-tenant overrides and enabled by PUT, answering {success: true}; null goes back to the tier', async () => {
    const { body: tenant } = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Override Co' }).expect(201);
    const put = (body: object) => t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send(body);
    const res = await put({ max_users: 50, max_domains: -1, max_storage_mb: 2048, max_messages_per_day: 500, enabled: false }).expect(200);
    expect(res.body).toMatchObject({ success: true, enabled: false, status: 'disabled', max_users: 50, max_domains: -1, max_storage_mb: 2048, max_messages_per_day: 500 });
    expect(res.body.overrides).toEqual({ max_users: 50, max_domains: -1, max_storage_mb: 2048, max_messages_per_day: 500 });
    const back = await put({ max_users: null, enabled: true }).expect(200);
    expect(back.body).toMatchObject({ enabled: true, status: 'active', max_users: 5, max_messages_per_day: 500 });

    for (const bad of [{ max_users: -2 }, { max_users: 1.5 }, { max_storage_mb: 'big' }, { enabled: 'yes' }, { enabled: true, status: 'disabled' }, { max_widgets: 3 }]) {
      const refused = await put(bad).expect(400);
      expect(refused.body.error).toBe('bad_request');
    }
    expect((await t.http().get(`/api/tenants/${tenant.id}`).set(t.admin).expect(200)).body).toMatchObject({ enabled: true, max_messages_per_day: 500 });
  });

  it('answers DELETE with {success: true}', async () => {
    const { body: tenant } = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Gone Co' }).expect(201);
    await t.http().delete(`/api/tenants/${tenant.id}`).set(t.admin).expect(200, { success: true });
    await t.http().delete(`/api/tenants/${tenant.id}`).set(t.admin).expect(404);
  });

  it('reports usage with storage_mb and max_storage_mb, and warns at 80% and 100% of each limit', async () => {
    const tenant = await createTenantWithTokens(t, 'Busy Co');
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ max_messages_per_day: 5, max_users: 2 }).expect(200);
    for (let i = 0; i < 4; i++) await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: `Busy ${i}` })).expect(200);
    const usage = (await t.http().get(`/api/tenants/${tenant.id}/usage`).set(tenant.admin).expect(200)).body;
    expect(usage).toMatchObject({
      tenant_id: tenant.id,
      usage: { users: 2, domains: 0, messages_today: 4, storage_mb: expect.any(Number), storage_bytes: expect.any(Number) },
      limits: { max_users: 2, max_domains: 1, max_storage_mb: 1024, max_messages_per_day: 5 },
    });
    expect(usage.usage.storage_mb).toBeGreaterThan(0);
    expect(usage.warnings).toEqual([
      { limit: 'max_users', threshold: 100, used: 2, max: 2 },
      { limit: 'max_messages_per_day', threshold: 80, used: 4, max: 5 },
    ]);
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    const gauge = (limit: string, threshold: number) =>
      Number(new RegExp(`^inbound_tenants_at_limit\\{limit="${limit}",threshold="${threshold}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(gauge('max_messages_per_day', 80)).toBeGreaterThanOrEqual(1);
    expect(gauge('max_users', 100)).toBeGreaterThanOrEqual(1);
    expect(gauge('max_users', 80)).toBeGreaterThanOrEqual(gauge('max_users', 100));
  });

  it('enforces custom_domains by tier (professional and up, as in the guide)', async () => {
    const free = await createTenantWithTokens(t, 'No Domains Co');
    const refused = await t.http().post(`/api/tenants/${free.id}/domains`).set(free.admin).send({ domain: 'nodomains.example' }).expect(403);
    expect(refused.body.message).toMatch(/custom_domains/);
    await t.http().post('/api/tenants').set(t.admin).send({ name: 'Starter With Domain', tier: 'starter', domain: 'starter.example' }).expect(403);
    await t.http().put(`/api/tenants/${free.id}`).set(t.admin).send({ tier: 'professional' }).expect(200);
    await t.http().post(`/api/tenants/${free.id}/domains`).set(free.admin).send({ domain: 'nodomains.example' }).expect(201);
  });
});
