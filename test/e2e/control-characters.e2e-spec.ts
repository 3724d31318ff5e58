// Control characters at the boundary: stripped from what inbound mail brings, refused (400,
// naming the field) in what the API is sent.
import { DataSource } from 'typeorm';
import { buildMail, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

describe.each(ENGINES)('control characters (%s)', (engine) => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const query = (sql: string, params: unknown[] = []) => t.app.get(DataSource).query(sql, params);

  beforeAll(async () => {
    t = await startTestApp(engine);
    tenant = await createTenantWithTokens(t, 'Controls');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores a webhook mail with NUL and line breaks in its subject, Message-ID and names without them', async () => {
    const raw = Buffer.concat([
      buildMail({
        to: tenant.inboundAddress,
        from: '"Eve\u0000 \u2028Mallory" <eve@example.com>',
        subject: 'Refund\u0000 please =?utf-8?q?=0D=0ABcc=3A_x=40evil=2Eexample?=',
        messageId: '<nul\u0000id\u0001@example.com>',
        headers: { 'Thread-Topic': 'topic\u0000\u0085' },
        body: 'body\u0000text',
      }),
    ]);
    const res = await postSigned(t, raw).expect(200);
    expect(res.body.outcome).toBe('created');

    const [message] = await query('SELECT subject, message_id, from_name, thread_topic, text_body FROM ticket_messages WHERE ticket_id = ?', [res.body.ticket_id]);
    expect(message).toEqual({
      subject: 'Refund please  Bcc: x@evil.example',
      message_id: expect.stringMatching(/^<?nulid@example\.com>?$/),
      from_name: 'Eve  Mallory',
      thread_topic: 'topic',
      text_body: expect.stringContaining('bodytext'),
    });
    const [ticket] = await query('SELECT subject, requester_name FROM tickets WHERE id = ?', [res.body.ticket_id]);
    expect(ticket).toEqual({ subject: 'Refund please  Bcc: x@evil.example', requester_name: 'Eve  Mallory' });
    const [log] = await query('SELECT subject, message_id FROM email_processing_logs WHERE ticket_id = ?', [res.body.ticket_id]);
    for (const value of [...Object.values(message), ...Object.values(ticket), ...Object.values(log)]) expect(String(value)).not.toMatch(/\u0000/);
    for (const value of [message.subject, message.message_id, ticket.subject, log.subject, log.message_id]) expect(value).not.toMatch(CONTROL);
  });

  it.each([
    ['NUL', 'Acme\u0000 Support'],
    ['U+2028', 'Acme\u2028Bcc: x@evil.example'],
    ['U+0085', 'Acme\u0085Support'],
    ['TAB', 'Acme\tSupport'],
  ])('refuses from_name with %s (400 naming the field) and changes nothing', async (_, fromName) => {
    await t.http().put('/api/email-settings').set(tenant.admin).send({ from_name: 'Acme Support' }).expect(200);
    const res = await t.http().put('/api/email-settings').set(tenant.admin).send({ from_name: fromName, auto_acknowledge: false }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'bad_request', message: expect.stringContaining('from_name must be one line without control characters') });
    const after = await t.http().get('/api/email-settings').set(tenant.admin).expect(200);
    expect(after.body.from_name).toBe('Acme Support');
  });

  it('refuses a reply whose cc has CR LF inside a quoted local part, and queues nothing', async () => {
    const filed = await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'Needs an answer' })).expect(200);
    const before = await query('SELECT COUNT(*) AS n FROM ticket_messages');
    const res = await t
      .http()
      .post(`/api/tickets/${filed.body.ticket_id}/reply`)
      .set(tenant.agent)
      .send({ body_text: 'Hello', cc: ['"a\r\nb"@x.example'] })
      .expect(400);
    expect(res.body.message).toContain('cc must be one line without control characters');
    expect(await query('SELECT COUNT(*) AS n FROM ticket_messages')).toEqual(before);
    expect(Number((await query('SELECT COUNT(*) AS n FROM outbox'))[0].n)).toBe(0);
  });

  it.each([
    ['a tenant name', (t: TestApp) => t.http().post('/api/tenants').set(t.admin).send({ name: 'Evil\u0000Corp' }), 'name'],
    ['a token name', (t: TestApp, id: number) => t.http().post(`/api/tenants/${id}/tokens`).set(t.admin).send({ role: 'agent', name: 'bot\r\nX-Injected: 1' }), 'name'],
    ['a user name', (t: TestApp, id: number) => t.http().post(`/api/tenants/${id}/users`).set(t.admin).send({ name: 'Ann\u2029', role: 'agent' }), 'name'],
    ['a search', (t: TestApp) => t.http().get('/api/tickets').query({ q: 'a\u0000b' }), 'q'],
  ])('refuses %s with control characters (400 naming the field)', async (_, send, field) => {
    const request = send(t, tenant.id);
    const res = await (field === 'q' ? request.set(tenant.agent) : request).expect(400);
    expect(res.body.message).toContain(`${field} must be one line without control characters`);
  });

  it('still takes tabs and line breaks in bodies and templates, but not NUL', async () => {
    await t.http().put('/api/email-settings').set(tenant.admin).send({ auto_acknowledge_template: 'Hello,\r\n\tthanks.' }).expect(200);
    const res = await t.http().put('/api/email-settings').set(tenant.admin).send({ auto_acknowledge_template: 'Hello\u0000' }).expect(400);
    expect(res.body.message).toContain('auto_acknowledge_template must not hold control characters');
  });
});
