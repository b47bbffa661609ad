import type { Config } from '../../config/config.ts';
import type { Clock } from '../clock.ts';
import type { AuditSink } from '../ports.ts';
import { KEY_SECRETS, type KeyMaker, type KeySecretName, type KeySet, keySetOf } from './key-sets.ts';

/**
 * Key rotation, one step per secret per run, each step in effect in every container (which re-read
 * the keys every few minutes) before the next one is taken:
 *
 * - signing keys: **publish** a new key per algorithm at the end (served in /jwks, signs nothing) →
 *   once relying parties' JWKS caches have seen it, **promote** it to the front (it signs) → once
 *   nothing the old key signed can still be presented, **retire** the old key;
 * - cookie keys: the same three steps (a key appended first, so that a container that has not read it
 *   yet never meets a cookie it cannot check), retiring once every cookie it signed has expired;
 * - MFA (AEAD) keys: publish, then promote; older keys stay, since they still open what they sealed.
 *
 * The state is what is stored: the key list, when the version in use was written and which step
 * wrote it (KeySetStore). Waits count from that write, so any other write (the keygen, an operator)
 * only postpones the next step. Writes are conditional on the version read, so of two overlapping
 * runs one writes and the other changes nothing.
 */
export type RotationStep = 'publish' | 'promote' | 'retire' | 'replace';
export const ROTATION_STEPS: readonly RotationStep[] = ['publish', 'promote', 'retire', 'replace'];

export interface KeySetVersion {
  /** The version in use, as the store names it. */
  id: string;
  value: unknown;
  /** When that version was written (epoch ms). */
  writtenAt: number;
  /** The rotation step that wrote it; undefined when something else did. */
  step: RotationStep | undefined;
}

/** Port: the key secrets with what the rotation needs to know of their versions. */
export interface KeySetStore {
  current(secret: KeySecretName): Promise<KeySetVersion>;
  /**
   * Makes `value` the version in use if `base` still is, remembering `step` with it; false (and
   * nothing changed) when another write came first.
   */
  replace(secret: KeySecretName, base: string, value: unknown, step: RotationStep): Promise<boolean>;
}

export interface RotationTimes {
  /** How long a key set stays as it is (from its last write) before a new rotation starts. */
  periodMs: number;
  /** Until every container uses what was written: the refresh period, plus one for a failed re-read. */
  propagationMs: number;
  /** How long relying parties may cache /jwks. */
  jwksCacheMs: number;
  /**
   * How long a JWT Sesame signed may still be presented to anyone: the longest token lifetime (ID and
   * access tokens), and the longest session, since an ID token comes back as `id_token_hint` at
   * RP-initiated logout for as long as its session lasts (oidc-provider checks its signature).
   */
  longestJwtMs: number;
  /** The longest a signed cookie is honoured (session, interaction). */
  longestCookieMs: number;
  clockSkewMs: number;
}

/** Clocks of relying parties may be this far behind ours (RFC 7519 §4.1.4 leaves it to the verifier). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Discovery and /jwks say `Cache-Control: public, max-age=` this (functions/oidc/metadata-cache.ts):
 * a relying party or an edge cache may serve a key set this long after a container did, however low
 * `jwksCacheSeconds` is set, so a new signing key is promoted no sooner.
 */
export const METADATA_MAX_AGE_SECONDS = 300;

export function rotationTimes(config: Pick<Config, 'ttl' | 'keyRotation'>, refreshMs: number): RotationTimes {
  const { ttl, keyRotation } = config;
  return {
    periodMs: keyRotation.periodDays * 86_400_000,
    propagationMs: 2 * refreshMs,
    jwksCacheMs: Math.max(keyRotation.jwksCacheSeconds, METADATA_MAX_AGE_SECONDS) * 1000,
    longestJwtMs: Math.max(ttl.idTokenSeconds, ttl.accessTokenSeconds, ttl.sessionSeconds) * 1000,
    longestCookieMs: Math.max(ttl.sessionSeconds, ttl.interactionSeconds) * 1000,
    clockSkewMs: CLOCK_SKEW_MS,
  };
}

export interface NextStep {
  step: RotationStep;
  /** The earliest time (epoch ms) it may be taken. */
  dueAt: number;
}

