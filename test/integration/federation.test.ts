import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createUser } from '../../functions/domain/accounts.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import {
  addConnection,
  addTenant,
  addTenantDomain,
  linkUser,
  mapConnectionRole,
  setConnectionEnabled,
  trustConnectionMfa,
} from '../../functions/domain/admin/federation.ts';
import { finishTotp, startTotp } from '../../functions/domain/mfa/settings.ts';
import {
  type EntraMock,
  type EvilUpstream,
  type OktaMock,
  startEntraMock,
  startEvilUpstream,
  startOktaMock,
} from '../../functions/local/mock-upstreams.ts';
import { FormClient } from '../support/browserless.ts';
import { audits, submitCode, totpNow } from '../support/mfa.ts';
import {
  addUser,
  PASSWORD,
  REDIRECT,
  redeem,
  relyingParty,
  SIGN_IN_PAGE,
  startLogin,
  submitLogin,
} from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

/**
 * Federation end to end: a real Sesame, relying apps on openid-client, and upstream providers built
 * from oidc-provider (test/support/upstreams.ts): an Entra-like one (per-directory issuers, pairwise
 * `sub`, `oid`/`tid`, groups with overage, no `iss` in the redirect), an Okta-like one (custom
 * authorization server, `acr` when asked) and one whose ID tokens a test can forge.
 */
const TID_A = '0a0a0a0a-1111-2222-3333-444444444444';
const TID_B = '0b0b0b0b-1111-2222-3333-444444444444';
const SECRET = 'upstream-client-secret';

let sesame: RunningSesame;
let entra: EntraMock;
let okta: OktaMock;
let evil: EvilUpstream;
let app: oidc.Configuration;

const deps = () => sesame.parts.deps;
const callbackOf = (id: string) => `${sesame.issuer}/federation/${id}/callback`;

async function connect(
  id: string,
  input: { type: 'entra' | 'okta' | 'oidc'; issuer?: string; entraTenantId?: string; authority?: string },
  options: { button?: boolean; domains?: string[]; upstreamLogout?: boolean } = {},
) {
  const mock = input.type === 'entra' ? entra : input.type === 'okta' ? okta : evil;
  mock.registerClient({
    client_id: `sesame-${id}`,
    client_secret: SECRET,
    redirect_uris: [callbackOf(id)],
    post_logout_redirect_uris: [`${sesame.issuer}/federation/${id}/logged-out`],
    token_endpoint_auth_method: 'client_secret_post',
  });
  return addConnection(deps(), OPERATOR, {
    id,
    tenantId: 'acme',
    clientId: `sesame-${id}`,
    clientSecret: SECRET,
    displayName: `Acme ${id}`,
    ...input,
    ...options,
  });
}

/** An app's sign-in through Sesame that is sent straight to a connection; ends where it ends. */
async function viaConnection(
  connectionId: string,
  extra: Record<string, string> = {},
  browser = new FormClient(),
) {
  return startLogin(app, { sesame_idp: connectionId, ...extra }, browser);
}

async function idTokenOf(started: Awaited<ReturnType<typeof startLogin>>) {
  assert.ok(
    started.page.url.startsWith(REDIRECT),
    `back at the app, not at ${started.page.url} (${started.page.status})`,
  );
  const tokens = await redeem(app, started, started.page.url);
  return { tokens, claims: tokens.claims() as Record<string, unknown> };
}

before(async () => {
  sesame = await startSesame();
  [entra, okta, evil] = await Promise.all([
    startEntraMock({ tenants: [TID_A, TID_B] }),
    startOktaMock({ authorizationServer: 'default' }),
    startEvilUpstream(),
  ]);
  await addTenant(deps(), OPERATOR, { id: 'acme', name: 'Acme Corp' });
  await addTenantDomain(deps(), OPERATOR, { tenantId: 'acme', domain: 'acme.example', verified: true });
  ({ config: app } = await relyingParty(sesame, { clientId: 'shop', roles: ['clerk', 'manager'] }));
  await connect(
    'acme-entra',
    { type: 'entra', entraTenantId: TID_A, authority: entra.origin },
    { button: true, domains: ['acme.example'] },
  );
  await connect('beta-entra', { type: 'entra', entraTenantId: TID_B, authority: entra.origin });
  await connect('acme-okta', { type: 'okta', issuer: okta.issuer });
  await connect('evil', { type: 'oidc', issuer: evil.issuer });
});

