import type { Locale } from '../../i18n/index.ts';
import { guardAttempt } from '../attempt-guard.ts';
import { setEmailCodes } from '../credentials/email-code/strategy.ts';
import { shortId } from '../credentials/passkey/item.ts';
import {
  beginPasskeyRegistration,
  finishPasskeyRegistration,
  passkeyByRef,
  type RegistrationOutcome,
} from '../credentials/passkey/registration.ts';
import { passkey } from '../credentials/passkey/strategy.ts';
import { password } from '../credentials/password/strategy.ts';
import { codesLeft, recoveryCodes, regenerateRecoveryCodes } from '../credentials/recovery-codes/strategy.ts';
import { SECOND_STEPS, secondStep } from '../credentials/registry.ts';
import { type Method, type MethodStatus, type Strength, stronger } from '../credentials/strategy.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  type TotpEnrolment,
  totp,
} from '../credentials/totp/strategy.ts';
import type { DomainDeps } from '../deps.ts';
import { type AttemptContext, audit, auditTenant } from '../deps.ts';
import { argon2Hasher } from '../password-hash.ts';
import { checkPassword, type Violation } from '../password-policy.ts';
import { type Credential, NotFound, type User } from '../ports.ts';
import { type AccountChange, notifyUser } from './notify.ts';
import { mfaRequirement } from './policy.ts';
import { hasAnyFactor, methodsIn } from './sign-in.ts';

/**
 * Self-service account settings (the /account page) and the administrator's MFA reset. Every change
 * is an audit event and a notification e-mail to the user, so a hijacked session can't quietly
 * swap the factors; the e-mail is in `locale`, the language of the page the change was made on.
 */
/** One second step on the account page: its status, in registry order. */
export interface MethodView extends MethodStatus {
  method: Method;
}

export interface FactorOverview {
  /** The methods the deployment offers, and recovery codes once there is a factor for them to back up. */
  methods: MethodView[];
  /** Whether any factor (not counting recovery codes) is set up. */
  hasFactor: boolean;
}

async function user(deps: DomainDeps, userId: string): Promise<User> {
  const u = await deps.users.findById(userId);
  if (!u || u.disabled) throw new NotFound();
  return u;
}

const notify = (deps: DomainDeps, u: User, what: AccountChange, context?: AttemptContext, locale?: Locale) =>
  notifyUser(deps, u, what, { ...(context ? { context } : {}), ...(locale ? { locale } : {}) });

/** What a user has set up, read in one Query and asked of every second-step strategy. */
export async function factorOverview(deps: DomainDeps, userId: string): Promise<FactorOverview> {
  const credentials = await deps.credentials.list(userId);
  const all = SECOND_STEPS.map((s) => ({ method: s.method, ...s.status(credentials) }));
  const hasFactor = all.some((m) => m.on && secondStep(m.method)?.strength !== 'backup');
  const offered = (m: MethodView) =>
    secondStep(m.method)?.strength === 'backup'
      ? hasFactor
      : (deps.config.mfa.factors as readonly string[]).includes(m.method);
  return { methods: all.filter(offered), hasFactor };
}

/** The status of each second step by name (tests, and callers that ask about one method). */
export async function factorSummary(deps: DomainDeps, userId: string): Promise<Record<Method, MethodStatus>> {
  const credentials = await deps.credentials.list(userId);
  return Object.fromEntries(SECOND_STEPS.map((s) => [s.method, s.status(credentials)])) as Record<
    Method,
    MethodStatus
  >;
}

/** `owner`: the account-page session enrolling; only it sees and may confirm the key. */
export async function startTotp(deps: DomainDeps, userId: string, owner: string): Promise<TotpEnrolment> {
  return beginTotpEnrolment(deps, await user(deps, userId), owner);
}

/**
 * Confirms a new authenticator (the code counts towards the lockout like any guess); the first
 * factor of a user also gets recovery codes (returned once).
 */
export async function finishTotp(
  deps: DomainDeps,
  input: { userId: string; code: string; owner: string; context?: AttemptContext; locale?: Locale },
): Promise<string[] | null> {
  const { userId } = input;
  const u = await user(deps, userId);
  if (!deps.config.mfa.factors.includes('totp')) return null;
  if (!(await confirmTotpEnrolment(deps, { ...input, actor: userId }))) return null;
  const codes =
    codesLeft(await deps.credentials.list(userId)) === 0
      ? await regenerateRecoveryCodes(deps, { userId, actor: userId })
      : [];
  await notify(deps, u, 'totpAdded', input.context, input.locale);
  return codes;
}

/**
 * Options for adding a passkey in account-page session `session` (its challenge is bound to it);
 * null when passkeys are not offered or the user has the most they may keep.
 */
export async function startPasskey(deps: DomainDeps, userId: string, session: string) {
  return beginPasskeyRegistration(deps, { user: await user(deps, userId), session });
}

