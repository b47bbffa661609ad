import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryConnectionSecrets } from '../../functions/adapters/memory/federation-stores.ts';
import { OPERATOR } from '../../functions/domain/admin/actor.ts';
import {
  addConnection,
  addTenant,
  removeConnection,
  setConnectionCredential,
  showConnection,
} from '../../functions/domain/admin/federation.ts';
import { isDomainError } from '../../functions/domain/errors.ts';
import { finishFederation, startFederation } from '../../functions/domain/federation/sign-in.ts';
import { type Upstream, UpstreamRefused } from '../../functions/domain/federation/upstream.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

const ISSUER = 'https://acme.okta.example/oauth2/default';
const KEY = 'k'.repeat(43);

/** A ConnectionSecrets that fails on demand (fault injection), over the in-memory one. */
class FlakySecrets extends MemoryConnectionSecrets {
  failPut = false;
  failDelete = false;
  override async put(connectionId: string, value: string): Promise<void> {
    if (this.failPut) throw new Error('secrets store unavailable');
    return super.put(connectionId, value);
  }
  override async delete(connectionId: string): Promise<void> {
    if (this.failDelete) throw new Error('secrets store unavailable');
    return super.delete(connectionId);
  }
}

async function world() {
  const credentialsUsed: string[] = [];
  const upstream: Upstream = {
    async authorizationUrl(_c, input) {
      credentialsUsed.push(input.clientSecret);
      return `https://upstream.example/authorize?state=${input.state}`;
    },
    async redeem(_c, input) {
      credentialsUsed.push(input.clientSecret);
      return { sub: 'u1', email: 'u1@acme.example' };
    },
    endSessionUrl: async () => null,
  };
  const m = await memoryMfa();
  const connectionSecrets = new FlakySecrets();
  const deps = {
    ...m.deps,
    upstream,
    connectionSecrets,
    config: { ...m.deps.config, issuer: 'http://localhost:3000' },
  };
  await addTenant(deps, OPERATOR, { id: 'acme', name: 'Acme Corp' });
  const add = (id: string, clientSecret: string) =>
    addConnection(deps, OPERATOR, {
      id,
      tenantId: 'acme',
      type: 'okta',
      issuer: ISSUER,
      clientId: 'sesame',
      clientSecret,
    });
  const start = async (id: string) => {
    const connection = await deps.connections.get(id);
    assert.ok(connection);
    return startFederation(deps, {
      uid: 'uid-1',
      connection,
      browserKey: KEY,
      interactionExpiresAt: deps.clock.now().getTime() + 600_000,
    });
  };
  return { deps, connectionSecrets, credentialsUsed, add, start, audits: () => m.ports.events() };
}

const refused = (reason: string) => (err: unknown) => err instanceof UpstreamRefused && err.reason === reason;

describe('connection credentials', () => {
  it('authenticates upstream with the stored credential, read at each leg of the sign-in', async () => {
    const { add, start, deps, credentialsUsed } = await world();
    await add('acme-idp', 'first secret');
    const url = new URL(await start('acme-idp'));
    const back = new URL('http://localhost:3000/federation/acme-idp/callback?code=c');
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    await finishFederation(deps, { connectionId: 'acme-idp', callbackUrl: back, browserKey: KEY });
    assert.deepEqual(credentialsUsed, ['first secret', 'first secret']);
  });

  it('fails closed when the connection has no credential: no upstream call, a refusal page', async () => {
    const { add, start, connectionSecrets, credentialsUsed, deps } = await world();
    await add('acme-idp', 'secret');
    const url = new URL(await start('acme-idp'));
    await connectionSecrets.delete('acme-idp');
    await assert.rejects(start('acme-idp'), refused('upstream_unavailable'));
    const back = new URL('http://localhost:3000/federation/acme-idp/callback?code=c');
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    await assert.rejects(
      finishFederation(deps, { connectionId: 'acme-idp', callbackUrl: back, browserKey: KEY }),
      refused('upstream_unavailable'),
    );
    assert.equal(credentialsUsed.length, 1, 'only the leg that had a credential reached the upstream');
  });

  it('adds no connection whose credential cannot be stored, and never overwrites another’s', async () => {
    const { add, deps, connectionSecrets } = await world();
    connectionSecrets.failPut = true;
    await assert.rejects(add('acme-idp', 'secret'), /secrets store unavailable/);
    assert.equal(await deps.connections.get('acme-idp'), null, 'rolled back');
    connectionSecrets.failPut = false;
    await add('acme-idp', 'the original');
    await assert.rejects(add('acme-idp', 'an impostor'), (e) => isDomainError(e, 'connection_exists'));
    assert.equal(await connectionSecrets.get('acme-idp'), 'the original');
  });

  it('replaces a credential, audited with its method only', async () => {
    const { add, deps, connectionSecrets, audits } = await world();
    await add('acme-idp', 'old-client-secret-value');
    const view = await setConnectionCredential(deps, OPERATOR, {
      id: 'acme-idp',
      clientSecret: 'new-client-secret-value',
    });
    assert.equal(await connectionSecrets.get('acme-idp'), 'new-client-secret-value');
    assert.equal(view.clientAuth, 'client_secret_post');
    const event = (await audits()).find((e) => e.type === 'connection.credential_set');
    assert.deepEqual(event?.details, { method: 'client_secret_post' });
    const everything = JSON.stringify([
      view,
      await showConnection(deps, OPERATOR, 'acme-idp'),
      await audits(),
    ]);
    assert.ok(!everything.includes('client-secret-value'), 'never shown or audited');
    await assert.rejects(setConnectionCredential(deps, OPERATOR, { id: 'nope', clientSecret: 'x' }), (e) =>
      isDomainError(e, 'not_found'),
    );
  });

  it('deletes the credential on removal, before the connection, so a failure can be retried', async () => {
    const { add, deps, connectionSecrets } = await world();
    await add('acme-idp', 'secret');
    connectionSecrets.failDelete = true;
    await assert.rejects(removeConnection(deps, OPERATOR, 'acme-idp'));
    assert.ok(await deps.connections.get('acme-idp'), 'still there to remove again');
    connectionSecrets.failDelete = false;
    await removeConnection(deps, OPERATOR, 'acme-idp');
    assert.equal(await deps.connections.get('acme-idp'), null);
    assert.equal(await connectionSecrets.get('acme-idp'), null);
  });
});
