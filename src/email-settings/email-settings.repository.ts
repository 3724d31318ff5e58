import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { EmailSettings } from './email-settings.entity';
import { InboundAddress } from './inbound-address.entity';

export type NewEmailSettings = Omit<EmailSettings, 'id' | 'tenantId' | 'createdAt' | 'updatedAt'>;

/** A tenant's e-mail settings and the inbound addresses it holds. */
@Injectable()
export class EmailSettingsRepository {
  constructor(@InjectRepository(EmailSettings) private readonly settings: Repository<EmailSettings>) {}

  find(tenantId: TenantId): Promise<EmailSettings | null> {
    return this.settings.findOneBy({ tenantId });
  }

  /** Inside the tenant-creation transaction (TenantsRepository.create). */
  async insertForTenant(manager: EntityManager, tenantId: TenantId, fields: NewEmailSettings): Promise<void> {
    await claimInboundAddress(manager, tenantId, fields.inboundEmailAddress);
    await manager.insert(EmailSettings, { ...fields, tenantId });
  }

  /** Saves the changed row; a changed inbound address is claimed and the previous one kept, released. */
  save(tenantId: TenantId, row: EmailSettings, previousAddress: string): Promise<EmailSettings> {
    if (row.tenantId !== tenantId) throw new Error(`e-mail settings of tenant ${row.tenantId} saved for tenant ${tenantId}`);
    return this.settings.manager.transaction(async (manager) => {
      if (row.inboundEmailAddress !== previousAddress) {
        await claimInboundAddress(manager, tenantId, row.inboundEmailAddress);
        await manager.update(InboundAddress, { tenantId, address: previousAddress }, { releasedAt: new Date() });
      }
      return manager.save(row);
    });
  }
}

/**
 * Takes an address for the tenant, for good: one it had before is its own again; one any other
 * tenant has had, even a deleted one, is refused, so that replies to that tenant's old mail can
 * never reach this one.
 */
async function claimInboundAddress(manager: EntityManager, tenantId: TenantId, address: string): Promise<void> {
  const held = await manager.findOne(InboundAddress, { where: { address } });
  if (held && held.tenantId !== tenantId) {
    throw new DomainError('conflict', `The inbound address ${address} is already taken (an address once used by a tenant is never given to another)`);
  }
  if (held) await manager.update(InboundAddress, { tenantId, id: held.id }, { releasedAt: null });
  else await manager.insert(InboundAddress, { address, tenantId, releasedAt: null });
}
