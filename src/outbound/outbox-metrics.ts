import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { MetricsRegistry } from '../health/metrics.registry';
import { OutboxEntry, OutboxStatus } from './outbox-entry.entity';

/** The states that drain away; sent and failed only grow, so they are counted as deliveries instead. */
const WAITING_STATES: OutboxStatus[] = ['queued', 'sending'];

/** `inbound_outbox_entries{state}` at each scrape: one count over the (status, next_attempt_at) index. */
@Injectable()
export class OutboxMetrics implements OnModuleInit {
  constructor(
    @InjectRepository(OutboxEntry) private readonly entries: Repository<OutboxEntry>,
    private readonly metrics: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(async () => {
      // The database being away leaves no series rather than the last counts, which would look current.
      const counts = await this.waitingByState().catch(() => null);
      for (const state of WAITING_STATES) {
        if (counts) this.metrics.set('inbound_outbox_entries', 'Outbox entries waiting or being sent', { state }, counts.get(state) ?? 0);
        else this.metrics.unset('inbound_outbox_entries', { state });
      }
    });
  }

  /** Across tenants on purpose: a platform figure, never shown to a tenant. */
  private async waitingByState(): Promise<Map<OutboxStatus, number>> {
    const rows: { status: OutboxStatus; count: string | number }[] = await this.entries
      .createQueryBuilder('o')
      .select('o.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .where({ status: In(WAITING_STATES) })
      .groupBy('o.status')
      .getRawMany();
    const counts = new Map<OutboxStatus, number>(WAITING_STATES.map((state) => [state, 0]));
    for (const row of rows) counts.set(row.status, Number(row.count));
    return counts;
  }
}
