import { createHash } from 'node:crypto';
import { type RefreshOptions, refreshEvery } from '../adapters/secrets/refresh.ts';
import type { ProviderKeys } from './keys.ts';

/** Changes whenever any key of either secret changes (added, removed, reordered or replaced). */
export function keysFingerprint(keys: ProviderKeys): string {
  return createHash('sha256')
    .update(JSON.stringify([keys.jwks, keys.cookieKeys]))
    .digest('base64url');
}

/**
 * Builds a value from the provider keys (the whole oidc-provider application: its keystore and cookie
 * keys are fixed at construction) and rebuilds it when the keys change, so that a container picks up
 * rotated keys without being recycled. The keys are re-read at most every `ttlMs` (refreshEvery: one
 * read of the signing and cookie secrets per container per period). Unchanged keys keep the built value. A failed
 * re-read or rebuild keeps serving the current value (reported to `onRefreshError`) and is tried again
 * after the next period; a failed first build is not remembered.
 */
export function rebuildOnKeyChange<T>(
  options: {
    readKeys: () => Promise<ProviderKeys>;
    build: (keys: ProviderKeys) => Promise<T>;
  } & RefreshOptions,
): () => Promise<T> {
  const { readKeys, build, ...refresh } = options;
  const current = refreshEvery<{ value: T; fingerprint: string }>(async (live) => {
    const keys = await readKeys();
    const fingerprint = keysFingerprint(keys);
    if (live && fingerprint === live.fingerprint) return live;
    return { value: await build(keys), fingerprint };
  }, refresh);
  return async () => (await current()).value;
}
