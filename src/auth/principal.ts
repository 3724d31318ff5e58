import { TenantId } from '../common/tenant-id';

export type TenantRole = 'tenant_admin' | 'agent';
export const TENANT_ROLES: readonly TenantRole[] = ['tenant_admin', 'agent'];

export type Principal =
  | { kind: 'platform_admin' }
  | { kind: 'tenant'; tenantId: TenantId; role: TenantRole; tokenId: number; userId: number | null };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

export type Role = 'platform_admin' | TenantRole;
