import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { Actor, fieldChanges, FieldChanges } from './audit-policy';

/** What services add to the entry of the request they serve. */
export interface AuditNote {
  /** Who, when the request had no principal yet (sign-in). */
  actor?: Actor;
  tenantId?: number | null;
  target?: { type: string; id: string | number };
  changes?: FieldChanges;
  /** The action did not happen although the request answered normally (a redirect that carries the error): written as `<action>_failed`. */
  failed?: boolean;
}

const current = new AsyncLocalStorage<AuditNote>();

/**
 * The audit entry of the request being served. The interceptor opens it around each handler and
 * writes it once the handler is done; services add what only they know (before and after,
 * the account of a sign-in) with note() and noteChanges(). Outside a request, notes are dropped.
 */
@Injectable()
export class AuditTrail {
  /** Runs `run` with `note` as the open entry; what the services note lands in it. */
  open<T>(note: AuditNote, run: () => T): T {
    return current.run(note, run);
  }

  note(note: AuditNote): void {
    const open = current.getStore();
    if (!open) return;
    Object.assign(open, { ...note, changes: note.changes ? { ...open.changes, ...note.changes } : open.changes });
  }

  noteChanges(before: Record<string, unknown> | null, after: Record<string, unknown> | null, fields?: string[]): void {
    this.note({ changes: fieldChanges(before, after, fields) });
  }
}
