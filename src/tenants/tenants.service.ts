import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DomainError } from '../common/domain-error';
import { isUniqueViolation } from '../database/database-errors';
import { AppConfig } from '../config/app-config';
import { EmailSettingsService } from '../email-settings/email-settings.service';
import { refusedDomainReason } from '../mail/address-policy';
import { ownershipRecordName, ownershipRecordValue } from './dns-records';
import { slugify } from './slug';
import { CreateTenantDto, UpdateTenantDto } from './tenants.dto';
import { Tenant } from './tenant.entity';
import { TenantDomain } from './tenant-domain.entity';
import { TenantUsage } from './tenant-usage.entity';
import { tierFeatures, tierLimits, TierFeatures, TierLimits, usagePercent, withinLimit } from './tiers';
import { UsersService } from './users.service';

export interface TenantView {
  id: number;
  name: string;
  slug: string;
  tier: Tenant['tier'];
  status: Tenant['status'];
  inbound_email_address: string | null;
  domains: string[];
  limits: TierLimits;
  features: TierFeatures;
  created_at: Date;
  updated_at: Date;
}

export interface DomainView {
  id: number;
  tenant_id: number;
  domain: string;
  /** `pending` until the TXT record is verified; only `verified` domains route mail. */
  status: 'pending' | 'verified';
  verified_at: Date | null;
  /** The TXT record that proves ownership: publish it, then POST .../verify. */
  verification: { type: 'TXT'; name: string; value: string };
  created_at: Date;
}

const GB = 1024 ** 3;

