import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SecretBox, SecretStore } from '../../domain/ports.ts';
import { type RefreshOptions, refreshEvery } from './refresh.ts';

/**
 * The MFA key set, generated once and kept in the SecretStore (Secrets Manager, KMS-encrypted, on
 * AWS: the deploy-time keygen creates it through provisionKeys). `aead[0]` encrypts; older keys
 * stay to decrypt what they sealed (nothing is re-sealed). `mac` is never rotated: recovery-code and
 * e-mail-code hashes are looked up by value. Rotation (infra/rotation) appends a new AEAD key and
 * moves it to the front only once every container has read it.
 */
export interface MfaKeys {
  aead: Array<{ kid: string; key: string }>;
  mac: string;
}

export const MFA_KEYS_SECRET = 'mfa-keys';

/** A new AES-256-GCM key with a random 8-hex-digit id (written into every value it seals). */
export function newAeadKey(): MfaKeys['aead'][number] {
  return { kid: randomBytes(4).toString('hex'), key: randomBytes(32).toString('base64url') };
}

export async function generateMfaKeys(): Promise<MfaKeys> {
  return { aead: [newAeadKey()], mac: randomBytes(32).toString('base64url') };
}

export class SealedValueInvalid extends Error {
  override name = 'SealedValueInvalid';
}

/**
 * AES-256-GCM (96-bit random IV, 128-bit tag) and HMAC-SHA-256, keys loaded on first use and re-read
 * at most every 5 minutes (refreshEvery), so a rotated AEAD key is known without a container recycle.
 */
export function secretBox(secrets: SecretStore, refresh: RefreshOptions = {}): SecretBox {
  const keys = refreshEvery(() => secrets.getOrCreate(MFA_KEYS_SECRET, generateMfaKeys), refresh);
  return {
    async seal(plaintext, aad) {
      const current = (await keys()).aead[0];
      if (!current) throw new SealedValueInvalid('no encryption key');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', Buffer.from(current.key, 'base64url'), iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return ['v1', current.kid, iv.toString('base64url'), body.toString('base64url')].join('.');
    },
    async open(sealed, aad) {
      const [version, kid, iv, body] = sealed.split('.');
      const key = (await keys()).aead.find((k) => k.kid === kid);
      if (version !== 'v1' || !key || !iv || !body) throw new SealedValueInvalid('unknown format or key');
      const data = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        Buffer.from(key.key, 'base64url'),
        Buffer.from(iv, 'base64url'),
        { authTagLength: 16 }, // a shorter tag would weaken the check (and Node warns, DEP0182)
      );
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    },
    async digest(value) {
      return createHmac('sha256', Buffer.from((await keys()).mac, 'base64url'))
        .update(value)
        .digest('base64url');
    },
  };
}
