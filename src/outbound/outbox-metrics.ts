import { Injectable, OnModuleInit } from '@nestjs/common';
import { MetricsRegistry } from '../health/metrics.registry';
import { OutboxStatus } from './outbox-entry.entity';
import { OutboxRepository } from './outbox.repository';

/** The states that drain away; sent and failed only grow, so they are counted as deliveries instead. */
const WAITING_STATES: readonly OutboxStatus[] = ['queued', 'sending'];

/** `inbound_outbox_entries{state}` at each scrape: one count over the (status, next_attempt_at) index. */
@Injectable()
export class OutboxMetrics implements OnModuleInit {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly metrics: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(async () => {
      // The database being away leaves no series rather than the last counts, which would look current.
      const counts = await this.outbox.countByState(WAITING_STATES).catch(() => null);
      for (const state of WAITING_STATES) {
        if (counts) this.metrics.set('inbound_outbox_entries', 'Outbox entries waiting or being sent', { state }, counts.get(state) ?? 0);
        else this.metrics.unset('inbound_outbox_entries', { state });
      }
    });
  }
}
