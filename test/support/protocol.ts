import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { FormClient, type Page } from './browserless.ts';
import { REDIRECT } from './rp.ts';

/** Helpers for the protocol tests: raw requests an RP library would never send, and their checks. */

/** A form client that also remembers every Set-Cookie header it received. */
export class RecordingClient extends FormClient {
  readonly setCookies: string[] = [];

  override async request(url: string, init: Parameters<FormClient['request']>[1] = {}) {
    const res = await super.request(url, init);
    this.setCookies.push(...res.headers.getSetCookie());
    return res;
  }
}

/** A well-formed code + PKCE request for `clientId`; `undefined` in `overrides` drops a parameter. */
export async function authorizationUrl(
  issuer: string,
  clientId: string,
  overrides: Record<string, string | undefined> = {},
): Promise<{ url: string; verifier: string; state: string; nonce: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const params: Record<string, string | undefined> = {
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email profile roles',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, v);
  return { url: `${issuer}/auth?${query}`, verifier, state, nonce };
}

/** The parameters of an authorization response, from the query or (implicit/hybrid) the fragment. */
export function callbackParams(url: string): URLSearchParams {
  const u = new URL(url);
  const out = new URLSearchParams(u.search);
  for (const [k, v] of new URLSearchParams(u.hash.slice(1))) out.append(k, v);
  return out;
}

/** Asserts `page` is the app's callback carrying `error` and no credential of any kind. */
export function assertErrorAtCallback(page: Page, error: string, issuer: string): URLSearchParams {
  assert.ok(page.url.startsWith(REDIRECT), `expected a redirect to the app, got ${page.status} ${page.url}`);
  const params = callbackParams(page.url);
  assert.equal(params.get('error'), error, `callback: ${page.url}`);
  for (const credential of ['code', 'access_token', 'id_token', 'token_type']) {
    assert.equal(params.has(credential), false, `no ${credential} may be issued: ${page.url}`);
  }
  assert.equal(params.get('iss'), issuer);
  return params;
}

/** Stack frames (`at fn (/path/file.js:1:2)`), error class dumps and module paths must never be shown. */
const LEAKS: RegExp[] = [
  /\bat [^\n]*[/\\][^\n]*:\d+/,
  /\bat (?:async )?[\w.<>]+ \(/,
  // An error class's dump (`TypeError: …`, or a bare `Error: …` opening a line as in a stack); a
  // page title "Error: sign in" is the accessible way of saying a submit failed, not a leak.
  /\b(?:[A-Z][a-z]+)+Error: |^Error: /m,
  /node_modules/,
  /\/work\/|file:\/\//,
];

export function assertNoInternals(body: string, what: string): void {
  for (const leak of LEAKS) assert.doesNotMatch(body, leak, `${what} leaks internals: ${body.slice(0, 400)}`);
}

/** A response acceptable to a malformed request: a 4xx, or an OAuth error redirected to the app. */
export async function assertRefused(res: Response, what: string): Promise<string> {
  const body = await res.text();
  assertNoInternals(body, what);
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location') ?? '';
    assert.ok(location.startsWith(REDIRECT), `${what}: redirected elsewhere than the app: ${location}`);
    assert.ok(callbackParams(location).has('error'), `${what}: redirected without an error: ${location}`);
    return body;
  }
  assert.ok(
    res.status >= 400 && res.status < 500,
    `${what}: expected a 4xx, got ${res.status}: ${body.slice(0, 300)}`,
  );
  return body;
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Asserts that an openid-client call failed with the OAuth `error` code (and optionally HTTP status). */
export async function assertOAuthError(
  promise: Promise<unknown>,
  error: string,
  status?: number,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof oidc.ResponseBodyError, `expected an OAuth error response, got ${String(err)}`);
    assert.equal(err.error, error);
    if (status !== undefined) assert.equal(err.status, status);
    return true;
  });
}
