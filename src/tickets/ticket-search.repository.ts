import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { toFts5Match, toInnodbBoolean } from './search-query';
import { TicketStatus } from './ticket.entity';

export interface TextSearch {
  terms: string[][];
  status?: TicketStatus;
  /** A ticket already shown above the matches (the one a bare number named). */
  exceptTicketId?: number;
  offset: number;
  limit: number;
}

/**
 * Full-text queries on the `ticket_search` documents (migrations/1765000000000-ticket-search.ts),
 * joined to the tenant's tickets: a document is only ever found through a ticket of the tenant.
 * Best match first (a word in the subject counts most), newest activity breaking ties.
 */
@Injectable()
export class TicketSearchRepository {
  private readonly mysql: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql';
  }

  async search(tenantId: TenantId, search: TextSearch): Promise<{ ids: number[]; total: number }> {
    const filters: string[] = ['t.tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (search.status) {
      filters.push('t.status = ?');
      params.push(search.status);
    }
    if (search.exceptTicketId !== undefined) {
      filters.push('t.id <> ?');
      params.push(search.exceptTicketId);
    }
    const where = { sql: filters.join(' AND '), params, filtered: filters.length > 1 };
    const rows = this.mysql ? await this.mysqlSearch(search, where) : await this.sqliteSearch(tenantId, search, where);
    return rows ?? { ids: [], total: 0 };
  }

  /**
   * Ranked among the tenant's RANKED_WINDOW most recently created matching tickets: scoring costs
   * SQLite about a microsecond per match, and a word in most of 100,000 tickets would cost more
   * than the answer's budget. FTS5 walks the matches newest ticket id first and stops there; older
   * matches still count in the total. The count needs no join when the tenant token alone scopes it.
   */
  private async sqliteSearch(tenantId: TenantId, search: TextSearch, where: Where): Promise<{ ids: number[]; total: number } | null> {
    const match = toFts5Match(tenantId, search.terms);
    if (match === null) return null;
    const [page, counted]: [{ id: number }[], { n: number }[]] = await Promise.all([
      this.dataSource.query(
        `SELECT t.id FROM (SELECT rowid AS id, bm25(ticket_search, 8.0, 4.0, 1.0, 4.0, 0.0) AS score FROM ticket_search WHERE ticket_search MATCH ? ORDER BY rowid DESC LIMIT ${RANKED_WINDOW}) m
         CROSS JOIN tickets t ON t.id = m.id WHERE ${where.sql} ORDER BY m.score, t.last_activity_at DESC, t.id DESC LIMIT ? OFFSET ?`,
        [match, ...where.params, search.limit, search.offset],
      ),
      where.filtered
        ? this.dataSource.query(`SELECT COUNT(*) AS n FROM ticket_search CROSS JOIN tickets t ON t.id = ticket_search.rowid WHERE ticket_search MATCH ? AND ${where.sql}`, [match, ...where.params])
        : this.dataSource.query('SELECT COUNT(*) AS n FROM ticket_search WHERE ticket_search MATCH ?', [match]),
    ]);
    return { ids: page.map((r) => Number(r.id)), total: Number(counted[0].n) };
  }

  /**
   * One statement, so that InnoDB evaluates the full-text query once for the page and the total
   * (it builds the whole match set before returning any row; see README, Search).
   */
  private async mysqlSearch(search: TextSearch, where: Where): Promise<{ ids: number[]; total: number } | null> {
    const match = toInnodbBoolean(search.terms);
    if (match === null) return null;
    const all = 'MATCH (s.subject, s.people, s.body, s.files) AGAINST (? IN BOOLEAN MODE)';
    const rows: { id: number; total: number }[] = await this.dataSource.query(
      `SELECT t.id, COUNT(*) OVER () AS total FROM ticket_search s STRAIGHT_JOIN tickets t ON t.id = s.ticket_id WHERE ${all} AND ${where.sql}
       ORDER BY MATCH (s.subject) AGAINST (? IN BOOLEAN MODE) * 3 + ${all} DESC, t.last_activity_at DESC, t.id DESC LIMIT ? OFFSET ?`,
      [match, ...where.params, match, match, search.limit, search.offset],
    );
    if (rows.length > 0 || search.offset === 0) return { ids: rows.map((r) => Number(r.id)), total: rows.length ? Number(rows[0].total) : 0 };
    // A page past the end has no row to carry the total.
    const [counted] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM ticket_search s STRAIGHT_JOIN tickets t ON t.id = s.ticket_id WHERE ${all} AND ${where.sql}`, [match, ...where.params]);
    return { ids: [], total: Number(counted.n) };
  }
}

interface Where {
  sql: string;
  params: unknown[];
  /** More than the tenant. */
  filtered: boolean;
}

/** How many of the newest matches SQLite ranks (see sqliteSearch). */
export const RANKED_WINDOW = 2_000;
