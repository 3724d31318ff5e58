import { DataSource } from 'typeorm';
import { AuditLogService } from '../../src/audit/audit-log.service';
import { signIn } from '../support/accounts';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, Engine, ENGINES, startTestApp, TestApp } from '../support/test-app';

const PASSWORD = 'correct horse battery';

interface Entry {
  action: string;
  tenant_id: number | null;
  actor: { kind: string; id: number | null; name: string | null };
  target: { type: string; id: string } | null;
  changes: Record<string, unknown> | null;
  ip: string | null;
}

describe.each(ENGINES)('audit log (%s)', (engine: Engine) => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let other: Awaited<ReturnType<typeof createTenantWithTokens>>;

  beforeAll(async () => {
    t = await startTestApp(engine);
    acme = await createTenantWithTokens(t, 'Acme', { tier: 'starter' });
    other = await createTenantWithTokens(t, 'Other');
  });
  afterAll(() => t?.close());

  const log = async (as: Record<string, string>, query = '') => (await t.http().get(`/api/audit-log${query}`).set(as).expect(200)).body as { data: Entry[]; total: number };
  const find = (entries: Entry[], action: string) => entries.find((e) => e.action === action);

  it('records sign-in and its failures with actor, tenant, target and address, never the password', async () => {
    await t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email: 'alice@acme.test', name: 'Alice', role: 'agent', password: PASSWORD }).expect(201);
    await t.http().post('/api/auth/login').set('X-Forwarded-For', '203.0.113.9').send({ email: 'alice@acme.test', password: 'a wrong password' }).expect(401);
    const alice = await signIn(t, 'alice@acme.test', PASSWORD);
    await t.http().post('/api/auth/logout').set('Cookie', alice.cookie).set('X-CSRF-Token', alice.csrf).expect(204);

    const { data } = await log(acme.admin, '?action=user.');
    expect(find(data, 'user.created')).toMatchObject({ tenant_id: acme.id, actor: { kind: 'token', name: 'Acme admin' }, target: { type: 'user' } });
    expect(find(data, 'user.login_failed')).toMatchObject({ tenant_id: acme.id, actor: { kind: 'anonymous' }, target: { type: 'account', id: 'alice@acme.test' }, ip: '203.0.113.9' });
    expect(find(data, 'user.login')).toMatchObject({ tenant_id: acme.id, actor: { kind: 'user', name: 'Alice' }, target: { type: 'user' } });
    expect(find(data, 'user.logout')).toMatchObject({ actor: { kind: 'user', name: 'Alice' } });
    expect(JSON.stringify(data)).not.toMatch(/wrong password|correct horse/);
  });

  it('records settings with the changed fields before and after, secrets only as changed', async () => {
    await t.http().put('/api/email-settings').set(acme.admin).send({ from_name: 'Acme Support', smtp_host: 'smtp.acme.example', smtp_port: 587, smtp_username: 'u', smtp_password: 'hunter2-secret' }).expect(200);
    const entry = find((await log(acme.admin, '?action=email_settings.updated')).data, 'email_settings.updated')!;
    expect(entry.changes).toMatchObject({ from_name: { before: null, after: 'Acme Support' }, smtp_host: { before: null, after: 'smtp.acme.example' }, smtp_password: { changed: true } });
    expect(JSON.stringify(entry)).not.toContain('hunter2');
  });

  it('records tenants, tiers, tokens, domains and tickets with their targets', async () => {
    await t.http().put(`/api/tenants/${acme.id}`).set(t.admin).send({ tier: 'professional' }).expect(200);
    const token = await t.http().post(`/api/tenants/${acme.id}/tokens`).set(acme.admin).send({ role: 'agent', name: 'CRM sync' }).expect(201);
    await t.http().delete(`/api/tenants/${acme.id}/tokens/${token.body.id}`).set(acme.admin).expect(200);
    const domain = await t.http().post(`/api/tenants/${acme.id}/domains`).set(acme.admin).send({ domain: 'acme.example' }).expect(201);
    const ticket = await postSigned(t, buildMail({ to: acme.inboundAddress, subject: 'Help' })).expect(200);
    await t.http().patch(`/api/tickets/${ticket.body.ticket_id}`).set(acme.agent).send({ status: 'closed' }).expect(200);

    const { data } = await log(acme.admin);
    expect(find(data, 'tenant.updated')).toMatchObject({ tenant_id: acme.id, actor: { kind: 'bootstrap', name: 'ADMIN_API_TOKEN' }, changes: { tier: { before: 'starter', after: 'professional' } } });
    expect(find(data, 'token.created')).toMatchObject({ target: { type: 'token', id: String(token.body.id) } });
    expect(find(data, 'token.revoked')).toMatchObject({ target: { type: 'token', id: String(token.body.id) } });
    expect(find(data, 'domain.added')).toMatchObject({ target: { type: 'domain', id: String(domain.body.id) } });
    expect(find(data, 'ticket.updated')).toMatchObject({ actor: { kind: 'token', name: 'Acme agent' }, target: { type: 'ticket', id: String(ticket.body.ticket_id) }, changes: { status: { before: 'open', after: 'closed' } } });
    expect(JSON.stringify(data)).not.toContain(token.body.token);
  });

  it('shows tenant admins their own tenant only, operators all with filters and paging; agents nothing', async () => {
    await t.http().put('/api/email-settings').set(other.admin).send({ from_name: 'Other Support' }).expect(200);
    const mine = await log(acme.admin);
    expect(mine.data.every((e) => e.tenant_id === acme.id)).toBe(true);
    expect((await log(acme.admin, `?tenant_id=${other.id}`)).data.every((e) => e.tenant_id === acme.id)).toBe(true);
    const all = await log(t.admin, '?per_page=200');
    expect(all.data.some((e) => e.tenant_id === other.id) && all.data.some((e) => e.tenant_id === acme.id)).toBe(true);
    expect((await log(t.admin, `?tenant_id=${other.id}`)).data.every((e) => e.tenant_id === other.id)).toBe(true);
    const firstPage = await log(t.admin, '?per_page=2');
    const second = await log(t.admin, '?per_page=2&page=2');
    expect(firstPage.data).toHaveLength(2);
    expect(second.data[0]).not.toEqual(firstPage.data[0]);
    expect(firstPage.total).toBe(all.total);
    await t.http().get('/api/audit-log').set(acme.agent).expect(403);
    await t.http().get('/api/audit-log?per_page=0').set(t.admin).expect(400);
  });

  it('forgets entries past the retention', async () => {
    const db = t.app.get(DataSource);
    await db.query("INSERT INTO audit_log (tenant_id, actor_kind, action, created_at) VALUES (?, 'bootstrap', 'tenant.ancient', ?)", [acme.id, '2020-01-01 00:00:00.000']);
    expect((await log(t.admin, '?action=tenant.ancient')).total).toBe(1);
    await expect(t.app.get(AuditLogService).sweep()).resolves.toBeGreaterThanOrEqual(1);
    expect((await log(t.admin, '?action=tenant.ancient')).total).toBe(0);
  });
});
