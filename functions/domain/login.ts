import { type AttemptContext, audit, type Deps, lockoutPolicy } from './deps.ts';
import { InvalidEmail, normaliseEmail } from './email.ts';
import { argon2Hasher } from './password-hash.ts';
import type { User } from './ports.ts';

export { createUser, newUserId, setPassword } from './accounts.ts';
export type { AttemptContext, Deps } from './deps.ts';
export { grantRole, type RoleChange, revokeRole, UnknownRole } from './roles.ts';

export type LoginFailureReason = 'unknown_user' | 'bad_password' | 'locked' | 'disabled';

/**
 * `reason` is for the audit log and tests only: callers must show one generic message and status
 * whatever it is (no user enumeration, SECURITY.md "Passwords and login").
 */
export type LoginOutcome = { ok: true; user: User } | { ok: false; reason: LoginFailureReason };

/**
 * The Mendix rule: N consecutive failures lock the account for a while. The attempt is counted
 * atomically *before* the password is verified (claimAttempt), so concurrent guesses can't all run
 * while the counter still looks low (cf. Zitadel GHSA-7h8m-vrxx-vr4m). Unknown, locked and disabled
 * accounts cost one dummy verification so timing doesn't tell them apart. Any store or audit error
 * propagates: the login fails closed.
 */
export async function authenticatePassword(
  deps: Deps,
  input: { email: string; password: string; context?: AttemptContext },
): Promise<LoginOutcome> {
  const ctx = input.context ?? {};
  const id = await userIdFor(deps, input.email);
  if (id === null) {
    // Pay for the same lockout write a real account's attempt costs (it fails: no such item), so
    // store latency doesn't tell an unknown address from a wrong password either.
    await deps.users.claimAttempt(TIMING_EQUALISER_ID, deps.clock.now().getTime(), lockoutPolicy(deps));
    return refuse(deps, 'unknown_user', undefined, ctx);
  }

  const now = deps.clock.now().getTime();
  const claim = await deps.users.claimAttempt(id, now, lockoutPolicy(deps));
  if (claim.kind === 'unknown') return refuse(deps, 'unknown_user', undefined, ctx);
  if (claim.kind === 'locked') return refuse(deps, 'locked', id, ctx);

  const user = claim.user;
  const hasher = deps.hasher ?? argon2Hasher;
  if (user.disabled || user.passwordHash === null) {
    // The claim is spent; count it like a wrong password so the counter never sticks half-way.
    await hasher.dummyVerify(deps.config.argon2);
    return failed(deps, user.id, now, 'disabled', ctx);
  }
  if (!(await hasher.verify(user.passwordHash, input.password))) {
    return failed(deps, user.id, now, 'bad_password', ctx);
  }
  if (!(await deps.users.recordSuccess(user.id, now))) {
    // A concurrent failure locked the account while we verified: refuse, fail closed.
    return refuse(deps, 'locked', user.id, ctx, false);
  }
  await rehashIfOutdated(deps, user.id, user.passwordHash, input.password);
  await audit(deps, { type: 'login.success', outcome: 'success', actor: user.id, target: user.id }, ctx);
  return { ok: true, user: { ...user, failedAttempts: 0, lockedUntil: null } };
}

/** Never a real user id (those are base64url): used only to spend a failing conditional write. */
const TIMING_EQUALISER_ID = '~timing-equaliser';

async function userIdFor(deps: Deps, email: string): Promise<string | null> {
  try {
    return await deps.users.findIdByEmailKey(normaliseEmail(email).emailKey);
  } catch (err) {
    if (err instanceof InvalidEmail) return null;
    throw err;
  }
}

/** Transparent upgrade when config.argon2 grew stronger since the hash was made. */
async function rehashIfOutdated(deps: Deps, id: string, oldHash: string, password: string): Promise<void> {
  const hasher = deps.hasher ?? argon2Hasher;
  if (!hasher.needsRehash(oldHash, deps.config.argon2)) return;
  await deps.users.upgradePasswordHash(id, oldHash, await hasher.hash(password, deps.config.argon2));
}

/** A verification that ran and failed: counts towards the lock, and reports the lock it caused. */
async function failed(
  deps: Deps,
  userId: string,
  now: number,
  reason: 'bad_password' | 'disabled',
  ctx: AttemptContext,
): Promise<LoginOutcome> {
  const lockedUntil = await deps.users.recordFailure(userId, now, lockoutPolicy(deps));
  await audit(
    deps,
    { type: 'login.failure', outcome: 'failure', actor: userId, target: userId, reason },
    ctx,
  );
  if (lockedUntil !== null) {
    const details = { until: new Date(lockedUntil).toISOString() };
    await audit(
      deps,
      { type: 'account.locked', outcome: 'success', actor: 'system', target: userId, reason, details },
      ctx,
    );
  }
  return { ok: false, reason };
}

/** A refusal before any verification: pays for one dummy verification so timing matches. */
async function refuse(
  deps: Deps,
  reason: 'unknown_user' | 'locked',
  userId: string | undefined,
  ctx: AttemptContext,
  equaliseTiming = true,
): Promise<LoginOutcome> {
  if (equaliseTiming) await (deps.hasher ?? argon2Hasher).dummyVerify(deps.config.argon2);
  const who = userId ? { actor: userId, target: userId } : { actor: 'anonymous' };
  await audit(deps, { type: 'login.failure', outcome: 'failure', ...who, reason }, ctx);
  return { ok: false, reason };
}
