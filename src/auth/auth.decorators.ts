import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Principal, Role, TenantPrincipal } from './principal';

export const ROLES_KEY = 'inbound:roles';
export const PUBLIC_KEY = 'inbound:public';

/** Who may call the route. tenant_admin may do whatever an agent may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal,
);

/** The tenant principal of a route guarded for tenant roles only. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantPrincipal => {
  const principal: Principal = ctx.switchToHttp().getRequest().principal;
  if (principal?.kind !== 'tenant') throw new Error('CurrentTenant used on a route open to non-tenant principals');
  return principal;
});
