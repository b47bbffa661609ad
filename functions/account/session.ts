import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { ACCOUNT_CLIENT_ID } from '../domain/clients.ts';
import { type Strength, stronger as strongerOf } from '../domain/credentials/strategy.ts';
import type { DomainDeps } from '../domain/deps.ts';
import { requirementForId, strongestFactor } from '../domain/mfa/sign-in.ts';
import type { User } from '../domain/ports.ts';
import { satisfies } from '../oidc/acr.ts';
import { pastFederatedLimit } from '../oidc/lifetimes.ts';
import { sessionNoLongerCounts } from '../oidc/session-check.ts';

/** Changing second factors needs a sign-in at most this old; older sessions are asked to sign in again. */
export const RECENT_SIGN_IN_SECONDS = 15 * 60;

export type AccountSession =
  /**
   * Signed in strongly enough for `strength`; `recent`: within RECENT_SIGN_IN_SECONDS; `sessionUid`
   * identifies this browser session (the account page's CSRF tokens are bound to it).
   */
  | { kind: 'signed-in'; user: User; recent: boolean; strength: Strength | null; sessionUid: string }
  /** Signed in, but more weakly than the page demands: step up to `strength` first. */
  | { kind: 'step-up'; strength: Strength }
  /** No usable session: sign in. */
  | { kind: 'none' };

/**
 * The user of this browser's Sesame session, judged like the interaction policy judges it for apps
 * (no session, a disabled or deleted user, or a sign-in from before the last password change mean
 * "sign in"), plus one rule of the account page's own: the session must be as strong as the user's
 * strongest factor. Whoever manages the factors must have passed the best of them; otherwise a
 * password (with `SESAME_MFA_POLICY=off`) or an e-mailed code could replace the authenticator, or
 * mint recovery codes, which count as strong.
 */
export async function accountSession(
  ctx: Context,
  provider: Provider,
  mfa: DomainDeps,
  federatedSeconds: number,
  /** The page asking (its app's MFA policy applies), and the least it demands (the console: a second factor). */
  page: { clientId: string; minimum: Strength | null } = { clientId: ACCOUNT_CLIENT_ID, minimum: null },
): Promise<AccountSession> {
  const session = await provider.Session.get(ctx as never);
  const accountId = session.accountId;
  if (!accountId) return { kind: 'none' };
  if (pastFederatedLimit({ federatedSeconds }, session.amr, session.authTime())) return { kind: 'none' };
  // What MFA policy wants of this app (as the step-up check at /auth computes it), with the factors.
  const found = await requirementForId(mfa, {
    userId: accountId,
    clientId: page.clientId,
    requested: null,
  });
  const authTime = session.authTime();
  if (!found || sessionNoLongerCounts(found.user, session.uid, authTime)) return { kind: 'none' };
  const { user, requirement, factors } = found;
  const policy = requirement.required ? requirement.strength : null;
  const wanted = stronger(stronger(policy, page.minimum), strongestFactor(mfa.config, factors));
  if (!satisfies(session.acr, wanted)) return { kind: 'step-up', strength: wanted ?? 'any' };
  const age = mfa.clock.now().getTime() / 1000 - (authTime ?? 0);
  return {
    kind: 'signed-in',
    user,
    recent: age <= RECENT_SIGN_IN_SECONDS,
    strength: wanted,
    sessionUid: session.uid,
  };
}

function stronger(a: Strength | null, b: Strength | null): Strength | null {
  return a && b ? strongerOf(a, b) : (a ?? b);
}
