import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, LessThan, MoreThan, Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { LiveEvent } from './live-event.entity';

/** Reads of the live-update log by id, and its pruning. */
@Injectable()
export class EventsRepository {
  constructor(@InjectRepository(LiveEvent) private readonly events: Repository<LiveEvent>) {}

  /**
   * The one read across tenants: an instance's single reader fetches every new row and hands
   * each to the clients of that row's tenant only (EventsHub).
   */
  allTenantsAfter(afterId: number, limit: number): Promise<LiveEvent[]> {
    return this.events.find({ where: { id: MoreThan(afterId) }, order: { id: 'ASC' }, take: limit });
  }

  /** A resuming client's missed events: ids in (afterId, upToId]. */
  tenantBetween(tenantId: TenantId, afterId: number, upToId: number, limit: number): Promise<LiveEvent[]> {
    return this.events.find({ where: { tenantId, id: Between(afterId + 1, upToId) }, order: { id: 'ASC' }, take: limit });
  }

  async lastId(): Promise<number> {
    const row = await this.events.createQueryBuilder('e').select('MAX(e.id)', 'id').getRawOne<{ id: number | string | null }>();
    return Number(row?.id ?? 0);
  }

  async firstId(): Promise<number | null> {
    const row = await this.events.createQueryBuilder('e').select('MIN(e.id)', 'id').getRawOne<{ id: number | string | null }>();
    return row?.id == null ? null : Number(row.id);
  }

  async pruneBefore(cutoff: Date): Promise<number> {
    const result = await this.events.delete({ createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