/** Groups that hold more than their key in use, in the order they first appear. */
function crowdedGroups(set: KeySet): string[] {
  const counts = new Map<string, number>();
  for (const key of set.keys) counts.set(set.groupOf(key), (counts.get(set.groupOf(key)) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([group]) => group);
}

const groupsOf = (set: KeySet): string[] => [...new Set(set.keys.map((k) => set.groupOf(k)))];

export function nextStep(set: KeySet, version: KeySetVersion, times: RotationTimes): NextStep {
  const since = version.writtenAt + times.propagationMs;
  const signing = set.secret === 'oidc-signing-keys';
  const crowded = crowdedGroups(set).length > 0;
  if (version.step === 'publish' && crowded)
    return { step: 'promote', dueAt: since + (signing ? times.jwksCacheMs : 0) };
  // A key after the first of its group may have been in use until this version was written: it goes
  // once nothing it signed can still be valid. (Unless the rotation published it, as above.)
  if (set.secret !== 'mfa-keys' && crowded)
    return {
      step: 'retire',
      dueAt: since + (signing ? times.longestJwtMs : times.longestCookieMs) + times.clockSkewMs,
    };
  return { step: 'publish', dueAt: version.writtenAt + times.periodMs };
}

/** The keys after `step`. */
export async function keysAfter(set: KeySet, step: RotationStep): Promise<unknown[]> {
  switch (step) {
    case 'publish':
      return [...set.keys, ...(await Promise.all(groupsOf(set).map((g) => set.fresh(g))))];
    case 'promote': {
      // The published key is the last of its group: it moves in front of the group's key in use.
      const newest = crowdedGroups(set).map((g) => set.keys.findLast((k) => set.groupOf(k) === g));
      return [...newest, ...set.keys.filter((k) => !newest.includes(k))];
    }
    case 'retire': {
      // The key in use of each group stays, in its place.
      const inUse = groupsOf(set).map((g) => set.keys.find((k) => set.groupOf(k) === g));
      return set.keys.filter((k) => inUse.includes(k));
    }
    case 'replace':
      return Promise.all(groupsOf(set).map((g) => set.fresh(g)));
  }
}

export interface RotationDeps {
  store: KeySetStore;
  maker: KeyMaker;
  clock: Clock;
  audit: AuditSink;
}

export type RotationOutcome = { secret: KeySecretName } & (
  | { result: 'rotated'; step: RotationStep; keyIds: string[]; keyCount: number }
  | { result: 'not_due'; step: RotationStep; dueAt: number }
  | { result: 'lost'; step: RotationStep }
  | { result: 'failed'; error: unknown }
);

/** Secrets a compromise can call for at once: MFA keys cannot be replaced while seals need them. */
export type ReplaceableSecret = Exclude<KeySecretName, 'mfa-keys'>;

/**
 * One run: for each key secret, the step that is due, if any. With `replace` (a leaked key), that
 * secret alone gets new keys in use at once and loses every old one — tokens or cookies they signed
 * stop being accepted, which is the point.
 */
export async function rotateKeys(
  deps: RotationDeps,
  times: RotationTimes,
  request: { replace?: ReplaceableSecret } = {},
): Promise<RotationOutcome[]> {
  const outcomes: RotationOutcome[] = [];
  for (const secret of request.replace ? [request.replace] : KEY_SECRETS) {
    try {
      outcomes.push(await rotateOne(deps, times, secret, request.replace !== undefined));
    } catch (error) {
      // One unreadable secret does not hold up the others; the caller reports the failure.
      outcomes.push({ secret, result: 'failed', error });
    }
  }
  return outcomes;
}

async function rotateOne(
  deps: RotationDeps,
  times: RotationTimes,
  secret: KeySecretName,
  replace: boolean,
): Promise<RotationOutcome> {
  const version = await deps.store.current(secret);
  const set = keySetOf(secret, version.value, deps.maker);
  const now = deps.clock.now().getTime();
  const { step, dueAt } = replace ? { step: 'replace' as const, dueAt: now } : nextStep(set, version, times);
  if (dueAt > now) return { secret, result: 'not_due', step, dueAt };
  const keys = await keysAfter(set, step);
  if (!(await deps.store.replace(secret, version.id, set.withKeys(keys), step)))
    return { secret, result: 'lost', step };
  const keyIds = keys.flatMap((k) => set.idOf(k) ?? []);
  await deps.audit.record({
    type: 'keys.rotated',
    outcome: 'success',
    at: now,
    actor: 'key-rotation',
    target: secret,
    reason: replace ? 'replaced' : step,
    details: { step, keyCount: keys.length, ...(keyIds.length > 0 ? { keyIds: keyIds.join(' ') } : {}) },
  });
  return { secret, result: 'rotated', step, keyIds, keyCount: keys.length };
}
