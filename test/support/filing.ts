// What the source e2e specs ask of the database: which messages were filed, and how often.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildMail } from './mail';
import { waitFor } from './services';
import { TestApp } from './test-app';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `count` plain mails to `to`, each with a Message-ID of its own that names `label`. */
export function numberedMails(to: string, count: number, label: string): { raw: Buffer; messageId: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const messageId = `<${label}-${i}-${randomBytes(5).toString('hex')}@customer.example>`;
    return { messageId, raw: buildMail({ to, subject: `${label} ${i}`, messageId, body: `Message ${i} of ${label}.` }) };
  });
}

/** Ticket messages per Message-ID, for the given ids. */
export async function filedCopies(t: TestApp, messageIds: string[]): Promise<Map<string, number>> {
  const rows: { message_id: string; n: number | string }[] = await t.app
    .get(DataSource)
    .query(`SELECT message_id, COUNT(*) AS n FROM ticket_messages WHERE message_id IN (${messageIds.map(() => '?').join(',')}) GROUP BY message_id`, messageIds);
  return new Map(rows.map((r) => [r.message_id, Number(r.n)]));
}

export async function expectEachFiledOnce(t: TestApp, messageIds: string[]): Promise<void> {
  const found = await filedCopies(t, messageIds);
  expect(messageIds.filter((id) => found.get(id) !== 1).map((id) => `${id}: ${found.get(id) ?? 0}`)).toEqual([]);
}

export function waitUntilFiled(t: TestApp, messageIds: string[], timeoutMs = 20_000): Promise<true> {
  return waitFor(`${messageIds.length} message(s) filed`, async () => (await filedCopies(t, messageIds)).size === messageIds.length, timeoutMs, 10);
}
