import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { HealthRegistry } from '../../health/health.registry';
import { MetricsRegistry } from '../../health/metrics.registry';
import { IngestService } from '../../inbound/ingest.service';
import { mailboxCheckpointKey, MailboxCheckpointRepository } from './mailbox-checkpoint.repository';
import { MailboxReader } from './mailbox-reader';

/**
 * Reads the configured catch-all IMAP mailbox (DOCKER_MAIL_IMAP_*) with a MailboxReader; the
 * instance holding its lease reads, the others stand by.
 */
@Injectable()
export class ImapSourceService implements OnApplicationBootstrap, OnModuleDestroy {
  private reader: MailboxReader | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
    private readonly checkpoints: MailboxCheckpointRepository,
    private readonly healthRegistry: HealthRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const imap = this.config.imap;
    if (!this.config.processingMethods.includes('imap') || !imap) return;
    const reader = new MailboxReader(
      { config: this.config, ingest: this.ingest, checkpoints: this.checkpoints },
      { imap, key: mailboxCheckpointKey(imap), label: imap.mailbox, ingestOptions: {}, mode: 'standby', operatorHints: true },
    );
    this.reader = reader;
    this.healthRegistry.register('imap', () => ({ ...reader.health }));
    this.metrics.addCollector(() => {
      const health = reader.health;
      this.metrics.set('inbound_source_connected', 'Whether a mail source is connected (1) or not (0)', { source: 'imap' }, health.connected ? 1 : 0);
      if (health.backlog !== null) {
        this.metrics.set('inbound_source_backlog', 'Messages waiting at a mail source', { source: 'imap' }, health.backlog);
      }
      const lastSuccess = health.last_success_at;
      if (lastSuccess) this.metrics.set('inbound_source_last_success_timestamp_seconds', 'When a mail source last succeeded', { source: 'imap' }, lastSuccess.getTime() / 1000);
    });
    void reader.start();
  }

  /** Before the database closes: the message in hand is finished and the lease handed back. */
  async onModuleDestroy(): Promise<void> {
    if (!this.reader) return;
    await this.reader.stop();
    this.healthRegistry.unregister('imap');
  }
}
