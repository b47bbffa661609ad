import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importJWK } from 'jose';
import { MemoryKeySets } from '../../functions/adapters/memory/key-sets.ts';
import { KEY_REFRESH_MS } from '../../functions/adapters/secrets/refresh.ts';
import { parseConfig } from '../../functions/config/config.ts';
import { ManualClock } from '../../functions/domain/clock.ts';
import { type KeyMaker, KeySetUnreadable } from '../../functions/domain/keys/key-sets.ts';
import {
  type RotationOutcome,
  type RotationTimes,
  rotateKeys,
  rotationTimes,
} from '../../functions/domain/keys/rotation.ts';
import type { AuditEvent } from '../../functions/domain/ports.ts';
import { keyMaker } from '../../functions/oidc/keys.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Default settings: 90-day period, 24 h JWKS cache, 1 h ID tokens, 24 h sessions. */
const TIMES = rotationTimes(parseConfig({ issuer: 'https://id.example.com' }), KEY_REFRESH_MS);

/** Readable fake keys: `RS256#2`, `cookie#3`, `aead#4`, with a private part to look for in logs. */
function countingMaker(): KeyMaker & { made: number } {
  const maker = {
    made: 0,
    async signingKey(alg: string) {
      maker.made += 1;
      return { kid: `${alg}#${maker.made}`, alg, kty: 'fake', d: `private-${maker.made}` };
    },
    cookieKey() {
      maker.made += 1;
      return `cookie#${maker.made}`;
    },
    aeadKey() {
      maker.made += 1;
      return { kid: `aead#${maker.made}`, key: `private-${maker.made}` };
    },
  };
  return maker;
}

