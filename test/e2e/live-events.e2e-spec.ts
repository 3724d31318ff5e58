import { AddressInfo } from 'node:net';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { EventsHub } from '../../src/events/events-hub';
import { LiveEvent } from '../../src/events/live-event.entity';
import { signIn } from '../support/accounts';
import { buildMail, postSigned } from '../support/mail';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { SseClient } from '../support/sse';
import { ADMIN_TOKEN, bearer, createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

const urlOf = (t: TestApp, path = '/api/events') => `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}${path}`;

/** Files a mail through the webhook; returns the new ticket's id. */
async function fileMail(t: TestApp, tenant: Tenant, subject: string): Promise<number> {
  const answer = await postSigned(t, buildMail({ to: tenant.inboundAddress, subject })).expect(200);
  return answer.body.ticket_id as number;
}

describe.each(ENGINES)('live updates: GET /api/events (%s)', (engine) => {
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  let sink: SmtpSink;
  const clients: SseClient[] = [];
  const connect = async (headers: Record<string, string>, path?: string) => {
    const client = await SseClient.connect(urlOf(t, path), headers);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(engine, { EVENTS_POLL_MS: '50', OUTBOX_POLL_INTERVAL_MS: '100', OUTBOUND_SMTP_TLS_VERIFY: 'false', EGRESS_ALLOWED_HOSTS: '127.0.0.1' });
    acme = await createTenantWithTokens(t, 'Acme');
    await t
      .http()
      .put('/api/email-settings')
      .set(acme.admin)
      .send({ smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_security: 'starttls', smtp_username: 'outbound', smtp_password: 'secret', from_address: 'support@acme.example' })
      .expect(200);
    globex = await createTenantWithTokens(t, 'Globex');
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('refuses a missing or wrong token with 401, and a bad scope or Last-Event-ID with 4xx', async () => {
    const refused = async (headers: Record<string, string>, path = '/api/events') => {
      const opened = await SseClient.open(urlOf(t, path), headers);
      if (opened instanceof SseClient) throw new Error('the stream opened');
      return opened;
    };
    expect(await refused({})).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await refused(bearer('inb_not-a-token'))).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await refused(bearer(ADMIN_TOKEN))).toMatchObject({ status: 400, body: { message: expect.stringMatching(/tenant_id/) } });
    expect(await refused(bearer(ADMIN_TOKEN), '/api/events?tenant_id=999999')).toMatchObject({ status: 404 });
    expect(await refused(acme.agent, `/api/events?tenant_id=${globex.id}`)).toMatchObject({ status: 404 });
    expect(await refused({ ...acme.agent, 'Last-Event-ID': 'yesterday' })).toMatchObject({ status: 400, body: { message: expect.stringMatching(/Last-Event-ID/) } });
  });

  it('sends a webhook-filed mail to a connected client as ticket.created and message.created, and only to its tenant', async () => {
    const acmeClient = await connect(acme.agent);
    const globexClient = await connect(globex.agent);
    const operator = await connect(bearer(ADMIN_TOKEN), `/api/events?tenant_id=${acme.id}`);
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(/^inbound_live_clients 3$/m);
    const ticketId = await fileMail(t, acme, 'Live one');

    for (const client of [acmeClient, operator]) {
      await client.waitFor('message.created', () => client.payloads().some((e) => e.type === 'message.created' && e.ticket_id === ticketId));
      expect(client.payloads().map((e) => e.type)).toEqual(expect.arrayContaining(['ticket.created', 'message.created']));
      expect(client.payloads().every((e) => e.ticket_id === ticketId)).toBe(true);
    }
    const event = acmeClient.events.find((e) => e.event === 'ticket.created')!;
    expect(Number(event.id)).toBe(JSON.parse(event.data).id);

    const globexTicket = await fileMail(t, globex, 'Globex only');
    await globexClient.waitFor('the Globex mail', () => globexClient.payloads().some((e) => e.type === 'message.created'));
    expect(globexClient.payloads().every((e) => e.ticket_id === globexTicket)).toBe(true);
    expect(acmeClient.payloads().some((e) => e.ticket_id === globexTicket)).toBe(false);
  });

  it('streams to a person signed in with the session cookie, as the web UI does', async () => {
    await t.http().post(`/api/tenants/${acme.id}/users`).set(t.admin).send({ email: 'live-alice@acme.example', name: 'Alice', role: 'agent', password: 'a long passphrase' }).expect(201);
    const session = await signIn(t, 'live-alice@acme.example', 'a long passphrase');
    const client = await connect({ Cookie: session.cookie });
    const ticketId = await fileMail(t, acme, 'Live for a person');
    await client.waitFor('message.created', () => client.payloads().some((e) => e.type === 'message.created' && e.ticket_id === ticketId));
  });

  it('reports a status change as ticket.updated', async () => {
    const ticketId = await fileMail(t, acme, 'To be closed');
    const client = await connect(acme.agent);
    await t.http().patch(`/api/tickets/${ticketId}`).set(acme.agent).send({ status: 'closed' }).expect(200);
    await client.waitFor('ticket.updated', () => client.payloads().some((e) => e.type === 'ticket.updated' && e.ticket_id === ticketId));
  });

  it('reports a reply as message.created and its sending as delivery.updated', async () => {
    const ticketId = await fileMail(t, acme, 'Please answer');
    const client = await connect(acme.agent);
    const reply = await t.http().post(`/api/tickets/${ticketId}/reply`).set(acme.agent).send({ body_text: 'On it.' }).expect(202);
    const messageId = reply.body.id as number;
    await client.waitFor('delivery.updated', () => client.payloads().some((e) => e.type === 'delivery.updated' && e.message_id === messageId), 15_000);
    expect(client.payloads().filter((e) => e.message_id === messageId).map((e) => [e.type, e.ticket_id])).toEqual([
      ['message.created', ticketId],
      ['delivery.updated', ticketId],
    ]);
    expect((await t.http().get(`/api/tickets/${ticketId}`).set(acme.agent).expect(200)).body.messages[1].delivery_status).toBe('sent');
  });

  it('resumes after Last-Event-ID without losing or repeating an event', async () => {
    const first = await connect(acme.agent);
    const before = await fileMail(t, acme, 'Seen before the break');
    await first.waitFor('the first mail', () => first.payloads().some((e) => e.type === 'message.created' && e.ticket_id === before));
    const lastSeen = first.lastId!;
    first.close();

    const missed = [await fileMail(t, acme, 'Missed one'), await fileMail(t, acme, 'Missed two')];
    await fileMail(t, globex, 'Not for Acme');
    const resumed = await connect({ ...acme.agent, 'Last-Event-ID': lastSeen });
    await resumed.waitFor('both missed mails', () => missed.every((id) => resumed.payloads().some((e) => e.type === 'message.created' && e.ticket_id === id)));
    const ids = resumed.payloads().map((e) => e.id);
    expect(ids.every((id) => id > Number(lastSeen))).toBe(true);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    for (const id of missed) {
      expect(resumed.payloads().filter((e) => e.ticket_id === id).map((e) => e.type)).toEqual(expect.arrayContaining(['ticket.created', 'message.created']));
    }
    expect(resumed.payloads().some((e) => e.ticket_id === before)).toBe(false);

    const live = await fileMail(t, acme, 'After the resume');
    await resumed.waitFor('the live mail', () => resumed.payloads().some((e) => e.ticket_id === live));
  });

  it('prunes events past the retention, and tells a client resuming from a pruned id to resync', async () => {
    const first = await connect(acme.agent);
    const old = await fileMail(t, acme, 'Soon pruned');
    await first.waitFor('the mail', () => first.payloads().some((e) => e.ticket_id === old));
    const staleId = first.payloads()[0].id - 1;
    first.close();
    // Rows age in id order: everything up to the old mail's events is past the retention.
    const events = t.app.get(DataSource).getRepository(LiveEvent);
    const lastOld = Math.max(...first.payloads().filter((e) => e.ticket_id === old).map((e) => e.id));
    await events.update({ id: LessThanOrEqual(lastOld) }, { createdAt: new Date(Date.now() - 25 * 3_600_000) });
    await t.app.get(EventsHub).prune();
    expect(await events.countBy({ id: LessThanOrEqual(lastOld) })).toBe(0);

    const fresh = await fileMail(t, acme, 'Kept');
    const resumed = await connect({ ...acme.agent, 'Last-Event-ID': String(staleId) });
    await resumed.waitFor('the kept mail', () => resumed.payloads().some((e) => e.ticket_id === fresh));
    expect(resumed.events[0].event).toBe('resync');
    expect(resumed.payloads().some((e) => e.ticket_id === old)).toBe(false);
  });
});

describe('live updates across two instances on one MariaDB database', () => {
  let a: TestApp;
  let b: TestApp;
  let client: SseClient | undefined;

  beforeAll(async () => {
    a = await startTestApp('mysql', { EVENTS_POLL_MS: '50' });
    b = await startTestApp('mysql', { EVENTS_POLL_MS: '50', DB_DATABASE: a.config.database.database, INSTANCE_ID: 'instance-b' });
  });
  afterAll(async () => {
    client?.close();
    await b?.close();
    await a?.close();
  });

  it('delivers a mail filed through instance A to a client of instance B', async () => {
    const acme = await createTenantWithTokens(a, 'Acme');
    client = await SseClient.connect(urlOf(b), acme.agent);
    const ticketId = await fileMail(a, acme, 'Filed on A');
    await client.waitFor('the event on B', () => client!.payloads().some((e) => e.type === 'message.created' && e.ticket_id === ticketId));
  });
});
