import { generateKeyPairSync } from 'node:crypto';
import { ARCSealOptions, dkimSign, DKIMSignOptions, sealMessage } from 'mailauth';
import { DataSource } from 'typeorm';
import { buildMail, MailSpec, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

// Issue 19, part 1: mail DKIM-signed here, the key and the DMARC and SPF records served by the
// test's own DNS zone; a forged From is filed but neither threads by subject tag nor is acknowledged.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const PRIVATE_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

async function signed(raw: Buffer, domain = 'customer.example'): Promise<Buffer> {
  // mailauth signs with signatureData; its bundled typings describe only the top-level form, which signs nothing.
  const options = { signatureData: [{ signingDomain: domain, selector: 's1', privateKey: PRIVATE_KEY }] } as unknown as DKIMSignOptions;
  const { signatures, errors } = await dkimSign(raw, options);
  if (!signatures.startsWith('DKIM-Signature:')) throw new Error('mailauth returned no signature');
  if (errors.length > 0) throw new Error(`could not sign: ${JSON.stringify(errors)}`);
  return Buffer.concat([Buffer.from(signatures), raw]);
}

/** A forwarder's ARC seal over the mail, recording what it saw on receipt. */
async function sealed(raw: Buffer, sealer: string, recorded: string): Promise<Buffer> {
  // authResults and cv are read by mailauth but missing from its bundled typings.
  const options = { signingDomain: sealer, selector: 's1', privateKey: PRIVATE_KEY, authResults: `mx.${sealer}; ${recorded}`, cv: 'none' } as ARCSealOptions;
  const seal = await sealMessage(raw, options);
  return Buffer.concat([seal, raw]);
}

/** As our MTA would write them: the client it saw and the envelope sender. */
function viaOurMta(ip: string, sender: string): Record<string, string> {
  return { 'Return-Path': `<${sender}>`, Received: `from mx.sender.example (mx.sender.example [${ip}]) by mail.test (Postfix) with ESMTPS id 4Xq; ${new Date().toUTCString()}` };
}

describe.each(ENGINES)('sender authentication on %s', (engine) => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const acknowledgements = async () => Number((await t.app.get(DataSource).query("SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND kind = 'acknowledgement'", [tenant.id]))[0].n);
  const message = async (ticketId: number, index = -1) => {
    const ticket = await t.http().get(`/api/tickets/${ticketId}`).set(tenant.agent).expect(200);
    return ticket.body.messages.at(index) as { sender_auth: string | null; sender_auth_details: string | null; from: string };
  };
  const post = async (spec: Omit<MailSpec, 'to'>, sign = false) => {
    const raw = buildMail({ to: tenant.inboundAddress, ...spec });
    return (await postSigned(t, sign ? await signed(raw) : raw).expect(200)).body;
  };

  beforeAll(async () => {
    t = await startTestApp(engine, { ARC_TRUSTED_SEALERS: 'lists.example.net' });
    t.dns
      .txt('s1._domainkey.lists.example.net', `v=DKIM1; k=rsa; p=${PUBLIC_KEY}`)
      .txt('s1._domainkey.evil.example', `v=DKIM1; k=rsa; p=${PUBLIC_KEY}`)
      .txt('s1._domainkey.customer.example', `v=DKIM1; k=rsa; p=${PUBLIC_KEY}`)
      .txt('_dmarc.customer.example', 'v=DMARC1; p=reject')
      .txt('customer.example', 'v=spf1 ip4:192.0.2.10 -all')
      .txt('nodmarc.example', 'v=spf1 ip4:192.0.2.20 -all')
      .fail('_dmarc.flaky.example', 'ETIMEOUT');
    tenant = await createTenantWithTokens(t, `Auth ${engine}`, { tier: 'starter' });
    await t.http().put('/api/email-settings').set(tenant.admin).send({ auto_acknowledge: true }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('passes a signed mail, acknowledges it, threads its signed reply by subject tag, and shows the verdict', async () => {
    const before = await acknowledgements();
    const first = await post({ from: 'Ann <ann@customer.example>', subject: 'Signed question' }, true);
    expect(first.outcome).toBe('created');
    expect(await acknowledgements()).toBe(before + 1);
    const shown = await message(first.ticket_id);
    expect(shown).toMatchObject({ sender_auth: 'pass', sender_auth_details: expect.stringContaining('dmarc=pass') });

    const reply = await post({ from: 'ann@customer.example', subject: `Re: Signed question [#${first.ticket_number}]` }, true);
    expect(reply).toMatchObject({ outcome: 'appended', ticket_id: first.ticket_id, reason: 'reply threaded by subject_tag' });
  });

  it('files a forged From that would have threaded by subject tag as a new ticket, unacknowledged', async () => {
    const first = await post({ from: 'ann@customer.example', subject: 'Real thread' }, true);
    const before = await acknowledgements();
    // Same participant address, tag of her ticket, but neither signed nor from an allowed address.
    const forged = await post({ from: 'ann@customer.example', subject: `Re: Real thread [#${first.ticket_number}]`, headers: viaOurMta('203.0.113.66', 'ann@customer.example') });
    expect(forged.outcome).toBe('created');
    expect(forged.ticket_id).not.toBe(first.ticket_id);
    expect(await acknowledgements()).toBe(before);
    expect(await message(forged.ticket_id)).toMatchObject({ sender_auth: 'fail', sender_auth_details: expect.stringMatching(/dmarc=fail spf=fail dkim=none/) });
    const logs = await t.http().get('/api/email-processing-logs').set(tenant.admin).expect(200);
    expect(logs.body.data[0]).toMatchObject({ outcome: 'created', ticket_id: forged.ticket_id });

    // A signature by another domain does not make the From authentic either.
    const resigned = buildMail({ to: tenant.inboundAddress, from: 'ann@customer.example', subject: `Re: Real thread [#${first.ticket_number}]` });
    const other = (await postSigned(t, await signed(resigned, 'evil.example')).expect(200)).body;
    expect(other.outcome).toBe('created');
    expect(await message(other.ticket_id)).toMatchObject({ sender_auth: 'fail' });
  });

  it('passes by SPF alone when the client our MTA saw is allowed, and fails without DMARC when neither SPF nor DKIM passes', async () => {
    const spfPass = await post({ from: 'bob@customer.example', subject: 'Via allowed relay', headers: viaOurMta('192.0.2.10', 'bob@customer.example') });
    expect(await message(spfPass.ticket_id)).toMatchObject({ sender_auth: 'pass' });
    const noDmarcPass = await post({ from: 'cy@nodmarc.example', subject: 'No DMARC, SPF ok', headers: viaOurMta('192.0.2.20', 'cy@nodmarc.example') });
    expect(await message(noDmarcPass.ticket_id)).toMatchObject({ sender_auth: 'pass' });
    const noDmarcFail = await post({ from: 'cy@nodmarc.example', subject: 'No DMARC, SPF fails', headers: viaOurMta('198.51.100.1', 'cy@nodmarc.example') });
    expect(await message(noDmarcFail.ticket_id)).toMatchObject({ sender_auth: 'fail', sender_auth_details: expect.stringContaining('dmarc=none spf=fail dkim=none') });
  });

  it('keeps the participant rule when there is no verdict: unknown client, or a DNS failure (temperror)', async () => {
    const first = await post({ from: 'dee@flaky.example', subject: 'Flaky DNS' });
    expect(first.outcome).toBe('created');
    expect(await message(first.ticket_id)).toMatchObject({ sender_auth: 'temperror' });
    const reply = await post({ from: 'dee@flaky.example', subject: `Re: Flaky DNS [#${first.ticket_number}]` });
    expect(reply).toMatchObject({ outcome: 'appended', ticket_id: first.ticket_id });

    const unknown = await post({ from: 'eve@unknown.example', subject: 'No records at all' });
    expect(await message(unknown.ticket_id)).toMatchObject({ sender_auth: 'none', sender_auth_details: 'dmarc=none spf=unchecked dkim=none arc=none (mailauth)' });
  });

  it("trusts our own MTA's Authentication-Results and ignores anyone else's", async () => {
    const ours = await post({ from: 'ann@customer.example', subject: 'Checked by our MTA', headers: { 'Authentication-Results': 'mail.test; dkim=pass header.d=customer.example; dmarc=pass header.from=customer.example' } });
    expect(await message(ours.ticket_id)).toMatchObject({ sender_auth: 'pass', sender_auth_details: expect.stringContaining('(mail.test)') });
    const theirs = await post({ from: 'ann@customer.example', subject: 'Checked by someone', headers: { 'Authentication-Results': 'mx.evil.example; dkim=pass header.d=customer.example; dmarc=pass' } });
    // Not trusted: verified here instead, and the unsigned mail fails customer.example's DMARC.
    expect(await message(theirs.ticket_id)).toMatchObject({ sender_auth: 'fail', sender_auth_details: expect.stringContaining('(mailauth)') });
  });

  it('passes a forwarded mail that DMARC fails when a trusted forwarder sealed an ARC chain recording a DMARC pass; not for another sealer', async () => {
    const mail = (subject: string) => buildMail({ to: tenant.inboundAddress, from: 'ann@customer.example', subject, headers: viaOurMta('198.51.100.30', 'bounces@lists.example.net') });
    const recorded = 'dkim=pass header.d=customer.example; spf=pass smtp.mailfrom=customer.example; dmarc=pass header.from=customer.example';
    const trusted = (await postSigned(t, await sealed(mail('Via the list'), 'lists.example.net', recorded)).expect(200)).body;
    expect(await message(trusted.ticket_id)).toMatchObject({ sender_auth: 'pass', sender_auth_details: expect.stringContaining('dmarc=fail spf=none dkim=none arc=pass sealed by lists.example.net') });
    const untrusted = (await postSigned(t, await sealed(mail('Via some relay'), 'evil.example', recorded)).expect(200)).body;
    expect(await message(untrusted.ticket_id)).toMatchObject({ sender_auth: 'fail', sender_auth_details: expect.stringContaining('arc=pass sealed by evil.example') });
  });
});