/** A deployment as the keygen leaves it, an in-memory store with versions, and one clock for all. */
function deployment(options: { times?: RotationTimes; maker?: KeyMaker } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const store = new MemoryKeySets(() => clock.now().getTime());
  store.write('oidc-signing-keys', {
    keys: [
      { kid: 'rs-0', alg: 'RS256', kty: 'RSA', d: 'private-rs-0' },
      { kid: 'es-0', alg: 'ES256', kty: 'EC', d: 'private-es-0' },
    ],
  });
  store.write('cookie-keys', ['cookie-0']);
  store.write('mfa-keys', { aead: [{ kid: 'aead-0', key: 'private-aead-0' }], mac: 'mac-0' });
  const audit: AuditEvent[] = [];
  const deps = {
    store,
    clock,
    maker: options.maker ?? countingMaker(),
    audit: { record: async (e: AuditEvent) => void audit.push(e) },
  };
  const times = options.times ?? TIMES;
  const run = (request: Parameters<typeof rotateKeys>[2] = {}) => rotateKeys(deps, times, request);
  const value = async (name: string) => (await store.current(name as 'cookie-keys')).value;
  const kids = async () =>
    ((await value('oidc-signing-keys')) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  return { clock, store, audit, run, value, kids, advance: (ms: number) => clock.advance(ms) };
}

const of = (outcomes: RotationOutcome[], secret: string) => {
  const outcome = outcomes.find((o) => o.secret === secret);
  assert.ok(outcome, secret);
  return outcome;
};
const result = (outcomes: RotationOutcome[], secret: string) => {
  const o = of(outcomes, secret);
  return o.result === 'failed' ? 'failed' : `${o.result}:${o.step}`;
};

describe('key rotation: signing keys', () => {
  it('publishes a new key per algorithm at the end once the period has passed, not before', async () => {
    const d = deployment();
    d.advance(90 * DAY - 1);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'not_due:publish');
    assert.deepEqual(await d.kids(), ['rs-0', 'es-0']);
    d.advance(1);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'rotated:publish');
    const kids = await d.kids();
    assert.deepEqual(kids.slice(0, 2), ['rs-0', 'es-0'], 'the keys in use stay in front');
    assert.match(kids[2] ?? '', /^RS256#/);
    assert.match(kids[3] ?? '', /^ES256#/);
  });

  it('promotes the published keys only after every container has them and relying parties refetched /jwks', async () => {
    const d = deployment();
    d.advance(90 * DAY);
    await d.run();
    const published = (await d.kids()).slice(2);
    d.advance(2 * KEY_REFRESH_MS + DAY - 1);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'not_due:promote');
    d.advance(1);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'rotated:promote');
    assert.deepEqual(await d.kids(), [...published, 'rs-0', 'es-0'], 'new keys sign, old ones still verify');
  });

  it('retires the old keys only once nothing they signed can still be presented', async () => {
    const d = deployment();
    d.advance(90 * DAY);
    await d.run();
    d.advance(2 * KEY_REFRESH_MS + DAY);
    await d.run();
    const inUse = (await d.kids()).slice(0, 2);
    // The last container switches 10 min after the write; its ID tokens live 1 h but come back as
    // id_token_hint at logout while their 24 h session lasts; clocks may lag 5 min.
    d.advance(2 * KEY_REFRESH_MS + DAY + 5 * MINUTE - 1);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'not_due:retire');
    assert.equal((await d.kids()).length, 4);
    d.advance(1);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'rotated:retire');
    assert.deepEqual(await d.kids(), inUse);
  });

  it('counts the tokens’ and the sessions’ lifetimes the deployment has', () => {
    const times = (ttl: Record<string, number>) =>
      rotationTimes(parseConfig({ issuer: 'https://id.example.com', ttl }), KEY_REFRESH_MS);
    assert.equal(times({}).longestJwtMs, DAY, 'a 24 h session outlasts the 1 h ID token');
    assert.equal(times({ sessionSeconds: 7 * 86400 }).longestJwtMs, 7 * DAY);
    assert.equal(times({ sessionSeconds: 1800 }).longestJwtMs, HOUR, 'never less than the ID token');
    assert.equal(times({ sessionSeconds: 7 * 86400 }).longestCookieMs, 7 * DAY);
    assert.equal(times({}).propagationMs, 2 * KEY_REFRESH_MS);
  });

  it('waits as long as the longest JWT lives: a longer lifetime postpones the retirement', async () => {
    const longer = { ...TIMES, longestJwtMs: 6 * HOUR };
    const d = deployment({ times: longer });
    d.advance(90 * DAY);
    await d.run();
    d.advance(2 * KEY_REFRESH_MS + DAY);
    await d.run();
    d.advance(2 * KEY_REFRESH_MS + HOUR + 5 * MINUTE);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'not_due:retire');
    d.advance(5 * HOUR);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'rotated:retire');
  });

  it('never retires a key it did not publish before the full wait from the last write (an operator’s edit)', async () => {
    const d = deployment();
    d.advance(10 * DAY);
    // the manual procedure of old: a new key put in front by hand, the old one kept
    const before = (await d.value('oidc-signing-keys')) as { keys: object[] };
    d.store.write('oidc-signing-keys', {
      keys: [{ kid: 'rs-hand', alg: 'RS256', kty: 'RSA' }, ...before.keys],
    });
    d.advance(2 * KEY_REFRESH_MS + DAY + 5 * MINUTE - 1);
    assert.equal(result(await d.run(), 'oidc-signing-keys'), 'not_due:retire');
    assert.deepEqual(await d.kids(), ['rs-hand', 'rs-0', 'es-0']);
    d.advance(1);
    await d.run();
    assert.deepEqual(await d.kids(), ['rs-hand', 'es-0'], 'the first key of each algorithm stays');
  });

  it('publishes for every algorithm in use, whatever they are', async () => {
    const d = deployment();
    d.store.write('oidc-signing-keys', { keys: [{ kid: 'ps-0', alg: 'PS256', kty: 'RSA' }] });
    d.advance(90 * DAY);
    await d.run();
    const kids = await d.kids();
    assert.equal(kids.length, 2);
    assert.match(kids[1] ?? '', /^PS256#/);
  });
});

