import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Action,
  type Actor,
  authorize,
  type Facts,
  OPERATOR,
  type Principal,
  type Target,
} from '../../functions/domain/admin/actor.ts';
import { auditEvents } from '../../functions/domain/admin/audit.ts';
import { addClient, updateClient } from '../../functions/domain/admin/clients.ts';
import {
  entitleTenant,
  grantAdmin,
  revokeAdmin,
  updateTenant,
} from '../../functions/domain/admin/delegation.ts';
import {
  addConnection,
  addTenant,
  addTenantDomain,
  linkUser,
  listTenants,
  mapConnectionRole,
  trustConnectionMfa,
} from '../../functions/domain/admin/federation.ts';
import { inviteUser } from '../../functions/domain/admin/invitations.ts';
import { changeRole } from '../../functions/domain/admin/roles.ts';
import { addUser, resetUserMfa, resetUserPassword, showUser } from '../../functions/domain/admin/users.ts';
import { isDomainError } from '../../functions/domain/errors.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

const GLOBAL: Principal = { kind: 'global', id: 'g' };
const ADMIN_A: Principal = { kind: 'tenant-admin', id: 'admin-a', tenantId: 'a' };
const MEMBER_A: Principal = {
  kind: 'member',
  id: 'member-a',
  tenantId: 'a',
  holds: [{ clientId: 'shop', role: 'clerk', source: 'admin' }],
};
const NOBODY: Principal = { kind: 'nobody', id: 'x' };
const SHOP: Facts = { entitled: ['clerk', 'manager'], memberInvites: true };
const CLOSED: Facts = { entitled: ['clerk', 'manager'], memberInvites: false };