after(async () => {
  await Promise.all([sesame?.close(), entra?.close(), okta?.close(), evil?.close()]);
});

describe('federation through an Entra-like upstream', () => {
  it('creates the user just in time, maps roles from group object ids and says fed in acr and amr', {
    timeout: 30_000,
  }, async () => {
    await mapConnectionRole(deps(), OPERATOR, {
      id: 'acme-entra',
      mapping: { claim: 'groups', value: 'g-0001-clerks', clientId: 'shop', role: 'clerk' },
    });
    entra.signInAs({
      preferred_username: 'anna@acme.example',
      email: 'anna@acme.example',
      name: 'Anna',
      groups: ['g-0001-clerks'],
    });
    const first = await idTokenOf(await viaConnection('acme-entra'));
    assert.equal(first.claims.acr, 'urn:sesame:acr:fed');
    assert.deepEqual(first.claims.amr, ['fed']);
    assert.deepEqual(first.claims.roles, ['clerk']);
    assert.equal(first.claims.email, 'anna@acme.example');
    assert.deepEqual(first.claims.tenant, { id: 'acme', name: 'Acme Corp' }, 'the connection’s tenant');
    const upstreamAsked = entra.lastAuthorizationRequest;
    assert.equal(upstreamAsked?.get('code_challenge_method'), 'S256');
    assert.ok(upstreamAsked?.get('nonce') && upstreamAsked.get('state'), 'nonce and state sent upstream');
    assert.equal(upstreamAsked?.get('redirect_uri'), callbackOf('acme-entra'));

    // Removed from the group upstream: the mapped role goes at the next sign-in; same user.
    entra.signInAs({
      preferred_username: 'anna@acme.example',
      email: 'anna@acme.example',
      name: 'Anna',
      groups: [],
    });
    const second = await idTokenOf(await viaConnection('acme-entra'));
    assert.equal(second.claims.sub, first.claims.sub);
    assert.deepEqual(second.claims.roles ?? [], []);
    const user = await deps().users.findById(String(first.claims.sub));
    assert.equal(user?.tenantId, 'acme');
    assert.equal(user?.passwordHash, null);
  });

  it('names only button connections on the login page and routes a proved domain to its connection', {
    timeout: 30_000,
  }, async () => {
    const started = await startLogin(app);
    assert.match(started.page.html, /Sign in with Acme acme-entra/);
    assert.doesNotMatch(
      started.page.html,
      /acme-okta|beta-entra|evil/,
      'connections without --button are not named',
    );
    entra.signInAs({ preferred_username: 'bert@acme.example', email: 'bert@acme.example', name: 'Bert' });
    // An address at the routed domain and no password: off to the company's provider.
    const back = await started.browser.submit(
      started.page,
      '/login',
      { email: 'bert@acme.example', password: '' },
      REDIRECT,
    );
    assert.ok(back.url.startsWith(REDIRECT), `routed and back (${back.status} ${back.url})`);
    assert.equal(entra.lastAuthorizationRequest?.get('login_hint'), 'bert@acme.example');
    assert.equal(entra.lastAuthorizationRequest?.get('domain_hint'), 'acme.example');
  });

  it('never links by e-mail: an upstream identity with an existing user’s address is refused, not signed in as them', {
    timeout: 30_000,
  }, async () => {
    const existing = await createUser(deps(), {
      email: 'carla@acme.example',
      name: 'Carla',
      password: 'a perfectly fine passphrase',
    });
    entra.signInAs({ preferred_username: 'carla@acme.example', email: 'carla@acme.example' });
    const started = await viaConnection('acme-entra');
    assert.equal(started.page.status, 403);
    assert.match(started.page.html, /exists already/);
    assert.deepEqual(await deps().links.byUser(existing.id), []);
  });

  it('refuses group overage with a page that says why', { timeout: 30_000 }, async () => {
    const groups = Array.from({ length: 201 }, (_, i) => `g-${String(i).padStart(4, '0')}`);
    entra.signInAs({ preferred_username: 'dora@acme.example', email: 'dora@acme.example', groups });
    const started = await viaConnection('acme-entra');
    assert.equal(started.page.status, 403);
    assert.match(started.page.html, /group list was too long/);
    assert.equal(await deps().users.findIdByEmailKey('dora@acme.example'), null, 'no user created');
  });

  it('refuses a code from directory B at directory A’s callback, and a replayed callback', {
    timeout: 30_000,
  }, async () => {
    entra.signInAs({ tid: TID_B, preferred_username: 'eve@beta.example', email: 'eve@beta.example' });
    const browser = new FormClient();
    // Stop where B's upstream sends the browser back to Sesame, and deliver it at A's URL instead.
    const { page: pending } = await startLogin(
      app,
      { sesame_idp: 'beta-entra' },
      browser,
      callbackOf('beta-entra'),
    );
    assert.ok(pending.url.startsWith(callbackOf('beta-entra')), pending.url);
    const misdelivered = new URL(pending.url);
    const atA = await browser.follow(`${callbackOf('acme-entra')}${misdelivered.search}`);
    assert.equal(atA.status, 400);
    const replay = await browser.follow(pending.url);
    assert.equal(replay.status, 400, 'the state was used up by the first delivery');
    const refusals = sesame.logs
      .filter((l) => l.includes('federation.refused'))
      .map((l) => JSON.parse(l).reason as string);
    assert.ok(
      refusals.includes('connection_mismatch') && refusals.includes('state_unknown'),
      refusals.join(),
    );
  });

  it('binds the callback to the browser that started the sign-in (state from another interaction)', {
    timeout: 30_000,
  }, async () => {
    entra.signInAs({ preferred_username: 'finn@acme.example', email: 'finn@acme.example' });
    const victim = new FormClient();
    const attacker = new FormClient();
    const { page: callback } = await startLogin(
      app,
      { sesame_idp: 'acme-entra' },
      attacker,
      callbackOf('acme-entra'),
    );
    // The attacker's callback URL opened in the victim's browser: the result cannot be resumed there.
    const landed = await victim.follow(callback.url, {}, REDIRECT);
    assert.ok(!landed.url.startsWith(REDIRECT), 'no code for the victim’s browser');
    assert.ok(landed.status >= 400 && landed.status < 500, `refused (${landed.status})`);
  });
  it('does not sign anyone in when a victim opens the upstream URL of a sign-in someone else started', {
    timeout: 30_000,
  }, async () => {
    const attacker = new FormClient();
    const { page: upstreamUrl } = await startLogin(app, { sesame_idp: 'acme-entra' }, attacker, entra.origin);
    assert.ok(upstreamUrl.url.startsWith(entra.origin), upstreamUrl.url);
    // The victim's upstream session signs them in silently and sends their browser to Sesame.
    entra.signInAs({ preferred_username: 'vera@acme.example', email: 'vera@acme.example', name: 'Vera' });
    const victim = await new FormClient().follow(upstreamUrl.url, {}, REDIRECT);
    assert.equal(victim.status, 400);
    assert.match(victim.html, /started in another browser/);
    assert.equal(
      await deps().users.findIdByEmailKey('vera@acme.example'),
      null,
      'nobody signed in, nobody created',
    );
    const reasons = sesame.logs
      .filter((l) => l.includes('federation.refused'))
      .map((l) => JSON.parse(l).reason);
    assert.ok(reasons.includes('browser_mismatch'), reasons.join());
  });

  it('answers odd connection ids and an unreachable upstream with a page, not a 500', {
    timeout: 30_000,
  }, async () => {
    for (const idp of ['x'.repeat(3000), 'UPPER', 'a/b', 'nope'])
      assert.equal((await viaConnection(idp)).page.status, 400, idp.slice(0, 20));
    await connect('gone', { type: 'oidc', issuer: 'http://127.0.0.1:9' });
    const down = await viaConnection('gone');
    assert.equal(down.page.status, 503);
    assert.match(down.page.html, /not available/);
  });
});

