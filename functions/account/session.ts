import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { ACCOUNT_CLIENT_ID } from '../domain/clients.ts';
import type { User, UserStore } from '../domain/ports.ts';
import { satisfies } from '../oidc/acr.ts';
import { type PolicyStrength, signedInBeforeReset } from '../oidc/session-check.ts';

/** Changing second factors needs a sign-in at most this old; older sessions are asked to sign in again. */
export const RECENT_SIGN_IN_SECONDS = 15 * 60;

export interface SignedIn {
  user: User;
  /** Signed in within RECENT_SIGN_IN_SECONDS. */
  recent: boolean;
}

/**
 * The user of this browser's Sesame session, judged exactly like the interaction policy judges it
 * for apps: no session, a disabled or deleted user, a sign-in from before the last password change,
 * or a session weaker than MFA policy demands all mean "sign in (again)", i.e. null.
 */
export async function signedInUser(
  ctx: Context,
  provider: Provider,
  deps: { users: UserStore; policyStrength: PolicyStrength | undefined; now: () => number },
): Promise<SignedIn | null> {
  const session = await provider.Session.get(ctx as never);
  const accountId = session.accountId;
  if (!accountId) return null;
  const user = await deps.users.findById(accountId);
  const authTime = session.authTime();
  if (!user || user.disabled || signedInBeforeReset(user, authTime)) return null;
  const wanted = deps.policyStrength ? await deps.policyStrength(user.id, ACCOUNT_CLIENT_ID, user) : null;
  if (!satisfies(session.acr, wanted)) return null;
  const age = deps.now() / 1000 - (authTime ?? 0);
  return { user, recent: age <= RECENT_SIGN_IN_SECONDS };
}
