import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { asTenantId } from '../common/tenant-id';
import { TenantPrincipal, TenantRole } from './principal';
import { hashApiToken } from './token-secret';

/** How stale `last_used_at` may get: one write a minute per token, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface TokenRow {
  id: number;
  tenant_id: number;
  user_id: number | null;
  role: TenantRole;
  last_used_at: Date | string | null;
  tenant_status: string;
}

/** Who a tenant bearer token is: one query for the token and its tenant's status. */
@Injectable()
export class TokenAuthenticator {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async authenticate(token: string): Promise<TenantPrincipal | null> {
    const [row]: TokenRow[] = await this.dataSource.query(
      'SELECT k.id, k.tenant_id, k.user_id, k.role, k.last_used_at, t.status AS tenant_status FROM api_tokens k ' +
        'JOIN tenants t ON t.id = k.tenant_id WHERE k.token_hash = ? AND k.revoked_at IS NULL',
      [hashApiToken(token)],
    );
    if (!row) return null;
    if (row.tenant_status !== 'active') throw new DomainError('forbidden', 'This tenant is disabled');
    const principal: TenantPrincipal = { kind: 'tenant', tenantId: asTenantId(Number(row.tenant_id)), role: row.role, tokenId: Number(row.id), userId: row.user_id === null ? null : Number(row.user_id) };
    const now = Date.now();
    if (!row.last_used_at || now - lastUsedMs(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
      await this.dataSource.query('UPDATE api_tokens SET last_used_at = ? WHERE tenant_id = ? AND id = ?', [
        this.time(new Date(now)),
        principal.tenantId,
        principal.tokenId,
      ]);
    }
    return principal;
  }

  /** MySQL takes Date objects; better-sqlite3 binds only strings, in TypeORM's format. */
  private time(date: Date): Date | string {
    return this.dataSource.options.type === 'mysql' ? date : date.toISOString().replace('T', ' ').replace('Z', '');
  }
}

/** MySQL answers a Date (the connection runs in UTC); SQLite the stored text, in UTC. */
function lastUsedMs(value: Date | string): number {
  return value instanceof Date ? value.getTime() : Date.parse(`${value.replace(' ', 'T')}Z`);
}
