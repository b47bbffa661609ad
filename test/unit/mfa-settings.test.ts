import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setEmailCodes } from '../../functions/domain/credentials/email-code/strategy.ts';
import { regenerateRecoveryCodes } from '../../functions/domain/credentials/recovery-codes/strategy.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
} from '../../functions/domain/credentials/totp/strategy.ts';
import {
  changeOwnPassword,
  factorOverview,
  factorSummary,
  removeTotp,
  switchEmailCodes,
} from '../../functions/domain/mfa/settings.ts';
import { totpAt } from '../support/mfa.ts';
import { memoryMfa } from '../support/mfa-memory.ts';

/** A user with an authenticator, e-mail codes and recovery codes, under the given MFA settings. */
async function withBothFactors(mfa: Record<string, unknown> = {}) {
  const m = await memoryMfa(mfa);
  const { secret } = await beginTotpEnrolment(m.deps, m.user, 'test');
  const code = await totpAt(secret, m.clock.now().getTime());
  assert.ok(await confirmTotpEnrolment(m.deps, { userId: m.user.id, owner: 'test', code, actor: 't' }));
  await setEmailCodes(m.deps, { userId: m.user.id, enabled: true, actor: 't' });
  await regenerateRecoveryCodes(m.deps, { userId: m.user.id, actor: 't' });
  return m;
}

describe('the account overview', () => {
  it('lists the offered methods in registry order, recovery codes only once there is a factor', async () => {
    const bare = await memoryMfa({ factors: ['email'] });
    assert.deepEqual(await factorOverview(bare.deps, bare.user.id), {
      methods: [{ method: 'email', on: false }],
      hasFactor: false,
    });
    const m = await withBothFactors({ factors: ['totp'] });
    assert.deepEqual(await factorOverview(m.deps, m.user.id), {
      methods: [
        { method: 'totp', on: true },
        { method: 'recovery', on: true, left: 10 },
      ],
      hasFactor: true,
    });
  });

  it('does not count recovery codes alone as a factor', async () => {
    const m = await memoryMfa();
    await regenerateRecoveryCodes(m.deps, { userId: m.user.id, actor: 't' });
    const overview = await factorOverview(m.deps, m.user.id);
    assert.equal(overview.hasFactor, false);
    assert.deepEqual(
      overview.methods.map((v) => v.method),
      ['passkey', 'totp', 'email'],
    );
  });
});

describe('switching second factors off (account page)', () => {
  it('lets a user who is not held to MFA remove everything; the recovery codes go with the last factor', async () => {
    const m = await withBothFactors();
    assert.equal(await removeTotp(m.deps, m.user.id), 'done');
    assert.equal(
      (await factorSummary(m.deps, m.user.id)).recovery.left,
      10,
      'e-mail codes are still backed up',
    );
    assert.equal(await switchEmailCodes(m.deps, m.user.id, false), 'done');
    assert.deepEqual(await factorSummary(m.deps, m.user.id), {
      passkey: { on: false },
      totp: { on: false },
      email: { on: false },
      recovery: { on: false, left: 0 },
    });
    assert.equal(m.mailer.sent.length, 2, 'each change is e-mailed');
  });

  it('keeps the last factor of a user held to MFA', async () => {
    const m = await withBothFactors();
    await m.deps.users.updateProfile(m.user.id, { requireMfa: true });
    assert.equal(await removeTotp(m.deps, m.user.id), 'done');
    assert.equal(await switchEmailCodes(m.deps, m.user.id, false), 'last_factor_required');
    assert.equal((await factorSummary(m.deps, m.user.id)).email.on, true);
  });

  it('keeps the last strong factor when the mandate is strong: e-mail codes do not count', async () => {
    const m = await withBothFactors({ policy: 'required', requiredStrength: 'strong' });
    assert.equal(await removeTotp(m.deps, m.user.id), 'last_factor_required');
    assert.equal((await factorSummary(m.deps, m.user.id)).totp.on, true);
    assert.equal(await switchEmailCodes(m.deps, m.user.id, false), 'done');
  });

  it('counts an app that requires MFA and in which the user holds a role as a mandate', async () => {
    const m = await withBothFactors();
    await m.deps.clients.put({
      clientId: 'payroll',
      metadata: {},
      roles: ['clerk'],
      firstParty: true,
      requireMfa: true,
      createdAt: new Date(0).toISOString(),
    });
    await m.deps.roles.grant(m.user.id, 'payroll', 'clerk');
    assert.equal(await removeTotp(m.deps, m.user.id), 'done');
    assert.equal(await switchEmailCodes(m.deps, m.user.id, false), 'last_factor_required');
  });

  it('does not let two concurrent changes both remove "the other" factor', async () => {
    const m = await withBothFactors();
    await m.deps.users.updateProfile(m.user.id, { requireMfa: true });
    const outcomes = await Promise.all([
      removeTotp(m.deps, m.user.id),
      switchEmailCodes(m.deps, m.user.id, false),
    ]);
    assert.equal(outcomes.filter((o) => o === 'done').length, 1, outcomes.join(', '));
    const left = await factorSummary(m.deps, m.user.id);
    assert.ok(left.totp.on || left.email.on, 'a factor is left');
  });

  it('refuses to switch on e-mail codes when the deployment does not offer them', async () => {
    const m = await memoryMfa({ factors: ['totp'] });
    assert.equal(await switchEmailCodes(m.deps, m.user.id, true), 'not_offered');
    assert.equal((await factorSummary(m.deps, m.user.id)).email.on, false);
  });
});

describe('notifications that fail to send', () => {
  it('reports the change as done and records the failed notification instead of an error', async () => {
    const m = await withBothFactors();
    // Fault injection: the mail server refuses every message.
    m.deps.mailer = {
      send: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'MailerUnavailable' });
      },
    };
    assert.equal(await switchEmailCodes(m.deps, m.user.id, false), 'done');
    assert.equal((await factorSummary(m.deps, m.user.id)).email.on, false, 'the change stands');
    const failed = (await m.ports.events()).filter((e) => e.type === 'notification.failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.target, m.user.id);
    assert.equal(failed[0]?.reason, 'MailerUnavailable');
  });
});

describe('changing the password on the account page', () => {
  it('counts a wrong current password through the attempt guard, and audits the lock it causes', async () => {
    const m = await memoryMfa();
    for (const current of ['wrong one', 'wrong two', 'wrong three']) {
      const result = await changeOwnPassword(m.deps, {
        userId: m.user.id,
        current,
        next: 'a brand new passphrase',
      });
      assert.equal(result.ok, false);
    }
    const events = await m.ports.events();
    assert.equal(events.filter((e) => e.type === 'password.change' && e.reason === 'bad_password').length, 3);
    assert.equal(events.filter((e) => e.type === 'account.locked' && e.target === m.user.id).length, 1);
  });
});
