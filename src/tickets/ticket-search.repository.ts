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
    const match = this.mysql ? toInnodbBoolean(search.terms) : toFts5Match(search.terms);
    if (match === null) return { ids: [], total: 0 };
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
    const where = filters.join(' AND ');
    const [page, counted] = this.mysql
      ? await this.mysqlQueries(match, where, params, search)
      : await this.sqliteQueries(match, where, params, search);
    return { ids: page.map((r) => Number(r.id)), total: Number(counted[0].n) };
  }

  // CROSS JOIN keeps the full-text match as the outer loop: SQLite's planner could otherwise walk
  // the tenant's tickets and ask the index about each one.
  private sqliteQueries(match: string, where: string, params: unknown[], search: TextSearch): Promise<[{ id: number }[], { n: number }[]]> {
    const from = `FROM ticket_search CROSS JOIN tickets t ON t.id = ticket_search.rowid WHERE ticket_search MATCH ? AND ${where}`;
    return Promise.all([
      this.dataSource.query(
        `SELECT t.id ${from} ORDER BY bm25(ticket_search, 8.0, 4.0, 1.0, 4.0), t.last_activity_at DESC, t.id DESC LIMIT ? OFFSET ?`,
        [match, ...params, search.limit, search.offset],
      ),
      this.dataSource.query(`SELECT COUNT(*) AS n ${from}`, [match, ...params]),
    ]);
  }

  private mysqlQueries(match: string, where: string, params: unknown[], search: TextSearch): Promise<[{ id: number }[], { n: number }[]]> {
    const all = 'MATCH (s.subject, s.people, s.body, s.files) AGAINST (? IN BOOLEAN MODE)';
    const from = `FROM ticket_search s STRAIGHT_JOIN tickets t ON t.id = s.ticket_id WHERE ${all} AND ${where}`;
    return Promise.all([
      this.dataSource.query(
        `SELECT t.id ${from} ORDER BY MATCH (s.subject) AGAINST (? IN BOOLEAN MODE) * 3 + ${all} DESC, t.last_activity_at DESC, t.id DESC LIMIT ? OFFSET ?`,
        [match, ...params, match, match, search.limit, search.offset],
      ),
      this.dataSource.query(`SELECT COUNT(*) AS n ${from}`, [match, ...params]),
    ]);
  }
}
