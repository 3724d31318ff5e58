import { DataSource } from 'typeorm';
import { IngestService } from '../../src/inbound/ingest.service';
import { TenantsService } from '../../src/tenants/tenants.service';
import { buildMail } from '../support/mail';
import { ENGINES, startTestApp, TestApp } from '../support/test-app';

/** The ingest service with its real repositories, called directly (no HTTP request is made). */
describe.each(ENGINES)('ingest service on %s', (engine) => {
  let t: TestApp;
  let ingest: (raw: Buffer) => ReturnType<IngestService['ingest']>;
  let db: DataSource;
  const tenant = async (tier: 'free' | 'starter' = 'starter') => {
    const created = await t.app.get(TenantsService).create({ name: `Service ${Math.random()}`, tier });
    return { id: created.id, address: created.inbound_email_address! };
  };

  beforeAll(async () => {
    t = await startTestApp(engine);
    db = t.app.get(DataSource);
    ingest = (raw) => t.app.get(IngestService).ingest(raw, { source: 'webhook', ref: 'medium' });
  });
  afterAll(() => t?.close());

  it('writes what the decision says: a reply reopens, an auto-reply appends without reopening, a copy is a duplicate', async () => {
    const { address } = await tenant();
    const opener = buildMail({ to: address, messageId: '<svc-opener@example.com>' });
    const [created] = (await ingest(opener)).results;
    expect(created).toMatchObject({ outcome: 'created', reason: 'new ticket', ticketNumber: 1 });
    await db.query("UPDATE tickets SET status = 'closed' WHERE id = ?", [created.ticketId]);
    const status = async () => (await db.query('SELECT status FROM tickets WHERE id = ?', [created.ticketId]))[0].status;

    const autoReply = buildMail({ to: address, inReplyTo: '<svc-opener@example.com>', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect((await ingest(autoReply)).results[0]).toMatchObject({ outcome: 'appended', reason: 'auto-reply threaded by references', ticketId: created.ticketId });
    expect(await status()).toBe('closed');

    expect((await ingest(buildMail({ to: address, inReplyTo: '<svc-opener@example.com>' }))).results[0]).toMatchObject({ outcome: 'appended', reason: 'reply threaded by references' });
    expect(await status()).toBe('open');

    expect((await ingest(opener)).results[0]).toMatchObject({ outcome: 'duplicate', ticketId: created.ticketId, ticketNumber: 1 });
  });

  it('queues an acknowledgement for a new ticket only while the sender is under the hourly limit', async () => {
    const { id, address } = await tenant('starter');
    await db.query('UPDATE email_settings SET auto_acknowledge = 1 WHERE tenant_id = ?', [id]);
    for (let i = 0; i < 4; i++) expect((await ingest(buildMail({ to: address, from: 'ann@example.org', subject: `ack ${i}` }))).results[0].outcome).toBe('created');
    const [{ n }] = await db.query("SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND kind = 'acknowledgement'", [id]);
    expect(Number(n)).toBe(3);
  });

  it('rejects mail to a disabled tenant and holds new-ticket mail over the daily limit, with a log row each', async () => {
    const disabled = await tenant();
    await db.query("UPDATE tenants SET status = 'disabled' WHERE id = ?", [disabled.id]);
    const [rejected] = (await ingest(buildMail({ to: disabled.address }))).results;
    expect(rejected).toMatchObject({ outcome: 'rejected', reason: 'tenant is disabled' });

    const full = await tenant('free');
    const day = new Date().toISOString().slice(0, 10);
    await db.query('INSERT INTO tenant_usage (tenant_id, day, messages_in, messages_out, bytes_stored) VALUES (?, ?, 100, 0, 0)', [full.id, day]);
    const [over] = (await ingest(buildMail({ to: full.address }))).results;
    const reason = "held: over the free tier's 100 messages per day; released when the day rolls over";
    expect(over).toMatchObject({ outcome: 'held', reason });
    const [log] = await db.query('SELECT outcome, reason FROM email_processing_logs WHERE id = ?', [over.logId]);
    expect(log).toEqual({ outcome: 'held', reason });
  });
});