/** [who, action, target, facts, allowed]: the delegation rule as a table, escalations included. */
const RULE: Array<[string, Principal, Action, Target, Facts | undefined, boolean]> = [
  ['global: anything', GLOBAL, 'tenant.entitle', { tenantId: 'b' }, undefined, true],
  [
    'global: grants global admin',
    GLOBAL,
    'admin.grant',
    { tenantId: 'b', userId: 'u', level: 'global' },
    undefined,
    true,
  ],
  ['nobody: nothing', NOBODY, 'user.read', { tenantId: 'a' }, undefined, false],
  [
    'tenant admin: reads own tenant’s user',
    ADMIN_A,
    'user.read',
    { tenantId: 'a', userId: 'u' },
    undefined,
    true,
  ],
  [
    'tenant admin: not another tenant’s user',
    ADMIN_A,
    'user.read',
    { tenantId: 'b', userId: 'u' },
    undefined,
    false,
  ],
  ['tenant admin: not without a tenant', ADMIN_A, 'user.read', {}, undefined, false],
  ['tenant admin: creates users in own tenant', ADMIN_A, 'user.create', { tenantId: 'a' }, undefined, true],
  ['tenant admin: not in another', ADMIN_A, 'user.create', { tenantId: 'b' }, undefined, false],
  ['tenant admin: resets MFA', ADMIN_A, 'user.reset_mfa', { tenantId: 'a', userId: 'u' }, undefined, true],
  [
    'tenant admin: not the password of someone holding a role beyond the tenant’s (a demoted admin)',
    ADMIN_A,
    'user.set_password',
    { tenantId: 'a', userId: 'u' },
    { ...SHOP, holdsUnentitled: true },
    false,
  ],
  [
    'tenant admin: not the factors of someone holding a role beyond the tenant’s',
    ADMIN_A,
    'user.reset_mfa',
    { tenantId: 'a', userId: 'u' },
    { ...SHOP, holdsUnentitled: true },
    false,
  ],
  [
    'tenant admin: still reads someone holding a role beyond the tenant’s',
    ADMIN_A,
    'user.read',
    { tenantId: 'a', userId: 'u' },
    { ...SHOP, holdsUnentitled: true },
    true,
  ],
  [
    'global: sets anyone’s password',
    GLOBAL,
    'user.set_password',
    { tenantId: 'a', userId: 'u' },
    { ...SHOP, holdsUnentitled: true },
    true,
  ],
  [
    'tenant admin: grants an entitled role',
    ADMIN_A,
    'role.grant',
    { tenantId: 'a', userId: 'u', clientId: 'shop', roles: ['manager'] },
    SHOP,
    true,
  ],
  [
    'tenant admin: not a role the tenant is not entitled to',
    ADMIN_A,
    'role.grant',
    { tenantId: 'a', userId: 'u', clientId: 'shop', roles: ['owner'] },
    SHOP,
    false,
  ],
  [
    'tenant admin: not an entitled role to themselves',
    ADMIN_A,
    'role.grant',
    { tenantId: 'a', userId: 'admin-a', clientId: 'shop', roles: ['clerk'] },
    SHOP,
    false,
  ],
  [
    'tenant admin: not a role without its app',
    ADMIN_A,
    'role.grant',
    { tenantId: 'a', userId: 'u', roles: ['clerk'] },
    SHOP,
    false,
  ],
  [
    'tenant admin: not an entitled role in another tenant',
    ADMIN_A,
    'role.grant',
    { tenantId: 'b', userId: 'u', clientId: 'shop', roles: ['clerk'] },
    SHOP,
    false,
  ],
  [
    'tenant admin: makes another tenant admin',
    ADMIN_A,
    'admin.grant',
    { tenantId: 'a', userId: 'u', level: 'tenant' },
    undefined,
    true,
  ],
  [
    'tenant admin: never a global admin',
    ADMIN_A,
    'admin.grant',
    { tenantId: 'a', userId: 'u', level: 'global' },
    undefined,
    false,
  ],
  [
    'tenant admin: not themselves',
    ADMIN_A,
    'admin.grant',
    { tenantId: 'a', userId: 'admin-a', level: 'tenant' },
    undefined,
    false,
  ],
  [
    'tenant admin: removes a tenant admin',
    ADMIN_A,
    'admin.revoke',
    { tenantId: 'a', userId: 'u', level: 'tenant' },
    undefined,
    true,
  ],
  [
    'tenant admin: not a global admin',
    ADMIN_A,
    'admin.revoke',
    { tenantId: 'a', userId: 'u', level: 'global' },
    undefined,
    false,
  ],
  [
    'tenant admin: not entitlements (its own bounds)',
    ADMIN_A,
    'tenant.entitle',
    { tenantId: 'a', clientId: 'shop' },
    SHOP,
    false,
  ],
  ['tenant admin: not apps', ADMIN_A, 'client.update', { tenantId: 'a', clientId: 'shop' }, SHOP, false],
  ['tenant admin: not new tenants', ADMIN_A, 'tenant.create', { tenantId: 'a' }, undefined, false],
  ['tenant admin: own connections', ADMIN_A, 'connection.update', { tenantId: 'a' }, undefined, true],
  [
    'tenant admin: not another tenant’s connections',
    ADMIN_A,
    'connection.update',
    { tenantId: 'b' },
    undefined,
    false,
  ],
  ['tenant admin: own audit events', ADMIN_A, 'audit.read', { tenantId: 'a' }, undefined, true],
  [
    'tenant admin: not a global admin of the tenant',
    ADMIN_A,
    'user.reset_mfa',
    { tenantId: 'a', userId: 'u', targetAdmin: 'global' },
    undefined,
    false,
  ],
  [
    'tenant admin: not demoting a global admin',
    ADMIN_A,
    'admin.grant',
    { tenantId: 'a', userId: 'u', level: 'tenant', targetAdmin: 'global' },
    undefined,
    false,
  ],
  [
    'tenant admin: not a fellow admin’s password',
    ADMIN_A,
    'user.set_password',
    { tenantId: 'a', userId: 'u', targetAdmin: 'tenant' },
    undefined,
    false,
  ],
  [
    'tenant admin: not a fellow admin’s links',
    ADMIN_A,
    'user.link',
    { tenantId: 'a', userId: 'u', targetAdmin: 'tenant' },
    undefined,
    false,
  ],
  [
    'tenant admin: may read a fellow admin',
    ADMIN_A,
    'user.read',
    { tenantId: 'a', userId: 'u', targetAdmin: 'tenant' },
    undefined,
    true,
  ],
  [
    'tenant admin: not linking themselves',
    ADMIN_A,
    'user.link',
    { tenantId: 'a', userId: 'admin-a' },
    undefined,
    false,
  ],
  [
    'tenant admin: not inviting themselves with roles',
    ADMIN_A,
    'invitation.create',
    { tenantId: 'a', userId: 'admin-a', clientId: 'shop', roles: ['clerk'] },
    SHOP,
    false,
  ],
  [
    'tenant admin: not mapping an unentitled role',
    ADMIN_A,
    'connection.update',
    { tenantId: 'a', clientId: 'shop', roles: ['owner'] },
    SHOP,
    false,
  ],
  [
    'tenant admin: maps an entitled role',
    ADMIN_A,
    'connection.update',
    { tenantId: 'a', clientId: 'shop', roles: ['clerk'] },
    SHOP,
    true,
  ],
  [
    'tenant admin: not marking a domain proved',
    ADMIN_A,
    'domain.verify',
    { tenantId: 'a' },
    undefined,
    false,
  ],
  [
    'member: invites with a role held',
    MEMBER_A,
    'invitation.create',
    { tenantId: 'a', clientId: 'shop', roles: ['clerk'] },
    SHOP,
    true,
  ],
  [
    'member: not with a role not held',
    MEMBER_A,
    'invitation.create',
    { tenantId: 'a', clientId: 'shop', roles: ['manager'] },
    SHOP,
    false,
  ],
  [
    'member: not where the app does not allow it',
    MEMBER_A,
    'invitation.create',
    { tenantId: 'a', clientId: 'shop', roles: ['clerk'] },
    CLOSED,
    false,
  ],
  [
    'member: not into another tenant',
    MEMBER_A,
    'invitation.create',
    { tenantId: 'b', clientId: 'shop', roles: ['clerk'] },
    SHOP,
    false,
  ],
  [
    'member: not a held role the tenant is no longer entitled to',
    MEMBER_A,
    'invitation.create',
    { tenantId: 'a', clientId: 'shop', roles: ['clerk'] },
    { entitled: [], memberInvites: true },
    false,
  ],
  [
    'member: not without roles',
    MEMBER_A,
    'invitation.create',
    { tenantId: 'a', clientId: 'shop', roles: [] },
    SHOP,
    false,
  ],
  ['member: not users', MEMBER_A, 'user.read', { tenantId: 'a', userId: 'u' }, SHOP, false],
  [
    'member: not roles',
    MEMBER_A,
    'role.grant',
    { tenantId: 'a', userId: 'u', clientId: 'shop', roles: ['clerk'] },
    SHOP,
    false,
  ],
];

