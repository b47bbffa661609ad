import { guardAttempt } from '../attempt-guard.ts';
import { SECOND_STEPS, secondStep } from '../credentials/registry.ts';
import { atLeast, type Method, type SecondStep, type Strength, stronger } from '../credentials/strategy.ts';
import type { DomainDeps } from '../deps.ts';
import { type AttemptContext, audit, auditTenant } from '../deps.ts';
import type { Credential, PendingSignIn, User } from '../ports.ts';
import { mfaRequirement, type Requirement } from './policy.ts';

/**
 * The factors a user with these `factors` can sign in with, at this strength. Recovery codes back up
 * the user's other factors: alone they are no way in, and they are only as strong as the strongest
 * factor they back up (codes kept beside e-mail codes alone must not pass for an authenticator).
 */
/**
 * The strength of the best second factor the user has (null: none). Whoever administers the account
 * or the deployment must have passed it: otherwise an e-mailed code could stand in for the
 * authenticator.
 */
export function strongestFactor(
  config: DomainDeps['config'],
  factors: readonly Credential[],
): Strength | null {
  const usable = SECOND_STEPS.filter((s) => s.usableIn(config, factors));
  return strongestOf(usable);
}

/** The strongest primary (not back-up) strength among these steps, or null. */
function strongestOf(usable: readonly SecondStep[]): Strength | null {
  let best: Strength | null = null;
  for (const s of usable) if (s.strength !== 'backup') best = best ? stronger(best, s.strength) : s.strength;
  return best;
}

/** What a use of `s` proves among these usable steps: back-ups stand in for at most `strong`. */
function strengthOf(s: SecondStep, usable: readonly SecondStep[]): Strength | null {
  if (s.strength !== 'backup') return s.strength;
  const best = strongestOf(usable);
  return best === null ? null : best === 'any' ? 'any' : 'strong';
}

export function methodsIn(
  config: DomainDeps['config'],
  factors: readonly Credential[],
  strength: Strength,
): Method[] {
  const usable = SECOND_STEPS.filter((s) => s.usableIn(config, factors));
  return usable.filter((s) => atLeast(strengthOf(s, usable) ?? undefined, strength)).map((s) => s.method);
}

/** The strength a right code of `method` proves for a user with these factors (see methodsIn). */
export function provenStrength(
  config: DomainDeps['config'],
  method: Method,
  factors: readonly Credential[],
): Strength {
  const usable = SECOND_STEPS.filter((s) => s.usableIn(config, factors));
  const s = usable.find((u) => u.method === method);
  return (s && strengthOf(s, usable)) ?? 'any';
}

/**
 * A sign-in enrols only while the user has no factor at all. That is decided when it begins, and
 * checked again on every enrolment request: a factor added meanwhile (on /account, or by another
 * sign-in) must be passed instead, never enrolled past.
 */
export function stillEnrolling(
  config: DomainDeps['config'],
  pending: PendingSignIn,
  factors: readonly Credential[],
): boolean {
  return pending.enrol && !pending.passed && methodsIn(config, factors, 'any').length === 0;
}

/** Whether a proven strength is what a sign-in that wants `wanted` needs. */
export function meets(proven: Strength | undefined, wanted: Strength): boolean {
  return atLeast(proven, wanted);
}

/**
 * What a sign-in that wants `strength` asks of a user with these `factors`: the factors of that
 * strength; or, when the user's factors can't reach it (e-mail codes only, and an app asks for an
 * authenticator), the factors they have. Those must still be passed — whoever knows only the
 * password learns nothing, and may enrol nothing — and then the sign-in is refused as not strong
 * enough (`sufficient: false`). Empty `methods`: the user has no factor at all.
 */
export function offeredMethods(
  config: DomainDeps['config'],
  factors: readonly Credential[],
  strength: Strength,
): { methods: Method[]; sufficient: boolean } {
  const wanted = methodsIn(config, factors, strength);
  if (wanted.length > 0) return { methods: wanted, sufficient: true };
  return { methods: methodsIn(config, factors, 'any'), sufficient: false };
}

/**
 * The sign-in awaiting its second factor in interaction `uid`, while it can still finish: unexpired
 * (checked on read; TTL deletion is only tidying up) and not finished. Null otherwise.
 */
export async function livePending(deps: DomainDeps, uid: string): Promise<PendingSignIn | null> {
  const pending = await deps.signIns.getPending(uid);
  return pending && pending.expiresAt > deps.clock.now().getTime() && !pending.finished ? pending : null;
}

export async function hasAnyFactor(deps: DomainDeps, userId: string): Promise<boolean> {
  return methodsIn(deps.config, await deps.credentials.list(userId), 'any').length > 0;
}

type Gathered = Awaited<ReturnType<typeof gather>>;

/**
 * The policy inputs kept in the stores. The reads are independent, so they run in parallel: the
 * app (from the cached client store), every factor in one Query, and the user's roles only when a
 * role rule exists (without one they can't change the outcome).
 */
async function gather(
  deps: DomainDeps,
  userId: string,
  clientId: string,
  user?: Pick<User, 'factorsNeverAdded'>,
) {
  const [client, factors, userRoles] = await Promise.all([
    clientId ? deps.clients.get(clientId) : null,
    // A user the store says never had a factor has none to read (User.factorsNeverAdded).
    user?.factorsNeverAdded ? [] : deps.credentials.list(userId),
    deps.config.mfa.requiredRoles.length > 0 ? deps.roles.allRoles(userId) : [],
  ]);
  return { client, factors, userRoles };
}

