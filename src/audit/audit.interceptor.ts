import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { actorOf, RequestPrincipal } from './audit-policy';
import { AUDITED_KEY, AuditedOptions } from './audit.decorators';
import { AuditNote, AuditTrail } from './audit-trail';
import { AuditRepository } from './audit.repository';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REFUSALS = new Set([401, 403, 429]);

type AuditedRequest = Request & { principal?: RequestPrincipal };

/**
 * One audit entry per state-changing request of a person or token, written after the handler
 * succeeded: the action its route names (@Audited; else the method and route), actor, tenant,
 * target, what the services noted changed, the client address. Public routes are recorded only
 * when named (sign-in), and refusals only where asked (failed sign-ins).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly reflector: Reflector,
    private readonly trail: AuditTrail,
    private readonly entries: AuditRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    const named = this.reflector.get<({ action: string; skip?: boolean } & AuditedOptions) | undefined>(AUDITED_KEY, context.getHandler());
    if (named?.skip) return next.handle();
    if (!named && (READS.has(request.method) || !request.principal)) return next.handle();
    const action = named?.action ?? `${request.method.toLowerCase()} ${request.route?.path ?? request.path}`;

    return new Observable((subscriber) => {
      const note: AuditNote = {};
      const result: Observable<unknown> = this.trail.open(note, () =>
        next.handle().pipe(
          mergeMap((value: unknown) => from(this.write(action, named, request, note, value).then(() => value))),
          catchError((error: { httpStatus?: number; getStatus?: () => number }) => {
            const status = error?.httpStatus ?? error?.getStatus?.();
            if (!named?.failures || !status || !REFUSALS.has(status)) return throwError(() => error);
            return from(this.write(`${action}_failed`, named, request, note, undefined)).pipe(mergeMap(() => throwError(() => error)));
          }),
        ),
      );
      return result.subscribe(subscriber);
    });
  }

  /** A failed write is logged, not thrown: the action itself has happened. */
  private async write(action: string, options: AuditedOptions | undefined, request: AuditedRequest, note: AuditNote, answer: unknown): Promise<void> {
    try {
      const actor = note.actor ?? actorOf(request.principal);
      const target = note.target ?? targetOf(options?.target, request, answer);
      await this.entries.insert({
        tenantId: note.tenantId !== undefined ? note.tenantId : (request.principal?.tenantId ?? tenantParam(request) ?? (target?.type === 'tenant' ? Number(target.id) : null)),
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: await this.entries.actorName(actor),
        action: note.failed && !action.endsWith('_failed') ? `${action}_failed` : action,
        targetType: target?.type ?? null,
        targetId: target ? String(target.id).slice(0, 320) : null,
        changes: note.changes && Object.keys(note.changes).length > 0 ? JSON.stringify(note.changes) : null,
        ip: request.ip?.slice(0, 64) ?? null,
      });
    } catch (error) {
      this.logger.error(`audit entry "${action}" not written: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function targetOf(type: string | undefined, request: Request, answer: unknown): { type: string; id: string | number } | null {
  if (!type) return null;
  const id: unknown = request.params?.[`${type}Id`] ?? (answer as { id?: unknown } | undefined)?.id;
  return id === undefined || id === null ? null : { type, id: String(id) };
}

function tenantParam(request: Request): number | null {
  const raw = request.params?.tenantId;
  return typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : null;
}
