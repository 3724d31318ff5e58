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
