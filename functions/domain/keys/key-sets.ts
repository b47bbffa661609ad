/**
 * The three key secrets as the rotation sees them: an ordered list of keys, each in a group (the
 * signing keys' algorithm; one group for cookie and AEAD keys), where the first key of a group is
 * the one in use (it signs or seals) and the others only verify or open. The application reads the
 * same JSON (functions/oidc/keys.ts, functions/adapters/secrets/secret-box.ts); everything else in it
 * (the MAC key) is carried over untouched.
 */

export const KEY_SECRETS = ['oidc-signing-keys', 'cookie-keys', 'mfa-keys'] as const;
export type KeySecretName = (typeof KEY_SECRETS)[number];

/** A private JWK as stored: the rotation only looks at `kid` and `alg`. */
export type StoredJwk = { kid: string; alg: string } & Record<string, unknown>;
export type AeadKey = { kid: string; key: string };

/** Port: new key material, made by the code the keygen uses (functions/oidc/keys.ts, secret-box.ts). */
export interface KeyMaker {
  signingKey(alg: string): Promise<StoredJwk>;
  cookieKey(): string;
  aeadKey(): AeadKey;
}

/** The stored value is not a key set of that secret (still the deploy's placeholder, or hand-edited wrongly). */
export class KeySetUnreadable extends Error {
  override name = 'KeySetUnreadable';
  constructor(
    readonly secret: KeySecretName,
    reason: string,
  ) {
    super(`${secret}: ${reason}`);
  }
}

export interface KeySet<K = unknown> {
  readonly secret: KeySecretName;
  readonly keys: readonly K[];
  groupOf(key: K): string;
  /** A public name for logs and audit events (a key id), never key material; cookie keys have none. */
  idOf(key: K): string | undefined;
  /** A new key for `group`, unlike every key of the set. */
  fresh(group: string): Promise<K>;
  /** The secret's value with `keys` in place of the current ones. */
  withKeys(keys: readonly K[]): unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Reads a stored value as the key set of `secret`; throws KeySetUnreadable if it is not one. */
export function keySetOf(secret: KeySecretName, value: unknown, maker: KeyMaker): KeySet {
  const unreadable = (reason: string) => new KeySetUnreadable(secret, reason);
  switch (secret) {
    case 'oidc-signing-keys': {
      const keys = isObject(value) ? value.keys : undefined;
      if (!Array.isArray(keys) || keys.length === 0) throw unreadable('no "keys" list');
      if (!keys.every((k): k is StoredJwk => isObject(k) && isText(k.kid) && isText(k.alg)))
        throw unreadable('a key without "kid" or "alg"');
      const set: KeySet<StoredJwk> = {
        secret,
        keys,
        groupOf: (k) => k.alg,
        idOf: (k) => k.kid,
        fresh: (alg) => maker.signingKey(alg),
        withKeys: (next) => ({ ...(value as object), keys: next }),
      };
      return set as KeySet;
    }
    case 'cookie-keys': {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isText))
        throw unreadable('not a list of keys');
      const set: KeySet<string> = {
        secret,
        keys: value,
        groupOf: () => 'cookie',
        idOf: () => undefined,
        fresh: async () => unlike(value, maker.cookieKey, (k) => k),
        withKeys: (next) => [...next],
      };
      return set as KeySet;
    }
    case 'mfa-keys': {
      const aead = isObject(value) ? value.aead : undefined;
      if (!Array.isArray(aead) || aead.length === 0 || !isText((value as { mac?: unknown }).mac))
        throw unreadable('no "aead" list or no "mac"');
      if (!aead.every((k): k is AeadKey => isObject(k) && isText(k.kid) && isText(k.key)))
        throw unreadable('an AEAD key without "kid" or "key"');
      const set: KeySet<AeadKey> = {
        secret,
        keys: aead,
        groupOf: () => 'aead',
        idOf: (k) => k.kid,
        // A sealed value names its key by kid: a new key must not share one with an older key.
        fresh: async () => unlike(aead, maker.aeadKey, (k) => k.kid),
        withKeys: (next) => ({ ...(value as object), aead: next }),
      };
      return set as KeySet;
    }
  }
}

/** A key from `make` whose identity differs from every key in `keys` (random ids rarely collide). */
function unlike<K>(keys: readonly K[], make: () => K, identity: (k: K) => string): K {
  const taken = new Set(keys.map(identity));
  for (let attempt = 0; attempt < 10; attempt++) {
    const key = make();
    if (!taken.has(identity(key))) return key;
  }
  throw new Error('could not make a key unlike the existing ones');
}
