import { DataSource } from 'typeorm';
import { InboundWriterRepository } from '../../src/inbound/inbound-writer.repository';
import { inboundWrite, recordTransactions } from '../support/ingest-fixtures';
import { IngestService } from '../../src/inbound/ingest.service';
import { buildMail, buildMailWithAttachment, postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';
import { asTenantId } from '../../src/common/tenant-id';

describe.each(ENGINES)('webhook ingest on %s', (engine) => {
  let t: TestApp;
  let acme: Awaited<ReturnType<typeof createTenantWithTokens>>;
  let globex: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const count = async (sql: string, params: unknown[] = []) => Number((await t.app.get(DataSource).query(sql, params))[0].n);

  beforeAll(async () => {
    t = await startTestApp(engine);
    acme = await createTenantWithTokens(t, 'Acme');
    globex = await createTenantWithTokens(t, 'Globex');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('files a new mail as ticket #1, appends the reply, and answers duplicate for a replay', async () => {
    const first = buildMail({ to: acme.inboundAddress, subject: 'Printer on fire', messageId: '<first-1@example.com>' });
    const created = await postSigned(t, first).expect(200);
    expect(created.body).toMatchObject({ outcome: 'created', ticket_number: 1 });
    expect(created.body.ticket_id).toEqual(expect.any(Number));
    expect(created.body.log_id).toEqual(expect.any(Number));

    const reply = buildMail({
      to: acme.inboundAddress,
      subject: 'Re: Printer on fire',
      inReplyTo: '<first-1@example.com>',
      references: '<first-1@example.com>',
      body: 'Now the scanner too.\n\nOn Mon, 2 Mar 2026 at 10:00, Acme Support <support@acme.example> wrote:\n> Hello, my printer is on fire.\n> Please help.',
    });
    const appended = await postSigned(t, reply).expect(200);
    expect(appended.body).toMatchObject({ outcome: 'appended', ticket_id: created.body.ticket_id });

    const replay = await postSigned(t, reply).expect(200);
    expect(replay.body).toMatchObject({ outcome: 'duplicate', ticket_id: created.body.ticket_id });

    const ticket = await t.http().get(`/api/tickets/${created.body.ticket_id}`).set(acme.agent).expect(200);
    expect(ticket.body).toMatchObject({ number: 1, subject: 'Printer on fire', status: 'open', message_count: 2 });
    expect(ticket.body.messages).toHaveLength(2);
    expect(ticket.body.messages[0]).toMatchObject({ message_id: '<first-1@example.com>', from: 'customer@example.com', direction: 'inbound' });
    expect(ticket.body.messages[1].new_text).toContain('Now the scanner too.');
    expect(ticket.body.messages[1].new_text).not.toContain('printer is on fire');

    const logs = await t.http().get('/api/email-processing-logs').set(acme.admin).expect(200);
    expect(logs.body.data.slice(0, 3).map((l: { outcome: string }) => l.outcome)).toEqual(['duplicate', 'appended', 'created']);
    expect(logs.body.data[2]).toMatchObject({ source: 'webhook', subject: 'Printer on fire', from: 'customer@example.com', ticket_id: created.body.ticket_id });
  });

  it('refuses a bad, missing or stale signature and writes nothing', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM email_processing_logs');
    const raw = buildMail({ to: acme.inboundAddress });
    const bad = await postSigned(t, raw, { secret: 'another-secret-0123456789' }).expect(401);
    expect(bad.body.message).toMatch(/does not match/);
    await t.http().post('/api/inbound/webhook').set('Content-Type', 'message/rfc822').send(raw).expect(401);
    const stale = await postSigned(t, raw, { timestamp: Math.floor(Date.now() / 1000) - 301 }).expect(401);
    expect(stale.body.message).toMatch(/300 s/);
    expect(await count('SELECT COUNT(*) AS n FROM email_processing_logs')).toBe(before);
  });

  it('answers 413 above INBOUND_MAX_BYTES and 422 for a body that is no message', async () => {
    const small = await startTestApp(engine, { INBOUND_MAX_BYTES: '2048' });
    try {
      const big = buildMail({ to: acme.inboundAddress, body: 'x'.repeat(5000) });
      const res = await postSigned(small, big).expect(413);
      expect(res.body.error).toBe('payload_too_large');
    } finally {
      await small.close();
    }
    const notMail = await postSigned(t, Buffer.from('<html>hello</html>')).expect(422);
    expect(notMail.body.message).toMatch(/not an RFC 5322 message/);
  });

  it('creates no ticket for an out-of-office reply', async () => {
    const before = await count('SELECT COUNT(*) AS n FROM tickets');
    const ooo = buildMail({ to: acme.inboundAddress, subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } });
    const res = await postSigned(t, ooo).expect(200);
    expect(res.body).toMatchObject({ outcome: 'ignored', ticket_id: null });
    expect(res.body.reason).toMatch(/auto-reply/);
    expect(await count('SELECT COUNT(*) AS n FROM tickets')).toBe(before);
  });

  it('stores an auto-reply on the ticket it threads into without changing its status', async () => {
    const original = await postSigned(t, buildMail({ to: acme.inboundAddress, messageId: '<ooo-thread@example.com>' })).expect(200);
    await t.http().patch(`/api/tickets/${original.body.ticket_id}`).set(acme.agent).send({ status: 'pending' }).expect(200);
    const ooo = buildMail({ to: acme.inboundAddress, subject: 'Automatic reply', inReplyTo: '<ooo-thread@example.com>', headers: { 'X-Autoreply': 'yes' } });
    const res = await postSigned(t, ooo).expect(200);
    expect(res.body).toMatchObject({ outcome: 'appended', ticket_id: original.body.ticket_id });
    const ticket = await t.http().get(`/api/tickets/${original.body.ticket_id}`).set(acme.agent).expect(200);
    expect(ticket.body.status).toBe('pending');
    expect(ticket.body.messages[1].is_auto_reply).toBe(true);
  });

  it('logs a mail to an unknown address as rejected', async () => {
    const res = await postSigned(t, buildMail({ to: 'nobody-here@mail.test' })).expect(200);
    expect(res.body).toMatchObject({ outcome: 'rejected', ticket_id: null });
    expect(res.body.reason).toMatch(/nobody-here@mail.test/);
    const [row] = await t.app.get(DataSource).query('SELECT outcome, tenant_id FROM email_processing_logs WHERE id = ?', [res.body.log_id]);
    expect(row).toMatchObject({ outcome: 'rejected', tenant_id: null });
  });

  it('rejects mail for a disabled tenant from the moment it is disabled, and files it again once re-enabled', async () => {
    const tenant = await createTenantWithTokens(t, 'Toggle');
    expect((await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'Before' })).expect(200)).body.outcome).toBe('created');
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ status: 'disabled' }).expect(200);
    const refused = await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'While disabled' })).expect(200);
    expect(refused.body).toMatchObject({ outcome: 'rejected', reason: 'tenant is disabled', ticket_id: null });
    await t.http().put(`/api/tenants/${tenant.id}`).set(t.admin).send({ status: 'active' }).expect(200);
    expect((await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'After' })).expect(200)).body.outcome).toBe('created');
  });

  it('routes by a changed inbound address at once, and by the old one still to the same tenant', async () => {
    const tenant = await createTenantWithTokens(t, 'Renamed');
    expect((await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'Old address' })).expect(200)).body.outcome).toBe('created');
    const changed = await t.http().put('/api/email-settings').set(tenant.admin).send({ inbound_email_local_part: `renamed-${engine}-desk` }).expect(200);
    const newAddress = changed.body.inbound_email_address as string;
    expect(newAddress).not.toBe(tenant.inboundAddress);
    const viaNew = await postSigned(t, buildMail({ to: newAddress, subject: 'New address' })).expect(200);
    expect(viaNew.body).toMatchObject({ outcome: 'created', ticket_number: 2 });
    // A renamed address stays the tenant's for good: customers keep writing to it, and no other tenant may take it.
    const viaOld = await postSigned(t, buildMail({ to: tenant.inboundAddress, subject: 'Old address again' })).expect(200);
    expect(viaOld.body).toMatchObject({ outcome: 'created', ticket_number: 3, results: [expect.objectContaining({ tenant_id: tenant.id })] });
  });

  it('quarantines Mailu spam verdicts and lets the tenant admin release them', async () => {
    const spam = buildMail({ to: acme.inboundAddress, subject: 'Cheap pills', headers: { 'X-Spam': 'Yes' } });
    const res = await postSigned(t, spam).expect(200);
    expect(res.body.outcome).toBe('quarantined');
    const quarantined = await t.http().get('/api/email-processing-logs?status=quarantined').set(acme.admin).expect(200);
    expect(quarantined.body.data.map((l: { id: number }) => l.id)).toContain(res.body.log_id);
    const released = await t.http().post(`/api/inbound/failed/${res.body.log_id}/reprocess`).set(acme.admin).expect(200);
    expect(released.body.outcome).toBe('created');
    await t.http().post(`/api/inbound/failed/${res.body.log_id}/reprocess`).set(acme.admin).expect(409);
  });

  it('gives each tenant its own result for a mail to two tenants', async () => {
    const both = buildMail({ to: acme.inboundAddress, cc: globex.inboundAddress, subject: 'For both of you' });
    const res = await postSigned(t, both).expect(200);
    expect(res.body.results).toHaveLength(2);
    expect(res.body.results.map((r: { tenant_id: number; outcome: string }) => [r.tenant_id, r.outcome]).sort()).toEqual(
      [[acme.id, 'created'], [globex.id, 'created']].sort(),
    );
    const globexTickets = await t.http().get('/api/tickets?q=For both').set(globex.agent).expect(200);
    expect(globexTickets.body.total).toBe(1);
  });

  it('routes by the envelope recipient (Delivered-To) and by plus-address', async () => {
    const bcc = buildMail({ to: 'someone-else@example.org', headers: { 'Delivered-To': globex.inboundAddress } });
    expect((await postSigned(t, bcc).expect(200)).body.outcome).toBe('created');
    const plus = buildMail({ to: globex.inboundAddress.replace('@', '+whatever@') });
    const res = await postSigned(t, plus).expect(200);
    expect(res.body.results[0]).toMatchObject({ tenant_id: globex.id, outcome: 'created' });
  });

  it('threads by subject tag only when the sender already takes part', async () => {
    const first = await postSigned(t, buildMail({ to: globex.inboundAddress, from: 'owner@example.com', subject: 'Tag me' })).expect(200);
    const number = first.body.ticket_number;
    const same = await postSigned(t, buildMail({ to: globex.inboundAddress, from: 'owner@example.com', subject: `Re: Tag me [#${number}]` })).expect(200);
    expect(same.body).toMatchObject({ outcome: 'appended', ticket_id: first.body.ticket_id });
    const stranger = await postSigned(t, buildMail({ to: globex.inboundAddress, from: 'hijacker@evil.example', subject: `Re: Tag me [#${number}]` })).expect(200);
    expect(stranger.body.outcome).toBe('created');
    expect(stranger.body.ticket_id).not.toBe(first.body.ticket_id);
  });

  it('never threads into another tenant ticket by Message-ID', async () => {
    const a = await postSigned(t, buildMail({ to: acme.inboundAddress, messageId: '<cross-tenant@example.com>' })).expect(200);
    const b = await postSigned(t, buildMail({ to: globex.inboundAddress, inReplyTo: '<cross-tenant@example.com>', subject: 'Re: x' })).expect(200);
    expect(b.body.outcome).toBe('created');
    await t.http().get(`/api/tickets/${a.body.ticket_id}`).set(globex.agent).expect(404);
  });

  it('keeps one ticket message for concurrent deliveries of the same mail', async () => {
    const raw = buildMail({ to: acme.inboundAddress, subject: 'Concurrent', messageId: '<concurrent@example.com>' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => postSigned(t, raw)));
    const outcomes = answers.map((r) => r.body.outcome).sort();
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5);
    expect(await count("SELECT COUNT(*) AS n FROM ticket_messages WHERE message_id = '<concurrent@example.com>'")).toBe(1);
  });

  it('gives unique sequential numbers to tickets created concurrently', async () => {
    const tenant = await createTenantWithTokens(t, 'Numbers');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => postSigned(t, buildMail({ to: tenant.inboundAddress, subject: `n${i}` }))));
    const numbers = answers.map((r) => r.body.ticket_number).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('files a burst with shared lookups and transactions, and each message still gets its own ticket, message and log row', async () => {
    const north = await createTenantWithTokens(t, 'Burst North');
    const south = await createTenantWithTokens(t, 'Burst South');
    const opener = await postSigned(t, buildMail({ to: north.inboundAddress, subject: 'Opener', messageId: '<burst-opener@example.com>' })).expect(200);
    const { batchSizes, restore } = recordTransactions(t.app.get(InboundWriterRepository));
    try {
      const twice = buildMail({ to: south.inboundAddress, subject: 'Sent twice', messageId: '<burst-twice@example.com>' });
      const mails = [
        ...Array.from({ length: 10 }, (_, i) => buildMail({ to: north.inboundAddress, subject: `North ${i}` })),
        ...Array.from({ length: 10 }, (_, i) => buildMail({ to: south.inboundAddress, subject: `South ${i}` })),
        ...Array.from({ length: 5 }, (_, i) =>
          buildMail({ to: north.inboundAddress, subject: 'Re: Opener', inReplyTo: '<burst-opener@example.com>', body: `Reply ${i}` }),
        ),
        twice,
        twice,
        // Shares its lookups with north's replies, but another tenant's Message-ID threads nowhere.
        buildMail({ to: south.inboundAddress, subject: 'Re: Opener', inReplyTo: '<burst-opener@example.com>', body: 'Not yours' }),
      ];
      const ingest = t.app.get(IngestService);
      const reports = await Promise.all(mails.map((raw) => ingest.ingest(raw, { source: 'webhook', ref: 'burst' })));
      const results = reports.map((r) => r.results[0]);

      // On MySQL messages join while a transaction is served. On SQLite, whose driver does not
      // yield, they wait a few milliseconds for each other (gatherMs) only when they come back to
      // back, which a slow machine's parsing can stretch apart: there the sharing is proven by
      // the medium tier, which submits writes to the group commit directly.
      if (engine === 'mysql') expect(Math.max(...batchSizes)).toBeGreaterThan(1);
      const numbers = (tenantId: number) =>
        results.filter((r) => r.tenantId === tenantId && r.outcome === 'created').map((r) => r.ticketNumber).sort((a, b) => a! - b!);
      expect(numbers(north.id)).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
      expect(numbers(south.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const replies = results.slice(20, 25);
      expect(replies.every((r) => r.outcome === 'appended' && r.ticketId === opener.body.ticket_id)).toBe(true);
      expect(results.slice(25, 27).map((r) => r.outcome).sort()).toEqual(['created', 'duplicate']);
      expect(results[27]).toMatchObject({ outcome: 'created', tenantId: south.id });

      const opened = await t.http().get(`/api/tickets/${opener.body.ticket_id}`).set(north.agent).expect(200);
      expect(opened.body.message_count).toBe(6);
      expect(opened.body.messages.map((m: { text: string }) => m.text.trim()).slice(1).sort()).toEqual(['Reply 0', 'Reply 1', 'Reply 2', 'Reply 3', 'Reply 4']);
      for (const r of results.filter((x) => x.outcome !== 'duplicate')) {
        const [log] = await t.app.get(DataSource).query('SELECT tenant_id, ticket_id, ticket_message_id, outcome FROM email_processing_logs WHERE id = ?', [r.logId]);
        expect({ tenant: Number(log.tenant_id), ticket: Number(log.ticket_id), message: Number(log.ticket_message_id), outcome: log.outcome }).toEqual({
          tenant: r.tenantId,
          ticket: r.ticketId,
          message: r.ticketMessageId,
          outcome: r.outcome,
        });
      }
      const usage = await t.app.get(DataSource).query('SELECT SUM(messages_in) AS n FROM tenant_usage WHERE tenant_id = ?', [south.id]);
      expect(Number(usage[0].n)).toBe(12);
    } finally {
      restore();
    }
  });

  it('rolls a failed shared transaction back whole and files its other messages alone, without gaps in the numbers', async () => {
    const tenant = await createTenantWithTokens(t, 'Rollback');
    const repo = t.app.get(InboundWriterRepository);
    const write = (key: string) => inboundWrite(asTenantId(tenant.id), { key });
    await repo.fileInbound(write('aaaa'));
    // Submitted in one turn. On MySQL the first goes alone and the other two share the next
    // transaction; on SQLite they come back to back after 'aaaa' and all three wait for each
    // other. The shared transaction fails on the duplicate key and is rolled back; each of its
    // writes is then tried alone.
    const { batchSizes, restore } = recordTransactions(repo);
    const [first, second, again] = await Promise.allSettled([repo.fileInbound(write('bbbb')), repo.fileInbound(write('cccc')), repo.fileInbound(write('aaaa'))]);
    restore();
    // Either 'bbbb' went alone and the other two shared the failing transaction (MySQL, or SQLite
    // when filing 'aaaa' took longer than the gathering window), or all three shared it (SQLite,
    // back to back): in both, the shared transaction fails whole and each of its writes is filed alone.
    expect([[1, 2, 1, 1], [3, 1, 1, 1]]).toContainEqual(batchSizes);
    if (engine === 'mysql') expect(batchSizes).toEqual([1, 2, 1, 1]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { ticketNumber: 2 } });
    expect(second).toMatchObject({ status: 'fulfilled', value: { ticketNumber: 3 } });
    expect(again.status).toBe('rejected');
    const db = t.app.get(DataSource);
    expect(await db.query('SELECT number FROM tickets WHERE tenant_id = ? ORDER BY number', [tenant.id])).toEqual([{ number: 1 }, { number: 2 }, { number: 3 }]);
    expect(await count('SELECT COUNT(*) AS n FROM ticket_messages WHERE tenant_id = ?', [tenant.id])).toBe(3);
    expect(await count('SELECT COUNT(*) AS n FROM email_processing_logs WHERE tenant_id = ?', [tenant.id])).toBe(3);
    expect(await count('SELECT messages_in AS n FROM tenant_usage WHERE tenant_id = ?', [tenant.id])).toBe(3);
  });

  it('keeps a different mail that reuses a Message-ID', async () => {
    const one = buildMail({ to: acme.inboundAddress, subject: 'First use', messageId: '<reused@broken-mailer.example>', body: 'one' });
    const two = buildMail({ to: acme.inboundAddress, subject: 'Second use', messageId: '<reused@broken-mailer.example>', body: 'two' });
    expect((await postSigned(t, one).expect(200)).body.outcome).toBe('created');
    expect((await postSigned(t, two).expect(200)).body.outcome).not.toBe('duplicate');
  });

  it('does not let transport headers make a duplicate look new', async () => {
    const body = buildMail({ to: acme.inboundAddress, subject: 'Two routes', messageId: '<two-routes@example.com>', date: 'Mon, 02 Mar 2026 10:00:00 +0000' });
    const viaA = Buffer.concat([Buffer.from('Received: from mx1 by a; Mon, 2 Mar 2026\r\nX-Spam-Score: 0.1\r\n'), body]);
    const viaB = Buffer.concat([Buffer.from(`Delivered-To: ${acme.inboundAddress}\r\nReceived: from mx2 by b; Mon, 2 Mar 2026\r\n`), body]);
    expect((await postSigned(t, viaA).expect(200)).body.outcome).toBe('created');
    expect((await postSigned(t, viaB).expect(200)).body.outcome).toBe('duplicate');
  });

  it('lists, filters and searches tickets, newest activity first, scoped to the tenant', async () => {
    const tenant = await createTenantWithTokens(t, 'Lister');
    for (const subject of ['Alpha invoice', 'Beta login', 'Gamma invoice']) {
      await postSigned(t, buildMail({ to: tenant.inboundAddress, subject })).expect(200);
    }
    const all = await t.http().get('/api/tickets').set(tenant.agent).expect(200);
    expect(all.body.total).toBe(3);
    expect(all.body.data.map((x: { subject: string }) => x.subject)).toEqual(['Gamma invoice', 'Beta login', 'Alpha invoice']);
    const search = await t.http().get('/api/tickets?q=invoice&per_page=1&page=2').set(tenant.agent).expect(200);
    expect(search.body).toMatchObject({ total: 2, page: 2, per_page: 1 });
    expect(search.body.data[0].subject).toBe('Alpha invoice');
    const closed = await t.http().get('/api/tickets?status=closed').set(tenant.agent).expect(200);
    expect(closed.body.total).toBe(0);
    await t.http().get('/api/tickets?status=bogus').set(tenant.agent).expect(400);
  });

  it('lists failed messages and reprocesses them', async () => {
    const tenant = await createTenantWithTokens(t, 'Failing');
    const failedLogs = await t.http().get('/api/inbound/failed').set(tenant.admin).expect(200);
    expect(failedLogs.body.data).toEqual([]);
    await t.http().post('/api/inbound/failed/999999/reprocess').set(tenant.admin).expect(404);
    await t.http().get('/api/inbound/failed').set(tenant.agent).expect(403);
  });

  it('serves attachments as downloads to the owning tenant only', async () => {
    const raw = buildMailWithAttachment({
      to: acme.inboundAddress,
      messageId: '<with-attachment@example.com>',
      filename: '../../etc/passwd',
      contentType: 'text/plain',
      content: 'root:x:0:0',
    });
    const res = await postSigned(t, raw).expect(200);
    const ticket = await t.http().get(`/api/tickets/${res.body.ticket_id}`).set(acme.agent).expect(200);
    const [attachment] = ticket.body.messages[0].attachments;
    expect(attachment.filename).not.toContain('/');
    expect(attachment.size).toBe(10);
    const download = await t.http().get(attachment.url).set(acme.agent).expect(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.from(download.body).toString()).toBe('root:x:0:0');
    await t.http().get(attachment.url).set(globex.agent).expect(404);
  });

  describe('hostile mail', () => {
    it('turns a message whose header block passes 1 MB into a failed row with its raw kept, listed for reprocessing', async () => {
      const huge = buildMail({ to: acme.inboundAddress, subject: 'Huge header', headers: { 'X-Filler': 'a'.repeat(1_100_000) } });
      const res = await postSigned(t, huge).expect(200);
      expect(res.body).toMatchObject({ outcome: 'failed', ticket_id: null });
      expect(res.body.results[0].tenant_id).toBe(acme.id);
      const failed = await t.http().get('/api/inbound/failed').set(acme.admin).expect(200);
      const row = failed.body.data.find((l: { id: number }) => l.id === res.body.log_id);
      expect(row).toMatchObject({ outcome: 'failed', source: 'webhook' });
      expect(row.reason).toMatch(/could not parse/);
      const again = await t.http().post(`/api/inbound/failed/${res.body.log_id}/reprocess`).set(acme.admin).expect(200);
      expect(again.body.outcome).toBe('failed');
      const still = await t.http().get('/api/inbound/failed').set(acme.admin).expect(200);
      expect(still.body.data.map((l: { id: number }) => l.id)).toContain(res.body.log_id);
      await t.http().get('/health').expect(200);
    });

    it('files a mail to 10,000 recipients by its envelope recipient without 10,000 lookups', async () => {
      const crowd = Array.from({ length: 10_000 }, (_, i) => `person${i}@crowd.example`).join(', ');
      const mail = buildMail({ to: crowd, subject: 'To everyone', headers: { 'Delivered-To': acme.inboundAddress } });
      const started = Date.now();
      const res = await postSigned(t, mail).expect(200);
      expect(res.body.outcome).toBe('created');
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('survives deeply nested multiparts', async () => {
      const depth = 300;
      const open = Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`).join('');
      const close = Array.from({ length: depth }, (_, i) => `\r\n--b${depth - 1 - i}--\r\n`).join('');
      const raw = Buffer.from(`From: deep@example.com\r\nTo: ${acme.inboundAddress}\r\nSubject: Deep\r\nMessage-ID: <deep@example.com>\r\nMIME-Version: 1.0\r\n${open}Content-Type: text/plain\r\n\r\nbottom${close}`);
      const res = await postSigned(t, raw).expect(200);
      expect(['created', 'failed']).toContain(res.body.outcome);
      await t.http().get('/health').expect(200);
    });

    it('stores HTML without script, event handlers or javascript: links', async () => {
      const boundary = 'alt';
      const raw = Buffer.from(
        [
          'From: customer@example.com',
          `To: ${acme.inboundAddress}`,
          'Subject: Pretty mail',
          'MIME-Version: 1.0',
          `Content-Type: multipart/alternative; boundary="${boundary}"`,
          '',
          `--${boundary}`,
          'Content-Type: text/plain',
          '',
          'Hello',
          `--${boundary}`,
          'Content-Type: text/html',
          '',
          '<p onclick="steal()">Hello</p><script>steal()</script><img src="x" onerror="steal()"><a href="javascript:steal()">link</a><iframe src="https://evil.example"></iframe>',
          `--${boundary}--`,
          '',
        ].join('\r\n'),
      );
      const res = await postSigned(t, raw).expect(200);
      const ticket = await t.http().get(`/api/tickets/${res.body.ticket_id}`).set(acme.agent).expect(200);
      const html: string = ticket.body.messages[0].html;
      expect(html).toContain('Hello');
      expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe/i);
    });
  });
});
