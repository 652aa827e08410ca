// The api_tokens table (schema 6, store/db.ts): one row per personal API token, keyed by the
// SHA-256 of the token; the token itself is never stored. A revoked token keeps its row (with
// revoked_at), so it is answered "revoked" rather than "unknown" and its history stays.
import type { Role } from "@/protocol/dashboard/index.ts";
import type { ApiTokenView } from "@/protocol/dashboard/tokens.ts";
import type { Db } from "./db.ts";

export interface StoredApiToken extends ApiTokenView {
  userId: number;
  revokedAt: number | null;
}

interface Row {
  id: number;
  user_id: number;
  name: string;
  role: Role;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  last_used_address: string | null;
}

const toToken = (r: Row): StoredApiToken => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
  lastUsedAddress: r.last_used_address,
});

export const apiTokenView = ({ userId: _u, revokedAt: _r, ...v }: StoredApiToken): ApiTokenView => v;

export class ApiTokenStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  insert(t: { userId: number; name: string; role: Role; hash: string; createdAt: number; expiresAt: number | null }): StoredApiToken {
    const r = this.#db
      .prepare("INSERT INTO api_tokens (user_id, name, role, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(t.userId, t.name, t.role, t.hash, t.createdAt, t.expiresAt);
    return this.get(Number(r.lastInsertRowid))!;
  }

  get(id: number): StoredApiToken | null {
    const r = this.#db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(id) as Row | undefined;
    return r ? toToken(r) : null;
  }

  byHash(hash: string): StoredApiToken | null {
    const r = this.#db.prepare("SELECT * FROM api_tokens WHERE token_hash = ?").get(hash) as Row | undefined;
    return r ? toToken(r) : null;
  }

  /** The user's tokens that are not revoked, newest first. */
  listActive(userId: number): StoredApiToken[] {
    const rows = this.#db.prepare("SELECT * FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id DESC").all(userId) as Row[];
    return rows.map(toToken);
  }

  countActive(userId: number): number {
    return (this.#db.prepare("SELECT count(*) AS n FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL").get(userId) as { n: number }).n;
  }

  /** Marks the user's token revoked; false when it is not theirs or already revoked. */
  revoke(userId: number, id: number, now: number): boolean {
    return this.#db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL").run(now, id, userId).changes === 1;
  }

  touch(id: number, now: number, address: string): void {
    this.#db.prepare("UPDATE api_tokens SET last_used_at = ?, last_used_address = ? WHERE id = ?").run(now, address.slice(0, 100), id);
  }
}
