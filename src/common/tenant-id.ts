declare const tenantIdBrand: unique symbol;

/**
 * A tenant's id that has come from a trusted place: the authenticated principal, a route the
 * caller was checked for (AccessibleTenantId), or a database row. Repository methods on
 * tenant-owned tables take it, so that a query without the tenant's scope does not compile.
 */
export type TenantId = number & { readonly [tenantIdBrand]: true };

/** Brands an id. Only where the id is trusted: the auth layer, and rows read from the database. */
export function asTenantId(value: number): TenantId {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`tenant id must be a positive integer, got ${value}`);
  return value as TenantId;
}
