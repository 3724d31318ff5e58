import { TenantId } from '../common/tenant-id';

export type TenantRole = 'tenant_admin' | 'agent';
export const TENANT_ROLES: readonly TenantRole[] = ['tenant_admin', 'agent'];

/**
 * Who is calling. A bearer token sets tokenId (null for ADMIN_API_TOKEN); a browser session
 * sets sessionId, and the person behind it: userId for tenant users, operatorId for operators.
 */
export type Principal =
  | { kind: 'platform_admin'; operatorId: number | null; sessionId: number | null }
  | {
      kind: 'tenant';
      tenantId: TenantId;
      role: TenantRole;
      tokenId: number | null;
      userId: number | null;
      sessionId: number | null;
      /** A session of a person whose tenant requires a second factor they have not set up: only that set-up is open. */
      twoFactorSetupRequired?: boolean;
    };

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

export type Role = 'platform_admin' | TenantRole;

/** The platform admin of the bootstrap and break-glass credential, ADMIN_API_TOKEN. */
export const BOOTSTRAP_ADMIN: Principal = Object.freeze({ kind: 'platform_admin', operatorId: null, sessionId: null });
