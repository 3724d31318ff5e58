import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { TenantUsage } from './tenant-usage.entity';

/** What one tenant's day gains; absent counters gain nothing. */
export interface UsageIncrement {
  tenantId: TenantId;
  /** UTC, YYYY-MM-DD. */
  day: string;
  messagesIn?: number;
  messagesOut?: number;
  bytesStored?: number;
}

const COLUMNS = '(tenant_id, day, messages_in, messages_out, bytes_stored)';
const ADD_MYSQL =
  'ON DUPLICATE KEY UPDATE messages_in = messages_in + VALUES(messages_in), messages_out = messages_out + VALUES(messages_out), bytes_stored = bytes_stored + VALUES(bytes_stored)';
const ADD_SQLITE =
  'ON CONFLICT (tenant_id, day) DO UPDATE SET messages_in = messages_in + excluded.messages_in, messages_out = messages_out + excluded.messages_out, bytes_stored = bytes_stored + excluded.bytes_stored';

/** The per-tenant, per-day counters the tier limits are checked against. */
@Injectable()
export class TenantUsageRepository {
  constructor(@InjectRepository(TenantUsage) private readonly usage: Repository<TenantUsage>) {}

  /** Adds to the counters inside the caller's transaction (see addTenantUsage). */
  add(manager: EntityManager, increments: UsageIncrement[]): Promise<void> {
    return addTenantUsage(manager, increments);
  }

  async totals(tenantId: TenantId): Promise<{ bytesStored: number; messagesIn: number; messagesOut: number }> {
    const row = await this.usage
      .createQueryBuilder('u')
      .select('COALESCE(SUM(u.bytes_stored), 0)', 'bytes')
      .addSelect('COALESCE(SUM(u.messages_in), 0)', 'messagesIn')
      .addSelect('COALESCE(SUM(u.messages_out), 0)', 'messagesOut')
      .where('u.tenant_id = :tenantId', { tenantId })
      .getRawOne<{ bytes: string | number; messagesIn: string | number; messagesOut: string | number }>();
    return { bytesStored: Number(row?.bytes ?? 0), messagesIn: Number(row?.messagesIn ?? 0), messagesOut: Number(row?.messagesOut ?? 0) };
  }

  onDay(tenantId: TenantId, day: string): Promise<TenantUsage | null> {
    return this.usage.findOneBy({ tenantId, day });
  }
}

/**
 * The one upsert of tenant_usage: one statement for any number of rows, inside the caller's
 * transaction. A plain function too, for the ingest group commit, which writes through its own
 * EntityManager without a Nest-injected repository.
 */
export async function addTenantUsage(manager: EntityManager, increments: UsageIncrement[]): Promise<void> {
  if (increments.length === 0) return;
  const mysql = manager.connection.options.type === 'mysql';
  const values = increments.map(() => '(?, ?, ?, ?, ?)').join(', ');
  await manager.query(
    `INSERT INTO tenant_usage ${COLUMNS} VALUES ${values} ${mysql ? ADD_MYSQL : ADD_SQLITE}`,
    increments.flatMap((i) => [i.tenantId, i.day, i.messagesIn ?? 0, i.messagesOut ?? 0, i.bytesStored ?? 0]),
  );
}
