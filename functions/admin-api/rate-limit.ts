/**
 * A fixed-window request count per key, in this container's memory: a brake on one caller, not a
 * global quota (each Lambda container counts its own; the WAF's rate rules count across them).
 * Bounded: at most `maxKeys` keys are tracked, the oldest window is forgotten first.
 */
export class WindowLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `key` is still within its limit; counts one request when `count`. */
  take(key: string, count: boolean): boolean {
    const now = this.now();
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (!count) return true;
      this.#windows.delete(key);
      if (this.#windows.size >= this.maxKeys)
        this.#windows.delete(this.#windows.keys().next().value as string);
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    if (w.count >= this.limit) return false;
    if (count) w.count += 1;
    return true;
  }
}
