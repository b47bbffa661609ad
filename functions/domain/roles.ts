import { audit, auditTenant, type Deps } from './deps.ts';
import { normaliseEmail } from './email.ts';
import { DomainError } from './errors.ts';
import { NotFound } from './ports.ts';

/** The app exists but defines no such role (MxID: roles belong to one app). */
export class UnknownRole extends DomainError {
  override name = 'UnknownRole';
  constructor(role: string) {
    super('unknown_role', role);
  }
}

export interface RoleChange {
  email: string;
  clientId: string;
  role: string;
  actor: string;
}

async function changeRole(deps: Deps, input: RoleChange, grant: boolean): Promise<void> {
  const user = await deps.users.findByEmailKey(normaliseEmail(input.email).emailKey);
  if (!user) throw new NotFound('user');
  const client = await deps.clients.get(input.clientId);
  if (!client) throw new NotFound('client');
  if (!client.roles.includes(input.role)) throw new UnknownRole(input.role);
  await (grant
    ? deps.roles.grant(user.id, client.clientId, input.role)
    : deps.roles.revoke(user.id, client.clientId, input.role));
  await audit(deps, {
    type: grant ? 'role.granted' : 'role.revoked',
    outcome: 'success',
    actor: input.actor,
    target: user.id,
    tenant: auditTenant(user),
    clientId: client.clientId,
    details: { role: input.role },
  });
}

export const grantRole = (deps: Deps, input: RoleChange): Promise<void> => changeRole(deps, input, true);
export const revokeRole = (deps: Deps, input: RoleChange): Promise<void> => changeRole(deps, input, false);
