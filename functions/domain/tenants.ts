import { DEFAULT_TENANT, type Tenant, type TenantStore } from './ports.ts';

/** The `default` tenant exists implicitly: every user from before tenants belongs to it. */
export async function findTenant(deps: { tenants: TenantStore }, id: string): Promise<Tenant | null> {
  const found = await deps.tenants.get(id);
  if (found || id !== DEFAULT_TENANT) return found;
  return { id: DEFAULT_TENANT, name: 'Default', createdAt: new Date(0).toISOString() };
}
