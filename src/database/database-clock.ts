import type { DataSource } from 'typeorm';

/**
 * A timestamp `seconds` from now as an SQL expression on the database's clock (one for every
 * instance, whatever their own clocks say), in the form each engine stores DATETIME(3) values (UTC).
 */
export function databaseNowPlus(dataSource: DataSource, seconds: number): string {
  const s = Math.trunc(seconds);
  if (dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb') return `(UTC_TIMESTAMP(3) + INTERVAL ${s} SECOND)`;
  return `strftime('%Y-%m-%d %H:%M:%f', 'now', '${s >= 0 ? '+' : ''}${s} seconds')`;
}
