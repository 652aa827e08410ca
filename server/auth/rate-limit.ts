// Login throttling, per client address and per username: the first `free` failures cost
// nothing, every further one locks the key for 1 s, 2 s, 4 s, ... up to `maxDelayMs`. While a
// key is locked, login answers 429 with Retry-After without checking the password. A success
// clears the username's count (the address's too). Kept in memory: a restart forgets it.
export interface RateLimitOptions {
  free?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;

  constructor(opts: RateLimitOptions = {}) {
    this.#free = opts.free ?? 5;
    this.#base = opts.baseDelayMs ?? 1000;
    this.#max = opts.maxDelayMs ?? 15 * 60_000;
  }

  /** Milliseconds until a login may be tried for these keys (0 = now). */
  retryAfterMs(keys: readonly string[], now = Date.now()): number {
    let wait = 0;
    for (const k of keys) {
      const e = this.#entries.get(k);
      if (e) wait = Math.max(wait, e.lockedUntil - now);
    }
    return wait;
  }

  failure(keys: readonly string[], now = Date.now()): void {
    this.#forgetOld(now);
    for (const k of keys) {
      const e = this.#entries.get(k) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      e.failures++;
      e.lastFailure = now;
      const over = e.failures - this.#free;
      if (over > 0) e.lockedUntil = now + Math.min(this.#max, this.#base * 2 ** Math.min(over - 1, 30));
      this.#entries.set(k, e);
    }
  }

  success(keys: readonly string[]): void {
    for (const k of keys) this.#entries.delete(k);
  }

  // a key quiet for twice the longest delay starts over; bounds the map under a spray of names
  #forgetOld(now: number): void {
    if (this.#entries.size < 10_000) return;
    for (const [k, e] of this.#entries) if (now - e.lastFailure > 2 * this.#max) this.#entries.delete(k);
  }
}