/** The pure decision in policy.ts, on what was gathered. */
function decide(
  deps: DomainDeps,
  user: Pick<User, 'requireMfa'>,
  gathered: Gathered & { tenantRequires: Strength | undefined },
  input: { clientId: string; requested: Strength | null },
): Requirement {
  return mfaRequirement({
    ...(gathered.tenantRequires ? { tenantRequires: gathered.tenantRequires } : {}),
    config: deps.config.mfa,
    clientId: input.clientId,
    clientRequires: gathered.client?.requireMfa === true,
    userRequires: user.requireMfa === true,
    userOptedIn: methodsIn(deps.config, gathered.factors, 'any').length > 0,
    userRoles: gathered.userRoles,
    requested: input.requested,
  });
}

/** Does this (already read) user need a second factor for this app, and how strong? With the factors read for it. */
export async function requirementFor(
  deps: DomainDeps,
  input: {
    user: Pick<User, 'id' | 'requireMfa' | 'tenantId' | 'factorsNeverAdded'>;
    clientId: string;
    requested: Strength | null;
  },
): Promise<{ requirement: Requirement; factors: readonly Credential[] }> {
  const [gathered, tenantRequires] = await Promise.all([
    gather(deps, input.user.id, input.clientId, input.user),
    deps.tenantSettings(input.user.tenantId).then((t) => t?.requireMfa),
  ]);
  return {
    requirement: decide(deps, input.user, { ...gathered, tenantRequires }, input),
    factors: gathered.factors,
  };
}

/**
 * The same for a user known by id only (a session's): the user is read alongside the other
 * inputs rather than before them, unless the caller already has it (or is reading it: `user`).
 * Null when there is no such user. The user's factors come back too, as read for the decision.
 */
export async function requirementForId(
  deps: DomainDeps,
  input: {
    userId: string;
    clientId: string;
    requested: Strength | null;
    user?: User | null | Promise<User | null> | undefined;
  },
): Promise<{ user: User; requirement: Requirement; factors: readonly Credential[] } | null> {
  const [user, gathered] = await Promise.all([
    input.user !== undefined ? input.user : deps.users.findById(input.userId),
    gather(deps, input.userId, input.clientId),
  ]);
  if (!user) return null;
  const tenantRequires = (await deps.tenantSettings(user.tenantId))?.requireMfa;
  return {
    user,
    requirement: decide(deps, user, { ...gathered, tenantRequires }, input),
    factors: gathered.factors,
  };
}

export type VerifyOutcome =
  | { ok: true; method: Method; sufficient: boolean }
  | { ok: false; replayed?: true };

/**
 * Checks a second-factor code for a pending sign-in, through the attempt guard: wrong codes count
 * towards the same lockout as wrong passwords, otherwise a stolen password plus a guessing loop
 * would defeat MFA. Only the methods this sign-in offers are looked at (none on a sign-in that
 * enrols). A right code completes the sign-in (resets the counter) only when what it proves is strong enough;
 * otherwise the sign-in is refused afterwards and earlier failures stand. The pass is recorded with
 * a conditional write naming this very sign-in and user, so it can't land on another.
 */
export async function verifySecondFactor(
  deps: DomainDeps,
  input: { pending: PendingSignIn; method: string; code: string; context?: AttemptContext },
): Promise<VerifyOutcome> {
  const { pending } = input;
  const factor = secondStep(input.method);
  const factors = await deps.credentials.list(pending.userId);
  const offered = offeredMethods(deps.config, factors, pending.strength);
  const proven = factor ? provenStrength(deps.config, factor.method, factors) : 'any';
  let amr: readonly string[] | undefined;
  let details: Record<string, string | boolean> | undefined;
  const outcome = await guardAttempt(deps, {
    userId: pending.userId,
    failureType: 'mfa.failure',
    wrongReason: factor ? `bad_${factor.method}_code` : 'bad_method',
    ...(input.context ? { context: input.context } : {}),
    // Only the factors the user has now are looked at: none for a user who is still enrolling.
    verify: async () =>
      factor !== undefined &&
      offered.methods.includes(factor.method) &&
      (await factor.verify(deps, {
        userId: pending.userId,
        uid: pending.uid,
        code: input.code,
        used: (values, about) => {
          amr = values;
          details = about;
        },
      })),
    completes: () => meets(proven, pending.strength),
    // The password this sign-in began with no longer stands: reset, or signed out everywhere, since.
    refuse: async (user) =>
      pending.credentialsChangedAt !== undefined && user.credentialsChangedAt !== pending.credentialsChangedAt
        ? 'credentials_changed'
        : null,
  });
  if (!outcome.ok) return outcome.reason === 'replayed' ? { ok: false, replayed: true } : { ok: false };
  if (!factor) return { ok: false };
  if (!(await deps.signIns.markPassed(pending, factor.method, proven, amr))) return { ok: false };
  const type = factor.method === 'recovery' ? 'mfa.recovery_code.used' : 'mfa.success';
  await audit(
    deps,
    {
      type,
      outcome: 'success',
      actor: pending.userId,
      target: pending.userId,
      tenant: auditTenant(outcome.user),
      details: { method: factor.method, ...details },
    },
    input.context,
  );
  return { ok: true, method: factor.method, sufficient: outcome.completed };
}
