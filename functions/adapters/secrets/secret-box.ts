import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SecretBox, SecretStore } from '../../domain/ports.ts';

/**
 * The MFA key set, generated once and kept in the SecretStore (Secrets Manager, KMS-encrypted, on
 * AWS: the deploy-time keygen creates it through loadProviderKeys). `aead[0]` encrypts; older keys
 * stay to decrypt until every secret was re-enrolled. `mac` is never rotated: recovery-code and
 * e-mail-code hashes are looked up by value.
 */
export interface MfaKeys {
  aead: Array<{ kid: string; key: string }>;
  mac: string;
}

export const MFA_KEYS_SECRET = 'mfa-keys';

export async function generateMfaKeys(): Promise<MfaKeys> {
  return {
    aead: [{ kid: randomBytes(4).toString('hex'), key: randomBytes(32).toString('base64url') }],
    mac: randomBytes(32).toString('base64url'),
  };
}

export class SealedValueInvalid extends Error {
  override name = 'SealedValueInvalid';
}

/** AES-256-GCM (96-bit random IV, 128-bit tag) and HMAC-SHA-256, keys loaded on first use. */
export function secretBox(secrets: SecretStore): SecretBox {
  let loaded: Promise<MfaKeys> | undefined;
  const keys = () => {
    loaded ??= secrets.getOrCreate(MFA_KEYS_SECRET, generateMfaKeys);
    return loaded;
  };
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