describe('federation through an Okta-like upstream and MFA', () => {
  it('applies Sesame’s MFA policy to federated users unless the connection trusts the upstream’s MFA', {
    timeout: 30_000,
  }, async () => {
    const { config: strict } = await relyingParty(sesame, { clientId: 'payroll', requireMfa: true });
    okta.signInAs({ email: 'gina@acme.example', name: 'Gina', mfa: true });
    const untrusted = await startLogin(strict, { sesame_idp: 'acme-okta' });
    assert.match(untrusted.page.url, /\/interaction\/[^/]+\/mfa$/, 'Sesame asks for its own second factor');
    assert.match(untrusted.page.html, /Set up two-step verification|authenticator/);

    await trustConnectionMfa(deps(), OPERATOR, { id: 'acme-okta', amr: ['mfa'] });
    const trusted = await startLogin(strict, { sesame_idp: 'acme-okta' });
    assert.ok(trusted.page.url.startsWith(REDIRECT), trusted.page.url);
    const tokens = await redeem(strict, trusted, trusted.page.url);
    const claims = tokens.claims() as Record<string, unknown>;
    assert.equal(claims.acr, 'urn:sesame:acr:fed:mfa');
    assert.deepEqual(claims.amr, ['fed', 'mfa']);

    okta.signInAs({ email: 'gina@acme.example', name: 'Gina', mfa: false });
    const withoutMfa = await startLogin(strict, { sesame_idp: 'acme-okta' });
    assert.match(withoutMfa.page.url, /\/mfa$/, 'no trusted proof this time: Sesame asks again');
  });

  it('ends the sessions and refresh tokens of a disabled connection’s users', {
    timeout: 30_000,
  }, async () => {
    okta.signInAs({ email: 'hugo@acme.example', name: 'Hugo' });
    const started = await startLogin(app, { sesame_idp: 'acme-okta', prompt: 'consent' });
    const page = started.page.html.includes('/confirm"')
      ? await started.browser.submit(started.page, '/confirm', {}, REDIRECT)
      : started.page;
    const tokens = await redeem(app, started, page.url);
    assert.ok(tokens.refresh_token);
    sesame.clock.set(new Date(Date.now() + 1000));
    await setConnectionEnabled(deps(), OPERATOR, { id: 'acme-okta', enabled: false });
    await assert.rejects(
      oidc.refreshTokenGrant(app, tokens.refresh_token),
      (err: { error?: string }) => err.error === 'invalid_grant',
    );
    const again = await startLogin(app, { sesame_idp: 'acme-okta' });
    assert.equal(again.page.status, 400, 'a disabled connection cannot be used');
    await setConnectionEnabled(deps(), OPERATOR, { id: 'acme-okta', enabled: true });
  });
});

