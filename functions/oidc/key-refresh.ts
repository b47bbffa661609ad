import { createHash } from 'node:crypto';
import type { ProviderKeys } from './keys.ts';

/** How stale a container's signing and cookie keys may be: rotated keys are in use within this. */
export const KEY_REFRESH_MS = 5 * 60_000;

/** Changes whenever any key of either secret changes (added, removed, reordered or replaced). */
export function keysFingerprint(keys: ProviderKeys): string {
  return createHash('sha256')
    .update(JSON.stringify([keys.jwks, keys.cookieKeys]))
    .digest('base64url');
}

/**
 * Builds a value from the provider keys (the whole oidc-provider application: its keystore and cookie
 * keys are fixed at construction) and rebuilds it when the keys change, so that a container picks up
 * rotated keys without being recycled. The keys are re-read at most every `ttlMs` (one read of the
 * secrets per container per period), inline in the request that finds them due — a Lambda container
 * is frozen between requests, so background refreshes would not run. Unchanged keys keep the built
 * value. A failed re-read or rebuild keeps serving the current value (reported to `onRefreshError`)
 * and is tried again after the next period; a failed first build is not remembered.
 */
export function rebuildOnKeyChange<T>(options: {
  readKeys: () => Promise<ProviderKeys>;
  build: (keys: ProviderKeys) => Promise<T>;
  ttlMs?: number;
  now?: () => number;
  onRefreshError?: (err: unknown) => void;
}): () => Promise<T> {
  const ttlMs = options.ttlMs ?? KEY_REFRESH_MS;
  const now = options.now ?? (() => Date.now());
  let current: Promise<{ value: T; fingerprint: string }> | undefined;
  let checkAfter = 0;
  let checking: Promise<void> | undefined;

  const load = async () => {
    const keys = await options.readKeys();
    return { value: await options.build(keys), fingerprint: keysFingerprint(keys) };
  };

  const refresh = async (): Promise<void> => {
    const live = await current;
    const keys = await options.readKeys();
    const fingerprint = keysFingerprint(keys);
    if (live && fingerprint === live.fingerprint) return;
    const value = await options.build(keys);
    current = Promise.resolve({ value, fingerprint });
  };

  return async () => {
    if (!current) {
      const attempt = load();
      current = attempt;
      checkAfter = now() + ttlMs;
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
      return (await attempt).value;
    }
    if (now() >= checkAfter && !checking) {
      checkAfter = now() + ttlMs;
      checking = refresh()
        .catch((err: unknown) => options.onRefreshError?.(err))
        .finally(() => {
          checking = undefined;
        });
      await checking;
    }
    return (await current).value;
  };
}
