import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
import { isDomainError } from '../../functions/domain/errors.ts';
import { acceptLinkOffer, offerLink } from '../../functions/domain/federation/link-offer.ts';
import { routedConnection } from '../../functions/domain/federation/routing.ts';
import { domainOf, ENTRA_CONSUMER_TENANT, entraIssuer } from '../../functions/domain/federation/settings.ts';
import {
  type FederatedUser,
  finishFederation,
  startFederation,
} from '../../functions/domain/federation/sign-in.ts';
import { type Upstream, UpstreamRefused } from '../../functions/domain/federation/upstream.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

const TID = '11111111-2222-3333-4444-555555555555';
const LOCAL = 'http://localhost:3000';
/** The starting browser's federation cookie. */
const KEY = 'k'.repeat(43);

/**
 * An upstream stand-in that returns the claims a test sets: the domain's rules are under test here;
 * the protocol checks are openid-client's, tested against real mock providers in
 * test/integration/federation.test.ts.
 */
function scriptedUpstream() {
  const calls: { authorize: Array<Record<string, unknown>> } = { authorize: [] };
  let next: Record<string, unknown> | Error = new Error('no claims scripted');
  const upstream: Upstream = {
    async authorizationUrl(_c, input) {
      calls.authorize.push(input);
      return `https://upstream.example/authorize?state=${input.state}`;
    },
    async redeem() {
      if (next instanceof Error) throw next;
      return next;
    },
    endSessionUrl: async () => null,
  };
  return { upstream, calls, claims: (c: Record<string, unknown> | Error) => (next = c) };
}

async function world(kind: 'entra' | 'okta' = 'entra') {
  const script = scriptedUpstream();
  const m = await memoryMfa();
  const deps = { ...m.deps, upstream: script.upstream, config: { ...m.deps.config, issuer: LOCAL } };
  await addTenant(deps, OPERATOR, { id: 'acme', name: 'Acme Corp' });
  await addTenantDomain(deps, OPERATOR, { tenantId: 'acme', domain: 'acme.example', verified: true });
  await deps.clients.put({
    clientId: 'shop',
    metadata: {},
    roles: ['clerk', 'manager'],
    firstParty: true,
    createdAt: new Date(0).toISOString(),
  });
  const connection = await addConnection(deps, OPERATOR, {
    id: 'acme-idp',
    tenantId: 'acme',
    type: kind,
    clientId: 'sesame',
    clientSecret: 'upstream secret',
    ...(kind === 'entra' ? { entraTenantId: TID } : { issuer: 'https://acme.okta.example/oauth2/default' }),
    domains: ['acme.example'],
  });
  /** Starts a sign-in for interaction `uid` and returns the callback URL the upstream would send back. */
  const signIn = async (uid = 'uid-1', query: Record<string, string> = {}) => {
    const c = await deps.connections.get('acme-idp');
    assert.ok(c);
    const url = new URL(
      await startFederation(deps, {
        browserKey: KEY,
        uid,
        connection: c,
        interactionExpiresAt: deps.clock.now().getTime() + 600_000,
      }),
    );
    const back = new URL(`${LOCAL}/federation/acme-idp/callback`);
    back.searchParams.set('code', 'c0de');
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    for (const [k, v] of Object.entries(query)) back.searchParams.set(k, v);
    return back;
  };
  const entraClaims = (over: Record<string, unknown> = {}) => ({
    iss: connection.issuer,
    sub: 'pairwise-sub',
    oid: 'AAAAAAAA-0000-0000-0000-000000000001',
    tid: TID,
    email: 'anna@acme.example',
    name: 'Anna',
    ...over,
  });
  return { deps, script, connection, signIn, entraClaims, m };
}

/** finishFederation, which must have signed somebody in (not offered a link). */
async function signedIn(...args: Parameters<typeof finishFederation>): Promise<FederatedUser> {
  const result = await finishFederation(...args);
  assert.equal(result.kind, 'signed-in');
  return result as FederatedUser;
}

const refused = (reason: string) => (err: unknown) => err instanceof UpstreamRefused && err.reason === reason;

