import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { asTenantId, TenantId } from '../common/tenant-id';
import { TenantDomain } from './tenant-domain.entity';

/** The domains a tenant claims, and the one verified owner of each. */
@Injectable()
export class TenantDomainsRepository {
  constructor(@InjectRepository(TenantDomain) private readonly domains: Repository<TenantDomain>) {}

  list(tenantId: TenantId): Promise<TenantDomain[]> {
    return this.domains.find({ where: { tenantId }, order: { id: 'ASC' } });
  }

  count(tenantId: TenantId): Promise<number> {
    return this.domains.countBy({ tenantId });
  }

  find(tenantId: TenantId, domainId: number): Promise<TenantDomain | null> {
    return this.domains.findOneBy({ tenantId, id: domainId });
  }

  /** Across tenants, as a domain has one owner: the tenant that verified it, if any. */
  async verifiedOwner(domain: string, manager: EntityManager = this.domains.manager): Promise<TenantId | null> {
    const owner = await manager.findOneBy(TenantDomain, { verifiedDomain: domain });
    return owner ? asTenantId(owner.tenantId) : null;
  }

  /** A pending claim; `manager` joins the caller's transaction. */
  insertClaim(tenantId: TenantId, domain: string, verificationToken: string, manager: EntityManager = this.domains.manager): Promise<TenantDomain> {
    return manager.save(manager.create(TenantDomain, { tenantId, domain, verificationToken, verifiedDomain: null, verifiedAt: null }));
  }

  /** Fails with a unique violation when another tenant verified the domain first. */
  async markVerified(tenantId: TenantId, domainId: number, domain: string, at: Date): Promise<void> {
    await this.domains.update({ tenantId, id: domainId }, { verifiedDomain: domain, verifiedAt: at });
  }

  /** False when the tenant has no such domain. */
  async delete(tenantId: TenantId, domainId: number): Promise<boolean> {
    return Boolean((await this.domains.delete({ tenantId, id: domainId })).affected);
  }
}
