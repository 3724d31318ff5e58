import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { MailboxState, TenantMailbox } from './tenant-mailbox.entity';

export type NewTenantMailbox = Pick<TenantMailbox, 'kind' | 'host' | 'port' | 'security' | 'username' | 'passwordEncrypted' | 'folder'>;

/** The settings a reader was started with. */
export type ReaderSettings = Pick<TenantMailbox, 'host' | 'port' | 'security' | 'username' | 'folder'> & { passwordEncrypted: string };

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

  async insert(tenantId: TenantId, fields: NewTenantMailbox): Promise<TenantMailbox> {
    const row = this.rows.create({ ...fields, tenantId, enabled: true, state: 'connecting', stateChangedAt: new Date() });
    return this.rows.save(row);
  }

  save(tenantId: TenantId, row: TenantMailbox): Promise<TenantMailbox> {
    if (row.tenantId !== tenantId) throw new Error(`mailbox of tenant ${row.tenantId} saved for tenant ${tenantId}`);
    return this.rows.save(row);
  }

  async delete(tenantId: TenantId, id: number): Promise<boolean> {
    return ((await this.rows.delete({ tenantId, id })).affected ?? 0) > 0;
  }

  /** Every mailbox to read, of every tenant: for the readers' scheduler only. */
  readable(): Promise<TenantMailbox[]> {
    return this.rows.find({ where: { enabled: true, kind: 'imap' }, order: { id: 'ASC' } });
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
    await this.rows.update(
      { id, enabled: true, ...readWith },
      {
        state: report.state,
        ...(report.lastError !== undefined ? { lastError: report.lastError?.slice(0, 1000) ?? null } : {}),
        ...(report.lastSuccessAt ? { lastSuccessAt: report.lastSuccessAt } : {}),
        ...(report.backlog !== undefined ? { backlog: report.backlog } : {}),
        ...(current.state !== report.state ? { stateChangedAt: new Date() } : {}),
      },
    );
  }
}
