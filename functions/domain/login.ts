import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { Clock } from './clock.ts';
import { InvalidEmail, normaliseEmail } from './email.ts';
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from './password-hash.ts';
import { assertPasswordAllowed } from './password-policy.ts';
import {
  type AuditEvent,
  type AuditSink,
  type ClientStore,
  NotFound,
  type RoleStore,
  type User,
  type UserStore,
} from './ports.ts';

/** Everything the account rules need: ports, settings and time. */
export interface Deps {
  users: UserStore;
  clients: ClientStore;
  roles: RoleStore;
  audit: AuditSink;
  clock: Clock;
  config: Pick<Config, 'lockout' | 'argon2' | 'passwordPolicy'>;
}

export interface AttemptContext {
  ip?: string;
  userAgent?: string;
  clientId?: string;
}

/** `reason` is for the audit log only; callers must show one generic message whatever it is. */
export type LoginOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'unknown_user' | 'bad_password' | 'locked' | 'disabled' };

export class UnknownRole extends Error {
  override name = 'UnknownRole';
}

function audit(deps: Deps, event: Omit<AuditEvent, 'at'>, ctx: AttemptContext = {}): Promise<void> {
  const context = Object.fromEntries(Object.entries(ctx).filter(([, v]) => v !== undefined && v !== ''));
  return deps.audit.record({ ...context, ...event, at: deps.clock.now().getTime() });
}

function policyOf(deps: Deps) {
  return {
    maxAttempts: deps.config.lockout.maxAttempts,
    durationMs: deps.config.lockout.durationSeconds * 1000,
  };
}

/**
 * The Mendix rule: N consecutive failures lock the account for a while. The attempt is counted
 * atomically *before* the password is verified, so concurrent guesses can't all run while the
 * counter still looks low; unknown, locked and disabled accounts cost one dummy verification so
 * timing doesn't tell them apart. Any store error propagates: the login fails closed.
 */
export async function authenticatePassword(
  deps: Deps,
  input: { email: string; password: string; context?: AttemptContext },
): Promise<LoginOutcome> {
  const ctx = input.context ?? {};
  let emailKey: string;
  try {
    emailKey = normaliseEmail(input.email).emailKey;
  } catch (err) {
    if (!(err instanceof InvalidEmail)) throw err;
    return fail(deps, 'unknown_user', undefined, ctx);
  }
  const found = await deps.users.findByEmailKey(emailKey);
  if (!found) return fail(deps, 'unknown_user', undefined, ctx);

  const now = deps.clock.now().getTime();
  const claim = await deps.users.claimAttempt(found.id, now, policyOf(deps));
  if (claim.kind === 'unknown') return fail(deps, 'unknown_user', undefined, ctx);
  if (claim.kind === 'locked') return fail(deps, 'locked', found.id, ctx);
  const user = claim.user;
  if (user.disabled || !user.passwordHash) return fail(deps, 'disabled', user.id, ctx);

  if (!(await verifyPassword(user.passwordHash, input.password))) {
    const lockedUntil = await deps.users.recordFailure(user.id, now, policyOf(deps));
    await audit(
      deps,
      { type: 'login.failure', outcome: 'failure', actor: user.id, target: user.id, reason: 'bad_password' },
      ctx,
    );
    if (lockedUntil !== null) {
      await audit(
        deps,
        {
          type: 'account.locked',
          outcome: 'success',
          actor: 'system',
          target: user.id,
          details: { until: new Date(lockedUntil).toISOString() },
        },
        ctx,
      );
    }
    return { ok: false, reason: 'bad_password' };
  }
  if (!(await deps.users.recordSuccess(user.id, now))) {
    // A concurrent failure locked the account while we verified: refuse, fail closed.
    return fail(deps, 'locked', user.id, ctx, false);
  }
  if (needsRehash(user.passwordHash, deps.config.argon2)) {
    await deps.users.upgradePasswordHash(
      user.id,
      user.passwordHash,
      await hashPassword(input.password, deps.config.argon2),
    );
  }
  await audit(deps, { type: 'login.success', outcome: 'success', actor: user.id, target: user.id }, ctx);
  return { ok: true, user };
}

async function fail(
  deps: Deps,
  reason: 'unknown_user' | 'locked' | 'disabled',
  userId: string | undefined,
  ctx: AttemptContext,
  equaliseTiming = true,
): Promise<LoginOutcome> {
  if (equaliseTiming) await dummyVerify(deps.config.argon2);
  await audit(
    deps,
    {
      type: 'login.failure',
      outcome: 'failure',
      actor: userId ?? 'anonymous',
      ...(userId ? { target: userId } : {}),
      reason,
    },
    ctx,
  );
  return { ok: false, reason };
}

/** Creates a user with a random opaque id (the OIDC `sub`); the e-mail is unique case-insensitively. */
export async function createUser(
  deps: Deps,
  input: { email: string; name: string; password?: string; actor: string },
): Promise<User> {
  const { email, emailKey } = normaliseEmail(input.email);
  if (input.password !== undefined) assertPasswordAllowed(input.password, deps.config.passwordPolicy, email);
  const user = {
    id: randomBytes(16).toString('base64url'),
    email,
    emailKey,
    emailVerified: false,
    name: input.name.normalize('NFC').trim().slice(0, 200),
    passwordHash:
      input.password === undefined ? null : await hashPassword(input.password, deps.config.argon2),
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.users.create(user);
  await audit(deps, { type: 'user.created', outcome: 'success', actor: input.actor, target: user.id });
  return { ...user, disabled: false, failedAttempts: 0, lockedUntil: null };
}

/** An administrator's password reset: applies the policy, stores a new hash and lifts any lockout. */
export async function setPassword(
  deps: Deps,
  input: { userId: string; password: string; actor: string },
): Promise<void> {
  const user = await deps.users.findById(input.userId);
  if (!user) throw new NotFound();
  assertPasswordAllowed(input.password, deps.config.passwordPolicy, user.email);
  await deps.users.setPassword(user.id, await hashPassword(input.password, deps.config.argon2));
  await audit(deps, { type: 'password.reset', outcome: 'success', actor: input.actor, target: user.id });
  if (user.lockedUntil !== null || user.failedAttempts > 0) {
    await audit(deps, { type: 'account.unlocked', outcome: 'success', actor: input.actor, target: user.id });
  }
}

async function roleChange(
  deps: Deps,
  input: { email: string; clientId: string; role: string; actor: string },
  grant: boolean,
) {
  const user = await deps.users.findByEmailKey(normaliseEmail(input.email).emailKey);
  if (!user) throw new NotFound('no such user');
  const client = await deps.clients.get(input.clientId);
  if (!client) throw new NotFound('no such client');
  if (!client.roles.includes(input.role))
    throw new UnknownRole(`app ${client.clientId} has no role ${input.role}`);
  await (grant
    ? deps.roles.grant(user.id, client.clientId, input.role)
    : deps.roles.revoke(user.id, client.clientId, input.role));
  await audit(deps, {
    type: grant ? 'role.granted' : 'role.revoked',
    outcome: 'success',
    actor: input.actor,
    target: user.id,
    clientId: client.clientId,
    details: { role: input.role },
  });
}

export const grantRole = (
  deps: Deps,
  input: { email: string; clientId: string; role: string; actor: string },
) => roleChange(deps, input, true);
export const revokeRole = (
  deps: Deps,
  input: { email: string; clientId: string; role: string; actor: string },
) => roleChange(deps, input, false);
