// The check in front of every REST route: a mutation must come from this server's own origin;
// a non-public route needs a valid session and the route's role; a mutation also needs the
// session's CSRF token. Refusals are audited, aggregated per source and minute (a stale
// cookie, a forbidden action, a bad token; store/audit-refusals.ts)
// and a dead session cookie is cleared so the browser sends it only once. A request with
// `Authorization: Bearer` is authenticated by that personal API token alone (no cookie, no
// CSRF token: a browser never adds the header by itself; auth/api-tokens.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError } from "@/protocol/errors.ts";
import { ApiTokens, SESSION_ONLY_ROUTES } from "../auth/api-tokens.ts";
import type { Auth, Principal } from "../auth/auth.ts";
import type { AuditLog } from "../store/audit.ts";
import { type StoreHealth, readOnlyMessage } from "../store/health.ts";
import type { Guard, RouteInfo } from "./router.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function createGuard(auth: Auth, audit: AuditLog, store?: StoreHealth): Guard {
  const refuse = (req: IncomingMessage, user: string, action: string, route: RouteInfo, err: ProtocolError): never => {
    const address = auth.clientAddress(req);
    audit.refused(
      { user, action, director: null, target: `${route.method} ${route.pattern}`, request: { address, path: req.url?.slice(0, 500) ?? "" }, address },
      { error: err.toBody() },
    );
    throw err;
  };
  const byToken = (req: IncomingMessage, res: ServerResponse, route: RouteInfo, token: string): Principal => {
    const what = `${route.method} ${route.pattern}`;
    let principal: Principal;
    try {
      principal = auth.tokens.authenticate(token, auth.clientAddress(req));
    } catch (err) {
      const retry = err instanceof ProtocolError ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
      if (retry !== undefined) res.setHeader("retry-after", String(retry));
      return refuse(req, "anonymous", "auth.token", route, err as ProtocolError);
    }
    if (SESSION_ONLY_ROUTES.has(what)) {
      refuse(req, principal.user.username, "auth.denied", route, new ProtocolError("forbidden", `${what} needs a browser session: an API token cannot manage tokens or the password`));
    }
    try {
      auth.require(principal, route.access, what);
    } catch (err) {
      refuse(req, principal.user.username, "auth.denied", route, err as ProtocolError);
    }
    return principal;
  };
  return (req: IncomingMessage, res: ServerResponse, route: RouteInfo): Principal | null => {
    const mutation = !SAFE_METHODS.has(req.method ?? "GET");
    // a store that cannot write refuses changes up front, with why; reads go on
    const readOnly = store?.readOnly;
    if (mutation && readOnly) throw new ProtocolError("unavailable", readOnlyMessage(readOnly), { store: "read-only", since: readOnly.time });
    if (mutation && !auth.sameOrigin(req)) {
      refuse(req, "anonymous", "auth.origin", route, new ProtocolError("forbidden", "cross-origin request refused"));
    }
    if (route.access !== "public") {
      let token: string | null;
      try {
        token = ApiTokens.bearerOf(req);
      } catch (err) {
        return refuse(req, "anonymous", "auth.token", route, err as ProtocolError);
      }
      if (token !== null) return byToken(req, res, route, token);
    }
    const found = auth.principalOf(req);
    if ("failure" in found && found.failure !== "none") {
      for (const c of auth.cookies(req, null)) res.appendHeader("set-cookie", c);
      if (route.access !== "public") {
        refuse(req, "anonymous", "auth.session", route, new ProtocolError("unauthorized", `your session ${found.failure === "expired" ? "expired" : "is not valid"}: sign in again`));
      }
    }
    const principal = "principal" in found ? found.principal : null;
    if (route.access === "public") return principal;
    try {
      auth.require(principal, route.access, `${route.method} ${route.pattern}`);
      if (mutation) auth.checkCsrf(req, principal!);
    } catch (err) {
      if (!principal) throw err; // no cookie at all: a plain 401, nothing to audit
      refuse(req, principal.user.username, err instanceof ProtocolError && /CSRF/.test(err.message) ? "auth.csrf" : "auth.denied", route, err as ProtocolError);
    }
    return principal;
  };
}
