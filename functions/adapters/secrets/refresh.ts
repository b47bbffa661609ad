/**
 * How stale a container's keys may be: a key written to a secret is in use everywhere within this.
 * The rotation function (infra/rotation) waits at least this long between the steps of a rotation.
 */
export const KEY_REFRESH_MS = 5 * 60_000;

export interface RefreshOptions {
  /** Default KEY_REFRESH_MS. */
  ttlMs?: number;
  now?: () => number;
  /** A failed re-read: the current value stays in use and the next period tries again. */
  onRefreshError?: (err: unknown) => void;
}

/**
 * A value read from a secret and re-read at most every `ttlMs`, per container, so rotated keys reach a
 * running container without a recycle. `load` gets the value in use (undefined the first time) and may
 * return it unchanged. The re-read happens inline in the call that finds it due — a Lambda container
 * is frozen between requests, so a background timer would not run. A failed re-read keeps the current
 * value (reported to `onRefreshError`) until the next period; a failed first read is not remembered.
 */
export function refreshEvery<T>(
  load: (current: T | undefined) => Promise<T>,
  options: RefreshOptions = {},
): () => Promise<T> {
  const ttlMs = options.ttlMs ?? KEY_REFRESH_MS;
  const now = options.now ?? (() => Date.now());
  let current: Promise<T> | undefined;
  let checkAfter = 0;
  let checking: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    const next = await load(await current);
    current = Promise.resolve(next);
  };

  return async () => {
    if (!current) {
      const attempt = load(undefined);
      current = attempt;
      checkAfter = now() + ttlMs;
      attempt.catch(() => {
        if (current === attempt) current = undefined;
      });
      return attempt;
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
    return current;
  };
}
