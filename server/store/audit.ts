// The audit log: every mutation is written before it runs (ok = NULL) and completed after
// (ok + result or error), so a crash mid-action still leaves the request on record.
import type { AuditEntry } from "../../protocol/dashboard.ts";
import type { Db } from "./db.ts";

export interface AuditStart {
  user: string;
  action: string;
  director: string | null;
  target: string | null;
  request: unknown;
}

export interface AuditQuery {
  director?: string;
  action?: string;
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
}

const parseJson = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export class AuditLog {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  begin(e: AuditStart, now = Date.now()): number {
    const r = this.#db
      .prepare("INSERT INTO audit (time, user, action, director, target, request) VALUES (?, ?, ?, ?, ?, ?)")
      .run(now, e.user, e.action, e.director, e.target, JSON.stringify(e.request ?? null));
    return Number(r.lastInsertRowid);
  }

  finish(id: number, ok: boolean, result: unknown): void {
    this.#db
      .prepare("UPDATE audit SET ok = ?, result = ? WHERE id = ?")
      .run(ok ? 1 : 0, JSON.stringify(result ?? null), id);
  }

  /** Newest first. */
  query(q: AuditQuery = {}): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.director !== undefined) {
      where.push("director = ?");
      args.push(q.director);
    }
    if (q.action !== undefined) {
      where.push("action = ?");
      args.push(q.action);
    }
    if (q.before !== undefined) {
      where.push("id < ?");
      args.push(q.before);
    }
    const limit = Math.max(1, Math.min(q.limit ?? 100, 1000));
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${limit}`;
    const rows = this.#db.prepare(sql).all(...args) as Row[];
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      user: r.user,
      action: r.action,
      director: r.director,
      target: r.target,
      request: parseJson(r.request),
      ok: r.ok === null ? null : r.ok === 1,
      result: parseJson(r.result),
    }));
  }
}
