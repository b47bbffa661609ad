import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { type FormClient, findForm } from '../support/browserless.ts';
import { assertErrorAtCallback, assertNoInternals } from '../support/protocol.ts';
import { addUser, PASSWORD, REDIRECT, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

const BYE = 'http://127.0.0.1:9/bye';

/** OpenID Connect RP-Initiated Logout 1.0. */
describe('RP-initiated logout', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'app-a', postLogoutRedirectUris: [BYE] }));
    await relyingParty(sesame, { clientId: 'app-b', postLogoutRedirectUris: ['http://127.0.0.1:9/b-bye'] });
    await addUser(sesame, 'lou@example.com', { name: 'Lou' });
  });
  after(() => sesame.close());

  /** Signs in through the browser and returns it (with its session cookie) and the ID token. */
  async function session(): Promise<{ browser: FormClient; idToken: string }> {
    const started = await startLogin(app);
    const callback = await submitLogin(started, 'lou@example.com', PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(app, new URL(callback.url), {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });
    return { browser: started.browser, idToken: tokens.id_token ?? '' };
  }

  async function silentAuthorization(browser: FormClient) {
    return (await startLogin(app, { prompt: 'none' }, browser)).page;
  }

  it('shows Sesame’s confirmation page, and confirming ends the session and returns to the registered URI with state', async () => {
    const { browser, idToken } = await session();
    assert.ok(new URL((await silentAuthorization(browser)).url).searchParams.get('code'), 'signed in before');

    const state = oidc.randomState();
    const url = oidc.buildEndSessionUrl(app, {
      id_token_hint: idToken,
      post_logout_redirect_uri: BYE,
      state,
    });
    const page = await browser.follow(url.href, {}, BYE);
    assert.equal(page.status, 200);
    assert.match(page.html, /<p class="brand">Sesame<\/p>/);
    assert.match(page.html, /Sign out\?/);
    assert.match(page.headers.get('cache-control') ?? '', /no-store/);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    const form = findForm(page.html, '/session/end/confirm');
    assert.ok(form.hidden.xsrf, 'the form carries oidc-provider’s xsrf token');

    const done = await browser.submit(page, '/session/end/confirm', { logout: 'yes' }, BYE);
    assert.ok(done.url.startsWith(BYE), `expected the post-logout redirect, got ${done.status} ${done.url}`);
    assert.equal(new URL(done.url).searchParams.get('state'), state);

    assertErrorAtCallback(await silentAuthorization(browser), 'login_required', sesame.issuer);
  });

  it('does not end the session when the confirmation is posted without its xsrf token', async () => {
    const { browser, idToken } = await session();
    const url = oidc.buildEndSessionUrl(app, { id_token_hint: idToken, post_logout_redirect_uri: BYE });
    const page = await browser.follow(url.href, {}, BYE);
    const form = findForm(page.html, '/session/end/confirm');
    const res = await browser.request(new URL(form.action, page.url).href, {
      method: 'POST',
      body: new URLSearchParams({ logout: 'yes', xsrf: 'forged' }),
    });
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    assert.equal(res.headers.get('location'), null);
    assertNoInternals(await res.text(), 'forged logout');
    assert.ok(new URL((await silentAuthorization(browser)).url).searchParams.get('code'), 'still signed in');
  });

  it('without a post_logout_redirect_uri ends the session on Sesame’s own signed-out page', async () => {
    const { browser, idToken } = await session();
    const page = await browser.follow(oidc.buildEndSessionUrl(app, { id_token_hint: idToken }).href);
    const done = await browser.submit(page, '/session/end/confirm', { logout: 'yes' }, REDIRECT);
    assert.equal(done.status, 200);
    assert.match(done.html, /Signed out/);
    assert.match(done.html, /<p class="brand">Sesame<\/p>/);
    assertErrorAtCallback(await silentAuthorization(browser), 'login_required', sesame.issuer);
  });

  it('refuses an unregistered post_logout_redirect_uri (or another app’s) with an error page and no redirect', async () => {
    const { browser, idToken } = await session();
    const unregistered = [
      'https://evil.example/bye',
      `${BYE}/x`,
      `${BYE}?x=1`,
      'http://127.0.0.1:9/b-bye',
      REDIRECT,
    ];
    for (const uri of unregistered) {
      for (const hint of [{ id_token_hint: idToken }, { client_id: 'app-a' }]) {
        const query = new URLSearchParams({ ...hint, post_logout_redirect_uri: uri });
        const res = await browser.request(`${sesame.issuer}/session/end?${query}`, {
          headers: { accept: 'text/html,application/xhtml+xml' },
        });
        const html = await res.text();
        assert.equal(res.status, 400, `${uri}: ${res.status}`);
        assert.equal(res.headers.get('location'), null);
        assert.match(html, /<p class="brand">Sesame<\/p>/);
        assert.match(html, /<code>invalid_request<\/code>/, 'the code, for whoever debugs it');
        assert.match(html, /href="\/account"/, 'and a way on');
        assertNoInternals(html, uri);
      }
    }
    assert.ok(new URL((await silentAuthorization(browser)).url).searchParams.get('code'), 'still signed in');
  });

  it('refuses an ID token hint that Sesame did not issue', async () => {
    const [h, p] = (await session()).idToken.split('.');
    const query = new URLSearchParams({ id_token_hint: `${h}.${p}.AAAA`, post_logout_redirect_uri: BYE });
    const res = await fetch(`${sesame.issuer}/session/end?${query}`, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });
});
