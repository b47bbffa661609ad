import { createUser, setPassword } from '../accounts.ts';
import type { Method, MethodStatus } from '../credentials/strategy.ts';
import type { DomainDeps } from '../deps.ts';
import { audit } from '../deps.ts';
import { normaliseEmail } from '../email.ts';
import { refuseForeignDomain } from '../federation/routing.ts';
import { invalid } from '../federation/settings.ts';
import { factorSummary, resetMfa } from '../mfa/settings.ts';
import { DEFAULT_TENANT, NotFound, type User } from '../ports.ts';
import { type Action, type Actor, actorId, requireAllowed, requireMayAttempt, type Target } from './actor.ts';
import { findTenant } from './federation.ts';

/** Administration of users: every use case takes the actor and goes through `authorize`. */
export type AdminDeps = DomainDeps;

/**
 * The user an action is about, found by e-mail. The actor is asked about the action before the
 * look-up (an actor who may not do it learns nothing, not even whether the address exists) and about
 * this user after it.
 */
export async function targetUser(
  deps: AdminDeps,
  actor: Actor,
  action: Action,
  email: string,
  extra: Omit<Target, 'tenantId' | 'userId'> = {},
): Promise<User> {
  await requireMayAttempt(deps, actor, action);
  const user = await deps.users.findByEmailKey(normaliseEmail(email).emailKey);
  if (!user) throw new NotFound('user');
  // Another tenant's user is reported as not found: a tenant admin learns nothing about them.
  await requireAllowed(
    deps,
    actor,
    action,
    {
      tenantId: user.tenantId,
      userId: user.id,
      ...(user.admin ? { targetAdmin: user.admin } : {}),
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
  if (!(await findTenant(deps, tenantId))) throw invalid('unknown_tenant');
  await refuseForeignDomain(deps, input.email, tenantId);
  return createUser(deps, { ...input, tenantId, actor: actorId(actor) });
}

/** Sets a new password (policy applies), lifts a lockout and ends the user's sessions. */
export async function resetUserPassword(
  deps: AdminDeps,
  actor: Actor,
  input: { email: string; password: string },
): Promise<User> {
  const user = await targetUser(deps, actor, 'user.set_password', input.email);
  await setPassword(deps, { userId: user.id, password: input.password, actor: actorId(actor) });
  return user;
}

export async function updateUser(
  deps: AdminDeps,
  actor: Actor,
  input: { email: string; requireMfa: boolean },
): Promise<User> {
  const user = await targetUser(deps, actor, 'user.update', input.email);
  await deps.users.updateProfile(user.id, { requireMfa: input.requireMfa });
  await audit(deps, {
    type: 'user.updated',
    outcome: 'success',
    actor: actorId(actor),
    target: user.id,
    tenant: user.tenantId,
    details: { requireMfa: input.requireMfa },
  });
  return { ...user, requireMfa: input.requireMfa };
}

/** Lost phone and codes: removes every second factor and ends the user's sessions. */
export async function resetUserMfa(deps: AdminDeps, actor: Actor, input: { email: string }): Promise<User> {
  const user = await targetUser(deps, actor, 'user.reset_mfa', input.email);
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
export async function showUser(deps: AdminDeps, actor: Actor, input: { email: string }): Promise<UserView> {
  const user = await targetUser(deps, actor, 'user.read', input.email);
  const [factors, roles] = await Promise.all([factorSummary(deps, user.id), deps.roles.allRoles(user.id)]);
  return { user, factors, roles };
}