describe('federated sign-ins last at most their own lifetime', () => {
  const EIGHT_HOURS = 8 * 3600_000;
  /** Where a prompt=none authorization request from this browser ends: a code, or an error. */
  async function silently(browser: FormClient): Promise<URLSearchParams> {
    const { page } = await startLogin(app, { prompt: 'none' }, browser);
    assert.ok(page.url.startsWith(REDIRECT), `back at the app, not at ${page.url}`);
    return new URL(page.url).searchParams;
  }

  it('ends a federated session and its refresh tokens after the federated lifetime; a password session lives on', {
    timeout: 30_000,
  }, async (t) => {
    entra.signInAs({ preferred_username: 'fiona@acme.example', email: 'fiona@acme.example', name: 'Fiona' });
    const federated = await viaConnection('acme-entra', { prompt: 'consent' });
    const fedPage = federated.page.html.includes('/confirm"')
      ? await federated.browser.submit(federated.page, '/confirm', {}, REDIRECT)
      : federated.page;
    const tokens = await redeem(app, federated, fedPage.url);
    assert.ok(tokens.refresh_token, 'a refresh token to outlive');

    await addUser(sesame, 'paula@example.com');
    const local = await startLogin(app);
    const localDone = await submitLogin(local, 'paula@example.com', PASSWORD);
    assert.ok(localDone.url.startsWith(REDIRECT), 'signed in with a password');

    // oidc-provider reads the process clock: move Date (only) there instead of waiting.
    const start = Date.now();
    t.mock.timers.enable({ apis: ['Date'], now: start + EIGHT_HOURS - 60_000 });
    assert.ok((await silently(federated.browser)).get('code'), 'still signed in just before the limit');
    t.mock.timers.setTime(start + EIGHT_HOURS + 1000);
    assert.equal((await silently(federated.browser)).get('error'), 'login_required');
    await assert.rejects(
      oidc.refreshTokenGrant(app, String(tokens.refresh_token)),
      (err: { error?: string }) => err.error === 'invalid_grant',
    );
    const localAfter = await silently(local.browser);
    assert.ok(localAfter.get('code'), `the password session has its own, longer lifetime: ${localAfter}`);
    t.mock.timers.reset();
  });

  it('sends a federated session that an app wants stronger back to its provider, not only to a Sesame factor', {
    timeout: 30_000,
  }, async () => {
    entra.signInAs({ preferred_username: 'gert@acme.example', email: 'gert@acme.example', name: 'Gert' });
    const first = await viaConnection('acme-entra');
    assert.ok(first.page.url.startsWith(REDIRECT));
    const stronger = await startLogin(app, { acr_values: 'urn:sesame:acr:mfa' }, first.browser);
    assert.match(stronger.page.url, SIGN_IN_PAGE, 'the sign-in page, not the second-factor page');
    assert.match(stronger.page.html, /name="password"/);
    assert.match(stronger.page.html, /Sign in with Acme acme-entra/);
  });
});

