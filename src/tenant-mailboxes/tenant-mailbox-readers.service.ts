import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, ImapConfig } from '../config/app-config';
import { asTenantId } from '../common/tenant-id';
import { HealthRegistry } from '../health/health.registry';
import { MetricsRegistry } from '../health/metrics.registry';
import { IngestService } from '../inbound/ingest.service';
import { MailboxCheckpointRepository } from '../sources/imap/mailbox-checkpoint.repository';
import { MailboxReader } from '../sources/imap/mailbox-reader';
import { CredentialsRefused } from '../sources/imap/mailbox-reader.types';
import { WakeableSleep } from '../sources/wakeable-sleep';
import { IMAP_PORTS } from './mailbox-rules';
import { MailboxNoticesService } from './mailbox-notices.service';
import { MailboxOAuthService } from './mailbox-oauth.service';
import { isOAuthKind } from './oauth-providers';
import { fairShare, rebalance, shuffled } from './reader-share';
import { MAILBOX_STATES, MailboxState, TENANT_MAILBOX_KEY_PREFIX, TenantMailbox, tenantMailboxKey } from './tenant-mailbox.entity';
import { MailboxReport, ReaderSettings, TenantMailboxesRepository } from './tenant-mailboxes.repository';
import { TenantMailboxesService } from './tenant-mailboxes.service';

const INSTANCE_KEY_PREFIX = 'instance:';
/** A connected mailbox's last_success_at is written at most this often (not once per message). */
const SUCCESS_WRITE_MS = 15_000;

interface Running {
  reader: MailboxReader;
  /** The settings it was started with: a change restarts it. */
  fingerprint: string;
  settings: ReaderSettings;
  reported: MailboxReport | null;
  reportedAt: number;
}

/**
 * Reads the tenants' own mailboxes. Each instance announces itself with a heartbeat lease
 * ("instance:<id>" in mailbox_checkpoints), counts the live instances, and reads an even share
 * of the mailboxes (at most TENANT_MAILBOX_MAX_CONNECTIONS): it hands back what is above its
 * share when an instance joins and takes free or expired leases when one leaves or dies. The
 * per-mailbox lease (the catch-all's code) makes sure no two instances read one mailbox.
 */
