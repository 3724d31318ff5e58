import { DataSource } from 'typeorm';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

/** Issue 19 §4: operators see every mail; whatever was not filed can be run again. */
describe.each(ENGINES)('the operator sees every mail (%s)', (engine) => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp(engine);
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const operatorLog = async (query: string) => (await t.http().get(`/api/admin/email-processing-logs${query}`).set(t.admin).expect(200)).body;

  it('lists unrouted mail, and files it for the tenant it is assigned to', async () => {
    const tenant = await createTenantWithTokens(t, 'Assignee');
    const lost = await postSigned(t, buildMail({ to: 'typo-support@mail.test', subject: 'Lost in the void' })).expect(200);
    expect(lost.body).toMatchObject({ outcome: 'rejected', ticket_id: null });

    const unrouted = await operatorLog('?tenant_id=none&per_page=200');
    expect(unrouted.data.find((l: { id: number }) => l.id === lost.body.log_id)).toMatchObject({ tenant_id: null, outcome: 'rejected', subject: 'Lost in the void' });
    expect((await operatorLog('?per_page=200')).data.map((l: { id: number }) => l.id)).toContain(lost.body.log_id);
    expect((await operatorLog(`?tenant_id=${tenant.id}`)).data.map((l: { id: number }) => l.id)).not.toContain(lost.body.log_id);
    await t.http().get('/api/admin/email-processing-logs?tenant_id=abc').set(t.admin).expect(400);
    await t.http().get('/api/admin/email-processing-logs').set(tenant.admin).expect(403);

    const reprocess = (body: object) => t.http().post(`/api/admin/email-processing-logs/${lost.body.log_id}/reprocess`).set(t.admin).send(body);
    expect((await reprocess({}).expect(400)).body.message).toMatch(/tenant_id/);
    await reprocess({ tenant_id: 999_999 }).expect(422);
    await reprocess({ tenant_id: 'x' }).expect(400);
    const filed = await reprocess({ tenant_id: tenant.id }).expect(200);
    expect(filed.body).toMatchObject({ outcome: 'created' });
    const tickets = await t.http().get('/api/tickets').set(tenant.agent).expect(200);
    expect(tickets.body.data.map((x: { subject: string }) => x.subject)).toEqual(['Lost in the void']);
    const [original] = await db.query('SELECT resolved_at FROM email_processing_logs WHERE id = ?', [lost.body.log_id]);
    expect(original.resolved_at).not.toBeNull();
    await reprocess({ tenant_id: tenant.id }).expect(409);
    await t.http().post('/api/admin/email-processing-logs/999999/reprocess').set(t.admin).send({}).expect(404);
  });

  it('reprocesses rejected mail (a disabled tenant, enabled again) and ignored mail', async () => {
    const tenant = await createTenantWithTokens(t, 'Sleepy');
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ enabled: false }).expect(200);
    const refused = await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'While asleep' })).expect(200);
    expect(refused.body.outcome).toBe('rejected');
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ enabled: true }).expect(200);
    const again = await t.http().post(`/api/inbound/failed/${refused.body.log_id}/reprocess`).set(tenant.admin).expect(200);
    expect(again.body.outcome).toBe('created');

    const autoReply = await postSigned(t, buildMail({ to: tenant.inboundAddress, headers: { 'Auto-Submitted': 'auto-replied' } })).expect(200);
    expect(autoReply.body.outcome).toBe('ignored');
    const rerun = await t.http().post(`/api/inbound/failed/${autoReply.body.log_id}/reprocess`).set(tenant.admin).expect(200);
    // The same outcome again: its row says so, no second row.
    expect(rerun.body).toMatchObject({ outcome: 'ignored', log_id: autoReply.body.log_id });
    const [{ n }] = await db.query("SELECT COUNT(*) AS n FROM email_processing_logs WHERE tenant_id = ? AND outcome = 'ignored'", [tenant.id]);
    expect(Number(n)).toBe(1);

    const filedOne = (await postSigned(t, buildMail({ to: tenant.inboundAddress })).expect(200)).body;
    await t.http().post(`/api/inbound/failed/${filedOne.log_id}/reprocess`).set(tenant.admin).expect(409);
  });

  it('updates a failure\'s row when it fails again, and shows the From and Subject it could read', async () => {
    const tenant = await createTenantWithTokens(t, 'Broken Mail Co');
    const huge = buildMail({ to: tenant.inboundAddress, from: 'Big Sender <big@sender.example>', subject: 'Huge header', headers: { 'X-Filler': 'a'.repeat(1_100_000) } });
    const res = await postSigned(t, huge).expect(200);
    expect(res.body.outcome).toBe('failed');
    const failed = (await t.http().get('/api/inbound/failed').set(tenant.admin).expect(200)).body.data;
    expect(failed.find((l: { id: number }) => l.id === res.body.log_id)).toMatchObject({ from: 'big@sender.example', subject: 'Huge header' });
    const again = await t.http().post(`/api/inbound/failed/${res.body.log_id}/reprocess`).set(tenant.admin).expect(200);
    expect(again.body).toMatchObject({ outcome: 'failed', log_id: res.body.log_id });
    const [{ n }] = await db.query("SELECT COUNT(*) AS n FROM email_processing_logs WHERE tenant_id = ? AND outcome = 'failed'", [tenant.id]);
    expect(Number(n)).toBe(1);
  });
});
