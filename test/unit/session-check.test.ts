import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserStore } from '../../functions/domain/ports.ts';
import { userForRequest } from '../../functions/oidc/session-check.ts';
import { memoryPorts } from '../support/memory-ports.ts';

describe('userForRequest', () => {
  it('reads a user once per request and afresh in the next request', async () => {
    const { users } = await memoryPorts();
    let reads = 0;
    const counting: UserStore = Object.assign(Object.create(users), {
      findById: (id: string) => {
        reads++;
        return users.findById(id);
      },
    });
    const first = {};
    assert.equal(await userForRequest(first, counting, 'nobody'), null);
    assert.equal(await userForRequest(first, counting, 'nobody'), null);
    assert.equal(reads, 1);
    await userForRequest(first, counting, 'someone-else');
    assert.equal(reads, 2);
    await userForRequest({}, counting, 'nobody');
    assert.equal(reads, 3);
  });

  it('keeps a failed read failed for the rest of the request (fail closed)', async () => {
    let reads = 0;
    const failing = {
      findById: async () => {
        reads++;
        throw new Error('throttled');
      },
    } as unknown as UserStore;
    const ctx = {};
    await assert.rejects(userForRequest(ctx, failing, 'u'), /throttled/);
    await assert.rejects(userForRequest(ctx, failing, 'u'), /throttled/);
    assert.equal(reads, 1);
  });
});
