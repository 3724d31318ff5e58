import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { AccountRef } from './account-policy';

export interface TotpState {
  secretEncrypted: string | null;
  enabled: boolean;
  lastStep: number | null;
}

const TABLE = { user: 'users', operator: 'operators' } as const;
const OWNER = { user: 'user_id', operator: 'operator_id' } as const;

/** The second factor's rows: columns of users and operators, recovery_codes, and the tenant's rule. */
@Injectable()
export class TwoFactorRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async state(ref: AccountRef): Promise<TotpState | null> {
    const [row]: { totp_secret_encrypted: string | null; totp_enabled_at: unknown; totp_last_step: number | string | null }[] = await this.db.query(
      `SELECT totp_secret_encrypted, totp_enabled_at, totp_last_step FROM ${TABLE[ref.kind]} WHERE id = ?`,
      [ref.id],
    );
    if (!row) return null;
    return { secretEncrypted: row.totp_secret_encrypted, enabled: row.totp_enabled_at !== null, lastStep: row.totp_last_step === null ? null : Number(row.totp_last_step) };
  }

  /** A new secret, not in force until a code confirms it (enable). */
  async setPendingSecret(ref: AccountRef, secretEncrypted: string): Promise<void> {
    await this.db.query(`UPDATE ${TABLE[ref.kind]} SET totp_secret_encrypted = ?, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = ?`, [secretEncrypted, ref.id]);
  }

  /** Enables the factor and replaces the recovery codes, together. */
  async enable(ref: AccountRef, at: Date, step: number, codeHashes: string[]): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE ${TABLE[ref.kind]} SET totp_enabled_at = ?, totp_last_step = ? WHERE id = ?`, [sqlDate(at), step, ref.id]);
      await manager.query(`DELETE FROM recovery_codes WHERE ${OWNER[ref.kind]} = ?`, [ref.id]);
      for (const hash of codeHashes) await manager.query(`INSERT INTO recovery_codes (${OWNER[ref.kind]}, code_hash) VALUES (?, ?)`, [ref.id, hash]);
    });
  }

  async disable(ref: AccountRef): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE ${TABLE[ref.kind]} SET totp_secret_encrypted = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = ?`, [ref.id]);
      await manager.query(`DELETE FROM recovery_codes WHERE ${OWNER[ref.kind]} = ?`, [ref.id]);
    });
  }

  /** False when the step is not newer than the last one used: a code works once. */
  async claimStep(ref: AccountRef, step: number): Promise<boolean> {
    const changed = await this.update(`UPDATE ${TABLE[ref.kind]} SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)`, [step, ref.id, step]);
    return changed === 1;
  }

  /** Marks an unused recovery code used; false when there is none with this hash. */
  async consumeRecoveryCode(ref: AccountRef, codeHash: string, at: Date): Promise<boolean> {
    const changed = await this.update(`UPDATE recovery_codes SET used_at = ? WHERE ${OWNER[ref.kind]} = ? AND code_hash = ? AND used_at IS NULL`, [sqlDate(at), ref.id, codeHash]);
    return changed === 1;
  }

  async unusedRecoveryCodes(ref: AccountRef): Promise<number> {
    const [row]: { n: number | string }[] = await this.db.query(`SELECT COUNT(*) AS n FROM recovery_codes WHERE ${OWNER[ref.kind]} = ? AND used_at IS NULL`, [ref.id]);
    return Number(row.n);
  }

  /** The rows an UPDATE changed, as both drivers report it in a structured result. */
  private async update(sql: string, parameters: unknown[]): Promise<number> {
    const runner = this.db.createQueryRunner();
    try {
      return (await runner.query(sql, parameters, true)).affected ?? 0;
    } finally {
      await runner.release();
    }
  }

  async tenantRequires(tenantId: TenantId): Promise<boolean> {
    const [row]: { require_two_factor: number | boolean }[] = await this.db.query('SELECT require_two_factor FROM tenants WHERE id = ?', [tenantId]);
    return Boolean(Number(row?.require_two_factor ?? 0));
  }

  async setTenantRequires(tenantId: TenantId, required: boolean): Promise<void> {
    await this.db.query('UPDATE tenants SET require_two_factor = ? WHERE id = ?', [required ? 1 : 0, tenantId]);
  }
}

/** The stored form of a UTC datetime on both engines. */
function sqlDate(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
