// /api/auth: sign in and out, who am I, the first-run setup, and changing one's own password.
// Logins are throttled (server/auth/rate-limit.ts) and audited, successes and
// failures; passwords never reach the log or the audit.
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SessionView, } from "@/protocol/dashboard/index.ts";
import { httpStatusOf, ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import type { Principal } from "../auth/auth.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { StoredUser } from "../auth/users.ts";
import { userView } from "../auth/users.ts";
import { readJson, sendJson } from "./respond.ts";
import type { Router } from "./router.ts";

export function sessionView(app: Dashboard, p: Principal | null): SessionView {
  return {
    user: p?.user ?? null,
    csrfToken: p?.session.csrf ?? null,
    setupNeeded: app.auth.users.count() === 0,
    expiresAt: p ? app.auth.sessions.expiresAt(p.session) : null,
  };
}

/** Starts a session for the user: cookies on the response, the session view as the body.
 * The session the browser came with (if any) ends: one browser, one session. */
function signIn(app: Dashboard, req: IncomingMessage, res: ServerResponse, user: StoredUser): undefined {
  const previous = app.auth.principalOf(req, false);
  if ("principal" in previous) {
    app.auth.sessions.delete(previous.principal.session.key);
    app.hub.revalidate();
  }
  const s = app.auth.sessions.create(user.id);
  for (const c of app.auth.cookies(req, s)) res.appendHeader("set-cookie", c);
  sendJson(res, 200, sessionView(app, { user: userView(user), session: s.session }));
  return undefined;
}

export function authRoutes(router: Router, app: Dashboard): void {
  const auth = app.auth;
  const record = (user: string, action: string, req: IncomingMessage, ok: boolean, result: unknown) =>
    app.audit.record({ user, action, director: null, target: user, request: { address: auth.clientAddress(req) } }, ok, result);
  // failed and throttled logins come from anyone: aggregated per source and minute
  const refused = (user: string, req: IncomingMessage, result: unknown) => {
    const address = auth.clientAddress(req);
    app.audit.refused({ user, action: "auth.login", director: null, target: user, request: { address }, address }, result);
  };

  router
    .on("GET /api/auth/session", ({ principal }) => sessionView(app, principal))
    .on("POST /api/auth/login", async ({ req, res }) => {
      const { username, password } = await readJson(req, bodySchemaOf("POST /api/auth/login"), "login");
      // counted before the verify: simultaneous guesses cannot all slip past the limit
      const admission = auth.limiter.begin(auth.clientAddress(req), username);
      if ("retryAfterMs" in admission) {
        const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
        refused(username, req, { error: { code: "throttled", retryAfterSeconds: seconds } });
        res.setHeader("retry-after", String(seconds));
        sendJson(res, httpStatusOf("rate_limited"), { error: { code: "rate_limited", message: `too many failed sign-ins: try again in ${seconds} s`, details: { retryAfterSeconds: seconds } } });
        return undefined;
      }
      const { attempt } = admission;
      let user: StoredUser | null = null;
      try {
        // a name under attack from elsewhere is slowed down here, not refused
        if (attempt.delayMs > 0) await new Promise((r) => setTimeout(r, attempt.delayMs));
        user = await auth.checkPassword(username, password);
      } finally {
        attempt.done(user !== null);
      }
      if (!user) {
        refused(username, req, { error: { code: "unauthorized" } });
        throw new ProtocolError("unauthorized", "wrong username or password");
      }
      record(user.username, "auth.login", req, true, { role: user.role });
      return signIn(app, req, res, user);
    })
    .on("POST /api/auth/logout", ({ req, res, principal }) => {
      if (principal) {
        auth.checkCsrf(req, principal);
        auth.sessions.delete(principal.session.key);
        record(principal.user.username, "auth.logout", req, true, null);
        app.hub.revalidate();
      }
      for (const c of auth.cookies(req, null)) res.appendHeader("set-cookie", c);
      return { ok: true };
    })
    .on("POST /api/auth/setup", async ({ req, res }) => {
      const body = await readJson(req, bodySchemaOf("POST /api/auth/setup"), "setup request");
      let user: StoredUser;
      try {
        user = await auth.setup(body.username, body.password, body.code);
      } catch (err) {
        record(body.username, "auth.setup", req, false, { error: (err as ProtocolError).toBody?.() ?? String(err) });
        throw err;
      }
      record(user.username, "auth.setup", req, true, { role: user.role });
      return signIn(app, req, res, user);
    })
    .on("POST /api/auth/password", async ({ req, principal }) => {
      const p = principal!;
      const body = await readJson(req, bodySchemaOf("POST /api/auth/password"), "password change");
      if (!(await auth.checkPassword(p.user.username, body.current))) {
        record(p.user.username, "auth.password", req, false, { error: { code: "unauthorized" } });
        throw new ProtocolError("forbidden", "the current password is wrong");
      }
      auth.users.setPasswordHash(p.user.id, await hashPassword(body.password));
      // other sessions of this user end; this one stays
      auth.sessions.deleteForUser(p.user.id, p.session.key);
      app.hub.revalidate();
      record(p.user.username, "auth.password", req, true, null);
      return { ok: true };
    });
}
