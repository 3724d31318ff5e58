// Dates, ages and sizes as people read them.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(value) {
  if (!value) return '–';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

/** "3 min ago" for recent times, the date otherwise. */
export function formatAge(value) {
  const date = new Date(value);
  const seconds = (Date.now() - date.getTime()) / 1000;
  if (Number.isNaN(seconds)) return '–';
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return formatDate(value);
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '–';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "Ada <ada@example.com>", or the address alone. */
export function formatPerson(name, address, fallback = 'unknown sender') {
  if (name && address) return `${name} <${address}>`;
  return address || name || fallback;
}

/** <input type=date> gives a day; the API takes instants. */
export function dayStart(day) {
  return day ? new Date(`${day}T00:00:00`).toISOString() : '';
}

export function dayEnd(day) {
  return day ? new Date(`${day}T23:59:59.999`).toISOString() : '';
}
