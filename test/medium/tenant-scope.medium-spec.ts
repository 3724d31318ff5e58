import { DataSource } from 'typeorm';
import { asTenantId, TenantId } from '../../src/common/tenant-id';
import { OutboxEntry } from '../../src/outbound/outbox-entry.entity';
import { OutboxRepository } from '../../src/outbound/outbox.repository';
import { OutboxService } from '../../src/outbound/outbox.service';
import { TenantUsageRepository } from '../../src/tenants/tenant-usage.repository';
import { TenantsService } from '../../src/tenants/tenants.service';
import { Ticket } from '../../src/tickets/ticket.entity';
import { NewTicketMessage } from '../../src/tickets/ticket-messages.repository';
import { TicketsRepository } from '../../src/tickets/tickets.repository';
import { ENGINES, startTestApp, TestApp } from '../support/test-app';

/** Repositories on a real database, without HTTP: a write scoped to one tenant never reaches another's rows. */
describe.each(ENGINES)('tenant scope of the repositories on %s', (engine) => {
  let t: TestApp;
  let db: DataSource;
  let outbox: OutboxRepository;
  let tickets: TicketsRepository;
  let acme: TenantId;
  let globex: TenantId;

  beforeAll(async () => {
    t = await startTestApp(engine);
    // The worker would claim what these tests queue; here the repository is driven by hand.
    await t.app.get(OutboxService).onModuleDestroy();
    db = t.app.get(DataSource);
    outbox = t.app.get(OutboxRepository);
    tickets = t.app.get(TicketsRepository);
    const tenants = t.app.get(TenantsService);
    acme = asTenantId((await tenants.create({ name: 'Acme' })).id);
    globex = asTenantId((await tenants.create({ name: 'Globex' })).id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const newTicket = async (tenantId: TenantId, number: number) =>
    db.getRepository(Ticket).save({
      tenantId,
      number,
      subject: `Ticket ${number}`,
      status: 'open',
      requesterEmail: 'customer@example.com',
      requesterName: null,
      messageCount: 0,
      hasUnread: true,
      lastActivityAt: new Date(),
    });
  const reply = (ticketId: number, key: string): NewTicketMessage => ({
    ticketId,
    direction: 'outbound',
    messageKey: key.padEnd(64, '0'),
    messageId: `<${key}@test>`,
    inReplyTo: null,
    references: [],
    fromAddress: 'support@example.com',
    fromName: null,
    to: [{ address: 'customer@example.com', name: null }],
    cc: [],
    subject: 'Re: hello',
    textBody: 'answer',
    htmlBody: null,
    newText: 'answer',
    isAutoReply: false,
    isBounce: false,
    rawSha256: null,
    threadTopic: null,
    threadIndex: null,
    sentAt: null,
    authorUserId: null,
    deliveryStatus: 'queued',
    deliveryDetail: null,
  });
  const outboxRow = async (ticketMessageId: number) => (await db.getRepository(OutboxEntry).findOneBy({ ticketMessageId }))!;
  const messagesOut = async (tenantId: TenantId) => (await t.app.get(TenantUsageRepository).totals(tenantId)).messagesOut;
  const inAMinute = () => new Date(Date.now() + 60_000);

  it('a claimed entry carries its tenant, and every write after the claim stays in that tenant', async () => {
    const ticket = await newTicket(acme, 1);
    const { message } = await outbox.queueReply(acme, reply(ticket.id, 'a1'), [], 'customer@example.com');
    const claimed = (await outbox.claim((await outboxRow(message.id)).id, 'worker', inAMinute()))!;
    expect(claimed.tenantId).toBe(acme);

    const forged = { ...claimed, tenantId: globex };
    expect(await outbox.markSent(forged, 'worker', '250 ok', '250 ok', '2026-01-01')).toBe(false);
    expect(await outbox.reschedule(forged, 'worker', inAMinute(), 'later')).toBe(false);
    expect(await outbox.markFailed(forged, 'worker', 'refused')).toBe(false);
    await expect(outbox.addAcknowledgementMessage(forged, 'worker', reply(ticket.id, 'a2'))).rejects.toThrow(/has no ticket/);
    expect(await outboxRow(message.id)).toMatchObject({ status: 'sending', lockedBy: 'worker', tenantId: acme });
    expect(await tickets.message(acme, message.id)).toMatchObject({ deliveryStatus: 'queued', deliveryDetail: null });
    expect(await messagesOut(globex)).toBe(0);
    expect((await tickets.messagesOf(acme, ticket.id)).map((m) => m.id)).toEqual([message.id]);

    expect(await outbox.markSent(claimed, 'worker', '250 ok', '250 ok', '2026-01-01')).toBe(true);
    expect(await outboxRow(message.id)).toMatchObject({ status: 'sent', lockedBy: null });
    expect(await tickets.message(acme, message.id)).toMatchObject({ deliveryStatus: 'sent' });
    expect(await messagesOut(acme)).toBe(1);
    expect(await messagesOut(globex)).toBe(0);
  });

  it('a message joins only a ticket of its own tenant, and bumps its message_count once', async () => {
    const ticket = await newTicket(acme, 2);
    await expect(outbox.queueReply(globex, reply(ticket.id, 'b1'), [], 'customer@example.com')).rejects.toThrow(/has no ticket/);
    expect(await tickets.messagesOf(acme, ticket.id)).toEqual([]);
    expect((await tickets.find(acme, ticket.id))!.messageCount).toBe(0);

    const { message } = await outbox.queueReply(acme, reply(ticket.id, 'b2'), [], 'customer@example.com');
    expect((await tickets.find(acme, ticket.id))!.messageCount).toBe(1);
    expect(await tickets.find(globex, ticket.id)).toBeNull();
    expect(await tickets.message(globex, message.id)).toBeNull();
  });

  it('an acknowledgement is written only while the lease is ours: a lost lease leaves no message behind', async () => {
    const ticket = await newTicket(acme, 3);
    const { message } = await outbox.queueReply(acme, reply(ticket.id, 'c1'), [], 'customer@example.com');
    const claimed = (await outbox.claim((await outboxRow(message.id)).id, 'first', inAMinute()))!;
    await expect(outbox.addAcknowledgementMessage(claimed, 'second', reply(ticket.id, 'c2'))).rejects.toThrow(/lease was lost/);
    expect((await tickets.messagesOf(acme, ticket.id)).map((m) => m.id)).toEqual([message.id]);
    expect((await tickets.find(acme, ticket.id))!.messageCount).toBe(1);
  });

  it('does not compile without a TenantId', () => {
    // Checked by `tsc` (npm run typecheck), which compiles the tests too; never called.
    const unscopedCalls = (plainNumber: number) => [
      // @ts-expect-error a number from anywhere is not a tenant's scope
      tickets.find(plainNumber, 1),
      // @ts-expect-error the scope of an outbox write is the claimed entry's, with a branded tenant id
      outbox.markFailed({ id: 1, tenantId: plainNumber, ticketMessageId: null }, 'worker', 'x'),
    ];
    expect(unscopedCalls).toBeInstanceOf(Function);
    expect(asTenantId(Number(acme))).toBe(acme);
  });
});
