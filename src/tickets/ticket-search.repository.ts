import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { innodbTerms, toFts5Match, toInnodbBoolean, toWordPattern } from './search-query';
import { TicketStatus } from './ticket.entity';

export interface TextSearch {
  terms: string[][];
  status?: TicketStatus;
  /** A user's tickets, or null for the unassigned ones. */
  assignee?: number | null;
  /** A ticket already shown above the matches (the one a bare number named). */
  exceptTicketId?: number;
  offset: number;
  limit: number;
}

/**
 * Full-text queries on the `ticket_search` documents (migrations/1765000000000-ticket-search.ts),
 * joined to the tenant's tickets: a document is only ever found through a ticket of the tenant.
 * Best match first (a word in the subject counts most), newest activity breaking ties; on MariaDB,
 * words in very many tickets newest activity first (see mysqlSearch).
 */
@Injectable()
export class TicketSearchRepository {
  private readonly mysql: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
  }

  /** MariaDB always walks the tickets (see mysqlSearch): for tests of that way, which needs many tickets to be chosen. */
  alwaysWalk = false;
  /** How many of a tenant's most recently active tickets MariaDB tests before choosing a plan (tests make it small). */
  sampleSize = SAMPLE;

  async search(tenantId: TenantId, search: TextSearch): Promise<SearchPage> {
    const filters: string[] = ['t.tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (search.status) {
      filters.push('t.status = ?');
      params.push(search.status);
    }
    if (search.assignee === null) filters.push('t.assignee_user_id IS NULL');
    else if (search.assignee !== undefined) {
      filters.push('t.assignee_user_id = ?');
      params.push(search.assignee);
    }
    if (search.exceptTicketId !== undefined) {
      filters.push('t.id <> ?');
      params.push(search.exceptTicketId);
    }
    const where = { sql: filters.join(' AND '), params, filtered: filters.length > 1 };
    const rows = this.mysql ? await this.mysqlSearch(tenantId, search, where) : await this.sqliteSearch(tenantId, search, where);
    return rows ?? { ids: [], total: 0, estimated: false };
  }

  /**
   * Ranked among the tenant's RANKED_WINDOW most recently created matching tickets: scoring costs
   * SQLite about a microsecond per match, and a word in most of 100,000 tickets would cost more
   * than the answer's budget. FTS5 walks the matches newest ticket id first and stops there; older
   * matches still count in the total. The count needs no join when the tenant token alone scopes it.
   */
  private async sqliteSearch(tenantId: TenantId, search: TextSearch, where: Where): Promise<SearchPage | null> {
    const match = toFts5Match(tenantId, search.terms);
    if (match === null) return null;
    // The window's own counts: with fewer matches than the window holds, they are the total.
    const page: { id: number; in_window: number; n: number }[] = await this.dataSource.query(
      `SELECT t.id, w.in_window, COUNT(*) OVER () AS n
       FROM (SELECT m.id, m.score, COUNT(*) OVER () AS in_window
             FROM (SELECT rowid AS id, bm25(ticket_search, 8.0, 4.0, 1.0, 4.0, 0.0) AS score FROM ticket_search WHERE ticket_search MATCH ? ORDER BY rowid DESC LIMIT ${RANKED_WINDOW}) m) w
       CROSS JOIN tickets t ON t.id = w.id WHERE ${where.sql} ORDER BY w.score, t.last_activity_at DESC, t.id DESC LIMIT ? OFFSET ?`,
      [match, ...where.params, search.limit, search.offset],
    );
    const ids = page.map((r) => Number(r.id));
    if (page.length > 0 && Number(page[0].in_window) < RANKED_WINDOW) return { ids, total: Number(page[0].n), estimated: false };
    const [counted] = where.filtered
      ? await this.dataSource.query(`SELECT COUNT(*) AS n FROM ticket_search CROSS JOIN tickets t ON t.id = ticket_search.rowid WHERE ticket_search MATCH ? AND ${where.sql}`, [match, ...where.params])
      : await this.dataSource.query('SELECT COUNT(*) AS n FROM ticket_search WHERE ticket_search MATCH ?', [match]);
    return { ids, total: Number(counted.n), estimated: false };
  }

  /**
   * InnoDB builds the whole set of a full-text query's matches before it returns a row, reading
   * every document holding each word (over all tenants): about 10 µs per document here, so a
   * word in 90,000 tickets takes a second, and so does a phrase of three words each in 25,000.
   * So the tenant's SAMPLE most recently active tickets are tested first (a regular expression
   * per term and per word; LOCATE under the collation costs ten times more), which estimates
   * both ways' work: walking the tickets newest activity first with the regular expressions
   * until the page is full, or the full-text query.
   * The walk wins for common words; its matches come newest activity first, its total is the
   * sample's estimate. Otherwise the full-text query ranks them, in one statement with its count
   * so that InnoDB evaluates it once.
   */
  private async mysqlSearch(tenantId: TenantId, search: TextSearch, where: Where): Promise<SearchPage | null> {
    const terms = innodbTerms(search.terms);
    const match = toInnodbBoolean(terms);
    if (match === null) return null;
    const patterns = terms.map(toWordPattern);
    const wordPatterns = [...new Set(terms.flat().map((w) => w.toLowerCase()))].map((w) => toWordPattern([w]));
    const document = "CONCAT_WS(' ', s.subject, s.people, s.body, s.files)";
    const matchesAll = patterns.map(() => `${document} REGEXP ?`).join(' AND ');
    const sampleSize = this.sampleSize;
    const sample: { id: number; last_activity_at: Date; hit: number; holding: number }[] = await this.dataSource.query(
      `SELECT r.id, r.last_activity_at, ${matchesAll} AS hit, ${wordPatterns.map(() => `(${document} REGEXP ?)`).join(' + ')} AS holding
       FROM (SELECT t.id, t.last_activity_at FROM tickets t WHERE ${where.sql} ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ${sampleSize}) r
       JOIN ticket_search s ON s.ticket_id = r.id ORDER BY r.last_activity_at DESC, r.id DESC`,
      [...patterns, ...wordPatterns, ...where.params],
    );
    const hits = sample.filter((r) => Number(r.hit) === 1).map((r) => Number(r.id));
    const sampledAll = sample.length < sampleSize;
    const [{ n }] = sampledAll ? [{ n: sample.length }] : await this.dataSource.query('SELECT ticket_counter AS n FROM tenants WHERE id = ?', [tenantId]);
    const perSampled = Number(n) / Math.max(1, sample.length);
    const fullTextDocuments = sample.reduce((sum, r) => sum + Number(r.holding), 0) * perSampled;
    const end = search.offset + search.limit;
    const walkedTickets = hits.length ? (end / hits.length) * sample.length : Infinity;
    if (this.alwaysWalk || walkedTickets < fullTextDocuments) {
      const ids = hits.slice(search.offset, end);
      if (ids.length < search.limit && !sampledAll) {
        // On from the last sampled ticket: the sample's own matches are the first ones.
        const last = sample[sample.length - 1];
        const walked: { id: number }[] = await this.dataSource.query(
          `SELECT t.id FROM tickets t JOIN ticket_search s ON s.ticket_id = t.id
           WHERE ${where.sql} AND (t.last_activity_at < ? OR (t.last_activity_at = ? AND t.id < ?)) AND ${matchesAll}
           ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ? OFFSET ?`,
          [...where.params, last.last_activity_at, last.last_activity_at, last.id, ...patterns, search.limit - ids.length, Math.max(0, search.offset - hits.length)],
        );
        ids.push(...walked.map((r) => Number(r.id)));
      }
      const tickets = where.filtered ? Number((await this.dataSource.query(`SELECT COUNT(*) AS n FROM tickets t WHERE ${where.sql}`, where.params))[0].n) : Number(n);
      return { ids, total: sample.length ? Math.round((hits.length / sample.length) * tickets) : 0, estimated: !sampledAll };
    }
    const all = 'MATCH (s.subject, s.people, s.body, s.files) AGAINST (? IN BOOLEAN MODE)';
    const from = `FROM ticket_search s STRAIGHT_JOIN tickets t ON t.id = s.ticket_id WHERE ${all} AND ${where.sql}`;
    const rows: { id: number; total: number }[] = await this.dataSource.query(
      `SELECT t.id, COUNT(*) OVER () AS total ${from} ORDER BY MATCH (s.subject) AGAINST (? IN BOOLEAN MODE) * 3 + ${all} DESC, t.last_activity_at DESC, t.id DESC LIMIT ? OFFSET ?`,
      [match, ...where.params, match, match, search.limit, search.offset],
    );
    if (rows.length > 0 || (search.offset === 0 && search.limit > 0)) return { ids: rows.map((r) => Number(r.id)), total: rows.length ? Number(rows[0].total) : 0, estimated: false };
    // A page past the end (or of no row: a bare number's ticket filled it) has no row to carry the total.
    const [counted] = await this.dataSource.query(`SELECT COUNT(*) AS n ${from}`, [match, ...where.params]);
    return { ids: [], total: Number(counted.n), estimated: false };
  }
}

export interface SearchPage {
  ids: number[];
  total: number;
  /** True when `total` is estimated from a sample (a word in very many tickets, MariaDB). */
  estimated: boolean;
}

const SAMPLE = 500;

interface Where {
  sql: string;
  params: unknown[];
  /** More than the tenant. */
  filtered: boolean;
}

/** How many of the newest matches SQLite ranks (see sqliteSearch). */
export const RANKED_WINDOW = 2_000;
