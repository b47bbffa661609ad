import type { Config } from '../config/config.ts';
import { signedInBeforeReset } from '../domain/accounts.ts';
import type { DomainDeps } from '../domain/deps.ts';
import { isDomainError } from '../domain/errors.ts';
import {
  acceptInvitation,
  createInvitedAccount,
  invitationStart,
  invitationView,
  openInvitation,
} from '../domain/invitations.ts';
import { PolicyViolation } from '../domain/password-policy.ts';
import type { AccountProblem, InvitationServices } from '../interactions/services.ts';
import { pastFederatedLimit } from '../oidc/lifetimes.ts';

/**
 * Accepting an invitation (domain/invitations.ts), loaded by the first request that carries one
 * (parts.ts): few sign-ins do.
 */
export function invitationServices(deps: DomainDeps, config: Config): InvitationServices {
  return {
    async open(token) {
      const invitation = await openInvitation(deps, token);
      if (!invitation) return null;
      const view = await invitationView(deps, invitation);
      const client = invitation.clientId ? await deps.clients.get(invitation.clientId) : null;
      return { ...view, startAt: invitationStart(config.issuer, client, invitation.email) };
    },
    async createAccount(token, input) {
      const invitation = await openInvitation(deps, token);
      if (!invitation) return 'gone';
      try {
        await createInvitedAccount(deps, invitation, input);
        return 'created';
      } catch (err) {
        const problem = accountProblem(err);
        if (problem) return { problem };
        throw err;
      }
    },
    accept: (input) => acceptInvitation(deps, input),
    async acceptFromSession({ ref, userId, signedInAt, amr }) {
      const user = await deps.users.findById(userId);
      const lifetimes = { federatedSeconds: config.ttl.federatedSessionSeconds };
      if (
        !user ||
        user.disabled ||
        signedInBeforeReset(user, signedInAt) ||
        pastFederatedLimit(lifetimes, amr, signedInAt)
      )
        return 'stale';
      return (await acceptInvitation(deps, {
        ref,
        userId,
        ...(signedInAt !== undefined ? { signedInAt } : {}),
      }))
        ? 'accepted'
        : 'refused';
    },
  };
}

/** What the invitation page tells the invitee to fix, for the errors creating their account can meet. */
function accountProblem(err: unknown): AccountProblem | null {
  if (err instanceof PolicyViolation) return { code: 'weak_password', violations: err.violations };
  if (isDomainError(err, 'invalid_email')) return { code: 'invalid_email' };
  if (isDomainError(err, 'email_taken')) return { code: 'email_taken' };
  if (!isDomainError(err, 'invalid_setting')) return null;
  const reason = err.detail;
  if (reason === 'name' || reason === 'foreign_domain' || reason === 'federation_only')
    return { code: reason };
  return { code: 'other' };
}
