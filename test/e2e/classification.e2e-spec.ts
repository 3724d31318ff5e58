import { DataSource } from 'typeorm';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

// Issue 19, part 2, through the webhook: Exchange auto-replies without an RFC 3834 header,
// X-Auto-Response-Suppress on ordinary mail, and a null Return-Path that is no bounce.
describe.each(ENGINES)('classification gaps on %s', (engine) => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const acknowledgements = async () => Number((await t.app.get(DataSource).query("SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND kind = 'acknowledgement'", [tenant.id]))[0].n);
  const post = async (spec: Omit<Parameters<typeof buildMail>[0], 'to'>) => (await postSigned(t, buildMail({ to: tenant.inboundAddress, ...spec })).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp(engine);
    tenant = await createTenantWithTokens(t, `Classify ${engine}`, { tier: 'starter' });
    await t.http().put('/api/email-settings').set(tenant.admin).send({ auto_acknowledge: true }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes an Exchange out-of-office reply by its localised subject and Exchange header: ignored alone, appended without reopening on its ticket', async () => {
    const first = await post({ from: 'jana@kunde.example', subject: 'Rechnung falsch', messageId: '<rechnung-1@kunde.example>' });
    await t.http().patch(`/api/tickets/${first.ticket_id}`).set(tenant.agent).send({ status: 'closed' }).expect(200);
    const exchange = { 'X-Auto-Response-Suppress': 'All', 'X-MS-Exchange-Organization-SCL': '-1' };
    const alone = await post({ from: 'jana@kunde.example', subject: 'Automatische Antwort: Ihre Bestellung', headers: exchange });
    expect(alone).toMatchObject({ outcome: 'ignored', reason: 'auto-reply that belongs to no ticket' });
    const onTicket = await post({ from: 'jana@kunde.example', subject: 'Réponse automatique : Rechnung falsch', inReplyTo: '<rechnung-1@kunde.example>', headers: exchange });
    expect(onTicket).toMatchObject({ outcome: 'appended', ticket_id: first.ticket_id, reason: 'auto-reply threaded by references' });
    const ticket = await t.http().get(`/api/tickets/${first.ticket_id}`).set(tenant.agent).expect(200);
    expect(ticket.body.status).toBe('closed');
    expect(ticket.body.messages.at(-1)).toMatchObject({ is_auto_reply: true });
  });

  it('files an ordinary mail that asks for no auto-responses (X-Auto-Response-Suppress), without acknowledging it', async () => {
    const before = await acknowledgements();
    const res = await post({ from: 'bea@firma.example', subject: 'Frage zum Angebot', headers: { 'X-Auto-Response-Suppress': 'DR, OOF, AutoReply' } });
    expect(res.outcome).toBe('created');
    expect(await acknowledgements()).toBe(before);
    const plain = await post({ from: 'bea@firma.example', subject: 'Noch eine Frage' });
    expect(plain.outcome).toBe('created');
    expect(await acknowledgements()).toBe(before + 1);
  });

  it('files a person\'s "Automatic reply:" subject, and mail with Return-Path: <> that is no bounce', async () => {
    expect((await post({ from: 'tom@customer.example', subject: 'Automatic reply: how do I turn it off?' })).outcome).toBe('created');
    const newsletter = await post({ from: 'news@shop.example', subject: 'Fwd: Our winter sale', headers: { 'Return-Path': '<>', 'List-Id': '<news.shop.example>' } });
    expect(newsletter.outcome).toBe('created');
    const ticket = await t.http().get(`/api/tickets/${newsletter.ticket_id}`).set(tenant.agent).expect(200);
    expect(ticket.body.messages[0]).toMatchObject({ is_bounce: false, is_auto_reply: false });
  });
});