describe('linking by proving the existing account', () => {
  const LINK_PAGE = /\/interaction\/[\w-]+\/link$/;

  it('offers the link to an existing account of the tenant, and makes it only after its password', {
    timeout: 30_000,
  }, async () => {
    const olga = await createUser(deps(), {
      email: 'olga@acme.example',
      name: 'Olga',
      password: PASSWORD,
      tenantId: 'acme',
    });
    entra.signInAs({ preferred_username: 'olga@acme.example', email: 'olga@acme.example', name: 'Olga' });
    const started = await viaConnection('acme-entra');
    assert.match(started.page.url, LINK_PAGE, `the link page, not ${started.page.url}`);
    assert.match(started.page.html, /Connect your Acme acme-entra sign-in/);
    assert.match(started.page.html, /olga@acme\.example/);
    assert.deepEqual(await deps().links.byUser(olga.id), [], 'nothing linked before the proof');

    // Another browser cannot use this interaction's offer.
    const stranger = await new FormClient().request(started.page.url);
    assert.ok(stranger.status >= 400 && stranger.status < 500, `a stranger gets ${stranger.status}`);

    const wrong = await started.browser.submit(
      started.page,
      '/link',
      { password: 'not the password at all' },
      REDIRECT,
    );
    assert.match(wrong.html, /incorrect/);
    assert.deepEqual(await deps().links.byUser(olga.id), [], 'a wrong password links nothing');

    const right = await started.browser.submit(wrong, '/link', { password: PASSWORD }, REDIRECT);
    const { claims } = await idTokenOf({ ...started, page: right });
    assert.equal(claims.sub, olga.id, 'signed in as the proven account');
    const links = await deps().links.byUser(olga.id);
    assert.equal(links.length, 1);
    assert.equal(links[0]?.connectionId, 'acme-entra');
    assert.equal(audits(sesame, 'federation.linked', olga.id).length, 1);

    // From now on the provider alone signs Olga in.
    entra.signInAs({ preferred_username: 'olga@acme.example', email: 'olga@acme.example', name: 'Olga' });
    const next = await idTokenOf(await viaConnection('acme-entra'));
    assert.equal(next.claims.sub, olga.id);
    assert.deepEqual(next.claims.amr, ['fed']);
  });

  it('asks for the account’s second factor too, and links only when it passes', {
    timeout: 30_000,
  }, async () => {
    const mika = await createUser(deps(), {
      email: 'mika@acme.example',
      name: 'Mika',
      password: PASSWORD,
      tenantId: 'acme',
    });
    const { secret } = await startTotp(deps(), mika.id, 'test');
    assert.ok(
      await finishTotp(deps(), { userId: mika.id, code: await totpNow(sesame, secret), owner: 'test' }),
    );
    sesame.clock.advance(30_000);

    entra.signInAs({ preferred_username: 'mika@acme.example', email: 'mika@acme.example', name: 'Mika' });
    const started = await viaConnection('acme-entra');
    const mfa = await started.browser.submit(started.page, '/link', { password: PASSWORD }, REDIRECT);
    assert.match(mfa.url, /\/mfa$/, `the second-factor page, not ${mfa.url}`);
    assert.deepEqual(await deps().links.byUser(mika.id), [], 'the password alone links nothing');

    const done = await submitCode(started, mfa, 'totp', await totpNow(sesame, secret));
    const { claims } = await idTokenOf({ ...started, page: done });
    assert.equal(claims.sub, mika.id);
    assert.equal((await deps().links.byUser(mika.id)).length, 1, 'linked after the factor');
  });

  it('links nothing when the user cancels, and offers no link to an account of another tenant', {
    timeout: 30_000,
  }, async () => {
    const nina = await createUser(deps(), {
      email: 'nina@acme.example',
      name: 'Nina',
      password: PASSWORD,
      tenantId: 'acme',
    });
    entra.signInAs({ preferred_username: 'nina@acme.example', email: 'nina@acme.example' });
    const started = await viaConnection('acme-entra');
    const cancelled = await started.browser.submit(started.page, '/abort', {}, REDIRECT);
    assert.equal(new URL(cancelled.url).searchParams.get('error'), 'access_denied');
    assert.deepEqual(await deps().links.byUser(nina.id), []);

    // The offer is gone with the interaction: its link page answers with a page, not a form.
    const again = await started.browser.request(started.page.url);
    assert.ok(again.status >= 400 && again.status < 500);

    const other = await createUser(deps(), { email: 'otto@acme.example', name: 'Otto', password: PASSWORD });
    entra.signInAs({ preferred_username: 'otto@acme.example', email: 'otto@acme.example' });
    const refusedPage = (await viaConnection('acme-entra')).page;
    assert.equal(refusedPage.status, 403, 'an account of the default tenant is never offered');
    assert.deepEqual(await deps().links.byUser(other.id), []);
  });
});

