import { type AttemptContext, audit, auditTenant, type Deps, lockoutPolicy } from './deps.ts';
import type { User } from './ports.ts';

/**
 * The one way any credential is checked: a password at sign-in or on /account, a second-factor code,
 * an enrolment code. The sequence is always the same, so it is written once:
 *
 * 1. claim the attempt atomically *before* verifying (UserStore.claimAttempt), so K concurrent
 *    guesses can't all run while the counter still looks low (cf. Zitadel GHSA-7h8m-vrxx-vr4m);
 * 2. verify;
 * 3. record: a wrong credential (or a disabled user: the claim is spent) counts towards the lockout
 *    and may lock the account; a right one either completes the sign-in, which resets the counter,
 *    or — a correct password on a sign-in that still needs its second factor — gives back just the
 *    attempt it claimed, so earlier failures stand (otherwise "password, two wrong codes, password
 *    again" would guess codes for ever);
 * 4. audit the failure and the lock, with the request's context.
 *
 * Any store or audit error propagates: the caller fails closed.
 */
export interface AttemptInput {
  userId: string;
  /** The audit event type of a refused or failed attempt, e.g. `login.failure`, `mfa.failure`. */
  failureType: string;
  /** The audit reason when the credential is wrong, e.g. `bad_password`, `bad_totp_code`. */
  wrongReason: string;
  context?: AttemptContext;
  /**
   * Runs only with the attempt claimed. True when the credential is right; 'replayed' when it was
   * right for a time step already used (an authenticator code entered twice): refused, but not a
   * guess, so it does not count.
   */
  verify(user: User): Promise<boolean | 'replayed'>;
  /**
   * After a right credential: whether this completes the sign-in (resets the counter) or leaves it
   * waiting for a further factor (the claimed attempt is given back, earlier failures stand).
   */
  completes(user: User): Promise<boolean> | boolean;
  /**
   * After a right credential, before anything is recorded as a success: a reason to refuse the
   * sign-in anyway (a tenant that signs in through its connections only), or null. A refusal is no
   * guess (its claim is given back) and no success (audited as a failure with that reason).
   */
  refuse?(user: User): Promise<string | null>;
  /** Runs on every refusal before verification (login pays a dummy argon2 verify so timing matches). */
  onRefused?(): Promise<void>;
}

export type AttemptOutcome =
  | { ok: true; user: User; completed: boolean }
  | { ok: false; reason: 'unknown_user' | 'locked' | 'disabled' | 'wrong' | 'replayed' | 'refused' };

export async function guardAttempt(deps: Deps, input: AttemptInput): Promise<AttemptOutcome> {
  const ctx = input.context ?? {};
  const now = deps.clock.now().getTime();
  const claim = await deps.users.claimAttempt(input.userId, now, lockoutPolicy(deps));
  if (claim.kind !== 'granted') {
    await input.onRefused?.();
    const reason = claim.kind === 'unknown' ? 'unknown_user' : 'locked';
    await refusal(deps, input, reason, ctx, claim.kind === 'locked' ? { tenant: claim.tenantId } : null);
    return { ok: false, reason };
  }
  const { user } = claim;
  if (user.disabled) {
    await input.onRefused?.();
    await failure(deps, input, now, 'disabled', ctx, auditTenant(user));
    return { ok: false, reason: 'disabled' };
  }
  const verdict = await input.verify(user);
  if (verdict === 'replayed') {
    const released = await deps.users.releaseAttempt(user.id, now);
    await refusal(deps, input, released ? 'replayed_code' : 'locked', ctx, { tenant: auditTenant(user) });
    return { ok: false, reason: released ? 'replayed' : 'locked' };
  }
  if (!verdict) {
    await failure(deps, input, now, input.wrongReason, ctx, auditTenant(user));
    return { ok: false, reason: 'wrong' };
  }
  const refused = await input.refuse?.(user);
  if (refused) {
    await deps.users.releaseAttempt(user.id, now);
    await refusal(deps, input, refused, ctx, { tenant: auditTenant(user) });
    return { ok: false, reason: 'refused' };
  }
  const completed = await input.completes(user);
  const settled = completed
    ? await deps.users.recordSuccess(user.id, now, user)
    : await deps.users.releaseAttempt(user.id, now);
  if (!settled) {
    // A concurrent failure locked the account while we verified, or the user was disabled or reset the
    // password (or signed out everywhere) meanwhile: what was verified no longer stands. Fail closed.
    await refusal(deps, input, 'locked', ctx, { tenant: auditTenant(user) });
    return { ok: false, reason: 'locked' };
  }
  return {
    ok: true,
    user: { ...user, ...(completed ? { failedAttempts: 0, lockedUntil: null } : {}) },
    completed,
  };
}

async function refusal(
  deps: Deps,
  input: AttemptInput,
  reason: string,
  ctx: AttemptContext,
  /** The user's tenant when the user exists; null for an unknown user. */
  known: { tenant: string | null } | null,
): Promise<void> {
  const who = known
    ? { actor: input.userId, target: input.userId, tenant: known.tenant }
    : { actor: 'anonymous', tenant: null };
  await audit(deps, { type: input.failureType, outcome: 'failure', ...who, reason }, ctx);
}

/** A verification that ran and failed: counts towards the lock, and audits the lock it caused. */
async function failure(
  deps: Deps,
  input: AttemptInput,
  now: number,
  reason: string,
  ctx: AttemptContext,
  tenant: string | null,
): Promise<void> {
  const { userId } = input;
  const lockedUntil = await deps.users.recordFailure(userId, now, lockoutPolicy(deps));
  await audit(
    deps,
    { type: input.failureType, outcome: 'failure', actor: userId, target: userId, tenant, reason },
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
        target: userId,
        tenant,
        reason,
        details,
      },
      ctx,
    );
  }
}
