import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as jose from 'jose';
import * as oidc from 'openid-client';
import { COMMANDS } from '../../functions/cli/commands.ts';
import { exitFor } from '../../functions/cli/errors.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { addTenant, addTenantDomain } from '../../functions/domain/admin/federation.ts';
import {
  type EntraMock,
  type OktaMock,
  startEntraMock,
  startOktaMock,
} from '../../functions/local/mock-upstreams.ts';
import { type KeyPairFiles, makeKeyPair, removeKeyPair } from '../support/certificates.ts';
import { REDIRECT, redeem, relyingParty, startLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * private_key_jwt towards upstreams, end to end: key pairs made with the openssl command the README
 * gives operators, connections added and re-keyed through the admin CLI's commands, and sign-ins
 * through Entra- and Okta-like upstreams built from oidc-provider, which verify each client
 * assertion's signature against the registered certificate and, as Entra and Okta do, want its `aud`
 * to be the token endpoint (Entra: and the `x5t#S256` header to name the certificate).
 */
const TID = '7c7c7c7c-1111-2222-3333-444444444444';

let sesame: RunningSesame;
let entra: EntraMock;
let okta: OktaMock;
let app: oidc.Configuration;
/** Registered upstream (A, C), and one that is not (B). */
let pairA: KeyPairFiles;
let pairB: KeyPairFiles;
let pairC: KeyPairFiles;

const deps = () => sesame.parts.deps;
const callbackOf = (id: string) => `${sesame.issuer}/federation/${id}/callback`;

async function cli(verb: string, values: Record<string, unknown>) {
  const command = COMMANDS.find((c) => c.noun === 'connection' && c.verb === verb);
  if (!command) throw new Error(`no command connection ${verb}`);
  return (await command.run(sesame.parts, sesame.config, values)) as Record<string, unknown>;
}

async function refusedBy(verb: string, values: Record<string, unknown>) {
  const err = await cli(verb, values).then(
    () => assert.fail(`accepted ${JSON.stringify(values)}`),
    (e: unknown) => e,
  );
  return exitFor(err, sesame.config.passwordPolicy);
}

const keyFiles = (pair: KeyPairFiles) => ({
  'private-key-file': pair.keyFile,
  'certificate-file': pair.certFile,
});

/** The mock Entra's app registration for connection `id`, with these certificates uploaded. */
function registerAtEntra(id: string, certificates: string[]) {
  entra.registerClient({
    client_id: `app-${id}`,
    redirect_uris: [callbackOf(id)],
    token_endpoint_auth_method: 'private_key_jwt',
    certificates,
  });
}

async function addEntraConnection(id: string, credential: Record<string, string>) {
  return cli('add', {
    id,
    tenant: 'acme',
    type: 'entra',
    'entra-tenant-id': TID,
    authority: entra.origin,
    'client-id': `app-${id}`,
    ...credential,
  });
}

async function signIn(connectionId: string) {
  const started = await startLogin(app, { sesame_idp: connectionId });
  return started;
}

async function claimsOf(started: Awaited<ReturnType<typeof startLogin>>) {
  assert.ok(
    started.page.url.startsWith(REDIRECT),
    `back at the app, not at ${started.page.url} (${started.page.status})`,
  );
  const tokens = await redeem(app, started, started.page.url);
  return tokens.claims() as Record<string, unknown>;
}

const lastAssertion = (mock: EntraMock | OktaMock) => {
  const assertion = mock.clientAssertions.at(-1);
  assert.ok(assertion, 'a client assertion reached the token endpoint');
  return { header: jose.decodeProtectedHeader(assertion), claims: jose.decodeJwt(assertion) };
};

before(async () => {
  pairA = makeKeyPair();
  pairB = makeKeyPair();
  pairC = makeKeyPair();
  sesame = await startSesame();
  [entra, okta] = await Promise.all([
    startEntraMock({ tenants: [TID] }),
    startOktaMock({ authorizationServer: 'default' }),
  ]);
  await addTenant(deps(), OPERATOR, { id: 'acme', name: 'Acme Corp' });
  await addTenantDomain(deps(), OPERATOR, { tenantId: 'acme', domain: 'acme.example', verified: true });
  ({ config: app } = await relyingParty(sesame, { clientId: 'shop', roles: ['clerk'] }));
});

after(async () => {
  await Promise.all([sesame?.close(), entra?.close(), okta?.close()]);
  for (const pair of [pairA, pairB, pairC]) removeKeyPair(pair);
});

describe('private_key_jwt towards Entra ID', () => {
  it('signs in with the certificate’s key: x5t#S256 names the certificate, aud is the token endpoint', {
    timeout: 30_000,
  }, async () => {
    registerAtEntra('acme-cert', [pairA.certificate]);
    const added = await addEntraConnection('acme-cert', keyFiles(pairA));
    assert.equal(added.clientAuth, 'private_key_jwt');
    assert.deepEqual(added.certificate, { x5tS256: pairA.x5tS256, expiresAt: pairA.notAfter.toISOString() });

    entra.signInAs({ preferred_username: 'kim@acme.example', email: 'kim@acme.example', name: 'Kim' });
    const claims = await claimsOf(await signIn('acme-cert'));
    assert.equal(claims.email, 'kim@acme.example');
    assert.equal(claims.acr, 'urn:sesame:acr:fed');

    const { header, claims: assertion } = lastAssertion(entra);
    const discovered = await oidc.discovery(new URL(entra.issuerFor(TID)), 'x', undefined, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    assert.equal(header['x5t#S256'], pairA.x5tS256, 'the thumbprint openssl computes');
    assert.equal(header.alg, 'PS256', 'what Microsoft documents for x5t#S256');
    assert.equal(header.typ, 'JWT');
    assert.equal(assertion.aud, discovered.serverMetadata().token_endpoint);
    assert.equal(assertion.iss, 'app-acme-cert');
    assert.equal(assertion.sub, 'app-acme-cert');

    const everything = JSON.stringify([
      added,
      await cli('show', { id: 'acme-cert' }),
      await cli('list', {}),
      sesame.logs,
    ]);
    const keyBody = pairA.privateKey.split('\n')[1] ?? '';
    assert.ok(keyBody.length > 20 && !everything.includes(keyBody), 'the key is neither printed nor logged');
    const stored = await deps().connectionSecrets.get('acme-cert');
    assert.ok(stored?.startsWith('-----BEGIN PRIVATE KEY-----'), 'kept as PKCS#8 PEM');
  });

  it('is refused, creating no user, when Sesame signs with a key the upstream does not hold', {
    timeout: 30_000,
  }, async () => {
    registerAtEntra('acme-other', [pairA.certificate]);
    await addEntraConnection('acme-other', keyFiles(pairB));
    entra.signInAs({ preferred_username: 'lee@acme.example', email: 'lee@acme.example', name: 'Lee' });
    const refusals = () => sesame.logs.filter((l) => l.includes('federation.refused')).length;
    const before = refusals();
    const started = await signIn('acme-other');
    assert.equal(started.page.status, 403, `${started.page.status} ${started.page.url}`);
    assert.match(started.page.html, /could not be trusted/);
    assert.equal(await deps().users.findIdByEmailKey('lee@acme.example'), null);
    assert.equal(refusals(), before + 1, 'audited');
    assert.ok(sesame.logs.some((l) => l.includes('federation.redeem_failed') && l.includes('acme-other')));
  });

  it('checks client assertions as Entra does, so the sign-ins above prove aud and x5t#S256', {
    timeout: 30_000,
  }, async () => {
    registerAtEntra('probe', [pairA.certificate]);
    const discovered = await oidc.discovery(
      new URL(entra.issuerFor(TID)),
      'app-probe',
      undefined,
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const server = discovered.serverMetadata();
    const keyOf = (pem: string) =>
      createPrivateKey(pem).toCryptoKey({ name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    /** The token endpoint's answer to a bogus code sent with an assertion openid-client built. */
    const tokenError = async (pem: string, modify: oidc.ModifyAssertionFunction) => {
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'bogus',
        redirect_uri: 'x',
      });
      await oidc.PrivateKeyJwt(keyOf(pem), { [oidc.modifyAssertion]: modify })(
        server,
        { client_id: 'app-probe' },
        body,
        new Headers(),
      );
      const res = await fetch(String(server.token_endpoint), { method: 'POST', body });
      return ((await res.json()) as { error: string }).error;
    };
    const asEntraWants: oidc.ModifyAssertionFunction = (header, payload) => {
      header['x5t#S256'] = pairA.x5tS256;
      payload.aud = server.token_endpoint;
    };
    assert.equal(await tokenError(pairA.privateKey, asEntraWants), 'invalid_grant', 'client authenticated');
    assert.equal(
      await tokenError(pairA.privateKey, (h) => {
        h['x5t#S256'] = pairA.x5tS256;
      }),
      'invalid_client',
      'openid-client’s default aud (the issuer) is refused',
    );
    assert.equal(
      await tokenError(pairA.privateKey, (_h, p) => {
        p.aud = server.token_endpoint;
      }),
      'invalid_client',
      'no x5t#S256',
    );
    assert.equal(await tokenError(pairB.privateKey, asEntraWants), 'invalid_client', 'another key');
  });

  it('moves a connection from a client secret to a certificate, and to a new one, keeping its users', {
    timeout: 30_000,
  }, async () => {
    entra.registerClient({
      client_id: 'app-acme-move',
      client_secret: 'old-client-secret',
      redirect_uris: [callbackOf('acme-move')],
      token_endpoint_auth_method: 'client_secret_post',
    });
    await addEntraConnection('acme-move', { 'client-secret': 'old-client-secret' });
    entra.signInAs({ preferred_username: 'max@acme.example', email: 'max@acme.example', name: 'Max' });
    const first = await claimsOf(await signIn('acme-move'));

    // Entra holds both certificates while the connection moves from one to the other.
    const pairD = makeKeyPair();
    try {
      registerAtEntra('acme-move', [pairC.certificate, pairD.certificate]);
      const keyed = await cli('set-credential', { id: 'acme-move', ...keyFiles(pairC) });
      assert.equal(keyed.clientAuth, 'private_key_jwt');
      assert.equal((await claimsOf(await signIn('acme-move'))).sub, first.sub, 'the same user');
      assert.equal(lastAssertion(entra).header['x5t#S256'], pairC.x5tS256);

      await cli('set-credential', { id: 'acme-move', ...keyFiles(pairD) });
      assert.equal((await claimsOf(await signIn('acme-move'))).sub, first.sub);
      assert.equal(lastAssertion(entra).header['x5t#S256'], pairD.x5tS256);
    } finally {
      removeKeyPair(pairD);
    }
  });
});

describe('private_key_jwt towards Okta', () => {
  it('signs RS256 with the token endpoint as aud', { timeout: 30_000 }, async () => {
    const okPair = makeKeyPair();
    try {
      okta.registerClient({
        client_id: 'okta-app',
        redirect_uris: [callbackOf('acme-okta-key')],
        token_endpoint_auth_method: 'private_key_jwt',
        certificates: [okPair.certificate],
      });
      await cli('add', {
        id: 'acme-okta-key',
        tenant: 'acme',
        type: 'okta',
        issuer: okta.issuer,
        'client-id': 'okta-app',
        ...keyFiles(okPair),
      });
      okta.signInAs({ email: 'ola@acme.example', name: 'Ola' });
      assert.equal((await claimsOf(await signIn('acme-okta-key'))).email, 'ola@acme.example');
      const { header, claims } = lastAssertion(okta);
      assert.equal(header.alg, 'RS256');
      assert.match(String(claims.aud), /\/oauth2\/default\/v1\/token$/);
    } finally {
      removeKeyPair(okPair);
    }
  });
});

describe('connection credentials in the admin CLI', () => {
  it('takes exactly one credential, and only a usable key pair', { timeout: 30_000 }, async () => {
    const base = {
      id: 'acme-bad',
      tenant: 'acme',
      type: 'entra',
      'entra-tenant-id': TID,
      authority: entra.origin,
      'client-id': 'x',
    };
    const both = await refusedBy('add', { ...base, 'client-secret': 's', ...keyFiles(pairA) });
    assert.equal(both.status, 2);
    assert.match(both.message, /not both/);
    assert.equal((await refusedBy('add', base)).status, 2, 'neither');
    assert.equal(
      (await refusedBy('add', { ...base, 'private-key-file': pairB.keyFile })).status,
      2,
      'a key without its certificate',
    );
    const mismatch = await refusedBy('add', {
      ...base,
      'private-key-file': pairB.keyFile,
      'certificate-file': pairC.certFile,
    });
    assert.deepEqual(mismatch, {
      status: 2,
      error: 'invalid_setting',
      message: 'Not accepted: the private key does not belong to the certificate.',
    });
    const inUse = await refusedBy('add', { ...base, ...keyFiles(pairA) });
    assert.match(inUse.message, /another connection uses this certificate/);

    const missing = await refusedBy('add', {
      ...base,
      ...keyFiles(pairB),
      'certificate-file': '/nonexistent.pem',
    });
    assert.deepEqual(missing, {
      status: 2,
      error: 'usage',
      message: '--certificate-file: cannot read /nonexistent.pem (ENOENT)',
    });
    const garbage = join(pairB.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    assert.match(
      (await refusedBy('add', { ...base, ...keyFiles(pairB), 'certificate-file': garbage })).message,
      /X\.509/,
    );

    const ec = makeKeyPair({ newkey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] });
    const small = makeKeyPair({ newkey: ['-newkey', 'rsa:1024'] });
    try {
      assert.match((await refusedBy('add', { ...base, ...keyFiles(ec) })).message, /RSA private key/);
      assert.match((await refusedBy('add', { ...base, ...keyFiles(small) })).message, /2048 bits/);
    } finally {
      removeKeyPair(ec);
      removeKeyPair(small);
    }

    const shortLived = makeKeyPair({ days: 1 });
    try {
      sesame.clock.advance(2 * 86_400_000);
      const expired = await refusedBy('add', { ...base, ...keyFiles(shortLived) });
      assert.equal(expired.message, 'Not accepted: the certificate has expired.');
    } finally {
      sesame.clock.set(new Date());
      removeKeyPair(shortLived);
    }
    assert.equal(await deps().connections.get('acme-bad'), null, 'nothing was added');
    assert.equal(await deps().connectionSecrets.get('acme-bad'), null);
  });

  it('deletes the credential with the connection', { timeout: 30_000 }, async () => {
    await addEntraConnection('acme-gone', { 'client-secret': 'soon-gone' });
    assert.equal(await deps().connectionSecrets.get('acme-gone'), 'soon-gone');
    await cli('remove', { id: 'acme-gone' });
    assert.equal(await deps().connectionSecrets.get('acme-gone'), null);
  });
});
