import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTenantId, TenantId } from '../common/tenant-id';
import { sqlTime } from '../database/batch-sql';
import { StoredRaw } from '../storage/blob-stores';

export interface RetentionPolicy {
  raw_message_days: number | null;
  processing_log_days: number | null;
  closed_ticket_days: number | null;
}

const RUN_LOCK = 'inbound_retention';

export const KEEP_FOREVER: RetentionPolicy = { raw_message_days: null, processing_log_days: null, closed_ticket_days: null };

/** Retention policies and the deletions they lead to, each within one tenant. */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private get mysql(): boolean {
    return this.db.options.type === 'mysql';
  }

  async policy(tenantId: TenantId): Promise<RetentionPolicy | null> {
    const [row] = await this.db.query('SELECT raw_message_days, processing_log_days, closed_ticket_days FROM retention_policies WHERE tenant_id = ?', [tenantId]);
    return row ? { raw_message_days: row.raw_message_days, processing_log_days: row.processing_log_days, closed_ticket_days: row.closed_ticket_days } : null;
  }

  async setPolicy(tenantId: TenantId, policy: RetentionPolicy, now: Date): Promise<void> {
    const values = [policy.raw_message_days, policy.processing_log_days, policy.closed_ticket_days, sqlTime(this.mysql, now)];
    await this.db.transaction(async (m) => {
      await m.query('DELETE FROM retention_policies WHERE tenant_id = ?', [tenantId]);
      await m.query('INSERT INTO retention_policies (tenant_id, raw_message_days, processing_log_days, closed_ticket_days, updated_at) VALUES (?, ?, ?, ?, ?)', [tenantId, ...values]);
    });
  }

  /** Every tenant with a policy that limits something. */
  async tenantsWithPolicies(): Promise<{ tenantId: TenantId; policy: RetentionPolicy }[]> {
    const rows: (RetentionPolicy & { tenant_id: number })[] = await this.db.query(
      'SELECT tenant_id, raw_message_days, processing_log_days, closed_ticket_days FROM retention_policies WHERE raw_message_days IS NOT NULL OR processing_log_days IS NOT NULL OR closed_ticket_days IS NOT NULL',
    );
    return rows.map(({ tenant_id, ...policy }) => ({ tenantId: asTenantId(Number(tenant_id)), policy }));
  }

  /** Forgets the raw message of rows received before `cutoff` (the rows stay); resolves to what they named. */
  async forgetRawBefore(tenantId: TenantId, cutoff: Date): Promise<StoredRaw[]> {
    const at = sqlTime(this.mysql, cutoff);
    const named: { raw_sha256: string; raw_location: string | null }[] = await this.db.query(
      'SELECT raw_sha256, raw_location FROM email_processing_logs WHERE tenant_id = ? AND created_at < ? AND raw_sha256 IS NOT NULL',
      [tenantId, at],
    );
    await this.db.query('UPDATE ticket_messages SET raw_sha256 = NULL WHERE tenant_id = ? AND created_at < ? AND raw_sha256 IS NOT NULL', [tenantId, at]);
    await this.changed('UPDATE email_processing_logs SET raw_sha256 = NULL, raw_location = NULL WHERE tenant_id = ? AND created_at < ? AND raw_sha256 IS NOT NULL', [tenantId, at]);
    return named.map((row) => ({ sha256: row.raw_sha256, location: row.raw_location }));
  }

  async deleteLogsBefore(tenantId: TenantId, cutoff: Date): Promise<number> {
    return this.changed('DELETE FROM email_processing_logs WHERE tenant_id = ? AND created_at < ?', [tenantId, sqlTime(this.mysql, cutoff)]);
  }

  /** Closed tickets without activity since `cutoff`, with their messages and attachments (ON DELETE CASCADE). */
  async deleteClosedTicketsBefore(tenantId: TenantId, cutoff: Date): Promise<number> {
    return this.changed("DELETE FROM tickets WHERE tenant_id = ? AND status = 'closed' AND last_activity_at < ?", [tenantId, sqlTime(this.mysql, cutoff)]);
  }

  /**
   * Runs `work` unless another instance is already at it (a MySQL named lock, held on one
   * connection for the run; SQLite is one process): resolves to null then.
   */
  async exclusively<T>(work: () => Promise<T>): Promise<T | null> {
    if (!this.mysql) return work();
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      // Named locks are server-wide: the database's name keeps other deployments on the same server out.
      const lock = `${RUN_LOCK}:${String(this.db.options.database)}`.slice(0, 64);
      const [row] = await runner.query('SELECT GET_LOCK(?, 0) AS locked', [lock]);
      if (Number(row.locked) !== 1) return null;
      try {
        return await work();
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  /** Runs a DELETE or UPDATE; resolves to the rows it touched (a structured result says so on both engines). */
  private async changed(sql: string, params: unknown[]): Promise<number> {
    const runner = this.db.createQueryRunner();
    try {
      return (await runner.query(sql, params, true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}
