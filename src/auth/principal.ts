import { TenantRole } from '../tenants/user.entity';

export type Principal =
  | { kind: 'platform_admin' }
  | { kind: 'tenant'; tenantId: number; role: TenantRole; tokenId: number; userId: number | null };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

export type Role = 'platform_admin' | TenantRole;
