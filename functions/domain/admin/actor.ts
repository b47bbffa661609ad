import { audit, type Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { type AdminApiAccess, type AdminLevel, NotFound, type RoleGrant, type UserStore } from '../ports.ts';

/**
 * Who asks for an administrative change, and the one rule deciding what they may do (MxID's
 * delegated administration, ../../../shared/DESIGN.md "Actor"). Every use case in this folder takes
 * the actor and asks `requireAllowed` before it changes anything, so the CLI, the admin API and the
 * console are thin adapters over the same rule.
 */
export type Actor =
  /** The operator's CLI, run by whoever has access to the deployment's data. */
  | { kind: 'operator' }
  /** A user signed in to the admin console, or calling the admin API with their token. */
  | { kind: 'user'; userId: string }
  /** An automation client holding an admin scope. */
  | { kind: 'client'; clientId: string };

export const OPERATOR: Actor = { kind: 'operator' };

/**
 * The actor as the rule sees them: a global administrator (the operator's CLI among them), a tenant
 * administrator of one tenant, a member of one tenant (with the roles they hold), or nobody.
 */
export type Principal =
  | { kind: 'global'; id: string }
  | { kind: 'tenant-admin'; id: string; tenantId: string }
  | { kind: 'member'; id: string; tenantId: string; holds: readonly RoleGrant[] }
  | { kind: 'nobody'; id: string };

export type Action =
  | 'user.create'
  | 'user.read'
  | 'user.update'
  | 'user.set_password'
  | 'user.reset_mfa'
  | 'role.grant'
  | 'role.revoke'
  | 'admin.grant'
  | 'admin.revoke'
  | 'client.create'
  | 'client.read'
  | 'client.update'
  | 'tenant.create'
  | 'tenant.read'
  | 'tenant.update'
  | 'tenant.entitle'
  /** A tenant's security bounds beyond entitlements (its MFA requirement). */
  | 'tenant.policy'
  /** Marking a domain proved without its DNS check: the operator's, for the local store only. */
  | 'domain.verify'
  | 'connection.create'
  | 'connection.read'
  | 'connection.update'
  | 'connection.delete'
  | 'user.link'
  | 'invitation.create'
  | 'invitation.read'
  | 'invitation.revoke'
  | 'audit.read';

/** What the action is done to. Tenant-scoped actors are refused whatever `tenantId` does not name. */
export interface Target {
  tenantId?: string;
  userId?: string;
  clientId?: string;
  /** Roles of `clientId` being granted, revoked or given with an invitation. */
  roles?: readonly string[];
  /** The administrator level being granted or revoked. */
  level?: AdminLevel;
  /** The target user's own administrator level: who may act on an administrator is narrower. */
  targetAdmin?: AdminLevel;
  /** The roles the target user holds, for actions that would let the actor sign in as them. */
  holds?: readonly RoleGrant[];
}

/** What the rule needs to know beyond the actor and the target, read by `requireAllowed`. */
export interface Facts {
  /** The roles of `target.clientId` the target's tenant is entitled to. */
  entitled: readonly string[];
  /** Whether `target.clientId` lets members invite. */
  memberInvites: boolean;
  /** Whether `target.holds` has a role the target's tenant is not entitled to (given by the operator). */
  holdsUnentitled?: boolean;
}

const NO_FACTS: Facts = { entitled: [], memberInvites: false };

/** A tenant admin manages their own tenant: its people, their roles, its admins, connections, branding, audit. */
const TENANT_ADMIN = new Set<Action>([
  'user.create',
  'user.read',
  'user.update',
  'user.set_password',
  'user.reset_mfa',
  'role.grant',
  'role.revoke',
  'admin.grant',
  'admin.revoke',
  'tenant.read',
  'tenant.update',
  'connection.create',
  'connection.read',
  'connection.update',
  'connection.delete',
  'user.link',
  'invitation.create',
  'invitation.read',
  'invitation.revoke',
  'audit.read',
]);
/** A member may invite others into their own tenant, where an app allows it. */
const MEMBER = new Set<Action>(['invitation.create']);

/** Grants that would raise the actor's own rights if aimed at themselves. */
const RAISES = new Set<Action>(['role.grant', 'admin.grant', 'invitation.create', 'user.link']);

/** What would let the actor sign in as the target: never done by a tenant admin to another admin. */
export const TAKES_OVER = new Set<Action>(['user.set_password', 'user.reset_mfa', 'user.link']);

/**
 * Whether the actor may attempt `action` at all, before its target is known (a refused actor learns
 * nothing about the target, not even whether it exists).
 */
export function mayAttempt(principal: Principal, action: Action): boolean {
  switch (principal.kind) {
    case 'global':
      return true;
    case 'tenant-admin':
      return TENANT_ADMIN.has(action);
    case 'member':
      return MEMBER.has(action);
    case 'nobody':
      return false;
  }
}

/**
 * The one decision whether `principal` may do `action` to `target` (deny by default):
 * - a global administrator may do anything;
 * - a tenant administrator manages their own tenant only, gives only roles the tenant is entitled to
 *   (by grant, invitation or connection role mapping), makes and removes only tenant administrators,
 *   never grants, invites or links themselves, never acts on a global administrator, and never resets
 *   another administrator's password, factors or links (that would be signing in as them);
 * - a member may invite into their own tenant, with at most the roles they hold, in an app that
 *   allows member invitations;
 * - nobody acts outside their tenant or raises their own rights.
 */
export function authorize(
  principal: Principal,
  action: Action,
  target: Target,
  facts: Facts = NO_FACTS,
): boolean {
  if (principal.kind === 'global') return true;
  if (principal.kind === 'nobody' || !mayAttempt(principal, action)) return false;
  if (target.tenantId === undefined || target.tenantId !== principal.tenantId) return false;
  if (RAISES.has(action) && target.userId === principal.id) return false;
  // A global administrator is out of reach; a fellow tenant admin's credentials too.
  if (target.targetAdmin === 'global') return false;
  if (target.targetAdmin === 'tenant' && TAKES_OVER.has(action)) return false;
  // Signing in as someone who holds more than the tenant may be given would be gaining it (a fellow
  // admin demoted first, a user the operator gave a special role).
  if (TAKES_OVER.has(action) && facts.holdsUnentitled) return false;
  if (action === 'admin.grant' || action === 'admin.revoke') return target.level === 'tenant';
  // Whatever hands out roles (grants, invitations, connection role mappings) stays within entitlements.
  const roles = target.roles ?? [];
  if (roles.length > 0 && (!target.clientId || !roles.every((r) => facts.entitled.includes(r)))) return false;
  if (principal.kind === 'member') {
    const holds = (role: string) =>
      principal.holds.some((g) => g.clientId === target.clientId && g.role === role);
    return facts.memberInvites && roles.length > 0 && roles.every(holds);
  }
  return true;
}

/** How the actor appears in audit events. */
export function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'operator':
      return 'admin-cli';
    case 'user':
      return actor.userId;
    case 'client':
      return `client:${actor.clientId}`;
  }
}

