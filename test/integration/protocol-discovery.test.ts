import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { buildClient } from '../../functions/domain/clients.ts';
import { assertNoInternals } from '../support/protocol.ts';
import { addUser, REDIRECT, relyingParty, signIn } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/** OpenID Connect Discovery 1.0, RFC 8414 and RFC 9207 as a relying party sees them. */
describe('discovery document and signing keys', () => {
  let sesame: RunningSesame;
  let meta: Record<string, unknown>;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'disco-app' }));
    await addUser(sesame, 'dora@example.com', { name: 'Dora' });
    const res = await fetch(`${sesame.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    meta = (await res.json()) as Record<string, unknown>;
  });
  after(() => sesame.close());

  it('names as issuer exactly the URL the document was fetched under', () => {
    assert.equal(meta.issuer, sesame.issuer);
    assert.equal(app.serverMetadata().issuer, sesame.issuer);
  });

  it('lists endpoints that all answer (no 404, no 5xx) under the issuer', async () => {
    const endpoints = Object.entries(meta).filter(
      ([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string',
    ) as Array<[string, string]>;
    assert.ok(endpoints.length >= 7, `expected the usual endpoints, got ${endpoints.map(([k]) => k)}`);
    const getEndpoints = new Set([
      'authorization_endpoint',
      'userinfo_endpoint',
      'end_session_endpoint',
      'jwks_uri',
    ]);
    for (const [key, url] of endpoints) {
      assert.ok(url.startsWith(`${sesame.issuer}/`), `${key} outside the issuer: ${url}`);
      const method = getEndpoints.has(key) ? 'GET' : 'POST';
      const res = await fetch(url, {
        method,
        redirect: 'manual',
        ...(method === 'POST'
          ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }
          : {}),
      });
      const body = await res.text();
      assert.notEqual(res.status, 404, `${key} (${method} ${url}) is not routed`);
      assert.ok(res.status < 500, `${key} (${method} ${url}) answered ${res.status}`);
      assertNoInternals(body, key);
    }
  });

  it('lists the languages its pages speak, English first', () => {
    assert.deepEqual(meta.ui_locales_supported, ['en', 'nl', 'de']);
  });

  it('offers only the authorization code flow and only S256 PKCE', () => {
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.equal((meta.grant_types_supported as string[]).includes('implicit'), false);
  });

  it('lists only real signing algorithms (never none) and announces RFC 9207 iss', () => {
    assert.deepEqual(meta.id_token_signing_alg_values_supported, ['RS256', 'ES256']);
    assert.equal(meta.authorization_response_iss_parameter_supported, true);
  });

  it('publishes an RS256 and an ES256 public key, and no private key material', async () => {
    const res = await fetch(String(meta.jwks_uri));
    const { keys } = (await res.json()) as { keys: Array<Record<string, unknown>> };
    const algs = keys.map((k) => k.alg);
    assert.ok(algs.includes('RS256'), `algs: ${algs}`);
    assert.ok(algs.includes('ES256'), `algs: ${algs}`);
    for (const key of keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        assert.equal(key[secret], undefined, `key has ${secret}`);
      assert.equal(key.use, 'sig');
      assert.equal(typeof key.kid, 'string');
    }
  });

  it('carries iss in the authorization response and signs ID tokens verifiable with the jwks_uri keys', async () => {
    const { callback, tokens } = await signIn(app, 'dora@example.com');
    assert.equal(new URL(callback.url).searchParams.get('iss'), sesame.issuer);
    const idToken = tokens.id_token;
    assert.ok(idToken);
    assert.equal(decodeProtectedHeader(idToken).alg, 'RS256');
    const jwks = createRemoteJWKSet(new URL(String(meta.jwks_uri)));
    const { payload } = await jwtVerify(idToken, jwks, {
      issuer: sesame.issuer,
      audience: 'disco-app',
      algorithms: ['RS256', 'ES256'],
    });
    assert.equal(payload.name, 'Dora');
    // A tampered token fails verification with the same keys.
    const [h, , s] = idToken.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...payload, name: 'Mallory' })).toString('base64url');
    await assert.rejects(jwtVerify(`${h}.${forged}.${s}`, jwks));
  });

  it('signs with the ES256 key for an app registered for ES256, and that signature verifies too', async () => {
    const { client, clientSecret } = buildClient(
      { clientId: 'es256-app', redirectUris: [REDIRECT] },
      new Date(),
    );
    client.metadata.id_token_signed_response_alg = 'ES256';
    await sesame.parts.deps.clients.put(client);
    const config = await oidc.discovery(
      new URL(sesame.issuer),
      'es256-app',
      { client_secret: clientSecret ?? '', id_token_signed_response_alg: 'ES256' },
      undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    const { tokens } = await signIn(config, 'dora@example.com');
    const idToken = tokens.id_token ?? '';
    assert.equal(decodeProtectedHeader(idToken).alg, 'ES256');
    const jwks = createRemoteJWKSet(new URL(String(meta.jwks_uri)));
    const { payload } = await jwtVerify(idToken, jwks, { issuer: sesame.issuer, audience: 'es256-app' });
    assert.equal(payload.sub, tokens.claims()?.sub);
  });

  it('lets relying parties and an edge cache keep discovery and the JWKS, and answers them alike every time', async () => {
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const [first, second] = [
        await fetch(`${sesame.issuer}${path}`),
        await fetch(`${sesame.issuer}${path}`),
      ];
      assert.equal(first.headers.get('cache-control'), 'public, max-age=300', path);
      assert.equal(await first.text(), await second.text(), path);
      const headers = (res: Response) =>
        [...res.headers].filter(([name]) => !['x-request-id', 'date'].includes(name));
      assert.deepEqual(headers(second), headers(first), path);
      assert.notEqual(second.headers.get('x-request-id'), first.headers.get('x-request-id'), path);
      // A browser's cross-origin fetch still gets its origin echoed by the CORS rules.
      const cors = await fetch(`${sesame.issuer}${path}`, { headers: { origin: 'https://spa.example' } });
      assert.equal(cors.headers.get('access-control-allow-origin'), 'https://spa.example', path);
    }
  });
});
