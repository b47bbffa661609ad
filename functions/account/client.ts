import { createHash, randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { ACCOUNT_CLIENT_ID, CONSOLE_CLIENT_ID } from '../domain/clients.ts';
import type { Strength } from '../domain/credentials/strategy.ts';
import { acrFor } from '../oidc/acr.ts';

export const ACCOUNT_CLIENT_NAME = 'your Sesame account';
export const CONSOLE_CLIENT_NAME = 'Sesame administration';

/** A page of Sesame's own that signs users in as a built-in app: the account page, the admin console. */
export interface OwnPage {
  clientId: string;
  name: string;
  /** Where the page lives below the issuer; sign-in returns to `<path>/callback`. */
  path: '/account' | '/admin';
}

export const ACCOUNT_PAGE: OwnPage = {
  clientId: ACCOUNT_CLIENT_ID,
  name: ACCOUNT_CLIENT_NAME,
  path: '/account',
};
export const CONSOLE_PAGE: OwnPage = {
  clientId: CONSOLE_CLIENT_ID,
  name: CONSOLE_CLIENT_NAME,
  path: '/admin',
};

/**
 * Sesame's own pages sign users in the way every app does: they send the browser through
 * oidc-provider's authorization endpoint as a built-in, first-party client, so the login page,
 * lockout, MFA policy and step-up all apply unchanged. What they rely on afterwards is the Sesame
 * browser session that sign-in leaves, not a token, so the client can never use the token endpoint:
 * it is confidential with a random secret that exists only in this process's memory (and the PKCE
 * verifier is thrown away too). Its codes cannot be redeemed by anyone and simply expire.
 */
export function pageClient(issuer: string, page: OwnPage): ClientMetadata {
  return {
    client_id: page.clientId,
    client_name: page.name,
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: randomBytes(32).toString('base64url'),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [callbackUrl(issuer, page)],
    post_logout_redirect_uris: [],
    scope: 'openid',
    first_party: true,
  };
}

export const accountClient = (issuer: string): ClientMetadata => pageClient(issuer, ACCOUNT_PAGE);

const at = (issuer: string, path: string) => `${issuer.replace(/\/+$/, '')}${path}`;

export function callbackUrl(issuer: string, page: OwnPage = ACCOUNT_PAGE): string {
  return at(issuer, `${page.path}/callback`);
}

/**
 * The authorization request that signs the user in to one of Sesame's pages. `fresh` asks for a new
 * sign-in even when a session exists (prompt=login), before changing second factors; `mfa` asks for
 * a second factor of that strength (acr_values), which steps up an existing session.
 */
export function signInUrl(
  issuer: string,
  /** `loginHint`: the address the login page is pre-filled with (confirming it is you). */
  options: { fresh?: boolean; mfa?: Strength; page?: OwnPage; loginHint?: string } = {},
): string {
  const page = options.page ?? ACCOUNT_PAGE;
  const unusedVerifier = randomBytes(32).toString('base64url');
  const url = new URL(at(issuer, '/auth'));
  url.search = new URLSearchParams({
    client_id: page.clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: callbackUrl(issuer, page),
    code_challenge: createHash('sha256').update(unusedVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.fresh ? { prompt: 'login' } : {}),
    ...(options.mfa ? { acr_values: acrFor(options.mfa) } : {}),
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  }).toString();
  return url.href;
}
