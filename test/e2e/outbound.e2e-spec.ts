// Outbound mail end to end: agent replies and acknowledgements leave through each tenant's own
// SMTP server (the capture sink from test/support/smtp-sink.ts, STARTTLS + AUTH), the customer's
// answer comes back through the webhook into the same ticket, and the outbox survives 4xx, 5xx,
// restarts and a second instance.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import mysql from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { serializeTransactions } from '../../src/database/serialized-transactions';
import { OutboxEntry } from '../../src/outbound/outbox-entry.entity';
import { OUTBOX_LEASE_MS, OutboxRepository } from '../../src/outbound/outbox.repository';
import { OutboxService } from '../../src/outbound/outbox.service';
import { TenantUsage } from '../../src/tenants/tenant-usage.entity';
import { TenantUsageRepository } from '../../src/tenants/tenant-usage.repository';
import { TicketMessagesRepository } from '../../src/tickets/ticket-messages.repository';
import { mysqlConnectionOptions } from '../support/database';
import { buildMail, postSigned } from '../support/mail';
import { SinkMessage, SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp, sameDatabaseAs } from '../support/test-app';
import { eventually } from '../support/services';

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

/** The sinks listen on loopback, which tenants reach only when the operator allows it (see egress.e2e-spec.ts). */
const SINK_ALLOWED = { EGRESS_ALLOWED_HOSTS: '127.0.0.1' };

const FAST_OUTBOX = {
  OUTBOX_POLL_INTERVAL_MS: '100',
  OUTBOX_RETRY_BASE_MS: '200',
  OUTBOX_MAX_ATTEMPTS: '6',
  // The sink presents smtp-server's bundled self-signed certificate.
  OUTBOUND_SMTP_TLS_VERIFY: 'false',
  ...SINK_ALLOWED,
};

const SINK_USERS = { acme: 'acme-secret', globex: 'globex-secret', outbound: 'secret' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sink messages that carry this Message-ID. */
function withMessageId(sink: SmtpSink | { messages: SinkMessage[] }, messageId: string): SinkMessage[] {
  return sink.messages.filter((m) => m.raw.includes(`Message-ID: ${messageId}`));
}

async function delivered(sink: SmtpSink, messageId: string, timeoutMs = 10_000): Promise<{ sink: SinkMessage; mail: ParsedMail }> {
  const found = await eventually(() => {
    const list = withMessageId(sink, messageId);
    if (list.length === 0) throw new Error(`no message ${messageId} in the sink (${sink.messages.length} captured)`);
    return list[0];
  }, timeoutMs);
  return { sink: found, mail: await simpleParser(found.raw) };
}

function header(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  return value === undefined ? undefined : String(value);
}

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : ([] as string[]).concat(value);
}

