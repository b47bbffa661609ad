import { guardAttempt } from './attempt-guard.ts';
import { password } from './credentials/password/strategy.ts';
import { type AttemptContext, audit, auditTenant, type Deps } from './deps.ts';
import { InvalidEmail, normaliseEmail } from './email.ts';
import { argon2Hasher } from './password-hash.ts';
import type { User } from './ports.ts';

export { createUser, newUserId, setPassword } from './accounts.ts';
export type { AttemptContext, Deps } from './deps.ts';
export { grantRole, type RoleChange, revokeRole, UnknownRole } from './roles.ts';

export type LoginFailureReason = 'unknown_user' | 'bad_password' | 'locked' | 'disabled' | 'refused';

/**
 * `reason` is for the audit log and tests only: callers must show one generic message and status
 * whatever it is (no user enumeration, SECURITY.md "Passwords and login"). `completed` is false
 * when the sign-in still needs a second factor: then the lockout counter was not reset.
 */
export type LoginOutcome =
  | { ok: true; user: User; completed: boolean }
  | { ok: false; reason: LoginFailureReason };

/**
 * The Mendix rule: N consecutive failures lock the account for a while, through the attempt guard
 * (claimed before verification; see attempt-guard.ts). `secondStepNeeded` tells whether the sign-in
 * still needs a second factor after the right password: then earlier failures stand, so wrong codes
 * after any number of fresh password entries still add up to a lock. Unknown, locked and disabled
 * accounts cost one dummy verification so timing doesn't tell them apart.
 */
export async function authenticatePassword(
  deps: Deps,
  input: {
    email: string;
    password: string;
    context?: AttemptContext;
    secondStepNeeded?: (user: User) => Promise<boolean>;
    /** A reason to refuse a right password anyway (attempt-guard.ts `refuse`), or null. */
    refuse?: (user: User) => Promise<string | null>;
  },
): Promise<LoginOutcome> {
  const ctx = input.context ?? {};
  const hasher = deps.hasher ?? argon2Hasher;
  const dummyVerify = () => hasher.dummyVerify(deps.config.argon2);
  // An unknown address pays for the same lockout write a real account's attempt costs (it fails: no
  // such item) and the same dummy verification, so neither latency nor timing tells it apart.
  const id = (await userIdFor(deps, input.email)) ?? TIMING_EQUALISER_ID;
  const outcome = await guardAttempt(deps, {
    userId: id,
    failureType: 'login.failure',
    wrongReason: 'bad_password',
    context: ctx,
    onRefused: dummyVerify,
    // A user without a password (none set yet) costs the same verification and is a wrong guess.
    verify: async (user) =>
      user.passwordHash === null
        ? dummyVerify().then(() => false)
        : password.verify(deps, { userId: user.id, uid: '', code: input.password, user }),
    completes: async (user) => !(await input.secondStepNeeded?.(user)),
    ...(input.refuse ? { refuse: input.refuse } : {}),
  });
  if (!outcome.ok) {
    const { reason } = outcome;
    return { ok: false, reason: reason === 'wrong' || reason === 'replayed' ? 'bad_password' : reason };
  }
  const { user, completed } = outcome;
  await rehashIfOutdated(deps, user.id, user.passwordHash as string, input.password);
  await audit(
    deps,
    {
      type: 'login.success',
      outcome: 'success',
      actor: user.id,
      target: user.id,
      tenant: auditTenant(user),
      ...(completed ? {} : { details: { awaiting: 'second_factor' } }),
    },
    ctx,
  );
  return { ok: true, user, completed };
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
