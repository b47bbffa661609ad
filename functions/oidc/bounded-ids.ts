import type { Adapter } from 'oidc-provider';

/**
 * Ids, uids and user codes reach the adapters straight from requests (a token, a cookie, a
 * client_id). The ones oidc-provider issues are at most 64 characters, so a longer one names
 * nothing stored; passed on, it would exceed DynamoDB's key size limits (1 KB sort key, 2 KB
 * partition key) and the ValidationException would answer 500. Such look-ups find nothing instead.
 */
const MAX_ID_BYTES = 512;

function plausible(id: string): boolean {
  return typeof id === 'string' && Buffer.byteLength(id) <= MAX_ID_BYTES;
}

export function withBoundedIds(adapter: Adapter): Adapter {
  return {
    upsert: (id, payload, expiresIn) => adapter.upsert(id, payload, expiresIn),
    find: async (id) => (plausible(id) ? adapter.find(id) : undefined),
    findByUid: async (uid) => (plausible(uid) ? adapter.findByUid(uid) : undefined),
    findByUserCode: async (code) => (plausible(code) ? adapter.findByUserCode(code) : undefined),
    consume: async (id) => (plausible(id) ? adapter.consume(id) : undefined),
    destroy: async (id) => (plausible(id) ? adapter.destroy(id) : undefined),
    revokeByGrantId: async (grantId) => (plausible(grantId) ? adapter.revokeByGrantId(grantId) : undefined),
  };
}
