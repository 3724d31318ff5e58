import { basename, dirname, join } from 'node:path';

/**
 * Files a Maildir reader may take from new/. Names starting with a dot are work files of
 * other writers (rsync, editors, some MDAs) by convention, never messages.
 */
export function isMessageFileName(name: string): boolean {
  return name.length > 0 && !name.startsWith('.') && !name.includes('/');
}

/** The size a Maildir delivery put in the name ("1700000000.M1P2.host,S=1234,W=1260"), if any. */
export function declaredSize(name: string): number | null {
  const unique = name.split(':')[0];
  const match = /,S=(\d+)(?:,|$)/.exec(unique);
  return match ? Number(match[1]) : null;
}

/**
 * Delivery order of Maildir names ("<seconds>.M<microseconds>P<pid>..." from Dovecot and most
 * MDAs): by the time in the name, numerically, so that "M99" comes before "M100" within one
 * second; names without that form come after, by name.
 */
export function compareDeliveryOrder(a: string, b: string): number {
  const ta = deliveryTime(a);
  const tb = deliveryTime(b);
  if (ta && tb) {
    if (ta.seconds !== tb.seconds) return ta.seconds - tb.seconds;
    if (ta.micros !== tb.micros) return ta.micros - tb.micros;
  } else if (ta || tb) {
    return ta ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function deliveryTime(name: string): { seconds: number; micros: number } | null {
  const match = /^(\d+)\.(?:[^.]*?M(\d+))?/.exec(name);
  return match ? { seconds: Number(match[1]), micros: match[2] ? Number(match[2]) : 0 } : null;
}

/** The name a read message gets in cur/: the "2," info with the S (seen) flag added, flags kept sorted. */
export function seenName(name: string): string {
  const colon = name.indexOf(':');
  const unique = colon === -1 ? name : name.slice(0, colon);
  const info = colon === -1 ? '' : name.slice(colon + 1);
  const flags = info.startsWith('2,') ? info.slice(2) : '';
  const merged = [...new Set([...flags, 'S'])].sort().join('');
  return `${unique}:2,${merged}`;
}

/** The Maildir root for MAILDIR_PATH, which may name the root or its new/ folder. */
export function maildirFolders(path: string): { root: string; newDir: string; curDir: string; failedDir: string } {
  const root = basename(path) === 'new' ? dirname(path) : path;
  return { root, newDir: join(root, 'new'), curDir: join(root, 'cur'), failedDir: join(root, 'failed') };
}