describe('linking: what the pentest found', () => {
  it('offers a link only through the connection the tenant routed the domain to, and only to an account with a password', {
    timeout: 30_000,
  }, async () => {
    // acme.example is routed to acme-entra: another connection of the tenant claiming the address
    // (an upstream account an attacker controls) gets no link page to lure the owner onto.
    const vera = await createUser(deps(), {
      email: 'vera@acme.example',
      name: 'Vera',
      password: PASSWORD,
      tenantId: 'acme',
    });
    okta.signInAs({ email: 'vera@acme.example', name: 'Attacker' });
    const lured = await viaConnection('acme-okta');
    assert.equal(lured.page.status, 403, `refused, not ${lured.page.url}`);
    assert.match(lured.page.html, /exists already/);

    // Through the authoritative connection the page names the upstream account being connected.
    entra.signInAs({ preferred_username: 'vera.v@acme.example', email: 'vera@acme.example', name: 'Vera V' });
    const offered = await viaConnection('acme-entra');
    assert.match(offered.page.html, /vera\.v@acme\.example \(Vera V\)/);
    assert.deepEqual(await deps().links.byUser(vera.id), []);

    // An account without a password (made by another connection) cannot be proven: refused.
    const jit = await createUser(deps(), { email: 'walt@acme.example', name: 'Walt', tenantId: 'acme' });
    entra.signInAs({ preferred_username: 'walt@acme.example', email: 'walt@acme.example' });
    assert.equal((await viaConnection('acme-entra')).page.status, 403);
    assert.deepEqual(await deps().links.byUser(jit.id), []);
  });

  it('asks an account that proves itself for its strongest factor, whatever policy asks', {
    timeout: 30_000,
  }, async () => {
    const xena = await createUser(deps(), {
      email: 'xena@acme.example',
      name: 'Xena',
      password: PASSWORD,
      tenantId: 'acme',
    });
    const { secret } = await startTotp(deps(), xena.id, 'test');
    assert.ok(
      await finishTotp(deps(), { userId: xena.id, code: await totpNow(sesame, secret), owner: 'test' }),
    );
    const mfa = sesame.parts.services.mfa;
    const request = { userId: xena.id, clientId: 'shop', acrValues: undefined };
    assert.deepEqual(await mfa.secondStep(request), { required: true, strength: 'any', enrol: false });
    assert.deepEqual(await mfa.secondStep({ ...request, provesAccount: true }), {
      required: true,
      strength: 'strong',
      enrol: false,
    });
  });
});

