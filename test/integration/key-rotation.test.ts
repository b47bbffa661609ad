import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import type * as oidc from 'openid-client';
import { SecretsManagerKeySetStore } from '../../functions/adapters/secrets/key-set-store.ts';
import { KEY_REFRESH_MS } from '../../functions/adapters/secrets/refresh.ts';
import { secretBox } from '../../functions/adapters/secrets/secret-box.ts';
import { SecretsManagerSecretStore } from '../../functions/adapters/secrets/secrets-manager.ts';
import { ManualClock } from '../../functions/domain/clock.ts';
import type { SecretBox } from '../../functions/domain/ports.ts';
import { adminResource } from '../../functions/oidc/admin-resource.ts';
import { provisionKeys } from '../../functions/oidc/keys.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { rotationHandler } from '../../infra/rotation/handler.ts';
import { adminToken, automationClient } from '../support/admin.ts';
import { fakeSecretsManager } from '../support/fake-secrets-manager.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

const PREFIX = 'sesame/Test/';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * A running Sesame served as the Lambda serves it (keys re-read every 5 minutes, the application
 * rebuilt when they change), its keys in Secrets Manager (a stand-in with its version rules), and the
 * rotation function writing to the same secrets — one clock for all. Nothing is restarted.
 */
let sesame: RunningSesame;
let rotate: ReturnType<typeof rotationHandler>;
let robot: oidc.Configuration;
let secrets: SecretsManagerSecretStore;
const clock = new ManualClock(new Date());

before(async () => {
  const sm = fakeSecretsManager(() => clock.now());
  for (const name of ['oidc-signing-keys', 'cookie-keys', 'mfa-keys'])
    sm.write(`${PREFIX}${name}`, { sesame: 'pending', nonce: 'x' });
  await provisionKeys(new SecretsManagerSecretStore(sm.client, { prefix: PREFIX, allowCreate: true }));
  secrets = new SecretsManagerSecretStore(sm.client, { prefix: PREFIX });
  sesame = await startSesame({}, undefined, { clock, secrets, keyRefresh: true });
  rotate = rotationHandler({
    config: sesame.config,
    store: new SecretsManagerKeySetStore(sm.client, { prefix: PREFIX }),
    logger: createLogger({ sink: () => {} }),
    clock,
  });
  robot = await automationClient(sesame, 'robot', 'global');
});

after(async () => {
  await sesame?.close();
});

async function jwks(): Promise<JSONWebKeySet & { keys: Array<{ kid: string; alg: string }> }> {
  const res = await fetch(`${sesame.issuer}/jwks`);
  assert.equal(res.status, 200);
  return (await res.json()) as JSONWebKeySet & { keys: Array<{ kid: string; alg: string }> };
}
const kids = async () => (await jwks()).keys.map((k) => k.kid);
const rs256 = async () => (await jwks()).keys.filter((k) => k.alg === 'RS256').map((k) => k.kid);

/** A token the running app signs now (a JWT access token for the admin API), and what it says of its key. */
async function signed() {
  const token = await adminToken(sesame, robot);
  return { token, kid: decodeProtectedHeader(token).kid };
}

async function verifies(token: string): Promise<boolean> {
  try {
    await jwtVerify(token, createLocalJWKSet(await jwks()), { issuer: sesame.issuer });
    return true;
  } catch {
    return false;
  }
}

async function adminApiAccepts(token: string): Promise<boolean> {
  const res = await fetch(`${adminResource(sesame.issuer)}/tenants`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return res.status === 200;
}

describe('a running Sesame through a key rotation, without a restart', { timeout: 60_000 }, () => {
  it('publishes, signs with, and retires keys as the rotation function writes them; MFA keys follow', async () => {
    const box: SecretBox = sesame.parts.deps.box;
    const firstKids = await kids();
    const [firstRs] = await rs256();
    const sealedBefore = await box.seal('totp-secret', 'user-1');
    const old = await signed();
    assert.equal(old.kid, firstRs);

    // A rotation period later the container has re-read (unchanged) keys; the function publishes.
    clock.advance(90 * DAY);
    await kids();
    const published = await rotate({});
    assert.ok(published.every((o) => o.result === 'rotated' && o.step === 'publish'));
    assert.deepEqual(await kids(), firstKids, 'within 5 minutes the container still has its keys');

    clock.advance(KEY_REFRESH_MS);
    const withNew = await kids();
    assert.equal(withNew.length, 4, 'the new keys are in /jwks…');
    const newRs = (await rs256())[1];
    assert.ok(newRs && newRs !== firstRs);
    assert.equal((await signed()).kid, firstRs, '…but sign nothing yet');
    await box.seal('warm', 'x'); // the container re-reads its MFA keys too

    // The next day the function promotes; another container that reads the keys now seals with the
    // new AEAD key — and this one, which has known that key since it was published, opens it.
    clock.advance(DAY + 2 * KEY_REFRESH_MS);
    const promoted = await rotate({});
    assert.ok(promoted.every((o) => o.result === 'rotated' && o.step === 'promote'));
    const otherContainer = secretBox(secrets, { now: () => clock.now().getTime() });
    const sealedElsewhere = await otherContainer.seal('other-secret', 'user-2');
    assert.equal(await box.open(sealedElsewhere, 'user-2'), 'other-secret');

    clock.advance(KEY_REFRESH_MS);
    const fresh = await signed();
    assert.equal(fresh.kid, newRs, 'the promoted key signs');
    assert.ok(await verifies(fresh.token), 'and relying parties verify it with /jwks');
    assert.ok(await verifies(old.token), 'tokens of the old key still verify');
    assert.ok(await adminApiAccepts(fresh.token), 'the rebuilt application accepts its new tokens');
    assert.notEqual(
      (await box.seal('v', 'aad')).split('.')[1],
      sealedBefore.split('.')[1],
      'seals with the new key',
    );
    assert.equal(await box.open(sealedBefore, 'user-1'), 'totp-secret', 'and still opens the old seals');

    // Once nothing the old keys signed can be presented any more — the last container switched
    // 10 minutes after the promotion, a session (and the ID token an app holds from it, which comes
    // back as id_token_hint at logout) lasts 24 hours, clocks may lag 5 minutes — they go.
    clock.advance(DAY + 10 * MINUTE - 1); // promoted 5 minutes ago: due 10 + 24 h + 5 minutes after it
    assert.equal((await rotate({}))[0]?.result, 'not_due');
    clock.advance(1);
    const retired = await rotate({});
    assert.deepEqual(
      retired.map((o) => [o.secret, o.result, o.step]),
      [
        ['oidc-signing-keys', 'rotated', 'retire'],
        ['cookie-keys', 'rotated', 'retire'],
        ['mfa-keys', 'not_due', 'publish'],
      ],
    );
    clock.advance(KEY_REFRESH_MS);
    const left = await kids();
    assert.equal(left.length, 2);
    assert.ok(
      firstKids.every((k) => !left.includes(k)),
      'the old keys left /jwks',
    );
    assert.ok(await verifies(fresh.token));
    assert.ok(!(await verifies(old.token)), 'an old token (long expired by now) no longer verifies');
    assert.equal(await box.open(sealedBefore, 'user-1'), 'totp-secret', 'AEAD keys are never retired');
  });
});
