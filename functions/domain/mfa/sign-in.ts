import { type AttemptContext, audit, lockoutPolicy } from '../deps.ts';
import type { FactorSummary, PendingSignIn, User } from '../ports.ts';
import { emailCode } from './email-code.ts';
import type { Method, MfaDeps, SecondFactor, Strength } from './factor.ts';
import { mfaRequirement, type Requirement } from './policy.ts';
import { recoveryCodes } from './recovery-codes.ts';
import { totp } from './totp.ts';

/** Every second factor, strongest first. Adding a factor means adding it here and its own file. */
export const FACTORS: readonly SecondFactor[] = [totp, recoveryCodes, emailCode];

export function factorFor(method: string): SecondFactor | undefined {
  return FACTORS.find((f) => f.method === method);
}

/** The factors a user with these `factors` can sign in with, at this strength. */
export function methodsIn(config: MfaDeps['config'], factors: FactorSummary, strength: Strength): Method[] {
  const usable = FACTORS.filter((f) => (strength === 'any' || f.strong) && f.usableIn(config, factors)).map(
    (f) => f.method,
  );
  // Recovery codes back up an enrolled authenticator; alone they are not a way to sign in.
  return usable.includes('totp') || usable.includes('email') ? usable : [];
}

/** The factors this user can sign in with now, at this strength. */
export async function usableMethods(deps: MfaDeps, userId: string, strength: Strength): Promise<Method[]> {
  return methodsIn(deps.config, await deps.factors.summary(userId), strength);
}

export async function hasAnyFactor(deps: MfaDeps, userId: string): Promise<boolean> {
  return (await usableMethods(deps, userId, 'any')).length > 0;
}

type Gathered = Awaited<ReturnType<typeof gather>>;

/**
 * The policy inputs kept in the stores. The reads are independent, so they run in parallel: the
 * app (from the cached client store), every factor in one Query, and the user's roles only when a
 * role rule exists (without one they can't change the outcome).
 */
async function gather(deps: MfaDeps, userId: string, clientId: string) {
  const [client, factors, userRoles] = await Promise.all([
    clientId ? deps.clients.get(clientId) : null,
    deps.factors.summary(userId),
    deps.config.mfa.requiredRoles.length > 0 ? deps.roles.allRoles(userId) : [],
  ]);
  return { client, factors, userRoles };
}

/** The pure decision in policy.ts, on what was gathered. */
function decide(
  deps: MfaDeps,
  user: Pick<User, 'requireMfa'>,
  gathered: Gathered,
  input: { clientId: string; requested: Strength | null },
): Requirement {
  return mfaRequirement({
    config: deps.config.mfa,
    clientId: input.clientId,
    clientRequires: gathered.client?.requireMfa === true,
    userRequires: user.requireMfa === true,
    userOptedIn: methodsIn(deps.config, gathered.factors, 'any').length > 0,
    userRoles: gathered.userRoles,
    requested: input.requested,
  });
}

/** Does this (already read) user need a second factor for this app, and how strong? */
export async function requirementFor(
  deps: MfaDeps,
  input: { user: Pick<User, 'id' | 'requireMfa'>; clientId: string; requested: Strength | null },
): Promise<Requirement> {
  return decide(deps, input.user, await gather(deps, input.user.id, input.clientId), input);
}

/**
 * The same for a user known by id only (a session's): the user is read alongside the other
 * inputs rather than before them, unless the caller already has it (or is reading it: `user`).
 * Null when there is no such user. The user's factors come back too, as read for the decision.
 */
export async function requirementForId(
  deps: MfaDeps,
  input: {
    userId: string;
    clientId: string;
    requested: Strength | null;
    user?: User | null | Promise<User | null> | undefined;
  },
): Promise<{ user: User; requirement: Requirement; factors: FactorSummary } | null> {
  const [user, gathered] = await Promise.all([
    input.user !== undefined ? input.user : deps.users.findById(input.userId),
    gather(deps, input.userId, input.clientId),
  ]);
  return user ? { user, requirement: decide(deps, user, gathered, input), factors: gathered.factors } : null;
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
