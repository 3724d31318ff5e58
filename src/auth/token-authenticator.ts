import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { ApiTokensRepository } from './api-tokens.repository';
import { TenantPrincipal } from './principal';
import { hashApiToken } from './token-secret';

/** How stale `last_used_at` may get: one write a minute per token, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Who a tenant bearer token is. */
@Injectable()
export class TokenAuthenticator {
  constructor(private readonly tokens: ApiTokensRepository) {}

  async authenticate(token: string): Promise<TenantPrincipal | null> {
    const row = await this.tokens.findActiveByHash(hashApiToken(token));
    if (!row) return null;
    if (row.tenantStatus !== 'active') throw new DomainError('forbidden', 'This tenant is disabled');
    const principal: TenantPrincipal = { kind: 'tenant', tenantId: row.tenantId, role: row.role, tokenId: row.id, userId: row.userId, sessionId: null };
    const now = new Date();
    // The one write any request may make, a GET's included: when the token was last used.
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) await this.tokens.touch(row.tenantId, row.id, now);
    return principal;
  }
}
