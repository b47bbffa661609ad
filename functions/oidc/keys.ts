import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { generateMfaKeys, MFA_KEYS_SECRET } from '../adapters/secrets/secret-box.ts';
import type { SecretStore } from '../domain/ports.ts';

/**
 * Signing keys (RS256 for compatibility — OIDC's mandatory algorithm — and ES256, cheaper to sign)
 * and cookie-signing keys are generated on first start and persisted through the SecretStore, so
 * every Lambda instance signs with the same keys and the library's development keys are never used.
 * Rotation: add a new key in front (it signs); keep old ones in the list until their tokens expire.
 */
export interface ProviderKeys {
  jwks: { keys: JWK[] };
  cookieKeys: string[];
}

async function privateJwk(alg: 'RS256' | 'ES256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
  });
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomUUID()}` };
}

export async function loadProviderKeys(secrets: SecretStore): Promise<ProviderKeys> {
  const [jwks, cookieKeys] = await Promise.all([
    secrets.getOrCreate('oidc-signing-keys', async () => ({
      keys: [await privateJwk('RS256'), await privateJwk('ES256')],
    })),
    secrets.getOrCreate('cookie-keys', async () => [randomBytes(32).toString('base64url')]),
    // Not used by the provider itself: loaded here so the deploy-time keygen provisions it too.
    secrets.getOrCreate(MFA_KEYS_SECRET, generateMfaKeys),
  ]);
  return { jwks, cookieKeys };
}
