import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { authenticatePassword, setPassword } from '../../functions/domain/login.ts';
import { addUser, PASSWORD, REDIRECT, relyingParty, startLogin, submitLogin } from '../support/rp.ts';
import { type RunningSesame, startSesame } from '../support/sesame.ts';

const GENERIC = 'The e-mail address or password is incorrect, or the account is temporarily locked.';

function audits(sesame: RunningSesame, type: string, target?: string) {
  return sesame.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'audit' && l.type === type && (target === undefined || l.target === target));
}

describe('password login and the Mendix lockout rule', () => {
  let sesame: RunningSesame;
  let app: oidc.Configuration;

  before(async () => {
    sesame = await startSesame();
    ({ config: app } = await relyingParty(sesame, { clientId: 'lock-app' }));
  });
  after(() => sesame.close());

  async function attempt(email: string, password: string) {
    const started = await startLogin(app);
    return submitLogin(started, email, password);
  }

  it('locks the account after the third wrong password and refuses even the right one', async () => {
    const user = await addUser(sesame, 'lock1@example.com');
    for (let i = 0; i < 3; i++) {
      const page = await attempt('lock1@example.com', 'wrong password here');
      assert.equal(page.status, 200);
      assert.ok(page.html.includes(GENERIC));
    }
    assert.equal(audits(sesame, 'account.locked', user.id).length, 1);
    const locked = await attempt('lock1@example.com', PASSWORD);
    assert.ok(!locked.url.startsWith(REDIRECT), 'the right password must not sign in while locked');
    assert.ok(locked.html.includes(GENERIC));
  });

  it('lets an administrator lift the lock by setting a new password', async () => {
    // Runs before any test moves the domain clock ahead of oidc-provider's real time.
    const user = await addUser(sesame, 'lock4@example.com');
    for (let i = 0; i < 3; i++) await attempt('lock4@example.com', 'wrong password here');
    await setPassword(sesame.parts.deps, {
      userId: user.id,
      password: 'a brand new passphrase',
      actor: 'test-admin',
    });
    assert.ok((await attempt('lock4@example.com', 'a brand new passphrase')).url.startsWith(REDIRECT));
    assert.equal(audits(sesame, 'account.unlocked', user.id).length, 1);
  });

  it('releases the lock after the configured window (injectable clock, no sleeping)', async () => {
    await addUser(sesame, 'lock2@example.com');
    for (let i = 0; i < 3; i++) await attempt('lock2@example.com', 'wrong password here');
    sesame.clock.advance(9 * 60 * 1000);
    assert.ok(
      !(await attempt('lock2@example.com', PASSWORD)).url.startsWith(REDIRECT),
      'still locked at 9 minutes',
    );
    sesame.clock.advance(61 * 1000);
    assert.ok(
      (await attempt('lock2@example.com', PASSWORD)).url.startsWith(REDIRECT),
      'unlocked after 10 minutes',
    );
  });

  it('resets the counter after a successful login', async () => {
    await addUser(sesame, 'lock3@example.com');
    for (let i = 0; i < 2; i++) await attempt('lock3@example.com', 'wrong password here');
    assert.ok((await attempt('lock3@example.com', PASSWORD)).url.startsWith(REDIRECT));
    for (let i = 0; i < 2; i++) await attempt('lock3@example.com', 'wrong password here');
    assert.ok(
      (await attempt('lock3@example.com', PASSWORD)).url.startsWith(REDIRECT),
      'two failures after a success do not lock',
    );
  });

  it('never lets 50 simultaneous wrong guesses run more than 3 password verifications, and ends locked', async () => {
    const user = await addUser(sesame, 'race@example.com');
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        authenticatePassword(sesame.parts.deps, {
          email: 'race@example.com',
          password: 'wrong password here',
        }),
      ),
    );
    assert.ok(results.every((r) => !r.ok));
    const verified = results.filter((r) => !r.ok && r.reason === 'bad_password').length;
    assert.ok(verified <= 3, `${verified} guesses were verified`);
    const stored = await sesame.parts.deps.users.findById(user.id);
    assert.ok(stored?.lockedUntil && stored.lockedUntil > sesame.clock.now().getTime(), 'account is locked');
    const right = await authenticatePassword(sesame.parts.deps, {
      email: 'race@example.com',
      password: PASSWORD,
    });
    assert.equal(right.ok, false);
  });

  it('holds the threshold for 50 simultaneous form posts too', async () => {
    const user = await addUser(sesame, 'race2@example.com');
    const started = await startLogin(app);
    const pages = await Promise.all(
      Array.from({ length: 50 }, () => submitLogin(started, 'race2@example.com', 'wrong password here')),
    );
    assert.ok(pages.every((p) => p.status === 200 && p.html.includes(GENERIC)));
    const verified = audits(sesame, 'login.failure', user.id).filter(
      (e) => e.reason === 'bad_password',
    ).length;
    assert.ok(verified >= 1 && verified <= 3, `${verified} guesses were verified`);
    assert.ok(
      !(await attempt('race2@example.com', PASSWORD)).url.startsWith(REDIRECT),
      'locked after the burst',
    );
  });

  it('answers an unknown e-mail, a wrong password and a locked account identically', async () => {
    await addUser(sesame, 'enum@example.com');
    await addUser(sesame, 'enum-locked@example.com');
    for (let i = 0; i < 3; i++) await attempt('enum-locked@example.com', 'wrong password here');
    // Values, paths and the passkey options (a fresh challenge on every page) differ by design.
    const strip = (html: string) =>
      html
        .replace(/value="[^"]*"/g, '')
        .replace(/data-options="[^"]*"/g, '')
        .replace(/\/(?:interaction|auth)\/[\w-]+/g, '');
    const unknown = await attempt('nobody@example.com', 'wrong password here');
    const wrong = await attempt('enum@example.com', 'wrong password here');
    const locked = await attempt('enum-locked@example.com', PASSWORD);
    assert.equal(unknown.status, wrong.status);
    assert.equal(wrong.status, locked.status);
    assert.equal(strip(unknown.html), strip(wrong.html));
    assert.equal(strip(wrong.html), strip(locked.html));
  });

  it('takes about as long for an unknown e-mail as for a wrong password (dummy argon2 verify)', async () => {
    await addUser(sesame, 'timing@example.com');
    const once = async (email: string) => {
      const t = performance.now();
      await authenticatePassword(sesame.parts.deps, { email, password: 'wrong password here' });
      return performance.now() - t;
    };
    // Interleaved, so a busy machine slows both kinds alike instead of whichever ran second.
    const unknownSamples: number[] = [];
    const wrongSamples: number[] = [];
    for (let i = 0; i < 9; i++) {
      unknownSamples.push(await once('nobody-at-all@example.com'));
      wrongSamples.push(await once('timing@example.com'));
      sesame.clock.advance(11 * 60 * 1000); // stay clear of the lock so every sample verifies
    }
    const median = (samples: number[]) => samples.sort((a, b) => a - b)[4] as number;
    const unknown = median(unknownSamples);
    const wrong = median(wrongSamples);
    const ratio = unknown / wrong;
    assert.ok(ratio > 0.6 && ratio < 1.6, `unknown/wrong median ratio ${ratio.toFixed(2)}`);
  });

  it('records login events without the password', async () => {
    await attempt('enum@example.com', 'a-very-distinctive-password-9931');
    const log = sesame.logs.join('\n');
    assert.ok(audits(sesame, 'login.failure').length > 0);
    assert.ok(!log.includes('a-very-distinctive-password-9931'));
    assert.ok(!log.includes(PASSWORD));
    assert.ok(!log.includes('$argon2id$'));
  });
});
