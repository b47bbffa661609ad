import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { User, UserStore } from '../domain/ports.ts';

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
export function interactionPolicyFor(users: UserStore) {
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
  return policy;
}
