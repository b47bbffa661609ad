import type { Deps } from '../../deps.ts';
import { argon2Hasher } from '../../password-hash.ts';
import type { CredentialStrategy, VerifyInput } from '../strategy.ts';

/**
 * The password: the first step of a sign-in, an argon2id hash on the user item. Its policy, hashing
 * and the enumeration-proof login around it live in domain/password-policy.ts, domain/password-hash.ts
 * and domain/login.ts; the attempt guard counts every try.
 */
export const password = {
  method: 'password' as const,
  step: 'first' as const,
  amr: ['pwd'],
  strength: 'any' as const,
  usableIn: () => true,
  /** Needs only the hasher, so the account rules (which have no factor stores) use it too. */
  async verify(deps: Pick<Deps, 'hasher'>, { user, code }: VerifyInput): Promise<boolean> {
    if (!user?.passwordHash) return false;
    return (deps.hasher ?? argon2Hasher).verify(user.passwordHash, code);
  },
} satisfies CredentialStrategy<'password'>;
