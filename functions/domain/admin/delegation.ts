import { appLogoFromDataUrl, PLAIN_HOST } from '../branding.ts';
import { audit, auditTenant } from '../deps.ts';
import { checkName, invalid } from '../federation/settings.ts';
import { type AdminLevel, DEFAULT_TENANT, NotFound, type Tenant } from '../ports.ts';
import { findTenant } from '../tenants.ts';
import { type Actor, actorId, requireAllowed } from './actor.ts';
import { type AdminDeps, targetUser, type UserRef } from './users.ts';

/**
 * Delegated administration (MxID's company admins): who administers what, and which app roles a
 * tenant's users may be given at all. The rule itself is `authorize` in actor.ts.
 */

/**
 * Makes a user an administrator: of their own tenant (`tenant`: the user must belong to `tenantId`,
 * named so a typo cannot make someone an admin of the wrong company) or of everything (`global`).
 */
export async function grantAdmin(
  deps: AdminDeps,
  actor: Actor,
  input: UserRef & { level: AdminLevel; tenantId?: string },
): Promise<{ userId: string; email: string; tenantId: string; admin: AdminLevel }> {
  const user = await targetUser(deps, actor, 'admin.grant', input, { level: input.level });
  if (input.level === 'tenant' && input.tenantId !== user.tenantId) throw invalid('admin_tenant');
  await deps.users.setAdmin(user.id, input.level);
  await audit(deps, {
    type: 'admin.granted',
    outcome: 'success',
    actor: actorId(actor),
    target: user.id,
    tenant: auditTenant(user),
    details: { level: input.level, tenant: user.tenantId },
  });
  return { userId: user.id, email: user.email, tenantId: user.tenantId, admin: input.level };
}

/** Takes a user's administrator rights away (a tenant admin may not take a global admin's). */
export async function revokeAdmin(
  deps: AdminDeps,
  actor: Actor,
  input: UserRef,
): Promise<{ userId: string; email: string; admin: null }> {
  // A global administrator is out of a tenant admin's reach (actor.ts, `targetAdmin`).
  const found = await targetUser(deps, actor, 'admin.revoke', input, { level: 'tenant' });
  await deps.users.setAdmin(found.id, null);
  await audit(deps, {
    type: 'admin.revoked',
    outcome: 'success',
    actor: actorId(actor),
    target: found.id,
    tenant: auditTenant(found),
    details: { level: found.admin ?? 'none', tenant: found.tenantId },
  });
  return { userId: found.id, email: found.email, admin: null };
}

/**
 * Sets which roles of an app a tenant's users may be given (an empty list: none). Only a global
 * administrator decides this: it bounds what the tenant's own admins and members can hand out.
 */
export async function entitleTenant(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; clientId: string; roles: string[] },
): Promise<Tenant> {
  await requireAllowed(deps, actor, 'tenant.entitle', { tenantId: input.tenantId, clientId: input.clientId });
  const tenant = await findTenant(deps, input.tenantId);
  if (!tenant) throw invalid('unknown_tenant');
  const client = await deps.clients.get(input.clientId);
  if (!client) throw new NotFound('client');
  const roles = [...new Set(input.roles)];
  if (roles.some((r) => !client.roles.includes(r))) throw invalid('mapping');
  const entitlements = { ...tenant.entitlements };
  if (roles.length) entitlements[input.clientId] = roles;
  else delete entitlements[input.clientId];
  const updated: Tenant = { ...tenant, entitlements };
  await saveTenant(deps, tenant, updated);
  await audit(deps, {
    type: 'tenant.entitled',
    outcome: 'success',
    actor: actorId(actor),
    target: tenant.id,
    tenant: tenant.id,
    details: { client: input.clientId, roles: roles.join(',') },
  });
  return updated;
}

const ACCENT = /^#[0-9a-f]{6}$/;

/** A tenant's logo: an image kept with the tenant (a data: URL, nothing fetched) or an https URL. */
function checkLogoUrl(value: string): string {
  if (value.startsWith('data:')) return appLogoFromDataUrl(value);
  const url = URL.parse(value);
  if (
    url?.protocol !== 'https:' ||
    url.username ||
    url.password ||
    value.length > 2000 ||
    !PLAIN_HOST.test(url.host)
  )
    throw invalid('logo_url');
  return url.href;
}