describe('logout at the upstream too', () => {
  const BYE = 'http://127.0.0.1:9/bye';

  /** Signs in through `connectionId`, then starts the app's RP-initiated logout and confirms it at Sesame. */
  async function signInThenOut(connectionId: string, email: string) {
    okta.signInAs({ email, name: 'Lena' });
    const started = await viaConnection(connectionId);
    const { tokens } = await idTokenOf(started);
    const state = oidc.randomState();
    const url = oidc.buildEndSessionUrl(app, {
      id_token_hint: String(tokens.id_token),
      post_logout_redirect_uri: BYE,
      state,
    });
    const confirm = await started.browser.follow(url.href, {}, BYE);
    const after = await started.browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }, BYE);
    return { browser: started.browser, after, state };
  }

  it('sends a federated user on to the provider’s logout and back to the app, when the connection asks for it', {
    timeout: 30_000,
  }, async () => {
    await connect('okta-out', { type: 'okta', issuer: okta.issuer }, { upstreamLogout: true });
    const { browser, after, state } = await signInThenOut('okta-out', 'lena@acme.example');
    assert.ok(after.url.startsWith(new URL(okta.issuer).origin), `at the upstream, not ${after.url}`);
    const asked = new URL(after.url);
    assert.equal(after.status, 200, 'the upstream asks to confirm');
    const upstreamState = asked.searchParams.get('state') ?? '';
    assert.ok(upstreamState && !upstreamState.includes(BYE), 'the way back is sealed, not in the clear');

    const back = await browser.submit(after, '/logout/confirm', { logout: 'yes' }, BYE);
    assert.ok(back.url.startsWith(BYE), `back at the app, not ${back.url}`);
    assert.equal(new URL(back.url).searchParams.get('state'), state, 'with the app’s state');
    const silent = await startLogin(app, { prompt: 'none' }, browser);
    assert.equal(
      new URL(silent.page.url).searchParams.get('error'),
      'login_required',
      'signed out of Sesame',
    );
    assert.ok(
      sesame.logs.some((l) => l.includes('federation.logout') && l.includes('okta-out')),
      'audited',
    );

    // The sealed way back works only for its own connection, and nothing else is followed.
    for (const [id, value] of [
      ['acme-okta', upstreamState],
      ['okta-out', 'forged'],
      ['okta-out', ''],
    ] as const) {
      const res = await browser.request(
        `${sesame.issuer}/federation/${id}/logged-out?state=${encodeURIComponent(value)}`,
      );
      assert.equal(res.status, 200, `${id} ${value}: no redirect`);
      assert.match(await res.text(), /Signed out/);
    }
  });

  it('signs a user linked through two connections out of Sesame only (which one the session came from is unknown)', {
    timeout: 30_000,
  }, async () => {
    const first = await signInThenOut('okta-out', 'yara@acme.example');
    assert.ok(!first.after.url.startsWith(BYE), 'one link: on to the upstream');
    await linkUser(deps(), OPERATOR, {
      email: 'yara@acme.example',
      connectionId: 'acme-okta',
      subject: '00u-yara-2',
    });
    const second = await signInThenOut('okta-out', 'yara@acme.example');
    assert.ok(second.after.url.startsWith(BYE), `two links: straight back, not ${second.after.url}`);
  });

  it('keeps a connection that does not ask for it, and a password user, to Sesame’s own logout', {
    timeout: 30_000,
  }, async () => {
    const { after } = await signInThenOut('acme-okta', 'mats@acme.example');
    assert.ok(after.url.startsWith(BYE), `straight back to the app, not ${after.url}`);
  });
});

