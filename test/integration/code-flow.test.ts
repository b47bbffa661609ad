import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { addUser, relyingParty, signIn } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

describe('authorization code flow with PKCE, driven by openid-client', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'app-a', roles: ['viewer', 'editor'] }));
    await relyingParty(sesame, { clientId: 'app-b', roles: ['admin'] });
    await addUser(sesame, 'Anna@Example.com', {
      name: 'Anna',
      roles: [
        ['app-a', 'editor'],
        ['app-b', 'admin'],
      ],
    });
  });
  after(() => sesame.close());

  it('signs a user in through the login form and returns a valid ID token with her roles in this app only', async () => {
    const { tokens } = await signIn(app, 'anna@example.com');
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.iss, sesame.issuer);
    assert.equal(claims.aud, 'app-a');
    assert.equal(claims.email, 'Anna@Example.com');
    assert.equal(claims.name, 'Anna');
    assert.deepEqual(claims.roles, ['editor']);
    assert.notEqual(claims.sub, 'Anna@Example.com');
    assert.deepEqual(claims.amr, ['pwd']);
  });
});

describe('an issuer with a path (API Gateway stage URL without a custom domain)', () => {
  let sesame: RunningSesame;
  before(async () => {
    sesame = await startSesame({}, undefined, { issuerPath: '/live' });
    await addUser(sesame, 'staged@example.com', { name: 'Staged' });
  });
  after(() => sesame.close());

  it('advertises every endpoint under the path and completes a sign-in through it', async () => {
    const { config } = await relyingParty(sesame, { clientId: 'staged-app' });
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, `${sesame.issuer}`);
    assert.ok(meta.authorization_endpoint?.startsWith(`${sesame.issuer}/`));
    assert.ok(meta.token_endpoint?.startsWith(`${sesame.issuer}/`));
    const { started, tokens } = await signIn(config, 'staged@example.com');
    // The authorization endpoint answers with the sign-in page; its form posts under the path too.
    assert.ok(started.page.url.startsWith(`${sesame.issuer}/auth?`), started.page.url);
    assert.match(started.page.html, /action="\/live\/auth\/[\w-]+\/login"/);
    assert.equal(tokens.claims()?.name, 'Staged');
  });
});
