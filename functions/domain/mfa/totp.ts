import { generateSecret, generateURI, verify } from 'otplib';
import { audit } from '../deps.ts';
import { digits, type MfaDeps, type SecondFactor } from './factor.ts';

/**
 * TOTP (RFC 6238): 6 digits, 30-second steps, HMAC-SHA-1 (what authenticator apps implement).
 * Verification uses the injected clock, accepts the current step ±1 (§5.2, clock drift), and
 * rejects a code whose step is not newer than the last accepted one (replay), atomically.
 */
const PERIOD = 30;
const aad = (userId: string) => `totp:${userId}`;

/** The step a valid code belongs to, or null. */
async function matchingStep(deps: MfaDeps, secret: string, code: string): Promise<number | null> {
  const token = digits(code, 6);
  if (token === null) return null;
  const epoch = Math.floor(deps.clock.now().getTime() / 1000);
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

export const totp: SecondFactor = {
  method: 'totp',
  strong: true,
  // Offered by the configuration and confirmed: a half-enrolled secret is no way to sign in.
  usableIn: (config, factors) => config.mfa.factors.includes('totp') && factors.totp,
  async verify(deps, { userId, code }) {
    const stored = await deps.factors.getTotp(userId);
    if (!stored?.confirmed) return false;
    const step = await matchingStep(deps, await deps.box.open(stored.secretSealed, aad(userId)), code);
    return step !== null && deps.factors.acceptTotpStep(userId, step);
  },
  async remove(deps, userId) {
    await deps.factors.removeTotp(userId);
  },
};

export class TotpAlreadyEnrolled extends Error {
  override name = 'TotpAlreadyEnrolled';
}

export interface TotpEnrolment {
  /** Base32, shown once for manual entry; never returned after enrolment is confirmed. */
  secret: string;
  /** otpauth:// URI for the QR code (Key Uri Format). */
  uri: string;
}

/** Starts (or resumes) enrolment: an unconfirmed secret is kept until confirmed or replaced. */
export async function beginTotpEnrolment(
  deps: MfaDeps,
  user: { id: string; email: string },
): Promise<TotpEnrolment> {
  const existing = await deps.factors.getTotp(user.id);
  if (existing?.confirmed) throw new TotpAlreadyEnrolled();
  let secret: string;
  if (existing) {
    secret = await deps.box.open(existing.secretSealed, aad(user.id));
  } else {
    secret = generateSecret();
    const stored = await deps.factors.putUnconfirmedTotp(
      user.id,
      await deps.box.seal(secret, aad(user.id)),
      deps.clock.now().getTime(),
    );
    if (!stored) throw new TotpAlreadyEnrolled();
  }
  const issuer = `Sesame (${new URL(deps.config.issuer).host})`;
  return {
    secret,
    uri: generateURI({ issuer, label: user.email, secret, period: PERIOD, digits: 6, algorithm: 'sha1' }),
  };
}

/** Completes enrolment only with a valid code from the new authenticator; that step counts as used. */
export async function confirmTotpEnrolment(
  deps: MfaDeps,
  input: { userId: string; code: string; actor: string },
): Promise<boolean> {
  const stored = await deps.factors.getTotp(input.userId);
  if (!stored || stored.confirmed) return false;
  const secret = await deps.box.open(stored.secretSealed, aad(input.userId));
  const step = await matchingStep(deps, secret, input.code);
  if (step === null || !(await deps.factors.confirmTotp(input.userId, stored.secretSealed, step)))
    return false;
  await audit(deps, {
    type: 'mfa.totp.enrolled',
    outcome: 'success',
    actor: input.actor,
    target: input.userId,
  });
  return true;
}