/**
 * Changes a tenant's name and branding (its administrators may), and its MFA requirement (only a
 * global administrator: it is a security bound on the tenant, like its entitlements). An empty string
 * clears a branding field; `requireMfa: null` clears the requirement.
 */
export async function updateTenant(
  deps: AdminDeps,
  actor: Actor,
  input: {
    id: string;
    name?: string;
    displayName?: string;
    logoUrl?: string;
    accent?: string;
    requireMfa?: 'any' | 'strong' | null;
    federationOnly?: boolean;
  },
): Promise<Tenant> {
  await requireAllowed(deps, actor, 'tenant.update', { tenantId: input.id });
  if (input.requireMfa !== undefined || input.federationOnly !== undefined)
    await requireAllowed(deps, actor, 'tenant.policy', { tenantId: input.id });
  const tenant = await findTenant(deps, input.id);
  if (!tenant) throw invalid('unknown_tenant');
  const branding = { ...tenant.branding };
  const set = <K extends keyof typeof branding>(
    key: K,
    value: string | undefined,
    check: (v: string) => string,
  ) => {
    if (value === undefined) return;
    if (value === '') delete branding[key];
    else branding[key] = check(value);
  };
  set('displayName', input.displayName, checkName);
  set('logoUrl', input.logoUrl, checkLogoUrl);
  set('accent', input.accent?.toLowerCase(), (v) => {
    if (!ACCENT.test(v)) throw invalid('accent');
    return v;
  });
  const { requireMfa: _previous, federationOnly: _was, ...rest } = tenant;
  const requireMfa = input.requireMfa === undefined ? tenant.requireMfa : (input.requireMfa ?? undefined);
  const federationOnly = input.federationOnly ?? tenant.federationOnly;
  const updated: Tenant = {
    ...rest,
    ...(input.name !== undefined ? { name: checkName(input.name) } : {}),
    branding,
    ...(requireMfa ? { requireMfa } : {}),
    ...(federationOnly ? { federationOnly: true } : {}),
  };
  await saveTenant(deps, tenant, updated);
  // From now on its people sign in through its connections: each is marked (a password sign-in
  // refuses them without reading the tenant), and every session and refresh token from before ends,
  // password ones included. Switching back unmarks them.
  if (Boolean(federationOnly) !== Boolean(tenant.federationOnly))
    await markTenantUsers(deps, tenant.id, Boolean(federationOnly));
  await audit(deps, {
    type: 'tenant.updated',
    outcome: 'success',
    actor: actorId(actor),
    target: tenant.id,
    tenant: tenant.id,
    details: {
      fields: Object.keys(input)
        .filter((k) => k !== 'id')
        .join(','),
      ...(input.requireMfa !== undefined ? { requireMfa: input.requireMfa ?? 'none' } : {}),
      ...(input.federationOnly !== undefined ? { federationOnly: input.federationOnly } : {}),
    },
  });
  return updated;
}

async function markTenantUsers(deps: AdminDeps, tenantId: string, on: boolean): Promise<void> {
  const now = deps.clock.now().getTime();
  let cursor: string | undefined;
  do {
    const page = await deps.users.listByTenant(tenantId, {
      prefix: '',
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const user of page.users) {
      await deps.users.setFederationOnly(user.id, on);
      if (on) await deps.users.endSessions(user.id, now);
    }
    cursor = page.next;
  } while (cursor);
}

/**
 * Writes a changed tenant over the record `read` came from, unless it changed meanwhile (two
 * administrators' changes never silently undo each other: the later one is asked to try again).
 * The implicit `default` tenant gets its record on its first change.
 */
async function saveTenant(deps: AdminDeps, read: Tenant, changed: Tenant): Promise<void> {
  const next = { ...changed, version: (read.version ?? 0) + 1 };
  if (await deps.tenants.replace(next, read.version)) return;
  if (read.id === DEFAULT_TENANT && !(await deps.tenants.get(read.id)) && (await deps.tenants.create(next)))
    return;
  if (!(await deps.tenants.get(read.id))) throw new NotFound('tenant');
  throw invalid('changed_meanwhile');
}
