import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import { entitleTenant, updateTenant } from '../../functions/domain/admin/delegation.ts';
import { addConnection, addTenant } from '../../functions/domain/admin/federation.ts';
import { inviteUser } from '../../functions/domain/admin/invitations.ts';
import { addUser } from '../../functions/domain/admin/users.ts';
import { type OktaMock, startOktaMock } from '../../functions/local/mock-upstreams.ts';
import { FormClient, findForm } from '../support/browserless.ts';
import { audits } from '../support/mfa.ts';
import { PASSWORD, REDIRECT, redeem, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * A tenant that signs in through its own identity provider only: its people have no Sesame password,
 * and an invitation into it is accepted by signing in through its connection (an Okta-like upstream
 * built from oidc-provider), which links that identity and lands the invitee at the app.
 */
const INITIATE = 'http://127.0.0.1:9/login';
let sesame: RunningSesame;
let okta: OktaMock;
let app: oidc.Configuration;
const deps = () => sesame.parts.deps;

before(async () => {
  sesame = await startSesame();
  okta = await startOktaMock({ authorizationServer: 'default' });
  await addTenant(deps(), OPERATOR, { id: 'fedco', name: 'FedCo' });
  ({ config: app } = await relyingParty(sesame, {
    clientId: 'shop',
    roles: ['clerk', 'manager'],
    initiateLoginUri: INITIATE,
  }));
  await entitleTenant(deps(), OPERATOR, { tenantId: 'fedco', clientId: 'shop', roles: ['clerk'] });
  okta.registerClient({
    client_id: 'sesame-fedco',
    client_secret: 'upstream-secret',
    redirect_uris: [`${sesame.issuer}/federation/fedco-okta/callback`],
    token_endpoint_auth_method: 'client_secret_post',
  });
  await addConnection(deps(), OPERATOR, {
    id: 'fedco-okta',
    tenantId: 'fedco',
    type: 'okta',
    issuer: okta.issuer,
    clientId: 'sesame-fedco',
    clientSecret: 'upstream-secret',
    displayName: 'FedCo Okta',
  });
  await updateTenant(deps(), OPERATOR, { id: 'fedco', federationOnly: true });
});

after(async () => {
  await okta?.close();
  await sesame?.close();
});

describe('a federation-only tenant', () => {
  it('refuses its users’ Sesame passwords, telling only whoever knew the password why', {
    timeout: 30_000,
  }, async () => {
    // Added by an administrator after the switch: marked as signing in through the connections.
    await addUser(deps(), OPERATOR, {
      email: 'old@fedco.example',
      name: 'Old',
      password: PASSWORD,
      tenantId: 'fedco',
    });
    const right = await submitLogin(await startLogin(app), 'old@fedco.example', PASSWORD);
    assert.ok(!right.url.startsWith(REDIRECT), 'not signed in');
    assert.match(right.html, /signs you in through its own sign-in/);
    const wrong = await submitLogin(await startLogin(app), 'old@fedco.example', 'not the password at all');
    assert.doesNotMatch(wrong.html, /its own sign-in/, 'a wrong password learns nothing about the tenant');
    assert.equal(audits(sesame, 'login.failure').filter((e) => e.reason === 'federation_only').length, 1);
  });

  it('accepts an invitation through the tenant’s connection, linking the identity, and lands at the app', {
    timeout: 30_000,
  }, async () => {
    const since = sesame.mail.messages.length;
    const invited = await inviteUser(deps(), OPERATOR, {
      tenantId: 'fedco',
      email: 'ivy@fedco.example',
      clientId: 'shop',
      roles: ['clerk'],
    });
    const mail = await sesame.mail.next('ivy@fedco.example', since);
    const link = /(http:\/\/\S+\/invitation\/[\w.-]+)/.exec(mail.text)?.[1] ?? '';
    const browser = new FormClient();
    const opened = await browser.follow(link, {}, INITIATE);
    assert.ok(opened.url.startsWith(INITIATE));
    const started = await startLogin(app, { login_hint: 'ivy@fedco.example' }, browser);
    assert.match(started.page.html, /Join with FedCo Okta/);
    assert.doesNotMatch(started.page.html, /Choose a password/, 'no password account in this tenant');
    // A password form posted anyway (the page has none) is refused as well.
    const { action, hidden } = findForm(started.page.html, '/accept');
    const forged = await browser.follow(new URL(action, sesame.issuer).href, {
      method: 'POST',
      body: new URLSearchParams({
        csrf: hidden.csrf ?? '',
        name: 'Ivy',
        password: 'a long enough passphrase',
        password2: 'a long enough passphrase',
      }),
    });
    assert.match(forged.html, /signs in through its own identity provider only/);
    assert.equal(await deps().users.findIdByEmailKey('ivy@fedco.example'), null);

    okta.signInAs({ email: 'ivy@fedco.example', name: 'Ivy' });
    const back = await browser.submit(forged, '/federate/fedco-okta', {}, REDIRECT);
    assert.ok(back.url.startsWith(REDIRECT), `back at the app, not ${back.status} ${back.url}`);
    const claims = (await redeem(app, started, back.url)).claims() as Record<string, unknown>;
    assert.equal(claims.email, 'ivy@fedco.example');
    assert.deepEqual(claims.roles, ['clerk']);
    assert.deepEqual(claims.tenant, { id: 'fedco', name: 'FedCo' });
    const user = await deps().users.findByEmailKey('ivy@fedco.example');
    assert.equal(user?.tenantId, 'fedco');
    assert.equal(user?.passwordHash, null);
    assert.equal(
      (await deps().links.byConnection('fedco-okta')).filter((l) => l.userId === user?.id).length,
      1,
    );
    assert.equal(audits(sesame, 'invitation.accepted', invited.id).length, 1);
    assert.equal((await deps().invitations.get('fedco', invited.id))?.status, 'accepted');
  });

  it('does not accept an invitation for another address through the connection', {
    timeout: 30_000,
  }, async () => {
    const since = sesame.mail.messages.length;
    const invited = await inviteUser(deps(), OPERATOR, {
      tenantId: 'fedco',
      email: 'zoe@fedco.example',
      clientId: 'shop',
      roles: ['clerk'],
    });
    const link =
      /(http:\/\/\S+\/invitation\/[\w.-]+)/.exec(
        (await sesame.mail.next('zoe@fedco.example', since)).text,
      )?.[1] ?? '';
    const browser = new FormClient();
    await browser.follow(link, {}, INITIATE);
    const started = await startLogin(app, {}, browser);
    okta.signInAs({ email: 'mallory@fedco.example', name: 'Mallory' });
    const back = await browser.submit(started.page, '/federate/fedco-okta', {}, REDIRECT);
    assert.ok(back.url.startsWith(REDIRECT), 'Mallory signs in as herself');
    const claims = (await redeem(app, started, back.url)).claims() as Record<string, unknown>;
    assert.equal(claims.email, 'mallory@fedco.example');
    assert.deepEqual(claims.roles, [], 'without the roles of Zoe’s invitation');
    assert.equal((await deps().invitations.get('fedco', invited.id))?.status, 'pending');
    assert.equal(audits(sesame, 'invitation.refused', invited.id)[0]?.reason, 'other_address');
  });
});
