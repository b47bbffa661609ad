import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { generateMfaKeys, MFA_KEYS_SECRET, newAeadKey } from '../adapters/secrets/secret-box.ts';
import type { KeyMaker } from '../domain/keys/key-sets.ts';
import type { SecretStore } from '../domain/ports.ts';

/**
 * Signing keys (RS256 for compatibility — OIDC's mandatory algorithm — and ES256, cheaper to sign)
 * and cookie-signing keys are generated on first start and persisted through the SecretStore, so
 * every Lambda instance signs with the same keys and the library's development keys are never used.
 * oidc-provider signs with the first key of each algorithm and publishes every key; the cookies are
 * signed with the first cookie key and checked against all. Rotation (infra/rotation): a new key is
 * published at the end, moved to the front later, and the old one removed once nothing it signed
 * is still valid.
 */
export interface ProviderKeys {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

export const SIGNING_KEYS_SECRET = 'oidc-signing-keys';
export const COOKIE_KEYS_SECRET = 'cookie-keys';
/** The algorithms a new deployment signs with. */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256'] as const;

/** A new private signing JWK for `alg` (RSA keys 2048 bits), with `alg`, `use` and a random `kid`. */
export async function newSigningKey(alg: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}),
  });
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomUUID()}` };
}

/** A new cookie-signing key: 256 random bits. */
export function newCookieKey(): string {
  return randomBytes(32).toString('base64url');
}

export async function loadProviderKeys(secrets: SecretStore): Promise<ProviderKeys> {
  const [jwks, cookieKeys] = await Promise.all([
    secrets.getOrCreate(SIGNING_KEYS_SECRET, async () => ({
      keys: await Promise.all(SIGNING_ALGORITHMS.map(newSigningKey)),
    })),
    secrets.getOrCreate(COOKIE_KEYS_SECRET, async () => [newCookieKey()]),
  ]);
  return { jwks, cookieKeys };
}

/**
 * Creates every key secret that is not there yet (the deploy-time keygen): the provider's two and the
 * MFA keys, which the secret box reads on its own (functions/adapters/secrets/secret-box.ts).
 */
export async function provisionKeys(secrets: SecretStore): Promise<void> {
  await Promise.all([loadProviderKeys(secrets), secrets.getOrCreate(MFA_KEYS_SECRET, generateMfaKeys)]);
}

/** New keys for the rotation (functions/domain/keys/rotation.ts), made as the keygen makes them. */
export const keyMaker: KeyMaker = {
  async signingKey(alg) {
    const jwk = await newSigningKey(alg);
    return { ...jwk, kid: String(jwk.kid), alg };
  },
  cookieKey: newCookieKey,
  aeadKey: newAeadKey,
};
