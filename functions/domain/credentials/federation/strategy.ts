import type { CredentialStrategy } from '../strategy.ts';

/**
 * An upstream identity (Entra ID, Okta, any OIDC provider): a first step like the password, proven
 * by the upstream's ID token at the federation callback (domain/federation/sign-in.ts), with the
 * identity link as the credential (LinkStore). Nothing is typed at Sesame, so there is nothing for
 * `verify` to check: it refuses, and the callback is the only way this step passes. Its `amr` is
 * RFC 8176's `fed`; whether the upstream's own MFA counts is the connection's `trustMfa`.
 */
export const federation = {
  method: 'federation' as const,
  step: 'first' as const,
  amr: ['fed'],
  strength: 'any' as const,
  usableIn: () => false,
  verify: async () => false,
} satisfies CredentialStrategy<'federation'>;