@Injectable()
export class TenantMailboxReadersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TenantMailboxes');
  private readonly sleep = new WakeableSleep();
  private readonly running = new Map<number, Running>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private states: Record<string, number> = {};
  private lastError: string | null = null;
  /** Mailboxes to read that no instance holds a lease on (as of the last round). */
  private unassigned = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
    private readonly checkpoints: MailboxCheckpointRepository,
    private readonly mailboxes: TenantMailboxesRepository,
    private readonly service: TenantMailboxesService,
    private readonly oauth: MailboxOAuthService,
    private readonly notices: MailboxNoticesService,
    private readonly healthRegistry: HealthRegistry,
    private readonly metrics: MetricsRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.tenantMailboxes.maxConnections === 0) return;
    this.healthRegistry.register('tenant-mailboxes', () => this.health());
    this.metrics.addCollector(() => {
      for (const state of MAILBOX_STATES) {
        this.metrics.set('inbound_tenant_mailboxes', 'Tenants’ own mailboxes by state', { state }, this.states[state] ?? 0);
      }
      this.metrics.set('inbound_tenant_mailboxes_read', 'Tenant mailboxes this instance reads', {}, this.running.size);
      this.metrics.set('inbound_tenant_mailboxes_unassigned', 'Tenant mailboxes to read that no instance reads', {}, this.unassigned);
    });
    this.loop = this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.sleep.wake();
    await this.loop;
    await Promise.all([...this.running.values()].map((r) => r.reader.stop()));
    await this.checkpoints.releaseLease(this.instanceKey, this.config.instanceId).catch(() => undefined);
    this.healthRegistry.unregister('tenant-mailboxes');
  }

  /** For tests: stop as a killed process would, leaving every lease to expire. */
  async abandon(): Promise<void> {
    this.stopping = true;
    this.sleep.wake();
    await this.loop;
    await Promise.all([...this.running.values()].map((r) => r.reader.stop({ abandon: true })));
    this.running.clear();
  }

  /** The mailboxes this instance is connected to under its lease now (by id). */
  readingNow(): number[] {
    return [...this.running.entries()].filter(([, r]) => !r.reader.finished && r.reader.health.connected && r.reader.health.lease === 'held').map(([id]) => id);
  }

  private get instanceKey(): string {
    return `${INSTANCE_KEY_PREFIX}${this.config.instanceId}`.slice(0, 255);
  }

  private async schedule(): Promise<void> {
    const tickMs = Math.max(500, (this.config.tenantMailboxes.leaseSeconds * 1000) / 3);
    while (!this.stopping) {
      try {
        await this.round();
        this.lastError = null;
      } catch (error) {
        this.lastError = `could not schedule the tenant mailboxes: ${(error as Error).message}`;
        this.logger.error(this.lastError);
      }
      await this.sleep.sleep(tickMs);
    }
  }

  private async round(): Promise<void> {
    const { leaseSeconds, maxConnections } = this.config.tenantMailboxes;
    this.states = await this.mailboxes.countByState();
    const rows = await this.mailboxes.readable();
    // Without tenant mailboxes an instance leaves no trace: no heartbeat row, no writes.
    if (rows.length === 0 && this.running.size === 0) {
      this.unassigned = 0;
      return;
    }
    await this.checkpoints.ensureRow(this.instanceKey);
    await this.checkpoints.takeLease(this.instanceKey, this.config.instanceId, leaseSeconds);
    const live = await this.checkpoints.liveLeases(INSTANCE_KEY_PREFIX);
    const byId = new Map(rows.map((row) => [row.id, row]));
    await this.reportAll();
    await this.refreshDueTokens(byId);
    for (const [id, running] of [...this.running]) {
      const row = byId.get(id);
      if (running.reader.finished || !row || fingerprint(row) !== running.fingerprint || row.state === 'needs_reauthorization') {
        await this.retire(id, running);
      }
    }
    const candidates = rows.filter((row) => row.state !== 'needs_reauthorization' && hasCredentials(row));
    this.unassigned = Math.max(0, candidates.length - (await this.checkpoints.liveLeases(TENANT_MAILBOX_KEY_PREFIX)));
    await this.notices.sendDue().catch((error: Error) => this.logger.warn(`could not send the mailbox notices: ${error.message}`));
    const plan = rebalance([...this.running.keys()], fairShare(candidates.length, live, maxConnections));
    for (const id of plan.release) await this.retire(id, this.running.get(id)!);
    let wanted = plan.take;
    for (const row of shuffled(candidates.filter((r) => !this.running.has(r.id)))) {
      if (wanted === 0 || this.stopping) break;
      const key = tenantMailboxKey(row.id);
      await this.checkpoints.ensureRow(key);
      if (!(await this.checkpoints.takeLease(key, this.config.instanceId, leaseSeconds))) continue;
      this.start(row);
      wanted -= 1;
    }
  }

  /**
   * Access tokens of the OAuth2 mailboxes read here are renewed before they expire, although an
   * open IMAP session does not need them: so a revoked grant is noticed within a token's life,
   * not at the next reconnect, and the rotated refresh token keeps being used.
   */
  private async refreshDueTokens(byId: Map<number, TenantMailbox>): Promise<void> {
    for (const [id, running] of this.running) {
      const row = byId.get(id);
      if (!row || !isOAuthKind(row.kind) || running.reader.finished || (row.oauthAccessTokenExpiresAt?.getTime() ?? 0) > Date.now()) continue;
      try {
        await this.oauth.accessToken(id);
      } catch (error) {
        if (!(error instanceof CredentialsRefused)) {
          this.logger.warn(`mailbox ${id}: ${(error as Error).message}`);
          continue;
        }
        await this.mailboxes.report(id, { state: 'needs_reauthorization', lastError: error.message }, running.settings);
        this.logger.warn(`mailbox ${id}: needs_reauthorization: ${error.message}`);
        row.state = 'needs_reauthorization';
      }
    }
  }

  private start(row: TenantMailbox): void {
    const imap: ImapConfig = {
      host: row.host,
      port: row.port,
      username: row.username,
      password: this.service.password(row) ?? '',
      security: row.security,
      verifyTls: true,
      mailbox: row.folder,
      processedFolder: `${row.folder === 'INBOX' ? '' : `${row.folder}-`}Processed`,
      failedFolder: `${row.folder === 'INBOX' ? '' : `${row.folder}-`}Failed`,
      leaseSeconds: this.config.tenantMailboxes.leaseSeconds,
    };
    const reader = new MailboxReader(
      { config: this.config, ingest: this.ingest, checkpoints: this.checkpoints },
      {
        imap,
        key: tenantMailboxKey(row.id),
        label: `mailbox ${row.id} ${row.folder}`,
        ingestOptions: { sourceTenantId: asTenantId(row.tenantId) },
        mode: 'scheduled',
        operatorHints: false,
        egress: { allowances: this.config.egressAllowedHosts, ports: IMAP_PORTS },
        ...(isOAuthKind(row.kind) ? { accessToken: (fresh: boolean) => this.oauth.accessToken(row.id, { fresh }) } : {}),
      },
    );
    const settings: ReaderSettings = { host: row.host, port: row.port, security: row.security, username: row.username, folder: row.folder, passwordEncrypted: row.passwordEncrypted, oauthGrantVersion: row.oauthGrantVersion };
    this.running.set(row.id, { reader, fingerprint: fingerprint(row), settings, reported: null, reportedAt: 0 });
    void reader.start();
  }

  private async retire(id: number, running: Running): Promise<void> {
    await running.reader.stop();
    // Only a reader that ended by itself (a refused login) has news; one stopped because the
    // admin changed the mailbox, or handed to another instance, would overwrite newer state.
    if (running.reader.finished && running.reader.authenticationFailed) await this.report(id, running);
    this.running.delete(id);
  }

  private async reportAll(): Promise<void> {
    for (const [id, running] of this.running) await this.report(id, running);
  }

  /** Writes what the reader's health says, when it changed (or, while connected, now and then). */
  private async report(id: number, running: Running): Promise<void> {
    const { reader } = running;
    const health = reader.health;
    const state: MailboxState = reader.authenticationFailed ? 'needs_reauthorization' : health.connected ? 'connected' : health.status === 'down' ? 'backing_off' : 'connecting';
    if (state === 'connecting' && reader.finished) return; // handed over: the next reader reports
    const report: MailboxReport = { state, lastError: state === 'connected' ? null : health.last_error, backlog: health.backlog, ...(health.last_success_at ? { lastSuccessAt: health.last_success_at } : {}) };
    const previous = running.reported;
    const changed = !previous || previous.state !== report.state || previous.lastError !== report.lastError || previous.backlog !== report.backlog;
    if (!changed && Date.now() - running.reportedAt < SUCCESS_WRITE_MS) return;
    if (!changed && previous?.lastSuccessAt?.getTime() === report.lastSuccessAt?.getTime()) return;
    await this.mailboxes.report(id, report, running.settings);
    if (state !== previous?.state && (state === 'needs_reauthorization' || state === 'backing_off')) this.logger.warn(`mailbox ${id} of tenant: ${state}: ${report.lastError}`);
    running.reported = report;
    running.reportedAt = Date.now();
  }

  private health() {
    const bad = (this.states.backing_off ?? 0) + (this.states.needs_reauthorization ?? 0);
    return {
      name: 'tenant-mailboxes',
      status: this.lastError ? ('down' as const) : ('up' as const),
      connected: this.running.size > 0,
      last_success_at: null,
      last_error: this.lastError ?? problems(bad, this.states, this.unassigned),
      backlog: null,
      read_here: this.running.size,
      unassigned: this.unassigned,
      states: { ...this.states },
    };
  }
}

function problems(bad: number, states: Record<string, number>, unassigned: number): string | null {
  const said: string[] = [];
  if (bad > 0) said.push(`${states.backing_off ?? 0} tenant mailbox(es) backing off, ${states.needs_reauthorization ?? 0} needing reauthorization`);
  if (unassigned > 0) said.push(`${unassigned} tenant mailbox(es) read by no instance (all at TENANT_MAILBOX_MAX_CONNECTIONS?)`);
  return said.length ? said.join('; ') : null;
}

/** What restarts a reader when it changes: not an OAuth2 mailbox's tokens, which every refresh replaces. */
function fingerprint(row: TenantMailbox): string {
  return JSON.stringify([row.kind, row.host, row.port, row.security, row.username, row.folder, row.passwordEncrypted, row.oauthGrantVersion]);
}

function hasCredentials(row: TenantMailbox): boolean {
  return isOAuthKind(row.kind) ? row.oauthRefreshTokenEncrypted !== null : row.passwordEncrypted !== null;
}
