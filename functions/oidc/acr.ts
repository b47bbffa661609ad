import { amrOf } from '../domain/credentials/registry.ts';
import type { FirstStep, Method, Strength } from '../domain/credentials/strategy.ts';

/**
 * Authentication context class references Sesame puts in ID tokens (`acr`), with the RFC 8176
 * `amr` values that go with them. Apps compare `acr` to decide whether a sign-in was strong enough.
 *
 * | acr                       | how                                   | amr                 |
 * |---------------------------|---------------------------------------|---------------------|
 * | urn:sesame:acr:pwd        | password only                         | pwd                 |
 * | urn:sesame:acr:mfa:email  | password + e-mailed code (weaker)     | pwd, otp, mfa       |
 * | urn:sesame:acr:mfa        | password + TOTP or a recovery code    | pwd, otp, mfa       |
 * | urn:sesame:acr:mfa:phr    | password + a passkey (phishing-resistant) | pwd, hwk or swk, user, mfa |
 * | urn:sesame:acr:mfa:phr    | a passkey alone, the user verified by it | hwk or swk, user, mfa |
 * | urn:sesame:acr:fed        | a company's identity provider only    | fed                 |
 * | urn:sesame:acr:fed:mfa    | … that proved MFA the connection trusts | fed, mfa          |
 *
 * A federated sign-in that then passes a Sesame second factor gets that factor's acr (`mfa` or
 * `mfa:email`) with `fed` in its amr. `fed` ranks with the password, `fed:mfa` with `mfa`.
 *
 * RFC 8176 has no value for e-mail codes; they are one-time passwords (`otp`), so the acr is what
 * tells them apart (NIST SP 800-63B-4 §3.1.3.1 does not accept e-mail as an out-of-band factor).
 * A passkey's signature is bound to Sesame's origin, so a look-alike site can't relay it: the
 * phishing-resistant authenticator of NIST SP 800-63B-4 §3.2.5, the strongest value. Its `amr` says
 * whether the key is hardware-held (`hwk`, a device-bound credential) or may be synced (`swk`), and
 * `user` for the user-presence test every WebAuthn assertion carries (RFC 8176 §2).
 */
export const ACR = {
  password: 'urn:sesame:acr:pwd',
  mfaEmail: 'urn:sesame:acr:mfa:email',
  mfa: 'urn:sesame:acr:mfa',
  phishingResistant: 'urn:sesame:acr:mfa:phr',
  federated: 'urn:sesame:acr:fed',
  federatedMfa: 'urn:sesame:acr:fed:mfa',
} as const;

/**
 * 0: one factor, 1: a second factor of any strength, 2: a strong one, 3: a phishing-resistant one.
 * An app asking for a level accepts anything at least as strong.
 */
const LEVEL: Record<string, 0 | 1 | 2 | 3> = {
  [ACR.password]: 0,
  [ACR.federated]: 0,
  [ACR.mfaEmail]: 1,
  [ACR.mfa]: 2,
  [ACR.federatedMfa]: 2,
  [ACR.phishingResistant]: 3,
};
const BY_LEVEL: readonly (Strength | null)[] = [null, 'any', 'strong', 'phishing-resistant'];
const levelOf = (acr: string): number => (Object.hasOwn(LEVEL, acr) ? (LEVEL[acr] as number) : -1);

/** The acr of a sign-in by the strength its second factor proved (none: the password alone). */
export function acrFor(proven: Strength | null): string {
  if (proven === null) return ACR.password;
  return { any: ACR.mfaEmail, strong: ACR.mfa, 'phishing-resistant': ACR.phishingResistant }[proven];
}

/** RFC 8176 `amr` of a sign-in with this first step and second step (or none), from the strategies' own values. */
export function amrFor(
  method: Method | null,
  first: FirstStep = 'password',
  used?: readonly string[],
): string[] {
  return amrOf(first, method, used);
}

/**
 * What `acr_values` (OIDC Core §3.1.2.1, space-separated, in order of preference) demands: the
 * weakest known value listed is enough. Unknown values are ignored; null means a password will do.
 */
export function requestedStrength(acrValues: unknown): Strength | null {
  if (typeof acrValues !== 'string') return null;
  const ranks = acrValues
    .split(' ')
    .map(levelOf)
    .filter((r) => r >= 0);
  if (ranks.length === 0) return null;
  return BY_LEVEL[Math.min(...ranks)] ?? null;
}

/** Whether a session signed in with `acr` satisfies `wanted`. */
export function satisfies(acr: string | undefined, wanted: Strength | null): boolean {
  if (wanted === null) return true;
  return levelOf(acr ?? '') >= BY_LEVEL.indexOf(wanted);
}
