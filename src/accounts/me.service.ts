import { Injectable } from '@nestjs/common';
import { Principal, TenantRole } from '../auth/principal';
import { TenantsService } from '../tenants/tenants.service';
import { AccountsRepository } from './accounts.repository';

interface Person {
  id: number;
  name: string;
  email: string | null;
}

export type MeView =
  | { kind: 'platform_admin'; operator?: Person }
  | {
      kind: 'tenant';
      tenant_id: number;
      role: TenantRole;
      user_id: number | null;
      user: Person | null;
      tenant: { name: string; inbound_email_address: string | null };
      /** Sessions only: whether the person must still set up the second factor the tenant requires. */
      two_factor_setup_required?: boolean;
    };

/** Who is calling, so that the web UI shows only what that role may do, and whose name. */
@Injectable()
export class MeService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly accounts: AccountsRepository,
  ) {}

  async describe(principal: Principal): Promise<MeView> {
    if (principal.kind === 'platform_admin') {
      const operator = principal.operatorId === null ? null : await this.accounts.findOperator(principal.operatorId);
      return operator ? { kind: 'platform_admin', operator: { id: operator.id, name: operator.name, email: operator.email } } : { kind: 'platform_admin' };
    }
    const [tenant, user] = await Promise.all([
      this.tenants.get(principal.tenantId),
      principal.userId === null ? null : this.accounts.findUser(principal.tenantId, principal.userId),
    ]);
    return {
      kind: 'tenant',
      tenant_id: principal.tenantId,
      role: principal.role,
      user_id: principal.userId,
      user: user ? { id: user.id, name: user.name, email: user.signInEmail ?? user.email } : null,
      tenant: { name: tenant.name, inbound_email_address: tenant.inbound_email_address },
      ...(principal.sessionId !== null ? { two_factor_setup_required: Boolean(principal.twoFactorSetupRequired) } : {}),
    };
  }
}