@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectRepository(TenantDomain) private readonly domains: Repository<TenantDomain>,
    @InjectRepository(TenantUsage) private readonly usage: Repository<TenantUsage>,
    private readonly emailSettings: EmailSettingsService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  async create(dto: CreateTenantDto): Promise<TenantView> {
    const slug = dto.slug ?? slugify(dto.name);
    if (!slug) throw new DomainError('bad_request', 'slug: cannot derive a slug from this name; give one (lowercase letters, digits, hyphens)');
    const localPart = dto.inbound_email_local_part ?? `tenant-${slug}`;
    if (dto.domain) this.assertClaimable(dto.domain);
    try {
      const id = await this.dataSource.transaction(async (manager) => {
        if (await manager.findOneBy(Tenant, { slug })) throw new DomainError('conflict', `A tenant with slug "${slug}" already exists`);
        if (dto.domain) await assertNotVerifiedElsewhere(manager.getRepository(TenantDomain), dto.domain);
        const tenant = await manager.save(manager.create(Tenant, { name: dto.name, slug, tier: dto.tier ?? 'free', status: 'active', ticketCounter: 0 }));
        await this.emailSettings.createForTenant(manager, tenant.id, localPart);
        if (dto.domain) await manager.save(manager.create(TenantDomain, newClaim(tenant.id, dto.domain)));
        return tenant.id;
      });
      return this.get(id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'A tenant with this slug, domain or inbound address already exists');
      throw error;
    }
  }

  async list(page = 1, perPage = 50): Promise<{ data: TenantView[]; total: number; page: number; per_page: number }> {
    const [rows, total] = await this.tenants.findAndCount({ order: { id: 'ASC' }, skip: (page - 1) * perPage, take: perPage });
    return { data: await Promise.all(rows.map((t) => this.view(t))), total, page, per_page: perPage };
  }

  async get(id: number): Promise<TenantView> {
    return this.view(await this.load(id));
  }

  async load(id: number): Promise<Tenant> {
    const tenant = await this.tenants.findOneBy({ id });
    if (!tenant) throw DomainError.notFound('Tenant');
    return tenant;
  }

  async update(id: number, dto: UpdateTenantDto): Promise<TenantView> {
    const tenant = await this.load(id);
    if (dto.name !== undefined) tenant.name = dto.name;
    if (dto.tier !== undefined) tenant.tier = dto.tier;
    if (dto.status !== undefined) tenant.status = dto.status;
    await this.tenants.save(tenant);
    return this.view(tenant);
  }

  /** Deletes the tenant and, through foreign-key cascades, every row that belongs to it. */
  async remove(id: number): Promise<void> {
    await this.load(id);
    await this.tenants.delete({ id });
  }

  async listDomains(tenantId: number): Promise<DomainView[]> {
    return (await this.domainClaims(tenantId)).map(toDomainView);
  }

  async domainClaims(tenantId: number): Promise<TenantDomain[]> {
    await this.load(tenantId);
    return this.domains.find({ where: { tenantId }, order: { id: 'ASC' } });
  }

  /**
   * A claim, pending until the tenant proves ownership in DNS. Several tenants may claim a
   * domain (a squatter's claim must not block its owner); only one can verify it.
   */
  async addDomain(tenantId: number, domain: string): Promise<DomainView> {
    this.assertClaimable(domain);
    const tenant = await this.load(tenantId);
    const current = await this.domains.countBy({ tenantId });
    const limit = tierLimits(tenant.tier).max_domains;
    if (!withinLimit(current, limit)) {
      throw new DomainError('limit_exceeded', `The ${tenant.tier} tier allows ${limit} domain(s); this tenant has ${current}`, {
        limit: 'max_domains',
        max: limit,
        current,
      });
    }
    await assertNotVerifiedElsewhere(this.domains, domain, tenantId);
    try {
      return toDomainView(await this.domains.save(this.domains.create(newClaim(tenantId, domain))));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', `The domain ${domain} is already registered for this tenant`);
      throw error;
    }
  }

  /** Marks the claim verified; the unique verified_domain makes the first verifier the only owner. */
  async markDomainVerified(tenantId: number, domainId: number): Promise<DomainView> {
    const claim = await this.domains.findOneBy({ tenantId, id: domainId });
    if (!claim) throw DomainError.notFound('Domain');
    if (claim.verifiedDomain) return toDomainView(claim);
    try {
      await this.domains.update({ tenantId, id: domainId }, { verifiedDomain: claim.domain, verifiedAt: new Date() });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', `The domain ${claim.domain} is already verified by another tenant`);
      throw error;
    }
    return toDomainView((await this.domains.findOneBy({ tenantId, id: domainId }))!);
  }

  async domain(tenantId: number, domainId: number): Promise<TenantDomain> {
    await this.load(tenantId);
    const claim = await this.domains.findOneBy({ tenantId, id: domainId });
    if (!claim) throw DomainError.notFound('Domain');
    return claim;
  }

  private assertClaimable(domain: string): void {
    const refused = refusedDomainReason(domain, this.config.mailDomain);
    if (refused) throw new DomainError('unprocessable', `domain: ${refused}`);
  }

  async removeDomain(tenantId: number, domainId: number): Promise<void> {
    await this.load(tenantId);
    const result = await this.domains.delete({ tenantId, id: domainId });
    if (!result.affected) throw DomainError.notFound('Domain');
  }

  async usageReport(tenantId: number) {
    const tenant = await this.load(tenantId);
    const limits = tierLimits(tenant.tier);
    const today = new Date().toISOString().slice(0, 10);
    const [users, domains, totals, todayRow] = await Promise.all([
      this.users.countActive(tenantId),
      this.domains.countBy({ tenantId }),
      this.usage
        .createQueryBuilder('u')
        .select('COALESCE(SUM(u.bytes_stored), 0)', 'bytes')
        .addSelect('COALESCE(SUM(u.messages_in), 0)', 'messagesIn')
        .addSelect('COALESCE(SUM(u.messages_out), 0)', 'messagesOut')
        .where('u.tenant_id = :tenantId', { tenantId })
        .getRawOne<{ bytes: string | number; messagesIn: string | number; messagesOut: string | number }>(),
      this.usage.findOneBy({ tenantId, day: today }),
    ]);
    const storageBytes = Number(totals?.bytes ?? 0);
    const storageGb = storageBytes / GB;
    const messagesToday = todayRow?.messagesIn ?? 0;
    return {
      tenant_id: tenant.id,
      tier: tenant.tier,
      usage: {
        users,
        domains,
        storage_bytes: storageBytes,
        storage_gb: Math.round(storageGb * 1000) / 1000,
        messages_today: messagesToday,
        messages_in_total: Number(totals?.messagesIn ?? 0),
        messages_out_total: Number(totals?.messagesOut ?? 0),
      },
      limits,
      percentages: {
        users: usagePercent(users, limits.max_users),
        domains: usagePercent(domains, limits.max_domains),
        storage: usagePercent(storageGb, limits.max_storage_gb),
        messages_today: usagePercent(messagesToday, limits.max_messages_per_day),
      },
      features: tierFeatures(tenant.tier),
    };
  }

  private async view(tenant: Tenant): Promise<TenantView> {
    const [domains, settings] = await Promise.all([
      this.domains.find({ where: { tenantId: tenant.id }, order: { id: 'ASC' } }),
      this.emailSettings.raw(tenant.id).catch(() => null),
    ]);
    return {
      id: tenant.id,
      name: tenant.name,
      slug: tenant.slug,
      tier: tenant.tier,
      status: tenant.status,
      inbound_email_address: settings?.inboundEmailAddress ?? null,
      domains: domains.map((d) => d.domain),
      limits: tierLimits(tenant.tier),
      features: tierFeatures(tenant.tier),
      created_at: tenant.createdAt,
      updated_at: tenant.updatedAt,
    };
  }
}

export function toDomainView(d: TenantDomain): DomainView {
  return {
    id: d.id,
    tenant_id: d.tenantId,
    domain: d.domain,
    status: d.verifiedDomain ? 'verified' : 'pending',
    verified_at: d.verifiedDomain ? d.verifiedAt : null,
    verification: { type: 'TXT', name: ownershipRecordName(d.domain), value: ownershipRecordValue(d.verificationToken ?? '') },
    created_at: d.createdAt,
  };
}

function newClaim(tenantId: number, domain: string): Partial<TenantDomain> {
  return { tenantId, domain, verificationToken: randomBytes(16).toString('hex'), verifiedDomain: null, verifiedAt: null };
}

async function assertNotVerifiedElsewhere(domains: Repository<TenantDomain>, domain: string, tenantId?: number): Promise<void> {
  const owner = await domains.findOneBy({ verifiedDomain: domain });
  if (owner && owner.tenantId !== tenantId) {
    throw new DomainError('conflict', `The domain ${domain} is already verified by another tenant`);
  }
}