describe('federation refuses forged or wrong ID tokens', () => {
  const cases: Array<[string, NonNullable<EvilUpstream['nextIdToken']>]> = [
    ['a wrong issuer', (c, h, f) => f.sign({ ...c, iss: 'https://elsewhere.example' }, h)],
    ['a wrong audience', (c, h, f) => f.sign({ ...c, aud: 'another-client' }, h)],
    ['a wrong nonce', (c, h, f) => f.sign({ ...c, nonce: 'not-the-nonce' }, h)],
    ['no nonce', (c, h, f) => f.sign({ ...c, nonce: undefined }, h)],
    ['an expired token', (c, h, f) => f.sign({ ...c, exp: Math.floor(Date.now() / 1000) - 600 }, h)],
    ['an iat in the future', (c, h, f) => f.sign({ ...c, iat: Math.floor(Date.now() / 1000) + 600 }, h)],
    ['an old iat', (c, h, f) => f.sign({ ...c, iat: Math.floor(Date.now() / 1000) - 3600 }, h)],
    ['an unknown key', (c, h, f) => f.signWithForeignKey(c, { ...h, kid: 'unknown-kid' })],
    ['a foreign key under the known kid', (c, h, f) => f.signWithForeignKey(c, h)],
    ['alg none', (c, _h, f) => f.unsigned(c)],
    ['HS256 keyed with the public key', (c, h, f) => f.hs256WithPublicKey(c, h)],
  ];
  for (const [what, tamper] of cases)
    it(`refuses ${what}, creating no user`, { timeout: 30_000 }, async () => {
      const email = `forged-${what.replace(/\W+/g, '-')}@evil.example`;
      evil.signInAs({ email });
      evil.nextIdToken = tamper;
      const before = sesame.logs.filter((l) => l.includes('federation.refused')).length;
      const started = await viaConnection('evil');
      assert.equal(started.page.status, 403, `${what}: ${started.page.status} ${started.page.url}`);
      assert.match(started.page.html, /could not be trusted/);
      assert.equal(await deps().users.findIdByEmailKey(email), null);
      assert.equal(sesame.logs.filter((l) => l.includes('federation.refused')).length, before + 1, 'audited');
    });

  it('accepts the untampered token from the same upstream (the cases above fail for their reason)', {
    timeout: 30_000,
  }, async () => {
    evil.signInAs({ email: 'honest@evil.example' });
    const { claims } = await idTokenOf(await viaConnection('evil'));
    assert.equal(claims.email, 'honest@evil.example');
  });

  it('follows a key rotation upstream (unknown kid: the JWKS is fetched again after a minute)', {
    timeout: 30_000,
  }, async (t) => {
    evil.signInAs({ email: 'rotated@evil.example' });
    await idTokenOf(await viaConnection('evil'));
    await evil.rotateSigningKey();
    // openid-client refetches a JWKS for an unknown kid once the cached one is a minute old (a
    // cooldown against kid flooding); until then the sign-in is refused, never accepted unverified.
    const early = await viaConnection('evil');
    assert.equal(early.page.status, 403);
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 61_000 });
    t.after(() => t.mock.timers.reset());
    const { claims } = await idTokenOf(await viaConnection('evil'));
    assert.equal(claims.email, 'rotated@evil.example');
  });
});
