import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, FindOptionsWhere, LessThan, Like, Repository } from 'typeorm';
import { Actor } from './audit-policy';
import { AuditEntry } from './audit-entry.entity';

export interface AuditFilter {
  /** null: every tenant (operators only); a number: that tenant's entries. */
  tenantId: number | null;
  /** An exact action, or a prefix ending in "." (e.g. "user."). */
  action?: string;
  actorKind?: Actor['kind'];
  actorId?: number;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  async insert(entry: Omit<AuditEntry, 'id' | 'createdAt'>): Promise<void> {
    await this.entries.insert(entry);
  }

  /** The actor's name now, kept with the entry. */
  async actorName(actor: Actor): Promise<string | null> {
    const table = { operator: 'operators', user: 'users', token: 'api_tokens' } as const;
    if (actor.id === null || !(actor.kind in table)) return actor.kind === 'bootstrap' ? 'ADMIN_API_TOKEN' : null;
    const [row]: { name: string }[] = await this.entries.query(`SELECT name FROM ${table[actor.kind as keyof typeof table]} WHERE id = ?`, [actor.id]);
    return row?.name ?? null;
  }

  /** Newest first. */
  page(filter: AuditFilter, offset: number, limit: number): Promise<[AuditEntry[], number]> {
    return this.entries.findAndCount({ where: whereOf(filter), order: { id: 'DESC' }, skip: offset, take: limit });
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.entries.delete({ createdAt: LessThan(cutoff) })).affected ?? 0;
  }
}

function whereOf(filter: AuditFilter): FindOptionsWhere<AuditEntry> {
  const where: FindOptionsWhere<AuditEntry> = {};
  if (filter.tenantId !== null) where.tenantId = filter.tenantId;
  if (filter.action) where.action = filter.action.endsWith('.') ? Like(`${filter.action.replace(/[%_]/g, '')}%`) : filter.action;
  if (filter.actorKind) where.actorKind = filter.actorKind;
  if (filter.actorId !== undefined) where.actorId = filter.actorId;
  if (filter.targetType) where.targetType = filter.targetType;
  if (filter.targetId) where.targetId = filter.targetId;
  if (filter.from || filter.to) where.createdAt = Between(filter.from ?? new Date(0), filter.to ?? new Date(8.64e15));
  return where;
}
