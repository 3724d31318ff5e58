import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { TenantId } from '../common/tenant-id';
import { checkDnsRecords, ownershipRecordName, ownershipRecordValue, requiredDnsRecords } from './dns-records';
import { DnsLookup } from './dns-lookup';
import { DomainView, TenantsService, toDomainView } from './tenants.service';

@Injectable()
export class DnsRecordsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly config: AppConfig,
    private readonly lookup: DnsLookup,
  ) {}

  /** The records each of the tenant's own domains needs, and with `check` what DNS says of them now. Reads only. */
  async forTenant(tenantId: TenantId, options: { check: boolean; spfInclude?: string; dkimPublicKey?: string }) {
    const claims = await this.tenants.domainClaims(tenantId);
    const data = [];
    for (const claim of claims) {
      const d = toDomainView(claim);
      const records = requiredDnsRecords({
        domain: d.domain,
        mailHost: this.config.mailServer.hostname,
        mailHostIpv4: this.config.mailServer.ipv4 ?? undefined,
        spfInclude: options.spfInclude,
        dkimPublicKey: options.dkimPublicKey,
        verificationToken: claim.verificationToken ?? undefined,
      });
      const checks = options.check ? await checkDnsRecords(records, this.lookup.resolver) : null;
      data.push({
        id: d.id,
        domain: d.domain,
        status: d.status,
        verified_at: d.verified_at,
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

  /**
   * Looks up the claim's TXT record and, when it holds the tenant's token, makes the domain the
   * tenant's: from then on mail for it routes here. 422 with what DNS holds when it does not.
   */
  async verify(tenantId: TenantId, domainId: number): Promise<DomainView> {
    const claim = await this.tenants.domain(tenantId, domainId);
    if (claim.verifiedDomain) return this.tenants.markDomainVerified(tenantId, domainId);
    const [check] = await checkDnsRecords(
      [
        {
          kind: 'ownership',
          type: 'TXT',
          name: ownershipRecordName(claim.domain),
          value: ownershipRecordValue(claim.verificationToken ?? ''),
          purpose: 'ownership',
        },
      ],
      this.lookup.resolver,
    );
    if (check.status === 'error') throw new DomainError('unavailable', `${check.message}`);
    if (check.status !== 'ok') throw new DomainError('unprocessable', `The domain ${claim.domain} is not verified: ${check.message}`, { found: check.found });
    return this.tenants.markDomainVerified(tenantId, domainId);
  }
}
