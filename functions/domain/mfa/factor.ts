import type { DomainDeps } from '../deps.ts';
import type { FactorSummary } from '../ports.ts';

/** The second-factor methods. Which `acr`/`amr` each yields is decided in functions/oidc/acr.ts. */
export type Method = 'totp' | 'email' | 'recovery';

/**
 * `strong`: TOTP and recovery codes. `email`: e-mailed codes, which NIST SP 800-63B-4 §3.1.3.1 does
 * not accept for out-of-band authentication — apps and policy can demand `strong`.
 */
export type Strength = 'any' | 'strong';

export interface VerifyInput {
  userId: string;
  /** The interaction the code is for: e-mail codes are bound to it. */
  uid: string;
  code: string;
}

/**
 * One second factor, as a plugin: the sign-in flow iterates over these instead of special-casing
 * each. Enrolment differs too much between factors to share a signature (an authenticator needs a
 * confirmation code, e-mail codes an opt-in, recovery codes are generated), so each factor's file
 * exports its own enrolment functions next to its `SecondFactor`.
 */
export interface SecondFactor {
  method: Method;
  /** True when `strong`-only sign-ins may use it. */
  strong: boolean;
  /**
   * Whether a user with these factors can sign in with it (the configuration may not offer it). Pure:
   * the sign-in reads every factor of a user in one request (FactorStore.summary) and asks each.
   */
  usableIn(config: DomainDeps['config'], factors: FactorSummary): boolean;
  /**
   * Checks a code; single use and replay protection are the factor's job. Never touches the lockout.
   * 'replayed': a code that was right for a time step already used (TOTP), refused without being a guess.
   */
  verify(deps: DomainDeps, input: VerifyInput): Promise<boolean | 'replayed'>;
  remove(deps: DomainDeps, userId: string): Promise<void>;
}

/** Digits only, exact length: anything else is a wrong code without further work. */
export function digits(code: string, length: number): string | null {
  const trimmed = code.replace(/\s+/g, '');
  return new RegExp(`^\\d{${length}}$`).test(trimmed) ? trimmed : null;
}
