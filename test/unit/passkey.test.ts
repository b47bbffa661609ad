import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import {
  beginPasskeyRegistration,
  finishPasskeyRegistration,
  passkeyViews,
} from '../../functions/domain/credentials/passkey/registration.ts';
import { passkey, passkeySignInOptions } from '../../functions/domain/credentials/passkey/strategy.ts';
import { regenerateRecoveryCodes } from '../../functions/domain/credentials/recovery-codes/strategy.ts';
import { resetMfa } from '../../functions/domain/mfa/settings.ts';
import {
  methodsIn,
  provenStrength,
  strongestFactor,
  verifySecondFactor,
} from '../../functions/domain/mfa/sign-in.ts';
import { acrFor, amrFor } from '../../functions/oidc/acr.ts';
import { memoryMfa } from '../support/mfa-memory.ts';
import { SoftAuthenticator } from '../support/webauthn.ts';

const ORIGIN = 'https://id.example.com';
const FACTORS = { factors: ['passkey', 'totp', 'email'] };

/** A user with one passkey registered through the real ceremony, on in-memory ports. */
async function registered(options: ConstructorParameters<typeof SoftAuthenticator>[2] = {}) {
  const m = await memoryMfa(FACTORS);
  const key = new SoftAuthenticator('id.example.com', ORIGIN, options);
  const created = await beginPasskeyRegistration(m.deps, { user: m.user, session: 's1' });
  assert.ok(created);
  const outcome = await finishPasskeyRegistration(m.deps, {
    userId: m.user.id,
    session: 's1',
    name: 'Laptop',
    response: JSON.stringify(key.register(created.challenge)),
  });
  assert.deepEqual(outcome, { ok: true, name: 'Laptop' });
  return { ...m, key };
}

/** Asks for sign-in options for interaction `uid` and answers them with `key`. */
async function answer(m: Awaited<ReturnType<typeof registered>>, uid: string, origin = ORIGIN) {
  const options = await passkeySignInOptions(m.deps, { userId: m.user.id, uid });
  assert.ok(options);
  return JSON.stringify(m.key.assert(options.challenge, origin));
}

describe('passkey registration', () => {
  it('stores the key with its name and dates, and audits it without the full credential id', async () => {
    const m = await registered();
    const [view, ...rest] = passkeyViews(await m.deps.credentials.list(m.user.id));
    assert.equal(rest.length, 0);
    assert.equal(view?.name, 'Laptop');
    assert.equal(view?.createdAt, m.clock.now().getTime());
    assert.equal(view?.synced, true);
    const events = (await m.ports.events()).filter((e) => e.type === 'mfa.passkey.registered');
    assert.equal(events.length, 1);
    assert.ok(!JSON.stringify(events).includes(m.key.id));
  });

  it('refuses an answer from another origin, and a second answer to one challenge', async () => {
    const m = await memoryMfa(FACTORS);
    const key = new SoftAuthenticator('id.example.com', ORIGIN);
    const created = await beginPasskeyRegistration(m.deps, { user: m.user, session: 's1' });
    assert.ok(created);
    const input = { userId: m.user.id, session: 's1', name: '' };
    const phished = JSON.stringify(key.register(created.challenge, 'https://id.example.com.evil.test'));
    assert.deepEqual(await finishPasskeyRegistration(m.deps, { ...input, response: phished }), {
      ok: false,
      reason: 'invalid',
    });
    // The wrong answer used the challenge up: the right one for it is refused too.
    const right = JSON.stringify(key.register(created.challenge));
    assert.equal((await finishPasskeyRegistration(m.deps, { ...input, response: right })).ok, false);
  });

  it('binds the challenge to the account session that asked for it, for 5 minutes', async () => {
    const m = await memoryMfa(FACTORS);
    const key = new SoftAuthenticator('id.example.com', ORIGIN);
    const created = await beginPasskeyRegistration(m.deps, { user: m.user, session: 's1' });
    assert.ok(created);
    const response = JSON.stringify(key.register(created.challenge));
    const other = { userId: m.user.id, session: 's2', name: '', response };
    assert.equal((await finishPasskeyRegistration(m.deps, other)).ok, false);
    const late = await beginPasskeyRegistration(m.deps, { user: m.user, session: 's1' });
    assert.ok(late);
    m.clock.advance(5 * 60_000);
    const input = {
      userId: m.user.id,
      session: 's1',
      name: '',
      response: JSON.stringify(key.register(late.challenge)),
    };
    assert.equal((await finishPasskeyRegistration(m.deps, input)).ok, false);
  });

  it('requires an attested, listed AAGUID when an allow-list is configured', async () => {
    const m = await memoryMfa({ ...FACTORS, passkeyAaguids: ['ee882879-721c-4913-9775-3dfcce97072a'] });
    const key = new SoftAuthenticator('id.example.com', ORIGIN);
    const created = await beginPasskeyRegistration(m.deps, { user: m.user, session: 's1' });
    assert.equal(created?.attestation, 'direct');
    const response = JSON.stringify(key.register(created?.challenge ?? ''));
    const outcome = await finishPasskeyRegistration(m.deps, {
      userId: m.user.id,
      session: 's1',
      name: '',
      response,
    });
    assert.deepEqual(outcome, { ok: false, reason: 'not_allowed' });
    assert.equal(passkeyViews(await m.deps.credentials.list(m.user.id)).length, 0);
  });
});

