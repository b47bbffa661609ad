import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  emailCode,
  sendEmailCode,
  setEmailCodes,
} from '../../functions/domain/credentials/email-code/strategy.ts';
import {
  recoveryCodes,
  regenerateRecoveryCodes,
} from '../../functions/domain/credentials/recovery-codes/strategy.ts';
import { readTotp } from '../../functions/domain/credentials/totp/item.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  totp,
} from '../../functions/domain/credentials/totp/strategy.ts';
import { factorSummary } from '../../functions/domain/mfa/settings.ts';
import { verifySecondFactor } from '../../functions/domain/mfa/sign-in.ts';
import { totpAt } from '../support/mfa.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

async function enrolled() {
  const m = await memoryMfa();
  const { secret } = await beginTotpEnrolment(m.deps, m.user, 'test');
  const now = () => m.clock.now().getTime();
  assert.equal(
    await confirmTotpEnrolment(m.deps, { userId: m.user.id, owner: 'test', code: '000000', actor: 't' }),
    false,
  );
  assert.ok(
    await confirmTotpEnrolment(m.deps, {
      userId: m.user.id,
      owner: 'test',
      code: await totpAt(secret, now()),
      actor: 't',
    }),
  );
  m.clock.advance(30_000);
  return { ...m, secret, now };
}

describe('TOTP (RFC 6238)', () => {
  it('accepts the current code once and refuses it the second time (replay)', async () => {
    const { deps, user, secret, now } = await enrolled();
    const code = await totpAt(secret, now());
    assert.ok(await totp.verify(deps, { userId: user.id, uid: 'u1', code }));
    assert.equal(await totp.verify(deps, { userId: user.id, uid: 'u2', code }), 'replayed');
  });

  it('accepts a code one step old and refuses one two steps old', async () => {
    const { deps, user, secret, now, clock } = await enrolled();
    clock.advance(120_000);
    assert.equal(
      await totp.verify(deps, { userId: user.id, uid: 'u', code: await totpAt(secret, now() - 60_000) }),
      false,
    );
    assert.ok(
      await totp.verify(deps, { userId: user.id, uid: 'u', code: await totpAt(secret, now() - 30_000) }),
    );
  });

  it('keeps the secret encrypted at rest and never confirms enrolment without a valid code', async () => {
    const m = await memoryMfa();
    const { secret } = await beginTotpEnrolment(m.deps, m.user, 'test');
    const stored = await readTotp(m.deps, m.user.id);
    assert.ok(stored && !stored.confirmed && !stored.secretSealed.includes(secret));
    assert.equal(
      await totp.verify(m.deps, {
        userId: m.user.id,
        uid: 'u',
        code: await totpAt(secret, m.clock.now().getTime()),
      }),
      false,
    );
  });
});

describe('e-mail codes', () => {
  async function withCode() {
    const m = await memoryMfa();
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    assert.deepEqual(await sendEmailCode(m.deps, { uid: 'sign-in-1', user: m.user }), { ok: true });
    const code = /sign-in code is (\d{6})/.exec(m.mailer.sent.at(-1)?.text ?? '')?.[1] ?? '';
    return { ...m, code };
  }

  it('is single use', async () => {
    const { deps, user, code } = await withCode();
    assert.ok(await emailCode.verify(deps, { userId: user.id, uid: 'sign-in-1', code }));
    assert.equal(await emailCode.verify(deps, { userId: user.id, uid: 'sign-in-1', code }), false);
  });

  it('is bound to the sign-in it was sent for', async () => {
    const { deps, user, code } = await withCode();
    assert.equal(await emailCode.verify(deps, { userId: user.id, uid: 'sign-in-2', code }), false);
  });

  it('expires after 10 minutes', async () => {
    const { deps, user, code, clock } = await withCode();
    clock.advance(600_000);
    assert.equal(await emailCode.verify(deps, { userId: user.id, uid: 'sign-in-1', code }), false);
  });

  it('allows at most 5 wrong tries, and a resend does not reset the count', async () => {
    const { deps, user, clock, mailer } = await withCode();
    for (let i = 0; i < 5; i++)
      await emailCode.verify(deps, { userId: user.id, uid: 'sign-in-1', code: 'x' });
    clock.advance(31_000);
    assert.deepEqual(await sendEmailCode(deps, { uid: 'sign-in-1', user }), { ok: true });
    const fresh = /sign-in code is (\d{6})/.exec(mailer.sent.at(-1)?.text ?? '')?.[1] ?? '';
    assert.equal(await emailCode.verify(deps, { userId: user.id, uid: 'sign-in-1', code: fresh }), false);
  });

  it('limits resends: not within 30 s, at most 5 an hour', async () => {
    const { deps, user, clock } = await withCode();
    assert.deepEqual(await sendEmailCode(deps, { uid: 'sign-in-1', user }), {
      ok: false,
      reason: 'too_soon',
    });
    for (let i = 0; i < 4; i++) {
      clock.advance(31_000);
      assert.deepEqual(await sendEmailCode(deps, { uid: 'sign-in-1', user }), { ok: true });
    }
    clock.advance(31_000);
    assert.deepEqual(await sendEmailCode(deps, { uid: 'sign-in-1', user }), {
      ok: false,
      reason: 'hourly_limit',
    });
  });

  it('keeps the code out of the subject and stores only a hash', async () => {
    const { deps, code, mailer } = await withCode();
    assert.ok(!mailer.sent[0]?.subject.includes(code));
    const stored = await deps.signIns.getEmailChallenge('sign-in-1');
    assert.ok(stored && !JSON.stringify(stored).includes(code));
  });
});

