import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail';
import { DomainError } from '../common/domain-error';
import { asTenantId, TenantId } from '../common/tenant-id';
import { isUniqueViolation } from '../database/database-errors';
import { AppConfig } from '../config/app-config';
import { EmailSettingsRepository } from '../email-settings/email-settings.repository';
import { EmailSettingsService } from '../email-settings/email-settings.service';
import { refusedDomainReason } from '../mail/address-policy';
import { ownershipRecordName, ownershipRecordValue } from './dns-records';
import { slugify } from './slug';
import { CreateTenantDto, UpdateTenantDto } from './tenants.dto';
import { Tenant } from './tenant.entity';
import { TenantDomain } from './tenant-domain.entity';
import { TenantDomainsRepository } from './tenant-domains.repository';
import { TenantUsageRepository } from './tenant-usage.repository';
import { domainTaken, TenantsRepository } from './tenants.repository';
import { tierFeatures, tierLimits, TierFeatures, TierLimits, usagePercent, withinLimit } from './tiers';
import { UsersRepository } from './users.repository';

interface TenantView {
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
    private readonly tenants: TenantsRepository,
    private readonly domains: TenantDomainsRepository,
    private readonly usage: TenantUsageRepository,
    private readonly users: UsersRepository,
    private readonly settings: EmailSettingsRepository,
    private readonly emailSettings: EmailSettingsService,
    private readonly config: AppConfig,
    private readonly audit: AuditTrail,
  ) {}

  async create(dto: CreateTenantDto): Promise<TenantView> {
    const slug = dto.slug ?? slugify(dto.name);
    if (!slug) throw new DomainError('bad_request', 'slug: cannot derive a slug from this name; give one (lowercase letters, digits, hyphens)');
    const localPart = dto.inbound_email_local_part ?? `tenant-${slug}`;
    if (dto.domain) this.assertClaimable(dto.domain);
    try {
      const tenantId = await this.tenants.create({
        tenant: { name: dto.name, slug, tier: dto.tier ?? 'free' },
        settings: this.emailSettings.initialSettings(localPart),
        domain: dto.domain ? { name: dto.domain, verificationToken: newVerificationToken() } : null,
      });
      return this.get(tenantId);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', 'A tenant with this slug, domain or inbound address already exists');
      throw error;
    }
  }

  async list(page = 1, perPage = 50): Promise<{ data: TenantView[]; total: number; page: number; per_page: number }> {
    const { rows, total } = await this.tenants.page((page - 1) * perPage, perPage);
    return { data: await Promise.all(rows.map((t) => this.view(t))), total, page, per_page: perPage };
  }

  async get(tenantId: TenantId): Promise<TenantView> {
    return this.view(await this.load(tenantId));
  }

  /** 404 for a tenant that does not exist. */
  async load(tenantId: TenantId): Promise<Tenant> {
    const tenant = await this.tenants.find(tenantId);
    if (!tenant) throw DomainError.notFound('Tenant');
    return tenant;
  }

  async update(tenantId: TenantId, dto: UpdateTenantDto): Promise<TenantView> {
    const tenant = await this.load(tenantId);
    const changes: Partial<Pick<Tenant, 'name' | 'tier' | 'status'>> = {};
    if (dto.name !== undefined && dto.name !== tenant.name) changes.name = dto.name;
    if (dto.tier !== undefined && dto.tier !== tenant.tier) changes.tier = dto.tier;
    if (dto.status !== undefined && dto.status !== tenant.status) changes.status = dto.status;
    await this.tenants.update(tenantId, changes);
    this.audit.noteChanges({ name: tenant.name, tier: tenant.tier, status: tenant.status }, { name: tenant.name, tier: tenant.tier, status: tenant.status, ...changes });
    return this.get(tenantId);
  }

  /** Deletes the tenant and, through foreign-key cascades, every row that belongs to it. */
  async remove(tenantId: TenantId): Promise<void> {
    await this.load(tenantId);
    await this.tenants.delete(tenantId);
  }

  async listDomains(tenantId: TenantId): Promise<DomainView[]> {
    return (await this.domainClaims(tenantId)).map(toDomainView);
  }

  async domainClaims(tenantId: TenantId): Promise<TenantDomain[]> {
    await this.load(tenantId);
    return this.domains.list(tenantId);
  }

  /**
   * A claim, pending until the tenant proves ownership in DNS. Several tenants may claim a
   * domain (a squatter's claim must not block its owner); only one can verify it.
   */
  async addDomain(tenantId: TenantId, domain: string): Promise<DomainView> {
    this.assertClaimable(domain);
    const tenant = await this.load(tenantId);
    const current = await this.domains.count(tenantId);
    const limit = tierLimits(tenant.tier).max_domains;
    if (!withinLimit(current, limit)) {
      throw new DomainError('limit_exceeded', `The ${tenant.tier} tier allows ${limit} domain(s); this tenant has ${current}`, {
        limit: 'max_domains',
        max: limit,
        current,
      });
    }
    const owner = await this.domains.verifiedOwner(domain);
    if (owner !== null && owner !== tenantId) throw domainTaken(domain);
    try {
      return toDomainView(await this.domains.insertClaim(tenantId, domain, newVerificationToken()));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('conflict', `The domain ${domain} is already registered for this tenant`);
      throw error;
    }
  }

  /** Marks the claim verified; the unique verified_domain makes the first verifier the only owner. */
  async markDomainVerified(tenantId: TenantId, domainId: number): Promise<DomainView> {
    const claim = await this.domains.find(tenantId, domainId);
    if (!claim) throw DomainError.notFound('Domain');
    if (claim.verifiedDomain) return toDomainView(claim);
    try {
      await this.domains.markVerified(tenantId, domainId, claim.domain, new Date());
    } catch (error) {
      if (isUniqueViolation(error)) throw domainTaken(claim.domain);
      throw error;
    }
    return toDomainView((await this.domains.find(tenantId, domainId))!);
  }

  async domain(tenantId: TenantId, domainId: number): Promise<TenantDomain> {
    await this.load(tenantId);
    const claim = await this.domains.find(tenantId, domainId);
    if (!claim) throw DomainError.notFound('Domain');
    return claim;
  }

  private assertClaimable(domain: string): void {
    const refused = refusedDomainReason(domain, this.config.mailDomain);
    if (refused) throw new DomainError('unprocessable', `domain: ${refused}`);
  }

  async removeDomain(tenantId: TenantId, domainId: number): Promise<void> {
    await this.load(tenantId);
    if (!(await this.domains.delete(tenantId, domainId))) throw DomainError.notFound('Domain');
  }

  async usageReport(tenantId: TenantId) {
    const tenant = await this.load(tenantId);
    const limits = tierLimits(tenant.tier);
    const today = new Date().toISOString().slice(0, 10);
    const [users, domains, totals, todayRow] = await Promise.all([
      this.users.count(tenantId),
      this.domains.count(tenantId),
      this.usage.totals(tenantId),
      this.usage.onDay(tenantId, today),
    ]);
    const storageGb = totals.bytesStored / GB;
    const messagesToday = todayRow?.messagesIn ?? 0;
    return {
      tenant_id: tenant.id,
      tier: tenant.tier,
      usage: {
        users,
        domains,
        storage_bytes: totals.bytesStored,
        storage_gb: Math.round(storageGb * 1000) / 1000,
        messages_today: messagesToday,
        messages_in_total: totals.messagesIn,
        messages_out_total: totals.messagesOut,
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
    const tenantId = asTenantId(tenant.id);
    const [domains, settings] = await Promise.all([this.domains.list(tenantId), this.settings.find(tenantId)]);
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

function newVerificationToken(): string {
  return randomBytes(16).toString('hex');
}
