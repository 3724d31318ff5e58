import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { extractMessageIds } from '../../src/mail/parse-message';
import { RawMessageStore } from '../../src/storage/storage.module';
import { CORPUS, DEVIATIONS, Fact, ManifestEntry, readManifest } from '../support/corpus-deviations';
import { postSigned } from '../support/mail';
import { createTenantWithTokens, ENGINES, startTestApp, TestApp } from '../support/test-app';

const manifest = readManifest();
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const normalisedId = (id: string) => (extractMessageIds(id)[0] ?? `<${id}>`).toLowerCase();

/** The manifest's fact, or what DEVIATIONS says we give instead. */
function fact<T>(entry: ManifestEntry, name: Fact): T {
  const deviation = DEVIATIONS[entry.file]?.[name];
  return (deviation ? deviation.ours : entry.expect[name as keyof ManifestEntry['expect']]) as T;
}

function headerBlock(raw: Buffer): string {
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n|\r\r/);
  return end === -1 ? text : text.slice(0, end);
}

/** Mailu's verdict as the pipeline reads it (X-Spam, X-Spam-Flag, X-Spam-Status saying yes). */
const carriesSpamVerdict = (raw: Buffer) => /^X-Spam(?:-Flag|-Status)?:[ \t]*yes\b/im.test(headerBlock(raw));

type Expected = 'bounce' | 'auto-reply' | 'quarantined' | 'ticket';

function expectedOutcome(entry: ManifestEntry, raw: Buffer): Expected {
  if (carriesSpamVerdict(raw)) return 'quarantined';
  if (fact<boolean>(entry, 'is_bounce')) return 'bounce';
  if (fact<boolean>(entry, 'is_auto_reply')) return 'auto-reply';
  return 'ticket';
}

/**
 * Every real-world mail of the corpus through the signed webhook, as the mailgate would post
 * it (the tenant's address in front as Delivered-To, in the file's own line endings): none may
 * crash the service, and each ends with the outcome its nature calls for.
 */
describe.each(ENGINES)('the corpus through the webhook on %s', (engine) => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantWithTokens>>;
  const outcomes = new Map<string, { outcome: string; ticket_id: number | null; log_id: number; reason: string | null }>();
  const cases = manifest.map((entry) => {
    const raw = readFileSync(join(CORPUS, entry.file));
    return { entry, raw, expected: expectedOutcome(entry, raw) };
  });

  beforeAll(async () => {
    t = await startTestApp(engine);
    tenant = await createTenantWithTokens(t, 'Corpus', { tier: 'enterprise' });
    for (const { entry, raw } of cases) {
      const newline = raw.includes('\n') ? '\r\n' : '\r';
      const res = await postSigned(t, Buffer.concat([Buffer.from(`Delivered-To: ${tenant.inboundAddress}${newline}`), raw]));
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

  it.each(cases.filter((c) => c.expected === 'quarantined').map((c) => [c.entry.file]))('quarantines %s, which carries a spam verdict', (file) => {
    expect(outcomes.get(file)!.outcome).toBe('quarantined');
  });

  it.each(cases.filter((c) => c.expected === 'bounce').map((c) => [c.entry.file]))('files bounce %s as a bounce', async (file) => {
    const result = outcomes.get(file)!;
    if (result.outcome === 'appended') {
      const [row] = await t.app.get(DataSource).query('SELECT is_bounce FROM ticket_messages WHERE id = (SELECT ticket_message_id FROM email_processing_logs WHERE id = ?)', [result.log_id]);
      expect(Boolean(Number(row.is_bounce))).toBe(true);
    } else {
      expect(result).toMatchObject({ outcome: 'ignored', ticket_id: null });
      expect(result.reason).toMatch(/bounce/);
    }
  });

  it.each(cases.filter((c) => c.expected === 'auto-reply').map((c) => [c.entry.file]))('never opens a ticket for auto-reply %s', (file) => {
    const result = outcomes.get(file)!;
    expect(['ignored', 'appended']).toContain(result.outcome);
    if (result.outcome === 'ignored') expect(result.reason).toMatch(/auto-reply/);
  });

  it.each(cases.filter((c) => c.expected === 'ticket').map((c) => [c.entry.file, c.entry]))('files %s into a ticket with the facts of the manifest', async (file, entry) => {
    const result = outcomes.get(file as string)!;
    const e = entry as ManifestEntry;
    if (result.outcome === 'failed') {
      const [log] = await t.app.get(DataSource).query('SELECT raw_sha256, raw_location FROM email_processing_logs WHERE id = ?', [result.log_id]);
      const kept = await t.app.get(RawMessageStore).get({ sha256: log.raw_sha256, location: log.raw_location });
      expect(kept).toEqual(readFileSync(join(CORPUS, file as string)));
      return;
    }
    expect(['created', 'appended', 'duplicate']).toContain(result.outcome);
    const [log] = await t.app.get(DataSource).query('SELECT ticket_message_id FROM email_processing_logs WHERE id = ?', [result.log_id]);
    const ticket = await t.http().get(`/api/tickets/${result.ticket_id}`).set(tenant.agent).expect(200);
    const message = ticket.body.messages.find((m: { id: number }) => m.id === Number(log.ticket_message_id));
    expect(message).toBeDefined();
    if (result.outcome === 'duplicate') return;
    // A subject or sender the parser reads differently (DEVIATIONS) is pinned by the parse-level
    // corpus test; here the prepended Delivered-To may shift how obsolete syntax is read.
    const deviates = (name: Fact) => DEVIATIONS[e.file]?.[name] !== undefined;
    if ('subject' in e.expect && !deviates('subject')) {
      // Subjects are kept to 500 characters (the column), the cut marked with an ellipsis.
      expect(squash(message.subject).slice(0, 499)).toBe(squash(e.expect.subject ?? '').slice(0, 499));
    }
    if ('from' in e.expect && !deviates('from')) expect(message.from).toBe(e.expect.from?.toLowerCase() ?? null);
    if (e.expect.message_id) expect(message.message_id.toLowerCase()).toBe(normalisedId(e.expect.message_id));
    if (e.expect.attachment_count !== undefined && e.expect.inline_count !== undefined) {
      expect(message.attachments).toHaveLength(e.expect.attachment_count + e.expect.inline_count);
    }
  });
});
