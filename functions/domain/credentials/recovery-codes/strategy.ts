import { randomInt } from 'node:crypto';
import type { DomainDeps } from '../../deps.ts';
import { audit, tenantOfUser } from '../../deps.ts';
import type { Credential } from '../../ports.ts';
import type { SecondStep } from '../strategy.ts';

/**
 * Recovery codes (look-up secrets, NIST SP 800-63B §5.1.2): 10 single-use codes of 10 characters
 * from a CSPRNG (~50 bits each), shown once, stored only as HMACs. Using one is a conditional
 * delete, so a code works exactly once even under concurrent use.
 */
const COUNT = 10;
// Crockford-style alphabet without look-alikes (0/O, 1/I/L, U).
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

function newCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Upper-cased with spaces and hyphens dropped: codes are read off paper and retyped. */
function normalise(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .slice(0, 64);
}

const hashOf = (deps: DomainDeps, userId: string, code: string) =>
  deps.box.digest(`recovery:${userId}:${normalise(code)}`);

/** One credential item per unused code, keyed by its HMAC (`{ createdAt }`): using one deletes it. */
export function codesLeft(credentials: readonly Credential[]): number {
  return credentials.filter((c) => c.type === 'recovery').length;
}

async function replaceCodes(deps: DomainDeps, userId: string, hashes: string[]): Promise<void> {
  const old = (await deps.credentials.list(userId)).filter((c) => c.type === 'recovery');
  for (const c of old) await deps.credentials.delete(userId, c);
  const createdAt = deps.clock.now().getTime();
  for (const key of hashes)
    await deps.credentials.put(userId, { type: 'recovery', key, data: { createdAt } });
}

export const recoveryCodes: SecondStep = {
  method: 'recovery',
  step: 'second',
  // RFC 8176 has no value for look-up secrets; a recovery code is a one-time password.
  amr: ['otp'],
  strength: 'backup',
  // Any code left. (Whether they count alone is the sign-in's rule: see methodsIn in sign-in.ts.)
  usableIn: (_config, credentials) => codesLeft(credentials) > 0,
  status: (credentials) => {
    const left = codesLeft(credentials);
    return { on: left > 0, left };
  },
  async verify(deps, { userId, code }) {
    if (normalise(code).length !== 10) return false;
    // Using a code deletes its item: a conditional delete, so it works exactly once.
    return deps.credentials.delete(userId, { type: 'recovery', key: await hashOf(deps, userId, code) });
  },
  async remove(deps, userId) {
    await replaceCodes(deps, userId, []);
  },
};

/** A fresh set replacing every earlier code. The plain codes are returned once, to be shown once. */
export async function regenerateRecoveryCodes(
  deps: DomainDeps,
  input: { userId: string; actor: string },
): Promise<string[]> {
  const codes = Array.from({ length: COUNT }, newCode);
  const hashes = await Promise.all(codes.map((c) => hashOf(deps, input.userId, c)));
  await replaceCodes(deps, input.userId, hashes);
  await audit(deps, {
    type: 'mfa.recovery_codes.generated',
    outcome: 'success',
    actor: input.actor,
    target: input.userId,
    tenant: await tenantOfUser(deps, input.userId),
  });
  return codes;
}
