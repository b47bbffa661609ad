import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dummyVerify,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../functions/domain/password-hash.ts';

const params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

describe('password hashing (argon2id)', () => {
  it('makes an argon2id PHC string with the configured cost that verifies only the right password', async () => {
    const hash = await hashPassword('a perfectly fine passphrase', params);
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    assert.equal(await verifyPassword(hash, 'a perfectly fine passphrase'), true);
    assert.equal(await verifyPassword(hash, 'a perfectly fine passphrasE'), false);
  });
  it('salts every hash', async () => {
    assert.notEqual(await hashPassword('same', params), await hashPassword('same', params));
  });
  it('answers false, never throws, for a malformed or foreign hash', async () => {
    for (const bad of ['', 'plain', '$argon2id$v=19$m=1$zz', '$2b$10$abcdefghijklmnopqrstuv']) {
      assert.equal(await verifyPassword(bad, 'x'), false, bad);
    }
  });
  it('asks for a rehash when the configured cost changed, and only then', async () => {
    const hash = await hashPassword('pw', params);
    assert.equal(needsRehash(hash, params), false);
    assert.equal(needsRehash(hash, { ...params, timeCost: 3 }), true);
    assert.equal(needsRehash(hash, { ...params, memoryCost: 47104 }), true);
    assert.equal(needsRehash('garbage', params), true);
  });
  it('spends about one verification on a dummy check', async () => {
    await dummyVerify(params); // first call makes the dummy hash
    const hash = await hashPassword('pw', params);
    // Alternating samples and medians, so a burst of load on the machine skews neither side alone.
    const real: number[] = [];
    const dummies: number[] = [];
    const time = async (f: () => Promise<unknown>, into: number[]) => {
      const start = performance.now();
      await f();
      into.push(performance.now() - start);
    };
    for (let i = 0; i < 7; i++) {
      await time(() => verifyPassword(hash, 'nope'), real);
      await time(() => dummyVerify(params), dummies);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const [dummy, realMs] = [median(dummies), median(real)];
    assert.ok(dummy > realMs * 0.5 && dummy < realMs * 2, `dummy ${dummy} ms vs real ${realMs} ms`);
  });
});
