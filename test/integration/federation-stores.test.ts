import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamo } from '../../functions/adapters/dynamodb/client.ts';
import { keys } from '../../functions/adapters/dynamodb/directory-keys.ts';
import {
  DynamoConnectionStore,
  DynamoFederationStateStore,
  DynamoLinkStore,
  DynamoTenantStore,
  SealedConnectionSecrets,
} from '../../functions/adapters/dynamodb/federation-stores.ts';
import { DynamoRoleStore } from '../../functions/adapters/dynamodb/role-store.ts';
import { MemorySecretStore } from '../../functions/adapters/memory/stores.ts';
import { secretBox } from '../../functions/adapters/secrets/secret-box.ts';
import { startTestStore, type TestStore } from '../support/store.ts';

/** The federation stores' conditions on a DynamoDB-compatible server: uniqueness and single use. */
describe('DynamoDB federation stores', () => {
  let store: TestStore;
  let dynamo: ReturnType<typeof createDynamo>;
  before(async () => {
    store = await startTestStore();
    dynamo = createDynamo({ dynamodb: store.dynamodb });
  });
  after(async () => {
    dynamo.raw.destroy();
    await store.stop();
  });

  it('links one upstream identity to one user, even when two first sign-ins race', async () => {
    const links = new DynamoLinkStore(dynamo.doc, store.tables.directory);
    const link = (userId: string) => ({
      connectionId: 'acme',
      issuer: 'https://idp.example',
      subject: 'sub-1',
      userId,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const outcomes = await Promise.all(['u1', 'u2', 'u3', 'u4'].map((u) => links.create(link(u))));
    assert.equal(outcomes.filter(Boolean).length, 1, outcomes.join());
    const winner = await links.find('acme', 'https://idp.example', 'sub-1');
    assert.ok(winner);
    assert.deepEqual(await links.byUser(winner.userId), [winner]);
    assert.deepEqual(await links.byConnection('acme'), [winner]);
    assert.equal(await links.find('acme', 'https://idp.example', 'SUB-1'), null, 'subjects are exact');
    await links.delete(winner);
    assert.equal(await links.find('acme', 'https://idp.example', 'sub-1'), null);
    assert.deepEqual(await links.byUser(winner.userId), []);
  });

  it('hands out a sign-in state once, and never after it expired', async () => {
    const states = new DynamoFederationStateStore(dynamo.doc, store.tables.directory);
    const state = {
      key: 'k1',
      uid: 'uid',
      connectionId: 'acme',
      nonce: 'n',
      codeVerifier: 'v',
      browser: 'b',
      expiresAt: 10_000,
    };
    await states.put(state);
    const taken = await Promise.all([states.take('k1', 5_000), states.take('k1', 5_000)]);
    assert.deepEqual(
      taken.filter((t) => t !== null),
      [state],
    );
    await states.put({ ...state, key: 'k2' });
    assert.equal(await states.take('k2', 10_001), null, 'expired');
    assert.equal(await states.take('k2', 5_000), null, 'and gone');
  });

  it('keeps a link offer for retries, hands it out once, and never after it expired', async () => {
    const states = new DynamoFederationStateStore(dynamo.doc, store.tables.directory);
    const offer = {
      uid: 'uid-offer',
      connectionId: 'acme-idp',
      issuer: 'https://idp.example',
      subject: 's-1',
      userId: 'u-1',
      upstreamAccount: 'val@acme.example (Val)',
      expiresAt: 10_000,
    };
    await states.putOffer(offer);
    assert.deepEqual(await states.offer('uid-offer', 5_000), offer);
    assert.deepEqual(await states.offer('uid-offer', 5_000), offer, 'reading leaves it');
    assert.equal(await states.offer('uid-offer', 10_001), null, 'expired');
    const taken = await Promise.all([
      states.takeOffer('uid-offer', 5_000),
      states.takeOffer('uid-offer', 5_000),
    ]);
    assert.equal(taken.filter(Boolean).length, 1, 'one of two concurrent takers gets it');
    assert.equal(await states.offer('uid-offer', 5_000), null, 'and it is gone');
  });

  it('replaces a tenant only at the version it was read at', async () => {
    const tenants = new DynamoTenantStore(dynamo.doc, store.tables.directory);
    const tenant = { id: 'versioned', name: 'V', createdAt: '2026-01-01T00:00:00.000Z' };
    await tenants.create(tenant);
    assert.equal(await tenants.replace({ ...tenant, name: 'V1', version: 1 }, undefined), true);
    assert.equal(
      await tenants.replace({ ...tenant, name: 'stale', version: 1 }, undefined),
      false,
      'read before v1',
    );
    assert.equal(await tenants.replace({ ...tenant, name: 'V2', version: 2 }, 1), true);
    assert.equal(await tenants.replace({ ...tenant, name: 'late', version: 2 }, 1), false);
    assert.equal((await tenants.get('versioned'))?.name, 'V2');
    assert.equal(
      await tenants.replace({ id: 'gone', name: 'G', createdAt: '', version: 1 }, undefined),
      false,
    );
  });

  it('keeps a proved e-mail domain with one tenant; an unproved claim reserves nothing', async () => {
    const tenants = new DynamoTenantStore(dynamo.doc, store.tables.directory);
    assert.equal(await tenants.create({ id: 'acme', name: 'Acme', createdAt: 'x' }), true);
    assert.equal(await tenants.create({ id: 'acme', name: 'Again', createdAt: 'x' }), false);
    const claim = { domain: 'acme.example', tenantId: 'acme', verified: false, token: 't' };
    assert.equal(await tenants.putDomain({ ...claim, tenantId: 'beta', token: 'b' }), true, 'a squatter');
    assert.equal(await tenants.putDomain(claim), true, 'gives way to another unproved claim');
    assert.deepEqual(await tenants.domainsOf('beta'), [], 'and is gone from its tenant');
    assert.equal(await tenants.putDomain({ ...claim, verified: true }), true, 'its own tenant proves it');
    assert.equal(
      await tenants.putDomain({ ...claim, tenantId: 'beta', token: 'b' }),
      false,
      'another tenant cannot take a proved domain',
    );
    assert.deepEqual(await tenants.domainsOf('acme'), [{ ...claim, verified: true }]);
    assert.deepEqual(await tenants.domainsOf('beta'), []);
  });

  it('never lets a mapped grant replace one a person made', async () => {
    const roles = new DynamoRoleStore(dynamo.doc, store.tables.directory);
    await roles.grant('u', 'shop', 'clerk', 'admin');
    await roles.grant('u', 'shop', 'clerk', 'connection:acme');
    await roles.grant('u', 'shop', 'manager', 'connection:acme');
    assert.deepEqual(
      (await roles.allRoles('u')).sort((a, b) => a.role.localeCompare(b.role)),
      [
        { clientId: 'shop', role: 'clerk', source: 'admin' },
        { clientId: 'shop', role: 'manager', source: 'connection:acme' },
      ],
    );
    await roles.grant('u', 'shop', 'manager', 'admin');
    assert.equal((await roles.allRoles('u')).find((g) => g.role === 'manager')?.source, 'admin');
    // A role sync that read `manager` as mapped before the person's grant revokes only a mapped one.
    await roles.revoke('u', 'shop', 'manager', 'connection:acme');
    assert.ok((await roles.rolesIn('u', 'shop')).includes('manager'), 'the person’s grant stays');
    await roles.revoke('u', 'shop', 'manager');
    assert.ok(!(await roles.rolesIn('u', 'shop')).includes('manager'));
  });

  it('seals a connection’s credential in an item of its own, openable for that connection only', async () => {
    const table = store.tables.directory;
    const credentials = new SealedConnectionSecrets(dynamo.doc, table, secretBox(new MemorySecretStore()));
    const connections = new DynamoConnectionStore(dynamo.doc, table);
    assert.equal(await credentials.get('acme'), null);
    await credentials.put('acme', 'TOP-SECRET-VALUE');
    assert.equal(await credentials.get('acme'), 'TOP-SECRET-VALUE');
    await credentials.put('acme', 'ROTATED-VALUE');
    assert.equal(await credentials.get('acme'), 'ROTATED-VALUE');

    const { Item } = await dynamo.doc.send(
      new GetCommand({ TableName: table, Key: keys.connectionCredential('acme') }),
    );
    assert.ok(Item && !JSON.stringify(Item).includes('ROTATED-VALUE'), 'sealed at rest');
    assert.deepEqual(await connections.list(), [], 'no connection listing reads it');
    // Moved to another connection's key (a table edit), it does not open.
    await dynamo.doc.send(
      new PutCommand({ TableName: table, Item: { ...Item, ...keys.connectionCredential('beta') } }),
    );
    await assert.rejects(credentials.get('beta'));

    await credentials.delete('acme');
    await credentials.delete('acme');
    assert.equal(await credentials.get('acme'), null);
  });
});
