import { timingSafeEqual } from 'node:crypto';
import type { DomainDeps } from '../../deps.ts';
import {
  CHALLENGE_TTL_MS,
  type ChallengeItem,
  challengesIn,
  hashOfChallenge,
  keyOfOwner,
  TYPE,
} from './item.ts';

/**
 * Stores the digest of a fresh challenge for one owner (`sign-in:<uid>` or `account:<session>`),
 * replacing that owner's earlier one, and sweeps this user's expired ones.
 */
export async function holdChallenge(
  deps: DomainDeps,
  userId: string,
  owner: string,
  purpose: ChallengeItem['purpose'],
  challenge: string,
): Promise<void> {
  const now = deps.clock.now().getTime();
  const stale = challengesIn(await deps.credentials.list(userId)).filter((c) => c.expiresAt <= now);
  for (const c of stale) await deps.credentials.delete(userId, { type: TYPE, key: c.key });
  await deps.credentials.put(userId, {
    type: TYPE,
    key: await keyOfOwner(deps, owner),
    data: { hash: await hashOfChallenge(deps, challenge), purpose, expiresAt: now + CHALLENGE_TTL_MS },
  });
}

/**
 * Takes this owner's challenge, once: the item is deleted on the condition that it is the one read,
 * so of two answers to one challenge (a replay, or a race) only one gets it. Returns a check for the
 * challenge the browser signed, or null when there is none to take (absent, expired, other purpose).
 */
export async function takeChallenge(
  deps: DomainDeps,
  userId: string,
  owner: string,
  purpose: ChallengeItem['purpose'],
): Promise<((challenge: string) => Promise<boolean>) | null> {
  const key = await keyOfOwner(deps, owner);
  const item = await deps.credentials.get(userId, { type: TYPE, key });
  if (!item || typeof item.data.hash !== 'string') return null;
  const { hash } = item.data;
  if (!(await deps.credentials.delete(userId, { type: TYPE, key }, { present: { hash } }))) return null;
  if (item.data.purpose !== purpose || Number(item.data.expiresAt) <= deps.clock.now().getTime()) return null;
  return challengeCheck(deps, hash);
}

/** A check, in constant time, that the challenge the browser signed is the one whose digest was kept. */
export function challengeCheck(deps: DomainDeps, hash: string): (challenge: string) => Promise<boolean> {
  return async (challenge) => {
    const a = Buffer.from(await hashOfChallenge(deps, challenge));
    const b = Buffer.from(hash);
    return a.length === b.length && timingSafeEqual(a, b);
  };
}
