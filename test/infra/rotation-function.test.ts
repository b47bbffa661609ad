import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ASIDE_STAGE,
  rotationVersionId,
  SecretsManagerKeySetStore,
  stepOfVersion,
} from '../../functions/adapters/secrets/key-set-store.ts';
import { SecretsManagerSecretStore } from '../../functions/adapters/secrets/secrets-manager.ts';
import { parseConfig } from '../../functions/config/config.ts';
import { ManualClock } from '../../functions/domain/clock.ts';
import { ROTATION_STEPS } from '../../functions/domain/keys/rotation.ts';
import { keyMaker, loadProviderKeys, provisionKeys } from '../../functions/oidc/keys.ts';
import { createLogger } from '../../functions/shared/logger.ts';
import { RotationFailed, rotationHandler } from '../../infra/rotation/handler.ts';
import { fakeSecretsManager } from '../support/fake-secrets-manager.ts';

const PREFIX = 'sesame/Prod/';
const DAY = 86_400_000;

/** Secrets Manager (the fake) with the three secrets as the keygen fills them, on a manual clock. */
async function provisioned() {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const sm = fakeSecretsManager(() => clock.now());
  for (const name of ['oidc-signing-keys', 'cookie-keys', 'mfa-keys'])
    sm.write(`${PREFIX}${name}`, { sesame: 'pending', nonce: 'x' });
  await provisionKeys(new SecretsManagerSecretStore(sm.client, { prefix: PREFIX, allowCreate: true }));
  const store = new SecretsManagerKeySetStore(sm.client, { prefix: PREFIX });
  return { clock, sm, store };
}

describe('SecretsManagerKeySetStore', () => {
  it('reads the version in use: its id, when it was written and which rotation step wrote it', async () => {
    const { clock, sm, store } = await provisioned();
    const keygen = await store.current('cookie-keys');
    assert.equal(keygen.writtenAt, clock.now().getTime());
    assert.equal(keygen.step, undefined, 'the keygen is no rotation step');
    clock.advance(1000);
    assert.ok(await store.replace('cookie-keys', keygen.id, ['a', 'b'], 'publish'));
    const after = await store.current('cookie-keys');
    assert.deepEqual(after.value, ['a', 'b']);
    assert.equal(after.step, 'publish');
    assert.equal(after.writtenAt, keygen.writtenAt + 1000);
    assert.deepEqual(sm.sent.slice(-3), [
      'PutSecretValueCommand',
      'UpdateSecretVersionStageCommand',
      'GetSecretValueCommand',
    ]);
  });

  it('of two writes from the same version one comes into use; the other is discarded and reported lost', async () => {
    const { sm, store } = await provisioned();
    const base = await store.current('cookie-keys');
    const [a, b] = await Promise.all([
      store.replace('cookie-keys', base.id, ['first'], 'publish'),
      store.replace('cookie-keys', base.id, ['second'], 'publish'),
    ]);
    assert.deepEqual([a, b].sort(), [false, true]);
    const winner = a ? ['first'] : ['second'];
    assert.deepEqual(sm.current(`${PREFIX}cookie-keys`), winner);
    const loser = sm
      .versions(`${PREFIX}cookie-keys`)
      .find((v) => v.value === JSON.stringify(a ? ['second'] : ['first']));
    assert.deepEqual(
      [...(loser?.stages ?? ['missing'])],
      [],
      'no label left: Secrets Manager deletes it in time',
    );
  });

  it('loses to an operator’s write made after it read, and keeps that write', async () => {
    const { sm, store } = await provisioned();
    const base = await store.current('cookie-keys');
    sm.write(`${PREFIX}cookie-keys`, ['by-hand']);
    assert.equal(await store.replace('cookie-keys', base.id, ['rotated'], 'publish'), false);
    assert.deepEqual(sm.current(`${PREFIX}cookie-keys`), ['by-hand']);
  });

  it('passes on a refusal that is not a lost race (the version read is still in use)', async () => {
    const { sm, store } = await provisioned();
    const base = await store.current('cookie-keys');
    sm.beforeSend = async (command) => {
      if (command === 'UpdateSecretVersionStageCommand')
        throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    };
    await assert.rejects(store.replace('cookie-keys', base.id, ['x'], 'publish'), /denied/);
    sm.beforeSend = async () => {};
    assert.equal((await store.current('cookie-keys')).id, base.id);
  });

  it('names versions as Secrets Manager allows (32–64 characters) and reads the step back', () => {
    for (const step of ROTATION_STEPS) {
      const id = rotationVersionId(step);
      assert.ok(id.length >= 32 && id.length <= 64, id);
      assert.equal(stepOfVersion(id), step);
    }
    assert.equal(stepOfVersion('5f1c2a4e-0000-4000-8000-000000000000'), undefined);
    assert.equal(stepOfVersion('sesame-initial-cookie-keys000000000'), undefined);
    assert.equal(ASIDE_STAGE.includes('AWS'), false, 'not a label Secrets Manager reserves');
  });
});

