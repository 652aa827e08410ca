// Registered directors (and realserver agents). The registration, token included, stays in
// the server: views for the browser are built from it without the token.
import { ProtocolError } from "../../protocol/errors.ts";
import { DirectorRegistration } from "../../protocol/dashboard.ts";
import type { Db } from "./db.ts";

export interface StoredDirector {
  id: string;
  registration: DirectorRegistration;
}

export class DirectorStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  list(): StoredDirector[] {
    const rows = this.#db.prepare("SELECT id, registration FROM directors ORDER BY id").all() as {
      id: string;
      registration: string;
    }[];
    return rows.map((r) => ({ id: r.id, registration: DirectorRegistration.parse(JSON.parse(r.registration)) }));
  }

  get(id: string): StoredDirector | null {
    const row = this.#db.prepare("SELECT registration FROM directors WHERE id = ?").get(id) as
      | { registration: string }
      | undefined;
    return row ? { id, registration: DirectorRegistration.parse(JSON.parse(row.registration)) } : null;
  }

  insert(id: string, registration: DirectorRegistration): void {
    const r = this.#db
      .prepare("INSERT OR IGNORE INTO directors (id, registration, created_at) VALUES (?, ?, ?)")
      .run(id, JSON.stringify(registration), Date.now());
    if (r.changes === 0) throw new ProtocolError("conflict", `a director with id "${id}" is already registered`);
  }

  /** Insert or replace (config-file directors at start). */
  upsert(id: string, registration: DirectorRegistration): void {
    this.#db
      .prepare(
        `INSERT INTO directors (id, registration, created_at) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET registration = excluded.registration`,
      )
      .run(id, JSON.stringify(registration), Date.now());
  }

  update(id: string, registration: DirectorRegistration): void {
    const r = this.#db.prepare("UPDATE directors SET registration = ? WHERE id = ?").run(JSON.stringify(registration), id);
    if (r.changes === 0) throw new ProtocolError("not_found", `no director "${id}"`);
  }

  delete(id: string): void {
    const r = this.#db.prepare("DELETE FROM directors WHERE id = ?").run(id);
    if (r.changes === 0) throw new ProtocolError("not_found", `no director "${id}"`);
  }
}