/** What the rule reads: the actor's user and roles, the target tenant's entitlements, the app's setting. */
type RuleDeps = Deps & {
  users: UserStore;
  roles: { allRoles(userId: string): Promise<RoleGrant[]> };
  tenants: { get(id: string): Promise<{ entitlements?: Record<string, string[]> } | null> };
  clients: { get(clientId: string): Promise<{ memberInvites?: boolean; adminApi?: AdminApiAccess } | null> };
};

/** The actor as the rule sees them, read now (a disabled user or an unknown client is nobody). */
export async function principalOf(deps: RuleDeps, actor: Actor): Promise<Principal> {
  const id = actorId(actor);
  if (actor.kind === 'operator') return { kind: 'global', id };
  if (actor.kind === 'client') {
    // An automation client: its admin API access, as it is now (a withdrawn setting is nobody).
    const access = (await deps.clients.get(actor.clientId))?.adminApi;
    if (access === 'global') return { kind: 'global', id };
    if (access?.startsWith('tenant:')) return { kind: 'tenant-admin', id, tenantId: access.slice(7) };
    return { kind: 'nobody', id };
  }
  const user = await deps.users.findById(actor.userId);
  if (!user || user.disabled) return { kind: 'nobody', id };
  if (user.admin === 'global') return { kind: 'global', id };
  if (user.admin === 'tenant') return { kind: 'tenant-admin', id, tenantId: user.tenantId };
  return { kind: 'member', id, tenantId: user.tenantId, holds: await deps.roles.allRoles(user.id) };
}

