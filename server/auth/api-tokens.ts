// Personal API tokens: created (shown once) and revoked by their user, kept as a SHA-256 (the
// token is 32 random bytes: a fast hash is enough, no password stretching needed), checked on
// `Authorization: Bearer` requests. A token acts as its user with the lower of the user's role
// of the moment and the role it was created with, so a demotion or a deletion takes effect at
// once. Wrong tokens are throttled per client address as failed logins are (rate-limit.ts).
// The token never reaches a log, the audit or an error message.
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Role, UserView } from "@/protocol/dashboard/index.ts";
import { API_TOKEN_PATTERN, type ApiTokenCreate, type ApiTokenCreated, type ApiTokenView } from "@/protocol/dashboard/tokens.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { ApiTokenStore, apiTokenView } from "../store/api-tokens.ts";
import type { Db } from "../store/db.ts";
import { roleAllows } from "./policy.ts";
import { LoginLimiter, type RateLimitOptions } from "./rate-limit.ts";
import type { Session } from "./sessions.ts";
import type { UserStore } from "./users.ts";

/** Routes a token cannot use: they need the user at a browser (session, password, tokens). */
export const SESSION_ONLY_ROUTES: ReadonlySet<string> = new Set([
  "GET /api/auth/tokens",
  "POST /api/auth/tokens",
  "DELETE /api/auth/tokens/:id",
  "POST /api/auth/password",
]);

/** At most this many live tokens per user: a bound on the table, not a policy. */
export const MAX_TOKENS_PER_USER = 50;

export const apiTokenHash = (token: string): string => createHash("sha256").update(token).digest("hex");

export interface TokenPrincipal {
  user: UserView;
  session: Session;
  token: { id: number; name: string };
}

const LIMIT_KEY = "(api token)";

export class ApiTokens {
  readonly store: ApiTokenStore;
  readonly limiter: LoginLimiter;
  readonly #users: UserStore;

  constructor(db: Db, users: UserStore, rateLimit?: RateLimitOptions) {
    this.store = new ApiTokenStore(db);
    this.#users = users;
    this.limiter = new LoginLimiter(rateLimit);
  }

  create(user: UserView, body: ApiTokenCreate, now = Date.now()): ApiTokenCreated {
    const role: Role = body.role ?? user.role;
    if (!roleAllows(user.role, role)) throw new ProtocolError("forbidden", `a token cannot have more than your role (${user.role}); asked for ${role}`);
    if (this.store.countActive(user.id) >= MAX_TOKENS_PER_USER) {
      throw new ProtocolError("conflict", `you have ${MAX_TOKENS_PER_USER} tokens already: revoke one first`);
    }
    const token = `lvsf_${randomBytes(32).toString("base64url")}`;
    const expiresAt = body.expiresInDays === undefined ? null : now + body.expiresInDays * 86_400_000;
    const stored = this.store.insert({ userId: user.id, name: body.name, role, hash: apiTokenHash(token), createdAt: now, expiresAt });
    return { token, view: apiTokenView(stored) };
  }

  list(userId: number): ApiTokenView[] {
    return this.store.listActive(userId).map(apiTokenView);
  }

  revoke(userId: number, id: number, now = Date.now()): ApiTokenView {
    const t = this.store.get(id);
    if (!t || t.userId !== userId || t.revokedAt !== null) throw new ProtocolError("not_found", `you have no token ${id}`);
    this.store.revoke(userId, id, now);
    return apiTokenView(t);
  }

  /** The bearer token of a request; null without an Authorization header. */
  static bearerOf(req: IncomingMessage): string | null {
    const h = req.headers.authorization;
    if (h === undefined) return null;
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
    if (!m) throw new ProtocolError("unauthorized", "the Authorization header takes only `Bearer <API token>`");
    return m[1]!;
  }

  /**
   * Checks a bearer token from `address`: its principal, or throws unauthorized (wrong,
   * revoked, expired, user gone) or rate_limited (too many wrong ones from this address).
   */
  authenticate(token: string, address: string, now = Date.now()): TokenPrincipal {
    const admission = this.limiter.begin(address, LIMIT_KEY, now);
    if ("retryAfterMs" in admission) {
      const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
      throw new ProtocolError("rate_limited", `too many requests with a wrong API token from ${address}: try again in ${seconds} s`, { retryAfterSeconds: seconds });
    }
    let ok = false;
    try {
      const found = API_TOKEN_PATTERN.test(token) ? this.store.byHash(apiTokenHash(token)) : null;
      if (!found) throw new ProtocolError("unauthorized", "the API token is not valid: create one on your account page");
      if (found.revokedAt !== null) throw new ProtocolError("unauthorized", `the API token "${found.name}" was revoked`);
      if (found.expiresAt !== null && now >= found.expiresAt) throw new ProtocolError("unauthorized", `the API token "${found.name}" expired`);
      const user = this.#users.get(found.userId);
      if (!user) throw new ProtocolError("unauthorized", "the API token's user no longer exists");
      ok = true;
      // written at most once a second per token: a burst of lvsctl --all requests stays cheap
      if (found.lastUsedAt === null || now - found.lastUsedAt >= 1000 || found.lastUsedAddress !== address) {
        try {
          this.store.touch(found.id, now, address);
        } catch {
          // a store that cannot write still lets the token read
        }
      }
      const role: Role = roleAllows(user.role, found.role) ? found.role : user.role;
      return {
        user: { id: user.id, username: user.username, role, createdAt: user.createdAt },
        session: { key: `api-token:${found.id}`, userId: user.id, csrf: randomBytes(16).toString("hex"), createdAt: found.createdAt, lastSeen: now },
        token: { id: found.id, name: found.name },
      };
    } finally {
      admission.attempt.done(ok);
    }
  }
}