describe('key rotation: cookie and MFA keys', () => {
  it('cookie keys: appended, moved to the front after every container has them, the old one dropped after the longest session', async () => {
    const d = deployment();
    d.advance(90 * DAY);
    await d.run();
    const [, added] = (await d.value('cookie-keys')) as string[];
    assert.deepEqual(
      await d.value('cookie-keys'),
      ['cookie-0', added],
      'appended: checks cookies, signs none',
    );
    d.advance(2 * KEY_REFRESH_MS - 1);
    assert.equal(result(await d.run(), 'cookie-keys'), 'not_due:promote');
    d.advance(1);
    await d.run();
    assert.deepEqual(await d.value('cookie-keys'), [added, 'cookie-0']);
    d.advance(2 * KEY_REFRESH_MS + DAY + 5 * MINUTE - 1);
    assert.equal(
      result(await d.run(), 'cookie-keys'),
      'not_due:retire',
      'a 24 h session may still carry the old one',
    );
    d.advance(1);
    await d.run();
    assert.deepEqual(await d.value('cookie-keys'), [added]);
  });

  it('MFA keys: an appended AEAD key is promoted after every container has it; older keys and the MAC key stay', async () => {
    const d = deployment();
    d.advance(90 * DAY);
    assert.equal(result(await d.run(), 'mfa-keys'), 'rotated:publish');
    const aead = () =>
      d.value('mfa-keys').then((v) => (v as { aead: { kid: string }[] }).aead.map((k) => k.kid));
    const [, added] = await aead();
    assert.deepEqual(await aead(), ['aead-0', added]);
    d.advance(2 * KEY_REFRESH_MS - 1);
    assert.equal(result(await d.run(), 'mfa-keys'), 'not_due:promote');
    d.advance(1);
    assert.equal(result(await d.run(), 'mfa-keys'), 'rotated:promote');
    assert.deepEqual(await aead(), [added, 'aead-0']);
    // a whole period later: the next key, and still nothing dropped
    d.advance(90 * DAY);
    await d.run();
    d.advance(2 * KEY_REFRESH_MS);
    await d.run();
    const third = (await aead())[0];
    assert.deepEqual(await aead(), [third, added, 'aead-0']);
    assert.equal(((await d.value('mfa-keys')) as { mac: string }).mac, 'mac-0');
  });

  it('never gives a new AEAD key the id of an older one (a sealed value names its key)', async () => {
    let n = 0;
    const maker = countingMaker();
    maker.aeadKey = () => ({ kid: n++ === 0 ? 'aead-0' : `aead-${n}`, key: 'k' });
    const d = deployment({ maker });
    d.advance(90 * DAY);
    await d.run();
    const aead = ((await d.value('mfa-keys')) as { aead: { kid: string }[] }).aead.map((k) => k.kid);
    assert.equal(new Set(aead).size, aead.length);
  });
});

