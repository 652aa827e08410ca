// Login throttling. An attempt is counted when it starts, before the (slow, asynchronous)
// argon2 verify, so simultaneous guesses cannot all slip past the check; each key also has
// a cap on verifies running at once. Two kinds of keys:
// - lock keys, per client address and per (address, username): the first `free` attempts
//   cost nothing, every further one locks the key for 1 s, 2 s, 4 s, ... up to `maxDelayMs`;
//   while locked, login answers 429 without checking the password. Only the attacker's own
//   address is locked out.
// - a slow-down key per username (every address): beyond `free` failures a login for that
//   name is spaced 1 s, 2 s, ... up to `maxSlowMs` after the previous one before it is verified, and is then answered
//   normally, so the right password from another address still signs in (late, not never).
// A success clears the keys of that address and username. Kept in memory: a restart forgets it.
export interface RateLimitOptions {
  free?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** the longest slow-down of a username's logins from addresses that are not locked */
  maxSlowMs?: number;
  /** verifies running at once per lock key; more are answered 429 at once */
  maxConcurrent?: number;
  /** keys kept at most (default 100,000); beyond it the oldest idle keys are forgotten */
  maxEntries?: number;
}

interface Entry {
  attempts: number;
  lockedUntil: number;
  lastAttempt: number;
  inFlight: number;
}

/** A started login attempt: wait `delayMs`, verify, then call done() exactly once. */
export interface LoginAttempt {
  delayMs: number;
  done(succeeded: boolean): void;
}

export type Admission = { attempt: LoginAttempt } | { retryAfterMs: number };

export class LoginLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;
  readonly #maxSlow: number;
  readonly #maxConcurrent: number;
  readonly #maxEntries: number;

  constructor(opts: RateLimitOptions = {}) {
    this.#free = opts.free ?? 5;
    this.#base = opts.baseDelayMs ?? 1000;
    this.#max = opts.maxDelayMs ?? 15 * 60_000;
    this.#maxSlow = opts.maxSlowMs ?? 5_000;
    this.#maxConcurrent = opts.maxConcurrent ?? 2;
    this.#maxEntries = opts.maxEntries ?? 100_000;
  }

  /** Counts a login attempt of `username` from `address`, or says how long to wait. */
  begin(address: string, username: string, now = Date.now()): Admission {
    const name = username.toLowerCase();
    const lockKeys = [`addr:${address}`, `pair:${address}|${name}`];
    const slowKey = `user:${name}`;
    this.#forgetOld(now);
    const locks = lockKeys.map((k) => this.#entry(k, now));
    const wait = Math.max(0, ...locks.map((e) => e.lockedUntil - now));
    if (wait > 0) return { retryAfterMs: wait };
    if (locks.some((e) => e.inFlight >= this.#maxConcurrent)) return { retryAfterMs: 1000 };
    for (const e of locks) {
      e.attempts++;
      e.lastAttempt = now;
      e.inFlight++;
      const over = e.attempts - this.#free;
      if (over > 0) e.lockedUntil = now + this.#backoff(over, this.#max);
    }
    const slow = this.#entry(slowKey, now);
    const previous = slow.lastAttempt;
    slow.attempts++;
    slow.lastAttempt = now;
    const slowOver = slow.attempts - 1 - this.#free;
    // attempts on one name are spaced by the slow-down, counted from the previous one
    const delayMs = slowOver > 0 ? Math.max(0, previous + this.#backoff(slowOver, this.#maxSlow) - now) : 0;
    let finished = false;
    return {
      attempt: {
        delayMs,
        done: (succeeded) => {
          if (finished) return;
          finished = true;
          for (const e of locks) e.inFlight--;
          if (succeeded) for (const k of [...lockKeys, slowKey]) this.#entries.delete(k);
          else {
            // the lock runs from the failure's answer, not from the start of a slow verify
            const end = Date.now();
            for (const e of locks) {
              const over = e.attempts - this.#free;
              if (over > 0) e.lockedUntil = Math.max(e.lockedUntil, end + this.#backoff(over, this.#max));
            }
          }
        },
      },
    };
  }

  /** Milliseconds until an attempt from this address for this username is admitted. */
  retryAfterMs(address: string, username: string, now = Date.now()): number {
    const keys = [`addr:${address}`, `pair:${address}|${username.toLowerCase()}`];
    return Math.max(0, ...keys.map((k) => (this.#entries.get(k)?.lockedUntil ?? 0) - now));
  }

  #backoff(over: number, cap: number): number {
    return Math.min(cap, this.#base * 2 ** Math.min(over - 1, 30));
  }

  #entry(key: string, now: number): Entry {
    let e = this.#entries.get(key);
    if (!e) {
      e = { attempts: 0, lockedUntil: 0, lastAttempt: now, inFlight: 0 };
      this.#entries.set(key, e);
    }
    return e;
  }

  get size(): number {
    return this.#entries.size;
  }

  // a key quiet for twice the longest delay starts over; under a spray of names or addresses
  // faster than that (a locked address still makes a key per username it tries), the oldest
  // idle keys go first, down to 90 % of maxEntries: memory stays bounded, at the price of an
  // early retry for the sprayer's oldest keys
  #forgetOld(now: number): void {
    if (this.#entries.size < Math.min(10_000, this.#maxEntries)) return;
    for (const [k, e] of this.#entries) if (e.inFlight === 0 && now - e.lastAttempt > 2 * this.#max) this.#entries.delete(k);
    if (this.#entries.size < this.#maxEntries) return;
    const target = Math.floor(this.#maxEntries * 0.9);
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= target) break;
      if (e.inFlight === 0) this.#entries.delete(k);
    }
  }
}
