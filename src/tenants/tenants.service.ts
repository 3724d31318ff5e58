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
import { TenantBlobs } from '../retention/tenant-blobs';
import { ownershipRecordName, ownershipRecordValue } from './dns-records';
import { slugify } from './slug';
import { CreateTenantDto, UpdateTenantDto } from './tenants.dto';
import { limitOverrides, Tenant } from './tenant.entity';
import { TenantDomain } from './tenant-domain.entity';
import { TenantDomainsRepository } from './tenant-domains.repository';
import { TenantUsageReport } from './tenant-usage-report';
import { domainTaken, TenantsRepository } from './tenants.repository';
import { LIMIT_NAMES, LimitOverrides, tierFeatures, tierLimits, TierFeatures, TierLimits, withinLimit } from './tiers';
import { UsersRepository } from './users.repository';

/** The guide's tenant (`enabled`, `domain`, the effective `max_*`, `features`) with our fields beside it. */
interface TenantView extends TierLimits {
  id: number;
  name: string;
  slug: string;
  tier: Tenant['tier'];
  status: Tenant['status'];
  enabled: boolean;
  /** The tenant's first own domain, as in the guide; `domains` lists all. */
  domain: string | null;
  inbound_email_address: string | null;
  domains: string[];
  limits: TierLimits;
  /** The tenant's own values of the limits; null where the tier's apply. */
  overrides: LimitOverrides;
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

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly domains: TenantDomainsRepository,
    private readonly usageReports: TenantUsageReport,
    private readonly users: UsersRepository,
    private readonly settings: EmailSettingsRepository,
    private readonly emailSettings: EmailSettingsService,
    private readonly config: AppConfig,
    private readonly blobs: TenantBlobs,
    private readonly audit: AuditTrail,
  ) {}

  async create(dto: CreateTenantDto): Promise<TenantView> {
    const slug = dto.slug ?? slugify(dto.name);
    if (!slug) throw new DomainError('bad_request', 'slug: cannot derive a slug from this name; give one (lowercase letters, digits, hyphens)');
    const localPart = dto.inbound_email_local_part ?? `tenant-${slug}`;
    if (dto.domain) this.assertClaimable(dto.domain);
    if (dto.domain && !tierFeatures(dto.tier ?? 'free').custom_domains) throw customDomainsNotInTier(dto.tier ?? 'free');
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

  /** `tenants` as in the guide; `data` (the same list) and the paging fields as before. */
  async list(page = 1, perPage = 50): Promise<{ tenants: TenantView[]; data: TenantView[]; total: number; page: number; per_page: number }> {
    const { rows, total } = await this.tenants.page((page - 1) * perPage, perPage);
    const views = await Promise.all(rows.map((t) => this.view(t)));
    return { tenants: views, data: views, total, page, per_page: perPage };
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

  /** `enabled` is `status` as a boolean; a `max_*` overrides the tier's limit (null: back to the tier's, -1: unlimited). */
  async update(tenantId: TenantId, dto: UpdateTenantDto): Promise<TenantView> {
    const tenant = await this.load(tenantId);
    if (dto.enabled !== undefined && dto.status !== undefined && dto.enabled !== (dto.status === 'active')) {
      throw new DomainError('bad_request', 'enabled and status disagree; send one of them');
    }
    const changes: TenantChanges = {};
    if (dto.name !== undefined && dto.name !== tenant.name) changes.name = dto.name;
    if (dto.tier !== undefined && dto.tier !== tenant.tier) changes.tier = dto.tier;
    const status = dto.enabled !== undefined ? (dto.enabled ? 'active' : 'disabled') : dto.status;
    if (status !== undefined && status !== tenant.status) changes.status = status;
    for (const name of LIMIT_NAMES) {
      if (dto[name] !== undefined) changes[OVERRIDE_COLUMNS[name]] = dto[name];
    }
    await this.tenants.update(tenantId, changes);
    this.audit.noteChanges({ name: tenant.name, tier: tenant.tier, status: tenant.status }, { name: tenant.name, tier: tenant.tier, status: tenant.status, ...changes });
    return this.get(tenantId);
  }

  /** Deletes the tenant and, through foreign-key cascades, every row that belongs to it; its blobs go too (see TenantBlobs). */
  async remove(tenantId: TenantId): Promise<void> {
    await this.load(tenantId);
    const rawPlaces = await this.blobs.rawPlacesOf(tenantId);
    await this.tenants.delete(tenantId);
    await this.blobs.eraseUnused(rawPlaces);
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
    if (!tierFeatures(tenant.tier).custom_domains) throw customDomainsNotInTier(tenant.tier);
    const limit = tierLimits(tenant.tier, limitOverrides(tenant)).max_domains;
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
    return this.usageReports.report(await this.load(tenantId));
  }

  private async view(tenant: Tenant): Promise<TenantView> {
    const tenantId = asTenantId(tenant.id);
    const [domains, settings] = await Promise.all([this.domains.list(tenantId), this.settings.find(tenantId)]);
    const limits = tierLimits(tenant.tier, limitOverrides(tenant));
    return {
      id: tenant.id,
      name: tenant.name,
      slug: tenant.slug,
      tier: tenant.tier,
      status: tenant.status,
      enabled: tenant.status === 'active',
      domain: domains[0]?.domain ?? null,
      inbound_email_address: settings?.inboundEmailAddress ?? null,
      domains: domains.map((d) => d.domain),
      ...limits,
      limits,
      overrides: limitOverrides(tenant),
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

type TenantChanges = Partial<Pick<Tenant, 'name' | 'tier' | 'status' | 'maxUsers' | 'maxDomains' | 'maxStorageMb' | 'maxMessagesPerDay'>>;

const OVERRIDE_COLUMNS = { max_users: 'maxUsers', max_domains: 'maxDomains', max_storage_mb: 'maxStorageMb', max_messages_per_day: 'maxMessagesPerDay' } as const;

function customDomainsNotInTier(tier: string): DomainError {
  return new DomainError('forbidden', `The ${tier} tier does not include custom_domains (professional and enterprise do)`);
}

function newVerificationToken(): string {
  return randomBytes(16).toString('hex');
}
