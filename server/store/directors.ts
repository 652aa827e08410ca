// Registered directors (and realserver agents). The registration, token included, stays in
// the server: views for the browser are built from it without the token. The token is
// sealed (store/secrets.ts) in the row; rows written before that are sealed at start.
import { ProtocolError } from "@/protocol/errors.ts";
import { DirectorRegistration } from "@/protocol/dashboard/index.ts";
import type { Db } from "./db.ts";
import { SecretBox } from "./secrets.ts";

export interface StoredDirector {
  id: string;
  registration: DirectorRegistration;
}

export class DirectorStore {
  readonly #db: Db;
  readonly #box: SecretBox;
  constructor(db: Db, box: SecretBox) {
    this.#db = db;
    this.#box = box;
    this.#sealPlaintext();
  }

  /** Seals the tokens of rows from before sealing (and checks every sealed one opens). */
  #sealPlaintext(): void {
    const rows = this.#db.prepare("SELECT id, registration FROM directors").all() as { id: string; registration: string }[];
    const update = this.#db.prepare("UPDATE directors SET registration = ? WHERE id = ?");
    this.#db.transaction(() => {
      for (const r of rows) {
        const reg = this.#parse(r.id, r.registration);
        if (!SecretBox.isSealed((JSON.parse(r.registration) as { token: string }).token)) update.run(this.#text(r.id, reg), r.id);
      }
    })();
  }

  #text(id: string, reg: DirectorRegistration): string {
    return JSON.stringify({ ...reg, token: this.#box.seal(reg.token, `director ${id}`) });
  }

  #parse(id: string, text: string): DirectorRegistration {
    const raw = JSON.parse(text) as { token?: unknown };
    const token = typeof raw.token === "string" && SecretBox.isSealed(raw.token) ? this.#box.open(raw.token, `director ${id}`) : raw.token;
    return DirectorRegistration.parse({ ...raw, token });
  }

  list(): StoredDirector[] {
    const rows = this.#db.prepare("SELECT id, registration FROM directors ORDER BY id").all() as {
      id: string;
      registration: string;
    }[];
    return rows.map((r) => ({ id: r.id, registration: this.#parse(r.id, r.registration) }));
  }

  get(id: string): StoredDirector | null {
    const row = this.#db.prepare("SELECT registration FROM directors WHERE id = ?").get(id) as
      | { registration: string }
      | undefined;
    return row ? { id, registration: this.#parse(id, row.registration) } : null;
  }

  insert(id: string, registration: DirectorRegistration): void {
    const r = this.#db
      .prepare("INSERT OR IGNORE INTO directors (id, registration, created_at) VALUES (?, ?, ?)")
      .run(id, this.#text(id, registration), Date.now());
    if (r.changes === 0) throw new ProtocolError("conflict", `a director with id "${id}" is already registered`);
  }

  /** Insert or replace (config-file directors at start). */
  upsert(id: string, registration: DirectorRegistration): void {
    this.#db
      .prepare(
        `INSERT INTO directors (id, registration, created_at) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET registration = excluded.registration`,
      )
      .run(id, this.#text(id, registration), Date.now());
  }

  update(id: string, registration: DirectorRegistration): void {
    const r = this.#db.prepare("UPDATE directors SET registration = ? WHERE id = ?").run(this.#text(id, registration), id);
    if (r.changes === 0) throw new ProtocolError("not_found", `no director "${id}"`);
  }

  delete(id: string): void {
    const r = this.#db.prepare("DELETE FROM directors WHERE id = ?").run(id);
    if (r.changes === 0) throw new ProtocolError("not_found", `no director "${id}"`);
  }
}
