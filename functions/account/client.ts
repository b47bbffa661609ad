import { createHash, randomBytes } from 'node:crypto';
import type { ClientMetadata } from 'oidc-provider';
import { ACCOUNT_CLIENT_ID } from '../domain/clients.ts';
import type { Strength } from '../domain/credentials/strategy.ts';
import { ACR } from '../oidc/acr.ts';

export const ACCOUNT_CLIENT_NAME = 'your Sesame account';

/**
 * The account page signs users in the way every app does: it sends the browser through
 * oidc-provider's authorization endpoint as a built-in, first-party client, so the login page,
 * lockout, MFA policy and step-up all apply unchanged. What it relies on afterwards is the Sesame
 * browser session that sign-in leaves, not a token, so the client can never use the token endpoint:
 * it is confidential with a random secret that exists only in this process's memory (and the PKCE
 * verifier is thrown away too). Its codes cannot be redeemed by anyone and simply expire.
 */
export function accountClient(issuer: string): ClientMetadata {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: ACCOUNT_CLIENT_NAME,
    token_endpoint_auth_method: 'client_secret_basic',
    client_secret: randomBytes(32).toString('base64url'),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [callbackUrl(issuer)],
    post_logout_redirect_uris: [],
    scope: 'openid',
    first_party: true,
  };
}

const at = (issuer: string, path: string) => `${issuer.replace(/\/+$/, '')}${path}`;

export function callbackUrl(issuer: string): string {
  return at(issuer, '/account/callback');
}

/**
 * The authorization request that signs the user in to the account page. `fresh` asks for a new
 * sign-in even when a session exists (prompt=login), before changing second factors; `mfa` asks for
 * a second factor of that strength (acr_values), which steps up an existing session.
 */
export function signInUrl(issuer: string, options: { fresh?: boolean; mfa?: Strength } = {}): string {
  const unusedVerifier = randomBytes(32).toString('base64url');
  const url = new URL(at(issuer, '/auth'));
  url.search = new URLSearchParams({
    client_id: ACCOUNT_CLIENT_ID,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: callbackUrl(issuer),
    code_challenge: createHash('sha256').update(unusedVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(options.fresh ? { prompt: 'login' } : {}),
    ...(options.mfa ? { acr_values: options.mfa === 'strong' ? ACR.mfa : ACR.mfaEmail } : {}),
  }).toString();
  return url.href;
}
