import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { ApiToken } from '../auth/api-token.entity';
import { ApiTokensRepository } from '../auth/api-tokens.repository';
import { TenantRole } from '../auth/principal';
import { generateApiToken } from '../auth/token-secret';
import { UsersService } from './users.service';

interface TokenView {
  id: number;
  tenant_id: number;
  user_id: number | null;
  name: string;
  role: TenantRole;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly users: UsersService,
  ) {}

  /**
   * A token belongs to a user. Without user_id a new user of that role is created
   * (and counts against the tier's max_users); with it, the user gets another token.
   */
  async create(
    tenantId: TenantId,
    input: { role: TenantRole; name: string; user_id?: number; email?: string },
  ): Promise<{ token: string } & TokenView> {
    const user = input.user_id
      ? await this.users.get(tenantId, input.user_id)
      : await this.users.create(tenantId, { name: input.name, role: input.role, email: input.email ?? null });
    if (user.role !== input.role) {
      throw new DomainError('bad_request', `role must match the user's role (${user.role})`);
    }
    const secret = generateApiToken();
    const row = await this.tokens.insert(tenantId, { userId: user.id, name: input.name, role: input.role, tokenHash: secret.hash, tokenPrefix: secret.displayPrefix });
    return { token: secret.token, ...toTokenView(row) };
  }

  async list(tenantId: TenantId): Promise<TokenView[]> {
    return (await this.tokens.list(tenantId)).map(toTokenView);
  }

  async revoke(tenantId: TenantId, tokenId: number): Promise<TokenView> {
    const row = await this.tokens.find(tenantId, tokenId);
    if (!row) throw DomainError.notFound('Token');
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await this.tokens.revoke(tenantId, tokenId, row.revokedAt);
    }
    return toTokenView(row);
  }
}

function toTokenView(row: ApiToken): TokenView {
  return {
    id: row.id,
    tenant_id: row.tenantId,
    user_id: row.userId,
    name: row.name,
    role: row.role,
    prefix: row.tokenPrefix,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    revoked_at: row.revokedAt,
  };
}
