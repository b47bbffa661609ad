/**
 * Authentication context class references Sesame puts in ID tokens (`acr`), with the RFC 8176
 * `amr` values that go with them. Apps compare `acr` to decide whether a sign-in was strong enough.
 */
export const ACR = {
  password: 'urn:sesame:acr:pwd',
} as const;
