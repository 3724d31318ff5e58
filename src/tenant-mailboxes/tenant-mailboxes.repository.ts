import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { databaseNowPlus } from '../database/database-clock';
import { MailboxState, TenantMailbox } from './tenant-mailbox.entity';

export type NewTenantMailbox = Pick<TenantMailbox, 'kind' | 'host' | 'port' | 'security' | 'username' | 'passwordEncrypted' | 'folder'> &
  Partial<Pick<TenantMailbox, 'oauthClientId' | 'oauthClientSecretEncrypted' | 'oauthAuthorizeUrl' | 'oauthTokenUrl'>>;

/** The settings a reader was started with: the password, or the grant (its version) of an OAuth2 mailbox. */
export type ReaderSettings = Pick<TenantMailbox, 'host' | 'port' | 'security' | 'username' | 'folder' | 'passwordEncrypted' | 'oauthGrantVersion'>;

type TokenFields = Pick<TenantMailbox, 'oauthAccessTokenEncrypted' | 'oauthAccessTokenExpiresAt'> & Partial<Pick<TenantMailbox, 'oauthRefreshTokenEncrypted'>>;

/** A backing-off mailbox is reported to its tenant's admins once it has been failing this long (a blip is not). */
export const BACKING_OFF_NOTICE_MS = 2 * 60_000;

/** What a reader reports of its mailbox. */
export interface MailboxReport {
  state: MailboxState;
  lastError?: string | null;
  lastSuccessAt?: Date;
  backlog?: number | null;
}

/** Tenant mailboxes: the API's queries take the tenant; the readers' take the mailbox id they hold a lease on. */
@Injectable()
export class TenantMailboxesRepository {
  constructor(@InjectRepository(TenantMailbox) private readonly rows: Repository<TenantMailbox>) {}

  list(tenantId: TenantId): Promise<TenantMailbox[]> {
    return this.rows.find({ where: { tenantId }, order: { id: 'ASC' } });
  }

  find(tenantId: TenantId, id: number): Promise<TenantMailbox | null> {
    return this.rows.findOneBy({ tenantId, id });
  }

  async insert(tenantId: TenantId, fields: NewTenantMailbox, state: MailboxState = 'connecting'): Promise<TenantMailbox> {
    const row = this.rows.create({ ...fields, tenantId, enabled: true, state, stateChangedAt: new Date() });
    return this.rows.save(row);
  }

  save(tenantId: TenantId, row: TenantMailbox): Promise<TenantMailbox> {
    if (row.tenantId !== tenantId) throw new Error(`mailbox of tenant ${row.tenantId} saved for tenant ${tenantId}`);
    return this.rows.save(row);
  }

  /** The mailbox the tenant's replies leave through, if it chose one (and it is on). */
  replySender(tenantId: TenantId): Promise<TenantMailbox | null> {
    return this.rows.findOneBy({ tenantId, sendsReplies: true, enabled: true });
  }

  /** Makes this mailbox the tenant's only reply sender. */
  async chooseReplySender(tenantId: TenantId, id: number): Promise<void> {
    await this.rows.manager.transaction(async (manager) => {
      await manager.update(TenantMailbox, { tenantId, sendsReplies: true }, { sendsReplies: false });
      await manager.update(TenantMailbox, { tenantId, id }, { sendsReplies: true });
    });
  }

  async delete(tenantId: TenantId, id: number): Promise<boolean> {
    return ((await this.rows.delete({ tenantId, id })).affected ?? 0) > 0;
  }

  /** Every mailbox to read, of every tenant: for the readers' scheduler only. */
  readable(): Promise<TenantMailbox[]> {
    return this.rows.find({ where: { enabled: true }, order: { id: 'ASC' } });
  }

  /** One mailbox by id, for the instance that holds its lease (its reader and token refreshes). */
  forReader(id: number): Promise<TenantMailbox | null> {
    return this.rows.findOneBy({ id });
  }

