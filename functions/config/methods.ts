/**
 * The names of the second-step sign-in methods, once. The configuration (`SESAME_MFA_FACTORS`) may not
 * import the domain, so the list lives here; the registry in functions/domain/credentials/ is checked
 * against it at compile time (`satisfies Record<Method, …>`), so a method named here without a
 * strategy, or a strategy without a name here, does not build.
 */
export const OFFERABLE_METHODS = ['totp', 'email'] as const;

/** A second step a deployment can offer (`SESAME_MFA_FACTORS`). */
export type OfferableMethod = (typeof OFFERABLE_METHODS)[number];

/** Every second step: the offerable ones and recovery codes, which only back them up. */
export type Method = OfferableMethod | 'recovery';
