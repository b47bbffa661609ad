import type { DomainDeps } from '../deps.ts';
import type { Connection } from '../ports.ts';
import { domainOf, invalid } from './settings.ts';

/** The enabled connection, or null (unknown and disabled look the same to a browser). */
export async function usableConnection(deps: DomainDeps, id: string): Promise<Connection | null> {
  const connection = await deps.connections.get(id);
  return connection && !connection.disabled ? connection : null;
}

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

/**
 * Refuses an address at a domain another tenant has proved: that tenant's people are its own, so no
 * other tenant's administrator creates or invites an account there (which would also take the address
 * from the real person's first sign-in through their company's connection).
 */
export async function refuseForeignDomain(deps: DomainDeps, email: string, tenantId: string): Promise<void> {
  const domain = domainOf(email);
  const held = domain ? await deps.tenants.getDomain(domain) : null;
  if (held?.verified && held.tenantId !== tenantId) throw invalid('foreign_domain');
}
