import * as oidc from 'openid-client';
import { FormClient, findForm } from '../functions/cli/form-client.ts';
import { SoftAuthenticator } from '../test/support/webauthn.ts';
import {
  authorizationRequest,
  between,
  type CallCount,
  count,
  listed,
  median,
  REDIRECT,
  round1,
  total,
  type Window,
} from './federation.ts';
import type { Probe } from './probe.ts';

/**
 * The passwordless passkey sign-in of `npm run bench`: an app's code flow through Sesame's login
 * page, answered by a software authenticator (test/support/webauthn.ts: an ES256 key, as a platform
 * authenticator signs) instead of a password. The request that matters is measured alone:
 *
 * - post: `POST /interaction/<uid>/passkey`, the browser's answer: the user named by the passkey's
 *   user handle claimed through the attempt guard, the signature, counter and challenge checked (the
 *   challenge spent), the use recorded, the success audited, the interaction finished.
 *
 * The authenticator's signing happens in the bench process, not in Sesame's handler.
 */

/** What the bench server set up: a user with one discoverable passkey (sesame-server.ts). */
export interface PasskeyTarget {
  userId: string;
  rpID: string;
  origin: string;
  key: { id: string; pkcs8: string };
}

export interface PasskeySignIn {
  post: Window;
  flow: Window;
}

export interface PasskeyResults {
  signIns: number;
  /** Median ms inside Sesame's handler: the answer's POST, and the whole flow. */
  handlerMedianMs: { post: number; flow: number };
  /** DynamoDB calls of the last sign-in (`sameInEverySample`: every sample made as many). */
  dynamoCalls: { post: CallCount & { calls: string[] }; flow: CallCount; sameInEverySample: boolean };
}

export function authenticatorFor(target: PasskeyTarget): SoftAuthenticator {
  return new SoftAuthenticator(target.rpID, target.origin, {
    userHandle: target.userId,
    singleDevice: true,
    existing: target.key,
  });
}

/** The login page's passkey options (an attribute Eta escaped: JSON's quotes are its only entities). */
function optionsOf(html: string): { challenge: string } {
  const attribute = /id="passkey-login" data-options="([^"]*)"/.exec(html)?.[1];
  if (!attribute) throw new Error('bench passkey: the login page offers no passkey sign-in');
  return JSON.parse(attribute.replaceAll('&quot;', '"')) as { challenge: string };
}

/** One passwordless sign-in from a fresh browser; `probe` answers with the server's counters. */
export async function passkeySignIn(
  app: oidc.Configuration,
  key: SoftAuthenticator,
  probe: (msg: 'reset' | 'read') => Promise<Probe>,
): Promise<PasskeySignIn> {
  const browser = new FormClient();
  const { url, verifier } = await authorizationRequest(app);
  await probe('reset');
  const start = await probe('read');
  const loginPage = await browser.follow(url.href, {}, REDIRECT);
  const form = findForm(loginPage.html, '/passkey');
  const answer = JSON.stringify(key.assert(optionsOf(loginPage.html).challenge));

  const beforePost = await probe('read');
  const posted = await browser.request(new URL(form.action, loginPage.url).href, {
    method: 'POST',
    body: new URLSearchParams({ ...form.hidden, response: answer }),
  });
  await posted.arrayBuffer();
  const afterPost = await probe('read');
  const resume = posted.headers.get('location');
  if (posted.status !== 303 || !resume)
    throw new Error(`bench passkey: the answer was refused (status ${posted.status})`);

  const back = await browser.follow(new URL(resume, loginPage.url).href, {}, REDIRECT);
  if (!back.url.startsWith(REDIRECT)) throw new Error(`bench passkey: no code for the app (${back.status})`);
  const tokens = await oidc.authorizationCodeGrant(app, new URL(back.url), {
    pkceCodeVerifier: verifier,
    idTokenExpected: true,
  });
  if (tokens.claims()?.acr !== 'urn:sesame:acr:mfa:phr')
    throw new Error('bench passkey: the sign-in did not reach the phishing-resistant acr');
  const end = await probe('read');
  return { post: between(beforePost, afterPost), flow: between(start, end) };
}

export function summarizePasskey(runs: PasskeySignIn[]): PasskeyResults {
  const last = runs.at(-1);
  if (!last) throw new Error('bench passkey: no sign-ins measured');
  const totals = (r: PasskeySignIn) => `${total(r.post.counts)},${total(r.flow.counts)}`;
  return {
    signIns: runs.length,
    handlerMedianMs: {
      post: round1(median(runs.map((r) => r.post.handlerMs))),
      flow: round1(median(runs.map((r) => r.flow.handlerMs))),
    },
    dynamoCalls: {
      post: listed(last.post),
      flow: count(last.flow),
      sameInEverySample: runs.every((r) => totals(r) === totals(last)),
    },
  };
}
