// Refused requests (foreign Origin, stale cookie, failed or throttled login, refused WebSocket
// upgrade) come from anyone, so one audit row each would let anonymous traffic grow the
// undeletable log without bound. Per (source address, action) and minute the first
// INDIVIDUAL refusals are written as they happen; the rest are counted in memory and written
// as one row (request.aggregated = true, result.count) once the minute is over, before the
// log is read, and at close. A crash loses at most the counts of the current minute.
import type { AuditStart } from "./audit-start.ts";

export const INDIVIDUAL_PER_MINUTE = 3;
const KEEP_NAMES = 10;
/** (source, action) buckets in memory: beyond it, refusals from further sources share one
 * bucket per action, address "*" (a spray of addresses neither grows memory nor the log) */
export const MAX_REFUSAL_BUCKETS = 10_000;

export interface Refusal extends AuditStart {
  address: string;
}

interface Bucket {
  minute: number;
  address: string;
  action: string;
  seen: number;
  /** beyond the individual ones */
  extra: number;
  first: number;
  last: number;
  users: Set<string>;
  targets: Set<string>;
  /** how many of the extra ones had each error code */
  codes: Record<string, number>;
  error: unknown;
}

export type WriteRow = (e: AuditStart, ok: boolean, result: unknown, now: number) => void;

export class RefusalAggregator {
  readonly #buckets = new Map<string, Bucket>();
  constructor(
    readonly write: WriteRow,
    readonly maxBuckets = MAX_REFUSAL_BUCKETS,
  ) {}

  get bucketCount(): number {
    return this.#buckets.size;
  }

  record(r: Refusal, result: unknown, now: number): void {
    const minute = Math.floor(now / 60_000);
    this.flush(now);
    let key = `${r.address}\u0000${r.action}`;
    let address = r.address;
    let b = this.#buckets.get(key);
    if (!b && this.#buckets.size >= this.maxBuckets) {
      address = "*";
      key = `*\u0000${r.action}`;
      b = this.#buckets.get(key);
    }
    if (!b) {
      b = { minute, address, action: r.action, seen: 0, extra: 0, first: now, last: now, users: new Set(), targets: new Set(), codes: {}, error: null };
      this.#buckets.set(key, b);
    }
    b.seen++;
    if (b.seen <= INDIVIDUAL_PER_MINUTE) {
      const { address: _a, ...entry } = r;
      try {
        this.write(entry, false, result, now);
        return;
      } catch {
        // the store cannot write (disk full): counted below, written with the minute's row
      }
    }
    if (b.extra === 0) b.first = now;
    b.extra++;
    b.last = now;
    if (b.users.size < KEEP_NAMES) b.users.add(r.user);
    if (r.target !== null && b.targets.size < KEEP_NAMES) b.targets.add(r.target);
    b.error = (result as { error?: unknown } | null)?.error ?? result;
    const code = String((b.error as { code?: unknown } | null)?.code ?? "other");
    b.codes[code] = (b.codes[code] ?? 0) + 1;
  }

  /** Writes the counts of finished minutes (and, with `all`, of the current ones too: their
   * individual rows stay used, so reading the log does not reopen them). */
  flush(now: number, all = false): void {
    const minute = Math.floor(now / 60_000);
    for (const [key, b] of this.#buckets) {
      const finished = b.minute !== minute;
      if (!finished && !all) continue;
      if (b.extra > 0) {
        const users = [...b.users];
        this.write(
          {
            user: users.length === 1 ? users[0]! : "anonymous",
            action: b.action,
            director: null,
            target: b.targets.size === 1 ? [...b.targets][0]! : null,
            request: { address: b.address, aggregated: true, minute: new Date(b.minute * 60_000).toISOString() },
          },
          false,
          { error: b.error, count: b.extra, codes: b.codes, first: b.first, last: b.last, users, targets: [...b.targets] },
          b.last,
        );
        // only once written: a failed write (disk full) keeps the count for the next flush
        Object.assign(b, { extra: 0, codes: {}, users: new Set(), targets: new Set(), error: null });
      }
      if (finished) this.#buckets.delete(key);
    }
  }
}