/**
 * Stores a new passkey from the browser's answer (see finishPasskeyRegistration for the checks),
 * mails the user, and gives a first factor its recovery codes (returned once, as for an authenticator).
 */
export async function addPasskey(
  deps: DomainDeps,
  input: {
    userId: string;
    session: string;
    response: string;
    name: string;
    context?: AttemptContext;
    locale?: Locale;
  },
): Promise<RegistrationOutcome & { codes?: string[] }> {
  const u = await user(deps, input.userId);
  if (!deps.config.mfa.factors.includes('passkey')) return { ok: false, reason: 'invalid' };
  const outcome = await finishPasskeyRegistration(deps, input);
  if (!outcome.ok) return outcome;
  const codes =
    codesLeft(await deps.credentials.list(u.id)) === 0
      ? await regenerateRecoveryCodes(deps, { userId: u.id, actor: u.id })
      : [];
  await notify(deps, u, 'passkeyAdded', input.context, input.locale);
  return { ...outcome, codes };
}

/** Removes one passkey under the same rule as every factor (switchOff): a user held to MFA keeps one of the strength demanded. */
export async function removePasskey(
  deps: DomainDeps,
  input: { userId: string; ref: string; context?: AttemptContext; locale?: Locale },
): Promise<FactorChange> {
  const u = await user(deps, input.userId);
  const found = passkeyByRef(await deps.credentials.list(u.id), input.ref);
  if (!found) throw new NotFound();
  const ref = { type: passkey.method, key: found.key } as const;
  const outcome = await switchOff(
    deps,
    u,
    (credentials) => credentials.filter((c) => !(c.type === ref.type && c.key === ref.key)),
    async () => {
      await deps.credentials.delete(u.id, ref);
      const event = { outcome: 'success', actor: u.id, target: u.id, tenant: auditTenant(u) } as const;
      await audit(
        deps,
        { type: 'mfa.passkey.removed', ...event, details: { credential: shortId(found.id) } },
        input.context,
      );
    },
  );
  if (outcome === 'done') await notify(deps, u, 'passkeyRemoved', input.context, input.locale);
  return outcome;
}

/**
 * The strength MFA policy demands of this user, taken over every app they hold a role in (and the
 * deployment-wide rules and their tenant's requirement), or null when nothing demands a factor. A user held to it keeps at least one
 * factor of that strength: otherwise their next sign-in would offer enrolment to anyone with the
 * password.
 */
async function mandatedStrength(deps: DomainDeps, u: User): Promise<Strength | null> {
  const [userRoles, tenant] = await Promise.all([deps.roles.allRoles(u.id), deps.tenantSettings(u.tenantId)]);
  const tenantRequires = tenant?.requireMfa;
  const clientIds = [...new Set(userRoles.map((r) => r.clientId))];
  const clients = await Promise.all(clientIds.map((id) => deps.clients.get(id)));
  const apps = [
    { clientId: '', clientRequires: false },
    ...clientIds.map((clientId, i) => ({ clientId, clientRequires: clients[i]?.requireMfa === true })),
  ];
  let strongest: Strength | null = null;
  for (const app of apps) {
    const requirement = mfaRequirement({
      config: deps.config.mfa,
      ...app,
      ...(tenantRequires ? { tenantRequires } : {}),
      userRequires: u.requireMfa === true,
      userOptedIn: false,
      userRoles,
      requested: null,
    });
    if (requirement.required)
      strongest = strongest ? stronger(strongest, requirement.strength) : requirement.strength;
  }
  return strongest;
}

/** `busy`: another change to this user's factors is under way (try again); `not_offered`: configuration. */
export type FactorChange = 'done' | 'last_factor_required' | 'busy' | 'not_offered';

/** How long a factor change may hold the user's lease before another may take it. */
const CHANGE_LEASE_MS = 30_000;

/**
 * Switches one factor off, unless policy holds the user to a factor and none of that strength would
 * be left. Check and change run under the user's lease, so two requests switching off different
 * factors at once cannot both pass the check. With no factor left the recovery codes go too: they
 * only back up a factor.
 */
async function switchOff(
  deps: DomainDeps,
  u: User,
  without: (factors: readonly Credential[]) => readonly Credential[],
  off: () => Promise<void>,
): Promise<FactorChange> {
  const now = deps.clock.now().getTime();
  const until = now + CHANGE_LEASE_MS;
  if (!(await deps.credentials.lockChanges(u.id, now, until))) return 'busy';
  try {
    const after = without(await deps.credentials.list(u.id));
    const mandated = await mandatedStrength(deps, u);
    if (mandated && methodsIn(deps.config, after, mandated).length === 0) return 'last_factor_required';
    await off();
    if (methodsIn(deps.config, after, 'any').length === 0) await recoveryCodes.remove(deps, u.id);
    return 'done';
  } finally {
    await deps.credentials.unlockChanges(u.id, until);
  }
}

