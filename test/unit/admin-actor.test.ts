import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Actor, authorize, OPERATOR } from '../../functions/domain/admin/actor.ts';
import { addClient } from '../../functions/domain/admin/clients.ts';
import { changeRole } from '../../functions/domain/admin/roles.ts';
import { addUser, resetUserMfa, showUser } from '../../functions/domain/admin/users.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

describe('administration through actor-scoped use cases', () => {
  const console: Actor = { kind: 'user', userId: 'someone' };
  const robot: Actor = { kind: 'client', clientId: 'automation' };

  it('lets the operator do everything, audited with the operator as actor', async () => {
    const m = await memoryMfa();
    const user = await addUser(m.deps, OPERATOR, { email: 'new@example.com', name: 'New' });
    await addClient(m.deps, OPERATOR, {
      clientId: 'shop',
      redirectUris: ['https://shop.example.com/cb'],
      roles: ['clerk'],
    });
    const roles = await changeRole(m.deps, OPERATOR, {
      email: 'new@example.com',
      clientId: 'shop',
      role: 'clerk',
      grant: true,
    });
    assert.deepEqual(roles.roles, ['clerk']);
    const events = await m.ports.events();
    for (const type of ['user.created', 'client.created', 'role.granted'])
      assert.equal(events.filter((e) => e.type === type).at(-1)?.actor, 'admin-cli', type);
    assert.equal((await showUser(m.deps, OPERATOR, { email: 'new@example.com' })).user.id, user.id);
  });

  it('denies everyone else by default, audits the denial, and reveals nothing about the target', async () => {
    const m = await memoryMfa();
    for (const actor of [console, robot]) {
      assert.equal(authorize(actor, 'user.read', {}), false);
      for (const email of [m.user.email, 'nobody@example.com'])
        await assert.rejects(showUser(m.deps, actor, { email }), { code: 'forbidden' });
      await assert.rejects(resetUserMfa(m.deps, actor, { email: m.user.email }), { code: 'forbidden' });
      await assert.rejects(addUser(m.deps, actor, { email: 'x@example.com', name: 'X' }), {
        code: 'forbidden',
      });
    }
    const denied = (await m.ports.events()).filter((e) => e.type === 'admin.denied');
    assert.equal(denied.length, 8);
    assert.ok(denied.every((e) => e.outcome === 'denied' && e.target === undefined));
    assert.equal(await m.deps.users.findByEmailKey('x@example.com'), null, 'nothing was written');
  });
});
