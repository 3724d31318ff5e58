import { IngestFactsRepository } from '../../src/inbound/ingest-facts.repository';
import { InboundWriterRepository } from '../../src/inbound/inbound-writer.repository';
import { NOTHING_KNOWN } from '../support/ingest-facts';
import { MigratedDatabase, openMigratedDatabase } from '../support/medium-database';
import { ENGINES } from '../support/test-app';
import { fileMessage, questions, seedTenant } from '../support/ingest-fixtures';

/** The facts decideIngest gets, gathered from a real database. */
describe.each(ENGINES)('ingest facts on %s', (engine) => {
  let db: MigratedDatabase;
  let facts: IngestFactsRepository;
  let writer: InboundWriterRepository;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    db = await openMigratedDatabase(engine);
    facts = new IngestFactsRepository(db.dataSource);
    writer = new InboundWriterRepository(db.dataSource);
  });
  afterAll(() => db?.close());

  it('knows nothing of a first message', async () => {
    const tenant = await seedTenant(db.dataSource);
    expect(await facts.gatherFacts(tenant.id, questions({ referencedIds: ['<nowhere@example.org>'], subjectTagNumber: 4, sender: 'a@example.org' }))).toEqual(NOTHING_KNOWN);
  });

  it('finds the tenant\'s own copy of a message, with its ticket number, and not another tenant\'s', async () => {
    const [mine, theirs] = [await seedTenant(db.dataSource), await seedTenant(db.dataSource)];
    await fileMessage(writer, theirs.id, { key: 'shared-key' });
    expect((await facts.gatherFacts(mine.id, questions({ messageKey: 'shared-key' }))).duplicate).toBeNull();
    const filed = await fileMessage(writer, mine.id, { key: 'shared-key' });
    expect((await facts.gatherFacts(mine.id, questions({ messageKey: 'shared-key' }))).duplicate).toEqual({
      ticketMessageId: filed.ticketMessageId,
      ticketId: filed.ticketId,
      ticketNumber: 1,
    });
    expect(await facts.duplicateOf(mine.id, 'shared-key')).toEqual({ ticketMessageId: filed.ticketMessageId, ticketId: filed.ticketId, ticketNumber: 1 });
  });

  it('gives the tickets of referenced Message-IDs in the order asked, each once, of the tenant only', async () => {
    const [mine, theirs] = [await seedTenant(db.dataSource), await seedTenant(db.dataSource)];
    const first = await fileMessage(writer, mine.id, { key: 'ref-1', messageId: '<ref-1@example.org>' });
    const second = await fileMessage(writer, mine.id, { key: 'ref-2', messageId: '<ref-2@example.org>' });
    await fileMessage(writer, mine.id, { key: 'ref-3', messageId: '<ref-3@example.org>', ticket: first.ticketId });
    await fileMessage(writer, theirs.id, { key: 'ref-x', messageId: '<ref-x@example.org>' });
    const ids = ['<ref-x@example.org>', '<ref-2@example.org>', '<ref-3@example.org>', '<ref-1@example.org>'];
    expect((await facts.gatherFacts(mine.id, questions({ referencedIds: ids }))).referencedTicketIds).toEqual([second.ticketId, first.ticketId]);
  });

  it('gives the ticket of a subject tag and whether the sender takes part in it', async () => {
    const tenant = await seedTenant(db.dataSource);
    const ticket = await fileMessage(writer, tenant.id, { key: 'tag-1', from: 'requester@example.org' });
    await fileMessage(writer, tenant.id, { key: 'tag-2', from: 'colleague@example.org', ticket: ticket.ticketId });
    const tagged = (sender: string) => facts.gatherFacts(tenant.id, questions({ subjectTagNumber: ticket.ticketNumber, sender }));
    expect((await tagged('requester@example.org')).subjectTagTicket).toEqual({ id: ticket.ticketId, senderTakesPart: true });
    expect((await tagged('colleague@example.org')).subjectTagTicket).toEqual({ id: ticket.ticketId, senderTakesPart: true });
    expect((await tagged('stranger@example.org')).subjectTagTicket).toEqual({ id: ticket.ticketId, senderTakesPart: false });
    expect((await facts.gatherFacts(tenant.id, questions({ subjectTagNumber: 999, sender: 'requester@example.org' }))).subjectTagTicket).toBeNull();
  });

  it('confirms the ticket of a reply token only within the tenant', async () => {
    const [mine, theirs] = [await seedTenant(db.dataSource), await seedTenant(db.dataSource)];
    const ticket = await fileMessage(writer, mine.id, { key: 'token-1' });
    expect((await facts.gatherFacts(mine.id, questions({ replyTokenTicketId: ticket.ticketId }))).replyTokenTicketId).toBe(ticket.ticketId);
    expect((await facts.gatherFacts(theirs.id, questions({ replyTokenTicketId: ticket.ticketId }))).replyTokenTicketId).toBeNull();
  });

  it('knows our inbound addresses, of any tenant', async () => {
    const tenant = await seedTenant(db.dataSource);
    const other = await seedTenant(db.dataSource);
    expect((await facts.gatherFacts(tenant.id, questions({ senderOnMailDomain: other.address }))).senderIsOurAddress).toBe(true);
    expect((await facts.gatherFacts(tenant.id, questions({ senderOnMailDomain: 'nobody@mail.test' }))).senderIsOurAddress).toBe(false);
  });

  it('counts the messages received today', async () => {
    const tenant = await seedTenant(db.dataSource);
    for (const key of ['quota-1', 'quota-2', 'quota-3']) await fileMessage(writer, tenant.id, { key });
    expect((await facts.gatherFacts(tenant.id, questions({ quotaDay: today }))).messagesReceivedToday).toBe(3);
    expect((await facts.gatherFacts(tenant.id, questions({ quotaDay: '2000-01-01' }))).messagesReceivedToday).toBe(0);
  });

  it("knows whether the sender's last mail was an auto-reply, and its acknowledgements of the last hour", async () => {
    const tenant = await seedTenant(db.dataSource);
    const ask = () => facts.gatherFacts(tenant.id, questions({ acknowledgementRecipient: 'ann@example.org', sender: 'ann@example.org' }));
    const first = await fileMessage(writer, tenant.id, { key: 'ack-1', from: 'ann@example.org', acknowledgeTo: 'ann@example.org' });
    await fileMessage(writer, tenant.id, { key: 'ack-2', from: 'ann@example.org', acknowledgeTo: 'ann@example.org' });
    await db.dataSource.query(
      "INSERT INTO outbox (tenant_id, kind, recipient, status, attempts, next_attempt_at, created_at) VALUES (?, 'acknowledgement', 'ann@example.org', 'sent', 1, ?, ?)",
      [tenant.id, ...[new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000)].map((d) => (engine === 'mysql' ? d : d.toISOString().replace('T', ' ').replace('Z', '')))],
    );
    expect(await ask()).toMatchObject({ senderLastMailWasAutoReply: false, acknowledgementsToSenderLastHour: 2 });
    await fileMessage(writer, tenant.id, { key: 'ack-3', from: 'ann@example.org', autoReply: true, ticket: first.ticketId });
    expect((await ask()).senderLastMailWasAutoReply).toBe(true);
    await fileMessage(writer, tenant.id, { key: 'ack-4', from: 'ann@example.org', ticket: first.ticketId });
    expect((await ask()).senderLastMailWasAutoReply).toBe(false);
  });

  it('finds our outbound message a bounce names, not an inbound one with that Message-ID', async () => {
    const tenant = await seedTenant(db.dataSource);
    const sent = await fileMessage(writer, tenant.id, { key: 'out-1', messageId: '<out-1@mail.test>' });
    await fileMessage(writer, tenant.id, { key: 'in-1', messageId: '<in-1@example.org>', ticket: sent.ticketId });
    await db.dataSource.query("UPDATE ticket_messages SET direction = 'outbound' WHERE id = ?", [sent.ticketMessageId]);
    const bounced = (id: string) => facts.gatherFacts(tenant.id, questions({ bouncedMessageId: id }));
    expect((await bounced('<out-1@mail.test>')).bouncedOutbound).toEqual({ ticketMessageId: sent.ticketMessageId, ticketId: sent.ticketId });
    expect((await bounced('<in-1@example.org>')).bouncedOutbound).toBeNull();
  });

  it('shares its queries among concurrent messages, and each still gets its own facts', async () => {
    const tenants = [await seedTenant(db.dataSource), await seedTenant(db.dataSource)];
    const filed = await Promise.all(tenants.map((t, i) => fileMessage(writer, t.id, { key: `burst-${i}`, messageId: `<burst-${i}@example.org>`, from: `sender-${i}@example.org` })));
    const query = jest.spyOn(db.dataSource, 'query');
    try {
      const asked = Array.from({ length: 20 }, (_, i) => ({ tenant: tenants[i % 2], i }));
      const answers = await Promise.all(
        asked.map(({ tenant, i }) =>
          facts.gatherFacts(tenant.id, questions({
            messageKey: i < 2 ? `burst-${i}` : `fresh-${i}`,
            referencedIds: ['<burst-0@example.org>', '<burst-1@example.org>'],
            subjectTagNumber: 1,
            sender: `sender-${i % 2}@example.org`,
            quotaDay: today,
            acknowledgementRecipient: `sender-${i % 2}@example.org`,
          })),
        ),
      );
      answers.forEach((facts, i) => {
        const own = filed[i % 2];
        expect(facts).toMatchObject({
          duplicate: i < 2 ? { ticketId: own.ticketId } : null,
          referencedTicketIds: [own.ticketId],
          subjectTagTicket: { id: own.ticketId, senderTakesPart: true },
          messagesReceivedToday: 1,
        });
      });
      // One batch of three queries for the first request, one more for the 19 that queued behind it.
      expect(query.mock.calls.length).toBeLessThanOrEqual(6);
    } finally {
      query.mockRestore();
    }
  });

  it('sums the tenant\'s stored bytes and counts the sender\'s new tickets of the last hour, each only when asked', async () => {
    const [mine, theirs] = [await seedTenant(db.dataSource), await seedTenant(db.dataSource)];
    const usage = 'INSERT INTO tenant_usage (tenant_id, day, messages_in, messages_out, bytes_stored) VALUES (?, ?, 1, 0, ?)';
    await db.dataSource.query(usage, [mine.id, '2000-01-01', 3000]);
    await db.dataSource.query(usage, [mine.id, today, 500]);
    await db.dataSource.query(usage, [theirs.id, today, 99_999]);
    const log = "INSERT INTO email_processing_logs (tenant_id, source, outcome, from_address, size_bytes, duration_ms, created_at) VALUES (?, 'webhook', ?, ?, 0, 0, ?)";
    const recent = new Date(Date.now() - 60_000);
    const old = new Date(Date.now() - 2 * 3600_000);
    const at = (d: Date) => (engine === 'mysql' ? d : d.toISOString().replace('T', ' ').replace('Z', ''));
    for (const [tenantId, outcome, from, when] of [
      [mine.id, 'created', 'flood@x.example', recent],
      [mine.id, 'created', 'flood@x.example', recent],
      [mine.id, 'held', 'flood@x.example', recent],
      [mine.id, 'created', 'flood@x.example', old],
      [mine.id, 'created', 'other@x.example', recent],
      [theirs.id, 'created', 'flood@x.example', recent],
    ] as const) {
      await db.dataSource.query(log, [tenantId, outcome, from, at(when)]);
    }
    const asked = await facts.gatherFacts(mine.id, questions({ storageLimited: true, throttledSender: 'flood@x.example' }));
    expect(asked).toMatchObject({ bytesStored: 3500, newTicketsFromSenderLastHour: 2 });
    const notAsked = await facts.gatherFacts(mine.id, questions({ sender: 'flood@x.example' }));
    expect(notAsked).not.toHaveProperty('bytesStored');
    expect(notAsked).not.toHaveProperty('newTicketsFromSenderLastHour');
  });
});