describe('key rotation: runs', () => {
  it('takes one step per secret per run, however late it runs, and a repeated run changes nothing', async () => {
    const d = deployment();
    d.advance(400 * DAY);
    const first = await d.run();
    assert.deepEqual(
      first.map((o) => result(first, o.secret)),
      ['rotated:publish', 'rotated:publish', 'rotated:publish'],
    );
    const again = await d.run();
    assert.deepEqual(
      again.map((o) => o.result),
      ['not_due', 'not_due', 'not_due'],
    );
    for (const name of ['oidc-signing-keys', 'cookie-keys', 'mfa-keys'])
      assert.equal(d.store.history(name).length, 2, `${name}: the keygen's version and one step`);
  });

  it('of two overlapping runs one writes and the other loses without changing anything', async () => {
    const d = deployment();
    d.advance(90 * DAY);
    const [a, b] = await Promise.all([d.run(), d.run()]);
    for (const name of ['oidc-signing-keys', 'cookie-keys', 'mfa-keys']) {
      assert.deepEqual(
        [result(a ?? [], name), result(b ?? [], name)].sort(),
        ['lost:publish', 'rotated:publish'],
        name,
      );
      assert.equal(d.store.history(name).length, 2, `${name}: one new version`);
    }
  });

  it('keeps every signing key that can still verify something, at every hour of a year of hourly runs', async () => {
    const d = deployment();
    type Jwks = { keys: { kid: string; alg: string }[] };
    const firstOf = (jwks: Jwks, alg: string) => jwks.keys.find((k) => k.alg === alg)?.kid;
    for (let hour = 0; hour < 365 * 24; hour++) {
      d.advance(HOUR);
      const outcomes = await d.run();
      assert.ok(outcomes.every((o) => o.result !== 'failed'));
    }
    const history = d.store.history('oidc-signing-keys');
    assert.ok(history.length >= 9, 'three full rotations in a year');
    // When each key started and stopped signing, and when it was published and removed.
    const published = new Map<string, number>();
    const signedUntil = new Map<string, number>();
    for (const [i, version] of history.entries()) {
      const jwks = version.value as Jwks;
      const previous = i > 0 ? (history[i - 1]?.value as Jwks) : undefined;
      for (const key of jwks.keys) if (!published.has(key.kid)) published.set(key.kid, version.writtenAt);
      for (const alg of ['RS256', 'ES256']) {
        const now = firstOf(jwks, alg);
        const before = previous && firstOf(previous, alg);
        if (before && now !== before) {
          signedUntil.set(before, version.writtenAt);
          const since = published.get(now ?? '') ?? 0;
          assert.ok(version.writtenAt - since >= 2 * KEY_REFRESH_MS + DAY, `${now} signed before RPs saw it`);
        }
      }
      for (const key of previous?.keys ?? [])
        if (!jwks.keys.some((k) => k.kid === key.kid)) {
          const stopped = signedUntil.get(key.kid);
          assert.ok(stopped !== undefined, `${key.kid} removed while signing`);
          assert.ok(
            version.writtenAt - stopped >= 2 * KEY_REFRESH_MS + TIMES.longestJwtMs + 5 * MINUTE,
            `${key.kid} removed while its tokens were valid`,
          );
        }
    }
  });

  it('replaces a leaked key set at once on request: new keys in use, every old one gone', async () => {
    const d = deployment();
    d.advance(90 * DAY);
    await d.run(); // a rotation under way: published keys are dropped too (they sat in the same secret)
    const outcomes = await d.run({ replace: 'oidc-signing-keys' });
    assert.deepEqual(
      outcomes.map((o) => result(outcomes, o.secret)),
      ['rotated:replace'],
      'only the secret asked for',
    );
    const kids = await d.kids();
    assert.equal(kids.length, 2);
    assert.ok(kids.every((k) => /^(RS256|ES256)#/.test(k) && !['rs-0', 'es-0'].includes(k)));
    assert.equal(
      result(await d.run(), 'oidc-signing-keys'),
      'not_due:publish',
      'and the period starts again',
    );
    await d.run({ replace: 'cookie-keys' });
    assert.equal(((await d.value('cookie-keys')) as string[]).length, 1);
  });

  it('reports a secret that holds no key set (the deploy placeholder) and still rotates the others', async () => {
    const d = deployment();
    d.store.write('oidc-signing-keys', { sesame: 'pending', nonce: 'x' });
    d.advance(90 * DAY);
    const outcomes = await d.run();
    const signing = of(outcomes, 'oidc-signing-keys');
    assert.ok(signing.result === 'failed' && signing.error instanceof KeySetUnreadable);
    assert.equal(result(outcomes, 'cookie-keys'), 'rotated:publish');
  });

  it('audits every step with the secret and public key ids, never key material', async () => {
    const d = deployment();
    d.advance(90 * DAY);
    await d.run();
    assert.deepEqual(
      d.audit.map((e) => [e.type, e.target, e.details?.step]),
      [
        ['keys.rotated', 'oidc-signing-keys', 'publish'],
        ['keys.rotated', 'cookie-keys', 'publish'],
        ['keys.rotated', 'mfa-keys', 'publish'],
      ],
    );
    assert.match(String(d.audit[0]?.details?.keyIds), /^rs-0 es-0 RS256#\d+ ES256#\d+$/);
    const text = JSON.stringify(d.audit);
    assert.doesNotMatch(text, /private-|cookie[-#]\d/);
  });

  it('publishes real private JWKs, made as the keygen makes them', async () => {
    const d = deployment({ maker: keyMaker });
    d.advance(90 * DAY);
    await d.run();
    const keys = ((await d.value('oidc-signing-keys')) as { keys: Record<string, string>[] }).keys.slice(2);
    assert.deepEqual(
      keys.map((k) => k.alg),
      ['RS256', 'ES256'],
    );
    for (const k of keys) {
      assert.ok(k.d, 'private');
      assert.equal(k.use, 'sig');
      await importJWK(k, k.alg);
    }
  });
});
