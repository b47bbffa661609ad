import type { Method, Strength } from '../../config/methods.ts';
import type { DomainDeps } from '../deps.ts';
import type { Credential, User } from '../ports.ts';

/**
 * A credential strategy is one way of proving who you are: a password, an authenticator app, an
 * e-mailed code, a recovery code — and later a passkey or an upstream identity. Each lives in its own
 * folder beside this file and is listed once in `registry.ts`; the sign-in flow, the strength rules,
 * `amr` and the second-step page iterate over the registry instead of naming strategies. See
 * docs/architecture.md for how one is added.
 */

/**
 * The second-step strategies' names (functions/config/methods.ts): the `method` of forms, audit
 * events and pending sign-ins.
 */
export type { Method };
/** The first steps: a password, or an upstream identity (federation). */
export type FirstStep = 'password' | 'federation';
export type StrategyId = FirstStep | Method;

export { atLeast, stronger } from '../../config/methods.ts';
/**
 * `phishing-resistant`: a passkey. `strong`: TOTP (and recovery codes backing it). `any`: e-mailed
 * codes too, which NIST SP 800-63B-4 §3.1.3.1 does not accept for out-of-band authentication — apps
 * and policy can demand more.
 */
export type { Strength };

export interface VerifyInput {
  userId: string;
  /** The interaction the code is for: e-mail codes are bound to it. */
  uid: string;
  code: string;
  /** The user as the attempt guard read it (a password strategy needs its hash). */
  user?: User;
  /**
   * Told the `amr` values of this very use, where they depend on it (a passkey: a hardware- or a
   * software-held key); otherwise the strategy's own `amr` stand. `details`: what the audit event of
   * the use records about it (a passkey: whether the user was verified, which key).
   */
  used?: (amr: readonly string[], details?: Record<string, string | boolean>) => void;
}

export interface CredentialStrategy<Id extends StrategyId = StrategyId> {
  method: Id;
  /**
   * `first` proves who the user is and starts a sign-in; `second` is a further factor after a first
   * (and the step-up of an existing session).
   */
  step: 'first' | 'second';
  /** The RFC 8176 `amr` values a successful use adds to the tokens. */
  amr: readonly string[];
  /**
   * As a second step: `phishing-resistant` reaches `urn:sesame:acr:mfa:phr`, `strong`
   * `urn:sesame:acr:mfa`, `any` only `urn:sesame:acr:mfa:email`, `backup` (recovery codes) is as
   * strong as the strongest other second step the user has — but never phishing-resistant: a typed
   * code can be phished — and is no way in alone.
   */
  strength: Strength | 'backup';
  /**
   * Whether a user with these credentials can use it (the configuration may not offer it). Pure: a
   * sign-in reads every credential of a user in one request (CredentialStore.list) and asks each
   * strategy, which looks at its own items only.
   */
  usableIn(config: DomainDeps['config'], credentials: readonly Credential[]): boolean;
  /**
   * Checks a secret; single use and replay protection are the strategy's job, the lockout is the
   * attempt guard's (every caller goes through domain/attempt-guard.ts). 'replayed': a code that was
   * right for a time step already used (TOTP), refused without being a guess.
   */
  verify(deps: DomainDeps, input: VerifyInput): Promise<boolean | 'replayed'>;
  /** Takes it away from the user (an administrator's MFA reset removes every second step). */
  remove?(deps: DomainDeps, userId: string): Promise<void>;
}

/** What a user has of one second step, as the account page and `user show` present it. */
export interface MethodStatus {
  /** Set up (a confirmed authenticator, e-mail codes switched on, recovery codes left). */
  on: boolean;
  /** How many are left, for strategies that are used up (recovery codes). */
  left?: number;
  /** The user's several credentials of it, where they keep more than one (passkeys); absent when none. */
  items?: MethodItem[];
  /** No more can be added (a user keeps at most 10 passkeys). */
  full?: boolean;
}

/** One credential of a user, as the account page and `user show` list it: no key material, no secret. */
export interface MethodItem {
  /** Names it in the account page's forms (not a secret, not a credential id). */
  ref: string;
  name: string;
  /** What made it, where known (a passkey's authenticator by its AAGUID). */
  kind?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  lastUsedAt?: number;
}

/**
 * A second step can always be taken away again (by the user, or an administrator's MFA reset), and
 * says what the user has of it.
 */
export type SecondStep = CredentialStrategy<Method> &
  Required<Pick<CredentialStrategy, 'remove'>> & {
    status(credentials: readonly Credential[]): MethodStatus;
  };

/** Digits only, exact length: anything else is a wrong code without further work. */
export function digits(code: string, length: number): string | null {
  const trimmed = code.replace(/\s+/g, '');
  return new RegExp(`^\\d{${length}}$`).test(trimmed) ? trimmed : null;
}
