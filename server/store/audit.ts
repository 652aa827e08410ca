// The audit log: every mutation is written before it runs (ok = NULL) and completed after
// (ok + result or error), so a crash mid-action still leaves the request on record.
// Append-only: SQLite triggers (store/db.ts) refuse a DELETE and any UPDATE other than
// completing a running entry once, which is also how interruptPending() closes the entries a
// crash left running.
import { AUDIT_INTERRUPTED_RESULT, type AuditEntry } from "@/protocol/dashboard/index.ts";
import { type Refusal, RefusalAggregator } from "./audit-refusals.ts";
import type { AuditStart } from "./audit-start.ts";
import type { Db } from "./db.ts";

export type { AuditStart } from "./audit-start.ts";

export interface AuditQuery {
  director?: string;
  /** an action ("dest.update"), or a family of them ("dest.*": every action starting "dest.") */
  action?: string;
  /** the user who did it (exact) */
  user?: string;
  /** text search: every word must appear (case-insensitive for ASCII) in one of the entry's
   * user, action, director, target, request or result */
  q?: string;
  /** entries at or after / before this time (ms since the epoch) */
  since?: number;
  until?: number;
  outcome?: "ok" | "failed" | "pending";
  limit?: number;
  /** entries with an id below this (paging backwards) */
  before?: number;
}

interface Row {
  id: number;
  time: number;
  user: string;
  action: string;
  director: string | null;
  target: string | null;
  request: string | null;
  ok: number | null;
  result: string | null;
  before_state: string | null;
  after_state: string | null;
}

/** The columns a text search looks in: not the before/after states, whose whole service
 * (every real server's address) would make a search for one address match every change of it. */
const SEARCHED = ["user", "action", "director", "target", "request", "result"] as const;

const parseJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export class AuditLog {
  readonly #db: Db;
  readonly #refusals: RefusalAggregator;
  readonly #timer: ReturnType<typeof setInterval>;
  /** told of every failed write (store/health.ts) before the error is thrown on */
  onWriteError: ((where: string, err: unknown) => void) | null = null;
  constructor(db: Db) {
    this.#db = db;
    this.#refusals = new RefusalAggregator((e, ok, result, now) => this.record(e, ok, result, now));
    // the counts of a quiet minute are written without waiting for the next refusal
    this.#timer = setInterval(() => {
      if (!this.#db.open) return;
      try {
        this.#refusals.flush(Date.now());
      } catch {
        // kept for the next flush
      }
    }, 15_000);
    this.#timer.unref();
  }

  /** A refused request from anyone: aggregated per source and minute (audit-refusals.ts). */
  refused(r: Refusal, result: unknown, now = Date.now()): void {
    this.#refusals.record(r, result, now);
  }

  /** Writes the refusal counts still in memory (before reading the log, and at close). */
  flushRefusals(now = Date.now()): void {
    this.#refusals.flush(now, true);
  }

  // reads go on while the store cannot write; the counts wait in memory
  #tryFlush(): void {
    try {
      this.flushRefusals();
    } catch {
      // kept for the next flush
    }
  }

  close(): void {
    clearInterval(this.#timer);
    if (this.#db.open) this.flushRefusals();
  }

  #write<T>(where: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      this.onWriteError?.(where, err);
      throw err;
    }
  }

  begin(e: AuditStart, now = Date.now()): number {
    return this.#write("audit", () => this.#begin(e, now));
  }

  #begin(e: AuditStart, now: number): number {
    const r = this.#db
      .prepare("INSERT INTO audit (time, user, action, director, target, request, before_state) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(now, e.user, e.action, e.director, e.target, JSON.stringify(e.request ?? null), JSON.stringify(e.before ?? null));
    return Number(r.lastInsertRowid);
  }

  finish(id: number, ok: boolean, result: unknown, after: unknown = null): void {
    this.#write("audit", () => this.#finish(id, ok, result, after));
  }

  #finish(id: number, ok: boolean, result: unknown, after: unknown): void {
    this.#db
      .prepare("UPDATE audit SET ok = ?, result = ?, after_state = ? WHERE id = ?")
      .run(ok ? 1 : 0, JSON.stringify(result ?? null), JSON.stringify(after ?? null), id);
  }

  /** Completes every running entry as interrupted (ok false, AUDIT_INTERRUPTED_RESULT, no
   * after-state): for the server's start, when any running entry was left by an earlier run
   * whose process stopped before the action finished. Returns how many there were. */
  interruptPending(): number {
    return this.#db.prepare("UPDATE audit SET ok = 0, result = ? WHERE ok IS NULL").run(JSON.stringify(AUDIT_INTERRUPTED_RESULT)).changes;
  }

  /** An event that is complete when written (logins, refused requests). */
  record(e: AuditStart, ok: boolean, result: unknown, now = Date.now()): number {
    return this.#write("audit", () => this.#record(e, ok, result, now));
  }

  #record(e: AuditStart, ok: boolean, result: unknown, now: number): number {
    const r = this.#db
      .prepare("INSERT INTO audit (time, user, action, director, target, request, ok, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(now, e.user, e.action, e.director, e.target, JSON.stringify(e.request ?? null), ok ? 1 : 0, JSON.stringify(result ?? null));
    return Number(r.lastInsertRowid);
  }

  /** Newest first. */
  query(q: AuditQuery = {}): AuditEntry[] {
    this.#tryFlush();
    const { sql, args } = this.#select(q);
    const limit = Math.max(1, Math.min(q.limit ?? 100, 1000));
    return (this.#db.prepare(`${sql} LIMIT ${limit}`).all(...args) as Row[]).map(toEntry);
  }

  /**
   * Every matching entry, newest first, in pages of at most `size` (exports of any size). Each
   * page is its own query continuing below the last id seen (keyset paging), so no statement
   * stays open while the consumer waits for a slow client: writes go on meanwhile, and the
   * entries written after the first page are not part of this export.
   */
  *pages(q: Omit<AuditQuery, "limit"> = {}, size = 500): Generator<AuditEntry[]> {
    this.#tryFlush();
    let before = q.before;
    for (;;) {
      const { sql, args } = this.#select({ ...q, ...(before === undefined ? {} : { before }) });
      const rows = this.#db.prepare(`${sql} LIMIT ${Math.max(1, Math.floor(size))}`).all(...args) as Row[];
      if (rows.length === 0) return;
      yield rows.map(toEntry);
      before = rows[rows.length - 1]!.id;
    }
  }

  #select(q: AuditQuery): { sql: string; args: (string | number)[] } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.director !== undefined) {
      where.push("director = ?");
      args.push(q.director);
    }
    if (q.action?.endsWith(".*")) {
      // a range on the action index: "dest." <= action < "dest/" ('/' follows '.')
      const family = q.action.slice(0, -1);
      where.push("action >= ? AND action < ?");
      args.push(family, `${family.slice(0, -1)}/`);
    } else if (q.action !== undefined) {
      where.push("action = ?");
      args.push(q.action);
    }
    if (q.user !== undefined) {
      where.push("user = ?");
      args.push(q.user);
    }
    if (q.since !== undefined) {
      where.push("time >= ?");
      args.push(q.since);
    }
    if (q.until !== undefined) {
      where.push("time < ?");
      args.push(q.until);
    }
    if (q.outcome !== undefined) where.push(q.outcome === "ok" ? "ok = 1" : q.outcome === "failed" ? "ok = 0" : "ok IS NULL");
    for (const word of (q.q ?? "").split(/\s+/).filter(Boolean).slice(0, 8)) {
      const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(`(${SEARCHED.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(" OR ")})`);
      for (const _ of SEARCHED) args.push(like);
    }
    if (q.before !== undefined) {
      where.push("id < ?");
      args.push(q.before);
    }
    return { sql: `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC`, args };
  }
}

function toEntry(r: Row): AuditEntry {
  return {
    id: r.id,
    time: r.time,
    user: r.user,
    action: r.action,
    director: r.director,
    target: r.target,
    request: parseJson(r.request),
    ok: r.ok === null ? null : r.ok === 1,
    result: parseJson(r.result),
    before: parseJson(r.before_state),
    after: parseJson(r.after_state),
  };
}
