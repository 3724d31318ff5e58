import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { asTenantId, TenantId } from '../common/tenant-id';
import { EmailSettingsRepository, NewEmailSettings } from '../email-settings/email-settings.repository';
import { Tenant } from './tenant.entity';
import { TenantDomainsRepository } from './tenant-domains.repository';
import { Tier } from './tiers';

export interface LimitStanding {
  tenant: Pick<Tenant, 'id' | 'tier' | 'maxUsers' | 'maxDomains' | 'maxStorageMb' | 'maxMessagesPerDay'>;
  users: number;
  domains: number;
  bytesStored: number;
  messagesToday: number;
}

interface NewTenant {
  tenant: Pick<Tenant, 'name' | 'slug' | 'tier'>;
  settings: NewEmailSettings;
  domain: { name: string; verificationToken: string } | null;
}

@Injectable()
export class TenantsRepository {
  constructor(
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    private readonly settings: EmailSettingsRepository,
    private readonly domains: TenantDomainsRepository,
  ) {}

  /** The tenant, its settings and inbound address, and its first domain claim, in one transaction; 409 when any is taken. */
  create(input: NewTenant): Promise<TenantId> {
    return this.tenants.manager.transaction(async (manager) => {
      if (await manager.findOneBy(Tenant, { slug: input.tenant.slug })) throw new DomainError('conflict', `A tenant with slug "${input.tenant.slug}" already exists`);
      if (input.domain && (await this.domains.verifiedOwner(input.domain.name, manager)) !== null) throw domainTaken(input.domain.name);
      const row = await manager.save(manager.create(Tenant, { ...input.tenant, status: 'active', ticketCounter: 0 }));
      const tenantId = asTenantId(row.id);
      await this.settings.insertForTenant(manager, tenantId, input.settings);
      if (input.domain) await this.domains.insertClaim(tenantId, input.domain.name, input.domain.verificationToken, manager);
      return tenantId;
    });
  }

  /** Across tenants: the platform admin's list. */
  async page(skip: number, take: number): Promise<{ rows: Tenant[]; total: number }> {
    const [rows, total] = await this.tenants.findAndCount({ order: { id: 'ASC' }, skip, take });
    return { rows, total };
  }

  find(tenantId: TenantId): Promise<Tenant | null> {
    return this.tenants.findOneBy({ id: tenantId });
  }

  async update(tenantId: TenantId, changes: Partial<Pick<Tenant, 'name' | 'tier' | 'status' | 'maxUsers' | 'maxDomains' | 'maxStorageMb' | 'maxMessagesPerDay'>>): Promise<void> {
    if (Object.keys(changes).length > 0) await this.tenants.update({ id: tenantId }, changes);
  }

  /** Each active tenant's limits and what it uses of them (today's messages, all stored bytes): one pass for the metrics. */
  async limitStanding(day: string): Promise<LimitStanding[]> {
    const rows: Record<string, string | number | null>[] = await this.tenants.query(
      'SELECT t.id, t.tier, t.max_users, t.max_domains, t.max_storage_mb, t.max_messages_per_day, ' +
        '(SELECT COUNT(*) FROM users u WHERE u.tenant_id = t.id) AS users, ' +
        '(SELECT COUNT(*) FROM tenant_domains d WHERE d.tenant_id = t.id) AS domains, ' +
        '(SELECT COALESCE(SUM(s.bytes_stored), 0) FROM tenant_usage s WHERE s.tenant_id = t.id) AS bytes_stored, ' +
        '(SELECT COALESCE(SUM(s.messages_in), 0) FROM tenant_usage s WHERE s.tenant_id = t.id AND s.day = ?) AS messages_today ' +
        "FROM tenants t WHERE t.status = 'active'",
      [day],
    );
    const orNull = (v: string | number | null) => (v === null ? null : Number(v));
    return rows.map((r) => ({
      tenant: { id: Number(r.id), tier: r.tier as Tier, maxUsers: orNull(r.max_users), maxDomains: orNull(r.max_domains), maxStorageMb: orNull(r.max_storage_mb), maxMessagesPerDay: orNull(r.max_messages_per_day) },
      users: Number(r.users),
      domains: Number(r.domains),
      bytesStored: Number(r.bytes_stored),
      messagesToday: Number(r.messages_today),
    }));
  }

  /** Deletes the tenant and, through foreign-key cascades, every row that belongs to it. */
  async delete(tenantId: TenantId): Promise<void> {
    await this.tenants.delete({ id: tenantId });
  }
}

export function domainTaken(domain: string): DomainError {
  return new DomainError('conflict', `The domain ${domain} is already verified by another tenant`);
}