describe('federation: settings', () => {
  it('builds the exact Entra issuer per directory and refuses the consumer tenant and foreign authorities', () => {
    assert.equal(
      entraIssuer({ tenantId: TID }, 'https://id.example.com'),
      `https://login.microsoftonline.com/${TID}/v2.0`,
    );
    assert.throws(
      () => entraIssuer({ tenantId: 'common' }, LOCAL),
      (e) => isDomainError(e, 'invalid_setting'),
    );
    assert.throws(
      () => entraIssuer({ tenantId: ENTRA_CONSUMER_TENANT }, LOCAL),
      (e) => isDomainError(e, 'invalid_setting'),
    );
    assert.ok(entraIssuer({ tenantId: ENTRA_CONSUMER_TENANT, allowConsumer: true }, LOCAL));
    assert.equal(
      entraIssuer({ tenantId: TID, authority: 'http://127.0.0.1:4000' }, LOCAL),
      `http://127.0.0.1:4000/${TID}/v2.0`,
    );
    // A deployment (https issuer) takes no authority and no plain-http upstream.
    assert.throws(() =>
      entraIssuer({ tenantId: TID, authority: 'https://evil.example' }, 'https://id.example.com'),
    );
    assert.throws(() => entraIssuer({ tenantId: TID, authority: 'http://127.0.0.1:4000/path' }, LOCAL));
  });

  it('refuses plain-http and odd issuers for okta and oidc connections on a deployment', async () => {
    const { deps } = await world('okta');
    const deployed = { ...deps, config: { ...deps.config, issuer: 'https://id.example.com' } };
    for (const issuer of [
      'http://127.0.0.1:9000',
      'https://idp.example?x=1',
      'ftp://idp.example',
      'not a url',
      'https://10.0.0.5/oauth2/default',
      'https://169.254.169.254',
      'https://[::1]:8443',
      'https://[fd00::1]',
      'https://localhost',
    ])
      await assert.rejects(
        addConnection(deployed, OPERATOR, {
          id: 'other',
          tenantId: 'acme',
          type: 'oidc',
          issuer,
          clientId: 'c',
          clientSecret: 's',
        }),
        (e) => isDomainError(e, 'invalid_setting'),
        issuer,
      );
    // The same shape with a DNS name is accepted: the refusals above are for their reason.
    const ok = await addConnection(deployed, OPERATOR, {
      id: 'named',
      tenantId: 'acme',
      type: 'oidc',
      issuer: 'https://idp.example/oauth2/default',
      clientId: 'c',
      clientSecret: 's',
    });
    assert.equal(ok.issuer, 'https://idp.example/oauth2/default');
  });

  it('keeps the client secret apart from the connection and never returns it', async () => {
    const { deps, connection } = await world();
    assert.ok(!JSON.stringify(connection).includes('upstream secret'));
    assert.equal(connection.clientAuth, 'client_secret_post');
    const stored = await deps.connections.get('acme-idp');
    assert.ok(stored && !JSON.stringify(stored).includes('upstream secret'));
    assert.equal(await deps.connectionSecrets.get('acme-idp'), 'upstream secret');
    assert.equal(connection.callbackUrl, `${LOCAL}/federation/acme-idp/callback`);
  });
});

describe('federation: domains', () => {
  it('compares domains after NFKC, as addresses are stored, so look-alikes route and clash like the real one', () => {
    assert.equal(domainOf('squat@ａｃｍｅ.example'), 'acme.example');
    assert.equal(domainOf('Anna@ACME.Example '), 'acme.example');
    assert.equal(domainOf('no-at-sign'), '');
  });
});

