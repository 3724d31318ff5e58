import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RequestBatcher } from '../common/request-batcher';
import { Tier } from '../tenants/tiers';
import { TenantStatus } from '../tenants/tenant.entity';
import { marks, retryAlone } from '../database/batch-sql';
import { asTenantId, TenantId } from '../common/tenant-id';

/** A tenant a message is addressed to, with what the pipeline needs to know of it. */
export interface TenantRoute {
  tenantId: TenantId;
  tier: Tier;
  status: TenantStatus;
  /** The tenant's current inbound address. */
  inboundAddress: string;
  autoAcknowledge: boolean;
  /** The tenant's own daily and storage limits, when it overrides its tier's. */
  overrides?: { maxMessagesPerDay: number | null; maxStorageMb: number | null };
}

/** A route found by one of the tenant's inbound addresses, the current one or an earlier one. */
export interface AddressRoute extends TenantRoute {
  address: string;
}

/** Which tenants a message's recipients name: by inbound address, or by a tenant's verified domain. */
@Injectable()
export class IngestRoutesRepository {
  private readonly routeLookups: RequestBatcher<string[], AddressRoute[]>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    // Sized by bound values, far below both engines' limits.
    this.routeLookups = new RequestBatcher((requests) => this.lookUpRoutes(requests), { maxItems: 64, maxBytes: 2000, sizeOf: (a) => a.length, retryAlone });
  }

  /**
   * Routes of those of the addresses that are inbound addresses, current or earlier ones of a
   * tenant (an address is never given to another tenant); concurrent calls share one query.
   */
  routesByInboundAddresses(addresses: string[]): Promise<AddressRoute[]> {
    return addresses.length === 0 ? Promise.resolve([]) : this.routeLookups.submit(addresses);
  }

  private async lookUpRoutes(requests: string[][]): Promise<AddressRoute[][]> {
    const addresses = [...new Set(requests.flat())];
    const rows: (RouteRow & { address: string })[] = await this.dataSource.query(
      'SELECT a.address, a.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status, t.max_messages_per_day, t.max_storage_mb FROM inbound_addresses a ' +
        'JOIN tenants t ON t.id = a.tenant_id JOIN email_settings s ON s.tenant_id = a.tenant_id ' +
        `WHERE a.address IN (${marks(addresses.length)})`,
      addresses,
    );
    const routes = new Map(rows.map((r) => [r.address, { ...toRoute(r), address: r.address }]));
    return requests.map((wanted) => wanted.flatMap((address) => routes.get(address) ?? []));
  }

  /** Routes by tenants' own domains: only a domain whose ownership its tenant proved routes. */
  async routesByVerifiedDomains(domains: string[]): Promise<(TenantRoute & { domain: string })[]> {
    if (domains.length === 0) return [];
    const rows: (RouteRow & { domain: string })[] = await this.dataSource.query(
      'SELECT d.verified_domain AS domain, s.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status, t.max_messages_per_day, t.max_storage_mb FROM tenant_domains d ' +
        'JOIN tenants t ON t.id = d.tenant_id JOIN email_settings s ON s.tenant_id = d.tenant_id ' +
        `WHERE d.verified_domain IN (${marks(domains.length)})`,
      domains,
    );
    return rows.map((r) => ({ ...toRoute(r), domain: r.domain }));
  }

  /** The tenant's route whatever the recipients say: the operator assigned an unrouted message to it. */
  async routeOfTenant(tenantId: TenantId): Promise<TenantRoute | null> {
    const [row]: RouteRow[] = await this.dataSource.query(
      'SELECT s.tenant_id, s.inbound_email_address, s.auto_acknowledge, t.tier, t.status, t.max_messages_per_day, t.max_storage_mb FROM tenants t ' +
        'JOIN email_settings s ON s.tenant_id = t.id WHERE t.id = ?',
      [tenantId],
    );
    return row ? toRoute(row) : null;
  }

  /** Inbound addresses among these, for the recipient scan of a message mailparser could not read. */
  async tenantIdsByInboundAddresses(addresses: string[]): Promise<TenantId[]> {
    return [...new Set((await this.routesByInboundAddresses(addresses)).map((r) => r.tenantId))];
  }
}

interface RouteRow {
  tenant_id: number;
  inbound_email_address: string;
  auto_acknowledge: number | boolean;
  tier: Tier;
  status: TenantStatus;
  max_messages_per_day: number | null;
  max_storage_mb: number | null;
}

function toRoute(r: RouteRow): TenantRoute {
  return {
    tenantId: asTenantId(Number(r.tenant_id)),
    tier: r.tier,
    status: r.status,
    inboundAddress: r.inbound_email_address,
    autoAcknowledge: Boolean(Number(r.auto_acknowledge)),
    overrides: { maxMessagesPerDay: nullableNumber(r.max_messages_per_day), maxStorageMb: nullableNumber(r.max_storage_mb) },
  };
}

function nullableNumber(value: number | string | null): number | null {
  return value === null || value === undefined ? null : Number(value);
}
