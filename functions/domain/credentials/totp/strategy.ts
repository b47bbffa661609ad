import { guardAttempt } from '../../attempt-guard.ts';
import type { DomainDeps } from '../../deps.ts';
import { type AttemptContext, audit, auditTenant } from '../../deps.ts';
import { DomainError } from '../../errors.ts';
import { digits, type SecondStep } from '../strategy.ts';
import { acceptStep, confirm, putUnconfirmed, readTotp, removeTotp, totpIn } from './item.ts';
import { loadOtp } from './otp.ts';

/**
 * TOTP (RFC 6238): 6 digits, 30-second steps, HMAC-SHA-1 (what authenticator apps implement).
 * Verification uses the injected clock, accepts the current step ±1 (§5.2, clock drift), and
 * rejects a code whose step is not newer than the last accepted one (replay), atomically.
 */
const PERIOD = 30;
const aad = (userId: string) => `totp:${userId}`;

/** The step a valid code belongs to, or null. */
async function matchingStep(deps: DomainDeps, secret: string, code: string): Promise<number | null> {
  const token = digits(code, 6);
  if (token === null) return null;
  const epoch = Math.floor(deps.clock.now().getTime() / 1000);
  const { verify } = await loadOtp();
  const result = await verify({
    secret,
    token,
    epoch,
    epochTolerance: PERIOD,
    period: PERIOD,
    digits: 6,
    algorithm: 'sha1',
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

export const totp: SecondStep = {
  method: 'totp',
  step: 'second',
  amr: ['otp'],
  strength: 'strong',
  // Offered by the configuration and confirmed: a half-enrolled secret is no way to sign in.
  usableIn: (config, credentials) =>
    config.mfa.factors.includes('totp') && totpIn(credentials)?.confirmed === true,
  status: (credentials) => ({ on: totpIn(credentials)?.confirmed === true }),
  async verify(deps, { userId, code }) {
    const stored = await readTotp(deps, userId);
    if (!stored?.confirmed) return false;
    const step = await matchingStep(deps, await deps.box.open(stored.secretSealed, aad(userId)), code);
    if (step === null) return false;
    if (await acceptStep(deps, userId, step)) return true;
    // Right code, used step (RFC 6238 §5.2): refused, and the user is told to wait for the next one.
    const after = await readTotp(deps, userId);
    return after?.confirmed && after.lastStep >= step ? 'replayed' : false;
  },
  async remove(deps, userId) {
    await removeTotp(deps, userId);
  },
};

export class TotpAlreadyEnrolled extends DomainError {
  override name = 'TotpAlreadyEnrolled';
  constructor() {
    super('already_enrolled');
  }
}

export interface TotpEnrolment {
  /** Base32, shown once for manual entry; never returned after enrolment is confirmed. */
  secret: string;
  /** otpauth:// URI for the QR code (Key Uri Format). */
  uri: string;
}

/** How long a started enrolment may be finished; after that it is a new enrolment with a new key. */
export const ENROLMENT_TTL_MS = 15 * 60 * 1000;

/**
 * Starts enrolment for one `owner` (a sign-in or an account-page session). The key is shown to that
 * owner only: its own page reloads get the same key until it expires, and any other owner (another
 * sign-in, another session) gets a new key, which replaces the unfinished one. So a key glimpsed in
 * an abandoned enrolment never becomes the user's authenticator.
 */
export async function beginTotpEnrolment(
  deps: DomainDeps,
  user: { id: string; email: string },
  owner: string,
): Promise<TotpEnrolment> {
  const existing = await readTotp(deps, user.id);
  if (existing?.confirmed) throw new TotpAlreadyEnrolled();
  const now = deps.clock.now().getTime();
  const { generateSecret, generateURI } = await loadOtp();
  let secret: string;
  if (existing && existing.owner === owner && (existing.enrolUntil ?? 0) > now) {
    secret = await deps.box.open(existing.secretSealed, aad(user.id));
  } else {
    secret = generateSecret();
    const sealed = await deps.box.seal(secret, aad(user.id));
    const stored = await putUnconfirmed(deps, user.id, {
      secretSealed: sealed,
      createdAt: now,
      owner,
      enrolUntil: now + ENROLMENT_TTL_MS,
    });
    if (!stored) throw new TotpAlreadyEnrolled();
  }
  const issuer = `Sesame (${new URL(deps.config.issuer).host})`;
  return {
    secret,
    uri: generateURI({ issuer, label: user.email, secret, period: PERIOD, digits: 6, algorithm: 'sha1' }),
  };
}

/**
 * Completes enrolment only with a valid code from the new authenticator, for the owner that started
 * it and before it expired; that step counts as used. The code is a guess like any other: it goes
 * through the attempt guard, so wrong codes count towards the lockout.
 */
export async function confirmTotpEnrolment(
  deps: DomainDeps,
  input: { userId: string; code: string; owner: string; actor: string; context?: AttemptContext },
): Promise<boolean> {
  // The guard's verification only checks the code; the authenticator is bound after the guard has
  // let the attempt through. Binding it inside the check would leave it bound when concurrent wrong
  // codes lock the account in between and the guard refuses (no audit, no mail, no recovery codes).
  let matched: { secretSealed: string; step: number } | null = null;
  const outcome = await guardAttempt(deps, {
    userId: input.userId,
    failureType: 'mfa.failure',
    wrongReason: 'bad_enrolment_code',
    ...(input.context ? { context: input.context } : {}),
    completes: () => true,
    verify: async () => {
      const stored = await readTotp(deps, input.userId);
      const now = deps.clock.now().getTime();
      if (!stored || stored.confirmed || stored.owner !== input.owner || (stored.enrolUntil ?? 0) <= now)
        return false;
      const secret = await deps.box.open(stored.secretSealed, aad(input.userId));
      const step = await matchingStep(deps, secret, input.code);
      if (step === null) return false;
      matched = { secretSealed: stored.secretSealed, step };
      return true;
    },
  });
  if (!outcome.ok || matched === null) return false;
  const { secretSealed, step } = matched;
  // Conditional on the key checked above: a concurrent confirmation or a new enrolment wins, and then
  // this one binds nothing.
  if (!(await confirm(deps, input.userId, secretSealed, step))) return false;
  await audit(
    deps,
    {
      type: 'mfa.totp.enrolled',
      outcome: 'success',
      actor: input.actor,
      target: input.userId,
      tenant: auditTenant(outcome.user),
    },
    input.context,
  );
  return true;
}
