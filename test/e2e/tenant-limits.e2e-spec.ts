import { DataSource } from 'typeorm';
import { HeldMailRelease } from '../../src/inbound/held-mail-release';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

/** Issue 19 §3: no customer mail is lost at a limit; it is held, visible, and released. */
describe.each(ENGINES)('tenant limits hold mail, never drop it (%s)', (engine) => {
  let t: TestApp;
  let db: DataSource;
  const DAY_REASON = /^held: over the starter tier's 2 messages per day/;

  beforeAll(async () => {
    t = await startTestApp(engine, { INBOUND_NEW_TICKETS_PER_SENDER_PER_HOUR: '3' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t?.close());

  const limited = async (name: string, limits: Record<string, number>) => {
    const tenant = await createTenantWithTokens(t, name, { tier: 'starter' });
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send(limits).expect(200);
    return tenant;
  };
  const send = async (tenant: Tenant, spec: Partial<Parameters<typeof buildMail>[0]> = {}) =>
    (await postSigned(t, buildMail({ to: tenant.inboundAddress, ...spec })).expect(200)).body;
  const logRow = async (tenant: Tenant, id: number) =>
    (await t.http().get('/api/email-processing-logs?per_page=200').set(tenant.admin).expect(200)).body.data.find((l: { id: number }) => l.id === id);

  it('holds new-ticket mail over the daily limit (2xx, status held), files replies, and the admin releases it', async () => {
    const tenant = await limited('Daily Co', { max_messages_per_day: 2 });
    const first = await send(tenant, { messageId: '<daily-1@example.com>', from: 'a@example.com' });
    await send(tenant, { from: 'b@example.com' });
    const over = await send(tenant, { subject: 'Third new ticket', from: 'c@example.com' });
    expect(over).toMatchObject({ outcome: 'held', ticket_id: null });
    expect(over.reason).toMatch(DAY_REASON);
    const reply = await send(tenant, { inReplyTo: '<daily-1@example.com>', from: 'a@example.com' });
    expect(reply).toMatchObject({ outcome: 'appended', ticket_id: first.ticket_id });

    expect(await logRow(tenant, over.log_id)).toMatchObject({ outcome: 'held', subject: 'Third new ticket', from: 'c@example.com', resolved_at: null });
    const waiting = await t.http().get('/api/email-processing-logs?status=held').set(tenant.admin).expect(200);
    expect(waiting.body.data.map((l: { id: number }) => l.id)).toEqual([over.log_id]);

    const released = await t.http().post(`/api/inbound/failed/${over.log_id}/reprocess`).set(tenant.admin).expect(200);
    expect(released.body).toMatchObject({ outcome: 'created' });
    expect((await logRow(tenant, over.log_id)).resolved_at).not.toBeNull();
    await t.http().post(`/api/inbound/failed/${over.log_id}/reprocess`).set(tenant.admin).expect(409);
  });

  it('releases held mail by itself once the day rolls over, within the new day\'s limit', async () => {
    const tenant = await limited('Rollover Co', { max_messages_per_day: 1 });
    await send(tenant, { from: 'a@example.com' });
    const heldA = await send(tenant, { from: 'b@example.com', subject: 'Held A' });
    const heldB = await send(tenant, { from: 'c@example.com', subject: 'Held B' });
    expect([heldA.outcome, heldB.outcome]).toEqual(['held', 'held']);
    const release = t.app.get(HeldMailRelease);
    // Still the same day: nothing is due.
    expect(await release.releaseDue(new Date())).toBe(0);

    // The next day: yesterday's count no longer applies; one fits the new day, the other waits again.
    await db.query("UPDATE tenant_usage SET day = '2000-01-01' WHERE tenant_id = ?", [tenant.id]);
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    expect(await release.releaseDue(tomorrow)).toBe(1);
    expect((await logRow(tenant, heldA.log_id)).resolved_at).not.toBeNull();
    const stillHeld = await logRow(tenant, heldB.log_id);
    expect(stillHeld).toMatchObject({ outcome: 'held', resolved_at: null });
    const [{ n }] = await db.query("SELECT COUNT(*) AS n FROM email_processing_logs WHERE tenant_id = ? AND outcome = 'held'", [tenant.id]);
    expect(Number(n)).toBe(2); // held again rewrote its row rather than adding one
    const tickets = await t.http().get('/api/tickets').set(tenant.agent).expect(200);
    expect(tickets.body.data.map((x: { subject: string }) => x.subject)).toContain('Held A');
  });

  it('throttles one flooding sender (held) without touching other senders or its replies', async () => {
    const tenant = await createTenantWithTokens(t, 'Flooded Co', { tier: 'starter' });
    const flood = [];
    for (let i = 0; i < 4; i++) flood.push(await send(tenant, { from: 'flood@spam.example', subject: `Flood ${i}`, messageId: `<flood-${i}@spam.example>` }));
    expect(flood.map((r) => r.outcome)).toEqual(['created', 'created', 'created', 'held']);
    expect(flood[3].reason).toBe('held: flood@spam.example opened 3 tickets in the last hour; released an hour later');
    expect((await send(tenant, { from: 'someone@else.example' })).outcome).toBe('created');
    expect((await send(tenant, { from: 'flood@spam.example', inReplyTo: '<flood-0@spam.example>' })).outcome).toBe('appended');
  });

  it('holds new-ticket mail when the storage limit is used up', async () => {
    const tenant = await limited('Storage Co', { max_storage_mb: 1 });
    await db.query("INSERT INTO tenant_usage (tenant_id, day, messages_in, messages_out, bytes_stored) VALUES (?, '2000-01-01', 0, 0, ?)", [tenant.id, 1024 * 1024 - 100]);
    expect((await send(tenant, { messageId: '<storage-1@example.com>' })).outcome).toBe('created');
    const held = await send(tenant);
    expect(held).toMatchObject({ outcome: 'held', reason: "held: the starter tier's storage of 1 MB is used up" });
    expect((await send(tenant, { inReplyTo: '<storage-1@example.com>' })).outcome).toBe('appended');
  });

  it('shows a held message\'s headers and its .eml to its own tenant admin only', async () => {
    const tenant = await limited('Judge Co', { max_messages_per_day: 0 });
    const other = await createTenantWithTokens(t, 'Other Judge');
    const held = await send(tenant, { subject: 'Is this spam?', headers: { 'X-Spam-Score': '4.2' } });
    const headers = await t.http().get(`/api/email-processing-logs/${held.log_id}/headers`).set(tenant.admin).expect(200);
    expect(headers.body.headers).toEqual(expect.arrayContaining([{ name: 'Subject', value: 'Is this spam?' }, { name: 'X-Spam-Score', value: '4.2' }]));
    const eml = await t.http().get(`/api/email-processing-logs/${held.log_id}/raw`).set(tenant.admin).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(eml.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(eml.headers['content-disposition']).toBe(`attachment; filename="message-${held.log_id}.eml"`);
    expect((eml.body as Buffer).toString()).toContain('Subject: Is this spam?');
    await t.http().get(`/api/email-processing-logs/${held.log_id}/headers`).set(other.admin).expect(404);
    await t.http().get(`/api/email-processing-logs/${held.log_id}/raw`).set(other.admin).expect(404);
    await t.http().get(`/api/email-processing-logs/${held.log_id}/raw`).set(tenant.agent).expect(403);
  });
});