describe('the delegation rule', () => {
  for (const [what, principal, action, target, facts, allowed] of RULE)
    it(`${allowed ? 'allows' : 'refuses'} — ${what}`, () => {
      assert.equal(authorize(principal, action, target, facts), allowed);
    });
});

describe('administration through actor-scoped use cases', () => {
  const someone: Actor = { kind: 'user', userId: 'someone' };
  const robot: Actor = { kind: 'client', clientId: 'automation' };

  /** Tenants a and b, app shop (clerk, manager, owner) with a entitled to clerk and manager, and people. */
  async function world() {
    const m = await memoryMfa();
    const { deps } = m;
    await addTenant(deps, OPERATOR, { id: 'acme', name: 'Acme' });
    await addTenant(deps, OPERATOR, { id: 'beta', name: 'Beta' });
    await addClient(deps, OPERATOR, {
      clientId: 'shop',
      redirectUris: ['https://shop.example.com/cb'],
      roles: ['clerk', 'manager', 'owner'],
    });
    await entitleTenant(deps, OPERATOR, { tenantId: 'acme', clientId: 'shop', roles: ['clerk', 'manager'] });
    const ada = await addUser(deps, OPERATOR, { email: 'ada@acme.example', name: 'Ada', tenantId: 'acme' });
    await grantAdmin(deps, OPERATOR, { email: 'ada@acme.example', level: 'tenant', tenantId: 'acme' });
    const bob = await addUser(deps, OPERATOR, { email: 'bob@acme.example', name: 'Bob', tenantId: 'acme' });
    const bea = await addUser(deps, OPERATOR, { email: 'bea@beta.example', name: 'Bea', tenantId: 'beta' });
    const asAda: Actor = { kind: 'user', userId: ada.id };
    return { ...m, ada, bob, bea, asAda };
  }

  it('lets the operator do everything, audited with the operator as actor', async () => {
    const { deps, ports, bob } = await world();
    const roles = await changeRole(deps, OPERATOR, {
      email: bob.email,
      clientId: 'shop',
      role: 'owner',
      grant: true,
    });
    assert.deepEqual(roles.roles, ['owner'], 'the operator is not bound by entitlements');
    const events = await ports.events();
    for (const type of ['user.created', 'client.created', 'role.granted', 'admin.granted', 'tenant.entitled'])
      assert.equal(events.filter((e) => e.type === type).at(-1)?.actor, 'admin-cli', type);
  });

  it('lets a tenant admin manage their own tenant within its entitlements', async () => {
    const { deps, bob, asAda } = await world();
    const carl = await addUser(deps, asAda, { email: 'carl@acme.example', name: 'Carl', tenantId: 'acme' });
    assert.equal(carl.tenantId, 'acme');
    assert.equal((await showUser(deps, asAda, { email: bob.email })).user.id, bob.id);
    const granted = await changeRole(deps, asAda, {
      email: bob.email,
      clientId: 'shop',
      role: 'manager',
      grant: true,
    });
    assert.deepEqual(granted.roles, ['manager']);
    await grantAdmin(deps, asAda, { email: bob.email, level: 'tenant', tenantId: 'acme' });
    assert.equal((await deps.users.findById(bob.id))?.admin, 'tenant');
    await revokeAdmin(deps, asAda, { email: bob.email });
    assert.equal((await deps.users.findById(bob.id))?.admin, undefined);
    assert.deepEqual(
      (await listTenants(deps, asAda)).map((t) => t.id),
      ['acme'],
      'sees its own tenant only',
    );
  });

  it('refuses every escalation by a tenant admin, changes nothing, and audits each refusal', async () => {
    const { deps, ports, ada, bob, bea, asAda } = await world();
    const before = (await ports.events()).filter((e) => e.type === 'admin.denied').length;
    const forbidden = (e: unknown) => isDomainError(e, 'forbidden');
    const hidden = (e: unknown) => isDomainError(e, 'not_found');
    await assert.rejects(
      addUser(deps, asAda, { email: 'x@beta.example', name: 'X', tenantId: 'beta' }),
      forbidden,
    );
    await assert.rejects(
      showUser(deps, asAda, { email: bea.email }),
      hidden,
      'another tenant’s user is unknown',
    );
    await assert.rejects(resetUserMfa(deps, asAda, { email: bea.email }), hidden);
    await assert.rejects(
      changeRole(deps, asAda, { email: bob.email, clientId: 'shop', role: 'owner', grant: true }),
      forbidden,
      'a role the tenant is not entitled to',
    );
    await assert.rejects(
      changeRole(deps, asAda, { email: ada.email, clientId: 'shop', role: 'clerk', grant: true }),
      forbidden,
      'a role for themselves',
    );
    await assert.rejects(grantAdmin(deps, asAda, { email: bob.email, level: 'global' }), forbidden);
    await assert.rejects(
      entitleTenant(deps, asAda, {
        tenantId: 'acme',
        clientId: 'shop',
        roles: ['clerk', 'manager', 'owner'],
      }),
      forbidden,
    );
    await assert.rejects(updateClient(deps, asAda, { clientId: 'shop', memberInvites: true }), forbidden);
    await grantAdmin(deps, OPERATOR, { email: bob.email, level: 'global' });
    await assert.rejects(revokeAdmin(deps, asAda, { email: bob.email }), forbidden, 'a global admin stays');

    assert.deepEqual(await deps.roles.rolesIn(bob.id, 'shop'), []);
    assert.deepEqual(await deps.roles.rolesIn(ada.id, 'shop'), []);
    assert.equal((await deps.users.findById(bob.id))?.admin, 'global');
    assert.deepEqual((await deps.tenants.get('acme'))?.entitlements, { shop: ['clerk', 'manager'] });
    const denied = (await ports.events()).filter((e) => e.type === 'admin.denied');
    assert.equal(denied.length - before, 9);
    assert.ok(denied.every((e) => e.actor === ada.id || e.actor === 'admin-cli'));
  });

  it('keeps a tenant admin from taking over administrators, linking themselves or squatting another tenant’s domain', async () => {
    const { deps, ada, bob, asAda } = await world();
    const forbidden = (e: unknown) => isDomainError(e, 'forbidden');
    const gil = await addUser(deps, OPERATOR, { email: 'gil@acme.example', name: 'Gil', tenantId: 'acme' });
    await grantAdmin(deps, OPERATOR, { email: gil.email, level: 'global' });
    await assert.rejects(resetUserMfa(deps, asAda, { email: gil.email }), forbidden);
    await assert.rejects(
      resetUserPassword(deps, asAda, { email: gil.email, password: 'a perfectly fine passphrase 2' }),
      forbidden,
    );
    await assert.rejects(
      grantAdmin(deps, asAda, { email: gil.email, level: 'tenant', tenantId: 'acme' }),
      forbidden,
      'no demotion',
    );
    assert.equal((await deps.users.findById(gil.id))?.admin, 'global');
    await grantAdmin(deps, asAda, { email: bob.email, level: 'tenant', tenantId: 'acme' });
    await assert.rejects(
      resetUserPassword(deps, asAda, { email: bob.email, password: 'a perfectly fine passphrase 2' }),
      forbidden,
      'a fellow admin',
    );

    await addConnection(deps, OPERATOR, {
      id: 'acme-idp',
      tenantId: 'acme',
      type: 'oidc',
      issuer: 'https://idp.acme.example',
      clientId: 'c',
      clientSecret: 's',
    });
    await assert.rejects(
      linkUser(deps, asAda, { email: ada.email, connectionId: 'acme-idp', subject: 'me' }),
      forbidden,
      'herself',
    );
    await assert.rejects(
      linkUser(deps, asAda, { email: gil.email, connectionId: 'acme-idp', subject: 'gil' }),
      forbidden,
      'an admin',
    );
    await assert.rejects(
      mapConnectionRole(deps, asAda, {
        id: 'acme-idp',
        mapping: { claim: 'groups', value: 'pwn', clientId: 'shop', role: 'owner' },
      }),
      forbidden,
      'a role Acme is not entitled to',
    );
    await mapConnectionRole(deps, asAda, {
      id: 'acme-idp',
      mapping: { claim: 'groups', value: 'g', clientId: 'shop', role: 'clerk' },
    });
    await assert.rejects(
      trustConnectionMfa(deps, asAda, { id: 'acme-idp', amr: ['pwd'] }),
      forbidden,
      'trusting upstream MFA would lift the tenant’s MFA requirement',
    );

    await addTenantDomain(deps, OPERATOR, { tenantId: 'beta', domain: 'beta.example', verified: true });
    await assert.rejects(
      addTenantDomain(deps, asAda, { tenantId: 'acme', domain: 'acme.example', verified: true }),
      forbidden,
    );
    for (const attempt of [
      addUser(deps, asAda, { email: 'newhire@beta.example', name: 'N', tenantId: 'acme' }),
      inviteUser(deps, asAda, { tenantId: 'acme', email: 'other@beta.example' }),
    ])
      await assert.rejects(attempt, (e) => isDomainError(e, 'invalid_setting'), 'beta proved beta.example');
    await assert.rejects(
      inviteUser(deps, asAda, { tenantId: 'acme', email: ada.email, clientId: 'shop', roles: ['manager'] }),
      forbidden,
      'roles for herself by invitation',
    );
  });

  it('lets a tenant admin brand their tenant, and only a global admin require MFA of it', async () => {
    const { deps, asAda } = await world();
    const branded = await updateTenant(deps, asAda, {
      id: 'acme',
      name: 'Acme Corporation',
      displayName: 'ACME',
      logoUrl: 'https://cdn.acme.example/logo.png',
      accent: '#0055AA',
    });
    assert.equal(branded.name, 'Acme Corporation');
    assert.deepEqual(branded.branding, {
      displayName: 'ACME',
      logoUrl: 'https://cdn.acme.example/logo.png',
      accent: '#0055aa',
    });
    await assert.rejects(updateTenant(deps, asAda, { id: 'acme', requireMfa: 'any' }), { code: 'forbidden' });
    await assert.rejects(updateTenant(deps, asAda, { id: 'beta', name: 'Mine now' }), { code: 'forbidden' });
    for (const bad of [
      { logoUrl: 'http://cdn.acme.example/logo.png' },
      { logoUrl: 'javascript:alert(1)' },
      { accent: 'red' },
    ])
      await assert.rejects(updateTenant(deps, OPERATOR, { id: 'acme', ...bad }), (e) =>
        isDomainError(e, 'invalid_setting'),
      );
    const strict = await updateTenant(deps, OPERATOR, { id: 'acme', requireMfa: 'strong', logoUrl: '' });
    assert.equal(strict.requireMfa, 'strong');
    assert.deepEqual(
      strict.branding,
      { displayName: 'ACME', accent: '#0055aa' },
      'an empty value clears a field',
    );
    assert.equal((await deps.tenantSettings('acme'))?.requireMfa, 'strong');
    assert.equal(
      (await updateTenant(deps, OPERATOR, { id: 'acme', requireMfa: null })).requireMfa,
      undefined,
    );
  });

  it('shows a tenant admin the audit events of their own tenant’s users only', async () => {
    const { deps, ada, bob, bea, asAda } = await world();
    const mine = await auditEvents(deps, asAda, { email: bob.email, from: 0 });
    assert.ok(mine.events.length > 0 && mine.events.every((e) => e.target === bob.id));
    await assert.rejects(auditEvents(deps, asAda, { email: bea.email, from: 0 }), (e) =>
      isDomainError(e, 'not_found'),
    );
    const tenant = await auditEvents(deps, asAda, { from: 0, limit: 500 });
    assert.ok(tenant.events.length > 0, 'a tenant admin reads their own tenant by default');
    assert.ok(tenant.events.every((e) => e.tenant === 'acme'));
    assert.ok(tenant.events.some((e) => e.type === 'user.created' && e.target === bob.id));
    assert.deepEqual(
      tenant.events.filter((e) => e.target === bea.id || e.details?.tenant === 'beta'),
      [],
      'nothing about another tenant’s people, not even that an attempt on one was refused',
    );
    const refusal = (await auditEvents(deps, OPERATOR, { type: 'admin.denied', limit: 500 })).events.find(
      (e) => e.target === bea.id,
    );
    assert.equal(refusal?.actor, ada.id, 'global administrators see the refused attempt');
    assert.equal(refusal?.tenant, undefined);
    await assert.rejects(
      auditEvents(deps, asAda, { from: 0, tenantId: 'beta' }),
      (e) => isDomainError(e, 'forbidden'),
      'another tenant’s events',
    );
    const all = await auditEvents(deps, OPERATOR, { type: 'user.created', limit: 2 });
    assert.equal(all.events.length, 2);
    assert.ok(all.next, 'more than a page');
  });

  it('never lets one administrator’s tenant change silently undo another’s made meanwhile', async () => {
    const { deps, asAda } = await world();
    const stale = await deps.tenants.get('acme');
    await updateTenant(deps, OPERATOR, { id: 'acme', requireMfa: 'strong' });
    const staleTenants = Object.assign(Object.create(deps.tenants), { get: async () => stale });
    await assert.rejects(
      updateTenant({ ...deps, tenants: staleTenants }, asAda, { id: 'acme', displayName: 'Y' }),
      (e) => isDomainError(e, 'invalid_setting'),
    );
    assert.equal((await deps.tenants.get('acme'))?.requireMfa, 'strong', 'the requirement stands');
    await updateTenant(deps, asAda, { id: 'acme', displayName: 'Y' }); // read afresh: fine
    assert.equal((await deps.tenants.get('acme'))?.requireMfa, 'strong');
  });

  it('treats a disabled admin, an unknown user and a client without admin scope as nobody', async () => {
    const { deps, ports, ada, bob, asAda } = await world();
    await deps.users.updateProfile(ada.id, { disabled: true });
    for (const actor of [asAda, someone, robot]) {
      for (const email of [bob.email, 'nobody@example.com'])
        await assert.rejects(showUser(deps, actor, { email }), { code: 'forbidden' });
      await assert.rejects(addUser(deps, actor, { email: 'x@acme.example', name: 'X', tenantId: 'acme' }), {
        code: 'forbidden',
      });
    }
    const denied = (await ports.events()).filter((e) => e.type === 'admin.denied');
    assert.ok(denied.length >= 9);
    assert.equal(await deps.users.findByEmailKey('x@acme.example'), null, 'nothing was written');
  });

  it('makes a tenant admin only of a user of that tenant, and entitles only roles the app defines', async () => {
    const { deps, bea } = await world();
    await assert.rejects(
      grantAdmin(deps, OPERATOR, { email: bea.email, level: 'tenant', tenantId: 'acme' }),
      (e) => isDomainError(e, 'invalid_setting'),
    );
    await assert.rejects(
      entitleTenant(deps, OPERATOR, { tenantId: 'acme', clientId: 'shop', roles: ['janitor'] }),
      (e) => isDomainError(e, 'invalid_setting'),
    );
    const none = await entitleTenant(deps, OPERATOR, { tenantId: 'acme', clientId: 'shop', roles: [] });
    assert.deepEqual(none.entitlements, {});
  });
});
