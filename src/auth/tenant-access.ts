import { DomainError } from '../common/domain-error';
import { Principal } from './principal';

/**
 * Routes under /api/tenants/:id serve the platform admin and that tenant's own admins.
 * Anyone else gets the same 404 as for a tenant that does not exist.
 */
export function assertTenantAccess(principal: Principal, tenantId: number): void {
  if (principal.kind === 'platform_admin') return;
  if (principal.tenantId === tenantId && principal.role === 'tenant_admin') return;
  throw DomainError.notFound('Tenant');
}
