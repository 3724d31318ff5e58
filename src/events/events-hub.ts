import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { TenantId } from '../common/tenant-id';
import { MetricsRegistry } from '../health/metrics.registry';
import { EventCursor } from './event-cursor';
import { EventsRepository } from './events.repository';
import { LiveEvent } from './live-event.entity';

/** How long events wait behind an id that has not committed before it is taken as rolled back. */
const GAP_WAIT_MS = 5_000;
const BATCH = 500;
const PRUNE_EVERY_MS = 10 * 60_000;
export const EVENTS_PRUNE = 'events-prune';

export interface Subscriber {
  readonly tenantId: TenantId;
  deliver(event: LiveEvent): void;
  close(): void;
}

/**
 * The instance's one reader of the events table, shared by all its SSE clients: it polls by id
 * every EVENTS_POLL_MS while anyone listens and hands each row to the clients of its tenant.
 * Every instance reads the same table, so an event reaches clients of all replicas.
 */
@Injectable()
export class EventsHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EventsHub.name);
  private readonly subscribers = new Set<Subscriber>();
  private cursor: EventCursor | null = null;
  private starting: Promise<EventCursor> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventsRepository,
    private readonly metrics: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(() => this.metrics.set('inbound_live_clients', 'Live-update streams open on this instance', {}, this.subscribers.size));
  }

  /**
   * Registers `subscriber`; returns the id up to which the log has been handed out. Everything
   * after it reaches the subscriber through `deliver`; anything before it is the caller's to read.
   */
  async subscribe(subscriber: Subscriber): Promise<number> {
    const cursor = await this.start();
    this.subscribers.add(subscriber);
    return cursor.position;
  }

  unsubscribe(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
  }

  get clientCount(): number {
    return this.subscribers.size;
  }

  onModuleDestroy(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const subscriber of [...this.subscribers]) subscriber.close();
    this.subscribers.clear();
  }

  @Interval(EVENTS_PRUNE, PRUNE_EVERY_MS)
  async prune(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.events.retentionHours * 3_600_000);
    try {
      await this.events.pruneBefore(cutoff);
    } catch (error) {
      this.logger.warn(`Pruning the events table failed: ${(error as Error).message}`);
    }
  }

  private start(): Promise<EventCursor> {
    if (this.cursor) return Promise.resolve(this.cursor);
    this.starting ??= this.events.lastId().then(
      (lastId) => {
        this.cursor = new EventCursor(lastId, GAP_WAIT_MS);
        this.starting = null;
        this.schedule();
        return this.cursor;
      },
      (error: unknown) => {
        this.starting = null;
        throw error;
      },
    );
    return this.starting;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.poll(), this.config.events.pollMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const cursor = this.cursor!;
    if (this.subscribers.size === 0) {
      // Nobody listens: stop reading; the next subscriber starts from the end of the log.
      this.cursor = null;
      this.timer = null;
      return;
    }
    try {
      let rows: LiveEvent[];
      let ready: LiveEvent[];
      do {
        rows = await this.events.allTenantsAfter(cursor.position, BATCH);
        ready = cursor.take(rows, Date.now());
        for (const event of ready) this.dispatch(event);
      } while (rows.length === BATCH && ready.length === BATCH && !this.closed);
    } catch (error) {
      this.logger.warn(`Reading the events table failed: ${(error as Error).message}`);
    }
    this.schedule();
  }

  private dispatch(event: LiveEvent): void {
    for (const subscriber of this.subscribers) {
      if (subscriber.tenantId === event.tenantId) subscriber.deliver(event);
    }
  }
}
