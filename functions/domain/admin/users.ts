import { createUser, setPassword } from '../accounts.ts';
import type { Method, MethodStatus } from '../credentials/strategy.ts';
import type { DomainDeps } from '../deps.ts';
import { audit, auditTenant } from '../deps.ts';
import { emailKeyPrefix, normaliseEmail } from '../email.ts';
import { refuseForeignDomain } from '../federation/routing.ts';
import { invalid } from '../federation/settings.ts';
import { factorSummary, resetMfa } from '../mfa/settings.ts';
import { DEFAULT_TENANT, NotFound, type User } from '../ports.ts';
import { findTenant } from '../tenants.ts';
import {
  type Action,
  type Actor,
  actorId,
  requireAllowed,
  requireMayAttempt,
  TAKES_OVER,
  type Target,
} from './actor.ts';

/** Administration of users: every use case takes the actor and goes through `authorize`. */
export type AdminDeps = DomainDeps;

/** Which user an action is about: by e-mail (the CLI) or by id (the admin API and console). */
export type UserRef = { email: string; userId?: undefined } | { userId: string; email?: undefined };

/**
 * The user an action is about. The actor is asked about the action before the look-up (an actor who
 * may not do it learns nothing, not even whether the user exists) and about this user after it.
 */
export async function targetUser(
  deps: AdminDeps,
  actor: Actor,
  action: Action,
  ref: UserRef,
  extra: Omit<Target, 'tenantId' | 'userId'> = {},
): Promise<User> {
  await requireMayAttempt(deps, actor, action);
  const found =
    ref.userId !== undefined
      ? await deps.users.findById(ref.userId)
      : await deps.users.findByEmailKey(normaliseEmail(ref.email).emailKey);
  if (!found) throw new NotFound('user');
  const user = found;
  // What they hold matters to anything that would let the actor sign in as them (actor.ts).
  const holds = TAKES_OVER.has(action) ? { holds: await deps.roles.allRoles(user.id) } : {};
  // Another tenant's user is reported as not found: a tenant admin learns nothing about them.
  await requireAllowed(
    deps,
    actor,
    action,
    {
      tenantId: user.tenantId,
      userId: user.id,
      ...(user.admin ? { targetAdmin: user.admin } : {}),
      ...holds,
      ...extra,
    },
    { hideOtherTenants: true },
  );
  return user;
}

export async function addUser(
  deps: AdminDeps,
  actor: Actor,
  input: { email: string; name: string; password?: string; tenantId?: string },
): Promise<User> {
  const tenantId = input.tenantId ?? DEFAULT_TENANT;
  await requireAllowed(deps, actor, 'user.create', { tenantId });
  const tenant = await findTenant(deps, tenantId);
  if (!tenant) throw invalid('unknown_tenant');
  await refuseForeignDomain(deps, input.email, tenantId);
  const federationOnly = tenant.federationOnly === true;
  return createUser(deps, {
    ...input,
    tenantId,
    actor: actorId(actor),
    ...(federationOnly ? { federationOnly } : {}),
  });
}

/** Sets a new password (policy applies), lifts a lockout and ends the user's sessions. */
export async function resetUserPassword(
  deps: AdminDeps,
  actor: Actor,
  input: UserRef & { password: string },
): Promise<User> {
  const user = await targetUser(deps, actor, 'user.set_password', input);
  await setPassword(deps, { userId: user.id, password: input.password, actor: actorId(actor) });
  return user;
}

export async function updateUser(
  deps: AdminDeps,
  actor: Actor,
  input: UserRef & { requireMfa: boolean },
): Promise<User> {
  const user = await targetUser(deps, actor, 'user.update', input);
  await deps.users.updateProfile(user.id, { requireMfa: input.requireMfa });
  await audit(deps, {
    type: 'user.updated',
    outcome: 'success',
    actor: actorId(actor),
    target: user.id,
    tenant: auditTenant(user),
    details: { requireMfa: input.requireMfa },
  });
  return { ...user, requireMfa: input.requireMfa };
}

/** Lost phone and codes: removes every second factor and ends the user's sessions. */
export async function resetUserMfa(deps: AdminDeps, actor: Actor, input: UserRef): Promise<User> {
  const user = await targetUser(deps, actor, 'user.reset_mfa', input);
  await resetMfa(deps, { userId: user.id, actor: actorId(actor) });
  return user;
}

export interface UserView {
  user: User;
  /** Every second step, offered by the configuration or not: an administrator sees what is stored. */
  factors: Record<Method, MethodStatus>;
  roles: Array<{ clientId: string; role: string }>;
}

/** Everything an administrator may see of a user: never the password hash or a factor's secret. */
export async function showUser(deps: AdminDeps, actor: Actor, input: UserRef): Promise<UserView> {
  const user = await targetUser(deps, actor, 'user.read', input);
  const [factors, roles] = await Promise.all([factorSummary(deps, user.id), deps.roles.allRoles(user.id)]);
  return { user, factors, roles };
}

export const USER_PAGE_MAX = 100;

/**
 * A tenant's users in e-mail order, optionally those whose address starts with `prefix` (compared
 * as the e-mail key: case does not matter); paged. Tenant admins list their own tenant only.
 */
export async function listUsers(
  deps: AdminDeps,
  actor: Actor,
  input: { tenantId: string; prefix?: string; limit?: number; cursor?: string },
): Promise<{ users: User[]; next?: string }> {
  await requireAllowed(deps, actor, 'user.read', { tenantId: input.tenantId });
  const limit = Math.min(Math.max(1, Math.floor(input.limit ?? 50)), USER_PAGE_MAX);
  return deps.users.listByTenant(input.tenantId, {
    prefix: emailKeyPrefix(input.prefix ?? ''),
    limit,
    ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
  });
}

/**
 * Disables a user (their sessions and refresh tokens end at once, sign-in is refused) or enables
 * them again.
 */
export async function setUserEnabled(
  deps: AdminDeps,
  actor: Actor,
  input: UserRef & { enabled: boolean },
): Promise<User> {
  const user = await targetUser(deps, actor, 'user.update', input);
  await deps.users.updateProfile(user.id, { disabled: !input.enabled });
  if (!input.enabled) await deps.users.endSessions(user.id, deps.clock.now().getTime());
  await audit(deps, {
    type: input.enabled ? 'user.enabled' : 'user.disabled',
    outcome: 'success',
    actor: actorId(actor),
    target: user.id,
    tenant: auditTenant(user),
  });
  return { ...user, disabled: !input.enabled };
}
