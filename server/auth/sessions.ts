// Login sessions: the cookie carries 32 random bytes; the database keeps only their SHA-256,
// so a copy of the database cannot be used to sign in. A session ends after `idleMs` without
// a request or `absoluteMs` after login, whichever comes first.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../store/db.ts";

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 60 * 60_000, absoluteMs: 12 * 60 * 60_000 };

export interface Session {
  /** the SHA-256 of the cookie value (hex): the key everywhere on the server */
  key: string;
  userId: number;
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

export type Lookup = { session: Session } | { failure: "unknown" | "expired" };

export const sessionKeyOf = (cookieValue: string): string => createHash("sha256").update(cookieValue).digest("hex");
const randomToken = () => randomBytes(32).toString("base64url");

interface Row {
  id_hash: string;
  user_id: number;
  csrf: string;
  created_at: number;
  last_seen: number;
}

export class SessionStore {
  readonly #db: Db;
  readonly limits: SessionLimits;
  constructor(db: Db, limits: SessionLimits) {
    this.#db = db;
    this.limits = limits;
  }

  /** Returns the cookie value (shown once, never stored) and the session. */
  create(userId: number, now = Date.now()): { cookie: string; session: Session } {
    const cookie = randomToken();
    const session: Session = { key: sessionKeyOf(cookie), userId, csrf: randomToken(), createdAt: now, lastSeen: now };
    this.#db
      .prepare("INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)")
      .run(session.key, userId, session.csrf, now, now);
    return { cookie, session };
  }

  /** Finds a session by its key; an expired one is deleted. `touch` counts as activity. */
  lookup(key: string, touch: boolean, now = Date.now()): Lookup {
    const r = this.#db.prepare("SELECT * FROM sessions WHERE id_hash = ?").get(key) as Row | undefined;
    if (!r) return { failure: "unknown" };
    if (now - r.last_seen > this.limits.idleMs || now - r.created_at > this.limits.absoluteMs) {
      this.delete(key);
      return { failure: "expired" };
    }
    // writes at most once a second per session: the live socket and polling stay cheap
    if (touch && now - r.last_seen >= 1000) {
      try {
        this.#db.prepare("UPDATE sessions SET last_seen = ? WHERE id_hash = ?").run(now, key);
      } catch {
        // a store that cannot write (disk full) still lets signed-in users read
      }
    }
    return { session: { key, userId: r.user_id, csrf: r.csrf, createdAt: r.created_at, lastSeen: touch ? now : r.last_seen } };
  }

  expiresAt(s: Session): number {
    return Math.min(s.lastSeen + this.limits.idleMs, s.createdAt + this.limits.absoluteMs);
  }

  delete(key: string): void {
    this.#db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(key);
  }

  /** Ends every session of a user (password reset, role change), but `keep` if given. */
  deleteForUser(userId: number, keep = ""): void {
    this.#db.prepare("DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?").run(userId, keep);
  }

  prune(now = Date.now()): void {
    this.#db
      .prepare("DELETE FROM sessions WHERE last_seen < ? OR created_at < ?")
      .run(now - this.limits.idleMs, now - this.limits.absoluteMs);
  }
}