async function factsFor(deps: RuleDeps, principal: Principal, target: Target): Promise<Facts> {
  if (principal.kind === 'global' || principal.kind === 'nobody' || !target.tenantId) return NO_FACTS;
  if (!target.clientId && !target.holds) return NO_FACTS;
  const [tenant, client] = await Promise.all([
    deps.tenants.get(target.tenantId),
    target.clientId ? deps.clients.get(target.clientId) : null,
  ]);
  const entitlements = tenant?.entitlements ?? {};
  return {
    entitled: target.clientId ? (entitlements[target.clientId] ?? []) : [],
    memberInvites: client?.memberInvites === true,
    holdsUnentitled: (target.holds ?? []).some((g) => !entitlements[g.clientId]?.includes(g.role)),
  };
}

/**
 * A refusal within the actor's tenant belongs to that tenant: its administrators see what their own
 * people attempted. One aimed at another tenant is recorded for global administrators only: in the
 * actor's own trail it would confirm that the address or id it named exists, and where.
 */
async function denied(
  deps: RuleDeps,
  actor: Actor,
  principal: Principal,
  action: Action,
  target: Target,
): Promise<void> {
  await audit(deps, {
    type: 'admin.denied',
    outcome: 'denied',
    actor: actorId(actor),
    tenant:
      'tenantId' in principal && (target.tenantId === undefined || target.tenantId === principal.tenantId)
        ? principal.tenantId
        : null,
    ...(target.userId ? { target: target.userId } : target.clientId ? { target: target.clientId } : {}),
    details: { action, ...(target.tenantId ? { tenant: target.tenantId } : {}) },
  });
}

/** Asks whether the actor may attempt the action at all; a refusal is audited and thrown as `forbidden`. */
export async function requireMayAttempt(deps: RuleDeps, actor: Actor, action: Action): Promise<Principal> {
  const principal = await principalOf(deps, actor);
  if (mayAttempt(principal, action)) return principal;
  await denied(deps, actor, principal, action, {});
  throw new DomainError('forbidden', action);
}

/**
 * Asks `authorize`; a refusal is audited (outcome `denied`) and thrown as `forbidden` — or, with
 * `hideOtherTenants`, as `not_found` when the target lies outside the actor's tenant, so a tenant
 * administrator learns nothing about other tenants' users.
 */
export async function requireAllowed(
  deps: RuleDeps,
  actor: Actor,
  action: Action,
  target: Target,
  /** `hideOtherTenants`: what the caller is told is missing (default `user`). */
  options: { hideOtherTenants?: boolean; hiddenAs?: string } = {},
): Promise<Principal> {
  const principal = await principalOf(deps, actor);
  if (authorize(principal, action, target, await factsFor(deps, principal, target))) return principal;
  await denied(deps, actor, principal, action, target);
  const elsewhere = 'tenantId' in principal && target.tenantId !== principal.tenantId;
  if (options.hideOtherTenants && elsewhere) throw new NotFound(options.hiddenAs ?? 'user');
  throw new DomainError('forbidden', action);
}
