import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { registerClient } from '../../functions/domain/clients.ts';
import { type DemoApp, startDemoApp } from '../../functions/local/demo-app.ts';
import { FormClient, type Page } from '../support/browserless.ts';
import { audits } from '../support/mfa.ts';
import { addUser, PASSWORD, relyingParty, SIGN_IN_PAGE, signIn } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * The account page's "where you are signed in" and "apps with access", end to end: a real Sesame,
 * browsers that keep cookies, the demo relying app (which implements OIDC Back-Channel Logout and
 * checks every logout token it receives) and openid-client as a second app holding refresh tokens.
 */
describe('sessions and apps on the account page, with back-channel logout', () => {
  let sesame: RunningSesame;
  let demo: DemoApp;
  let account: string;

  before(async () => {
    sesame = await startSesame();
    account = `${sesame.issuer}/account`;
    const secret = { value: '' };
    demo = await startDemoApp({
      issuer: sesame.issuer,
      clientId: 'demo',
      get clientSecret() {
        return secret.value;
      },
      port: 0,
    });
    const { clientSecret } = await registerClient(
      sesame.parts.deps.clients,
      {
        clientId: 'demo',
        name: 'Demo app',
        redirectUris: [`${demo.url}/callback`],
        postLogoutRedirectUris: [`${demo.url}/`],
        backchannelLogoutUri: `${demo.url}/backchannel-logout`,
      },
      new Date(),
    );
    secret.value = clientSecret ?? '';
  });
  after(async () => {
    await demo.close();
    await sesame.close();
  });

  /** A browser that signed in to the demo app through Sesame's login page. */
  async function signedInToDemo(email: string): Promise<FormClient> {
    const browser = new FormClient();
    const login = await browser.follow(`${demo.url}/login`);
    const home = await browser.submit(login, '/login', { email, password: PASSWORD });
    assert.equal(home.url, `${demo.url}/`);
    assert.match(home.html, /Signed in as/, 'the demo app has a session');
    return browser;
  }

  async function demoSignedIn(browser: FormClient): Promise<boolean> {
    return /Signed in as/.test((await browser.follow(`${demo.url}/`)).html);
  }

  async function accountPage(browser: FormClient, email?: string): Promise<Page> {
    const page = await browser.follow(account);
    if (page.url === account) return page;
    assert.ok(email, 'expected a signed-in browser');
    return browser.submit(page, '/login', { email, password: PASSWORD });
  }

  const sessionsOn = (page: Page) => [...page.html.matchAll(/<li class="preview" id="session-\d+">/g)].length;
  const handleOf = (page: Page, which: 'this browser' | 'other') => {
    const items = page.html.split('<li class="preview" id="session-').slice(1);
    const item = items.find((i) => i.includes('this browser') === (which === 'this browser'));
    return /name="session" value="([\w-]+)"/.exec(item ?? '')?.[1] ?? '';
  };
  const csrfOf = (page: Page) => /name="csrf" value="([\w-]+)"/.exec(page.html)?.[1] ?? '';

  it('lists each browser with its apps, and ending another one signs the demo app out there too', async () => {
    await addUser(sesame, 'two-browsers@example.com');
    const laptop = await signedInToDemo('two-browsers@example.com');
    const phone = new FormClient();
    const page = await accountPage(phone, 'two-browsers@example.com');
    assert.equal(sessionsOn(page), 2, 'the laptop and this phone');
    assert.match(page.html, /this browser/);
    assert.match(page.html, /Apps: Demo app/, 'the laptop session names the app signed in through it');
    assert.match(page.html, /from 127\.0\.0\.1/);
    assert.match(page.html, /id="app-list"[\s\S]*Demo app/, 'the demo app is among the apps with access');

    const dutch = await phone.follow(account, { headers: { 'accept-language': 'nl' } });
    assert.match(dutch.html, /Waar je bent ingelogd[\s\S]*Deze sessie uitloggen[\s\S]*Apps met toegang/);

    const ended = await phone.submit(page, '/sessions/end', { session: handleOf(page, 'other') });
    assert.equal(ended.url, `${account}?done=session-ended`);
    assert.equal(sessionsOn(ended), 1, 'only this browser is left');
    assert.equal(
      await demoSignedIn(laptop),
      false,
      'the demo app received the logout token and ended its session',
    );
    const again = await laptop.follow(account);
    assert.match(again.url, SIGN_IN_PAGE, 'the laptop’s Sesame session is gone');
    assert.equal((await audits(sesame, 'session.ended')).length >= 1, true);
  });

  it('signs this browser out when the user ends its own session, and the others stay', async () => {
    await addUser(sesame, 'self@example.com');
    const other = await signedInToDemo('self@example.com');
    const browser = new FormClient();
    const page = await accountPage(browser, 'self@example.com');
    const done = await browser.submit(page, '/sessions/end', { session: handleOf(page, 'this browser') });
    assert.match(done.html, /signed out of this browser/);
    assert.match((await browser.follow(account)).url, SIGN_IN_PAGE);
    assert.equal(await demoSignedIn(other), true, 'the other browser’s demo session is untouched');
  });

  it('takes an app’s access back: its refresh token stops working, and an app that listens is told', async () => {
    await addUser(sesame, 'revoke@example.com');
    const { config } = await relyingParty(sesame, { clientId: 'offline-app', name: 'Offline app' });
    const { tokens, started } = await signIn(config, 'revoke@example.com', PASSWORD, { prompt: 'consent' });
    assert.ok(tokens.refresh_token, 'the app holds a refresh token');
    const laptop = await signedInToDemo('revoke@example.com');

    const page = await accountPage(started.browser);
    assert.match(page.html, /Offline app[\s\S]*It can keep you signed in while you are away/);
    const afterRevoke = await started.browser.submit(page, '/apps/revoke', { client: 'offline-app' });
    assert.equal(afterRevoke.url, `${account}?done=app-removed`);
    assert.doesNotMatch(afterRevoke.html, /Offline app/);
    await assert.rejects(
      oidc.refreshTokenGrant(config, tokens.refresh_token),
      (err: { error?: string }) => err.error === 'invalid_grant',
    );
    assert.equal(await demoSignedIn(laptop), true, 'another app keeps its access');
    const [event] = await audits(sesame, 'app.access_revoked');
    assert.equal(event?.clientId, 'offline-app');

    // An app with a back-channel logout URI is told, and ends its session of the user.
    const demoRevoked = await started.browser.submit(afterRevoke, '/apps/revoke', { client: 'demo' });
    assert.doesNotMatch(demoRevoked.html, /id="app-list"/, 'no app has access any more');
    assert.equal(await demoSignedIn(laptop), false);
  });

  it('"sign out everywhere" ends every session and the demo app is told', async () => {
    await addUser(sesame, 'everywhere@example.com');
    const laptop = await signedInToDemo('everywhere@example.com');
    const browser = new FormClient();
    const page = await accountPage(browser, 'everywhere@example.com');
    // The test clock started with Sesame; bring it to the wall clock oidc-provider stamps sessions with.
    sesame.clock.set(new Date(Date.now() + 1000));
    const done = await browser.submit(page, '/everywhere', {});
    assert.match(done.html, /signed out everywhere/);
    assert.equal(await demoSignedIn(laptop), false);
    assert.match((await laptop.follow(account)).url, SIGN_IN_PAGE);
  });

  it('ends nothing of another user: a handle from their page is unknown here', async () => {
    await addUser(sesame, 'victim@example.com');
    await addUser(sesame, 'attacker@example.com');
    const victim = await signedInToDemo('victim@example.com');
    const victimPage = await accountPage(victim);
    const victimHandle = handleOf(victimPage, 'this browser');
    const attacker = new FormClient();
    const page = await accountPage(attacker, 'attacker@example.com');
    const res = await attacker.request(`${account}/sessions/end`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrfOf(page), session: victimHandle }),
    });
    assert.equal(res.status, 303);
    assert.equal(await demoSignedIn(victim), true);
    assert.equal((await victim.follow(account)).url, account, 'the victim is still signed in');
    // And another user's app access cannot be revoked either (it is not theirs to list).
    await attacker.request(`${account}/apps/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrfOf(page), client: 'demo' }),
    });
    assert.equal(await demoSignedIn(victim), true);
  });

  it('the demo app refuses a logout token Sesame did not sign', async () => {
    await addUser(sesame, 'forged-logout@example.com');
    const laptop = await signedInToDemo('forged-logout@example.com');
    const claims = (await laptop.follow(`${demo.url}/`)).html;
    const sid = /&quot;sid&quot;: &quot;([\w-]+)&quot;/.exec(claims);
    assert.ok(sid, 'the ID token names the session (backchannel_logout_session_required)');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({
      sid: sid[1],
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      jti: 'forged',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt' })
      .setIssuer(sesame.issuer)
      .setAudience('demo')
      .setIssuedAt()
      .sign(privateKey);
    const res = await fetch(`${demo.url}/backchannel-logout`, {
      method: 'POST',
      body: new URLSearchParams({ logout_token: forged }),
    });
    assert.equal(res.status, 400);
    assert.equal(await demoSignedIn(laptop), true);
  });

  it('refuses the forms without the page’s CSRF token', async () => {
    await addUser(sesame, 'csrf-sessions@example.com');
    const browser = new FormClient();
    const page = await accountPage(browser, 'csrf-sessions@example.com');
    const res = await browser.request(`${account}/sessions/end`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: 'forged', session: handleOf(page, 'this browser') }),
    });
    assert.equal(res.status, 403);
    assert.equal((await browser.follow(account)).url, account, 'still signed in');
  });
});
