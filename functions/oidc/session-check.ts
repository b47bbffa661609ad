import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Strength } from '../domain/mfa/factor.ts';
import type { User, UserStore } from '../domain/ports.ts';
import { requestedStrength, satisfies } from './acr.ts';

const { Check, base } = interactionPolicy;

/** True when the sign-in at `signedInAt` (epoch seconds) predates the user's last password reset. */
export function signedInBeforeReset(user: User, signedInAt: number | undefined): boolean {
  if (user.credentialsChangedAt === null) return false;
  // Unknown sign-in time: treat as stale (fail closed). Second resolution: the same second counts as after.
  return signedInAt === undefined || signedInAt < Math.floor(user.credentialsChangedAt / 1000);
}

/**
 * The interaction policy: oidc-provider's default prompts plus one login check. A browser session
 * whose user has been disabled, deleted or had the password reset since signing in must sign in
 * again (or gets `login_required` with prompt=none) — that is how "reset ends sessions" works
 * without having to find and delete every session item.
 */
/** What MFA policy demands of a sign-in by this user to this app (null: a password will do). */
export type PolicyStrength = (userId: string, clientId: string) => Promise<Strength | null>;

export function interactionPolicyFor(users: UserStore, policyStrength?: PolicyStrength) {
  const policy = base();
  const login = policy.get('login');
  login?.checks.add(
    new Check(
      'session_invalidated',
      'End-User authentication is required',
      'login_required',
      async (ctx: KoaContextWithOIDC) => {
        const { session, result } = ctx.oidc;
        if (!session?.accountId || result?.login) return Check.NO_NEED_TO_PROMPT;
        const user = await users.findById(session.accountId);
        const stale = !user || user.disabled || signedInBeforeReset(user, session.authTime());
        return stale ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      },
    ),
  );
  login?.checks.add(stepUpCheck(policyStrength));
  return policy;
}

/** Name of the step-up check; the interaction pages recognise it and ask only for the second factor. */
export const STEP_UP_REASON = 'acr_values_unmet';

/**
 * Step-up (OIDC Core §3.1.2.1 acr_values): when an app asks for a stronger acr than the session
 * has, the login prompt is requested again; the interaction sees the session's account and asks
 * only for a second factor. With prompt=none the app gets `login_required`. The same happens when
 * MFA policy (app, role, user) wants more than the session has, e.g. a password-only session
 * from another app reaching an app that requires MFA.
 */
function stepUpCheck(policyStrength?: PolicyStrength) {
  return new Check(
    STEP_UP_REASON,
    'The requested authentication context class is stronger than the current session',
    'login_required',
    async (ctx: KoaContextWithOIDC) => {
      const { session, result, params, client } = ctx.oidc;
      if (!session?.accountId || result?.login) return Check.NO_NEED_TO_PROMPT;
      if (!satisfies(session.acr, requestedStrength(params?.acr_values))) return Check.REQUEST_PROMPT;
      const policy = policyStrength ? await policyStrength(session.accountId, client?.clientId ?? '') : null;
      return satisfies(session.acr, policy) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    },
  );
}
