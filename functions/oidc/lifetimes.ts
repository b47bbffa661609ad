/**
 * How long a sign-in lasts. A sign-in through an upstream provider (amr `fed`) lasts at most
 * `federatedSeconds` from the moment it happened, however the session or its refresh tokens are
 * used meanwhile: a person the company removes upstream is asked back there within that time, where
 * the upstream refuses them. Sesame's own sessions and refresh tokens keep their configured lifetimes.
 *
 * The limit is enforced where a sign-in is used (the interaction policy, findAccount for tokens and
 * the account page), and the stored session and refresh tokens expire with it, so nothing relies on
 * one place alone. Every signed-in session, federated or not, ends `sessionSeconds` after its sign-in.
 */
export interface Lifetimes {
  sessionSeconds: number;
  refreshTokenSeconds: number;
  federatedSeconds: number;
}

export const isFederated = (amr: unknown): boolean => Array.isArray(amr) && amr.includes('fed');

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Whether a sign-in with these `amr` values at `authTime` (epoch seconds) is past its maximum lifetime. */
export function pastFederatedLimit(
  lifetimes: Pick<Lifetimes, 'federatedSeconds'>,
  amr: unknown,
  authTime: number | undefined,
): boolean {
  if (!isFederated(amr)) return false;
  // An unknown sign-in time is treated as too old (fail closed).
  return authTime === undefined || nowSeconds() >= authTime + lifetimes.federatedSeconds;
}

/** Seconds a stored item may still live: its own lifetime, cut to what the federated limit leaves. */
function remaining(lifetimes: Lifetimes, own: number, amr: unknown, authTime: number | undefined): number {
  if (!isFederated(amr)) return own;
  const left = (authTime ?? 0) + lifetimes.federatedSeconds - nowSeconds();
  // oidc-provider wants a positive lifetime; one second is as good as gone (and refused on use).
  return Math.max(1, Math.min(own, left));
}

/**
 * oidc-provider's `ttl.Session`. It is asked at every save of a session, and every request that
 * loads one saves it: a lifetime counted from now would let a session used once a day (a stolen
 * cookie) live for ever. So a signed-in session lives `sessionSeconds` from its sign-in, whatever
 * happens meanwhile (SESAME_SESSION_TTL is the SSO session's maximum, not an idle timeout).
 */
export function sessionTtl(lifetimes: Lifetimes) {
  return (_ctx: unknown, session: { amr?: unknown; loginTs?: number | undefined }): number => {
    const own = remaining(lifetimes, lifetimes.sessionSeconds, session.amr, session.loginTs);
    if (session.loginTs === undefined) return own;
    return Math.max(1, Math.min(own, session.loginTs + lifetimes.sessionSeconds - nowSeconds()));
  };
}

/** oidc-provider's `ttl.RefreshToken` (rotated tokens are measured from the same sign-in). */
export function refreshTokenTtl(lifetimes: Lifetimes) {
  return (_ctx: unknown, token: { amr?: unknown; authTime?: number | undefined }): number =>
    remaining(lifetimes, lifetimes.refreshTokenSeconds, token.amr, token.authTime);
}
