import { InboundWriterRepository } from '../../src/inbound/inbound-writer.repository';
import { MigratedDatabase, openMigratedDatabase } from '../support/medium-database';
import { ENGINES } from '../support/test-app';
import { fileMessage, inboundWrite, recordTransactions, seedTenant } from '../support/ingest-fixtures';

describe.each(ENGINES)('inbound writer on %s', (engine) => {
  let db: MigratedDatabase;
  let writer: InboundWriterRepository;
  const count = async (sql: string, params: unknown[]) => Number((await db.dataSource.query(sql, params))[0].n);

  beforeAll(async () => {
    db = await openMigratedDatabase(engine);
    writer = new InboundWriterRepository(db.dataSource);
  });
  afterAll(() => db?.close());

  it('files concurrent messages in shared transactions, each with its own ticket, message, log row and usage', async () => {
    const tenant = await seedTenant(db.dataSource);
    await fileMessage(writer, tenant.id, { key: 'warm-up' });
    const { batchSizes, restore } = recordTransactions(writer);
    const written = await Promise.all(Array.from({ length: 20 }, (_, i) => fileMessage(writer, tenant.id, { key: `group-${i}` })));
    restore();
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(20);
    expect(new Set(written.map((w) => w.ticketId)).size).toBe(20);
    for (const w of written) {
      const [log] = await db.dataSource.query('SELECT ticket_id, ticket_message_id FROM email_processing_logs WHERE id = ?', [w.logId]);
      expect([Number(log.ticket_id), Number(log.ticket_message_id)]).toEqual([w.ticketId, w.ticketMessageId]);
    }
    expect(await count('SELECT SUM(messages_in) AS n FROM tenant_usage WHERE tenant_id = ?', [tenant.id])).toBe(21);
  });

  it('rolls a failed shared transaction back whole and tries its writes alone, so only the bad one fails', async () => {
    const tenant = await seedTenant(db.dataSource);
    await fileMessage(writer, tenant.id, { key: 'first' });
    const { batchSizes, restore } = recordTransactions(writer);
    const results = await Promise.allSettled(['second', 'third', 'first', 'fourth'].map((key) => writer.fileInbound(inboundWrite(tenant.id, { key }))));
    restore();
    expect(batchSizes.some((size) => size > 1)).toBe(true);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await count('SELECT COUNT(*) AS n FROM ticket_messages WHERE tenant_id = ?', [tenant.id])).toBe(4);
    expect(await count('SELECT COUNT(*) AS n FROM email_processing_logs WHERE tenant_id = ?', [tenant.id])).toBe(4);
    expect(await count('SELECT messages_in AS n FROM tenant_usage WHERE tenant_id = ?', [tenant.id])).toBe(4);
  });

  it('numbers tickets per tenant without gaps under concurrency, even when a write fails', async () => {
    const tenants = [await seedTenant(db.dataSource), await seedTenant(db.dataSource)];
    await fileMessage(writer, tenants[0].id, { key: 'taken' });
    const keys = Array.from({ length: 40 }, (_, i) => ({ tenant: tenants[i % 2], key: i === 16 ? 'taken' : `numbered-${i}` }));
    const results = await Promise.allSettled(keys.map(({ tenant, key }) => writer.fileInbound(inboundWrite(tenant.id, { key }))));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    for (const tenant of tenants) {
      const rows: { number: number }[] = await db.dataSource.query('SELECT number FROM tickets WHERE tenant_id = ? ORDER BY number', [tenant.id]);
      const numbers = rows.map((r) => Number(r.number));
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    }
    expect(await count('SELECT COUNT(*) AS n FROM tickets WHERE tenant_id IN (?, ?)', tenants.map((t) => t.id))).toBe(40);
  });

  it('appends to an existing ticket, and reopens it only when the write says so', async () => {
    const tenant = await seedTenant(db.dataSource);
    const ticket = await fileMessage(writer, tenant.id, { key: 'open-1' });
    await db.dataSource.query("UPDATE tickets SET status = 'closed' WHERE id = ?", [ticket.ticketId]);
    const status = async () => (await db.dataSource.query('SELECT status, message_count FROM tickets WHERE id = ?', [ticket.ticketId]))[0];
    await writer.fileInbound({ ...inboundWrite(tenant.id, { key: 'open-2' }), ticket: { kind: 'existing', id: ticket.ticketId, reopen: false } });
    expect(await status()).toMatchObject({ status: 'closed' });
    const appended = await fileMessage(writer, tenant.id, { key: 'open-3', ticket: ticket.ticketId });
    expect(appended).toMatchObject({ ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber });
    expect(await status()).toMatchObject({ status: 'open' });
    expect(Number((await status()).message_count)).toBe(3);
  });
});