export async function removeTotp(deps: DomainDeps, userId: string, locale?: Locale): Promise<FactorChange> {
  const u = await user(deps, userId);
  const outcome = await switchOff(
    deps,
    u,
    (credentials) => credentials.filter((c) => c.type !== 'totp'),
    async () => {
      await totp.remove(deps, userId);
      const event = { outcome: 'success', actor: userId, target: userId, tenant: auditTenant(u) } as const;
      await audit(deps, { type: 'mfa.totp.removed', ...event });
    },
  );
  if (outcome === 'done') await notify(deps, u, 'totpRemoved', undefined, locale);
  return outcome;
}

export async function switchEmailCodes(
  deps: DomainDeps,
  userId: string,
  enabled: boolean,
  locale?: Locale,
): Promise<FactorChange> {
  const u = await user(deps, userId);
  const change = () => setEmailCodes(deps, { userId, enabled, actor: userId });
  let outcome: FactorChange;
  if (!enabled)
    outcome = await switchOff(
      deps,
      u,
      (credentials) => credentials.filter((c) => c.type !== 'email'),
      change,
    );
  else if (!deps.config.mfa.factors.includes('email')) outcome = 'not_offered';
  else outcome = await change().then(() => 'done' as const);
  if (outcome === 'done')
    await notify(deps, u, enabled ? 'emailCodesOn' : 'emailCodesOff', undefined, locale);
  return outcome;
}

/** New recovery codes replace the old ones; null when the user has no factor for them to back up. */
export async function newRecoveryCodes(
  deps: DomainDeps,
  userId: string,
  locale?: Locale,
): Promise<string[] | null> {
  const u = await user(deps, userId);
  if (!(await hasAnyFactor(deps, userId))) return null;
  const codes = await regenerateRecoveryCodes(deps, { userId, actor: userId });
  await notify(deps, u, 'recoveryCodesNew', undefined, locale);
  return codes;
}

/**
 * "Sign out everywhere": every session and refresh token of the user from before now ends (the same
 * mark a password reset sets), this browser's too; audited and mailed to the user.
 */
export async function endAllSessions(
  deps: DomainDeps,
  input: { userId: string; context?: AttemptContext; locale?: Locale },
): Promise<void> {
  const u = await user(deps, input.userId);
  await deps.users.endSessions(u.id, deps.clock.now().getTime());
  await audit(
    deps,
    { type: 'sessions.ended', outcome: 'success', actor: u.id, target: u.id, tenant: auditTenant(u) },
    input.context,
  );
  await notify(deps, u, 'sessionsEnded', input.context, input.locale);
}

export type PasswordChange =
  | { ok: true }
  | { ok: false; reason: 'wrong_password' }
  | { ok: false; reason: 'weak_password'; violations: Violation[] };

/**
 * The current password is required and checked through the attempt guard like a sign-in attempt
 * (lockout, audit of the lock), the password policy applies, and the change ends every other
 * session (credentialsChangedAt).
 */
export async function changeOwnPassword(
  deps: DomainDeps,
  input: { userId: string; current: string; next: string; context?: AttemptContext; locale?: Locale },
): Promise<PasswordChange> {
  const wrong = { ok: false, reason: 'wrong_password' } as const;
  const hasher = deps.hasher ?? argon2Hasher;
  const outcome = await guardAttempt(deps, {
    userId: input.userId,
    failureType: 'password.change',
    wrongReason: 'bad_password',
    ...(input.context ? { context: input.context } : {}),
    verify: (user) => password.verify(deps, { userId: user.id, uid: '', code: input.current, user }),
    completes: () => true,
  });
  if (!outcome.ok) return wrong;
  const u = outcome.user;
  const violations = checkPassword(input.next, deps.config.passwordPolicy, u.email);
  if (violations.length) return { ok: false, reason: 'weak_password', violations };
  const now = deps.clock.now().getTime();
  await deps.users.setPassword(u.id, await hasher.hash(input.next, deps.config.argon2), now);
  await audit(
    deps,
    { type: 'password.changed', outcome: 'success', actor: u.id, target: u.id, tenant: auditTenant(u) },
    input.context,
  );
  await notify(deps, u, 'passwordChanged', input.context, input.locale);
  return { ok: true };
}

/**
 * Administrator: removes every second factor (a user who lost their phone and codes) and ends the
 * user's sessions and refresh tokens, as a password reset does: whoever has the lost device may
 * still be signed in on it.
 */
export async function resetMfa(deps: DomainDeps, input: { userId: string; actor: string }): Promise<void> {
  const target = await user(deps, input.userId);
  for (const s of SECOND_STEPS) await s.remove(deps, input.userId);
  await deps.users.endSessions(input.userId, deps.clock.now().getTime());
  const event = {
    outcome: 'success',
    actor: input.actor,
    target: input.userId,
    tenant: auditTenant(target),
  } as const;
  await audit(deps, { type: 'mfa.reset', ...event });
}
