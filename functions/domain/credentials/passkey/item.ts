import type { DomainDeps } from '../../deps.ts';
import type { Credential, CredentialValue } from '../../ports.ts';

/**
 * How the passkey strategy shapes its credential items (all `type: 'passkey'`):
 *
 * - one per registered passkey, keyed `k:<digest of its credential id>` (an id may be up to 1023
 *   bytes, too long for a sort key, and is never logged in full): the public key, the signature
 *   counter, the name, dates, and what the last use showed;
 * - one per open ceremony, keyed `c:<digest of its owner>` (a sign-in's interaction uid, or an
 *   account-page session): the digest of the challenge handed out — never the challenge itself —
 *   and when it expires. Taking it is a conditional delete, so a challenge is answered once.
 */
export interface PasskeyItem {
  key: string;
  /** base64url credential id, as the browser names it. */
  id: string;
  /** base64url COSE public key. */
  publicKey: string;
  counter: number;
  /** Comma-separated authenticator transports (hints for the browser). */
  transports: string;
  aaguid: string;
  name: string;
  createdAt: number;
  lastUsedAt?: number;
  /** `multiDevice`: a synced passkey (a software-held key); `singleDevice`: bound to one authenticator. */
  deviceType: string;
  /** The last use (or the registration) verified the user (PIN, biometrics), not only their presence. */
  userVerified: boolean;
}

export interface ChallengeItem {
  key: string;
  hash: string;
  purpose: 'register' | 'sign-in';
  expiresAt: number;
}

export const TYPE = 'passkey' as const;
/** A user may keep this many passkeys: enough for every device, not a storage sink. */
export const MAX_PASSKEYS = 10;
/** Challenges expire after 5 minutes (the ceremony's own timeout is the same). */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

const str = (v: CredentialValue | undefined): string => (typeof v === 'string' ? v : '');
const num = (v: CredentialValue | undefined): number => (typeof v === 'number' ? v : 0);

export function passkeysIn(credentials: readonly Credential[]): PasskeyItem[] {
  return credentials
    .filter((c) => c.type === TYPE && c.key.startsWith('k:') && typeof c.data.publicKey === 'string')
    .map((c) => ({
      key: c.key,
      id: str(c.data.id),
      publicKey: str(c.data.publicKey),
      counter: num(c.data.counter),
      transports: str(c.data.transports),
      aaguid: str(c.data.aaguid),
      name: str(c.data.name),
      createdAt: num(c.data.createdAt),
      ...(typeof c.data.lastUsedAt === 'number' ? { lastUsedAt: c.data.lastUsedAt } : {}),
      deviceType: str(c.data.deviceType),
      userVerified: c.data.userVerified === true,
    }))
    .sort((a, b) => a.createdAt - b.createdAt);
}

export function challengesIn(credentials: readonly Credential[]): ChallengeItem[] {
  return credentials
    .filter((c) => c.type === TYPE && c.key.startsWith('c:'))
    .map((c) => ({
      key: c.key,
      hash: str(c.data.hash),
      purpose: c.data.purpose === 'register' ? 'register' : 'sign-in',
      expiresAt: num(c.data.expiresAt),
    }));
}

export const keyOfId = async (deps: DomainDeps, id: string) =>
  `k:${(await deps.box.digest(`passkey:id:${id}`)).slice(0, 40)}`;
export const keyOfOwner = async (deps: DomainDeps, owner: string) =>
  `c:${(await deps.box.digest(`passkey:owner:${owner}`)).slice(0, 40)}`;
export const hashOfChallenge = (deps: DomainDeps, challenge: string) =>
  deps.box.digest(`passkey:challenge:${challenge}`);

/** The passkey among `stored` that the browser names by credential `id` (its item key is a digest of it). */
export async function passkeyById(
  deps: DomainDeps,
  stored: readonly PasskeyItem[],
  id: string,
): Promise<PasskeyItem | undefined> {
  const key = await keyOfId(deps, id);
  return stored.find((p) => p.key === key && p.id === id);
}

/** The first characters of a credential id: enough to tell passkeys apart in an audit trail. */
export const shortId = (id: string) => `${id.slice(0, 8)}…`;

export function toData(p: Omit<PasskeyItem, 'key'>): Credential['data'] {
  const { lastUsedAt, ...rest } = p;
  return { ...rest, ...(lastUsedAt !== undefined ? { lastUsedAt } : {}) };
}

/** The relying party: its id is the issuer's host, the only origin accepted is the issuer's (WebAuthn §7.1 steps 9, 13). */
export function relyingParty(issuer: string): { rpID: string; origin: string } {
  const url = new URL(issuer);
  return { rpID: url.hostname, origin: url.origin };
}

/** The largest ceremony answer read (a browser's JSON is a few KiB). */
const MAX_RESPONSE = 16_384;

/**
 * A browser's answer to a ceremony (registration or authentication) as JSON, with the fields both
 * have; null when it is too large, not JSON or not a public-key credential. The library checks the rest.
 */
export function parseResponse<T extends { id: string; type: string; response: object }>(
  text: string,
): T | null {
  if (text.length > MAX_RESPONSE) return null;
  try {
    const value = JSON.parse(text) as Partial<T> | null;
    if (
      !value ||
      typeof value.id !== 'string' ||
      value.type !== 'public-key' ||
      typeof value.response !== 'object' ||
      value.response === null
    )
      return null;
    return value as T;
  } catch {
    return null;
  }
}
