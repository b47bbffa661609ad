/**
 * The names of the second-step sign-in methods, once. The configuration (`SESAME_MFA_FACTORS`) may not
 * import the domain, so the list lives here; the registry in functions/domain/credentials/ is checked
 * against it at compile time (`satisfies Record<Method, …>`), so a method named here without a
 * strategy, or a strategy without a name here, does not build.
 */
export const OFFERABLE_METHODS = ['passkey', 'totp', 'email'] as const;

/** A second step a deployment can offer (`SESAME_MFA_FACTORS`). */
export type OfferableMethod = (typeof OFFERABLE_METHODS)[number];

/** Every second step: the offerable ones and recovery codes, which only back them up. */
export type Method = OfferableMethod | 'recovery';

/**
 * How strong a second step is, weakest first: `any` (e-mail codes too), `strong` (an authenticator
 * app), `phishing-resistant` (a passkey: a signature bound to Sesame's origin, NIST SP 800-63B-4
 * §3.2.5). The configuration (`SESAME_MFA_REQUIRED_STRENGTH`) names them, so they live here.
 */
export const STRENGTHS = ['any', 'strong', 'phishing-resistant'] as const;
export type Strength = (typeof STRENGTHS)[number];

/** Whether `proven` is at least as strong as `wanted`. */
export function atLeast(proven: Strength | undefined, wanted: Strength): boolean {
  return proven !== undefined && STRENGTHS.indexOf(proven) >= STRENGTHS.indexOf(wanted);
}

/** The stronger of two strengths. */
export function stronger(a: Strength, b: Strength): Strength {
  return atLeast(a, b) ? a : b;
}
