// Bearer-token check for the upgrade request. Both sides are hashed first so the comparison
// is over equal-length digests: timingSafeEqual then leaks neither content nor length.
import { createHash, timingSafeEqual } from "node:crypto";

export function bearerTokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined || expected.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

/** What identifies a token without keeping it (which token a connection was opened with). */
export const tokenDigest = (token: string): string => digest(token).toString("hex");

export interface UpgradeBackoffOptions {
  /** failed upgrades from one address before it is backed off (default 10) */
  free?: number;
  /** the first back-off, doubled on every further failure (default 1 s) */
  baseMs?: number;
  /** the longest back-off (default 5 min) */
  maxMs?: number;
}

interface Failures {
  count: number;
  until: number;
  last: number;
}

/**
 * Failed upgrades per client address: after `free` of them an address must wait 1 s, 2 s,
 * 4 s, ... (up to maxMs) before its next attempt is even looked at, so a token cannot be
 * guessed at network speed. A success clears the address. Bounded: at 10,000 addresses the
 * quiet ones are forgotten.
 */
export class UpgradeBackoff {
  readonly #failures = new Map<string, Failures>();
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;

  constructor(o: UpgradeBackoffOptions = {}) {
    this.#free = o.free ?? 10;
    this.#base = o.baseMs ?? 1000;
    this.#max = o.maxMs ?? 5 * 60_000;
  }

  /** Milliseconds this address must still wait (0: its attempt is checked). */
  waitMs(address: string, now = Date.now()): number {
    return Math.max(0, (this.#failures.get(address)?.until ?? 0) - now);
  }

  failed(address: string, now = Date.now()): void {
    if (this.#failures.size >= 10_000) {
      for (const [a, f] of this.#failures) if (now - f.last > this.#max) this.#failures.delete(a);
    }
    const f = this.#failures.get(address) ?? { count: 0, until: 0, last: now };
    f.count++;
    f.last = now;
    const over = f.count - this.#free + 1;
    if (over > 0) f.until = now + Math.min(this.#max, this.#base * 2 ** Math.min(over - 1, 30));
    this.#failures.set(address, f);
  }

  succeeded(address: string): void {
    this.#failures.delete(address);
  }
}
