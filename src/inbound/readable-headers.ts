import { COLUMN_WIDTHS, fitColumn } from '../database/column-widths';
import { parseMessage } from '../mail/parse-message';

const WIDTH = COLUMN_WIDTHS.emailProcessingLogs;

const HEADER_LIMIT = 256 * 1024;

/**
 * The From and Subject of a message the pipeline could not read as a whole (too large, or its
 * body broke the parser): its header block alone, parsed, so that the failed row still says
 * whose mail it is and what about.
 */
export async function readableHeaders(raw: Buffer): Promise<{ from: string | null; subject: string | null }> {
  const head = raw.subarray(0, HEADER_LIMIT).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  try {
    const parsed = await parseMessage(Buffer.from(`${block}\r\n\r\n`, 'latin1'), { maxBytes: HEADER_LIMIT + 4, timeoutMs: 2_000 });
    return { from: parsed.from?.address?.toLowerCase().slice(0, WIDTH.fromAddress) || null, subject: fitColumn(parsed.subject, WIDTH.subject) || null };
  } catch {
    return { from: null, subject: null };
  }
}

/** Each header as it came, for the tenant admin judging a held or quarantined message. */
export function rawHeaderLines(raw: Buffer): { name: string; value: string }[] {
  const head = raw.subarray(0, HEADER_LIMIT).toString('utf8');
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  return [...block.matchAll(/^([!-9;-~]+)[ \t]*:(.*(?:\r?\n[ \t].*)*)/gm)].map(([, name, value]) => ({ name, value: value.replace(/\r?\n[ \t]+/g, ' ').trim() }));
}
