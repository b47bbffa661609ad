import { grantRole, revokeRole } from '../roles.ts';
import { type Actor, actorId } from './actor.ts';
import { type AdminDeps, targetUser, type UserRef } from './users.ts';

/** Grants or revokes one role of one app; returns the user's roles in that app afterwards. */
export async function changeRole(
  deps: AdminDeps,
  actor: Actor,
  input: UserRef & { clientId: string; role: string; grant: boolean },
): Promise<{ email: string; clientId: string; roles: string[] }> {
  const action = input.grant ? 'role.grant' : 'role.revoke';
  const user = await targetUser(deps, actor, action, input, {
    clientId: input.clientId,
    roles: [input.role],
  });
  const change = { email: user.email, clientId: input.clientId, role: input.role, actor: actorId(actor) };
  await (input.grant ? grantRole : revokeRole)(deps, change);
  return {
    email: user.email,
    clientId: input.clientId,
    roles: await deps.roles.rolesIn(user.id, input.clientId),
  };
}
