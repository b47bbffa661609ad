import * as oidc from 'openid-client';
import { FormClient, findForm } from '../functions/cli/form-client.ts';
import type { FederationTarget } from './federation.ts';
import type { PasskeyTarget } from './passkey.ts';

/** What a bench server reports when it is ready (bare-provider.ts, sesame-server.ts). */
export interface Target {
  url: string;
  node: string;
  machine: { id: string; secret: string };
  web: { id: string; secret: string; redirect: string };
  user: { email: string; password: string };
  federation?: FederationTarget;
  /** Sesame's: a user with a discoverable passkey (bench/passkey.ts). */
  passkey?: PasskeyTarget;
}

export interface Request {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** Successful requests per second. */
  rate: number;
  ok: number;
  /** Latency at the load generator, milliseconds. */
  p50Ms: number;
  p95Ms: number;
}

export const tokenRequest = (t: Target): Request => ({
  url: `${t.url}/token`,
  method: 'POST',
  headers: {
    authorization: `Basic ${Buffer.from(`${t.machine.id}:${t.machine.secret}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'grant_type=client_credentials',
});

export const discoveryRequest = (t: Target): Request => ({
  url: `${t.url}/.well-known/openid-configuration`,
  method: 'GET',
});

export const jwksRequest = (t: Target): Request => ({ url: `${t.url}/jwks`, method: 'GET' });

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;

/** `concurrency` requests in flight (keep-alive fetch) for `seconds`; any answer but 200 fails the run. */
export async function load(request: Request, seconds: number, concurrency: number): Promise<LoadResult> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const latencies: number[] = [];
  let failed = 0;
  let status = 0;
  const init = {
    method: request.method,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.body ? { body: request.body } : {}),
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        const res = await fetch(request.url, init);
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - start);
        else {
          failed++;
          status = res.status;
        }
      }
    }),
  );
  if (failed > 0)
    throw new Error(`${request.url}: ${failed} of ${latencies.length + failed} requests failed (${status})`);
  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / ((performance.now() - t0) / 1000),
    ok: latencies.length,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
  };
}

/** The steps of a password sign-in as an app and browser see them (`resumeToCallback`: none for Sesame). */
export const LOGIN_STEPS = [
  'authorizeToLoginPage',
  'loginPost',
  'resumeToCallback',
  'codeRedemption',
] as const;
export type LoginStep = (typeof LOGIN_STEPS)[number];
export type LoginTimes = Record<LoginStep, number>;

/** An app's openid-client configuration for a bench server's code-flow client. */
export function relyingParty(t: Target): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(t.url), t.web.id, t.web.secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

/**
 * One full code + PKCE sign-in through the login form, as an app and a browser would do it. `mark`
 * runs after each step, outside the time measured for it (the bench reads the server's counters
 * there).
 */
export async function login(
  config: oidc.Configuration,
  t: Target,
  mark?: (step: LoginStep) => Promise<void>,
): Promise<LoginTimes> {
  const times = {} as LoginTimes;
  let t0 = performance.now();
  const lap = async (step: LoginStep) => {
    times[step] = performance.now() - t0;
    await mark?.(step);
    t0 = performance.now();
  };
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: t.web.redirect,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const browser = new FormClient();
  const page = await browser.follow(url.href, {}, t.web.redirect);
  const form = findForm(page.html, '/login');
  await lap('authorizeToLoginPage');
  // The password step alone: the login form POST, without following its redirect.
  const posted = await browser.request(new URL(form.action, page.url).href, {
    method: 'POST',
    body: new URLSearchParams({ ...form.hidden, email: t.user.email, password: t.user.password }),
  });
  await posted.arrayBuffer();
  await lap('loginPost');
  // Sesame's password POST answers with the app's redirect itself (functions/interactions/
  // short-login.ts): its resume step is empty. oidc-provider's own chain (the bare server) resumes here.
  const next = new URL(posted.headers.get('location') ?? '', page.url).href;
  const callback = next.startsWith(t.web.redirect)
    ? { url: next }
    : await browser.follow(next, {}, t.web.redirect);
  if (!callback.url.startsWith(t.web.redirect))
    throw new Error(`bench login at ${t.url} failed (status ${posted.status})`);
  await lap('resumeToCallback');
  await oidc.authorizationCodeGrant(config, new URL(callback.url), {
    pkceCodeVerifier: verifier,
    idTokenExpected: true,
  });
  await lap('codeRedemption');
  return times;
}