async function dropMysqlDatabase(name: string): Promise<void> {
  const conn = await mysql.createConnection(mysqlConnectionOptions());
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A plain relay without TLS or AUTH, like Mailpit: where MAIL_DEV_SMTP_HOST points. */
async function startDevRelay(): Promise<{ port: number; messages: { raw: Buffer; to: string[]; user: unknown }[]; close(): Promise<void> }> {
  const messages: { raw: Buffer; to: string[]; user: unknown }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 300,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({ raw: Buffer.concat(chunks), to: session.envelope.rcptTo.map((r) => r.address), user: session.user });
        callback(null);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function useSmtp(t: TestApp, tenant: Tenant, settings: Record<string, unknown>) {
  return t.http().put('/api/email-settings').set(tenant.admin).send(settings).expect(200);
}

function sinkSettings(sink: SmtpSink, user: string, password: string, extra: Record<string, unknown> = {}) {
  return { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_security: 'starttls', smtp_username: user, smtp_password: password, ...extra };
}

/** A customer's new mail through the webhook; returns the ticket it made. */
async function newTicket(t: TestApp, tenant: Tenant, spec: Partial<Parameters<typeof buildMail>[0]> = {}) {
  const messageId = spec.messageId ?? `<${randomBytes(6).toString('hex')}@customer.example>`;
  const res = await postSigned(t, buildMail({ to: tenant.inboundAddress, from: 'Jane Doe <jane@customer.example>', ...spec, messageId })).expect(200);
  if (res.body.outcome !== 'created') {
    // Says why, with the error the log row kept (it once failed here, on MariaDB, in a busy full run).
    const [log] = await t.app.get(DataSource).query('SELECT * FROM email_processing_logs WHERE id = ?', [res.body.log_id]);
    throw new Error(`the mail was not filed: ${JSON.stringify(res.body)}; its log row: ${JSON.stringify(log)}`);
  }
  return { ticketId: res.body.ticket_id as number, number: res.body.ticket_number as number, messageId };
}

function reply(t: TestApp, tenant: Tenant, ticketId: number, body: Record<string, unknown> = { body_text: 'We are on it.' }) {
  return t.http().post(`/api/tickets/${ticketId}/reply`).set(tenant.agent).send(body);
}

async function ticketMessage(t: TestApp, tenant: Tenant, ticketId: number, messageId: number) {
  const ticket = await t.http().get(`/api/tickets/${ticketId}`).set(tenant.agent).expect(200);
  const found = ticket.body.messages.find((m: { id: number }) => m.id === messageId);
  if (!found) throw new Error(`message ${messageId} not on ticket ${ticketId}`);
  return found as { delivery_status: string; delivery_detail: string | null; sent_at: string | null; [key: string]: unknown };
}

async function outboxRows(t: TestApp, where: string, params: unknown[]) {
  return t.app.get(DataSource).query(`SELECT * FROM outbox WHERE ${where} ORDER BY id`, params) as Promise<
    { id: number; kind: string; status: string; attempts: number; recipient: string; ticket_message_id: number | null; last_error: string | null; locked_by: string | null }[]
  >;
}

describe.each(ENGINES)('outbound mail on %s', (engine) => {
  let sink: SmtpSink;
  let relay: Awaited<ReturnType<typeof startDevRelay>>;
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;

  beforeAll(async () => {
    sink = await startSmtpSink({ users: SINK_USERS });
    relay = await startDevRelay();
    t = await startTestApp(engine, { ...FAST_OUTBOX, MAIL_DEV_SMTP_HOST: '127.0.0.1', MAIL_DEV_SMTP_PORT: String(relay.port) });
    acme = await createTenantWithTokens(t, 'Acme');
    globex = await createTenantWithTokens(t, 'Globex');
    await useSmtp(t, acme, sinkSettings(sink, 'acme', 'acme-secret', { from_address: 'support@acme.example', from_name: 'Acme Support' }));
    await useSmtp(t, globex, sinkSettings(sink, 'globex', 'globex-secret', { from_address: 'help@globex.example', from_name: 'Globex Help' }));
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await relay?.close();
  });
  afterEach(() => sink.respondWith(null));

  describe('agent replies', () => {
    it('leave through the tenant SMTP server with our Message-ID, threading headers, Reply-To token and [#n] subject', async () => {
      const { ticketId, number, messageId: customerId } = await newTicket(t, acme, {
        subject: 'Printer on fire',
        headers: { 'Thread-Topic': 'Printer on fire', 'Thread-Index': 'AdnCaB2bbWwbq1IOTq6HcNkEv8wexA==' },
      });
      const queued = await reply(t, acme, ticketId, {
        body_text: 'We are on it.',
        body_html: '<p>We are <b>on it</b>.</p><script>alert(1)</script>',
        cc: ['boss@customer.example'],
        attachments: [{ filename: 'steps.txt', content_type: 'text/plain', content_base64: Buffer.from('1. unplug it').toString('base64') }],
      }).expect(202);
      expect(queued.body).toMatchObject({ direction: 'outbound', delivery_status: 'queued', in_reply_to: customerId, subject: `Re: Printer on fire [#${number}]` });
      expect(queued.body.message_id).toMatch(/^<[0-9a-f]{32}@mail\.test>$/);
      expect(queued.body.attachments).toEqual([expect.objectContaining({ filename: 'steps.txt', content_type: 'text/plain', size: 12 })]);

      const { sink: captured, mail } = await delivered(sink, queued.body.message_id);
      expect(captured).toMatchObject({ user: 'acme', secure: true, from: 'support@acme.example' });
      expect(captured.to.sort()).toEqual(['boss@customer.example', 'jane@customer.example']);
      expect(mail.from?.value[0]).toEqual({ address: 'support@acme.example', name: 'Acme Support' });
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : null).toBe('jane@customer.example');
      expect(mail.messageId).toBe(queued.body.message_id);
      expect(mail.inReplyTo).toBe(customerId);
      expect(asList(mail.references)).toEqual([customerId]);
      expect(mail.subject).toBe(`Re: Printer on fire [#${number}]`);
      const [local, domain] = acme.inboundAddress.split('@');
      expect(mail.replyTo?.value[0].address).toMatch(new RegExp(`^${local}\\+t${ticketId}\\.[a-z2-7]{16}@${domain.replace(/\./g, '\\.')}$`));
      expect(header(mail, 'auto-submitted')).toBe('no');
      expect(header(mail, 'thread-topic')).toBe('Printer on fire');
      expect(header(mail, 'thread-index')).toBe('AdnCaB2bbWwbq1IOTq6HcNkEv8wexA==');
      expect(mail.text?.trim()).toBe('We are on it.');
      expect(mail.html).toContain('<b>on it</b>');
      expect(mail.html).not.toContain('<script');
      expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['steps.txt', '1. unplug it']]);

      const shown = await eventually(async () => {
        const m = await ticketMessage(t, acme, ticketId, queued.body.id);
        expect(m.delivery_status).toBe('sent');
        return m;
      });
      expect(shown.delivery_detail).toContain('250 captured');
      expect(shown.sent_at).not.toBeNull();
      const ticket = await t.http().get(`/api/tickets/${ticketId}`).set(acme.agent).expect(200);
      expect(ticket.body.message_count).toBe(2);
    });

    it("authenticate as their own tenant: Acme's reply as acme, Globex's as globex", async () => {
      const a = await newTicket(t, acme);
      const g = await newTicket(t, globex);
      const [ra, rg] = await Promise.all([reply(t, acme, a.ticketId).expect(202), reply(t, globex, g.ticketId).expect(202)]);
      const [da, dg] = await Promise.all([delivered(sink, ra.body.message_id), delivered(sink, rg.body.message_id)]);
      expect(da.sink).toMatchObject({ user: 'acme', from: 'support@acme.example', secure: true });
      expect(dg.sink).toMatchObject({ user: 'globex', from: 'help@globex.example', secure: true });
      expect(dg.mail.replyTo?.value[0].address).toMatch(new RegExp(`^${globex.inboundAddress.split('@')[0]}\\+t${g.ticketId}\\.`));
    });

    it('thread a long conversation: References keep the root and the newest ids, under 1,000 characters', async () => {
      const { ticketId } = await newTicket(t, acme, { messageId: '<root-of-thread@customer.example>', subject: 'Long thread' });
      let previous = '<root-of-thread@customer.example>';
      const chain = [previous];
      for (let i = 0; i < 25; i++) {
        const id = `<follow-up-number-${i}-${randomBytes(4).toString('hex')}@customer.example>`;
        chain.push(id);
        const res = await postSigned(t, buildMail({ to: acme.inboundAddress, from: 'jane@customer.example', subject: 'Re: Long thread', messageId: id, inReplyTo: previous, references: chain.slice(0, -1).join(' '), body: `note ${i}` })).expect(200);
        expect(res.body).toMatchObject({ outcome: 'appended', ticket_id: ticketId });
        previous = id;
      }
      const res = await reply(t, acme, ticketId).expect(202);
      const { mail, sink: captured } = await delivered(sink, res.body.message_id);
      const references = asList(mail.references);
      expect(mail.inReplyTo).toBe(previous);
      expect(references[0]).toBe('<root-of-thread@customer.example>');
      expect(references[references.length - 1]).toBe(previous);
      expect(references.length).toBeLessThan(chain.length);
      expect(references.join(' ').length).toBeLessThanOrEqual(900);
      expect(captured.raw.toString().split(/\r?\n/).every((line) => line.length <= 998)).toBe(true);
    });

    it('answer 404 for a ticket of another tenant, 400 for a bad body and 401 without a token, and send nothing', async () => {
      const { ticketId } = await newTicket(t, acme);
      const before = sink.messages.length;
      await reply(t, globex, ticketId).expect(404);
      const bad = await reply(t, acme, ticketId, { body_text: '  ', cc: ['not-an-address'], extra: 1 }).expect(400);
      expect(bad.body.message).toMatch(/body_text/);
      expect(bad.body.message).toMatch(/cc/);
      expect(bad.body.message).toMatch(/extra: unknown field/);
      await reply(t, acme, ticketId, { body_text: 'x', attachments: [{ filename: '../etc/passwd', content_type: 'text/plain', content_base64: 'eA==' }] }).expect(400);
      await t.http().post(`/api/tickets/${ticketId}/reply`).send({ body_text: 'x' }).expect(401);
      await t.http().post(`/api/tickets/${ticketId}/reply`).set(acme.admin).send({ body_text: 'tenant admins may answer too' }).expect(202);
      expect(await outboxRows(t, 'tenant_id = ? AND ticket_message_id IN (SELECT id FROM ticket_messages WHERE ticket_id = ?)', [globex.id, ticketId])).toEqual([]);
      expect(sink.messages.length).toBeGreaterThanOrEqual(before);
    });
  });

  describe("the customer's answer comes back into the same ticket", () => {
    it.each([
      ['the Reply-To token', 'reply_token'],
      ['In-Reply-To', 'references'],
      ['the subject tag', 'subject_tag'],
    ])('by %s', async (_, by) => {
      const { ticketId, number } = await newTicket(t, acme, { subject: `Broken ${by}` });
      const sent = await reply(t, acme, ticketId).expect(202);
      const { mail } = await delivered(sink, sent.body.message_id);
      const answer =
        by === 'reply_token'
          ? buildMail({ from: 'jane@customer.example', to: mail.replyTo!.value[0].address!, subject: 'A new subject, no tag, no In-Reply-To' })
          : by === 'references'
            ? buildMail({ from: 'jane@customer.example', to: acme.inboundAddress, subject: 'Also renamed', inReplyTo: mail.messageId, references: mail.messageId })
            : buildMail({ from: 'jane@customer.example', to: acme.inboundAddress, subject: mail.subject });
      if (by === 'subject_tag') expect(mail.subject).toContain(`[#${number}]`);
      const res = await postSigned(t, answer).expect(200);
      expect(res.body).toMatchObject({ outcome: 'appended', ticket_id: ticketId });
      expect(res.body.reason).toContain(by);
      const ticket = await t.http().get(`/api/tickets/${ticketId}`).set(acme.agent).expect(200);
      expect(ticket.body.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound', 'inbound']);
    });
  });

  describe('delivery', () => {
    it('sends a reply once when recording its delivery fails for a moment (a deadlock between instances)', async () => {
      const { ticketId } = await newTicket(t, acme);
      const repo = t.app.get(OutboxRepository);
      const markSent = jest.spyOn(repo, 'markSent').mockRejectedValueOnce(new Error('Deadlock found when trying to get lock; try restarting transaction'));
      try {
        const res = await reply(t, acme, ticketId).expect(202);
        await delivered(sink, res.body.message_id);
        await eventually(async () => expect((await ticketMessage(t, acme, ticketId, res.body.id)).delivery_status).toBe('sent'));
        expect(markSent).toHaveBeenCalledTimes(2);
        expect(withMessageId(sink, res.body.message_id)).toHaveLength(1);
      } finally {
        markSent.mockRestore();
      }
    });

    it('retries a 4xx with backoff, shows why while queued, then delivers once', async () => {
      const { ticketId } = await newTicket(t, acme);
      sink.respondWith(451, '4.7.1 Greylisted, try again later', { stage: 'RCPT' });
      const res = await reply(t, acme, ticketId).expect(202);
      const waiting = await eventually(async () => {
        const m = await ticketMessage(t, acme, ticketId, res.body.id);
        expect(m.delivery_detail).toMatch(/451/);
        return m;
      });
      expect(waiting.delivery_status).toBe('queued');
      expect(waiting.delivery_detail).toMatch(/temporarily, next try at/);
      expect(withMessageId(sink, res.body.message_id)).toHaveLength(0);

      sink.respondWith(null);
      await delivered(sink, res.body.message_id);
      const shown = await eventually(async () => {
        const m = await ticketMessage(t, acme, ticketId, res.body.id);
        expect(m.delivery_status).toBe('sent');
        return m;
      });
      expect(shown.delivery_detail).toContain('250 captured');
      const [row] = await outboxRows(t, 'ticket_message_id = ?', [res.body.id]);
      expect(row).toMatchObject({ status: 'sent', last_error: null, locked_by: null });
      expect(Number(row.attempts)).toBeGreaterThanOrEqual(2);
      await sleep(500);
      expect(withMessageId(sink, res.body.message_id)).toHaveLength(1);
    });

    it('marks a 5xx as failed at once, with the server answer on the message, and does not retry', async () => {
      const { ticketId } = await newTicket(t, acme);
      sink.respondWith(550, '5.1.1 Mailbox unavailable', { stage: 'DATA', times: 1 });
      const res = await reply(t, acme, ticketId).expect(202);
      const shown = await eventually(async () => {
        const m = await ticketMessage(t, acme, ticketId, res.body.id);
        expect(m.delivery_status).toBe('failed');
        return m;
      });
      expect(shown.delivery_detail).toMatch(/permanent failure.*550 5\.1\.1 Mailbox unavailable/);
      await sleep(600);
      const [row] = await outboxRows(t, 'ticket_message_id = ?', [res.body.id]);
      expect(row).toMatchObject({ status: 'failed' });
      expect(Number(row.attempts)).toBe(1);
      expect(withMessageId(sink, res.body.message_id)).toHaveLength(0);
    });

    it('marks a rejected login (EAUTH) as failed, naming the auth stage and not the password', async () => {
      const initech = await createTenantWithTokens(t, `Initech ${engine}`);
      await useSmtp(t, initech, sinkSettings(sink, 'outbound', 'wrong-password-123'));
      const { ticketId } = await newTicket(t, initech);
      const res = await reply(t, initech, ticketId).expect(202);
      const shown = await eventually(async () => {
        const m = await ticketMessage(t, initech, ticketId, res.body.id);
        expect(m.delivery_status).toBe('failed');
        return m;
      });
      expect(shown.delivery_detail).toMatch(/auth failed \(535\)/);
      expect(shown.delivery_detail).not.toContain('wrong-password-123');
    });

    it('marks the message failed when a bounce for it comes back', async () => {
      const { ticketId } = await newTicket(t, acme);
      const res = await reply(t, acme, ticketId).expect(202);
      await delivered(sink, res.body.message_id);
      await eventually(async () => expect((await ticketMessage(t, acme, ticketId, res.body.id)).delivery_status).toBe('sent'));
      const boundary = 'dsn-boundary';
      const dsn = Buffer.from(
        [
          'From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>',
          `To: ${acme.inboundAddress}`,
          'Subject: Undelivered Mail Returned to Sender',
          `Message-ID: <dsn-${randomBytes(4).toString('hex')}@mx.customer.example>`,
          `Date: ${new Date().toUTCString()}`,
          'MIME-Version: 1.0',
          `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
          '',
          `--${boundary}`,
          'Content-Type: text/plain',
          '',
          'Your message could not be delivered.',
          `--${boundary}`,
          'Content-Type: message/delivery-status',
          '',
          'Reporting-MTA: dns; mx.customer.example',
          '',
          'Final-Recipient: rfc822; jane@customer.example',
          'Action: failed',
          'Status: 5.1.1',
          'Diagnostic-Code: smtp; 550 5.1.1 <jane@customer.example>: Recipient address rejected: User unknown',
          `--${boundary}`,
          'Content-Type: text/rfc822-headers',
          '',
          'From: Acme Support <support@acme.example>',
          'To: jane@customer.example',
          `Message-ID: ${res.body.message_id}`,
          'Subject: Re: Printer on fire',
          `--${boundary}--`,
          '',
        ].join('\r\n'),
      );
      await postSigned(t, dsn).expect(200);
      const shown = await eventually(async () => {
        const m = await ticketMessage(t, acme, ticketId, res.body.id);
        expect(m.delivery_status).toBe('failed');
        return m;
      });
      expect(shown.delivery_detail).toMatch(/5\.1\.1/);
    });

    it('goes to the development relay (MAIL_DEV_SMTP_HOST, no TLS, no AUTH) for a tenant without SMTP settings', async () => {
      const hooli = await createTenantWithTokens(t, `Hooli ${engine}`);
      const { ticketId } = await newTicket(t, hooli, { from: 'gavin@customer.example' });
      const res = await reply(t, hooli, ticketId).expect(202);
      const captured = await eventually(() => {
        const found = relay.messages.find((m) => m.raw.includes(`Message-ID: ${res.body.message_id}`));
        if (!found) throw new Error('not at the relay yet');
        return found;
      });
      expect(captured.to).toEqual(['gavin@customer.example']);
      expect(captured.user).toBeUndefined();
      const mail = await simpleParser(captured.raw);
      expect(mail.from?.value[0].address).toBe(hooli.inboundAddress);
      const shown = await eventually(async () => {
        const m = await ticketMessage(t, hooli, ticketId, res.body.id);
        expect(m.delivery_status).toBe('sent');
        return m;
      });
      expect(shown.delivery_detail).toContain('development relay');
    });
  });

  describe('acknowledgements', () => {
    let umbrella: Tenant;
    const ackRows = () => outboxRows(t, 'tenant_id = ? AND kind = ?', [umbrella.id, 'acknowledgement']);

    beforeAll(async () => {
      umbrella = await createTenantWithTokens(t, `Umbrella ${engine}`, { tier: 'starter' });
      await useSmtp(t, umbrella, {
        ...sinkSettings(sink, 'outbound', 'secret', { from_address: 'care@umbrella.example', from_name: 'Umbrella Care' }),
        auto_acknowledge: true,
        auto_acknowledge_template: 'Hello {{requester_name}}, we got "{{subject}}" as ticket #{{ticket_number}}.',
      });
    });

    it('are sent for a new ticket, marked automatic, from the template, threaded to the mail, and shown on the ticket', async () => {
      const { ticketId, number, messageId } = await newTicket(t, umbrella, { from: 'Ada Lovelace <ada@customer.example>', subject: 'Engine jammed' });
      const [row] = await ackRows();
      expect(row).toMatchObject({ recipient: 'ada@customer.example' });
      const sent = await eventually(async () => {
        const ticket = await t.http().get(`/api/tickets/${ticketId}`).set(umbrella.agent).expect(200);
        const ack = ticket.body.messages.find((m: { direction: string }) => m.direction === 'outbound');
        expect(ack?.delivery_status).toBe('sent');
        return ack;
      });
      const { mail, sink: captured } = await delivered(sink, sent.message_id);
      expect(captured).toMatchObject({ user: 'outbound', to: ['ada@customer.example'] });
      expect(header(mail, 'auto-submitted')).toBe('auto-generated');
      expect(header(mail, 'x-auto-response-suppress')).toBe('All');
      expect(header(mail, 'precedence')).toBe('bulk');
      expect(mail.text?.trim()).toBe(`Hello Ada Lovelace, we got "Engine jammed" as ticket #${number}.`);
      expect(mail.subject).toBe(`Re: Engine jammed [#${number}]`);
      expect(mail.inReplyTo).toBe(messageId);
      expect(mail.replyTo?.value[0].address).toMatch(new RegExp(`\\+t${ticketId}\\.`));
    });

    it.each([
      ['a mailing list', { from: 'list-member@customer.example', headers: { 'List-Id': '<news.customer.example>' } }],
      ['a no-reply sender', { from: 'no-reply@shop.example' }],
      ['a mailer-daemon', { from: 'MAILER-DAEMON@customer.example', subject: 'Hello' }],
    ])('are never sent to %s', async (_, spec) => {
      const before = (await ackRows()).length;
      const res = await postSigned(t, buildMail({ to: umbrella.inboundAddress, ...spec })).expect(200);
      expect(['created', 'ignored']).toContain(res.body.outcome);
      expect((await ackRows()).length).toBe(before);
    });

    it('are never sent for an auto-reply, which makes no ticket', async () => {
      const before = (await ackRows()).length;
      const res = await postSigned(t, buildMail({ to: umbrella.inboundAddress, from: 'bob@customer.example', subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } })).expect(200);
      expect(res.body.outcome).toBe('ignored');
      expect((await ackRows()).length).toBe(before);
    });

    it('stop after three per sender per hour', async () => {
      const sender = `busy-${engine}@customer.example`;
      for (let i = 0; i < 5; i++) {
        const res = await postSigned(t, buildMail({ to: umbrella.inboundAddress, from: sender, subject: `Question ${i}` })).expect(200);
        expect(res.body.outcome).toBe('created');
      }
      expect((await ackRows()).filter((r) => r.recipient === sender)).toHaveLength(3);
      await eventually(() => expect(sink.messages.filter((m) => m.to.includes(sender))).toHaveLength(3));
    });

    it('are not sent when the tenant has them off (the default)', async () => {
      const before = (await outboxRows(t, 'tenant_id = ? AND kind = ?', [acme.id, 'acknowledgement'])).length;
      await newTicket(t, acme);
      expect(await outboxRows(t, 'tenant_id = ? AND kind = ?', [acme.id, 'acknowledgement'])).toHaveLength(before);
    });
  });

  describe('POST /api/email-settings/smtp-test', () => {
    let wayne: Tenant;
    beforeAll(async () => {
      wayne = await createTenantWithTokens(t, `Wayne ${engine}`);
    });
    const test = (body: Record<string, unknown> = {}) => t.http().post('/api/email-settings/smtp-test').set(wayne.admin).send(body);

    it('reports success with the stored settings and sends a test message when asked', async () => {
      await useSmtp(t, wayne, sinkSettings(sink, 'outbound', 'secret', { from_address: 'it@wayne.example' }));
      const ok = await test().expect(200);
      expect(ok.body).toMatchObject({ ok: true, via: 'tenant_smtp', host: '127.0.0.1', port: sink.port, security: 'starttls', authenticated: true, sent_to: null });
      const sent = await test({ send_to: 'admin@wayne.example' }).expect(200);
      expect(sent.body).toMatchObject({ ok: true, sent_to: 'admin@wayne.example', smtp_response: expect.stringContaining('250') });
      const captured = sink.messages.filter((m) => m.to.includes('admin@wayne.example'));
      expect(captured).toHaveLength(1);
      expect(captured[0]).toMatchObject({ user: 'outbound', from: 'it@wayne.example', secure: true });
      expect(await outboxRows(t, 'tenant_id = ? AND kind = ?', [wayne.id, 'test'])).toEqual([expect.objectContaining({ status: 'sent', recipient: 'admin@wayne.example' })]);
    });

    it('names the auth stage for a wrong password and never shows the password', async () => {
      await useSmtp(t, wayne, sinkSettings(sink, 'outbound', 'Sup3r-Secret-Pw'));
      const res = await test({ send_to: 'admin@wayne.example' }).expect(200);
      expect(res.body).toMatchObject({ ok: false, stage: 'auth', smtp_code: 535 });
      expect(res.body.error).toMatch(/Authentication failed/);
      expect(JSON.stringify(res.body)).not.toContain('Sup3r-Secret-Pw');
      expect(JSON.stringify(res.body)).not.toContain(Buffer.from('Sup3r-Secret-Pw').toString('base64'));
    });

    it('names the connection stage when nothing listens', async () => {
      await useSmtp(t, wayne, sinkSettings(sink, 'outbound', 'secret', { smtp_port: await freePort() }));
      const res = await test().expect(200);
      expect(res.body).toMatchObject({ ok: false, stage: 'connection' });
      expect(res.body.error).toMatch(/ECONNREFUSED/);
    });

    it('names the tls stage when implicit TLS meets a plain server', async () => {
      await useSmtp(t, wayne, sinkSettings(sink, 'outbound', 'secret', { smtp_security: 'tls' }));
      const res = await test().expect(200);
      expect(res.body).toMatchObject({ ok: false, stage: 'tls' });
    });

    it('names the dns stage for a host that does not resolve', async () => {
      await useSmtp(t, wayne, sinkSettings(sink, 'outbound', 'secret', { smtp_host: 'smtp.does-not-exist.invalid', smtp_port: 587 }));
      const res = await test().expect(200);
      expect(res.body).toMatchObject({ ok: false, stage: 'dns' });
    });

    it('is for tenant admins only', async () => {
      await t.http().post('/api/email-settings/smtp-test').set(wayne.agent).send({}).expect(403);
      await test({ send_to: 'not an address' }).expect(400);
    });
  });
});

describe.each(ENGINES)('outbox across instances on %s', (engine) => {
  let sink: SmtpSink;
  const running: TestApp[] = [];
  /** Apps already stopped by a test: only their database and DATA_DIR are left to remove. */
  const stopped: TestApp[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink({ users: SINK_USERS });
  });
  // A test that failed midway must not leave the sink refusing mail for the next one.
  afterEach(() => sink.respondWith(null));
  afterAll(async () => {
    for (const app of running.reverse()) await app.close();
    for (const app of stopped) {
      if (engine === 'mysql') await dropMysqlDatabase(app.config.database.database);
      rmSync(app.dataDir, { recursive: true, force: true });
    }
    await sink?.close();
  });


  it('a restart loses nothing and sends nothing twice; a dead instance’s lease is taken over, a live one is respected', async () => {
    // Its retries wait ten minutes: each reply stays queued after its one refused attempt however
    // slowly the machine files the four (with the fast retries they could run out of attempts first).
    const first = await startTestApp(engine, { ...FAST_OUTBOX, OUTBOX_RETRY_BASE_MS: '600000', INSTANCE_ID: 'first' });
    const acme = await createTenantWithTokens(first, 'Acme');
    await useSmtp(first, acme, sinkSettings(sink, 'acme', 'acme-secret'));

    sink.respondWith(421, '4.3.2 Service shutting down, try later', { stage: 'MAIL' });
    const replies: { id: number; message_id: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const { ticketId } = await newTicket(first, acme, { subject: `Restart ${i}` });
      replies.push((await reply(first, acme, ticketId, { body_text: `answer ${i}` }).expect(202)).body);
    }
    await eventually(async () => {
      const rows = await outboxRows(first, 'tenant_id = ?', [acme.id]);
      expect(rows.every((r) => Number(r.attempts) >= 1 && r.status === 'queued')).toBe(true);
    });
    // Stop the instance mid-queue; the database stays.
    await first.app.close();
    stopped.push(first);
    expect(withMessageId(sink, replies[0].message_id)).toHaveLength(0);

    // While no instance runs: reply 0 looks claimed by an instance that died mid-send (lease
    // over), reply 1 by an instance that is alive (lease for another hour).
    const offline = await new DataSource({ ...dataSourceOptions(first.config.database), entities: [OutboxEntry], migrationsRun: false }).initialize();
    const lease = (id: number, owner: string, until: Date) =>
      offline.createQueryBuilder().update(OutboxEntry).set({ status: 'sending', lockedBy: owner, lockedUntil: until }).where('ticket_message_id = :id', { id }).execute();
    await lease(replies[0].id, 'dead/0', new Date(Date.now() - 1_000));
    await lease(replies[1].id, 'alive/0', new Date(Date.now() + 3_600_000));
    // ... and the ten minutes have passed.
    await offline.createQueryBuilder().update(OutboxEntry).set({ nextAttemptAt: new Date(Date.now() - 1_000) }).where('tenant_id = :tenant', { tenant: acme.id }).execute();
    await offline.destroy();
    sink.respondWith(null);

    const second = await startTestApp(engine, { ...FAST_OUTBOX, INSTANCE_ID: 'second', ...sameDatabaseAs(first) });
    running.push(second);
    await eventually(() => {
      for (const r of [replies[0], replies[2], replies[3]]) expect(withMessageId(sink, r.message_id)).toHaveLength(1);
    });
    await sleep(600);
    expect(await second.app.get(OutboxService).drainOnce()).toBe(0);
    for (const r of [replies[0], replies[2], replies[3]]) expect(withMessageId(sink, r.message_id)).toHaveLength(1);
    expect(withMessageId(sink, replies[1].message_id)).toHaveLength(0);
    const rows = await outboxRows(second, 'tenant_id = ?', [acme.id]);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sending', 'sent', 'sent']);
    expect(rows[1].locked_by).toBe('alive/0');
  });

  it('a claim is exclusive, holds for the lease, and only the lease holder records the outcome', async () => {
    const app = await startTestApp(engine, FAST_OUTBOX);
    const acme = await createTenantWithTokens(app, 'Acme');
    await app.app.close();
    stopped.push(app);
    const opened = await new DataSource({ ...dataSourceOptions(app.config.database), entities: [OutboxEntry, TenantUsage], migrationsRun: false }).initialize();
    // As DatabaseModule does: SQLite's one connection takes one transaction at a time.
    const offline = engine === 'sqlite' ? serializeTransactions(opened) : opened;
    try {
      const repo = new OutboxRepository(offline, new TicketMessagesRepository(), new TenantUsageRepository(offline.getRepository(TenantUsage)));
      const { identifiers } = await offline.manager.insert(OutboxEntry, { tenantId: acme.id, kind: 'test', recipient: 'x@example.com', status: 'queued', attempts: 0, nextAttemptAt: new Date(), ticketMessageId: null, payload: null });
      const entry = { id: Number(identifiers[0].id) };
      const now = new Date(Date.now() + 1_000);
      const both = await Promise.all([repo.claim(entry.id, 'a', now), repo.claim(entry.id, 'b', now)]);
      const winner = both.find((e) => e !== null)!;
      expect(both.filter((e) => e !== null)).toHaveLength(1);
      expect(winner).toMatchObject({ status: 'sending', attempts: 1 });
      expect(await repo.claim(entry.id, 'c', new Date(now.getTime() + OUTBOX_LEASE_MS - 1_000))).toBeNull();
      const takeover = await repo.claim(entry.id, 'c', new Date(now.getTime() + OUTBOX_LEASE_MS + 1_000));
      expect(takeover).toMatchObject({ lockedBy: 'c', attempts: 2 });
      expect(await repo.markSent(winner, winner.lockedBy!, '250 ok', '250 ok', '2025-01-01')).toBe(false);
      expect(await repo.markSent(takeover!, 'c', '250 ok', '250 ok', '2025-01-01')).toBe(true);
      expect(await repo.claim(entry.id, 'd', new Date(now.getTime() + 10 * OUTBOX_LEASE_MS))).toBeNull();
    } finally {
      await offline.destroy();
    }
  });

  it('two instances draining one outbox deliver each reply exactly once', async () => {
    const one = await startTestApp(engine, { ...FAST_OUTBOX, OUTBOX_POLL_INTERVAL_MS: '50', INSTANCE_ID: 'one' });
    running.push(one);
    const two = await startTestApp(engine, { ...FAST_OUTBOX, OUTBOX_POLL_INTERVAL_MS: '50', INSTANCE_ID: 'two', ...sameDatabaseAs(one) });
    running.push(two);
    const acme = await createTenantWithTokens(one, 'Acme');
    await useSmtp(one, acme, sinkSettings(sink, 'acme', 'acme-secret'));
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { ticketId } = await newTicket(i % 2 ? two : one, acme, { subject: `Parallel ${i}` });
      ids.push((await reply(i % 2 ? one : two, acme, ticketId, { body_text: `answer ${i}` }).expect(202)).body.message_id);
    }
    await eventually(() => expect(ids.every((id) => withMessageId(sink, id).length >= 1)).toBe(true));
    await sleep(500);
    for (const id of ids) if (withMessageId(sink, id).length > 1) console.log(withMessageId(sink, id).map((m) => m.raw.toString().slice(0, 1500)).join('\n=========\n'));
    for (const id of ids) expect(withMessageId(sink, id)).toHaveLength(1);
    const rows = await outboxRows(one, 'tenant_id = ?', [acme.id]);
    expect(rows.map((r) => [r.status, Number(r.attempts)])).toEqual(ids.map(() => ['sent', 1]));
  });
});

describe('outbound without any SMTP server', () => {
  let t: TestApp;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ users: SINK_USERS });
    t = await startTestApp('sqlite', { OUTBOX_POLL_INTERVAL_MS: '100', ...SINK_ALLOWED });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('refuses a reply with 422 when the tenant has no SMTP settings and there is no development relay', async () => {
    const acme = await createTenantWithTokens(t, 'Acme');
    const { ticketId } = await newTicket(t, acme);
    const res = await reply(t, acme, ticketId).expect(422);
    expect(res.body.message).toMatch(/No SMTP server/);
    await t.http().post('/api/email-settings/smtp-test').set(acme.admin).send({}).expect(422);
  });

  it('verifies certificates by default: the self-signed sink fails at the tls stage', async () => {
    const acme = await createTenantWithTokens(t, 'Verify Co');
    await useSmtp(t, acme, sinkSettings(sink, 'outbound', 'secret'));
    const res = await t.http().post('/api/email-settings/smtp-test').set(acme.admin).send({}).expect(200);
    expect(res.body).toMatchObject({ ok: false, stage: 'tls' });
  });
});
