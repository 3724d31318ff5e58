import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { asTenantId, TenantId } from '../common/tenant-id';
import { Principal, Role, TenantPrincipal } from './principal';
import { assertTenantAccess } from './tenant-access';

export const ROLES_KEY = 'inbound:roles';
export const PUBLIC_KEY = 'inbound:public';

/** Who may call the route. tenant_admin may do whatever an agent may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const BEFORE_TWO_FACTOR_KEY = 'inbound:before-two-factor';
/** Open to a session that still has to set up the second factor its tenant requires: who am I, set-up, sign-out. */
export const AllowBeforeTwoFactor = () => SetMetadata(BEFORE_TWO_FACTOR_KEY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal,
);

/** The tenant principal of a route guarded for tenant roles only. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantPrincipal => {
  const principal: Principal = ctx.switchToHttp().getRequest().principal;
  if (principal?.kind !== 'tenant') throw new Error('CurrentTenant used on a route open to non-tenant principals');
  return principal;
});

/**
 * The `:tenantId` of a route under /api/tenants/:tenantId, once the caller may act for it:
 * the platform admin, or that tenant's own admin. Anyone else gets the 404 of a tenant that
 * does not exist (see assertTenantAccess).
 */
export const AccessibleTenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantId => {
  const request = ctx.switchToHttp().getRequest();
  const raw = String(request.params.tenantId ?? '');
  if (!/^[1-9]\d{0,9}$/.test(raw)) throw new DomainError('bad_request', 'tenantId must be a positive whole number');
  const tenantId = asTenantId(Number(raw));
  assertTenantAccess(request.principal as Principal, tenantId);
  return tenantId;
});
