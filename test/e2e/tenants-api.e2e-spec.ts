import { DnsLookup } from '../../src/tenants/dns-lookup';
import { bearer, createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

describe.each(ENGINES)('tenants, tokens and e-mail settings API on %s', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves /health without a token', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  describe('authentication', () => {
    it('refuses requests without a token', async () => {
      const res = await t.http().get('/api/tenants').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'unauthorized' });
      expect(res.body.message).toMatch(/bearer token/i);
    });

    it('refuses a wrong token', async () => {
      await t.http().get('/api/tenants').set(bearer('not-the-admin-token')).expect(401);
    });

    it('refuses a tenant token on platform-admin routes', async () => {
      const tenant = await createTenantWithTokens(t, 'Auth Check');
      const res = await t.http().get('/api/tenants').set(tenant.agent).expect(403);
      expect(res.body.error).toBe('forbidden');
    });

    it('refuses a revoked token', async () => {
      const tenant = await createTenantWithTokens(t, 'Revoker');
      await t.http().get('/api/email-settings').set(tenant.admin).expect(200);
      const tokens = await t.http().get(`/api/tenants/${tenant.id}/tokens`).set(t.admin).expect(200);
      const adminToken = tokens.body.data.find((tk: { role: string }) => tk.role === 'tenant_admin');
      expect(tokens.body.data.every((tk: Record<string, unknown>) => !('token' in tk) && !('token_hash' in tk))).toBe(true);
      await t.http().delete(`/api/tenants/${tenant.id}/tokens/${adminToken.id}`).set(t.admin).expect(200);
      await t.http().get('/api/email-settings').set(tenant.admin).expect(401);
    });

    it('refuses every token of a disabled tenant and accepts them again when re-enabled', async () => {
      const tenant = await createTenantWithTokens(t, 'Sleeper');
      await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ status: 'disabled' }).expect(200);
      await t.http().get('/api/email-settings').set(tenant.admin).expect(403);
      await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ status: 'active' }).expect(200);
      await t.http().get('/api/email-settings').set(tenant.admin).expect(200);
    });

    it('stores only a hash of each token', async () => {
      const tenant = await createTenantWithTokens(t, 'Hashed');
      const ds = t.app.get(require('typeorm').DataSource);
      const rows: { token_hash: string }[] = await ds.query('SELECT token_hash FROM api_tokens WHERE tenant_id = ?', [tenant.id]);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.token_hash).toMatch(/^[a-f0-9]{64}$/);
        expect([tenant.agentToken, tenant.adminToken]).not.toContain(row.token_hash);
      }
    });
  });

  describe('tenants', () => {
    it('creates a tenant with a unique inbound address and its first domain', async () => {
      const res = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Acme GmbH', tier: 'professional', domain: 'Acme.Example' }).expect(201);
      expect(res.body).toMatchObject({
        name: 'Acme GmbH',
        slug: 'acme-gmbh',
        tier: 'professional',
        status: 'active',
        enabled: true,
        inbound_email_address: 'tenant-acme-gmbh@mail.test',
        domain: 'acme.example',
        domains: ['acme.example'],
        limits: { max_users: 100, max_domains: 10, max_storage_mb: 102_400, max_messages_per_day: 10_000 },
      });
      const again = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Acme GmbH' }).expect(409);
      expect(again.body.message).toMatch(/slug/);
    });

    it('lists, reads, updates and deletes tenants', async () => {
      const created = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Lifecycle', tier: 'starter' }).expect(201);
      const list = await t.http().get('/api/tenants?per_page=200').set(t.admin).expect(200);
      expect(list.body.data.map((x: { id: number }) => x.id)).toContain(created.body.id);
      const updated = await t.http().put(`/api/tenants/${created.body.id}`).set(t.admin).send({ tier: 'enterprise', name: 'Lifecycle Ltd' }).expect(200);
      expect(updated.body).toMatchObject({ tier: 'enterprise', name: 'Lifecycle Ltd', limits: { max_users: -1 } });
      await t.http().delete(`/api/tenants/${created.body.id}`).set(t.admin).expect(200, { success: true });
      await t.http().get(`/api/tenants/${created.body.id}`).set(t.admin).expect(404);
    });

    it('deletes all data of a deleted tenant', async () => {
      const tenant = await createTenantWithTokens(t, 'Doomed');
      await t.http().delete(`/api/tenants/${tenant.id}`).set(t.admin).expect(200);
      const ds = t.app.get(require('typeorm').DataSource);
      for (const table of ['email_settings', 'api_tokens', 'users', 'tenant_domains']) {
        const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = ?`, [tenant.id]);
        expect(Number(n)).toBe(0);
      }
      await t.http().get('/api/email-settings').set(tenant.admin).expect(401);
    });

    it('enforces the limit on domains, the tenant\'s own override first', async () => {
      const res = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Free One', tier: 'professional', domain: 'free-one.example' }).expect(201);
      await t.http().put(`/api/tenants/${res.body.id}`).set(t.admin).send({ max_domains: 1 }).expect(200);
      const second = await t.http().post(`/api/tenants/${res.body.id}/domains`).set(t.admin).send({ domain: 'second.example' }).expect(422);
      expect(second.body).toMatchObject({ error: 'limit_exceeded', details: { limit: 'max_domains', max: 1, current: 1 } });
      await t.http().put(`/api/tenants/${res.body.id}`).set(t.admin).send({ max_domains: null }).expect(200);
      await t.http().post(`/api/tenants/${res.body.id}/domains`).set(t.admin).send({ domain: 'second.example' }).expect(201);
      const domains = await t.http().get(`/api/tenants/${res.body.id}/domains`).set(t.admin).expect(200);
      expect(domains.body.data.map((d: { domain: string }) => d.domain)).toEqual(['free-one.example', 'second.example']);
    });

    it('refuses a domain that another tenant holds (has verified)', async () => {
      const holder = await t.http().post('/api/tenants').set(t.admin).send({ name: 'Holder', tier: 'professional', domain: 'held.example' }).expect(201);
      const [claim] = (await t.http().get(`/api/tenants/${holder.body.id}/domains`).set(t.admin).expect(200)).body.data;
      t.app.get(DnsLookup).resolver = {
        resolve4: async () => [],
        resolveMx: async () => [],
        resolveTxt: async (name: string) => (name === claim.verification.name ? [[claim.verification.value]] : []),
      };
      await t.http().post(`/api/tenants/${holder.body.id}/domains/${claim.id}/verify`).set(t.admin).expect(200);
      await t.http().post('/api/tenants').set(t.admin).send({ name: 'Grabber', tier: 'professional', domain: 'held.example' }).expect(409);
      const grabber = await t.http().get('/api/tenants?per_page=200').set(t.admin).expect(200);
      expect(grabber.body.data.find((x: { slug: string }) => x.slug === 'grabber')).toBeUndefined();
    });

    it('enforces the tier limit on users, counting token holders', async () => {
      const tenant = await createTenantWithTokens(t, 'Crowded');
      for (let i = 0; i < 3; i++) {
        await t.http().post(`/api/tenants/${tenant.id}/users`).set(t.admin).send({ name: `Agent ${i}`, role: 'agent' }).expect(201);
      }
      const sixth = await t.http().post(`/api/tenants/${tenant.id}/tokens`).set(t.admin).send({ role: 'agent', name: 'One too many' }).expect(422);
      expect(sixth.body.details).toMatchObject({ limit: 'max_users', max: 5, current: 5 });
      const usage = await t.http().get(`/api/tenants/${tenant.id}/usage`).set(t.admin).expect(200);
      expect(usage.body).toMatchObject({
        tier: 'free',
        usage: { users: 5, domains: 0, messages_today: 0 },
        limits: { max_users: 5 },
        percentages: { users: 100 },
      });
    });

    it('lets a tenant admin manage its own tenant but not another', async () => {
      const mine = await createTenantWithTokens(t, 'Mine');
      const other = await createTenantWithTokens(t, 'Other');
      await t.http().get(`/api/tenants/${mine.id}`).set(mine.admin).expect(200);
      await t.http().post(`/api/tenants/${mine.id}/tokens`).set(mine.admin).send({ role: 'agent', name: 'Helper' }).expect(201);
      await t.http().get(`/api/tenants/${other.id}`).set(mine.admin).expect(404);
      await t.http().get(`/api/tenants/${other.id}/email-settings`).set(mine.admin).expect(404);
      await t.http().post(`/api/tenants/${other.id}/tokens`).set(mine.admin).send({ role: 'agent', name: 'Intruder' }).expect(404);
      await t.http().get(`/api/tenants/${mine.id}`).set(mine.agent).expect(403);
    });
  });

  describe('validation', () => {
    it.each([
      ['unknown field', { name: 'X', colour: 'red' }, /colour: unknown field/],
      ['wrong type', { name: 42 }, /name must be a string/],
      ['unknown tier', { name: 'X', tier: 'gold' }, /tier must be one of/],
      ['bad domain', { name: 'X', domain: 'not a domain' }, /domain must be a domain name/],
      ['bad slug', { name: 'X', slug: 'Bad Slug!' }, /slug must be/],
      ['plus in local part', { name: 'X', inbound_email_local_part: 'a+b' }, /inbound_email_local_part/],
    ])('answers 400 naming the field for %s and writes nothing', async (_, body, message) => {
      const before = await t.http().get('/api/tenants?per_page=200').set(t.admin).expect(200);
      const res = await t.http().post('/api/tenants').set(t.admin).send(body).expect(400);
      expect(res.body.message).toMatch(message);
      const after = await t.http().get('/api/tenants?per_page=200').set(t.admin).expect(200);
      expect(after.body.total).toBe(before.body.total);
    });

    it('answers 400 for malformed JSON', async () => {
      const res = await t.http().post('/api/tenants').set(t.admin).set('Content-Type', 'application/json').send('{"name":').expect(400);
      expect(res.body.error).toBe('bad_request');
    });

    it('answers 400 for a non-numeric id', async () => {
      await t.http().get('/api/tenants/abc').set(t.admin).expect(400);
    });

    it.each([
      [{ smtp_port: 70000 }, /smtp_port must not be greater than 65535/],
      [{ smtp_security: 'ssl3' }, /smtp_security must be one of/],
      [{ from_address: 'nope' }, /from_address must be an e-mail address/],
      [{ from_name: 'Evil\r\nBcc: x@example.com' }, /from_name must be one line/],
      [{ smtp_password: 123 }, /smtp_password must be a string/],
    ])('refuses e-mail settings %j', async (body, message) => {
      const tenant = await createTenantWithTokens(t, `Settings ${JSON.stringify(body).replace(/\W/g, '')}`);
      const res = await t.http().put('/api/email-settings').set(tenant.admin).send(body).expect(400);
      expect(res.body.message).toMatch(message);
    });
  });

  describe('e-mail settings', () => {
    it('stores the SMTP password encrypted and never returns it', async () => {
      const tenant = await createTenantWithTokens(t, 'Secretive');
      const password = 'pl41n-SMTP-p4ssw0rd';
      const put = await t.http()
        .put('/api/email-settings')
        .set(tenant.admin)
        .send({ smtp_host: 'smtp.secretive.example', smtp_port: 587, smtp_security: 'starttls', smtp_username: 'bot', smtp_password: password, from_address: 'help@secretive.example', from_name: 'Secretive Help' })
        .expect(200);
      expect(JSON.stringify(put.body)).not.toContain(password);
      expect(put.body).toMatchObject({ smtp_host: 'smtp.secretive.example', smtp_password_set: true });
      expect(put.body).not.toHaveProperty('smtp_password');

      for (const path of ['/api/email-settings']) {
        const res = await t.http().get(path).set(tenant.admin).expect(200);
        expect(JSON.stringify(res.body)).not.toContain(password);
      }
      const viaAdmin = await t.http().get(`/api/tenants/${tenant.id}/email-settings`).set(t.admin).expect(200);
      expect(JSON.stringify(viaAdmin.body)).not.toContain(password);

      const ds = t.app.get(require('typeorm').DataSource);
      const [row] = await ds.query('SELECT smtp_password_encrypted FROM email_settings WHERE tenant_id = ?', [tenant.id]);
      expect(row.smtp_password_encrypted).toMatch(/^v1:/);
      expect(row.smtp_password_encrypted).not.toContain(password);

      const cleared = await t.http().put('/api/email-settings').set(tenant.admin).send({ smtp_password: null }).expect(200);
      expect(cleared.body.smtp_password_set).toBe(false);
    });

    it('lets the admin change the local part but never to an address another tenant holds', async () => {
      const a = await createTenantWithTokens(t, 'Alpha');
      const b = await createTenantWithTokens(t, 'Beta');
      const res = await t.http().put('/api/email-settings').set(a.admin).send({ inbound_email_local_part: 'alpha-help' }).expect(200);
      expect(res.body.inbound_email_address).toBe('alpha-help@mail.test');
      const clash = await t.http().put('/api/email-settings').set(b.admin).send({ inbound_email_local_part: 'alpha-help' }).expect(409);
      expect(clash.body.message).toMatch(/already taken/);
      const still = await t.http().get('/api/email-settings').set(b.admin).expect(200);
      expect(still.body.inbound_email_address).toBe(b.inboundAddress);
    });

    it('keeps agents out of the settings and tenants out of each other', async () => {
      const a = await createTenantWithTokens(t, 'Gamma');
      const b = await createTenantWithTokens(t, 'Delta');
      await t.http().get('/api/email-settings').set(a.agent).expect(403);
      await t.http().get(`/api/tenants/${b.id}/email-settings`).set(a.agent).expect(403);
      await t.http().get(`/api/tenants/${b.id}/email-settings`).set(a.admin).expect(404);
    });
  });
});
