// Dashboard authentication: users, sessions, login throttling, the first admin, and the
// checks every request goes through (session, role, same origin, CSRF token). Throws
// ProtocolError (unauthorized 401 / forbidden 403); the HTTP layer answers them.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { UserView } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Db } from "../store/db.ts";
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, cookieName, readCookies, serializeCookie } from "./cookies.ts";
import { ClientAddresses } from "./client-address.ts";
import { ApiTokens } from "./api-tokens.ts";
import { dummyHash, hashPassword, verifyPassword } from "./passwords.ts";
import { type Access, roleAllows } from "./policy.ts";
import { LoginLimiter, type RateLimitOptions } from "./rate-limit.ts";
import { DEFAULT_SESSION_LIMITS, type Session, type SessionLimits, SessionStore, sessionKeyOf } from "./sessions.ts";
import { type StoredUser, UserStore, userView } from "./users.ts";

export interface AuthOptions {
  /** Secure cookies even over plain HTTP (TLS terminated by a proxy in front) */
  secureCookies?: boolean;
  session?: Partial<SessionLimits>;
  rateLimit?: RateLimitOptions;
  /** created at start when no user exists (tests, the lab, LVS_FLEET_ADMIN_PASSWORD_FILE) */
  initialAdmin?: { username: string; password: string };
  /** the browser-facing origin ("https://lvs.example.com") when a proxy rewrites Host */
  publicOrigin?: string;
  /** proxies (CIDRs) whose X-Forwarded-For names the client (throttling, audit) */
  trustedProxies?: readonly string[];
}

export interface Principal {
  user: UserView;
  /** for an API token: a stand-in keyed "api-token:<id>" (no cookie, no CSRF) */
  session: Session;
  /** set when the request came with a personal API token (api-tokens.ts) */
  token?: { id: number; name: string };
}

/** Why a request has no principal; "none" = no cookie at all (not worth an audit entry). */
export type AuthFailure = "none" | "unknown" | "expired";

export class Auth {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly limiter: LoginLimiter;
  /** personal API tokens (Authorization: Bearer), throttled like logins */
  readonly tokens: ApiTokens;
  readonly #addresses: ClientAddresses;
  readonly #opts: AuthOptions;
  /** the one-time code the first-run page asks for; null once a user exists */
  #setupCode: string | null = null;

  constructor(db: Db, opts: AuthOptions = {}) {
    this.#opts = opts;
    this.users = new UserStore(db);
    this.sessions = new SessionStore(db, { ...DEFAULT_SESSION_LIMITS, ...opts.session });
    this.limiter = new LoginLimiter(opts.rateLimit);
    this.tokens = new ApiTokens(db, this.users, opts.rateLimit);
    this.#addresses = new ClientAddresses(opts.trustedProxies);
  }

  /** The client's address: the socket's, or X-Forwarded-For's from a trusted proxy. */
  clientAddress(req: IncomingMessage): string {
    return this.#addresses.of(req);
  }

  /** Creates the configured first admin if nobody exists; otherwise arms the setup code. */
  async init(): Promise<void> {
    const first = this.#opts.initialAdmin;
    if (first && this.users.count() === 0) this.users.createFirst(first.username, await hashPassword(first.password));
    this.#setupCode = this.users.count() === 0 ? randomBytes(9).toString("base64url") : null;
  }

  get setupCode(): string | null {
    return this.users.count() === 0 ? this.#setupCode : null;
  }

  /** The first admin from the first-run page: only while no user exists and with the code. */
  async setup(username: string, password: string, code: string): Promise<StoredUser> {
    const expected = this.setupCode;
    if (expected === null) throw new ProtocolError("not_found", "the dashboard is already set up; sign in");
    if (!safeEqual(code, expected)) throw new ProtocolError("forbidden", "wrong setup code: it is printed in the server's log at start");
    const user = this.users.createFirst(username, await hashPassword(password));
    if (!user) throw new ProtocolError("not_found", "the dashboard is already set up; sign in");
    this.#setupCode = null;
    return user;
  }

  /** Checks a password; null when wrong (or unknown user, in the same time). */
  async checkPassword(username: string, password: string): Promise<StoredUser | null> {
    const u = this.users.byName(username);
    const ok = await verifyPassword(u?.passwordHash ?? (await dummyHash()), password);
    return u && ok ? u : null;
  }

  principalOf(req: IncomingMessage, touch = true): { principal: Principal } | { failure: AuthFailure } {
    // over TLS only the __Host- cookie counts: an unprefixed one may have been planted
    const cookie = readCookies(req).get(cookieName(SESSION_COOKIE, this.secure(req)));
    if (!cookie) return { failure: "none" };
    const found = this.sessions.lookup(sessionKeyOf(cookie), touch);
    if ("failure" in found) return found;
    const user = this.users.get(found.session.userId);
    if (!user) return { failure: "unknown" };
    return { principal: { user: userView(user), session: found.session } };
  }

  /** A still valid session key's principal (the live socket re-checks with this). */
  principalByKey(key: string, touch: boolean): Principal | null {
    const found = this.sessions.lookup(key, touch);
    if ("failure" in found) return null;
    const user = this.users.get(found.session.userId);
    return user ? { user: userView(user), session: found.session } : null;
  }

  /** The role check: unauthorized without a principal, forbidden below the route's role. */
  require(principal: Principal | null, access: Access, what: string): void {
    if (access === "public") return;
    if (!principal) throw new ProtocolError("unauthorized", "sign in first: no valid session");
    if (!roleAllows(principal.user.role, access)) {
      throw new ProtocolError("forbidden", `${what} needs the ${access} role; ${principal.user.username} is ${principal.user.role}`);
    }
  }

  /** Origin (or Referer) of a browser request must be this server's; absent = not a browser. */
  sameOrigin(req: IncomingMessage): boolean {
    let origin = req.headers.origin;
    if (origin === undefined && req.headers.referer) {
      try {
        origin = new URL(req.headers.referer).origin;
      } catch {
        return false;
      }
    }
    if (origin === undefined) return true;
    if (this.#opts.publicOrigin) return origin === this.#opts.publicOrigin;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false; // "null" (sandboxed frames, file:) and garbage
    }
  }

  /** Double submit: the X-CSRF-Token header must be the session's token. */
  checkCsrf(req: IncomingMessage, principal: Principal): void {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== "string" || !safeEqual(sent, principal.session.csrf)) {
      throw new ProtocolError("forbidden", "missing or wrong X-CSRF-Token header: reload the page");
    }
  }

  secure(req: IncomingMessage): boolean {
    return this.#opts.secureCookies === true || (req.socket as TLSSocket).encrypted === true;
  }

  /** Set-Cookie values for a new session, or (cookie null) for ending one. */
  cookies(req: IncomingMessage, s: { cookie: string; session: Session } | null): string[] {
    const secure = this.secure(req);
    const session = cookieName(SESSION_COOKIE, secure);
    const csrf = cookieName(CSRF_COOKIE, secure);
    if (!s) {
      return [
        serializeCookie(session, "", { secure, httpOnly: true, maxAge: 0 }),
        serializeCookie(csrf, "", { secure, httpOnly: false, maxAge: 0 }),
      ];
    }
    // browser cookies live as long as the absolute limit; the server enforces idle expiry
    const maxAge = Math.floor(this.sessions.limits.absoluteMs / 1000);
    return [
      serializeCookie(session, s.cookie, { secure, httpOnly: true, maxAge }),
      serializeCookie(csrf, s.session.csrf, { secure, httpOnly: false, maxAge }),
    ];
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
