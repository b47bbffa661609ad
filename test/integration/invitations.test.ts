import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { createUser } from '../../functions/domain/accounts.ts';
import { type Actor, OPERATOR } from '../../functions/domain/admin/actor.ts';
import { updateClient } from '../../functions/domain/admin/clients.ts';
import { entitleTenant, grantAdmin, revokeAdmin } from '../../functions/domain/admin/delegation.ts';
import { addTenant } from '../../functions/domain/admin/federation.ts';
import {
  inviteUser,
  listInvitations,
  resendInvitation,
  revokeInvitation,
} from '../../functions/domain/admin/invitations.ts';
import { addUser as adminAddUser } from '../../functions/domain/admin/users.ts';
import { grantRole } from '../../functions/domain/roles.ts';
import { FormClient, type Page } from '../support/browserless.ts';
import { audits } from '../support/mfa.ts';
import { PASSWORD, REDIRECT, redeem, relyingParty, startLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * Invitations end to end: mailed through the real SMTP catcher, opened in a browser (FormClient),
 * accepted on Sesame's sign-in page of the app's own authorization request, redeemed by openid-client.
 */
const INITIATE = 'http://127.0.0.1:9/login';
const NEW_PASSWORD = 'a new and quite long passphrase';

let sesame: RunningSesame;
let app: oidc.Configuration;
let asAda: Actor;

const deps = () => sesame.parts.deps;

before(async () => {
  sesame = await startSesame();
  await addTenant(deps(), OPERATOR, { id: 'acme', name: 'Acme Corp' });
  ({ config: app } = await relyingParty(sesame, {
    clientId: 'shop',
    name: 'Shop',
    roles: ['clerk', 'manager', 'owner'],
    initiateLoginUri: INITIATE,
  }));
  await entitleTenant(deps(), OPERATOR, { tenantId: 'acme', clientId: 'shop', roles: ['clerk', 'manager'] });
  const ada = await createUser(deps(), {
    email: 'ada@acme.example',
    name: 'Ada',
    password: PASSWORD,
    tenantId: 'acme',
  });
  await grantAdmin(deps(), OPERATOR, { email: ada.email, level: 'tenant', tenantId: 'acme' });
  asAda = { kind: 'user', userId: ada.id };
});

after(async () => {
  await sesame?.close();
});

/** The link in the newest invitation mailed to `email` since `since`. */
async function linkMailedTo(email: string, since: number): Promise<string> {
  const mail = await sesame.mail.next(email, since);
  const link = /(http:\/\/\S+\/invitation\/[\w.-]+)/.exec(mail.text)?.[1];
  assert.ok(link, 'the mail carries the link');
  return link;
}

/** Opens the link like the invitee's browser, then plays the app: its authorization request, to Sesame's page. */
async function openLink(link: string, browser = new FormClient()) {
  const opened = await browser.follow(link, {}, INITIATE);
  assert.ok(
    opened.url.startsWith(INITIATE),
    `sent to the app's sign-in start, not ${opened.status} ${opened.url}`,
  );
  const hint = new URL(opened.url).searchParams.get('login_hint') ?? '';
  return { ...(await startLogin(app, { login_hint: hint }, browser)), hint };
}

async function claimsAt(started: Awaited<ReturnType<typeof openLink>>, page: Page) {
  assert.ok(page.url.startsWith(REDIRECT), `back at the app, not ${page.status} ${page.url}`);
  return (await redeem(app, started, page.url)).claims() as Record<string, unknown>;
}

describe('invitations', () => {
  it('lets an invitee create an account from the mailed link and land signed in at the app with the roles', {
    timeout: 30_000,
  }, async () => {
    const since = sesame.mail.messages.length;
    const invited = await inviteUser(deps(), asAda, {
      tenantId: 'acme',
      email: 'ivy@acme.example',
      clientId: 'shop',
      roles: ['clerk'],
    });
    assert.equal(invited.status, 'pending');
    assert.ok(!JSON.stringify(invited).includes('secret'), 'the inviter never sees the link');
    const link = await linkMailedTo('ivy@acme.example', since);
    assert.match((await sesame.mail.next('ivy@acme.example', since)).subject, /Invitation to Acme Corp/);

    const started = await openLink(link);
    assert.equal(started.hint, 'ivy@acme.example');
    assert.match(started.page.html, /Join Acme Corp/);
    assert.match(started.page.html, /Create your account/);
    const mismatch = await started.browser.submit(started.page, '/accept', {
      name: 'Ivy',
      password: NEW_PASSWORD,
      password2: 'something else',
    });
    assert.match(mismatch.html, /The two passwords differ/);
    const weak = await started.browser.submit(mismatch, '/accept', {
      name: 'Ivy',
      password: 'short',
      password2: 'short',
    });
    assert.match(weak.html, /at least 12 characters/);
    const done = await started.browser.submit(
      weak,
      '/accept',
      { name: 'Ivy', password: NEW_PASSWORD, password2: NEW_PASSWORD },
      REDIRECT,
    );
    const claims = await claimsAt(started, done);
    assert.equal(claims.email, 'ivy@acme.example');
    assert.equal(claims.email_verified, true, 'the mailed link proved the address');
    assert.deepEqual(claims.roles, ['clerk']);
    assert.deepEqual(claims.tenant, { id: 'acme', name: 'Acme Corp' });
    assert.equal(audits(sesame, 'invitation.accepted', invited.id).length, 1);

    const again = await new FormClient().request(link);
    assert.equal(again.status, 410, 'the link works once');
    assert.match(await again.text(), /cannot be used/);
  });

  it('grants only the roles the inviter may still give when the invitation is accepted', {
    timeout: 30_000,
  }, async () => {
    const cleo = await createUser(deps(), {
      email: 'cleo@acme.example',
      name: 'Cleo',
      password: PASSWORD,
      tenantId: 'acme',
    });
    await grantAdmin(deps(), OPERATOR, { email: cleo.email, level: 'tenant', tenantId: 'acme' });
    const since = sesame.mail.messages.length;
    const invited = await inviteUser(
      deps(),
      { kind: 'user', userId: cleo.id },
      {
        tenantId: 'acme',
        email: 'dave@acme.example',
        clientId: 'shop',
        roles: ['clerk', 'manager'],
      },
    );
    const link = await linkMailedTo('dave@acme.example', since);
    // Meanwhile: Cleo is no admin any more, and the tenant may no longer give `manager`.
    await revokeAdmin(deps(), OPERATOR, { email: cleo.email });
    await grantRole(deps(), { email: cleo.email, clientId: 'shop', role: 'clerk', actor: 'test' });
    await updateClient(deps(), OPERATOR, { clientId: 'shop', memberInvites: true });
    const started = await openLink(link);
    const done = await started.browser.submit(
      started.page,
      '/accept',
      { name: 'Dave', password: NEW_PASSWORD, password2: NEW_PASSWORD },
      REDIRECT,
    );
    const claims = await claimsAt(started, done);
    assert.deepEqual(claims.roles, ['clerk'], 'a member who holds clerk may still give clerk, not manager');
    const accepted = audits(sesame, 'invitation.accepted', invited.id)[0];
    assert.deepEqual((accepted?.details as Record<string, string>)?.withheld, 'manager');
    await updateClient(deps(), OPERATOR, { clientId: 'shop', memberInvites: false });
  });

  it('has an existing account sign in to accept, and looks the same to the inviter as a new address', {
    timeout: 30_000,
  }, async () => {
    const erin = await adminAddUser(deps(), OPERATOR, {
      email: 'erin@acme.example',
      name: 'Erin',
      password: PASSWORD,
      tenantId: 'acme',
    });
    const since = sesame.mail.messages.length;
    const known = await inviteUser(deps(), asAda, {
      tenantId: 'acme',
      email: erin.email,
      clientId: 'shop',
      roles: ['manager'],
    });
    const unknown = await inviteUser(deps(), asAda, { tenantId: 'acme', email: 'nobody-yet@acme.example' });
    assert.deepEqual(Object.keys(known).sort(), Object.keys({ ...unknown, clientId: 'x' }).sort());
    const started = await openLink(await linkMailedTo(erin.email, since));
    assert.match(started.page.html, /sign in to it to accept/);
    const wrong = await started.browser.submit(started.page, '/accept', {
      password: 'not the password at all',
    });
    assert.match(wrong.html, /incorrect/);
    const done = await started.browser.submit(wrong, '/accept', { password: PASSWORD }, REDIRECT);
    const claims = await claimsAt(started, done);
    assert.equal(claims.sub, erin.id);
    assert.deepEqual(claims.roles, ['manager']);
  });

  it('refuses revoked, replaced and expired links, and an address of another tenant', {
    timeout: 30_000,
  }, async () => {
    let since = sesame.mail.messages.length;
    const revoked = await inviteUser(deps(), asAda, { tenantId: 'acme', email: 'fay@acme.example' });
    const revokedLink = await linkMailedTo('fay@acme.example', since);
    await revokeInvitation(deps(), asAda, { tenantId: 'acme', id: revoked.id });
    assert.equal((await new FormClient().request(revokedLink)).status, 410);

    since = sesame.mail.messages.length;
    const resent = await inviteUser(deps(), asAda, { tenantId: 'acme', email: 'gus@acme.example' });
    const first = await linkMailedTo('gus@acme.example', since);
    since = sesame.mail.messages.length;
    await resendInvitation(deps(), asAda, { tenantId: 'acme', id: resent.id });
    const second = await linkMailedTo('gus@acme.example', since);
    assert.notEqual(first, second);
    assert.equal((await new FormClient().request(first)).status, 410, 'a resend kills the old link');
    assert.equal((await new FormClient().request(second)).status, 303);

    sesame.clock.advance(8 * 24 * 3600_000);
    assert.equal((await new FormClient().request(second)).status, 410, 'expired after 7 days');
    sesame.clock.advance(-8 * 24 * 3600_000);

    // An address whose account lives in another tenant: signing in to it accepts nothing.
    await createUser(deps(), { email: 'hal@other.example', name: 'Hal', password: PASSWORD });
    since = sesame.mail.messages.length;
    const other = await inviteUser(deps(), asAda, {
      tenantId: 'acme',
      email: 'hal@other.example',
      clientId: 'shop',
      roles: ['clerk'],
    });
    const started = await openLink(await linkMailedTo('hal@other.example', since));
    const done = await started.browser.submit(started.page, '/accept', { password: PASSWORD }, REDIRECT);
    const claims = await claimsAt(started, done);
    assert.deepEqual(claims.roles ?? [], [], 'no roles in another tenant’s app through this invitation');
    assert.equal(audits(sesame, 'invitation.refused', other.id).length, 1);
    const listed = await listInvitations(deps(), asAda, { tenantId: 'acme' });
    assert.equal(listed.find((i) => i.id === other.id)?.status, 'pending');
    assert.ok(listed.every((i) => !('secretDigest' in i)));
  });

  it('accepts nothing from a sign-in begun with a link that was resent meanwhile, nor from an ended session', {
    timeout: 30_000,
  }, async () => {
    const jo = await adminAddUser(deps(), OPERATOR, {
      email: 'jo@acme.example',
      name: 'Jo',
      password: PASSWORD,
      tenantId: 'acme',
    });
    let since = sesame.mail.messages.length;
    const invited = await inviteUser(deps(), asAda, {
      tenantId: 'acme',
      email: jo.email,
      clientId: 'shop',
      roles: ['clerk'],
    });
    const started = await openLink(await linkMailedTo(jo.email, since));
    await resendInvitation(deps(), asAda, { tenantId: 'acme', id: invited.id });
    await started.browser.submit(started.page, '/accept', { password: PASSWORD }, REDIRECT);
    assert.deepEqual(
      await deps().roles.rolesIn(jo.id, 'shop'),
      [],
      'the old link’s sign-in accepted nothing',
    );

    // Signed in, then the password is reset (which ends sessions): the link does not accept at once.
    const signedIn = await startLogin(app, {}, new FormClient());
    await signedIn.browser.submit(signedIn.page, '/login', { email: jo.email, password: PASSWORD }, REDIRECT);
    since = sesame.mail.messages.length;
    await resendInvitation(deps(), asAda, { tenantId: 'acme', id: invited.id });
    const link = await linkMailedTo(jo.email, since);
    sesame.clock.set(new Date(Date.now() + 2000));
    await deps().users.endSessions(jo.id, sesame.clock.now().getTime());
    const opened = await signedIn.browser.request(link);
    assert.equal(opened.status, 303);
    assert.equal(
      opened.headers.get('location'),
      `${INITIATE}?iss=${encodeURIComponent(sesame.issuer)}&login_hint=jo%40acme.example`,
    );
    assert.deepEqual(await deps().roles.rolesIn(jo.id, 'shop'), [], 'an ended session accepts nothing');
  });

  it('lets a member invite with roles they hold only where the app allows it', {
    timeout: 30_000,
  }, async () => {
    const mia = await createUser(deps(), {
      email: 'mia@acme.example',
      name: 'Mia',
      password: PASSWORD,
      tenantId: 'acme',
    });
    await grantRole(deps(), { email: mia.email, clientId: 'shop', role: 'clerk', actor: 'test' });
    const asMia: Actor = { kind: 'user', userId: mia.id };
    const invite = (roles: string[]) =>
      inviteUser(deps(), asMia, { tenantId: 'acme', email: 'nat@acme.example', clientId: 'shop', roles });
    await assert.rejects(
      invite(['clerk']),
      { code: 'forbidden' },
      'the app does not allow member invitations',
    );
    await updateClient(deps(), OPERATOR, { clientId: 'shop', memberInvites: true });
    assert.equal((await invite(['clerk'])).status, 'pending');
    await assert.rejects(invite(['manager']), { code: 'forbidden' }, 'a role Mia does not hold');
    await assert.rejects(
      inviteUser(deps(), asMia, {
        tenantId: 'default',
        email: 'x@example.com',
        clientId: 'shop',
        roles: ['clerk'],
      }),
      { code: 'forbidden' },
      'another tenant',
    );
    await assert.rejects(listInvitations(deps(), asMia, { tenantId: 'acme' }), { code: 'forbidden' });
    await updateClient(deps(), OPERATOR, { clientId: 'shop', memberInvites: false });
  });
});
