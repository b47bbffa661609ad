import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { sessionNoLongerCounts } from '../domain/accounts.ts';
import type { Strength } from '../domain/credentials/strategy.ts';
import type { Tenant, User, UserStore } from '../domain/ports.ts';
import { requestedStrength, satisfies } from './acr.ts';
import { isFederated, type Lifetimes, pastFederatedLimit } from './lifetimes.ts';

const { Check, base } = interactionPolicy;

export { sessionEnded, sessionNoLongerCounts, signedInBeforeReset } from '../domain/accounts.ts';

/**
 * What MFA policy demands of a sign-in by this user to this app (null: a password will do).
 * `user`: the user when the caller already has it (or is reading it), so it is not read twice.
 */
export type PolicyStrength = (
  userId: string,
  clientId: string,
  user?: User | null | Promise<User | null>,
) => Promise<Strength | null>;

/**
 * One read of a user per HTTP request. During an authorization request with a session, the
 * session check, the step-up check and findAccount (account.ts) all want the session's user.
 * Keyed on the request's context object, so nothing outlives the request: the next request reads
 * afresh and sees a disable or password reset at once. A failed read stays failed (fail closed).
 */
const perRequest = new WeakMap<object, Map<string, Promise<User | null>>>();

export function userForRequest(ctx: object, users: UserStore, id: string): Promise<User | null> {
  let byId = perRequest.get(ctx);
  if (!byId) {
    byId = new Map();
    perRequest.set(ctx, byId);
  }
  let user = byId.get(id);
  if (!user) {
    user = users.findById(id);
    byId.set(id, user);
  }
  return user;
}

/**
 * Whether a sign-in that did not come through an upstream (`amr` without `fed`) is refused because
 * the user's tenant signs in through its connections only (read through the settings cache: a
 * switch reaches sessions within 30 s; switching ends the tenant's sessions at once anyway).
 */
export async function passwordRefused(
  user: User,
  amr: unknown,
  tenantSettings: (tenantId: string) => Promise<Tenant | null>,
): Promise<boolean> {
  return !isFederated(amr) && (await tenantSettings(user.tenantId))?.federationOnly === true;
}

/**
 * The interaction policy: oidc-provider's default prompts plus one login check. A browser session
 * whose user has been disabled, deleted or had the password reset since signing in must sign in
 * again (or gets `login_required` with prompt=none) — that is how "reset ends sessions" works
 * without having to find and delete every session item. So must a federated sign-in past its
 * maximum lifetime (lifetimes.ts).
 */
export function interactionPolicyFor(
  users: UserStore,
  lifetimes: Pick<Lifetimes, 'federatedSeconds'>,
  tenantSettings: (tenantId: string) => Promise<Tenant | null>,
  policyStrength?: PolicyStrength,
) {
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
        if (pastFederatedLimit(lifetimes, session.amr, session.authTime())) return Check.REQUEST_PROMPT;
        const user = await userForRequest(ctx, users, session.accountId);
        const stale =
          !user ||
          sessionNoLongerCounts(user, session.uid, session.authTime()) ||
          (await passwordRefused(user, session.amr, tenantSettings));
        return stale ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
      },
    ),
  );
  login?.checks.add(stepUpCheck(users, policyStrength));
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
function stepUpCheck(users: UserStore, policyStrength?: PolicyStrength) {
  return new Check(
    STEP_UP_REASON,
    'The requested authentication context class is stronger than the current session',
    'login_required',
    async (ctx: KoaContextWithOIDC) => {
      const { session, result, params, client } = ctx.oidc;
      if (!session?.accountId || result?.login) return Check.NO_NEED_TO_PROMPT;
      if (!satisfies(session.acr, requestedStrength(params?.acr_values))) return Check.REQUEST_PROMPT;
      if (!policyStrength) return Check.NO_NEED_TO_PROMPT;
      const { accountId } = session;
      const user = userForRequest(ctx, users, accountId);
      const policy = await policyStrength(accountId, client?.clientId ?? '', user);
      return satisfies(session.acr, policy) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    },
  );
}
