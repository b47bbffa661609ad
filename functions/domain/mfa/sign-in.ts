import { type AttemptContext, audit, lockoutPolicy } from '../deps.ts';
import type { PendingSignIn, User } from '../ports.ts';
import { emailCode } from './email-code.ts';
import type { Method, MfaDeps, SecondFactor, Strength } from './factor.ts';
import { mfaRequirement } from './policy.ts';
import { recoveryCodes } from './recovery-codes.ts';
import { totp } from './totp.ts';

/** Every second factor, strongest first. Adding a factor means adding it here and its own file. */
export const FACTORS: readonly SecondFactor[] = [totp, recoveryCodes, emailCode];

export function factorFor(method: string): SecondFactor | undefined {
  return FACTORS.find((f) => f.method === method);
}

/** The factors this user can sign in with now, at this strength. */
export async function usableMethods(deps: MfaDeps, userId: string, strength: Strength): Promise<Method[]> {
  const usable: Method[] = [];
  for (const f of FACTORS) {
    if ((strength === 'any' || f.strong) && (await f.usable(deps, userId))) usable.push(f.method);
  }
  // Recovery codes back up an enrolled authenticator; alone they are not a way to sign in.
  return usable.includes('totp') || usable.includes('email') ? usable : [];
}

export async function hasAnyFactor(deps: MfaDeps, userId: string): Promise<boolean> {
  return (await usableMethods(deps, userId, 'any')).length > 0;
}

/** Policy inputs gathered from the stores, then the pure decision in policy.ts. */
export async function requirementFor(
  deps: MfaDeps,
  input: { user: User; clientId: string; requested: Strength | null },
) {
  const client = input.clientId ? await deps.clients.get(input.clientId) : null;
  return mfaRequirement({
    config: deps.config.mfa,
    clientId: input.clientId,
    clientRequires: client?.requireMfa === true,
    userRequires: input.user.requireMfa === true,
    userOptedIn: await hasAnyFactor(deps, input.user.id),
    userRoles: await deps.roles.allRoles(input.user.id),
    requested: input.requested,
  });
}

export type VerifyOutcome = { ok: true; method: Method } | { ok: false };

/**
 * Checks a second-factor code for a pending sign-in. Wrong codes count towards the same lockout as
 * wrong passwords (the attempt is claimed atomically before the code is checked), otherwise a
 * stolen password plus a guessing loop would defeat MFA. A code of a factor the sign-in may not
 * use (too weak for what was asked) is refused without being looked at.
 */
export async function verifySecondFactor(
  deps: MfaDeps,
  input: { pending: PendingSignIn; method: string; code: string; context?: AttemptContext },
): Promise<VerifyOutcome> {
  const { pending } = input;
  const ctx = input.context ?? {};
  const factor = factorFor(input.method);
  const allowed = await usableMethods(deps, pending.userId, pending.strength);
  const now = deps.clock.now().getTime();
  const claim = await deps.users.claimAttempt(pending.userId, now, lockoutPolicy(deps));
  if (claim.kind !== 'granted' || claim.user.disabled) {
    await audit(
      deps,
      {
        type: 'mfa.failure',
        outcome: 'failure',
        actor: pending.userId,
        target: pending.userId,
        reason: claim.kind === 'granted' ? 'disabled' : 'locked',
      },
      ctx,
    );
    return { ok: false };
  }
  const good =
    factor !== undefined &&
    allowed.includes(factor.method) &&
    (await factor.verify(deps, { userId: pending.userId, uid: pending.uid, code: input.code }));
  if (!good) {
    const lockedUntil = await deps.users.recordFailure(pending.userId, now, lockoutPolicy(deps));
    const reason = factor ? `bad_${factor.method}_code` : 'bad_method';
    await audit(
      deps,
      { type: 'mfa.failure', outcome: 'failure', actor: pending.userId, target: pending.userId, reason },
      ctx,
    );
    if (lockedUntil !== null) {
      const details = { until: new Date(lockedUntil).toISOString() };
      await audit(
        deps,
        {
          type: 'account.locked',
          outcome: 'success',
          actor: 'system',
          target: pending.userId,
          reason,
          details,
        },
        ctx,
      );
    }
    return { ok: false };
  }
  if (!(await deps.users.recordSuccess(pending.userId, now))) return { ok: false };
  if (!(await deps.signIns.markPassed(pending.uid, factor.method))) return { ok: false };
  const type = factor.method === 'recovery' ? 'mfa.recovery_code.used' : 'mfa.success';
  await audit(
    deps,
    {
      type,
      outcome: 'success',
      actor: pending.userId,
      target: pending.userId,
      details: { method: factor.method },
    },
    ctx,
  );
  return { ok: true, method: factor.method };
}
