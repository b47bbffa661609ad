import { audit, type Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';

/**
 * Who asks for an administrative change. Every use case in this folder takes one and asks
 * `authorize` before it reads or writes anything, so the CLI, the admin API and the console are
 * thin adapters over the same rules (../../../shared/DESIGN.md, "Actor").
 */
export type Actor =
  /** The operator's CLI, run by whoever has access to the deployment's data. */
  | { kind: 'operator' }
  /** A user signed in to the admin console (tenants and delegated admins come with their issue). */
  | { kind: 'user'; userId: string }
  /** An automation client holding an admin scope. */
  | { kind: 'client'; clientId: string };

export const OPERATOR: Actor = { kind: 'operator' };

export type Action =
  | 'user.create'
  | 'user.read'
  | 'user.update'
  | 'user.set_password'
  | 'user.reset_mfa'
  | 'role.grant'
  | 'role.revoke'
  | 'client.create'
  | 'client.read'
  | 'client.update'
  | 'tenant.create'
  | 'tenant.read'
  | 'tenant.update'
  | 'connection.create'
  | 'connection.read'
  | 'connection.update'
  | 'connection.delete'
  | 'user.link';

/** What the action is done to, as far as it is known before reading it. */
export interface Target {
  tenantId?: string;
  userId?: string;
  clientId?: string;
  role?: string;
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

/**
 * The one decision whether `actor` may do `action` to `target`. Deny by default: today only the
 * operator may administer (everything); users and clients get rights with tenants and delegation.
 */
export function authorize(actor: Actor, _action: Action, _target: Target): boolean {
  return actor.kind === 'operator';
}

/** Asks `authorize`; a refusal is audited (outcome `denied`) and thrown as `forbidden`. */
export async function requireAllowed(
  deps: Deps,
  actor: Actor,
  action: Action,
  target: Target,
): Promise<void> {
  if (authorize(actor, action, target)) return;
  await audit(deps, {
    type: 'admin.denied',
    outcome: 'denied',
    actor: actorId(actor),
    ...(target.userId ? { target: target.userId } : target.clientId ? { target: target.clientId } : {}),
    details: { action },
  });
  throw new DomainError('forbidden', action);
}