  /** A new consent: the grant, the mailbox it is for, and a fresh start for its reader and its notices. */
  async storeGrant(tenantId: TenantId, id: number, fields: TokenFields & Pick<TenantMailbox, 'username'>): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .update(TenantMailbox)
      .set({
        ...fields,
        oauthTokenVersion: () => 'oauth_token_version + 1',
        oauthGrantVersion: () => 'oauth_grant_version + 1',
        state: 'connecting',
        lastError: null,
        stateChangedAt: new Date(),
        problemNotifiedAt: null,
      })
      .where('id = :id AND tenant_id = :tenantId', { id, tenantId })
      .execute();
  }

  /** Stores refreshed tokens only over the version the refresh started from: never an older rotation over a newer one. */
  async storeRefreshed(id: number, fromVersion: number, fields: TokenFields): Promise<boolean> {
    const result = await this.rows.update({ id, oauthTokenVersion: fromVersion }, { ...fields, oauthTokenVersion: fromVersion + 1 });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Claims the refresh of a mailbox's tokens for `seconds` (a crashed claimer's claim runs out):
   * true for one caller over every instance, since presenting a rotated refresh token twice may
   * make the provider revoke the whole grant.
   */
  async claimRefresh(id: number, seconds: number): Promise<boolean> {
    const result = await this.rows
      .createQueryBuilder()
      .update(TenantMailbox)
      .set({ oauthRefreshingUntil: () => databaseNowPlus(this.rows.manager.connection, seconds) })
      .where(`id = :id AND (oauth_refreshing_until IS NULL OR oauth_refreshing_until < ${databaseNowPlus(this.rows.manager.connection, 0)})`, { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async releaseRefresh(id: number): Promise<void> {
    await this.rows.update({ id }, { oauthRefreshingUntil: null });
  }

  /** Bad connections whose tenant admins have not been told yet (of every tenant: for the readers' scheduler). */
  untoldProblems(now: Date): Promise<TenantMailbox[]> {
    const settled = new Date(now.getTime() - BACKING_OFF_NOTICE_MS);
    return this.rows.find({
      where: [
        { enabled: true, problemNotifiedAt: IsNull(), state: 'needs_reauthorization' },
        { enabled: true, problemNotifiedAt: IsNull(), state: 'backing_off', stateChangedAt: LessThan(settled) },
      ],
      take: 50,
    });
  }

  /** Claims the notice of one bad episode: true for exactly one caller over every instance. */
  async claimNotice(id: number, at: Date): Promise<boolean> {
    return ((await this.rows.update({ id, problemNotifiedAt: IsNull() }, { problemNotifiedAt: at })).affected ?? 0) > 0;
  }

  async releaseNotice(id: number): Promise<void> {
    await this.rows.update({ id }, { problemNotifiedAt: null });
  }

  /** Counts by state over every tenant, for /health and the metrics. */
  async countByState(): Promise<Record<string, number>> {
    const rows = await this.rows.createQueryBuilder('m').select('m.state', 'state').addSelect('COUNT(*)', 'n').groupBy('m.state').getRawMany<{ state: string; n: string | number }>();
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  /**
   * The reader's report; state_changed_at moves only when the state changes. Written only while
   * the row still has the settings the reader was started with: a report must not overwrite the
   * state an admin's change (a new password) has just set.
   */
  async report(id: number, report: MailboxReport, readWith: ReaderSettings): Promise<void> {
    const current = await this.rows.findOne({ where: { id }, select: { id: true, state: true } });
    if (!current) return;
    const { passwordEncrypted, ...settings } = readWith;
    await this.rows.update(
      { id, enabled: true, ...settings, passwordEncrypted: passwordEncrypted ?? IsNull() },
      {
        state: report.state,
        ...(report.state === 'connected' ? { problemNotifiedAt: null } : {}),
        ...(report.lastError !== undefined ? { lastError: report.lastError?.slice(0, 1000) ?? null } : {}),
        ...(report.lastSuccessAt ? { lastSuccessAt: report.lastSuccessAt } : {}),
        ...(report.backlog !== undefined ? { backlog: report.backlog } : {}),
        ...(current.state !== report.state ? { stateChangedAt: new Date() } : {}),
      },
    );
  }
}
