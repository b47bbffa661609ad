import { audit, lockoutPolicy } from '../deps.ts';
import { argon2Hasher } from '../password-hash.ts';
import { checkPassword, describeViolation } from '../password-policy.ts';
import { NotFound, type User } from '../ports.ts';
import { setEmailCodes } from './email-code.ts';
import type { MfaDeps } from './factor.ts';
import { regenerateRecoveryCodes } from './recovery-codes.ts';
import { FACTORS } from './sign-in.ts';
import { beginTotpEnrolment, confirmTotpEnrolment, type TotpEnrolment } from './totp.ts';

/**
 * Self-service account settings (the /account page) and the administrator's MFA reset. Every change
 * is an audit event and a notification e-mail to the user, so a hijacked session can't quietly
 * swap the factors.
 */
export interface FactorOverview {
  totp: boolean;
  emailCodes: boolean;
  recoveryCodesLeft: number;
  offered: Array<'totp' | 'email'>;
}

async function user(deps: MfaDeps, userId: string): Promise<User> {
  const u = await deps.users.findById(userId);
  if (!u || u.disabled) throw new NotFound();
  return u;
}

async function notify(deps: MfaDeps, u: User, what: string): Promise<void> {
  const text = `${what}\n\nIf this was not you, contact your administrator at once.`;
  const html = `<p>${what}</p><p>If this was not you, contact your administrator at once.</p>`;
  await deps.mailer.send({ to: u.email, subject: 'Your Sesame account was changed', text, html });
}

export async function factorOverview(deps: MfaDeps, userId: string): Promise<FactorOverview> {
  return {
    totp: (await deps.factors.getTotp(userId))?.confirmed === true,
    emailCodes: await deps.factors.emailCodesEnabled(userId),
    recoveryCodesLeft: await deps.factors.countRecoveryCodes(userId),
    offered: deps.config.mfa.factors,
  };
}

export async function startTotp(deps: MfaDeps, userId: string): Promise<TotpEnrolment> {
  return beginTotpEnrolment(deps, await user(deps, userId));
}

/** Confirms a new authenticator; the first factor of a user also gets recovery codes (returned once). */
export async function finishTotp(deps: MfaDeps, userId: string, code: string): Promise<string[] | null> {
  const u = await user(deps, userId);
  if (!(await confirmTotpEnrolment(deps, { userId, code, actor: userId }))) return null;
  const codes =
    (await deps.factors.countRecoveryCodes(userId)) === 0
      ? await regenerateRecoveryCodes(deps, { userId, actor: userId })
      : [];
  await notify(deps, u, 'An authenticator app was added to your Sesame account.');
  return codes;
}

export async function removeTotp(deps: MfaDeps, userId: string): Promise<void> {
  const u = await user(deps, userId);
  await deps.factors.removeTotp(userId);
  await audit(deps, { type: 'mfa.totp.removed', outcome: 'success', actor: userId, target: userId });
  await notify(deps, u, 'The authenticator app was removed from your Sesame account.');
}

export async function switchEmailCodes(deps: MfaDeps, userId: string, enabled: boolean): Promise<void> {
  const u = await user(deps, userId);
  await setEmailCodes(deps, { userId, enabled, actor: userId });
  await notify(
    deps,
    u,
    `Sign-in codes by e-mail were turned ${enabled ? 'on' : 'off'} for your Sesame account.`,
  );
}

export async function newRecoveryCodes(deps: MfaDeps, userId: string): Promise<string[]> {
  const u = await user(deps, userId);
  const codes = await regenerateRecoveryCodes(deps, { userId, actor: userId });
  await notify(
    deps,
    u,
    'New recovery codes were generated for your Sesame account; the old ones no longer work.',
  );
  return codes;
}

export type PasswordChange = { ok: true } | { ok: false; problems: string[] };

/**
 * The current password is required and counted like a sign-in attempt (lockout), the password
 * policy applies, and the change ends every other session (credentialsChangedAt).
 */
export async function changeOwnPassword(
  deps: MfaDeps,
  input: { userId: string; current: string; next: string },
): Promise<PasswordChange> {
  const wrong = {
    ok: false as const,
    problems: ['The current password is incorrect, or the account is temporarily locked.'],
  };
  const hasher = deps.hasher ?? argon2Hasher;
  const now = deps.clock.now().getTime();
  const claim = await deps.users.claimAttempt(input.userId, now, lockoutPolicy(deps));
  if (claim.kind !== 'granted' || claim.user.passwordHash === null) return wrong;
  const u = claim.user;
  if (!(await hasher.verify(u.passwordHash as string, input.current))) {
    await deps.users.recordFailure(u.id, now, lockoutPolicy(deps));
    await audit(deps, {
      type: 'password.change',
      outcome: 'failure',
      actor: u.id,
      target: u.id,
      reason: 'bad_password',
    });
    return wrong;
  }
  if (!(await deps.users.recordSuccess(u.id, now))) return wrong;
  const violations = checkPassword(input.next, deps.config.passwordPolicy, u.email);
  if (violations.length)
    return { ok: false, problems: violations.map((v) => describeViolation(v, deps.config.passwordPolicy)) };
  await deps.users.setPassword(u.id, await hasher.hash(input.next, deps.config.argon2), now);
  await audit(deps, { type: 'password.changed', outcome: 'success', actor: u.id, target: u.id });
  await notify(deps, u, 'The password of your Sesame account was changed.');
  return { ok: true };
}

/** Administrator: removes every second factor (a user who lost their phone and codes). */
export async function resetMfa(deps: MfaDeps, input: { userId: string; actor: string }): Promise<void> {
  await user(deps, input.userId);
  for (const f of FACTORS) await f.remove(deps, input.userId);
  await audit(deps, { type: 'mfa.reset', outcome: 'success', actor: input.actor, target: input.userId });
}
