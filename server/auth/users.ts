// Dashboard users in SQLite: a username (unique, case-insensitive), an argon2id hash and a
// role. Deleting a user deletes its sessions (foreign key cascade).
import { ProtocolError } from "@/protocol/errors.ts";
import type { Role, UserView } from "@/protocol/dashboard/index.ts";
import type { Db } from "../store/db.ts";

export interface StoredUser extends UserView {
  passwordHash: string;
}

interface Row {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  created_at: number;
}

const toUser = (r: Row): StoredUser => ({ id: r.id, username: r.username, role: r.role, createdAt: r.created_at, passwordHash: r.password_hash });
export const userView = ({ passwordHash: _h, ...v }: StoredUser): UserView => v;

export class UserStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  count(): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
  }

  list(): UserView[] {
    return (this.#db.prepare("SELECT * FROM users ORDER BY username").all() as Row[]).map((r) => userView(toUser(r)));
  }

  get(id: number): StoredUser | null {
    const r = this.#db.prepare("SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
    return r ? toUser(r) : null;
  }

  byName(username: string): StoredUser | null {
    const r = this.#db.prepare("SELECT * FROM users WHERE username = ?").get(username) as Row | undefined;
    return r ? toUser(r) : null;
  }

  create(username: string, passwordHash: string, role: Role, now = Date.now()): StoredUser {
    const r = this.#db
      .prepare("INSERT OR IGNORE INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)")
      .run(username, passwordHash, role, now);
    if (r.changes === 0) throw new ProtocolError("conflict", `a user named "${username}" already exists`);
    return this.get(Number(r.lastInsertRowid))!;
  }

  /** The first admin: in one transaction with the check that no user exists yet. */
  createFirst(username: string, passwordHash: string): StoredUser | null {
    return this.#db.transaction(() => (this.count() > 0 ? null : this.create(username, passwordHash, "admin")))();
  }

  setRole(id: number, role: Role): void {
    this.#guardLastAdmin(id, role);
    this.#db.prepare("UPDATE users SET role = ? WHERE id = ?").run(role, id);
  }

  setPasswordHash(id: number, passwordHash: string): void {
    const r = this.#db.prepare("UPDATE users SET password_hash = ? WHERE id = ?").run(passwordHash, id);
    if (r.changes === 0) throw new ProtocolError("not_found", `no user ${id}`);
  }

  delete(id: number): void {
    this.#guardLastAdmin(id, null);
    this.#db.prepare("DELETE FROM users WHERE id = ?").run(id);
  }

  /** Nobody could manage users any more without an admin: refuse to remove the last one. */
  #guardLastAdmin(id: number, newRole: Role | null): void {
    const u = this.get(id);
    if (!u) throw new ProtocolError("not_found", `no user ${id}`);
    if (u.role !== "admin" || newRole === "admin") return;
    const admins = (this.#db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }).n;
    if (admins <= 1) throw new ProtocolError("conflict", `${u.username} is the last admin; make another user admin first`);
  }
}
