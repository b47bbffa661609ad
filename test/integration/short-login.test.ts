import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { ACR } from '../../functions/oidc/acr.ts';
import { FormClient, findForm, type Page } from '../support/browserless.ts';
import { audits, submitCode, totpNow } from '../support/mfa.ts';
import {
  addUser,
  interactionUrl,
  PASSWORD,
  REDIRECT,
  redeem,
  relyingParty,
  startLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * The short password sign-in (functions/interactions/short-login.ts, issue #14): three requests —
 * the authorization request answered with the sign-in page, the form's POST answered with the
 * redirect to the app, the code redeemed — and every refusal the two-step chain had.
 */
const GENERIC = 'The e-mail address or password is incorrect, or the account is temporarily locked.';

/** A browser that counts the requests it makes. */
class CountingBrowser extends FormClient {
  readonly requests: string[] = [];
  override async request(url: string, init: Parameters<FormClient['request']>[1] = {}) {
    this.requests.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`);
    return super.request(url, init);
  }
}

/** The sign-in form's action and fields on `page`, with `fields` filled in. */
function loginForm(page: Page, fields: Record<string, string>) {
  const form = findForm(page.html, '/login');
  return {
    url: new URL(form.action, page.url).href,
    body: new URLSearchParams({ ...form.hidden, ...fields }),
  };
}

/** A POST of the form with exactly the Cookie header given (what an attacker could send). */
function postWith(url: string, body: URLSearchParams, cookie: string) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
}

describe('the short password sign-in: three requests, same guarantees', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'short-app' }));
  });
  after(() => sesame.close());

  const start = (browser: FormClient = new CountingBrowser(), extra: Record<string, string> = {}) =>
    startLogin(app, { scope: 'openid email profile', ...extra }, browser);

  it('signs a password user in with three requests: page, redirect with the code, token', async () => {
    await addUser(sesame, 'three@example.com', { name: 'Three' });
    const browser = new CountingBrowser();
    const started = await start(browser);
    assert.equal(started.page.status, 200, 'the authorization request answers with the page');
    assert.match(started.page.url, /\/auth\?/);
    assert.match(started.page.html, /action="\/auth\/[\w-]+\/login"/);
    const { url, body } = loginForm(started.page, { email: 'three@example.com', password: PASSWORD });
    const posted = await browser.request(url, { method: 'POST', body });
    assert.equal(posted.status, 303);
    const callback = posted.headers.get('location') ?? '';
    assert.ok(callback.startsWith(REDIRECT), `the POST answers with the app's redirect: ${callback}`);
    assert.ok(new URL(callback).searchParams.get('code'));
    assert.deepEqual(browser.requests, ['GET /auth', `POST ${new URL(url).pathname}`]);
    // The app's own request, counted on the way out (openid-client calls the global fetch).
    const tokenCalls: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      tokenCalls.push(
        `${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`,
      );
      return realFetch(input, init);
    };
    try {
      const tokens = await redeem(app, started, callback);
      assert.equal(tokens.claims()?.email, 'three@example.com');
      assert.equal(tokens.claims()?.acr, ACR.password);
    } finally {
      globalThis.fetch = realFetch;
    }
    assert.deepEqual(tokenCalls, ['POST /token'], 'one token request');
    // The resume cookie is cleared by the resume, as after the redirect chain.
    assert.ok(posted.headers.getSetCookie().some((c) => /^_interaction_resume=;/.test(c)));
  });

  it('keeps /interaction/<uid> working: a reload of the page posts to the short path too', async () => {
    await addUser(sesame, 'reload@example.com');
    const started = await start();
    const { url } = loginForm(started.page, {});
    const uid = /\/auth\/([\w-]+)\/login$/.exec(url)?.[1];
    const reloaded = await started.browser.follow(`${sesame.issuer}/interaction/${uid}`);
    assert.equal(reloaded.status, 200);
    const again = loginForm(reloaded, { email: 'reload@example.com', password: PASSWORD });
    assert.equal(again.url, url);
    const done = await started.browser.follow(again.url, { method: 'POST', body: again.body }, REDIRECT);
    assert.ok(done.url.startsWith(REDIRECT), done.url);
    await redeem(app, started, done.url);
  });

  it("lets the page in place cancel the sign-in and follow its links: they use the interaction's own paths", async () => {
    const started = await start();
    const forgot = await started.browser.follow(`${interactionUrl(started.page)}/forgot`);
    assert.equal(forgot.status, 200);
    const cancelled = await started.browser.submit(started.page, '/abort', {}, REDIRECT);
    assert.equal(new URL(cancelled.url).searchParams.get('error'), 'access_denied');
  });

  it('shows the page again for a wrong password, counts the failure once, then signs in', async () => {
    const user = await addUser(sesame, 'wrong@example.com');
    const started = await start();
    const wrong = loginForm(started.page, { email: 'wrong@example.com', password: 'not the password' });
    const failed = await started.browser.follow(wrong.url, { method: 'POST', body: wrong.body }, REDIRECT);
    assert.equal(failed.status, 200);
    assert.ok(failed.html.includes(GENERIC));
    assert.equal(audits(sesame, 'login.failure', user.id).length, 1);
    const right = loginForm(failed, { email: 'wrong@example.com', password: PASSWORD });
    assert.equal(right.url, wrong.url, 'the page again posts to the short path');
    const done = await started.browser.follow(right.url, { method: 'POST', body: right.body }, REDIRECT);
    assert.ok(done.url.startsWith(REDIRECT), done.url);
    assert.equal(audits(sesame, 'login.failure', user.id).length, 1);
    await redeem(app, started, done.url);
  });

  it('refuses a POST without the resume cookie, and checks no password', async () => {
    const user = await addUser(sesame, 'nocookie@example.com');
    const started = await start();
    const { url, body } = loginForm(started.page, { email: 'nocookie@example.com', password: PASSWORD });
    // Every cookie the browser would send, but the resume cookie (and its signature).
    const cookies = (await started.browser.jar.getCookieString(url))
      .split('; ')
      .filter((c) => !c.startsWith('_interaction_resume'))
      .join('; ');
    const res = await postWith(url, body, cookies);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.equal(audits(sesame, 'login.success', user.id).length, 0);
    // Nor from another browser (no cookies at all).
    const stranger = await postWith(url, body, '');
    assert.equal(stranger.status, 400);
    assert.equal(audits(sesame, 'login.success', user.id).length, 0);
  });

  it("refuses another interaction's resume cookie, and another browser's interaction", async () => {
    const user = await addUser(sesame, 'swap@example.com');
    const victim = await start();
    const attacker = await start();
    const target = loginForm(victim.page, { email: 'swap@example.com', password: PASSWORD });
    const own = loginForm(attacker.page, { email: 'swap@example.com', password: PASSWORD });
    // The attacker's own, validly signed cookies (resume and CSRF), sent to the victim's uid.
    const theirs = await attacker.browser.jar.getCookieString(own.url);
    const res = await postWith(target.url, new URLSearchParams({ ...Object.fromEntries(own.body) }), theirs);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    // The attacker's browser, as it is, posting to the victim's short path: its cookies do not go.
    const crossed = await attacker.browser.request(target.url, { method: 'POST', body: own.body });
    assert.equal(crossed.status, 400);
    assert.equal(audits(sesame, 'login.success', user.id).length, 0);
    // The victim's sign-in is untouched.
    const done = await victim.browser.follow(target.url, { method: 'POST', body: target.body }, REDIRECT);
    assert.ok(done.url.startsWith(REDIRECT));
  });

  it('refuses a wrong CSRF token (403) without checking the password', async () => {
    const user = await addUser(sesame, 'csrf@example.com');
    const started = await start();
    const { url, body } = loginForm(started.page, { email: 'csrf@example.com', password: PASSWORD });
    body.set('csrf', 'A'.repeat(43));
    const res = await started.browser.request(url, { method: 'POST', body });
    assert.equal(res.status, 403);
    body.delete('csrf');
    assert.equal((await started.browser.request(url, { method: 'POST', body })).status, 403);
    assert.equal(audits(sesame, 'login.success', user.id).length, 0);
    assert.equal(audits(sesame, 'login.failure', user.id).length, 0);
  });

  it('refuses a replay of the successful POST: the interaction is consumed', async () => {
    const user = await addUser(sesame, 'replay@example.com');
    const started = await start();
    const { url, body } = loginForm(started.page, { email: 'replay@example.com', password: PASSWORD });
    const cookie = await started.browser.jar.getCookieString(url);
    const first = await postWith(url, body, cookie);
    assert.ok(first.headers.get('location')?.startsWith(REDIRECT));
    const replayed = await postWith(url, body, cookie);
    assert.equal(replayed.status, 400);
    assert.equal(replayed.headers.get('location'), null, 'no second code');
    assert.equal(audits(sesame, 'login.success', user.id).length, 1, 'no second password check');
  });

  /**
   * oidc-provider's resume reads the interaction and deletes it without a condition, so concurrent
   * resumes of one interaction each issue a code — as concurrent `GET /auth/<uid>` did in the
   * redirect chain. They need this browser's cookies and the user's password; every code is for
   * that user, at the app that asked, bound to its PKCE challenge.
   */
  it('signs concurrent POSTs of one form in only as the user, at the app, with its PKCE', async () => {
    await addUser(sesame, 'race@example.com');
    const started = await start();
    const { url, body } = loginForm(started.page, { email: 'race@example.com', password: PASSWORD });
    const cookie = await started.browser.jar.getCookieString(url);
    const answers = await Promise.all(Array.from({ length: 4 }, () => postWith(url, body, cookie)));
    const codes = answers.flatMap((r) => {
      const to = r.headers.get('location') ?? '';
      return to.startsWith(REDIRECT) && new URL(to).searchParams.get('code') ? [to] : [];
    });
    assert.ok(codes.length >= 1, 'one of them signs in');
    // Every code that was issued is for this user at this app (and single use, as any code).
    for (const to of codes) {
      const tokens = await redeem(app, started, to);
      assert.equal(tokens.claims()?.email, 'race@example.com');
    }
  });

  it('refuses the POST after the session the interaction began in was signed out', async () => {
    await addUser(sesame, 'logout@example.com');
    const first = await start();
    const signIn = loginForm(first.page, { email: 'logout@example.com', password: PASSWORD });
    const signed = await first.browser.follow(signIn.url, { method: 'POST', body: signIn.body }, REDIRECT);
    assert.ok(signed.url.startsWith(REDIRECT));
    // prompt=login in the same browser: the page in place, naming who is signed in.
    const again = await start(first.browser, { prompt: 'login' });
    assert.equal(again.page.status, 200);
    assert.match(again.page.html, /logout@example\.com/);
    const form = loginForm(again.page, { email: 'logout@example.com', password: PASSWORD });
    // Signed out in another tab before the form is sent.
    const end = await first.browser.follow(`${sesame.issuer}/session/end`);
    const confirm = findForm(end.html, '/session/end/confirm');
    await first.browser.follow(
      new URL(confirm.action, end.url).href,
      { method: 'POST', body: new URLSearchParams({ ...confirm.hidden, logout: 'yes' }) },
      'http://127.0.0.1:9/',
    );
    const res = await first.browser.request(form.url, { method: 'POST', body: form.body });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  it('prompt=login with a session: the same user gets a fresh sign-in, another one the sign-out question', async () => {
    await addUser(sesame, 'fresh@example.com');
    await addUser(sesame, 'other@example.com');
    const first = await start();
    const signIn = loginForm(first.page, { email: 'fresh@example.com', password: PASSWORD });
    const signed = await first.browser.follow(signIn.url, { method: 'POST', body: signIn.body }, REDIRECT);
    const before = (await redeem(app, first, signed.url)).claims()?.auth_time ?? 0;
    const same = await start(first.browser, { prompt: 'login' });
    const sameForm = loginForm(same.page, { email: 'fresh@example.com', password: PASSWORD });
    const done = await same.browser.follow(sameForm.url, { method: 'POST', body: sameForm.body }, REDIRECT);
    assert.ok(done.url.startsWith(REDIRECT), done.url);
    assert.ok(((await redeem(app, same, done.url)).claims()?.auth_time ?? 0) >= before);
    // Another user's password in a browser signed in as someone: oidc-provider asks to sign out first.
    const other = await start(first.browser, { prompt: 'login' });
    const otherForm = loginForm(other.page, { email: 'other@example.com', password: PASSWORD });
    const asked = await other.browser.request(otherForm.url, { method: 'POST', body: otherForm.body });
    assert.equal(asked.status, 200);
    assert.match(await asked.text(), /session\/end\/confirm/);
  });

  it('keeps the redirect for a step-up, and the password posted to the short path there issues no code', async () => {
    await addUser(sesame, 'stepup@example.com');
    const first = await start();
    const signIn = loginForm(first.page, { email: 'stepup@example.com', password: PASSWORD });
    const signed = await first.browser.follow(signIn.url, { method: 'POST', body: signIn.body }, REDIRECT);
    assert.ok(signed.url.startsWith(REDIRECT));
    const user = await sesame.parts.deps.users.findByEmailKey('stepup@example.com');
    assert.ok(user);
    const { secret } = await beginTotpEnrolment(sesame.parts.deps, user, 'test');
    const code = await totpNow(sesame, secret);
    await confirmTotpEnrolment(sesame.parts.deps, { userId: user.id, owner: 'test', code, actor: 'test' });
    sesame.clock.advance(30_000);
    const browser = first.browser as CountingBrowser;
    const before = browser.requests.length;
    const up = await start(browser, { acr_values: ACR.mfa });
    assert.match(up.page.url, /\/interaction\/[\w-]+\/mfa$/, 'the second factor, by the redirect chain');
    assert.deepEqual(
      browser.requests.slice(before).map((r) => r.replace(/\/interaction\/[\w-]+/, '/interaction/…')),
      ['GET /auth', 'GET /interaction/…', 'GET /interaction/…/mfa'],
    );
    // The password alone, posted to the short path of this step-up, is refused: no CSRF cookie there.
    const uid = /\/interaction\/([\w-]+)\/mfa$/.exec(up.page.url)?.[1];
    const csrf = /name="csrf" value="([^"]+)"/.exec(up.page.html)?.[1] ?? '';
    const forged = await browser.request(`${sesame.issuer}/auth/${uid}/login`, {
      method: 'POST',
      body: new URLSearchParams({ csrf, email: 'stepup@example.com', password: PASSWORD }),
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('location'), null);
    // The step-up itself still finishes, through the resume request.
    const done = await submitCode(up, up.page, 'totp', await totpNow(sesame, secret));
    assert.ok(done.url.startsWith(REDIRECT), done.url);
    assert.equal((await redeem(app, up, done.url)).claims()?.acr, ACR.mfa);
  });

  it('serves the page in place with the headers of the interaction page: no-store, CSP, no framing', async () => {
    const res = await new FormClient().request(
      (await startLogin(app, {}, new FormClient(), 'http://never.invalid/')).page.url,
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /no-store/);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    const cookies = res.headers.getSetCookie();
    for (const name of ['_interaction=', '_interaction_resume=', 'sesame.csrf='])
      assert.ok(
        cookies.some((c) => c.startsWith(name) && /httponly/i.test(c) && /samesite=(lax|strict)/i.test(c)),
        name,
      );
    assert.ok(
      cookies.some((c) => /^sesame\.csrf=.*path=\/auth\/[\w-]+;/i.test(c)),
      'CSRF at the resume path',
    );
    assert.ok(
      cookies.some((c) => /^sesame\.csrf=.*path=\/interaction\/[\w-]+;/i.test(c)),
      'and at the interaction',
    );
  });

  it('keeps the redirect for an app that sends its user to an upstream (sesame_idp)', async () => {
    const hinted = await start(new CountingBrowser(), { sesame_idp: 'nowhere-connection' });
    assert.equal(hinted.page.status, 400, 'the hint is judged on the interaction page, as before');
    assert.match(hinted.page.url, /\/interaction\/[\w-]+$/);
  });
});
