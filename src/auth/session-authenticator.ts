import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { Principal } from './principal';
import { SessionsRepository } from './sessions.repository';
import { hashApiToken } from './token-secret';

/** How stale `last_seen_at` may get: one write a minute per session, not one per request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Who a session cookie is; null when the session is unknown, idle too long or past its absolute end. */
@Injectable()
export class SessionAuthenticator {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
  ) {}

  async authenticate(secret: string): Promise<Principal | null> {
    const session = await this.sessions.findByHash(hashApiToken(secret));
    if (!session) return null;
    const now = new Date();
    if (isExpired(session, now, this.config.accounts.sessionIdleMs)) {
      await this.sessions.deleteById(session.id);
      return null;
    }
    if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) await this.sessions.touch(session.id, now);
    const { owner } = session;
    if (owner.kind === 'operator') return { kind: 'platform_admin', operatorId: owner.operatorId, sessionId: session.id };
    if (owner.tenantStatus !== 'active') throw new DomainError('forbidden', 'This tenant is disabled');
    const principal: Principal = { kind: 'tenant', tenantId: owner.tenantId, role: owner.role, tokenId: null, userId: owner.userId, sessionId: session.id };
    return owner.twoFactorMissing ? { ...principal, twoFactorSetupRequired: true } : principal;
  }
}

export function isExpired(session: { lastSeenAt: Date; expiresAt: Date }, now: Date, idleMs: number): boolean {
  return session.expiresAt.getTime() <= now.getTime() || now.getTime() - session.lastSeenAt.getTime() > idleMs;
}
