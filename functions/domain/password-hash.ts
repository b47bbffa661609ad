import argon2 from 'argon2';

/** argon2id parameters (config.argon2): memory in KiB, iterations, lanes. */
export interface HashParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export function hashPassword(password: string, params: HashParams): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...params });
}

/** Never throws: a malformed or foreign hash simply does not verify. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** True when the stored hash was made with other (older) parameters: re-hash after a good login. */
export function needsRehash(hash: string, params: HashParams): boolean {
  try {
    return argon2.needsRehash(hash, { ...params });
  } catch {
    return true;
  }
}

const dummies = new Map<string, Promise<string>>();

/**
 * One real argon2 verification against a throw-away hash made with the current parameters, so an
 * unknown or locked account costs the same time as a wrong password (no enumeration by timing).
 * The hash is made once per parameter set, lazily; `warmDummyHash` lets a cold start pay for it
 * up front so that even the first unknown-user request is not slower than the rest.
 */
export async function dummyVerify(params: HashParams): Promise<void> {
  await verifyPassword(await warmDummyHash(params), 'not-the-password');
}

export function warmDummyHash(params: HashParams): Promise<string> {
  const key = `${params.memoryCost}/${params.timeCost}/${params.parallelism}`;
  let hash = dummies.get(key);
  if (!hash) {
    hash = hashPassword('sesame-timing-equaliser', params);
    dummies.set(key, hash);
    hash.catch(() => dummies.delete(key)); // a failed hash must not be cached forever
  }
  return hash;
}

/**
 * The password hashing the login rules use, as one seam: production uses argon2id above; tests wrap
 * it to count real verifications (e.g. that 50 concurrent guesses run at most three).
 */
export interface PasswordHasher {
  hash(password: string, params: HashParams): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string, params: HashParams): boolean;
  dummyVerify(params: HashParams): Promise<void>;
}

export const argon2Hasher: PasswordHasher = {
  hash: hashPassword,
  verify: verifyPassword,
  needsRehash,
  dummyVerify,
};
