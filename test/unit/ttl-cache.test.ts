import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ttlCache } from '../../functions/adapters/ttl-cache.ts';

describe('ttlCache', () => {
  it('reads once per key within the time, again after it, bounded, and forgets failures', async () => {
    let t = 0;
    const reads: string[] = [];
    let fail = false;
    const cached = ttlCache(
      async (key) => {
        reads.push(key);
        if (fail) throw new Error('store down');
        return key.toUpperCase();
      },
      { ttlMs: 100, maxEntries: 2, now: () => t },
    );
    assert.equal(await cached('a'), 'A');
    assert.equal(await cached('a'), 'A');
    assert.deepEqual(reads, ['a']);
    t = 101;
    await cached('a');
    assert.deepEqual(reads, ['a', 'a'], 'expired: read again');
    await cached('b');
    await cached('c');
    await cached('a');
    assert.deepEqual(reads, ['a', 'a', 'b', 'c', 'a'], 'the oldest entry went when a third came');
    fail = true;
    await assert.rejects(cached('d'));
    fail = false;
    assert.equal(await cached('d'), 'D', 'a failure is not remembered');
  });
});
