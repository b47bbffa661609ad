/**
 * Remembers what `load` answered for a key for `ttlMs`, per container, bounded to `maxEntries` (the
 * oldest goes first). For reads that only decide what a page shows or where a browser is sent next,
 * never for a security decision: those read the store afresh. `forget(key)` drops one entry (after
 * this container changed it).
 */
export function ttlCache<T>(
  load: (key: string) => Promise<T>,
  options: { ttlMs: number; maxEntries: number; now?: () => number },
): ((key: string) => Promise<T>) & { forget(key: string): void } {
  const now = options.now ?? (() => Date.now());
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  const cached = (key: string) => {
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.value;
    entries.delete(key);
    if (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
    const value = load(key);
    entries.set(key, { value, until: now() + options.ttlMs });
    // A failed read is not remembered.
    value.catch(() => entries.delete(key));
    return value;
  };
  return Object.assign(cached, { forget: (key: string) => void entries.delete(key) });
}
