import { randomBytes } from 'node:crypto';
import { audit, auditTenant, type Deps } from './deps.ts';
import { normaliseEmail } from './email.ts';
import { argon2Hasher } from './password-hash.ts';
import { assertPasswordAllowed } from './password-policy.ts';
import { DEFAULT_TENANT, NotFound, type User } from './ports.ts';

/** 128 random bits: the OIDC `sub`, opaque and never derived from the e-mail (OIDC Core §8). */
export function newUserId(): string {
  return randomBytes(16).toString('base64url');
}

/** Creates a user with a random opaque id; the e-mail is unique case-insensitively (EmailTaken). */
export async function createUser(
  deps: Deps,
  input: {
    email: string;
    name: string;
    password?: string;
    actor?: string;
    tenantId?: string;
    id?: string;
    /** The address was proven by the caller (an invitation opened from the mail sent to it). */
    emailVerified?: boolean;
    /** The tenant signs in through its connections only (User.federationOnly). */
    federationOnly?: boolean;
  },
): Promise<User> {
  const { email, emailKey } = normaliseEmail(input.email);
  const hasher = deps.hasher ?? argon2Hasher;
  if (input.password !== undefined) assertPasswordAllowed(input.password, deps.config.passwordPolicy, email);
  const user = {
    id: input.id ?? newUserId(),
    email,
    emailKey,
    emailVerified: input.emailVerified === true,
    name: input.name.normalize('NFC').trim().slice(0, 200),
    passwordHash: input.password === undefined ? null : await hasher.hash(input.password, deps.config.argon2),
    createdAt: deps.clock.now().toISOString(),
    tenantId: input.tenantId ?? DEFAULT_TENANT,
    ...(input.federationOnly ? { federationOnly: true } : {}),
  };
  await deps.users.create(user);
  await audit(deps, {
    type: 'user.created',
    outcome: 'success',
    actor: input.actor ?? 'system',
    target: user.id,
    tenant: auditTenant(user),
  });
  return { ...user, disabled: false, failedAttempts: 0, lockedUntil: null, credentialsChangedAt: null };
}

/** An administrator's password reset: applies the policy, stores a new hash and lifts any lockout. */
export async function setPassword(
  deps: Deps,
  input: { userId: string; password: string; actor: string },
): Promise<void> {
  const user = await deps.users.findById(input.userId);
  if (!user) throw new NotFound();
  assertPasswordAllowed(input.password, deps.config.passwordPolicy, user.email);
  const hasher = deps.hasher ?? argon2Hasher;
  await deps.users.setPassword(
    user.id,
    await hasher.hash(input.password, deps.config.argon2),
    deps.clock.now().getTime(),
  );
  const event = {
    outcome: 'success',
    actor: input.actor,
    target: user.id,
    tenant: auditTenant(user),
  } as const;
  await audit(deps, { type: 'password.reset', ...event });
  if (user.lockedUntil !== null || user.failedAttempts > 0) {
    await audit(deps, { type: 'account.unlocked', ...event });
  }
}

/** Whether the user is locked out at `now` (epoch ms): a lock that has run out is no lock. */
export function isLocked(user: Pick<User, 'lockedUntil'>, now: number): boolean {
  return user.lockedUntil !== null && user.lockedUntil > now;
}

/**
 * True when the user ended this browser session (by its uid) on the account page after it signed in
 * at `signedInAt` (epoch seconds). The same second counts as ended (fail closed). Any of its marks:
 * a session keeps its uid through a new sign-in, so it can be ended more than once.
 */
export function sessionEnded(user: User, uid: string | undefined, signedInAt: number | undefined): boolean {
  return (user.endedSessions ?? []).some(
    (e) => e.uid === uid && (signedInAt === undefined || signedInAt <= Math.floor(e.at / 1000)),
  );
}

/**
 * Whether a browser session (its `uid`, signed in at `signedInAt`, epoch seconds) no longer counts:
 * its user is gone or disabled, reset the password since, or ended this session on the account page.
 * The interaction policy, the account page, its session list and the logout page all judge by it.
 */
export function sessionNoLongerCounts(
  user: User | null,
  uid: string | undefined,
  signedInAt: number | undefined,
): boolean {
  return (
    !user || user.disabled || signedInBeforeReset(user, signedInAt) || sessionEnded(user, uid, signedInAt)
  );
}

/** True when the sign-in at `signedInAt` (epoch seconds) predates the user's last password reset. */
export function signedInBeforeReset(user: User, signedInAt: number | undefined): boolean {
  if (user.credentialsChangedAt === null) return false;
  // Unknown sign-in time: treat as stale (fail closed). Second resolution: the same second counts as after.
  return signedInAt === undefined || signedInAt < Math.floor(user.credentialsChangedAt / 1000);
}
