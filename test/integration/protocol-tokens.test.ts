import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { assertOAuthError, basic } from '../support/protocol.ts';
import { addUser, PASSWORD, relyingParty, signIn } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** Refresh tokens (RFC 6749 §6, RFC 9700 §4.14), client credentials, RFC 7009 and RFC 7662. */
describe('token endpoint, refresh, revocation and introspection', () => {
  let sesame: RunningSesame;
  let appA: oidc.Configuration;
  let appB: oidc.Configuration;
  let service: oidc.Configuration;
  let serviceSecret: string;
  let appASecret: string;
  /** Headers of every response the apps' openid-client saw, in order. */
  const seen: Array<{ url: string; status: number; headers: Headers }> = [];

  const recording: oidc.CustomFetch = async (url, init) => {
    const res = await fetch(url, init as RequestInit);
    seen.push({ url, status: res.status, headers: res.headers });
    return res;
  };

  const userinfoStatus = async (accessToken: string) =>
    (await fetch(`${sesame.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

  /** Sign-in asking for offline_access (prompt=consent is what OIDC requires for it). */
  const offlineSignIn = async (config: oidc.Configuration) =>
    (await signIn(config, 'rita@example.com', PASSWORD, { prompt: 'consent' })).tokens;

  before(async () => {
    sesame = await startSesame();
    const a = await relyingParty(sesame, { clientId: 'app-a', roles: ['viewer'] });
    appA = a.config;
    appASecret = a.clientSecret ?? '';
    ({ config: appB } = await relyingParty(sesame, { clientId: 'app-b' }));
    const s = await relyingParty(sesame, {
      clientId: 'service-x',
      redirectUris: [],
      clientCredentials: true,
    });
    service = s.config;
    serviceSecret = s.clientSecret ?? '';
    for (const config of [appA, appB, service]) config[oidc.customFetch] = recording;
    await addUser(sesame, 'rita@example.com', { name: 'Rita', roles: [['app-a', 'viewer']] });
  });
  after(() => sesame.close());

  describe('token responses', () => {
    it('carry Cache-Control: no-store, for codes, refreshes and client credentials alike', async () => {
      seen.length = 0;
      const tokens = await offlineSignIn(appA);
      await oidc.refreshTokenGrant(appA, tokens.refresh_token ?? '');
      await oidc.clientCredentialsGrant(service);
      const tokenResponses = seen.filter((r) => r.url === `${sesame.issuer}/token`);
      assert.equal(tokenResponses.length, 3);
      for (const r of tokenResponses) {
        assert.equal(r.status, 200);
        assert.match(r.headers.get('cache-control') ?? '', /no-store/);
      }
    });

    it('answer 401 invalid_client (with no-store) to a wrong client secret', async () => {
      const res = await fetch(`${sesame.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: basic('service-x', `${serviceSecret}x`),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
      assert.match(res.headers.get('cache-control') ?? '', /no-store/);
      const wrongPost = await fetch(`${sesame.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'service-x',
          client_secret: 'nope',
        }).toString(),
      });
      assert.equal(wrongPost.status, 401);
    });
  });

  describe('refresh tokens', () => {
    it('are issued with offline_access, rotate on use, and a reused one is rejected and kills the newest too', async () => {
      const tokens = await offlineSignIn(appA);
      const first = tokens.refresh_token;
      assert.ok(first, 'offline_access yields a refresh token');
      const second = await oidc.refreshTokenGrant(appA, first);
      assert.ok(second.refresh_token);
      assert.notEqual(second.refresh_token, first, 'rotated');
      assert.equal(await userinfoStatus(second.access_token), 200);

      await assertOAuthError(oidc.refreshTokenGrant(appA, first), 'invalid_grant', 400);
      // RFC 9700 §4.14: the replay revokes the whole family, including the token the thief would now hold.
      await assertOAuthError(oidc.refreshTokenGrant(appA, second.refresh_token), 'invalid_grant', 400);
      assert.equal(await userinfoStatus(second.access_token), 401);
    });

    it('are not issued without offline_access', async () => {
      const { tokens } = await signIn(appA, 'rita@example.com', PASSWORD, { scope: 'openid email' });
      assert.equal(tokens.refresh_token, undefined);
    });

    it('are bound to the app that got them: app B cannot use app A’s', async () => {
      const tokens = await offlineSignIn(appA);
      await assertOAuthError(oidc.refreshTokenGrant(appB, tokens.refresh_token ?? ''), 'invalid_grant', 400);
    });
  });

  describe('client credentials', () => {
    it('gives a client registered for it an access token', async () => {
      const tokens = await oidc.clientCredentialsGrant(service);
      assert.ok(tokens.access_token);
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(Number(tokens.expires_in) > 0 && Number(tokens.expires_in) <= 3600);
      assert.equal(tokens.refresh_token, undefined);
      assert.equal(tokens.id_token, undefined);
    });

    // oidc-provider answers invalid_request ("requested grant type is not allowed for this client");
    // RFC 6749 §5.2 would say unauthorized_client. Either is a refusal.
    const refusal = /^(?:invalid_request|unauthorized_client)$/;

    it('refuses a client without that grant', async () => {
      await assert.rejects(oidc.clientCredentialsGrant(appA), (err: unknown) => {
        assert.ok(err instanceof oidc.ResponseBodyError);
        assert.equal(err.status, 400);
        assert.match(err.error, refusal);
        assert.match(err.error_description ?? '', /grant type is not allowed/);
        return true;
      });
    });

    it('does not let the service app run the authorization code flow', async () => {
      const res = await fetch(`${sesame.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: basic('service-x', serviceSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=authorization_code&code=x&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback',
      });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { error: string }).error, refusal);
    });
  });

  describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
    it('introspection reports a live token active to its own app and inactive to another app', async () => {
      const tokens = await offlineSignIn(appA);
      const own = await oidc.tokenIntrospection(appA, tokens.access_token);
      assert.equal(own.active, true);
      assert.equal(own.client_id, 'app-a');
      const other = await oidc.tokenIntrospection(appB, tokens.access_token);
      assert.equal(other.active, false);
      assert.equal(other.sub, undefined);
    });

    it('a revoked access token is inactive at introspection and refused at userinfo', async () => {
      const tokens = await offlineSignIn(appA);
      assert.equal(await userinfoStatus(tokens.access_token), 200);
      await oidc.tokenRevocation(appA, tokens.access_token, { token_type_hint: 'access_token' });
      assert.equal((await oidc.tokenIntrospection(appA, tokens.access_token)).active, false);
      assert.equal(await userinfoStatus(tokens.access_token), 401);
    });

    it('a revoked refresh token is inactive and can no longer be used, nor can its access token', async () => {
      const tokens = await offlineSignIn(appA);
      const refresh = tokens.refresh_token ?? '';
      assert.equal((await oidc.tokenIntrospection(appA, refresh)).active, true);
      await oidc.tokenRevocation(appA, refresh);
      assert.equal((await oidc.tokenIntrospection(appA, refresh)).active, false);
      await assertOAuthError(oidc.refreshTokenGrant(appA, refresh), 'invalid_grant', 400);
      assert.equal(await userinfoStatus(tokens.access_token), 401);
    });

    it('revocation by another app leaves the token alive', async () => {
      const tokens = await offlineSignIn(appA);
      await oidc.tokenRevocation(appB, tokens.access_token).catch(() => undefined);
      assert.equal(await userinfoStatus(tokens.access_token), 200);
    });

    it('introspection and revocation without client authentication are refused and reveal nothing', async () => {
      const tokens = await offlineSignIn(appA);
      for (const path of ['/token/introspection', '/token/revocation']) {
        const res = await fetch(`${sesame.issuer}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: tokens.access_token, client_id: 'app-a' }).toString(),
        });
        const body = (await res.json()) as Record<string, unknown>;
        assert.ok(res.status === 400 || res.status === 401, `${path}: ${res.status}`);
        assert.equal(body.error, 'invalid_client', path);
        assert.equal(body.active, undefined);
      }
      const wrongSecret = await fetch(`${sesame.issuer}/token/introspection`, {
        method: 'POST',
        headers: {
          authorization: basic('app-a', `${appASecret}!`),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: tokens.access_token }).toString(),
      });
      assert.equal(wrongSecret.status, 401);
      assert.equal(await userinfoStatus(tokens.access_token), 200, 'the refused revocation changed nothing');
    });
  });
});
