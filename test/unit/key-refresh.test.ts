import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemorySecretStore } from '../../functions/adapters/memory/stores.ts';
import { KEY_REFRESH_MS } from '../../functions/adapters/secrets/refresh.ts';
import {
  generateMfaKeys,
  MFA_KEYS_SECRET,
  type MfaKeys,
  newAeadKey,
  secretBox,
} from '../../functions/adapters/secrets/secret-box.ts';
import type { SecretStore } from '../../functions/domain/ports.ts';
import { rebuildOnKeyChange } from '../../functions/oidc/key-refresh.ts';
import { loadProviderKeys, type ProviderKeys } from '../../functions/oidc/keys.ts';

/** The real key loader over an in-memory store whose secrets a test can rewrite, as an operator does. */
async function setup(options: { failReads?: () => boolean } = {}) {
  const store = new MemorySecretStore();
  await loadProviderKeys(store); // provisioned, as the deploy-time keygen does
  let time = 0;
  let reads = 0;
  const builds: ProviderKeys[] = [];
  const errors: unknown[] = [];
  const current = rebuildOnKeyChange({
    readKeys: async () => {
      reads += 1;
      if (options.failReads?.()) throw new Error('AccessDenied');
      return loadProviderKeys(store);
    },
    build: async (keys) => {
      builds.push(keys);
      return { kids: keys.jwks.keys.map((k) => k.kid), cookieKeys: keys.cookieKeys, n: builds.length };
    },
    now: () => time,
    onRefreshError: (err) => errors.push(err),
  });
  const rewrite = async (name: string, change: (value: unknown) => unknown) => {
    const value = await store.values.get(name);
    store.values.set(name, Promise.resolve(change(structuredClone(value))));
  };
  return {
    current,
    rewrite,
    advance: (ms: number) => {
      time += ms;
    },
    reads: () => reads,
    builds,
    errors,
  };
}

describe('rotated keys reach a running container without a recycle', () => {
  it('reads the keys once per period and keeps the built application while they are unchanged', async () => {
    const s = await setup();
    const first = await s.current();
    assert.equal(await s.current(), first);
    assert.equal(s.reads(), 1);
    s.advance(KEY_REFRESH_MS);
    assert.equal(await s.current(), first, 'same keys: no rebuild');
    assert.equal(s.reads(), 2);
    assert.equal(s.builds.length, 1);
  });

  it('rebuilds with a new signing key once the period has passed, not before', async () => {
    const s = await setup();
    const before = await s.current();
    await s.rewrite('oidc-signing-keys', (v) => {
      const jwks = v as { keys: { kid: string }[] };
      return { keys: [{ ...jwks.keys[0], kid: 'rs256-new' }, ...jwks.keys] };
    });
    s.advance(KEY_REFRESH_MS - 1);
    assert.equal(await s.current(), before, 'within the period the container keeps its keys');
    s.advance(1);
    const after = await s.current();
    assert.notEqual(after, before);
    assert.equal(after.kids[0], 'rs256-new');
    assert.equal(after.kids.length, before.kids.length + 1);
  });

  it('rebuilds when only the cookie keys change', async () => {
    const s = await setup();
    await s.current();
    await s.rewrite('cookie-keys', (v) => ['new-cookie-key', ...(v as string[])]);
    s.advance(KEY_REFRESH_MS);
    assert.equal((await s.current()).cookieKeys[0], 'new-cookie-key');
  });

  it('keeps serving the current keys when a re-read fails, and tries again a period later', async () => {
    let failing = false;
    const s = await setup({ failReads: () => failing });
    const first = await s.current();
    failing = true;
    s.advance(KEY_REFRESH_MS);
    assert.equal(await s.current(), first);
    assert.equal(s.errors.length, 1);
    assert.equal(await s.current(), first);
    assert.equal(s.reads(), 2, 'no re-read on every request after a failure');
    failing = false;
    await s.rewrite('cookie-keys', (v) => ['k2', ...(v as string[])]);
    s.advance(KEY_REFRESH_MS);
    assert.equal((await s.current()).cookieKeys[0], 'k2');
  });

  it('does not remember a failed first load', async () => {
    let failing = true;
    const s = await setup({ failReads: () => failing });
    await assert.rejects(s.current(), /AccessDenied/);
    failing = false;
    assert.ok((await s.current()).kids.length > 0);
  });
});

