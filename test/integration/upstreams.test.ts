import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import * as oidc from 'openid-client';
import {
  type EntraMock,
  type EvilUpstream,
  type OktaMock,
  startEntraMock,
  startEvilUpstream,
  startOktaMock,
  type UpstreamClient,
} from '../../functions/local/mock-upstreams.ts';
import { FormClient } from '../support/browserless.ts';

/**
 * Self-test of the upstream mocks: openid-client (a real RP library) runs code + PKCE + nonce + state
 * against them, a cookie-jar fetch client follows the redirects, and the tokens are checked against
 * what Entra ID and Okta really send. The redirect URI is never contacted (port 9, discard).
 */

const CALLBACK = 'http://127.0.0.1:9/federation/callback';

function client(id: string, method: UpstreamClient['token_endpoint_auth_method'] = 'client_secret_basic') {
  return {
    client_id: id,
    client_secret: `${id}-secret-${randomUUID()}`,
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: method,
  } satisfies UpstreamClient;
}

async function rp(issuer: string, c: UpstreamClient): Promise<oidc.Configuration> {
  const auth =
    c.token_endpoint_auth_method === 'client_secret_post'
      ? oidc.ClientSecretPost(c.client_secret)
      : oidc.ClientSecretBasic(c.client_secret);
  return oidc.discovery(new URL(issuer), c.client_id, undefined, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

/** Sends the browser to the upstream and follows redirects back to the app; does not redeem the code. */
async function authorize(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  const page = await new FormClient().follow(url.href, {}, CALLBACK);
  assert.ok(
    page.url.startsWith(CALLBACK),
    `no redirect back to the app: ${page.status} ${page.html.slice(0, 300)}`,
  );
  return { callback: new URL(page.url), verifier, state, nonce };
}

/** A full sign-in; returns the validated ID token claims, its header, and the raw token. */
async function signIn(config: oidc.Configuration, extra: Record<string, string> = {}) {
  const started = await authorize(config, extra);
  const tokens = await oidc.authorizationCodeGrant(config, started.callback, {
    pkceCodeVerifier: started.verifier,
    expectedState: started.state,
    expectedNonce: started.nonce,
  });
  const claims = tokens.claims();
  assert.ok(claims && tokens.id_token);
  return {
    ...started,
    claims,
    idToken: tokens.id_token,
    header: jose.decodeProtectedHeader(tokens.id_token),
  };
}

/** Verifies the token's signature against the upstream's published JWKS (what Sesame must do). */
async function verifyWithJwks(config: oidc.Configuration, idToken: string) {
  const jwks = jose.createLocalJWKSet(await fetchJwks(config));
  return (await jose.jwtVerify(idToken, jwks, { algorithms: ['RS256'] })).payload;
}

async function fetchJwks(config: oidc.Configuration): Promise<jose.JSONWebKeySet> {
  const jwksUri = config.serverMetadata().jwks_uri;
  assert.ok(jwksUri);
  return (await (await fetch(jwksUri)).json()) as jose.JSONWebKeySet;
}

async function kids(config: oidc.Configuration): Promise<Array<string | undefined>> {
  return (await fetchJwks(config)).keys.map((k) => k.kid);
}

const guids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe('Entra ID mock', () => {
  const TID_A = randomUUID();
  const TID_B = randomUUID();
  const appA = client('11111111-aaaa-4aaa-8aaa-111111111111');
  const appB = client('22222222-bbbb-4bbb-8bbb-222222222222', 'client_secret_post');
  let entra: EntraMock;
  let a: oidc.Configuration;
  let b: oidc.Configuration;

  before(async () => {
    entra = await startEntraMock({ tenants: [TID_A, TID_B], clients: [appA, appB] });
    a = await rp(entra.issuerFor(TID_A), appA);
    b = await rp(entra.issuerFor(TID_A), appB);
  });
  after(() => entra.close());

  it('serves one issuer per tenant under /{tid}/v2.0, with Entra-shaped discovery', async () => {
    assert.equal(entra.issuerFor(TID_A), `${entra.origin}/${TID_A}/v2.0`);
    assert.equal(entra.issuer, entra.issuerFor(TID_A));
    assert.deepEqual(entra.tenantIds, [TID_A, TID_B]);
    for (const tid of [TID_A, TID_B]) {
      const res = await fetch(`${entra.origin}/${tid}/v2.0/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
      const meta = (await res.json()) as Record<string, unknown>;
      assert.equal(meta.issuer, `${entra.origin}/${tid}/v2.0`);
      assert.equal(meta.authorization_endpoint, `${entra.origin}/${tid}/oauth2/v2.0/authorize`);
      assert.equal(meta.token_endpoint, `${entra.origin}/${tid}/oauth2/v2.0/token`);
      assert.equal(meta.jwks_uri, `${entra.origin}/${tid}/discovery/v2.0/keys`);
      assert.deepEqual(meta.subject_types_supported, ['pairwise']);
      assert.deepEqual(meta.id_token_signing_alg_values_supported, ['RS256']);
      assert.equal(meta.authorization_response_iss_parameter_supported, undefined);
      assert.equal(meta.code_challenge_methods_supported, undefined);
      assert.equal(meta.cloud_instance_name, 'microsoftonline.com');
    }
    // The v1 endpoint (issuer https://sts.windows.net/{tid}/) is not mimicked, and unknown tenants 404.
    assert.equal((await fetch(`${entra.origin}/${TID_A}/.well-known/openid-configuration`)).status, 404);
    assert.equal(
      (await fetch(`${entra.origin}/${randomUUID()}/v2.0/.well-known/openid-configuration`)).status,
      404,
    );
    assert.throws(() => entra.issuerFor('nope'));
  });

  it('gives each app its own pairwise sub while oid stays the same; Entra claims, no amr, RS256', async () => {
    const anna = entra.signInAs({
      tid: TID_A,
      preferred_username: 'anna@contoso.onmicrosoft.com',
      email: 'anna@contoso.com',
      name: 'Anna Example',
      xms_edov: true,
      roles: { [appA.client_id]: ['Reader'], [appB.client_id]: ['Admin'] },
      groups: guids(3),
    });
    assert.ok(anna);
    const inA = await signIn(a);
    const inB = await signIn(b);
    for (const [s, app] of [
      [inA, appA],
      [inB, appB],
    ] as const) {
      assert.equal(s.claims.iss, entra.issuerFor(TID_A));
      assert.equal(s.claims.aud, app.client_id);
      assert.equal(s.claims.oid, anna.oid);
      assert.equal(s.claims.tid, TID_A);
      assert.equal(s.claims.ver, '2.0');
      assert.equal(s.claims.email, 'anna@contoso.com');
      assert.equal(s.claims.preferred_username, 'anna@contoso.onmicrosoft.com');
      assert.equal(s.claims.name, 'Anna Example');
      assert.equal(s.claims.xms_edov, true);
      assert.deepEqual(s.claims.groups, anna.groups);
      assert.equal(s.claims.amr, undefined);
      assert.equal(s.claims.acr, undefined);
      assert.notEqual(s.claims.sub, anna.oid);
      assert.match(s.claims.sub, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(s.header.alg, 'RS256');
      assert.equal(s.header.kid, entra.kid);
      assert.equal((await verifyWithJwks(a, s.idToken)).oid, anna.oid);
    }
    assert.notEqual(inA.claims.sub, inB.claims.sub);
    assert.deepEqual(inA.claims.roles, ['Reader']);
    assert.deepEqual(inB.claims.roles, ['Admin']);
    // Same user, same app, again: the same sub (it is stable, only per-app).
    assert.equal((await signIn(a)).claims.sub, inA.claims.sub);

    // A user with xms_edov false, no roles and no groups: the claims are false / absent.
    entra.signInAs({ preferred_username: 'bob@contoso.onmicrosoft.com', xms_edov: false });
    const bob = await signIn(a);
    assert.equal(bob.claims.xms_edov, false);
    assert.equal(bob.claims.email, undefined);
    assert.equal('roles' in bob.claims, false);
    assert.equal('groups' in bob.claims, false);
  });

  it('keeps a tenant user out of another tenant, and gives each tenant its own users', async () => {
    const b1 = await rp(entra.issuerFor(TID_B), appA);
    const carl = entra.signInAs({ tid: TID_B, preferred_username: 'carl@fabrikam.onmicrosoft.com' });
    const inB = await signIn(b1);
    assert.equal(inB.claims.iss, entra.issuerFor(TID_B));
    assert.equal(inB.claims.tid, TID_B);
    assert.equal(inB.claims.oid, carl?.oid);
    const wrongTenant = await authorize(a);
    assert.equal(wrongTenant.callback.searchParams.get('error'), 'access_denied');
  });

  it('sends up to 200 group ids in the token, and an overage pointer instead above 200', async () => {
    const groups200 = guids(200);
    entra.signInAs({ preferred_username: 'many@contoso.onmicrosoft.com', groups: groups200 });
    const at200 = await signIn(a);
    assert.deepEqual(at200.claims.groups, groups200);
    assert.equal(at200.claims._claim_names, undefined);

    const over = entra.signInAs({
      preferred_username: 'toomany@contoso.onmicrosoft.com',
      groups: guids(201),
    });
    const above = await signIn(a);
    assert.equal('groups' in above.claims, false);
    assert.deepEqual(above.claims._claim_names, { groups: 'src1' });
    const sources = above.claims._claim_sources as { src1: { endpoint: string } };
    assert.equal(
      sources.src1.endpoint,
      `https://graph.microsoft.com/v1.0/users/${over?.oid}/getMemberObjects`,
    );
  });

  it('returns code and state without iss, and records what the RP sent', async () => {
    entra.signInAs(null);
    entra.addUser({ preferred_username: 'dora@contoso.onmicrosoft.com', email: 'dora@contoso.com' });
    const started = await authorize(a, {
      login_hint: 'dora@contoso.com',
      domain_hint: 'contoso.com',
      prompt: 'select_account',
    });
    assert.ok(started.callback.searchParams.get('code'));
    assert.equal(started.callback.searchParams.get('state'), started.state);
    assert.equal(started.callback.searchParams.has('iss'), false);
    const sent = entra.lastAuthorizationRequest;
    assert.ok(sent);
    assert.equal(sent.get('login_hint'), 'dora@contoso.com');
    assert.equal(sent.get('domain_hint'), 'contoso.com');
    assert.equal(sent.get('code_challenge_method'), 'S256');
    assert.equal(sent.get('nonce'), started.nonce);
    assert.equal(sent.get('state'), started.state);
    assert.equal(sent.get('prompt'), 'select_account');
    assert.equal(entra.authorizationRequests.at(-1)?.issuer, entra.issuerFor(TID_A));
    // The login_hint picked the user, and openid-client accepts the iss-less response.
    const tokens = await oidc.authorizationCodeGrant(a, started.callback, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });
    assert.equal(tokens.claims()?.email, 'dora@contoso.com');
  });

  it('makes the next sign-in (only) fail with access_denied', async () => {
    entra.signInAs({ preferred_username: 'anna@contoso.onmicrosoft.com' });
    entra.failNextSignIn();
    const denied = await authorize(a);
    assert.equal(denied.callback.searchParams.get('error'), 'access_denied');
    assert.equal(denied.callback.searchParams.get('state'), denied.state);
    assert.equal(denied.callback.searchParams.has('code'), false);
    assert.equal(denied.callback.searchParams.has('iss'), false);
    const next = await authorize(a);
    assert.ok(next.callback.searchParams.get('code'));
  });

  it('rotates the signing key: new kid in the JWKS, old one gone, tokens signed with the new one', async () => {
    entra.signInAs({ preferred_username: 'anna@contoso.onmicrosoft.com' });
    const old = entra.kid;
    assert.deepEqual(await kids(a), [old]);
    // A flow started before the rotation still completes after it (state lives outside the Provider).
    const started = await authorize(a);
    const kid = await entra.rotateSigningKey();
    assert.notEqual(kid, old);
    assert.equal(entra.kid, kid);
    assert.deepEqual(await kids(a), [kid]);
    assert.deepEqual(await kids(await rp(entra.issuerFor(TID_B), appA)), [kid]);
    const tokens = await oidc.authorizationCodeGrant(a, started.callback, {
      pkceCodeVerifier: started.verifier,
      expectedState: started.state,
      expectedNonce: started.nonce,
    });
    assert.equal(jose.decodeProtectedHeader(tokens.id_token as string).kid, kid);
    const after = await signIn(a);
    assert.equal(after.header.kid, kid);
    await verifyWithJwks(a, after.idToken);

    const kept = await entra.rotateSigningKey({ keepOld: true });
    assert.deepEqual(await kids(a), [kept, kid]);
    assert.equal((await signIn(a)).header.kid, kept);
  });
});

describe('Okta mock', () => {
  const app = client('0oa1b2c3d4e5f6g7h8i9');
  let org: OktaMock;
  let custom: OktaMock;

  before(async () => {
    org = await startOktaMock({ clients: [app] });
    custom = await startOktaMock({ authorizationServer: 'default', clients: [app] });
  });
  after(async () => {
    await org.close();
    await custom.close();
  });

  it('serves the org authorization server at the origin and a custom one under /oauth2/{id}', async () => {
    assert.equal(org.issuer, org.origin);
    assert.equal(custom.issuer, `${custom.origin}/oauth2/default`);
    const orgMeta = (await rp(org.issuer, app)).serverMetadata();
    assert.equal(orgMeta.issuer, org.origin);
    assert.equal(orgMeta.authorization_endpoint, `${org.origin}/oauth2/v1/authorize`);
    assert.equal(orgMeta.jwks_uri, `${org.origin}/oauth2/v1/keys`);
    assert.equal(orgMeta.authorization_response_iss_parameter_supported, undefined);
    assert.ok(orgMeta.acr_values_supported?.includes('urn:okta:loa:2fa:any'));
    const customMeta = (await rp(custom.issuer, app)).serverMetadata();
    assert.equal(customMeta.issuer, `${custom.origin}/oauth2/default`);
    assert.equal(customMeta.authorization_endpoint, `${custom.origin}/oauth2/default/v1/authorize`);
    assert.equal(customMeta.token_endpoint, `${custom.origin}/oauth2/default/v1/token`);
    assert.equal((await fetch(`${custom.origin}/.well-known/openid-configuration`)).status, 404);
  });

  it('signs in with Okta claims: 00u sub, group names, email_verified, amr pwd, no acr unless asked', async () => {
    for (const okta of [org, custom]) {
      const user = okta.signInAs({
        email: 'eve@example.com',
        name: 'Eve',
        groups: ['Everyone', 'Engineering'],
      });
      const { claims, callback, idToken } = await signIn(await rp(okta.issuer, app));
      assert.equal(claims.iss, okta.issuer);
      assert.equal(claims.sub, user?.sub);
      assert.match(claims.sub, /^00u[A-Za-z0-9]{17}$/);
      assert.deepEqual(claims.groups, ['Everyone', 'Engineering']);
      assert.equal(claims.email, 'eve@example.com');
      assert.equal(claims.email_verified, true);
      assert.equal(claims.preferred_username, 'eve@example.com');
      assert.deepEqual(claims.amr, ['pwd']);
      assert.equal(claims.acr, undefined);
      assert.equal(typeof claims.auth_time, 'number');
      assert.equal(callback.searchParams.has('iss'), false);
      await verifyWithJwks(await rp(okta.issuer, app), idToken);
    }
  });

  it('returns the requested acr, with amr pwd+mfa only for users who did MFA', async () => {
    const config = await rp(custom.issuer, app);
    custom.signInAs({ email: 'mfa@example.com', mfa: true });
    const strong = await signIn(config, { acr_values: 'urn:okta:loa:2fa:any' });
    assert.equal(strong.claims.acr, 'urn:okta:loa:2fa:any');
    assert.deepEqual(strong.claims.amr, ['pwd', 'mfa']);
    assert.equal(custom.lastAuthorizationRequest?.get('acr_values'), 'urn:okta:loa:2fa:any');

    custom.signInAs({ email: 'weak@example.com', email_verified: false });
    const weak = await signIn(config, { acr_values: 'urn:okta:loa:1fa:pwd' });
    assert.equal(weak.claims.acr, 'urn:okta:loa:1fa:pwd');
    assert.deepEqual(weak.claims.amr, ['pwd']);
    assert.equal(weak.claims.email_verified, false);
  });

  it('fails the next sign-in with access_denied and rotates keys', async () => {
    const config = await rp(org.issuer, app);
    org.signInAs({ email: 'eve@example.com' });
    org.failNextSignIn('access_denied', 'User is not assigned to the client application.');
    const denied = await authorize(config);
    assert.equal(denied.callback.searchParams.get('error'), 'access_denied');
    assert.equal(
      denied.callback.searchParams.get('error_description'),
      'User is not assigned to the client application.',
    );
    const old = org.kid;
    const kid = await org.rotateSigningKey();
    assert.deepEqual(await kids(config), [kid]);
    assert.notEqual(kid, old);
    assert.equal((await signIn(config)).header.kid, kid);
  });

  it('refuses a wrong client secret at the token endpoint', async () => {
    org.signInAs({ email: 'eve@example.com' });
    const good = await rp(org.issuer, app);
    const started = await authorize(good);
    const bad = await rp(org.issuer, { ...app, client_secret: 'wrong' });
    await assert.rejects(
      oidc.authorizationCodeGrant(bad, started.callback, {
        pkceCodeVerifier: started.verifier,
        expectedState: started.state,
        expectedNonce: started.nonce,
      }),
      (err: unknown) => {
        // client_secret_basic failures come back as 401 with a WWW-Authenticate challenge.
        assert.ok(err instanceof oidc.WWWAuthenticateChallengeError, String(err));
        assert.equal(err.status, 401);
        assert.equal(err.cause[0]?.parameters.error, 'invalid_client');
        return true;
      },
    );
  });
});

describe('evil upstream (ID token forgery hook)', () => {
  const app = client('evil-app', 'client_secret_post');
  let evil: EvilUpstream;
  let config: oidc.Configuration;

  before(async () => {
    evil = await startEvilUpstream({ clients: [app], users: [{ email: 'mallory@example.com' }] });
    config = await rp(evil.issuer, app);
  });
  after(() => evil.close());

  it('behaves as a plain OIDC provider with RFC 9207 iss and the login_hint picking the user', async () => {
    const s = await signIn(config, { login_hint: 'mallory@example.com' });
    assert.equal(s.callback.searchParams.get('iss'), evil.issuer);
    assert.equal(s.claims.email, 'mallory@example.com');
    await verifyWithJwks(config, s.idToken);
    const nobody = await authorize(config, { login_hint: 'nobody@example.com' });
    assert.equal(nobody.callback.searchParams.get('error'), 'access_denied');
  });

  it('re-signs tampered claims with the real key: openid-client catches a wrong nonce', async () => {
    evil.nextIdToken = (claims, _header, forge) => forge.sign({ ...claims, nonce: 'not-the-one-sent' });
    await assert.rejects(signIn(config, { login_hint: 'mallory@example.com' }), (err: unknown) => {
      assert.match(String((err as Error).cause), /unexpected ID Token "nonce" claim value/);
      return true;
    });
    assert.equal(evil.nextIdToken, undefined);
    // One-shot: the next token is genuine again.
    await signIn(config, { login_hint: 'mallory@example.com' });
  });

  /** Runs a sign-in with `tamper` installed and returns the raw ID token of the token response. */
  async function forged(tamper: NonNullable<EvilUpstream['nextIdToken']>) {
    evil.nextIdToken = tamper;
    const started = await authorize(config, { login_hint: 'mallory@example.com' });
    // openid-client does not verify signatures of token-endpoint ID tokens; take the raw response.
    const res = await fetch(config.serverMetadata().token_endpoint as string, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: started.callback.searchParams.get('code') as string,
        redirect_uri: CALLBACK,
        code_verifier: started.verifier,
        client_id: app.client_id,
        client_secret: app.client_secret,
      }),
    });
    assert.equal(res.status, 200);
    const { id_token: idToken } = (await res.json()) as { id_token: string };
    // Everything but the signature is what a genuine token for this request carries.
    assert.equal(jose.decodeJwt(idToken).nonce, started.nonce);
    assert.equal(jose.decodeJwt(idToken).iss, evil.issuer);
    return { idToken, header: jose.decodeProtectedHeader(idToken) };
  }

  it('forges tokens a JWKS check must refuse: unknown kid, foreign key, alg none, HS256 with the public key', async () => {
    const unknownKid = await forged((c, _h, f) => f.sign(c, { kid: 'unknown-kid' }));
    assert.deepEqual([unknownKid.header.alg, unknownKid.header.kid], ['RS256', 'unknown-kid']);
    await assert.rejects(verifyWithJwks(config, unknownKid.idToken), { code: 'ERR_JWKS_NO_MATCHING_KEY' });

    const foreign = await forged((c, _h, f) => f.signWithForeignKey(c));
    assert.deepEqual([foreign.header.alg, foreign.header.kid], ['RS256', evil.kid]);
    await assert.rejects(verifyWithJwks(config, foreign.idToken), {
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });

    const none = await forged((c, _h, f) => f.unsigned(c));
    assert.equal(none.header.alg, 'none');
    assert.ok(none.idToken.endsWith('.'));
    await assert.rejects(verifyWithJwks(config, none.idToken), { code: 'ERR_JOSE_ALG_NOT_ALLOWED' });

    const hs256 = await forged((c, _h, f) => f.hs256WithPublicKey(c));
    assert.equal(hs256.header.alg, 'HS256');
    const publicKey = (await jose.importJWK(evil.jwks.keys[0] as jose.JWK, 'RS256')) as jose.CryptoKey;
    const pem = await jose.exportSPKI(publicKey);
    // It really is keyed with the public key, so a verifier that lets the token pick HMAC would accept it.
    await jose.jwtVerify(hs256.idToken, new TextEncoder().encode(pem), { algorithms: ['HS256'] });
    await assert.rejects(verifyWithJwks(config, hs256.idToken), { code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });
});
