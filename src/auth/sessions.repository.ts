import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { asUtcDate } from '../common/sql-dates';
import { asTenantId, TenantId } from '../common/tenant-id';
import { TenantRole } from './principal';
import { Session } from './session.entity';

/** Whose sessions: a tenant user's or an operator's. */
export type SessionOwner = { userId: number } | { operatorId: number };

export interface ActiveSession {
  id: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  owner:
    | { kind: 'user'; userId: number; tenantId: TenantId; role: TenantRole; tenantStatus: string; twoFactorMissing: boolean }
    | { kind: 'operator'; operatorId: number };
}

interface SessionRow {
  id: number;
  user_id: number | null;
  operator_id: number | null;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
  tenant_id: number | null;
  role: TenantRole | null;
  tenant_status: string | null;
  totp_enabled_at: unknown;
  require_two_factor: number | boolean | null;
}

@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  /** Across tenants by nature: the cookie is what tells who and which tenant. */
  async findByHash(tokenHash: string): Promise<ActiveSession | null> {
    const [row]: SessionRow[] = await this.sessions.query(
      'SELECT s.id, s.user_id, s.operator_id, s.created_at, s.last_seen_at, s.expires_at, u.tenant_id, u.role, u.totp_enabled_at, t.status AS tenant_status, t.require_two_factor ' +
        'FROM sessions s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN tenants t ON t.id = u.tenant_id WHERE s.token_hash = ?',
      [tokenHash],
    );
    if (!row) return null;
    const owner: ActiveSession['owner'] =
      row.user_id !== null && row.tenant_id !== null
        ? {
            kind: 'user',
            userId: Number(row.user_id),
            tenantId: asTenantId(Number(row.tenant_id)),
            role: row.role!,
            tenantStatus: row.tenant_status ?? 'disabled',
            twoFactorMissing: Boolean(Number(row.require_two_factor)) && row.totp_enabled_at === null,
          }
        : { kind: 'operator', operatorId: Number(row.operator_id) };
    return {
      id: Number(row.id),
      createdAt: asUtcDate(row.created_at),
      lastSeenAt: asUtcDate(row.last_seen_at),
      expiresAt: asUtcDate(row.expires_at),
      owner,
    };
  }

  insert(fields: SessionOwner & Pick<Session, 'tokenHash' | 'ip' | 'userAgent' | 'lastSeenAt' | 'expiresAt'>): Promise<Session> {
    return this.sessions.save(this.sessions.create(fields));
  }

  async touch(sessionId: number, at: Date): Promise<void> {
    await this.sessions.update({ id: sessionId }, { lastSeenAt: at });
  }

  list(owner: SessionOwner): Promise<Session[]> {
    return this.sessions.find({ where: owner, order: { id: 'ASC' } });
  }

  /** False when the owner has no such session: another person's session is not found, not revoked. */
  async delete(owner: SessionOwner, sessionId: number): Promise<boolean> {
    return Boolean((await this.sessions.delete({ ...owner, id: sessionId })).affected);
  }

  async deleteAll(owner: SessionOwner): Promise<number> {
    return (await this.sessions.delete(owner)).affected ?? 0;
  }

  async deleteById(sessionId: number): Promise<void> {
    await this.sessions.delete({ id: sessionId });
  }

  async deleteExpired(now: Date, idleSince: Date): Promise<number> {
    const absolute = (await this.sessions.delete({ expiresAt: LessThan(now) })).affected ?? 0;
    const idle = (await this.sessions.delete({ lastSeenAt: LessThan(idleSince) })).affected ?? 0;
    return absolute + idle;
  }
}
