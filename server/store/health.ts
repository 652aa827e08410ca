// Faults of the store: a full disk or any SQLite error in a timer, a stats event or the
// upgrade listener must not take the server down. Whoever catches one reports it here; a
// write fault (disk full, I/O error, read-only file) makes the store read-only for the REST
// API (mutations answer 503 unavailable "store read-only: disk full", reads go on), until a
// probe write succeeds again (the dashboard's timers try one on every tick). Listeners (the
// entry point logs) hear of each change.
import type { Db } from "./db.ts";

export interface StoreFault {
  where: string;
  code: string;
  message: string;
  time: number;
}

export type StoreEvent = { type: "fault"; fault: StoreFault; readOnly: boolean } | { type: "recovered"; after: StoreFault };

const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? "");

/** Errors after which nothing more can be written until the cause goes away. */
export const isWriteFault = (err: unknown): boolean => /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(codeOf(err)) || codeOf(err) === "ENOSPC";

export const isStoreError = (err: unknown): boolean => codeOf(err).startsWith("SQLITE_") || (err as Error | null)?.name === "SqliteError";

export function readOnlyMessage(f: StoreFault): string {
  return `store read-only: ${/FULL|ENOSPC/.test(f.code) ? "disk full" : `${f.code}: ${f.message}`}`;
}

export class StoreHealth {
  #readOnly: StoreFault | null = null;
  #faults = 0;
  readonly #listeners = new Set<(e: StoreEvent) => void>();

  get readOnly(): StoreFault | null {
    return this.#readOnly;
  }

  /** Faults reported since start. */
  get faults(): number {
    return this.#faults;
  }

  on(listener: (e: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  report(where: string, err: unknown, now = Date.now()): void {
    this.#faults++;
    const fault: StoreFault = { where, code: codeOf(err) || "error", message: err instanceof Error ? err.message : String(err), time: now };
    if (isWriteFault(err) && !this.#readOnly) this.#readOnly = fault;
    this.#emit({ type: "fault", fault, readOnly: this.#readOnly !== null });
  }

  /** Runs `fn`, reporting (not throwing) what it throws; undefined then. */
  guard<T>(where: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.report(where, err);
      return undefined;
    }
  }

  /** While read-only: a small real write; when it commits, the store is writable again. */
  probe(db: Db): boolean {
    const f = this.#readOnly;
    if (!f) return true;
    try {
      db.prepare("INSERT OR REPLACE INTO store_probe (id, data, time) VALUES (1, zeroblob(16384), ?)").run(Date.now());
    } catch {
      return false;
    }
    this.#readOnly = null;
    this.#emit({ type: "recovered", after: f });
    return true;
  }

  #emit(e: StoreEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is not the store's
      }
    }
  }
}
