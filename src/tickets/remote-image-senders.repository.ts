import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { TenantId } from '../common/tenant-id';
import { RemoteImageSender } from './remote-image-sender.entity';

/** The senders a tenant loads remote images of; every query within one tenant. */
@Injectable()
export class RemoteImageSendersRepository {
  constructor(@InjectRepository(RemoteImageSender) private readonly senders: Repository<RemoteImageSender>) {}

  list(tenantId: TenantId): Promise<RemoteImageSender[]> {
    return this.senders.find({ where: { tenantId }, order: { address: 'ASC' } });
  }

  /** Which of these (lower-case) addresses are on the tenant's list. */
  async listed(tenantId: TenantId, addresses: string[]): Promise<Set<string>> {
    if (addresses.length === 0) return new Set();
    const rows = await this.senders.find({ where: { tenantId, address: In(addresses) }, select: { address: true } });
    return new Set(rows.map((r) => r.address));
  }

  find(tenantId: TenantId, address: string): Promise<RemoteImageSender | null> {
    return this.senders.findOneBy({ tenantId, address });
  }

  /** Adds the address unless it is listed already (the unique key settles a race). */
  async add(tenantId: TenantId, address: string): Promise<RemoteImageSender> {
    await this.senders.createQueryBuilder().insert().values({ tenantId, address }).orIgnore().updateEntity(false).execute();
    return (await this.find(tenantId, address))!;
  }

  /** Whether a row was removed. */
  async remove(tenantId: TenantId, address: string): Promise<boolean> {
    const result = await this.senders.delete({ tenantId, address });
    return (result.affected ?? 0) > 0;
  }
}
