import * as oidc from 'openid-client';
import { FormClient, findForm } from '../functions/cli/form-client.ts';
import { type EntraMock, startEntraMock } from '../functions/local/mock-upstreams.ts';
import type { DynamoCall } from './dynamo-calls.ts';
import type { Probe } from './probe.ts';

/**
 * The federated sign-in of `npm run bench`: an app's code flow through Sesame's login page, its
 * "Sign in with …" button, the Entra-like mock (functions/local/mock-upstreams.ts, run in the bench
 * process, so its work is not on Sesame's CPU) and back, driven one request at a time so that the
 * two requests that matter can be measured alone:
 *
 * - start:    `POST /interaction/<uid>/federate/<connection>`, answered with a redirect upstream;
 * - callback: `GET /federation/<connection>/callback`, where the upstream's code is redeemed, the
 *             ID token checked, the user found (or created just in time), roles synced, and the
 *             interaction finished.
 *
 * Time "inside the handler" is what the bench server measures around the Lambda handler, minus the
 * time its outgoing requests to the upstream took (request start to last response byte, counted by
 * the server: sesame-server.ts). After the warm-up the callback makes one such request (the token
 * endpoint; discovery and JWKS are cached per container) and the start none.
 */

/** What the bench server set up for federation (sesame-server.ts, connectUpstream). */
export interface FederationTarget {
  connectionId: string;
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  group: string;
  app: { id: string; secret: string | null };
}

/** One request (or several) of a federated sign-in, as seen from Sesame. */
export interface Window {
  handlerMs: number;
  upstreamMs: number;
  upstreamRequests: number;
  counts: Record<string, number>;
  busyMs: Record<string, number>;
  calls: DynamoCall[];
}

export interface FederatedSignIn {
  start: Window;
  callback: Window;
  /** From the app's authorization request to its code redemption. */
  flow: Window;
}

const EMPTY: Probe = {
  counts: {},
  busyMs: {},
  handlerMs: 0,
  verifyMs: 0,
  calls: [],
  cpuMs: 0,
  upstreamMs: 0,
  upstreamRequests: 0,
};
export const REDIRECT = 'http://127.0.0.1:9/cb';

