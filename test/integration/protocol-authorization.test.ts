import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { FormClient } from '../support/browserless.ts';
import {
  assertErrorAtCallback,
  assertNoInternals,
  assertOAuthError,
  authorizationUrl,
} from '../support/protocol.ts';
import {
  addUser,
  PASSWORD,
  REDIRECT,
  redeem,
  relyingParty,
  signIn,
  startLogin,
  submitLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** Authorization code + PKCE (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1, RFC 9700 §2.1). */
describe('authorization endpoint and code redemption', () => {
  let sesame: RunningSesame;
  let appA: oidc.Configuration;
  let appB: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: appA } = await relyingParty(sesame, { clientId: 'app-a', roles: ['viewer', 'editor'] }));
    ({ config: appB } = await relyingParty(sesame, { clientId: 'app-b', roles: ['admin'] }));
    await addUser(sesame, 'anna@example.com', {
      name: 'Anna',
      roles: [
        ['app-a', 'editor'],
        ['app-b', 'admin'],
      ],
    });
  });
  after(() => sesame.close());

  describe('PKCE', () => {
    it('refuses a request without code_challenge with invalid_request at the redirect_uri, issuing no code', async () => {
      const { url } = await authorizationUrl(sesame.issuer, 'app-a', {
        code_challenge: undefined,
        code_challenge_method: undefined,
      });
      const page = await new FormClient().follow(url, {}, REDIRECT);
      assertErrorAtCallback(page, 'invalid_request', sesame.issuer);
    });

    it('refuses code_challenge_method=plain', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const { url } = await authorizationUrl(sesame.issuer, 'app-a', {
        code_challenge: verifier,
        code_challenge_method: 'plain',
      });
      const page = await new FormClient().follow(url, {}, REDIRECT);
      assertErrorAtCallback(page, 'invalid_request', sesame.issuer);
    });

    it('answers invalid_grant to a wrong code_verifier', async () => {
      const started = await startLogin(appA);
      const callback = await submitLogin(started, 'anna@example.com', PASSWORD);
      assert.ok(callback.url.startsWith(REDIRECT));
      const wrong = { ...started, verifier: oidc.randomPKCECodeVerifier() };
      await assertOAuthError(redeem(appA, wrong, callback.url), 'invalid_grant', 400);
    });
  });

  describe('redirect_uri', () => {
    const variants = [
      `${REDIRECT}/`,
      `${REDIRECT}x`,
      `${REDIRECT}/../callback`,
      `${REDIRECT}?next=1`,
      REDIRECT.slice(0, -1),
      'http://127.0.0.1:9/CALLBACK',
      'http://127.0.0.1:99/callback',
      'http://localhost:9/callback',
      'https://127.0.0.1:9/callback',
      'https://evil.example/callback',
      `https://evil.example/?${REDIRECT}`,
      'javascript:alert(1)',
    ];
    it('shows an error page (400, no Location) for any redirect_uri not registered exactly', async () => {
      for (const redirectUri of variants) {
        const { url } = await authorizationUrl(sesame.issuer, 'app-a', { redirect_uri: redirectUri });
        const res = await fetch(url, { redirect: 'manual' });
        const html = await res.text();
        assert.equal(res.status, 400, `${redirectUri}: status ${res.status}`);
        assert.equal(res.headers.get('location'), null, `${redirectUri} redirected`);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
        assert.match(html, /<p class="brand">Sesame<\/p>/, 'the page is Sesame’s own');
        assert.match(html, /redirect_uri/);
        assert.doesNotMatch(html, /evil\.example|javascript:/, 'the rejected URI is not linked');
        assertNoInternals(html, redirectUri);
      }
    });

    it('shows the same error page for an unknown client (nothing to redirect to)', async () => {
      const { url } = await authorizationUrl(sesame.issuer, 'no-such-app');
      const res = await fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /invalid_client/);
    });
  });

  describe('response_type', () => {
    for (const responseType of ['token', 'id_token', 'code id_token', 'code token', 'none']) {
      it(`refuses response_type=${responseType} with an error and no token`, async () => {
        const { url } = await authorizationUrl(sesame.issuer, 'app-a', { response_type: responseType });
        const page = await new FormClient().follow(url, {}, REDIRECT);
        assertErrorAtCallback(page, 'unsupported_response_type', sesame.issuer);
      });
    }

    it('refuses a request without response_type with invalid_request', async () => {
      const { url } = await authorizationUrl(sesame.issuer, 'app-a', { response_type: undefined });
      const page = await new FormClient().follow(url, {}, REDIRECT);
      assertErrorAtCallback(page, 'invalid_request', sesame.issuer);
    });
  });

  describe('authorization response and ID token', () => {
    it('echoes state exactly and puts the nonce, iss, aud, exp, iat and auth_time into the ID token', async () => {
      const before = Math.floor(Date.now() / 1000);
      const state = 'st/ä+&= %26?x';
      const started = await startLogin(appA, { state, max_age: '300' });
      const callback = await submitLogin(started, 'anna@example.com', PASSWORD);
      assert.ok(callback.url.startsWith(REDIRECT));
      const params = new URL(callback.url).searchParams;
      assert.equal(params.get('state'), state);
      assert.equal(params.get('iss'), sesame.issuer);
      assert.ok(params.get('code'));
      // openid-client checks the echoed state and the nonce as well.
      const tokens = await redeem(appA, { ...started, state }, callback.url);
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.iss, sesame.issuer);
      assert.equal(claims.aud, 'app-a');
      assert.equal(claims.nonce, started.nonce);
      assert.equal(typeof claims.sub, 'string');
      const now = Math.floor(Date.now() / 1000);
      assert.ok(claims.iat >= before - 1 && claims.iat <= now + 1, `iat ${claims.iat}`);
      assert.ok(claims.exp > now && claims.exp <= now + 86400, `exp ${claims.exp}`);
      assert.equal(typeof claims.auth_time, 'number');
      assert.ok((claims.auth_time as number) >= before - 1 && (claims.auth_time as number) <= now + 1);
      assert.ok(claims.acr);
      assert.deepEqual(claims.amr, ['pwd']);
      assert.ok(
        Number(tokens.expires_in) > 0 && Number(tokens.expires_in) <= 3600,
        'short-lived access token',
      );
    });

    it('rejects an ID token whose nonce the app did not send (the RP check works on real tokens)', async () => {
      const started = await startLogin(appA);
      const callback = await submitLogin(started, 'anna@example.com', PASSWORD);
      await assert.rejects(
        oidc.authorizationCodeGrant(appA, new URL(callback.url), {
          pkceCodeVerifier: started.verifier,
          expectedState: started.state,
          expectedNonce: oidc.randomNonce(),
        }),
      );
    });
  });

  describe('single use of the authorization code', () => {
    it('of 10 parallel redemptions exactly one succeeds, nine get invalid_grant, and the winner’s access token dies', async () => {
      const started = await startLogin(appA);
      const callback = await submitLogin(started, 'anna@example.com', PASSWORD);
      assert.ok(callback.url.startsWith(REDIRECT));
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => redeem(appA, started, callback.url)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1, `expected one winner, got ${won.length}`);
      for (const r of lost) {
        const err = r.reason as oidc.ResponseBodyError;
        assert.ok(err instanceof oidc.ResponseBodyError, String(err));
        assert.equal(err.status, 400);
        assert.equal(err.error, 'invalid_grant');
      }
      const winner = (won[0] as PromiseFulfilledResult<oidc.TokenEndpointResponse>).value;
      const res = await fetch(`${sesame.issuer}/me`, {
        headers: { authorization: `Bearer ${winner.access_token}` },
      });
      assert.equal(res.status, 401, 'the code replay revoked the tokens issued from it');
    });

    it('a second, later redemption fails and revokes the access token from the first', async () => {
      const started = await startLogin(appA);
      const callback = await submitLogin(started, 'anna@example.com', PASSWORD);
      const first = await redeem(appA, started, callback.url);
      const sub = first.claims()?.sub ?? '';
      assert.equal((await oidc.fetchUserInfo(appA, first.access_token, sub)).sub, sub);
      await assertOAuthError(redeem(appA, started, callback.url), 'invalid_grant', 400);
      const res = await fetch(`${sesame.issuer}/me`, {
        headers: { authorization: `Bearer ${first.access_token}` },
      });
      assert.equal(res.status, 401);
    });

    it('a code issued to app A cannot be redeemed by app B', async () => {
      const started = await startLogin(appA);
      const callback = await submitLogin(started, 'anna@example.com', PASSWORD);
      const stolen = new URL(callback.url);
      await assertOAuthError(
        oidc.authorizationCodeGrant(appB, stolen, {
          pkceCodeVerifier: started.verifier,
          expectedState: started.state,
        }),
        'invalid_grant',
        400,
      );
    });
  });

  describe('userinfo', () => {
    it('returns sub, email, name, the tenant and the roles of the asking app only', async () => {
      const a = (await signIn(appA, 'anna@example.com')).tokens;
      const b = (await signIn(appB, 'anna@example.com')).tokens;
      const sub = a.claims()?.sub ?? '';
      const infoA = await oidc.fetchUserInfo(appA, a.access_token, sub);
      assert.equal(infoA.sub, sub);
      assert.equal(infoA.email, 'anna@example.com');
      assert.equal(infoA.name, 'Anna');
      assert.deepEqual(infoA.roles, ['editor']);
      assert.deepEqual(infoA.tenant, { id: 'default', name: 'Default' }, 'the user’s company');
      assert.deepEqual(a.claims()?.tenant, { id: 'default', name: 'Default' });
      const infoB = await oidc.fetchUserInfo(appB, b.access_token, sub);
      assert.deepEqual(infoB.roles, ['admin']);
    });

    it('answers 401 without an access token and with a garbage one', async () => {
      const none = await fetch(`${sesame.issuer}/me`);
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
      for (const token of ['garbage', 'a'.repeat(43), 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
        const res = await fetch(`${sesame.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 401, token);
        assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
      }
    });
  });

  describe('prompt', () => {
    it('prompt=none without a session returns login_required to the redirect_uri', async () => {
      const { url, state } = await authorizationUrl(sesame.issuer, 'app-a', { prompt: 'none' });
      const page = await new FormClient().follow(url, {}, REDIRECT);
      const params = assertErrorAtCallback(page, 'login_required', sesame.issuer);
      assert.equal(params.get('state'), state);
    });

    it('prompt=none with a session signs in silently; prompt=login with the same session shows the login page again', async () => {
      const started = await startLogin(appA);
      const afterLogin = await submitLogin(started, 'anna@example.com', PASSWORD);
      assert.ok(afterLogin.url.startsWith(REDIRECT));
      const silent = await startLogin(appA, { prompt: 'none' }, started.browser);
      assert.ok(silent.page.url.startsWith(REDIRECT));
      assert.ok(new URL(silent.page.url).searchParams.get('code'), 'the session is live');

      const again = await startLogin(appA, { prompt: 'login' }, started.browser);
      assert.equal(again.page.status, 200);
      assert.ok(again.page.url.startsWith(`${sesame.issuer}/auth?`), again.page.url);
      assert.match(again.page.html, /action="[^"]*\/login"/);
      assert.match(again.page.html, /type="password"/);
    });
  });
});
