import type { DomainDeps } from '../../deps.ts';
import type { Credential } from '../../ports.ts';

/** The authenticator's one credential item, as this strategy shapes it (secret sealed by the SecretBox). */
export interface TotpItem {
  secretSealed: string;
  /** False until the user proved possession with a valid code (RFC 6238 enrolment). */
  confirmed: boolean;
  /** The last accepted RFC 6238 time step: a code from this step or earlier is a replay. */
  lastStep: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** While unconfirmed: the one sign-in or account session that may see and confirm it, and until when. */
  owner?: string;
  enrolUntil?: number;
}

const REF = { type: 'totp', key: '' } as const;

/** The item in a user's credentials, or null (absent, or without a secret). */
export function totpIn(credentials: readonly Credential[]): TotpItem | null {
  const item = credentials.find((c) => c.type === 'totp');
  return item ? fromData(item.data) : null;
}

function fromData(data: Credential['data']): TotpItem | null {
  if (typeof data.secretSealed !== 'string') return null;
  return {
    secretSealed: data.secretSealed,
    confirmed: data.confirmed === true,
    lastStep: typeof data.lastStep === 'number' ? data.lastStep : 0,
    createdAt: typeof data.createdAt === 'number' ? data.createdAt : 0,
    ...(typeof data.owner === 'string' ? { owner: data.owner } : {}),
    ...(typeof data.enrolUntil === 'number' ? { enrolUntil: data.enrolUntil } : {}),
  };
}

export async function readTotp(deps: DomainDeps, userId: string): Promise<TotpItem | null> {
  const item = await deps.credentials.get(userId, REF);
  return item ? fromData(item.data) : null;
}

/** Stores an unconfirmed secret for one owner, replacing another unconfirmed one; false when one is confirmed. */
export function putUnconfirmed(
  deps: DomainDeps,
  userId: string,
  item: Required<Pick<TotpItem, 'secretSealed' | 'createdAt' | 'owner' | 'enrolUntil'>>,
): Promise<boolean> {
  const data = { ...item, confirmed: false, lastStep: 0 };
  return deps.credentials.put(userId, { ...REF, data }, { absentOr: { confirmed: false } });
}

/** Confirms the secret and records the step used; false unless it was unconfirmed and still `secretSealed`. */
export function confirm(
  deps: DomainDeps,
  userId: string,
  secretSealed: string,
  step: number,
): Promise<boolean> {
  return deps.credentials.update(
    userId,
    REF,
    { set: { confirmed: true, lastStep: step }, unset: ['owner', 'enrolUntil'] },
    { present: { confirmed: false, secretSealed } },
  );
}

/** RFC 6238 §5.2: a code accepted once must not be accepted again; the condition makes it atomic. */
export function acceptStep(deps: DomainDeps, userId: string, step: number): Promise<boolean> {
  return deps.credentials.update(
    userId,
    REF,
    { set: { lastStep: step } },
    { present: { confirmed: true }, below: { lastStep: step } },
  );
}

export async function removeTotp(deps: DomainDeps, userId: string): Promise<void> {
  await deps.credentials.delete(userId, REF);
}
