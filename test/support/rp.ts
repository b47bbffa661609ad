import * as oidc from 'openid-client';
import { type ClientRegistration, registerClient } from '../../functions/domain/clients.ts';
import { createUser, grantRole } from '../../functions/domain/login.ts';
import { FormClient, type Page } from './browserless.ts';
import type { RunningSesame } from './sesame.ts';

export const REDIRECT = 'http://127.0.0.1:9/callback';
export const PASSWORD = 'correct horse battery staple';

/** Registers an app and returns an openid-client configuration for it (the real RP library). */
export async function relyingParty(
  sesame: RunningSesame,
  reg: Partial<ClientRegistration> & { clientId: string },
) {
  const { clientSecret } = await registerClient(
    sesame.parts.deps.clients,
    { redirectUris: [REDIRECT], postLogoutRedirectUris: ['http://127.0.0.1:9/bye'], ...reg },
    new Date(),
  );
  const config = await oidc.discovery(
    new URL(sesame.issuer),
    reg.clientId,
    clientSecret ?? undefined,
    reg.public ? oidc.None() : undefined,
    { execute: [oidc.allowInsecureRequests] },
  );
  return { config, clientSecret };
}

export async function addUser(
  sesame: RunningSesame,
  email: string,
  options: { name?: string; roles?: Array<[string, string]> } = {},
) {
  const user = await createUser(sesame.parts.deps, {
    email,
    name: options.name ?? 'Test User',
    password: PASSWORD,
    actor: 'test',
  });
  for (const [clientId, role] of options.roles ?? []) {
    await grantRole(sesame.parts.deps, { email, clientId, role, actor: 'test' });
  }
  return user;
}

/**
 * The URL of the interaction a sign-in page belongs to (`…/interaction/<uid>`), whether the page was
 * served there or in place of the authorization endpoint's redirect (interactions/short-login.ts),
 * where the form posts to `…/auth/<uid>/login`.
 */
export function interactionUrl(page: Page): string {
  const served = /^(.*\/interaction\/[\w-]+)(?:\/[\w/-]*)?(?:\?.*)?$/.exec(page.url)?.[1];
  if (served) return served;
  const action = /action="([^"]*)\/auth\/([\w-]+)\/login"/.exec(page.html);
  if (!action) throw new Error(`not a sign-in page: ${page.url}`);
  return new URL(`${action[1]}/interaction/${action[2]}`, page.url).href;
}

/** Where the sign-in page is served: in place of the authorization endpoint's redirect. */
export const SIGN_IN_PAGE = /\/auth\?/;

export interface Started {
  browser: FormClient;
  page: Page;
  verifier: string;
  state: string;
  nonce: string;
}

/** Starts a code + PKCE authorization like an app would, and lands on Sesame's login page. */
export async function startLogin(
  config: oidc.Configuration,
  extra: Record<string, string> = {},
  browser = new FormClient(),
  stopAt = REDIRECT,
): Promise<Started> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid email profile roles offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  const page = await browser.follow(url.href, {}, stopAt);
  return { browser, page, verifier, state, nonce };
}

/** Posts the login form; returns the page (on failure) or the callback URL (on success). */
export async function submitLogin(s: Started, email: string, password: string): Promise<Page> {
  return s.browser.submit(s.page, '/login', { email, password }, REDIRECT);
}

export async function redeem(config: oidc.Configuration, s: Started, callbackUrl: string) {
  return oidc.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: s.verifier,
    expectedState: s.state,
    expectedNonce: s.nonce,
  });
}

/** A full sign-in: authorization request, login form, code redemption. */
export async function signIn(
  config: oidc.Configuration,
  email: string,
  password = PASSWORD,
  extra: Record<string, string> = {},
) {
  const started = await startLogin(config, extra);
  const afterLogin = await submitLogin(started, email, password);
  // prompt=consent (needed for offline_access) shows the consent page even to first-party apps.
  const callback = afterLogin.html.includes('/confirm"')
    ? await started.browser.submit(afterLogin, '/confirm', {}, REDIRECT)
    : afterLogin;
  if (!callback.url.startsWith(REDIRECT))
    throw new Error(`login did not redirect back (status ${callback.status})`);
  return { started, callback, tokens: await redeem(config, started, callback.url) };
}
