import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DEFAULT_TENANT, type User } from '../../domain/ports.ts';

export type Item = Record<string, unknown>;

export const isConditionFailure = (err: unknown): boolean => err instanceof ConditionalCheckFailedException;

function isEndedSession(value: unknown): value is { uid: string; at: number; until: number } {
  const e = value as { uid?: unknown; at?: unknown; until?: unknown } | null;
  return typeof e?.uid === 'string' && typeof e.at === 'number' && typeof e.until === 'number';
}

/** The user item as the domain sees it; adapter-only attributes (pk, sk, lastAttemptAt) stay behind. */
export function toUser(item: Item): User {
  return {
    id: String(item.id),
    email: String(item.email),
    emailKey: String(item.emailKey),
    emailVerified: item.emailVerified === true,
    name: String(item.name ?? ''),
    passwordHash: typeof item.passwordHash === 'string' ? item.passwordHash : null,
    createdAt: String(item.createdAt),
    disabled: item.disabled === true,
    failedAttempts: typeof item.failedAttempts === 'number' ? item.failedAttempts : 0,
    lockedUntil: typeof item.lockedUntil === 'number' ? item.lockedUntil : null,
    credentialsChangedAt: typeof item.credentialsChangedAt === 'number' ? item.credentialsChangedAt : null,
    ...(Array.isArray(item.endedSessions) && item.endedSessions.length > 0
      ? { endedSessions: item.endedSessions.filter(isEndedSession) }
      : {}),
    ...(item.requireMfa === true ? { requireMfa: true } : {}),
    tenantId: typeof item.tenantId === 'string' ? item.tenantId : DEFAULT_TENANT,
    ...(item.admin === 'global' || item.admin === 'tenant' ? { admin: item.admin } : {}),
    ...(item.federationOnly === true ? { federationOnly: true } : {}),
    ...(item.factorsNeverAdded === true ? { factorsNeverAdded: true as const } : {}),
  };
}
