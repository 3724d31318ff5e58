import { DataSource } from 'typeorm';
import { signIn } from '../support/accounts';
import { buildMail, postSigned } from '../support/mail';
import { waitFor } from '../support/services';
import { startSmtpSink, SmtpSink } from '../support/smtp-sink';
import { createTenantWithTokens, Engine, ENGINES, startTestApp, TestApp } from '../support/test-app';

const PASSWORD = 'correct horse battery';

describe.each(ENGINES)('ticket ownership and the agent’s name on replies (%s)', (engine: Engine) => {
  let t: TestApp;
  let relay: SmtpSink;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let ticketId: number;
  let aliceId: number;
  let bobId: number;

  beforeAll(async () => {
    relay = await startSmtpSink({ authOptional: true });
    t = await startTestApp(engine, { MAIL_DEV_SMTP_HOST: '127.0.0.1', MAIL_DEV_SMTP_PORT: String(relay.port), OUTBOX_POLL_INTERVAL_MS: '100' });
    acme = await createTenantWithTokens(t, 'Acme', { tier: 'starter' });
    const user = (email: string, name: string) =>
      t.http().post(`/api/tenants/${acme.id}/users`).set(acme.admin).send({ email, name, role: 'agent', password: PASSWORD }).expect(201);
    aliceId = (await user('alice@acme.test', 'Alice')).body.id;
    bobId = (await user('bob@acme.test', 'Bob')).body.id;
    ticketId = (await postSigned(t, buildMail({ to: acme.inboundAddress, subject: 'Printer on fire', from: 'Carl <carl@customer.example>' })).expect(200)).body.ticket_id;
  });
  afterAll(async () => {
    await t?.close();
    await relay?.close();
  });

  it('assigns within the tenant and lists Mine and Unassigned', async () => {
    const alice = await signIn(t, 'alice@acme.test', PASSWORD);
    const asAlice = { Cookie: alice.cookie, 'X-CSRF-Token': alice.csrf };
    const team = (await t.http().get('/api/team').set(asAlice).expect(200)).body.data;
    expect(team).toEqual(expect.arrayContaining([{ id: aliceId, name: 'Alice', role: 'agent' }, { id: bobId, name: 'Bob', role: 'agent' }]));
    const list = async (assignee: string, headers: Record<string, string> = asAlice) =>
      (await t.http().get(`/api/tickets?assignee=${assignee}`).set(headers).expect(200)).body.data.map((x: { id: number }) => x.id);

    expect(await list('none')).toContain(ticketId);
    expect(await list('me')).toEqual([]);
    const assigned = await t.http().patch(`/api/tickets/${ticketId}`).set(asAlice).send({ assignee_user_id: aliceId }).expect(200);
    expect(assigned.body.assignee_user_id).toBe(aliceId);
    expect(await list('me')).toEqual([ticketId]);
    expect(await list('none')).not.toContain(ticketId);
    expect(await list(String(aliceId), acme.agent)).toEqual([ticketId]);
    expect(await list('me', acme.agent)).toEqual([]);
    await t.http().get('/api/tickets?assignee=someone').set(asAlice).expect(400);

    const other = await createTenantWithTokens(t, 'Other');
    const stranger = (await t.http().post(`/api/tenants/${other.id}/users`).set(other.admin).send({ name: 'Stranger', role: 'agent' }).expect(201)).body.id;
    await t.http().patch(`/api/tickets/${ticketId}`).set(asAlice).send({ assignee_user_id: stranger }).expect(422);
    const audit = (await t.http().get('/api/audit-log?action=ticket.updated').set(acme.admin).expect(200)).body.data[0];
    expect(audit.changes).toEqual({ assignee_user_id: { before: null, after: aliceId } });
  });

  it('signs a person’s reply with their name (the tenant’s template), an integration’s with the team name', async () => {
    const alice = await signIn(t, 'alice@acme.test', PASSWORD);
    await t.http().post(`/api/tickets/${ticketId}/reply`).set({ Cookie: alice.cookie, 'X-CSRF-Token': alice.csrf }).send({ body_text: 'On it.' }).expect(202);
    await t.http().post(`/api/tickets/${ticketId}/reply`).set(acme.agent).send({ body_text: 'Automated update.' }).expect(202);
    await t.http().put('/api/email-settings').set(acme.admin).send({ reply_from_name_template: '{agent} | {team}', from_name: 'Acme Support' }).expect(200);
    await t.http().post(`/api/tickets/${ticketId}/reply`).set({ Cookie: alice.cookie, 'X-CSRF-Token': alice.csrf }).send({ body_text: 'Fixed.' }).expect(202);
    const sent = await relay.waitForMessages(3, 20_000);
    const fromOf = (text: string) => /^From: (.*)$/m.exec(sent.find((m) => m.raw.toString().includes(text))!.raw.toString())![1];
    expect(fromOf('On it.')).toMatch(/^"?Alice at Acme"? </);
    expect(fromOf('Automated update.')).toMatch(/^"?Acme"? </);
    expect(fromOf('Fixed.')).toMatch(/^"?Alice \| Acme Support"? </);
  });

  it('keeps internal notes on the ticket, apart from the mail, never sent', async () => {
    const alice = await signIn(t, 'alice@acme.test', PASSWORD);
    const sentBefore = relay.messages.length;
    const note = await t.http().post(`/api/tickets/${ticketId}/notes`).set({ Cookie: alice.cookie, 'X-CSRF-Token': alice.csrf }).send({ body: 'Customer is a VIP.\nCall before closing.' }).expect(201);
    expect(note.body).toMatchObject({ ticket_id: ticketId, author: { user_id: aliceId, name: 'Alice' }, body: 'Customer is a VIP.\nCall before closing.' });
    await t.http().post(`/api/tickets/${ticketId}/notes`).set(acme.agent).send({ body: '   ' }).expect(400);
    await t.http().post(`/api/tickets/999999/notes`).set(acme.agent).send({ body: 'x' }).expect(404);
    const notes = (await t.http().get(`/api/tickets/${ticketId}/notes`).set(acme.agent).expect(200)).body.data;
    expect(notes.map((n: { body: string }) => n.body)).toEqual(['Customer is a VIP.\nCall before closing.']);
    const ticket = (await t.http().get(`/api/tickets/${ticketId}`).set(acme.agent).expect(200)).body;
    expect(JSON.stringify(ticket.messages)).not.toContain('VIP');
    const other = await createTenantWithTokens(t, 'Nosy');
    await t.http().get(`/api/tickets/${ticketId}/notes`).set(other.agent).expect(404);
    expect(relay.messages.length).toBe(sentBefore);
    expect((await t.http().get('/api/audit-log?action=ticket.note_added').set(acme.admin).expect(200)).body.data[0]).toMatchObject({ target: { type: 'ticket', id: String(ticketId) } });
  });

  it('keeps a reply draft per ticket and person on the server, unaudited', async () => {
    const alice = await signIn(t, 'alice@acme.test', PASSWORD);
    const asAlice = { Cookie: alice.cookie, 'X-CSRF-Token': alice.csrf };
    const draft = `/api/tickets/${ticketId}/draft`;
    expect((await t.http().get(draft).set(asAlice).expect(200)).body).toEqual({ data: null });
    await t.http().put(draft).set(asAlice).send({ body_text: 'Dear Carl,\nhalf written', cc: 'boss@customer.example' }).expect(200);
    expect((await t.http().get(draft).set(asAlice).expect(200)).body.data).toMatchObject({ body_text: 'Dear Carl,\nhalf written', cc: 'boss@customer.example' });
    expect((await t.http().get(draft).set(acme.agent).expect(200)).body).toEqual({ data: null });
    await t.http().put(draft).set(asAlice).send({ body_text: 'x', unknown: 1 }).expect(400);
    await t.http().put(`/api/tickets/999999/draft`).set(asAlice).send({ body_text: 'x' }).expect(404);
    expect((await t.http().put(draft).set(asAlice).send({ body_text: '  ' }).expect(200)).body).toEqual({ data: null });
    expect((await t.http().get(draft).set(asAlice).expect(200)).body).toEqual({ data: null });
    await t.http().put(draft).set(asAlice).send({ body_text: 'again' }).expect(200);
    await t.http().delete(draft).set(asAlice).expect(204);
    expect((await t.http().get(draft).set(asAlice).expect(200)).body).toEqual({ data: null });
    // Sending the reply, by any client, ends the author's draft.
    await t.http().put(draft).set(asAlice).send({ body_text: 'Sent from elsewhere' }).expect(200);
    await t.http().post(`/api/tickets/${ticketId}/reply`).set(asAlice).send({ body_text: 'Sent from elsewhere' }).expect(202);
    expect((await t.http().get(draft).set(asAlice).expect(200)).body).toEqual({ data: null });
    expect((await t.http().get('/api/audit-log?per_page=200').set(acme.admin).expect(200)).body.data.some((e: { action: string }) => e.action.includes('draft'))).toBe(false);
  });

  it('lets tenant admins keep canned replies for the team, and signs people’s replies', async () => {
    await t.http().post('/api/canned-replies').set(acme.agent).send({ title: 'Thanks', body: 'Thank you!' }).expect(403);
    const created = await t.http().post('/api/canned-replies').set(acme.admin).send({ title: 'Restart', body: 'Please restart the printer.' }).expect(201);
    await t.http().post('/api/canned-replies').set(acme.admin).send({ title: ' ', body: 'x' }).expect(400);
    expect((await t.http().get('/api/canned-replies').set(acme.agent).expect(200)).body.data).toEqual([expect.objectContaining({ title: 'Restart', body: 'Please restart the printer.' })]);
    await t.http().put(`/api/canned-replies/${created.body.id}`).set(acme.admin).send({ title: 'Restart it', body: 'Restart, please.' }).expect(200);
    const other = await createTenantWithTokens(t, 'Elsewhere');
    expect((await t.http().get('/api/canned-replies').set(other.agent).expect(200)).body.data).toEqual([]);
    await t.http().delete(`/api/canned-replies/${created.body.id}`).set(other.admin).expect(404);
    await t.http().delete(`/api/canned-replies/${created.body.id}`).set(acme.admin).expect(204);

    await t.http().put('/api/email-settings').set(acme.admin).send({ reply_signature: 'Kind regards,\n{agent}' }).expect(200);
    const alice = await signIn(t, 'alice@acme.test', PASSWORD);
    await t.http().post(`/api/tickets/${ticketId}/reply`).set({ Cookie: alice.cookie, 'X-CSRF-Token': alice.csrf }).send({ body_text: 'Signed reply.' }).expect(202);
    // Replies of earlier tests may still be arriving at the relay: wait for this one by its text.
    const sent = await waitFor('the signed reply at the relay', () => relay.messages.find((m) => m.raw.toString().includes('Signed reply.')) ?? null);
    expect(sent.raw.toString()).toMatch(/Signed reply\.\r?\n\r?\n-- \r?\nKind regards,\r?\nAlice/);
    await t.http().put('/api/email-settings').set(acme.admin).send({ reply_signature: null }).expect(200);
  });

  it('tells who else has the ticket open and who is writing, from recent heartbeats only', async () => {
    const alice = await signIn(t, 'alice@acme.test', PASSWORD);
    const bob = await signIn(t, 'bob@acme.test', PASSWORD);
    const beat = (s: { cookie: string; csrf: string }, writing: boolean) =>
      t.http().post(`/api/tickets/${ticketId}/presence`).set({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf }).send({ writing }).expect(200);
    expect((await beat(alice, false)).body).toEqual({ others: [] });
    expect((await beat(bob, true)).body).toEqual({ others: [{ user_id: aliceId, name: 'Alice', writing: false }] });
    expect((await beat(alice, false)).body).toEqual({ others: [{ user_id: bobId, name: 'Bob', writing: true }] });
    await t.app.get(DataSource).query('UPDATE ticket_presence SET seen_at = ? WHERE user_id = ?', ['2020-01-01 00:00:00.000', bobId]);
    expect((await beat(alice, false)).body).toEqual({ others: [] });
    const other = await createTenantWithTokens(t, 'Peek');
    await t.http().post(`/api/tickets/${ticketId}/presence`).set(other.agent).send({}).expect(404);
    expect((await t.http().get('/api/audit-log?per_page=200').set(acme.admin).expect(200)).body.data.some((e: { action: string }) => e.action.includes('presence'))).toBe(false);
  });

  it('unassigns the tickets of a deleted user', async () => {
    await t.http().patch(`/api/tickets/${ticketId}`).set(acme.agent).send({ assignee_user_id: bobId }).expect(200);
    await t.http().delete(`/api/tenants/${acme.id}/users/${bobId}`).set(acme.admin).expect(204);
    expect((await t.http().get(`/api/tickets/${ticketId}`).set(acme.agent).expect(200)).body.assignee_user_id).toBeNull();
  });
});
