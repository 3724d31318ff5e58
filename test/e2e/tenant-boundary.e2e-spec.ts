import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { DnsLookup } from '../../src/tenants/dns-lookup';
import { buildMail, postSigned } from '../support/mail';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

type Tenant = Awaited<ReturnType<typeof createTenantWithTokens>>;

/** DNS answered from a table that the test fills: TXT records by name. */
function txtTable(): { records: Map<string, string[]>; resolver: DnsLookup['resolver'] } {
  const records = new Map<string, string[]>();
  const notFound = (name: string) => Promise.reject(Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' }));
  return {
    records,
    resolver: {
      resolve4: async (name: string) => notFound(name),
      resolveMx: async (name: string) => notFound(name),
      resolveTxt: async (name: string) => (records.has(name) ? records.get(name)!.map((text) => [text]) : notFound(name)),
    },
  };
}

/**
 * The attacks of the tenant-boundary issue, sections 1 and 2, performed against the running
 * service: a tenant admin on the cheapest tier tries to receive another tenant's mail.
 */
describe.each(ENGINES)('tenant boundary: domains, addresses and reply tokens (%s)', (engine) => {
  let t: TestApp;
  let dns: ReturnType<typeof txtTable>;
  let sink: SmtpSink;
  let victim: Tenant;
  let attacker: Tenant;

  beforeAll(async () => {
    sink = await startSmtpSink({ users: { outbound: 'secret' } });
    t = await startTestApp(engine, { OUTBOX_POLL_INTERVAL_MS: '100', OUTBOUND_SMTP_TLS_VERIFY: 'false', EGRESS_ALLOWED_HOSTS: '127.0.0.1' });
    dns = txtTable();
    t.app.get(DnsLookup).resolver = dns.resolver;
    victim = await createTenantWithTokens(t, 'Victim', { tier: 'professional' });
    attacker = await createTenantWithTokens(t, 'Attacker', { tier: 'professional' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const ticketsOf = async (tenant: Tenant) => (await t.http().get('/api/tickets?per_page=200').set(tenant.agent).expect(200)).body.data as { id: number; number: number; subject: string }[];
  const claim = (tenant: Tenant, domain: string) => t.http().post(`/api/tenants/${tenant.id}/domains`).set(tenant.admin).send({ domain });
  const publish = (view: { verification: { name: string; value: string } }) =>
    dns.records.set(view.verification.name, [...(dns.records.get(view.verification.name) ?? []), view.verification.value]);
  const verify = (tenant: Tenant, domainId: number) => t.http().post(`/api/tenants/${tenant.id}/domains/${domainId}/verify`).set(tenant.admin);

  describe('1. claimed domains', () => {
    it.each([
      ['gmail.com', /public mailbox provider/],
      ['outlook.com', /public mailbox provider/],
      ['yahoo.com', /public mailbox provider/],
      ['mail.test', /platform's inbound mail domain/],
      ['eu.mail.test', /subdomain/],
    ])('refuses a claim of %s with 422', async (domain, message) => {
      const res = await claim(attacker, domain).expect(422);
      expect(res.body.message).toMatch(message);
      const created = await t.http().post('/api/tenants').set(t.admin).send({ name: `Claims ${domain}`, tier: 'professional', domain }).expect(422);
      expect(created.body.message).toMatch(message);
      expect((await t.http().get(`/api/tenants/${attacker.id}/domains`).set(attacker.admin).expect(200)).body.data).toEqual([]);
    });

    it("an unverified claim routes nothing: the claimer never sees a customer's mail to that domain or Cc'd to it", async () => {
      const squat = await claim(attacker, 'victim-corp.example').expect(201);
      expect(squat.body).toMatchObject({ status: 'pending', verification: { type: 'TXT', name: '_inbound-verify.victim-corp.example' } });
      expect(squat.body.verification.value).toMatch(/^inbound-verify=[a-f0-9]{32}$/);

      const toDomain = await postSigned(t, buildMail({ to: 'support@victim-corp.example', subject: 'Invoice question' })).expect(200);
      expect(toDomain.body.outcome).toBe('rejected');
      const ccDomain = await postSigned(t, buildMail({ to: victim.inboundAddress, cc: 'sales@victim-corp.example', subject: 'Private contract' })).expect(200);
      expect(ccDomain.body.results).toEqual([expect.objectContaining({ tenant_id: victim.id, outcome: 'created' })]);
      expect((await ticketsOf(attacker)).map((x) => x.subject)).not.toContain('Private contract');
    });

    it('a pending claim does not block the owner; the first to verify owns the domain and only then it routes', async () => {
      const squat = await claim(attacker, 'owned.example').expect(201);
      const own = await claim(victim, 'owned.example').expect(201);
      expect(own.body.verification.value).not.toBe(squat.body.verification.value);

      const notYet = await verify(victim, own.body.id).expect(422);
      expect(notYet.body.message).toMatch(/no TXT record/);
      publish(own.body);
      const verified = await verify(victim, own.body.id).expect(200);
      expect(verified.body).toMatchObject({ status: 'verified', domain: 'owned.example' });
      expect(verified.body.verified_at).not.toBeNull();

      // The squatter's token is not published: DNS holds the owner's only.
      expect((await verify(attacker, squat.body.id).expect(422)).body.message).toMatch(/does not hold/);
      // Even with its token published too, the domain stays with its first verifier.
      publish(squat.body);
      expect((await verify(attacker, squat.body.id).expect(409)).body.message).toMatch(/already verified by another tenant/);
      await t.http().post('/api/tenants').set(t.admin).send({ name: 'Third claimant', tier: 'professional', domain: 'owned.example' }).expect(409);

      const mail = await postSigned(t, buildMail({ to: 'help@owned.example', subject: 'For the owner' })).expect(200);
      expect(mail.body.results).toEqual([expect.objectContaining({ tenant_id: victim.id, outcome: 'created' })]);
      expect((await ticketsOf(attacker)).map((x) => x.subject)).not.toContain('For the owner');
    });

    it('the DNS check lists the ownership record and a GET writes nothing', async () => {
      const pending = await claim(victim, 'checked.example').expect(201);
      publish(pending.body);
      const checked = await t.http().get(`/api/tenants/${victim.id}/dns-records?check=true`).set(victim.admin).expect(200);
      const entry = checked.body.data.find((d: { domain: string }) => d.domain === 'checked.example');
      expect(entry.records[0]).toMatchObject({ kind: 'ownership', type: 'TXT', status: 'ok', value: pending.body.verification.value });
      expect(entry.status).toBe('pending');
      const listed = await t.http().get(`/api/tenants/${victim.id}/domains`).set(victim.admin).expect(200);
      expect(listed.body.data.find((d: { domain: string }) => d.domain === 'checked.example').status).toBe('pending');
    });

    it('routes by the envelope recipient alone when the delivery carries it', async () => {
      // Our MTA delivered this copy for the victim; the To naming the attacker decides nothing.
      const forVictim = buildMail({ to: attacker.inboundAddress, subject: 'Envelope says victim', headers: { 'Delivered-To': victim.inboundAddress } });
      const res = await postSigned(t, forVictim).expect(200);
      expect(res.body.results).toEqual([expect.objectContaining({ tenant_id: victim.id, outcome: 'created' })]);

      // A Delivered-To below the first Received header was written by an earlier hop or the sender.
      const forged = Buffer.concat([
        Buffer.from(`Received: from mx.mail.test by inbound; ${new Date().toUTCString()}\r\nDelivered-To: ${attacker.inboundAddress}\r\n`),
        buildMail({ to: victim.inboundAddress, subject: 'Forged envelope' }),
      ]);
      const forgedRes = await postSigned(t, forged).expect(200);
      expect(forgedRes.body.results).toEqual([expect.objectContaining({ tenant_id: victim.id, outcome: 'created' })]);
      expect((await ticketsOf(attacker)).map((x) => x.subject)).not.toEqual(expect.arrayContaining(['Envelope says victim', 'Forged envelope']));
    });
  });

  describe('2. addresses and reply tokens', () => {
    /** The victim answers a customer's mail; returns the Reply-To the customer received and the ticket. */
    async function victimAnswers(subject: string): Promise<{ replyTo: string; ticket: { id: number; number: number } }> {
      await t.http().put('/api/email-settings').set(victim.admin)
        .send({ smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_security: 'starttls', smtp_username: 'outbound', smtp_password: 'secret' })
        .expect(200);
      const created = await postSigned(t, buildMail({ to: victim.inboundAddress, from: 'jane@customer.example', subject })).expect(200);
      const before = sink.messages.length;
      await t.http().post(`/api/tickets/${created.body.ticket_id}/reply`).set(victim.agent).send({ body_text: 'We are on it.' }).expect(202);
      const [sent] = (await sink.waitForMessages(before + 1)).slice(before);
      const parsed = await simpleParser(sent.raw);
      return { replyTo: parsed.replyTo!.value[0].address!, ticket: { id: created.body.ticket_id, number: created.body.ticket_number } };
    }

    it('reserved local parts are refused with 422', async () => {
      for (const localPart of ['postmaster', 'abuse', 'hostmaster', 'webmaster', 'security', 'mailer-daemon', 'noreply', 'no-reply', 'root', 'admin']) {
        const res = await t.http().put('/api/email-settings').set(attacker.admin).send({ inbound_email_local_part: localPart }).expect(422);
        expect(res.body.message).toMatch(/reserved/);
        await t.http().post('/api/tenants').set(t.admin).send({ name: `Reserved ${localPart}`, inbound_email_local_part: localPart }).expect(422);
      }
      const settings = await t.http().get('/api/email-settings').set(attacker.admin).expect(200);
      expect(settings.body.inbound_email_address).toBe(attacker.inboundAddress);
    });

    it("a renamed address is never given to another tenant, and the victim's old reply tokens keep routing to the victim", async () => {
      const { replyTo, ticket } = await victimAnswers('Where is my order?');
      const oldLocalPart = victim.inboundAddress.split('@')[0];
      expect(replyTo).toMatch(new RegExp(`^${oldLocalPart}\\+t${ticket.id}\\.[a-z2-7]{16}@mail\\.test$`));

      await t.http().put('/api/email-settings').set(victim.admin).send({ inbound_email_local_part: 'victim-helpdesk' }).expect(200);
      const grab = await t.http().put('/api/email-settings').set(attacker.admin).send({ inbound_email_local_part: oldLocalPart }).expect(409);
      expect(grab.body.message).toMatch(/never given to another/);
      await t.http().post('/api/tenants').set(t.admin).send({ name: 'Late grabber', inbound_email_local_part: oldLocalPart }).expect(409);

      // Ticket numbers collide on purpose: the attacker's ticket with the victim's number exists.
      while ((await ticketsOf(attacker)).every((x) => x.number !== ticket.number)) {
        await postSigned(t, buildMail({ to: attacker.inboundAddress, subject: 'Filler' })).expect(200);
      }
      const answer = await postSigned(
        t,
        buildMail({ to: replyTo, from: 'jane@customer.example', subject: `Re: Where is my order? [#${ticket.number}]`, body: 'My address is 1 Main St.' }),
      ).expect(200);
      expect(answer.body.results).toEqual([expect.objectContaining({ tenant_id: victim.id, outcome: 'appended', ticket_id: ticket.id })]);
      expect(answer.body.reason).toMatch(/reply_token/);

      // Plain mail to the old address still reaches the victim too.
      const plain = await postSigned(t, buildMail({ to: `${oldLocalPart}@mail.test`, subject: 'Old address book entry' })).expect(200);
      expect(plain.body.results).toEqual([expect.objectContaining({ tenant_id: victim.id, outcome: 'created' })]);
      // And the victim may return to its old address: it is its own.
      await t.http().put('/api/email-settings').set(victim.admin).send({ inbound_email_local_part: oldLocalPart }).expect(200);
    });

    it("a victim's token sent to the attacker's address never threads into the attacker's ticket", async () => {
      const { replyTo, ticket } = await victimAnswers('Token replay');
      const tag = replyTo.slice(replyTo.indexOf('+') + 1, replyTo.indexOf('@'));
      const [attackerLocal, domain] = attacker.inboundAddress.split('@');
      while ((await ticketsOf(attacker)).every((x) => x.number !== ticket.number)) {
        await postSigned(t, buildMail({ to: attacker.inboundAddress, subject: 'Filler' })).expect(200);
      }
      const replayed = await postSigned(t, buildMail({ to: `${attackerLocal}+${tag}@${domain}`, from: 'jane@customer.example', subject: `Re: Token replay [#${ticket.number}]` })).expect(200);
      expect(replayed.body.results).toEqual([expect.objectContaining({ tenant_id: attacker.id, outcome: 'created' })]);
      expect(replayed.body.ticket_id).not.toBe(ticket.id);
      const db = t.app.get(DataSource);
      const [row] = await db.query('SELECT COUNT(*) AS n FROM ticket_messages WHERE ticket_id = ?', [ticket.id]);
      expect(Number(row.n)).toBe(2);
    });

    it("a deleted tenant's address stays held and routes nowhere", async () => {
      const doomed = await createTenantWithTokens(t, 'Doomed Boundary');
      await t.http().delete(`/api/tenants/${doomed.id}`).set(t.admin).expect(200);
      const localPart = doomed.inboundAddress.split('@')[0];
      await t.http().post('/api/tenants').set(t.admin).send({ name: 'Heir', inbound_email_local_part: localPart }).expect(409);
      await t.http().put('/api/email-settings').set(attacker.admin).send({ inbound_email_local_part: localPart }).expect(409);
      const mail = await postSigned(t, buildMail({ to: doomed.inboundAddress, subject: 'To the departed' })).expect(200);
      expect(mail.body.outcome).toBe('rejected');
    });
  });
});