describe('federation: signing in', () => {
  it('creates a user just in time in the connection’s tenant, then finds the same user by the link', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    script.claims(entraClaims());
    const first = await signedIn(deps, {
      browserKey: KEY,
      connectionId: 'acme-idp',
      callbackUrl: await signIn(),
    });
    assert.equal(first.user.tenantId, 'acme');
    assert.equal(first.user.passwordHash, null, 'no password');
    assert.equal(first.uid, 'uid-1');
    // Later: another pairwise `sub` (another app registration) and a new name; `oid` is the key.
    script.claims(entraClaims({ sub: 'other-pairwise', name: 'Anna B.' }));
    const second = await signedIn(deps, {
      browserKey: KEY,
      connectionId: 'acme-idp',
      callbackUrl: await signIn('uid-2'),
    });
    assert.equal(second.user.id, first.user.id);
    assert.equal((await deps.users.findById(first.user.id))?.name, 'Anna B.', 'the profile follows upstream');
  });

  it('never links by e-mail: a new identity carrying an existing user’s address is refused', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    const existing = await createUser(deps, {
      email: 'boss@acme.example',
      name: 'Boss',
      password: 'a perfectly fine passphrase',
    });
    script.claims(entraClaims({ email: 'boss@acme.example', oid: 'bbbbbbbb-0000-0000-0000-000000000002' }));
    await assert.rejects(
      finishFederation(deps, { browserKey: KEY, connectionId: 'acme-idp', callbackUrl: await signIn() }),
      refused('email_taken'),
    );
    assert.deepEqual(await deps.links.byUser(existing.id), [], 'no link to the existing account');
    assert.deepEqual(await deps.links.byConnection('acme-idp'), [], 'and no stray link');
  });

  it('makes an offered link only for the offered account, once, before the interaction expires', async () => {
    const { deps, connection } = await world();
    const stored = await deps.connections.get(connection.id);
    assert.ok(stored);
    const a = await createUser(deps, { email: 'a@acme.example', name: 'A', tenantId: 'acme' });
    const b = await createUser(deps, { email: 'b@acme.example', name: 'B', tenantId: 'acme' });
    const identity = { issuer: stored.issuer, subject: 'dddddddd-0000-0000-0000-000000000004' };
    const offer = (uid: string, expiresAt = deps.clock.now().getTime() + 60_000) =>
      offerLink(deps, { uid, connection: stored, identity, userId: a.id, upstreamAccount: 'a', expiresAt });

    await offer('uid-1');
    assert.equal(await acceptLinkOffer(deps, { uid: 'uid-1', userId: b.id }), false, 'another account');
    assert.equal(await acceptLinkOffer(deps, { uid: 'uid-1', userId: a.id }), false, 'used up by that try');
    await offer('uid-2', deps.clock.now().getTime() - 1);
    assert.equal(await acceptLinkOffer(deps, { uid: 'uid-2', userId: a.id }), false, 'expired');
    assert.deepEqual(await deps.links.byConnection(stored.id), []);

    await offer('uid-3');
    assert.equal(await acceptLinkOffer(deps, { uid: 'uid-3', userId: a.id }), true);
    assert.equal(await acceptLinkOffer(deps, { uid: 'uid-3', userId: a.id }), false, 'once');
    assert.equal((await deps.links.find(stored.id, identity.issuer, identity.subject))?.userId, a.id);
  });

  it('uses a link an administrator bound beforehand (Entra: the object id)', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    const anna = await createUser(deps, { email: 'anna.m@acme.example', name: 'Anna', tenantId: 'acme' });
    await linkUser(deps, OPERATOR, {
      email: 'anna.m@acme.example',
      connectionId: 'acme-idp',
      subject: 'CCCCCCCC-0000-0000-0000-000000000003',
    });
    script.claims(
      entraClaims({ oid: 'cccccccc-0000-0000-0000-000000000003', email: 'whatever@acme.example' }),
    );
    const done = await signedIn(deps, {
      browserKey: KEY,
      connectionId: 'acme-idp',
      callbackUrl: await signIn(),
    });
    assert.equal(done.user.id, anna.id);
    const other = await createUser(deps, { email: 'x@other.example', name: 'X' });
    await assert.rejects(
      linkUser(deps, OPERATOR, { email: other.email, connectionId: 'acme-idp', subject: 'dddd' }),
      (e) => isDomainError(e, 'invalid_setting'),
      'a user of another tenant cannot be linked',
    );
  });

  it('refuses a replayed callback, a callback at another connection, a token of another directory, and overage', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    script.claims(entraClaims());
    const back = await signIn();
    await signedIn(deps, { browserKey: KEY, connectionId: 'acme-idp', callbackUrl: back });
    await assert.rejects(
      finishFederation(deps, { browserKey: KEY, connectionId: 'acme-idp', callbackUrl: back }),
      refused('state_unknown'),
    );

    const elsewhere = await signIn('uid-3');
    await assert.rejects(
      finishFederation(deps, { browserKey: KEY, connectionId: 'acme-okta', callbackUrl: elsewhere }),
      refused('connection_mismatch'),
    );
    // The state was taken by the mismatch: it cannot be used at the right URL afterwards either.
    await assert.rejects(
      finishFederation(deps, { browserKey: KEY, connectionId: 'acme-idp', callbackUrl: elsewhere }),
      refused('state_unknown'),
    );

    script.claims(entraClaims({ tid: '99999999-2222-3333-4444-555555555555', oid: 'eeee' }));
    await assert.rejects(
      finishFederation(deps, {
        browserKey: KEY,
        connectionId: 'acme-idp',
        callbackUrl: await signIn('uid-4'),
      }),
      refused('wrong_tenant'),
    );

    script.claims(
      entraClaims({
        oid: 'ffff',
        _claim_names: { groups: 'src1' },
        _claim_sources: { src1: { endpoint: 'https://graph' } },
      }),
    );
    await assert.rejects(
      finishFederation(deps, {
        browserKey: KEY,
        connectionId: 'acme-idp',
        callbackUrl: await signIn('uid-5'),
      }),
      refused('groups_overage'),
    );

    script.claims(new UpstreamRefused('invalid_response'));
    await assert.rejects(
      finishFederation(deps, {
        browserKey: KEY,
        connectionId: 'acme-idp',
        callbackUrl: await signIn('uid-6'),
      }),
      refused('invalid_response'),
    );

    await assert.rejects(
      finishFederation(deps, {
        browserKey: KEY,
        connectionId: 'acme-idp',
        callbackUrl: await signIn('uid-7', { error: 'access_denied' }),
      }),
      refused('upstream_error'),
    );
    const events =
      ((await deps.audit.record) &&
        (await (deps as unknown as { audit: { events: Array<{ type: string; reason?: string }> } }).audit
          .events)) ??
      [];
    const reasons = events.filter((e) => e.type === 'federation.refused').map((e) => e.reason);
    assert.deepEqual(reasons, [
      'state_unknown',
      'connection_mismatch',
      'state_unknown',
      'wrong_tenant',
      'groups_overage',
      'invalid_response',
      'upstream_error',
    ]);
    assert.equal(
      (await deps.links.byConnection('acme-idp')).length,
      1,
      'only the first sign-in linked anyone',
    );
  });

  it('accepts the callback only from the browser that started the sign-in, and uses the state up', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    script.claims(entraClaims());
    const back = await signIn();
    await assert.rejects(
      finishFederation(deps, { browserKey: 'x'.repeat(43), connectionId: 'acme-idp', callbackUrl: back }),
      refused('browser_mismatch'),
    );
    await assert.rejects(
      finishFederation(deps, { browserKey: KEY, connectionId: 'acme-idp', callbackUrl: back }),
      refused('state_unknown'),
      'the victim’s delivery used the state up: the attacker cannot finish it either',
    );
    await assert.rejects(
      finishFederation(deps, {
        browserKey: '',
        connectionId: 'acme-idp',
        callbackUrl: await signIn('uid-2'),
      }),
      refused('browser_mismatch'),
    );
    assert.deepEqual(await deps.links.byConnection('acme-idp'), []);
  });

  it('refuses to create a user at a domain another tenant proved, or with an unverified address', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    await addTenant(deps, OPERATOR, { id: 'beta', name: 'Beta' });
    await addTenantDomain(deps, OPERATOR, { tenantId: 'beta', domain: 'beta.example', verified: true });
    script.claims(entraClaims({ email: 'ceo@beta.example' }));
    await assert.rejects(
      finishFederation(deps, { browserKey: KEY, connectionId: 'acme-idp', callbackUrl: await signIn() }),
      refused('foreign_domain'),
    );
    script.claims(entraClaims({ email: 'new@acme.example', email_verified: false }));
    await assert.rejects(
      finishFederation(deps, {
        browserKey: KEY,
        connectionId: 'acme-idp',
        callbackUrl: await signIn('uid-2'),
      }),
      refused('missing_claims'),
    );
    assert.deepEqual(await deps.links.byConnection('acme-idp'), []);
  });

  it('replaces the roles mapped from upstream groups at every sign-in and keeps those a person granted', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    await mapConnectionRole(deps, OPERATOR, {
      id: 'acme-idp',
      mapping: { claim: 'groups', value: 'g-clerks', clientId: 'shop', role: 'clerk' },
    });
    await mapConnectionRole(deps, OPERATOR, {
      id: 'acme-idp',
      mapping: { claim: 'roles', value: 'Shop.Manager', clientId: 'shop', role: 'manager' },
    });
    script.claims(entraClaims({ groups: ['g-clerks', 'g-other'], roles: ['Shop.Manager'] }));
    const { user } = await signedIn(deps, {
      browserKey: KEY,
      connectionId: 'acme-idp',
      callbackUrl: await signIn(),
    });
    assert.deepEqual((await deps.roles.rolesIn(user.id, 'shop')).sort(), ['clerk', 'manager']);
    // A person grants `manager` too; upstream then drops both.
    await deps.roles.grant(user.id, 'shop', 'manager', 'admin');
    script.claims(entraClaims({ groups: ['g-other'] }));
    await signedIn(deps, {
      browserKey: KEY,
      connectionId: 'acme-idp',
      callbackUrl: await signIn('uid-2'),
    });
    assert.deepEqual(
      await deps.roles.rolesIn(user.id, 'shop'),
      ['manager'],
      'the mapped clerk role went, the granted one stayed',
    );
  });

  it('trusts upstream MFA only for the values the connection names', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    script.claims(entraClaims({ amr: ['pwd', 'mfa'] }));
    assert.equal(
      (
        await signedIn(deps, {
          browserKey: KEY,
          connectionId: 'acme-idp',
          callbackUrl: await signIn(),
        })
      ).upstreamMfa,
      false,
    );
    await trustConnectionMfa(deps, OPERATOR, { id: 'acme-idp', amr: ['mfa'] });
    assert.equal(
      (
        await signedIn(deps, {
          browserKey: KEY,
          connectionId: 'acme-idp',
          callbackUrl: await signIn('uid-2'),
        })
      ).upstreamMfa,
      true,
    );
    script.claims(entraClaims({ amr: ['pwd'] }));
    assert.equal(
      (
        await signedIn(deps, {
          browserKey: KEY,
          connectionId: 'acme-idp',
          callbackUrl: await signIn('uid-3'),
        })
      ).upstreamMfa,
      false,
    );
  });

  it('routes only proved domains to enabled connections, and disabling ends the linked users’ sessions', async () => {
    const { deps, script, signIn, entraClaims } = await world();
    assert.equal(await routedConnection(deps, 'Anna@ACME.example'), 'acme-idp');
    assert.equal(await routedConnection(deps, 'anna@other.example'), null);
    await addTenantDomain(deps, OPERATOR, { tenantId: 'acme', domain: 'unproved.example', verified: false });
    assert.equal(await routedConnection(deps, 'anna@unproved.example'), null);
    script.claims(entraClaims());
    const { user } = await signedIn(deps, {
      browserKey: KEY,
      connectionId: 'acme-idp',
      callbackUrl: await signIn(),
    });
    await setConnectionEnabled(deps, OPERATOR, { id: 'acme-idp', enabled: false });
    assert.equal(await routedConnection(deps, 'anna@acme.example'), null);
    assert.ok((await deps.users.findById(user.id))?.credentialsChangedAt, 'sessions ended');
  });
});
