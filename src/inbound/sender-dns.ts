import { Resolver } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';

/** Per query: one try of 2 s and one retry. A slow answer becomes temperror, never a stalled ingest. */
const TIMEOUT_MS = 2000;
const TRIES = 2;
/** Answers (and "no such record") are kept this long; SPF, DKIM and DMARC records change rarely. */
const CACHE_MS = 5 * 60_000;
const CACHE_ENTRIES = 10_000;
/** Answers that mean "no record": cached like an answer, so that mail from a domain without DMARC asks once. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA']);

type Answer = { records: unknown[] } | { error: NodeJS.ErrnoException };

/**
 * The system resolver, with a timeout and a small cache, as mailauth's resolver: the same
 * DKIM key and _dmarc record serve every message of a sender's burst. Errors keep their DNS
 * code (ETIMEOUT, ESERVFAIL ...), which mailauth turns into temperror.
 */
@Injectable()
export class SenderDns {
  private readonly resolver = new Resolver({ timeout: TIMEOUT_MS, tries: TRIES });
  private readonly cache = new Map<string, { until: number; answer: Promise<Answer> }>();

  async resolve(name: string, type: string): Promise<unknown[]> {
    const key = `${type} ${name.toLowerCase()}`;
    const now = Date.now();
    let entry = this.cache.get(key);
    if (entry === undefined || entry.until < now) {
      entry = { until: now + CACHE_MS, answer: this.lookUp(name, type) };
      if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, entry);
    }
    const answer = await entry.answer;
    if ('error' in answer) {
      if (!NO_RECORD.has(answer.error.code ?? '')) this.cache.delete(key);
      throw answer.error;
    }
    return answer.records;
  }

  private async lookUp(name: string, type: string): Promise<Answer> {
    try {
      return { records: (await this.resolver.resolve(name, type)) as unknown[] };
    } catch (error) {
      return { error: error as NodeJS.ErrnoException };
    }
  }
}