describe('the rotation function', () => {
  const config = parseConfig({ issuer: 'https://id.example.com' });

  async function rig() {
    const p = await provisioned();
    const lines: string[] = [];
    const run = rotationHandler({
      config,
      store: p.store,
      logger: createLogger({ sink: (l) => lines.push(l) }),
      maker: keyMaker,
      clock: p.clock,
    });
    const secretValues = () =>
      ['oidc-signing-keys', 'cookie-keys', 'mfa-keys'].map((n) =>
        JSON.stringify(p.sm.current(`${PREFIX}${n}`)),
      );
    return { ...p, run, lines, secretValues };
  }

  it('takes the due step of each secret on a scheduled run, and audits it without key material', async () => {
    const r = await rig();
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    const early = await r.run(scheduled);
    assert.deepEqual(
      early.map((o) => o.result),
      ['not_due', 'not_due', 'not_due'],
    );
    r.clock.advance(90 * DAY);
    const summary = await r.run(scheduled);
    assert.deepEqual(
      summary.map((o) => [o.secret, o.result, o.step]),
      [
        ['oidc-signing-keys', 'rotated', 'publish'],
        ['cookie-keys', 'rotated', 'publish'],
        ['mfa-keys', 'rotated', 'publish'],
      ],
    );
    const audit = r.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'audit');
    assert.deepEqual(
      audit.map((a) => [a.type, a.target, a.details.step, a.actor]),
      [
        ['keys.rotated', 'oidc-signing-keys', 'publish', 'key-rotation'],
        ['keys.rotated', 'cookie-keys', 'publish', 'key-rotation'],
        ['keys.rotated', 'mfa-keys', 'publish', 'key-rotation'],
      ],
    );
    // No private JWK member, cookie key or AEAD key in any log line or in the answer.
    const logged = r.lines.join('\n') + JSON.stringify(summary);
    for (const secret of r.secretValues()) {
      const parsed = JSON.parse(secret);
      const material: string[] = Array.isArray(parsed)
        ? parsed
        : [
            ...(parsed.keys ?? []).flatMap((k: Record<string, string>) => [k.d, k.p, k.q]),
            ...(parsed.aead ?? []).map((k: { key: string }) => k.key),
            parsed.mac,
          ].filter(Boolean);
      assert.ok(material.length > 0);
      for (const m of material) assert.ok(!logged.includes(m), 'key material in the log');
    }
  });

  it('replaces the signing keys at once with {"force":"signing"}, and nothing else', async () => {
    const r = await rig();
    const before = r.secretValues();
    const summary = await r.run({ force: 'signing' });
    assert.deepEqual(
      summary.map((o) => [o.secret, o.step]),
      [['oidc-signing-keys', 'replace']],
    );
    const after = r.secretValues();
    assert.notEqual(after[0], before[0]);
    assert.deepEqual(after.slice(1), before.slice(1));
    const oldKids = (JSON.parse(before[0] ?? '') as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const keys = await loadProviderKeys(new SecretsManagerSecretStore(r.sm.client, { prefix: PREFIX }));
    assert.equal(keys.jwks.keys.length, 2);
    assert.ok(
      keys.jwks.keys.every((k) => !oldKids.includes(String(k.kid))),
      'every old key is gone',
    );
  });

  it('refuses an unknown "force" and changes nothing', async () => {
    const r = await rig();
    const before = r.secretValues();
    await assert.rejects(r.run({ force: 'mfa' }), RotationFailed);
    await assert.rejects(r.run({ force: ['signing'] }), RotationFailed);
    assert.deepEqual(r.secretValues(), before);
  });

  it('fails the run when a secret could not be rotated, after rotating the others', async () => {
    const r = await rig();
    r.sm.write(`${PREFIX}cookie-keys`, { sesame: 'pending', nonce: 'y' });
    r.clock.advance(90 * DAY);
    await assert.rejects(r.run({}), /could not rotate cookie-keys/);
    const errors = r.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
    assert.deepEqual(
      errors.map((e) => [e.msg, e.keySet]),
      [['keys.rotation_failed', 'cookie-keys']],
    );
    const signing = r.sm.current(`${PREFIX}oidc-signing-keys`) as { keys: unknown[] };
    assert.equal(signing.keys.length, 4, 'the signing keys were published all the same');
  });
});
