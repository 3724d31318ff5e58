import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { asUtcDate } from '../common/sql-dates';
import { asTenantId, TenantId } from '../common/tenant-id';
import { ApiToken } from './api-token.entity';
import { TenantRole } from './principal';

interface ActiveToken {
  id: number;
  tenantId: TenantId;
  userId: number | null;
  role: TenantRole;
  lastUsedAt: Date | null;
  tenantStatus: string;
}

interface TokenRow {
  id: number;
  tenant_id: number;
  user_id: number | null;
  role: TenantRole;
  last_used_at: Date | string | null;
  tenant_status: string;
}

@Injectable()
export class ApiTokensRepository {
  constructor(@InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>) {}

  /** Across tenants by nature: the token is what tells the tenant. One query for the token and its tenant's status. */
  async findActiveByHash(tokenHash: string): Promise<ActiveToken | null> {
    const [row]: TokenRow[] = await this.tokens.query(
      'SELECT k.id, k.tenant_id, k.user_id, k.role, k.last_used_at, t.status AS tenant_status FROM api_tokens k ' +
        'JOIN tenants t ON t.id = k.tenant_id WHERE k.token_hash = ? AND k.revoked_at IS NULL',
      [tokenHash],
    );
    if (!row) return null;
    return {
      id: Number(row.id),
      tenantId: asTenantId(Number(row.tenant_id)),
      userId: row.user_id === null ? null : Number(row.user_id),
      role: row.role,
      lastUsedAt: row.last_used_at === null ? null : asUtcDate(row.last_used_at),
      tenantStatus: row.tenant_status,
    };
  }

  async touch(tenantId: TenantId, tokenId: number, at: Date): Promise<void> {
    await this.tokens.update({ tenantId, id: tokenId }, { lastUsedAt: at });
  }

  insert(tenantId: TenantId, fields: Pick<ApiToken, 'userId' | 'name' | 'role' | 'tokenHash' | 'tokenPrefix'>): Promise<ApiToken> {
    return this.tokens.save(this.tokens.create({ ...fields, tenantId }));
  }

  list(tenantId: TenantId): Promise<ApiToken[]> {
    return this.tokens.find({ where: { tenantId }, order: { id: 'ASC' } });
  }

  find(tenantId: TenantId, tokenId: number): Promise<ApiToken | null> {
    return this.tokens.findOneBy({ tenantId, id: tokenId });
  }

  async revoke(tenantId: TenantId, tokenId: number, at: Date): Promise<void> {
    await this.tokens.update({ tenantId, id: tokenId }, { revokedAt: at });
  }
}
