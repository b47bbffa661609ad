import type { AppClient, ClientStore } from '../domain/ports.ts';

/**
 * Apps are read on nearly every OIDC request (authorize, resume, token, the login page) and change
 * rarely, so each Lambda container keeps found apps for a short while. Only found apps are kept
 * (random client ids from an attacker can't fill the cache), the cache is bounded, and a write
 * through this store drops the entry at once. Trade-off: an app changed from another process (the
 * admin CLI) is seen by running containers within `ttlMs`. Cached apps are deeply frozen and handed
 * out as they are (a copy each time cost ≈ 30 µs per token request): callers build changed apps
 * anew, as they all do, and a stray mutation throws instead of changing the cache.
 */
export function cachedClientStore(
  inner: ClientStore,
  ttlMs = 30_000,
  maxEntries = 500,
  now = () => Date.now(),
): ClientStore {
  const cache = new Map<string, { client: AppClient; until: number }>();
  return {
    async get(clientId) {
      const hit = cache.get(clientId);
      if (hit && hit.until > now()) return hit.client;
      const found = await inner.get(clientId);
      cache.delete(clientId);
      if (!found) return null;
      const client = deepFreeze(found);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(clientId, { client, until: now() + ttlMs });
      return client;
    },
    async put(client) {
      cache.delete(client.clientId);
      await inner.put(client);
    },
    list: () => inner.list(),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
