import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

interface ManifestEntry {
  file: string;
  category: string;
  expect: {
    subject?: string | null;
    from?: string | null;
    message_id?: string | null;
    attachment_count?: number;
    inline_count?: number;
    is_auto_reply: boolean;
    is_bounce: boolean;
    spam_flag?: string;
  };
}

const CORPUS = join(__dirname, '..', 'fixtures', 'corpus');
const manifest: ManifestEntry[] = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8'));
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const bare = (id: string) => id.replace(/^<|>$/g, '').toLowerCase();

/**
 * Every real-world mail of the corpus through the signed webhook, as the mailgate would post
 * it (the tenant's address in front as Delivered-To): none may crash the service, and each
 * ends with the outcome its nature calls for.
 */
describe.each(ENGINES)('the corpus through the webhook on %s', (engine) => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const outcomes = new Map<string, { outcome: string; ticket_id: number | null; log_id: number; reason: string | null }>();

  beforeAll(async () => {
    t = await startTestApp(engine);
    tenant = await createTenantWithTokens(t, 'Corpus', { tier: 'enterprise' });
    for (const entry of manifest) {
      const raw = Buffer.concat([Buffer.from(`Delivered-To: ${tenant.inboundAddress}\r\n`), readFileSync(join(CORPUS, entry.file))]);
      const res = await postSigned(t, raw);
      if (res.status !== 200) throw new Error(`${entry.file}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      outcomes.set(entry.file, res.body);
    }
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('ingests all of it and is still healthy', async () => {
    expect(outcomes.size).toBe(manifest.length);
    await t.http().get('/health').expect(200);
  });

  it.each(manifest.filter((e) => e.expect.is_bounce).map((e) => [e.file]))('files bounce %s as a bounce', async (file) => {
    const result = outcomes.get(file)!;
    if (result.outcome === 'appended') {
      const [row] = await t.app.get(DataSource).query('SELECT is_bounce FROM ticket_messages WHERE id = (SELECT ticket_message_id FROM email_processing_logs WHERE id = ?)', [result.log_id]);
      expect(Boolean(Number(row.is_bounce))).toBe(true);
    } else {
      expect(result).toMatchObject({ outcome: 'ignored', ticket_id: null });
      expect(result.reason).toMatch(/bounce/);
    }
  });

  it.each(manifest.filter((e) => e.expect.is_auto_reply && !e.expect.is_bounce).map((e) => [e.file]))('never opens a ticket for auto-reply %s', async (file) => {
    const result = outcomes.get(file)!;
    expect(['ignored', 'appended', 'quarantined']).toContain(result.outcome);
    if (result.outcome === 'ignored') expect(result.reason).toMatch(/auto-reply/);
  });

  it.each(manifest.filter((e) => e.expect.spam_flag === 'YES').map((e) => [e.file]))('quarantines %s, which carries a spam verdict', (file) => {
    expect(outcomes.get(file)!.outcome).toBe('quarantined');
  });

  const ordinary = manifest.filter((e) => !e.expect.is_auto_reply && !e.expect.is_bounce && e.expect.spam_flag !== 'YES');

  it.each(ordinary.map((e) => [e.file, e]))('files %s into a ticket with the facts of the manifest', async (file, entry) => {
    const result = outcomes.get(file as string)!;
    const { expect: facts } = entry as ManifestEntry;
    if (result.outcome === 'failed') {
      const [log] = await t.app.get(DataSource).query('SELECT raw_sha256 FROM email_processing_logs WHERE id = ?', [result.log_id]);
      expect(existsSync(join(t.dataDir, 'raw', log.raw_sha256.slice(0, 2), log.raw_sha256))).toBe(true);
      return;
    }
    expect(['created', 'appended', 'duplicate']).toContain(result.outcome);
    const [log] = await t.app.get(DataSource).query('SELECT ticket_message_id FROM email_processing_logs WHERE id = ?', [result.log_id]);
    const ticket = await t.http().get(`/api/tickets/${result.ticket_id}`).set(tenant.agent).expect(200);
    const message = ticket.body.messages.find((m: { id: number }) => m.id === Number(log.ticket_message_id));
    expect(message).toBeDefined();
    if (result.outcome === 'duplicate') return;
    // Subjects are kept to 500 characters (the column), the cut marked with an ellipsis.
    if (facts.subject !== undefined) expect(squash(message.subject).slice(0, 499)).toBe(squash(facts.subject ?? '').slice(0, 499));
    if (facts.from) expect(message.from).toBe(facts.from.toLowerCase());
    if (facts.message_id) expect(bare(message.message_id)).toBe(bare(facts.message_id));
    if (facts.attachment_count !== undefined && facts.inline_count !== undefined) {
      expect(message.attachments).toHaveLength(facts.attachment_count + facts.inline_count);
    }
  });
});
