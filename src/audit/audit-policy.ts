/** What an audit entry records of a change: each changed field before and after; secrets only that they changed. */
export type FieldChanges = Record<string, { before: unknown; after: unknown } | { changed: true }>;

const SECRET = /password|secret|token|key|hash/i;

/** The fields whose values differ between before and after (compared as JSON), secrets redacted. */
export function fieldChanges(before: Record<string, unknown> | null, after: Record<string, unknown> | null, fields?: string[]): FieldChanges {
  const names = fields ?? [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const changes: FieldChanges = {};
  for (const name of names) {
    const old = before?.[name] ?? null;
    const now = after?.[name] ?? null;
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    changes[name] = SECRET.test(name) ? { changed: true } : { before: old, after: now };
  }
  return changes;
}

export function isSecretField(name: string): boolean {
  return SECRET.test(name);
}

/** The actor as the guard left it on the request (duck-typed: audit depends on no feature folder). */
export interface RequestPrincipal {
  kind: 'platform_admin' | 'tenant';
  tenantId?: number;
  operatorId?: number | null;
  tokenId?: number | null;
  userId?: number | null;
  sessionId?: number | null;
}

export interface Actor {
  kind: 'operator' | 'user' | 'token' | 'bootstrap' | 'anonymous';
  id: number | null;
}

export function actorOf(principal: RequestPrincipal | undefined): Actor {
  if (!principal) return { kind: 'anonymous', id: null };
  if (principal.kind === 'platform_admin') return principal.operatorId ? { kind: 'operator', id: principal.operatorId } : { kind: 'bootstrap', id: null };
  if (principal.sessionId) return { kind: 'user', id: principal.userId ?? null };
  return { kind: 'token', id: principal.tokenId ?? null };
}
