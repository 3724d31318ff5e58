import { Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { asTenantId, TenantId } from '../common/tenant-id';
import { TenantsRepository } from '../tenants/tenants.repository';
import { EventsHub, Subscriber } from './events-hub';
import { EventsRepository } from './events.repository';
import { LiveEvent } from './live-event.entity';
import { formatEvent, openEventStream } from './sse-stream';

const HEARTBEAT_MS = 15_000;
/** Streams end after this and the client reconnects with Last-Event-ID: its token is checked again. */
const MAX_STREAM_MS = 5 * 60_000;
const RECONNECT_MS = 2_000;
const MAX_CLIENTS_PER_INSTANCE = 2_000;
const CATCH_UP_PAGE = 500;

/** One SSE connection: what a client missed since its Last-Event-ID, then its tenant's events as they come. */
@Injectable()
export class EventsService {
  constructor(
    private readonly hub: EventsHub,
    private readonly events: EventsRepository,
    private readonly tenants: TenantsRepository,
  ) {}

  /** Tenant users see their own tenant; the platform admin names the tenant to watch. */
  async scopeOf(principal: Principal, requested: number | undefined): Promise<TenantId> {
    if (principal.kind === 'tenant') {
      if (requested !== undefined && requested !== principal.tenantId) throw DomainError.notFound('Tenant');
      return principal.tenantId;
    }
    if (requested === undefined) throw new DomainError('bad_request', 'tenant_id is required for the platform admin: events are per tenant');
    const tenant = await this.tenants.find(asTenantId(requested));
    if (!tenant) throw DomainError.notFound('Tenant');
    return asTenantId(tenant.id);
  }

  async stream(tenantId: TenantId, lastEventId: number | null, req: Request, res: Response): Promise<void> {
    if (this.hub.clientCount >= MAX_CLIENTS_PER_INSTANCE) throw new DomainError('unavailable', 'Too many live-update clients on this instance');
    let sent = lastEventId ?? 0;
    let live = false;
    const held: LiveEvent[] = [];
    const send = (event: LiveEvent) => {
      if (event.id <= sent) return;
      res.write(formatEvent(event));
      sent = event.id;
    };
    const timers: NodeJS.Timeout[] = [];
    const end = () => {
      this.hub.unsubscribe(subscriber);
      timers.forEach(clearTimeout);
      if (!res.writableEnded) res.end();
    };
    const subscriber: Subscriber = {
      tenantId,
      deliver: (event) => (live ? send(event) : held.push(event)),
      close: end,
    };

    const upTo = await this.hub.subscribe(subscriber);
    if (req.destroyed) return end();
    req.on('close', end);
    openEventStream(res, RECONNECT_MS);
    timers.push(setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS), setTimeout(end, MAX_STREAM_MS));
    try {
      if (lastEventId === null) sent = Math.max(sent, upTo);
      else await this.catchUp(tenantId, upTo, () => sent, send, (id) => (sent = id), res);
    } catch {
      // The client reconnects with the Last-Event-ID it has, and gets the rest then.
      end();
      return;
    }
    held.forEach(send);
    held.length = 0;
    live = true;
  }

  private async catchUp(
    tenantId: TenantId,
    upTo: number,
    position: () => number,
    send: (event: LiveEvent) => void,
    moveTo: (id: number) => void,
    res: Response,
  ): Promise<void> {
    if (position() >= upTo) return;
    const first = await this.events.firstId();
    if (first !== null && first > position() + 1) {
      // Rows the client has not seen were pruned (or never existed): it must reload what it shows.
      moveTo(first - 1);
      res.write(`id: ${first - 1}\nevent: resync\ndata: {}\n\n`);
    }
    for (;;) {
      const page = await this.events.tenantBetween(tenantId, position(), upTo, CATCH_UP_PAGE);
      page.forEach(send);
      if (page.length < CATCH_UP_PAGE) break;
    }
    moveTo(Math.max(position(), upTo));
  }
}
