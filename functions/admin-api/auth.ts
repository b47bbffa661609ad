import { createLocalJWKSet, type JWK, errors as joseErrors, jwtVerify } from 'jose';
import type { Context } from 'koa';
import { signedInBeforeReset } from '../domain/accounts.ts';
import type { Actor } from '../domain/admin/actor.ts';
import type { Clock } from '../domain/clock.ts';
import type { DomainDeps } from '../domain/deps.ts';
import { strongestFactor } from '../domain/mfa/sign-in.ts';
import type { ClientStore, CredentialStore, UserStore } from '../domain/ports.ts';
import { satisfies } from '../oidc/acr.ts';
import { ACTOR_CLAIM, ADMIN_SCOPE, adminResource } from '../oidc/admin-resource.ts';
import { ApiProblem, problem } from './problem.ts';

/** Private key members of a JWK: none of them is needed (or wanted) to verify a signature. */
const PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

export interface BearerDeps {
  issuer: string;
  /** Sesame's signing keys (the public halves are taken). */
  jwks: { keys: JWK[] };
  users: Pick<UserStore, 'findById'>;
  clients: Pick<ClientStore, 'get'>;
  credentials: Pick<CredentialStore, 'list'>;
  config: DomainDeps['config'];
  clock: Clock;
}

/**
 * A person's admin token counts for an hour after they signed in: a refresh token must not keep
 * minting admin tokens for the life of the grant.
 */
export const ADMIN_SIGN_IN_MAX_AGE_SECONDS = 3600;

const unauthorized = (description: string) =>
  new ApiProblem({
    status: 401,
    code: 'invalid_token',
    title: 'A valid admin API access token is required.',
    detail: description,
    challenge: `Bearer error="invalid_token", error_description="${description}"`,
  });

/**
 * Who a request to the admin API speaks for, from its Bearer token: a JWT access token Sesame issued
 * for the admin API resource (signature, issuer, audience, `at+jwt` type, expiry, `admin` scope),
 * whose app still has admin API access now. A user's token must show a sign-in with a second factor
 * (`acr`) made after their last password reset, by a user who is not disabled; an app's own token
 * (client credentials) acts with the access the operator gave that app (domain/admin/actor.ts).
 */
export function bearerAuthenticator(deps: BearerDeps) {
  const keys = createLocalJWKSet({
    keys: deps.jwks.keys.map((k) => Object.fromEntries(Object.entries(k).filter(([n]) => !PRIVATE.has(n)))),
  });
  const audience = adminResource(deps.issuer);
  return async function authenticate(ctx: Context): Promise<Actor> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(ctx.get('authorization'));
    if (!match?.[1]) throw unauthorized('a Bearer token is required');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(match[1], keys, {
        issuer: deps.issuer,
        audience,
        typ: 'at+jwt',
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'scope'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw unauthorized('the token is not valid');
      throw err;
    }
    if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(ADMIN_SCOPE))
      throw new ApiProblem({
        status: 403,
        code: 'insufficient_scope',
        title: 'The token lacks the admin scope.',
        challenge: `Bearer error="insufficient_scope", scope="${ADMIN_SCOPE}"`,
      });
    const clientId = String(claims.client_id);
    const access = (await deps.clients.get(clientId))?.adminApi;
    if (!access) throw unauthorized('the app has no admin API access');

    if (claims[ACTOR_CLAIM] === 'client') {
      if (access === 'users' || claims.sub !== clientId) throw unauthorized('the token is not valid');
      return { kind: 'client', clientId };
    }
    if (claims[ACTOR_CLAIM] !== 'user' || access !== 'users') throw unauthorized('the token is not valid');
    const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
    if (!satisfies(acr, 'any'))
      throw problem(403, 'mfa_required', 'Administration needs a sign-in with a second factor.');
    const signedInAt = typeof claims.auth_time === 'number' ? claims.auth_time : undefined;
    const now = deps.clock.now().getTime() / 1000;
    if (signedInAt === undefined || now - signedInAt > ADMIN_SIGN_IN_MAX_AGE_SECONDS)
      throw unauthorized('sign in again: administration needs a sign-in from the last hour');
    const [user, factors] = await Promise.all([
      deps.users.findById(String(claims.sub)),
      deps.credentials.list(String(claims.sub)),
    ]);
    if (!user || user.disabled || signedInBeforeReset(user, signedInAt))
      throw unauthorized('the sign-in behind the token no longer counts');
    // As on /account and in the console: the user's best factor, not a weaker one they also have.
    if (!satisfies(acr, strongestFactor(deps.config, factors) ?? 'any'))
      throw problem(
        403,
        'mfa_required',
        'Sign in with your strongest second factor (your authenticator app).',
      );
    return { kind: 'user', userId: user.id };
  };
}
