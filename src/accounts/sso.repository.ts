import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { asTenantId, TenantId } from '../common/tenant-id';

export interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecretEncrypted: string;
  enabled: boolean;
}

/** A tenant's OpenID provider, the identities users signed in with, and which tenant owns a verified domain. */
@Injectable()
export class SsoRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(tenantId: TenantId): Promise<SsoSettings | null> {
    const [row]: { issuer: string; client_id: string; client_secret_encrypted: string; enabled: number | boolean }[] = await this.db.query(
      'SELECT issuer, client_id, client_secret_encrypted, enabled FROM tenant_sso WHERE tenant_id = ?',
      [tenantId],
    );
    return row ? { issuer: row.issuer, clientId: row.client_id, clientSecretEncrypted: row.client_secret_encrypted, enabled: Boolean(Number(row.enabled)) } : null;
  }

  async save(tenantId: TenantId, settings: SsoSettings): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.query('DELETE FROM tenant_sso WHERE tenant_id = ?', [tenantId]);
      await manager.query('INSERT INTO tenant_sso (tenant_id, issuer, client_id, client_secret_encrypted, enabled) VALUES (?, ?, ?, ?, ?)', [
        tenantId,
        settings.issuer,
        settings.clientId,
        settings.clientSecretEncrypted,
        settings.enabled ? 1 : 0,
      ]);
    });
  }

  async delete(tenantId: TenantId): Promise<void> {
    await this.db.query('DELETE FROM tenant_sso WHERE tenant_id = ?', [tenantId]);
  }

  /** Across tenants by nature: the domain of an address says which tenant's provider signs it in. */
  async verifiedDomainOwner(domain: string): Promise<TenantId | null> {
    const [row]: { tenant_id: number }[] = await this.db.query('SELECT tenant_id FROM tenant_domains WHERE verified_domain = ?', [domain]);
    return row ? asTenantId(Number(row.tenant_id)) : null;
  }

  async userByIdentity(tenantId: TenantId, issuer: string, subject: string): Promise<number | null> {
    const [row]: { id: number }[] = await this.db.query('SELECT id FROM users WHERE tenant_id = ? AND sso_issuer = ? AND sso_subject = ?', [tenantId, issuer, subject]);
    return row ? Number(row.id) : null;
  }

  async userByEmail(tenantId: TenantId, email: string): Promise<number | null> {
    const [row]: { id: number }[] = await this.db.query('SELECT id FROM users WHERE tenant_id = ? AND sign_in_email = ?', [tenantId, email]);
    return row ? Number(row.id) : null;
  }

  async linkIdentity(tenantId: TenantId, userId: number, issuer: string, subject: string): Promise<void> {
    await this.db.query('UPDATE users SET sso_issuer = ?, sso_subject = ? WHERE tenant_id = ? AND id = ?', [issuer, subject, tenantId, userId]);
  }
}
