import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { checkDnsRecords, requiredDnsRecords } from './dns-records';
import { DnsLookup } from './dns-lookup';
import { TenantDomain } from './tenant-domain.entity';
import { TenantsService } from './tenants.service';

@Injectable()
export class DnsRecordsService {
  constructor(
    @InjectRepository(TenantDomain) private readonly domains: Repository<TenantDomain>,
    private readonly tenants: TenantsService,
    private readonly config: AppConfig,
    private readonly lookup: DnsLookup,
  ) {}

  /** The records each of the tenant's own domains needs, and with `check` what DNS says of them now. */
  async forTenant(tenantId: number, options: { check: boolean; spfInclude?: string; dkimPublicKey?: string }) {
    await this.tenants.load(tenantId);
    const domains = await this.domains.find({ where: { tenantId }, order: { id: 'ASC' } });
    const data = [];
    for (const d of domains) {
      const records = requiredDnsRecords({
        domain: d.domain,
        mailHost: this.config.mailServer.hostname,
        mailHostIpv4: this.config.mailServer.ipv4 ?? undefined,
        spfInclude: options.spfInclude,
        dkimPublicKey: options.dkimPublicKey,
      });
      const checks = options.check ? await checkDnsRecords(records, this.lookup.resolver) : null;
      if (checks && checks.every((c) => c.status === 'ok') && !d.verifiedAt) {
        d.verifiedAt = new Date();
        await this.domains.update({ tenantId, id: d.id }, { verifiedAt: d.verifiedAt });
      }
      data.push({
        domain: d.domain,
        verified_at: d.verifiedAt,
        records: records.map((r, i) => ({
          kind: r.kind,
          type: r.type,
          name: r.name,
          value: r.value,
          priority: r.priority ?? null,
          purpose: r.purpose,
          ...(checks ? { status: checks[i].status, found: checks[i].found, message: checks[i].message } : {}),
        })),
      });
    }
    return { mail_server: this.config.mailServer.hostname, data };
  }
}
