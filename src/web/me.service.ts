import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { TenantsService } from '../tenants/tenants.service';

type MeView =
  | { kind: 'platform_admin' }
  | {
      kind: 'tenant';
      tenant_id: number;
      role: 'tenant_admin' | 'agent';
      user_id: number | null;
      tenant: { name: string; inbound_email_address: string | null };
    };

/** Tells the web UI who holds the token, so that it shows only what that role may do. */
@Injectable()
export class MeService {
  constructor(private readonly tenants: TenantsService) {}

  async describe(principal: Principal): Promise<MeView> {
    if (principal.kind === 'platform_admin') return { kind: 'platform_admin' };
    const tenant = await this.tenants.get(principal.tenantId);
    return {
      kind: 'tenant',
      tenant_id: principal.tenantId,
      role: principal.role,
      user_id: principal.userId,
      tenant: { name: tenant.name, inbound_email_address: tenant.inbound_email_address },
    };
  }
}