describe('passkey as a second step', () => {
  it('signs in once per challenge: the same answer replayed is refused', async () => {
    const m = await registered();
    const code = await answer(m, 'uid-1');
    assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-1', code }), true);
    assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-1', code }), false);
  });

  it('binds the challenge to the sign-in that asked for it', async () => {
    const m = await registered();
    const code = await answer(m, 'uid-1');
    assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-2', code }), false);
  });

  it('refuses an assertion made for another origin (a phishing site relaying it)', async () => {
    const m = await registered();
    const code = await answer(m, 'uid-1', 'https://login.example.net');
    assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-1', code }), false);
  });

  it('refuses a challenge older than 5 minutes', async () => {
    const m = await registered();
    const code = await answer(m, 'uid-1');
    m.clock.advance(5 * 60_000 + 1);
    assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-1', code }), false);
  });

  it('refuses and audits a signature counter that went back (a cloned key)', async () => {
    const m = await registered({ singleDevice: true });
    const first = await answer(m, 'uid-1');
    assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-1', code: first }), true);
    m.key.counter = 0; // the clone still has the counter of when it was copied
    const cloned = await answer(m, 'uid-2');
    assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-2', code: cloned }), false);
    const events = (await m.ports.events()).filter((e) => e.type === 'mfa.passkey.counter_regression');
    assert.equal(events.length, 1);
    assert.ok(!JSON.stringify(events).includes(m.key.id));
  });

  it('says whether the key is device-bound (hwk) or may be synced (swk)', async () => {
    for (const [singleDevice, held] of [
      [true, 'hwk'],
      [false, 'swk'],
    ] as const) {
      const m = await registered({ singleDevice });
      let amr: readonly string[] = [];
      const code = await answer(m, 'uid-1');
      const used = (values: readonly string[]) => {
        amr = values;
      };
      assert.equal(await passkey.verify(m.deps, { userId: m.user.id, uid: 'uid-1', code, used }), true);
      assert.deepEqual(amr, [held, 'user']);
    }
  });

  it('counts a wrong answer towards the lockout, through the attempt guard', async () => {
    const m = await registered();
    const pending = await m.pending('uid-1', 'phishing-resistant');
    for (let i = 0; i < 3; i++) {
      const outcome = await verifySecondFactor(m.deps, {
        pending,
        method: 'passkey',
        code: '{"nonsense":1}',
      });
      assert.equal(outcome.ok, false);
    }
    const user = await m.deps.users.findById(m.user.id);
    assert.ok((user?.lockedUntil ?? 0) > m.clock.now().getTime());
    // Locked: even the right answer is refused.
    const right = await answer(m, 'uid-1');
    assert.equal((await verifySecondFactor(m.deps, { pending, method: 'passkey', code: right })).ok, false);
  });

  it('passes a sign-in that demands phishing resistance, with the acr and amr that say so', async () => {
    const m = await registered({ singleDevice: true });
    const pending = await m.pending('uid-1', 'phishing-resistant');
    const outcome = await verifySecondFactor(m.deps, {
      pending,
      method: 'passkey',
      code: await answer(m, 'uid-1'),
    });
    assert.deepEqual(outcome, { ok: true, method: 'passkey', sufficient: true });
    const passed = await m.deps.signIns.getPending('uid-1');
    assert.equal(passed?.proven, 'phishing-resistant');
    assert.equal(acrFor(passed?.proven ?? null), 'urn:sesame:acr:mfa:phr');
    assert.deepEqual(amrFor('passkey', 'password', passed?.amr), ['pwd', 'hwk', 'user', 'mfa']);
    // The audit event says whether the authenticator verified the user, and which key (its start).
    const [event] = (await m.ports.events()).filter((e) => e.type === 'mfa.success');
    assert.deepEqual(event?.details, {
      method: 'passkey',
      userVerified: true,
      credential: `${m.key.id.slice(0, 8)}…`,
    });
  });

  it('records in the audit event when the authenticator only tested presence', async () => {
    const m = await registered({ presenceOnly: true });
    const pending = await m.pending('uid-1', 'phishing-resistant');
    const outcome = await verifySecondFactor(m.deps, {
      pending,
      method: 'passkey',
      code: await answer(m, 'uid-1'),
    });
    assert.equal(outcome.ok, true, 'after a password, presence is enough');
    const [event] = (await m.ports.events()).filter((e) => e.type === 'mfa.success');
    assert.equal(event?.details?.userVerified, false);
  });
});

describe('strength with passkeys', () => {
  it('offers the passkey first, and only it where phishing resistance is demanded', async () => {
    const m = await registered();
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    await regenerateRecoveryCodes(m.deps, { userId: m.user.id, actor: 't' });
    const credentials = await m.deps.credentials.list(m.user.id);
    assert.deepEqual(methodsIn(m.deps.config, credentials, 'any'), ['passkey', 'email', 'recovery']);
    assert.deepEqual(methodsIn(m.deps.config, credentials, 'strong'), ['passkey', 'recovery']);
    assert.deepEqual(methodsIn(m.deps.config, credentials, 'phishing-resistant'), ['passkey']);
    assert.equal(strongestFactor(m.deps.config, credentials), 'phishing-resistant');
    // A recovery code can be phished: backing up a passkey it proves `strong`, no more.
    assert.equal(provenStrength(m.deps.config, 'recovery', credentials), 'strong');
    assert.equal(provenStrength(m.deps.config, 'email', credentials), 'any');
  });

  it('goes with an administrator\u2019s MFA reset, with any open challenge', async () => {
    const m = await registered();
    await passkeySignInOptions(m.deps, { userId: m.user.id, uid: 'uid-1' });
    await resetMfa(m.deps, { userId: m.user.id, actor: 'admin' });
    assert.deepEqual(await m.deps.credentials.list(m.user.id), []);
  });

  it('is not offered where the deployment does not name it', async () => {
    const m = await registered();
    const credentials = await m.deps.credentials.list(m.user.id);
    assert.equal(
      passkey.usableIn({ ...m.deps.config, mfa: { ...m.deps.config.mfa, factors: ['totp'] } }, credentials),
      false,
    );
  });
});
