import type { User } from '../domain/ports.ts';
import type { SignedInUser } from '../interactions/services.ts';

/** What the MFA step needs of the user the first step read, so it is not read again (no password hash). */
export function signedInUser(user: User): SignedInUser {
  const { id, disabled, requireMfa, tenantId, factorsNeverAdded, credentialsChangedAt } = user;
  return {
    id,
    disabled,
    tenantId,
    credentialsChangedAt,
    ...(requireMfa ? { requireMfa } : {}),
    ...(factorsNeverAdded ? { factorsNeverAdded } : {}),
  };
}
