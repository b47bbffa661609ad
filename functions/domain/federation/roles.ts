import { audit, type DomainDeps } from '../deps.ts';
import type { Connection, RoleSource } from '../ports.ts';

/** The values of a claim that may grant roles: an array of strings, anything else counts as none. */
function values(claims: Record<string, unknown>, claim: 'groups' | 'roles'): string[] {
  const v = claims[claim];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Recomputes the roles this connection maps for the user from the upstream claims and replaces the
 * ones whose source is this connection: a user removed from a group upstream loses the role at their
 * next sign-in. Roles an administrator granted stay. A mapping to a role its app no longer defines is
 * skipped (the app's roles are the truth), and so is one the tenant is no longer entitled to.
 */
export async function syncMappedRoles(
  deps: DomainDeps,
  userId: string,
  connection: Connection,
  claims: Record<string, unknown>,
): Promise<void> {
  const source: RoleSource = `connection:${connection.id}`;
  const wanted = new Map<string, { clientId: string; role: string; bounded: boolean }>();
  for (const m of connection.roleMappings)
    if (values(claims, m.claim).includes(m.value)) {
      const key = JSON.stringify([m.clientId, m.role]);
      // An operator's mapping of the same role frees it from the entitlement bound.
      const bounded = m.bounded === true && (wanted.get(key)?.bounded ?? true);
      wanted.set(key, { clientId: m.clientId, role: m.role, bounded });
    }
  const defined = await definedRoles(deps, [...new Set([...wanted.values()].map((w) => w.clientId))]);
  // A mapping a tenant admin made gives nothing beyond the tenant's entitlements as they are now
  // (they may have shrunk since); the operator's mappings stand as made.
  if ([...wanted.values()].some((w) => w.bounded)) {
    const entitlements = (await deps.tenants.get(connection.tenantId))?.entitlements ?? {};
    for (const [key, w] of wanted)
      if (w.bounded && !entitlements[w.clientId]?.includes(w.role)) wanted.delete(key);
  }

  const held = await deps.roles.allRoles(userId);
  const heldKeys = new Set(held.map((g) => JSON.stringify([g.clientId, g.role])));
  for (const g of held) {
    if (g.source !== source || wanted.has(JSON.stringify([g.clientId, g.role]))) continue;
    await deps.roles.revoke(userId, g.clientId, g.role, source);
    await audit(deps, {
      type: 'role.revoked',
      outcome: 'success',
      actor: source,
      target: userId,
      tenant: connection.tenantId,
      clientId: g.clientId,
      details: { role: g.role, connection: connection.id },
    });
  }
  for (const [key, w] of wanted) {
    if (heldKeys.has(key) || !defined.get(w.clientId)?.includes(w.role)) continue;
    await deps.roles.grant(userId, w.clientId, w.role, source);
    await audit(deps, {
      type: 'role.granted',
      outcome: 'success',
      actor: source,
      target: userId,
      tenant: connection.tenantId,
      clientId: w.clientId,
      details: { role: w.role, connection: connection.id },
    });
  }
}

async function definedRoles(deps: DomainDeps, clientIds: string[]): Promise<Map<string, string[]>> {
  const clients = await Promise.all(clientIds.map((id) => deps.clients.get(id)));
  return new Map(clientIds.map((id, i) => [id, clients[i]?.roles ?? []]));
}
