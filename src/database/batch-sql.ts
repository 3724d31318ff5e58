import { EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors';

/** SQLite allows 32,766 bound values per statement, MySQL 65,535. */
const MAX_BOUND_VALUES = 10_000;

/** A failed batch's requests are tried alone, unless the database is down (each would wait for its own timeout). */
export const retryAlone = (error: unknown) => !isDatabaseUnavailable(error);

export function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Multi-row INSERT, in chunks that stay far below both engines' limits on bound values. */
export async function insertRows(manager: EntityManager, table: string, columns: readonly string[], rows: unknown[][], suffix = ''): Promise<void> {
  const perChunk = Math.max(1, Math.floor(MAX_BOUND_VALUES / columns.length));
  const row = `(${marks(columns.length)})`;
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    await manager.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')} ${suffix}`, chunk.flat());
  }
}

/** MySQL takes Date objects (the connection runs in UTC); better-sqlite3 binds only strings, in TypeORM's format. */
export function sqlTime(mysql: boolean, date: Date): Date | string {
  return mysql ? date : date.toISOString().replace('T', ' ').replace('Z', '');
}

/** mysql2 answers an INSERT with {insertId}; TypeORM's better-sqlite3 runner with the last row id. */
export function insertedId(raw: unknown): number {
  if (raw && typeof raw === 'object' && 'insertId' in raw) return Number((raw as { insertId: number }).insertId);
  return Number(raw);
}

/** Indexes of the items, grouped by key in order of first appearance; a null key leaves the item out. */
export function groupIndexes<T>(items: T[], key: (item: T) => string | null): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const k = key(item);
    if (k === null) return;
    const group = groups.get(k);
    if (group) group.push(index);
    else groups.set(k, [index]);
  });
  return groups;
}