/** An app's code-flow authorization request (PKCE), to the bench's unreachable redirect URI. */
export async function authorizationRequest(app: oidc.Configuration): Promise<{ url: URL; verifier: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(app, {
    redirect_uri: REDIRECT,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, verifier };
}

/** What happened in Sesame between two probes. */
export function between(a: Probe, b: Probe): Window {
  const minus = (x: Record<string, number>, y: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(y)
        .map(([k, v]): [string, number] => [k, v - (x[k] ?? 0)])
        .filter(([, v]) => v > 0),
    );
  return {
    handlerMs: b.handlerMs - a.handlerMs,
    upstreamMs: b.upstreamMs - a.upstreamMs,
    upstreamRequests: b.upstreamRequests - a.upstreamRequests,
    counts: minus(a.counts, b.counts),
    busyMs: minus(a.busyMs, b.busyMs),
    calls: b.calls.slice(a.calls.length),
  };
}

/** An Entra-like upstream with one directory, for the bench server's connection. */
export async function startBenchUpstream(): Promise<{ mock: EntraMock; env: Record<string, string> }> {
  const tid = '0be7c4a1-5e5a-4e5a-9e5a-be7c4a15e5a0';
  const mock = await startEntraMock({ tenants: [tid] });
  return { mock, env: { BENCH_ENTRA_AUTHORITY: mock.origin, BENCH_ENTRA_TENANT: tid } };
}

/** Registers Sesame at the mock (as the customer's administrator does in Entra ID). */
export function registerAtUpstream(mock: EntraMock, fed: FederationTarget): void {
  mock.registerClient({
    client_id: fed.clientId,
    client_secret: fed.clientSecret,
    redirect_uris: [fed.callbackUrl],
    token_endpoint_auth_method: 'client_secret_post',
  });
}

export function federatedApp(url: string, fed: FederationTarget): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(url), fed.app.id, fed.app.secret ?? undefined, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

/**
 * One federated sign-in of `who` (the mock creates the upstream identity on first use; Sesame links
 * it, or creates its user just in time), from a fresh browser. `probe` answers with the server's
 * counters ('reset' clears them after answering).
 */
export async function federatedSignIn(
  app: oidc.Configuration,
  fed: FederationTarget,
  mock: EntraMock,
  who: string,
  probe: (msg: 'reset' | 'read') => Promise<Probe>,
): Promise<FederatedSignIn> {
  mock.signInAs({ preferred_username: who, email: who, name: 'Bench Federated', groups: [fed.group] });
  const browser = new FormClient();
  const { url, verifier } = await authorizationRequest(app);
  await probe('reset');
  const loginPage = await browser.follow(url.href, {}, REDIRECT);
  const button = findForm(loginPage.html, `/federate/${fed.connectionId}`);

  const beforeStart = await probe('read');
  const started = await browser.request(new URL(button.action, loginPage.url).href, {
    method: 'POST',
    body: new URLSearchParams(button.hidden),
  });
  await started.arrayBuffer();
  const afterStart = await probe('read');
  const upstream = started.headers.get('location');
  if (started.status !== 303 || !upstream?.startsWith(mock.origin))
    throw new Error(`bench federation: the button did not lead upstream (status ${started.status})`);

  const atCallback = await browser.follow(upstream, {}, fed.callbackUrl);
  if (!atCallback.url.startsWith(fed.callbackUrl))
    throw new Error(`bench federation: the upstream did not come back (status ${atCallback.status})`);
  const beforeCallback = await probe('read');
  const called = await browser.request(atCallback.url);
  await called.arrayBuffer();
  const afterCallback = await probe('read');
  const resume = called.headers.get('location');
  if (called.status !== 303 || !resume)
    throw new Error(`bench federation: the callback refused the sign-in (status ${called.status})`);

  const back = await browser.follow(new URL(resume, atCallback.url).href, {}, REDIRECT);
  if (!back.url.startsWith(REDIRECT))
    throw new Error(`bench federation: no code for the app (${back.status})`);
  await oidc.authorizationCodeGrant(app, new URL(back.url), {
    pkceCodeVerifier: verifier,
    idTokenExpected: true,
  });
  const end = await probe('read');
  return {
    start: between(beforeStart, afterStart),
    callback: between(beforeCallback, afterCallback),
    flow: between(EMPTY, end),
  };
}

export interface CallCount {
  total: number;
  byOperation: Record<string, number>;
  dynaliteMs: number;
}

export interface FederationResults {
  /** Sign-ins measured of each kind: first (just-in-time user) and returning (same upstream identity). */
  signIns: number;
  /** Median ms inside Sesame's handler, the time waited on the upstream subtracted. */
  handlerMedianMs: {
    start: number;
    jitCallback: number;
    returningCallback: number;
    /** All of Sesame's requests of one sign-in, authorization request to code redemption. */
    jitFlow: number;
    returningFlow: number;
  };
  /** Median ms the callback waited on the upstream (its token endpoint): subtracted above. */
  upstreamMedianMs: { jitCallback: number; returningCallback: number };
  /** Requests to the upstream the last returning sign-in made: 0 at the start, 1 in the callback. */
  upstreamRequests: { start: number; callback: number };
  /** DynamoDB calls of the last sample of each kind (see sameInEverySample). */
  dynamoCalls: {
    start: CallCount;
    jitCallback: CallCount & { calls: string[] };
    returningCallback: CallCount & { calls: string[] };
    jitFlow: CallCount;
    returningFlow: CallCount;
    /** False when some sample made another number of calls than the last (e.g. a cache expired). */
    sameInEverySample: boolean;
  };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
export const round1 = (n: number) => Math.round(n * 10) / 10;
export const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
const ownMs = (w: Window) => w.handlerMs - w.upstreamMs;
/** A window's DynamoDB calls, counted by operation. */
export const count = (w: Window): CallCount => ({
  total: total(w.counts),
  byOperation: w.counts,
  dynaliteMs: round1(total(w.busyMs)),
});
/** The same, each call listed (table, operation, key shape). */
export const listed = (w: Window) => ({
  ...count(w),
  calls: w.calls.map((c) => `${c.table} ${c.op} ${c.key}`),
});

export function summarize(
  runs: Array<{ jit: FederatedSignIn; returning: FederatedSignIn }>,
): FederationResults {
  const last = runs.at(-1);
  if (!last) throw new Error('bench federation: no sign-ins measured');
  const med = (pick: (r: (typeof runs)[number]) => number) => round1(median(runs.map(pick)));
  const windows = (r: (typeof runs)[number]) => [
    r.jit.start,
    r.returning.start,
    r.jit.callback,
    r.returning.callback,
    r.jit.flow,
    r.returning.flow,
  ];
  const totals = (r: (typeof runs)[number]) =>
    windows(r)
      .map((w) => total(w.counts))
      .join(',');
  return {
    signIns: runs.length,
    handlerMedianMs: {
      start: round1(median(runs.flatMap((r) => [ownMs(r.jit.start), ownMs(r.returning.start)]))),
      jitCallback: med((r) => ownMs(r.jit.callback)),
      returningCallback: med((r) => ownMs(r.returning.callback)),
      jitFlow: med((r) => ownMs(r.jit.flow)),
      returningFlow: med((r) => ownMs(r.returning.flow)),
    },
    upstreamMedianMs: {
      jitCallback: med((r) => r.jit.callback.upstreamMs),
      returningCallback: med((r) => r.returning.callback.upstreamMs),
    },
    upstreamRequests: {
      start: last.returning.start.upstreamRequests,
      callback: last.returning.callback.upstreamRequests,
    },
    dynamoCalls: {
      start: count(last.returning.start),
      jitCallback: listed(last.jit.callback),
      returningCallback: listed(last.returning.callback),
      jitFlow: count(last.jit.flow),
      returningFlow: count(last.returning.flow),
      sameInEverySample: runs.every((r) => totals(r) === totals(last)),
    },
  };
}
