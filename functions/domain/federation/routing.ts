import type { DomainDeps } from '../deps.ts';
import { domainOf } from './settings.ts';
import { usableConnection } from './sign-in.ts';

/**
 * Home-realm discovery: the connection an e-mail address signs in through, when its domain was proved
 * by a tenant (`tenant domain add`, verified) and routed to one of that tenant's enabled connections.
 * Anything less routes nowhere: the login page then asks for a password as usual.
 */
export function routedConnection(deps: DomainDeps, email: string): Promise<string | null> {
  return routedDomain(deps, domainOf(email));
}

/** The same, for the domain of an address (as `domainOf` gives it). */
export async function routedDomain(deps: DomainDeps, domain: string): Promise<string | null> {
  if (!domain) return null;
  const claim = await deps.tenants.getDomain(domain);
  if (!claim?.verified || !claim.connectionId) return null;
  const connection = await usableConnection(deps, claim.connectionId);
  return connection && connection.tenantId === claim.tenantId ? connection.id : null;
}

/** The connections the login page names ("Sign in with …"): enabled and marked `button`. */
export async function loginButtons(deps: DomainDeps): Promise<Array<{ id: string; name: string }>> {
  return (await deps.connections.list())
    .filter((c) => c.button && !c.disabled)
    .map((c) => ({ id: c.id, name: c.displayName }));
}
