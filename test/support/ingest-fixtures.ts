// Rows for the ingest specs (medium and e2e): tenants seeded in plain SQL, messages filed through the writer, and a recorder of the writer's group-commit transactions.
import { DataSource } from 'typeorm';
import { InboundWrite, InboundWriterRepository } from '../../src/inbound/inbound-writer.repository';
import { IngestQuestions } from '../../src/mail/ingest-decision';
import { asTenantId, TenantId } from '../../src/common/tenant-id';

let tenantCount = 0;

/** A tenant with its settings and inbound address `<slug>@mail.test`. */
export async function seedTenant(db: DataSource, tier = 'free'): Promise<{ id: TenantId; address: string }> {
  const slug = `tenant-${++tenantCount}-${Date.now()}`;
  await db.query('INSERT INTO tenants (name, slug, tier, status) VALUES (?, ?, ?, ?)', [slug, slug, tier, 'active']);
  const [{ id }] = await db.query('SELECT id FROM tenants WHERE slug = ?', [slug]);
  const address = `${slug}@mail.test`;
  await db.query('INSERT INTO email_settings (tenant_id, inbound_email_domain, inbound_email_address) VALUES (?, ?, ?)', [id, 'mail.test', address]);
  await db.query('INSERT INTO inbound_addresses (address, tenant_id) VALUES (?, ?)', [address, id]);
  return { id: asTenantId(Number(id)), address };
}

export interface MessageSpec {
  key: string;
  messageId?: string;
  from?: string;
  autoReply?: boolean;
  ticket?: number;
  acknowledgeTo?: string;
}

/** A write as the ingest service makes it: a new ticket, or one more message on `ticket`. */
export function inboundWrite(tenantId: TenantId, m: MessageSpec): InboundWrite {
  const from = m.from ?? 'customer@example.org';
  const raw = m.key.padEnd(64, '0').slice(0, 64);
  return {
    tenantId,
    ticket: m.ticket === undefined ? { kind: 'new', subject: m.key, requesterEmail: from, requesterName: null } : { kind: 'existing', id: m.ticket, reopen: true },
    now: new Date(),
    message: {
      messageKey: m.key, messageId: m.messageId ?? `<${m.key}@example.org>`, inReplyTo: null, references: [], fromAddress: from, fromName: null,
      to: [], cc: [], subject: m.key, textBody: m.key, htmlBody: null, newText: m.key, isAutoReply: m.autoReply ?? false, isBounce: false,
      rawSha256: raw, threadTopic: null, threadIndex: null, sentAt: null,
    },
    attachments: [],
    failedOutbound: null,
    usage: { day: new Date().toISOString().slice(0, 10), bytes: 100 },
    acknowledgeTo: m.acknowledgeTo ?? null,
    log: {
      tenantId, source: 'webhook', sourceRef: null, outcome: m.ticket === undefined ? 'created' : 'appended', reason: null, error: null, messageId: null,
      fromAddress: from, toAddresses: null, subject: m.key, ticketId: null, ticketMessageId: null, rawSha256: raw, rawLocation: null, sizeBytes: 100, durationMs: 1,
    },
  };
}

export function fileMessage(writer: InboundWriterRepository, tenantId: TenantId, m: MessageSpec) {
  return writer.fileInbound(inboundWrite(tenantId, m));
}

/** Questions that ask nothing but the duplicate check of `messageKey`. */
export function questions(q: Partial<IngestQuestions> = {}): IngestQuestions {
  return {
    messageKey: 'never-filed',
    referencedIds: [],
    replyTokenTicketId: null,
    subjectTagNumber: null,
    sender: null,
    senderOnMailDomain: null,
    bouncedMessageId: null,
    quotaDay: null,
    acknowledgementRecipient: null,
    ...q,
  };
}

/** Sizes of the transactions the writer's group commit runs while recording. */
export function recordTransactions(writer: InboundWriterRepository): { batchSizes: number[]; restore(): void } {
  type WriteInbound = (manager: unknown, writes: unknown[]) => Promise<unknown>;
  const target = writer as unknown as { writeInbound: WriteInbound };
  const original = target.writeInbound.bind(writer);
  const batchSizes: number[] = [];
  const spy = jest.spyOn(target, 'writeInbound').mockImplementation((manager, writes) => {
    batchSizes.push(writes.length);
    return original(manager, writes);
  });
  return { batchSizes, restore: () => spy.mockRestore() };
}