describe('rotated MFA keys reach a running container without a recycle', () => {
  /** Two containers' secret boxes over one store, each with its own 5-minute refresh, on one clock. */
  async function containers(options: { failReads?: () => boolean } = {}) {
    const store = new MemorySecretStore();
    const keys = await store.getOrCreate<MfaKeys>(MFA_KEYS_SECRET, generateMfaKeys);
    let time = 0;
    const errors: unknown[] = [];
    const reading: SecretStore = {
      getOrCreate: async (name, generate) => {
        if (options.failReads?.()) throw new Error('AccessDenied');
        return store.getOrCreate(name, generate);
      },
    };
    const box = () => secretBox(reading, { now: () => time, onRefreshError: (err) => errors.push(err) });
    const write = (next: MfaKeys) => store.values.set(MFA_KEYS_SECRET, Promise.resolve(next));
    return {
      keys,
      a: box(),
      b: box(),
      write,
      errors,
      advance: (ms: number) => {
        time += ms;
      },
    };
  }
  const kidOf = (sealed: string) => sealed.split('.')[1];

  it('opens what another container sealed with an appended key once the period has passed, not before', async () => {
    const c = await containers();
    await c.a.seal('x', 'aad'); // container a has read the keys
    const added = newAeadKey();
    c.write({ ...c.keys, aead: [added, ...c.keys.aead] }); // b will seal with it
    const sealed = await c.b.seal('totp-secret', 'user-1');
    assert.equal(kidOf(sealed), added.kid);
    await assert.rejects(c.a.open(sealed, 'user-1'), /unknown format or key/, 'a still has the old key set');
    c.advance(KEY_REFRESH_MS);
    assert.equal(await c.a.open(sealed, 'user-1'), 'totp-secret');
  });

  it('seals with the first AEAD key after a refresh and still opens what the older key sealed', async () => {
    const c = await containers();
    const old = await c.a.seal('totp-secret', 'user-1');
    const added = newAeadKey();
    c.write({ ...c.keys, aead: [...c.keys.aead, added] }); // published: known, not used
    c.advance(KEY_REFRESH_MS);
    assert.equal(kidOf(await c.a.seal('y', 'aad')), c.keys.aead[0]?.kid, 'an appended key does not seal');
    c.write({ ...c.keys, aead: [added, ...c.keys.aead] }); // promoted
    c.advance(KEY_REFRESH_MS);
    assert.equal(kidOf(await c.a.seal('y', 'aad')), added.kid);
    assert.equal(await c.a.open(old, 'user-1'), 'totp-secret');
    assert.equal(await c.a.digest('code'), await c.b.digest('code'), 'the MAC key never changes');
  });

  it('keeps its keys when a re-read fails, reports it, and reads again a period later', async () => {
    let failing = false;
    const c = await containers({ failReads: () => failing });
    const before = await c.a.seal('v', 'aad');
    failing = true;
    const added = newAeadKey();
    c.write({ ...c.keys, aead: [added, ...c.keys.aead] });
    c.advance(KEY_REFRESH_MS);
    assert.equal(await c.a.open(before, 'aad'), 'v', 'the current keys stay in use');
    assert.equal(c.errors.length, 1);
    assert.equal(kidOf(await c.a.seal('v', 'aad')), c.keys.aead[0]?.kid);
    assert.equal(c.errors.length, 1, 'not re-read on every call after a failure');
    failing = false;
    c.advance(KEY_REFRESH_MS);
    assert.equal(kidOf(await c.a.seal('v', 'aad')), added.kid);
  });
});
