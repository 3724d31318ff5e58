/** A datetime column read by a raw query: MySQL answers a Date (the connection runs in UTC); SQLite the stored text, in UTC. */
export function asUtcDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}
