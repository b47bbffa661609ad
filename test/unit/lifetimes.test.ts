import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refreshTokenTtl, sessionTtl } from '../../functions/oidc/lifetimes.ts';

const lifetimes = { sessionSeconds: 86_400, refreshTokenSeconds: 14 * 86_400, federatedSeconds: 8 * 3_600 };
const now = () => Math.floor(Date.now() / 1000);

describe('how long a sign-in lasts', () => {
  it('ends a session its full lifetime after the sign-in, however often it is saved meanwhile', () => {
    const ttl = sessionTtl(lifetimes);
    assert.equal(ttl(undefined, { amr: ['pwd'], loginTs: now() }), 86_400);
    const lateSave = ttl(undefined, { amr: ['pwd'], loginTs: now() - 23 * 3_600 });
    assert.ok(lateSave <= 3_600 && lateSave > 3_590, `a save 23 h after the sign-in keeps it ${lateSave} s`);
    assert.equal(ttl(undefined, { amr: ['pwd'], loginTs: now() - 2 * 86_400 }), 1, 'past its end: gone');
    assert.equal(ttl(undefined, {}), 86_400, 'a session nobody signed in to yet');
  });

  it('ends a federated sign-in at the shorter federated limit', () => {
    const ttl = sessionTtl(lifetimes);
    const left = ttl(undefined, { amr: ['fed'], loginTs: now() - 7 * 3_600 });
    assert.ok(left <= 3_600 && left > 3_590);
    const refresh = refreshTokenTtl(lifetimes)(undefined, { amr: ['fed'], authTime: now() - 7 * 3_600 });
    assert.ok(refresh <= 3_600 && refresh > 3_590);
  });
});
