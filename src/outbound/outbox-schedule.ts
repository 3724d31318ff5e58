import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { OutboxService } from './outbox.service';

export const OUTBOX_POLL = 'outbox-poll';

/**
 * The outbox worker's timer: a drain every OUTBOX_POLL_INTERVAL_MS picks up retries that came
 * due and entries another instance left behind. Queued mail does not wait for it: the code that
 * queues kicks the worker after its commit.
 */
@Injectable()
export class OutboxSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly outbox: OutboxService,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => this.outbox.kick(), this.config.outbound.pollIntervalMs);
    timer.unref();
    this.scheduler.addInterval(OUTBOX_POLL, timer);
    this.outbox.kick();
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', OUTBOX_POLL)) this.scheduler.deleteInterval(OUTBOX_POLL);
  }
}
