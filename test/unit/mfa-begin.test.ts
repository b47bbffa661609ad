import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import { createUser } from '../../functions/domain/login.ts';
import { methodsIn, provenStrength } from '../../functions/domain/mfa/sign-in.ts';
import type { Credential } from '../../functions/domain/ports.ts';
import { mfaServices } from '../../functions/idp/mfa-services.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

/** The second-factor decision right after the password: what it reads and what it refuses. */
describe('MFA begin', () => {
  async function setup(mfa: Record<string, unknown> = {}) {
    const m = await memoryMfa(mfa);
    let userReads = 0;
    const findById = m.deps.users.findById.bind(m.deps.users);
    m.deps.users.findById = (id) => {
      userReads++;
      return findById(id);
    };
    const services = mfaServices(m.deps);
    const begin = async (extra: Record<string, unknown> = {}) => {
      const request = { userId: m.user.id, clientId: '', acrValues: undefined, ...extra };
      const step = await services.secondStep(request);
      if (!step.required) return 'done';
      return services.begin({
        ...request,
        step,
        uid: String(extra.uid ?? 'uid-1'),
        remember: false,
        expiresAt: m.clock.now().getTime() + 600_000,
        stepUp: false,
      });
    };
    return { ...m, begin, userReads: () => userReads };
  }

  it('reuses the user the password step read instead of reading it again', async () => {
    const m = await setup();
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    const before = m.userReads();
    assert.equal(await m.begin({ user: m.user }), 'mfa');
    assert.equal(m.userReads() - before, 0);
    assert.equal((await m.deps.signIns.getPending('uid-1'))?.userId, m.user.id);
  });

  it('reads the user by id when only the id is known (step-up), with the same outcome', async () => {
    const m = await setup();
    assert.equal(await m.begin(), 'done');
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    const before = m.userReads();
    assert.equal(await m.begin(), 'mfa');
    assert.equal(m.userReads() - before, 1);
    assert.equal(before, 2, 'one read by the first begin, one by the audit of the change');
  });

  it('refuses a disabled user, an unknown id, and a user that is not the one named', async () => {
    const m = await setup();
    await assert.rejects(m.begin({ user: { ...m.user, disabled: true } }), { name: 'NotFound' });
    await assert.rejects(m.begin({ user: { ...m.user, id: 'someone-else' } }), { name: 'NotFound' });
    await assert.rejects(m.begin({ userId: 'nobody' }), { name: 'NotFound' });
    await m.deps.users.updateProfile(m.user.id, { disabled: true });
    await assert.rejects(m.begin(), { name: 'NotFound' });
  });

  it('binds the interaction to one user: another user is refused, the same user may start over', async () => {
    const m = await setup();
    const other = await createUser(m.deps, {
      email: 'otto@example.com',
      name: 'Otto',
      password: 'another fine passphrase',
    });
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    await setEmailCodes(m.deps, { userId: other.id, enabled: true, actor: 't' });
    assert.equal(await m.begin({ user: m.user }), 'mfa');
    assert.equal(await m.begin({ userId: other.id, user: other }), 'taken');
    assert.equal((await m.deps.signIns.getPending('uid-1'))?.userId, m.user.id);
    assert.equal(await m.begin({ user: m.user }), 'mfa');
  });

  it('marks and finishes only the very sign-in that was read (same id and user)', async () => {
    const m = await setup();
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    await m.begin({ user: m.user });
    const read = await m.deps.signIns.getPending('uid-1');
    assert.ok(read);
    assert.equal(await m.deps.signIns.markPassed({ ...read, userId: 'someone-else' }, 'email', 'any'), false);
    assert.equal(await m.deps.signIns.markPassed({ ...read, id: 'an-older-sign-in' }, 'email', 'any'), false);
    assert.equal(await m.deps.signIns.finishPending(read), false, 'not passed yet');
    assert.equal(await m.deps.signIns.markPassed(read, 'email', 'any'), true);
    assert.equal(await m.deps.signIns.finishPending(read), true);
    assert.equal(await m.deps.signIns.finishPending(read), false, 'finishes once');
    assert.equal(await m.begin({ user: m.user }), 'taken', 'a finished sign-in is never replaced');
  });

  it('enrols only a user with no factor at all', async () => {
    const m = await setup({ policy: 'required' });
    assert.deepEqual(await m.begin({ user: m.user }), 'mfa');
    assert.equal((await m.deps.signIns.getPending('uid-1'))?.enrol, true);
    await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
    const step = await mfaServices(m.deps).secondStep({
      userId: m.user.id,
      user: m.user,
      clientId: '',
      acrValues: 'urn:sesame:acr:mfa',
    });
    assert.deepEqual(step, { required: true, strength: 'strong', enrol: false });
  });

  it('honours the user flag taken from the passed user', async () => {
    const m = await setup();
    assert.equal(await m.begin({ user: { ...m.user, requireMfa: true } }), 'mfa');
    assert.equal(await m.begin({ user: { ...m.user, requireMfa: false } }), 'done');
  });
});

/** A user's credentials as the stores hold them, shaped as each strategy shapes its items. */
function credentials(has: {
  totp?: boolean;
  emailCodes?: boolean;
  recoveryCodesLeft?: number;
}): Credential[] {
  return [
    ...(has.totp
      ? [
          {
            type: 'totp' as const,
            key: '',
            data: { secretSealed: 's', confirmed: true, lastStep: 0, createdAt: 0 },
          },
        ]
      : []),
    ...(has.emailCodes ? [{ type: 'email' as const, key: '', data: { enabled: true, createdAt: 0 } }] : []),
    ...Array.from({ length: has.recoveryCodesLeft ?? 0 }, (_, i) => ({
      type: 'recovery' as const,
      key: `h${i}`,
      data: { createdAt: 0 },
    })),
  ];
}

describe('usable methods from the user\u2019s credentials', () => {
  it('applies each factor rule, the strength, and "recovery codes alone are no way in"', async () => {
    const { deps } = await memoryMfa();
    const all = credentials({ totp: true, emailCodes: true, recoveryCodesLeft: 3 });
    assert.deepEqual(methodsIn(deps.config, all, 'any'), ['totp', 'email', 'recovery']);
    assert.deepEqual(methodsIn(deps.config, all, 'strong'), ['totp', 'recovery']);
    assert.deepEqual(methodsIn(deps.config, credentials({ recoveryCodesLeft: 3 }), 'any'), []);
    assert.deepEqual(
      methodsIn(deps.config, credentials({ emailCodes: true, recoveryCodesLeft: 3 }), 'strong'),
      [],
    );
    // Recovery codes beside e-mail codes alone back up the weaker factor: no stronger than it.
    const emailAndCodes = credentials({ emailCodes: true, recoveryCodesLeft: 3 });
    assert.deepEqual(methodsIn(deps.config, emailAndCodes, 'any'), ['email', 'recovery']);
    assert.deepEqual(methodsIn(deps.config, emailAndCodes, 'strong'), []);
    assert.equal(provenStrength(deps.config, 'recovery', emailAndCodes), 'any');
    assert.equal(provenStrength(deps.config, 'recovery', all), 'strong');
    const { deps: emailOff } = await memoryMfa({ factors: ['totp'] });
    assert.deepEqual(
      methodsIn(emailOff.config, credentials({ emailCodes: true, recoveryCodesLeft: 3 }), 'any'),
      [],
    );
  });
});