describe('recovery codes', () => {
  it('works once each, and regenerating replaces the old set', async () => {
    const m = await memoryMfa();
    const codes = await regenerateRecoveryCodes(m.deps, { userId: m.user.id, actor: 't' });
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    const [a = '', b = ''] = codes;
    assert.ok(await recoveryCodes.verify(m.deps, { userId: m.user.id, uid: 'u', code: a }));
    assert.equal(await recoveryCodes.verify(m.deps, { userId: m.user.id, uid: 'u', code: a }), false);
    await regenerateRecoveryCodes(m.deps, { userId: m.user.id, actor: 't' });
    assert.equal(await recoveryCodes.verify(m.deps, { userId: m.user.id, uid: 'u', code: b }), false);
  });
});

describe('second factor and the lockout', () => {
  it('locks the account after three wrong codes and then refuses the right one', async () => {
    const { deps, user, secret, now, pending, ports } = await enrolled();
    const p = await pending('uid-lock');
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await verifySecondFactor(deps, { pending: p, method: 'totp', code: '123456' })).ok,
        false,
      );
    }
    assert.ok((await deps.users.findById(user.id))?.lockedUntil);
    assert.equal(
      (await verifySecondFactor(deps, { pending: p, method: 'totp', code: await totpAt(secret, now()) })).ok,
      false,
    );
    assert.ok((await ports.events()).some((e) => e.type === 'account.locked'));
  });

  it('refuses a weaker factor when the sign-in demands a strong one', async () => {
    const { deps, user, pending, mailer } = await enrolled();
    await setEmailCodes(deps, { userId: user.id, enabled: true, actor: 't' });
    const p = await pending('uid-strong', 'strong');
    await sendEmailCode(deps, { uid: 'uid-strong', user });
    const code = /sign-in code is (\d{6})/.exec(mailer.sent.at(-1)?.text ?? '')?.[1] ?? '';
    assert.equal((await verifySecondFactor(deps, { pending: p, method: 'email', code })).ok, false);
  });
});

describe('authenticator enrolment belongs to whoever started it', () => {
  it('shows the same key to its owner, a new key to anyone else, and expires', async () => {
    const m = await memoryMfa();
    const first = await beginTotpEnrolment(m.deps, m.user, 'account:session-1');
    assert.equal((await beginTotpEnrolment(m.deps, m.user, 'account:session-1')).secret, first.secret);
    const other = await beginTotpEnrolment(m.deps, m.user, 'signin:another');
    assert.notEqual(other.secret, first.secret, 'another owner never sees the unfinished key');
    const code = await totpAt(other.secret, m.clock.now().getTime());
    const confirm = (owner: string) =>
      confirmTotpEnrolment(m.deps, { userId: m.user.id, owner, code, actor: 't' });
    assert.equal(await confirm('account:session-1'), false, 'the first owner lost its enrolment');
    m.clock.advance(16 * 60_000);
    assert.equal(await confirm('signin:another'), false, 'an enrolment expires');
    const fresh = await beginTotpEnrolment(m.deps, m.user, 'signin:another');
    assert.notEqual(fresh.secret, other.secret, 'after expiry a new key');
  });

  it('counts wrong enrolment codes towards the lockout', async () => {
    const m = await memoryMfa();
    await beginTotpEnrolment(m.deps, m.user, 'o');
    for (const code of ['111111', '222222', '333333'])
      assert.equal(
        await confirmTotpEnrolment(m.deps, { userId: m.user.id, owner: 'o', code, actor: 't' }),
        false,
      );
    const user = await m.deps.users.findById(m.user.id);
    assert.ok(user?.lockedUntil, 'locked');
  });
});

describe('binding an authenticator waits for the lockout decision', () => {
  it('binds nothing when a concurrent lock makes the guard refuse a right enrolment code', async () => {
    const m = await memoryMfa();
    const { secret } = await beginTotpEnrolment(m.deps, m.user, 'o');
    // Fault injection: concurrent wrong codes lock the account while this right code is checked.
    m.deps.users.recordSuccess = async () => false;
    const code = await totpAt(secret, m.clock.now().getTime());
    assert.equal(
      await confirmTotpEnrolment(m.deps, { userId: m.user.id, owner: 'o', code, actor: 't' }),
      false,
    );
    assert.equal((await factorSummary(m.deps, m.user.id)).totp.on, false, 'no authenticator was bound');
  });
});
