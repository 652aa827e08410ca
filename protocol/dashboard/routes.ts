// The REST contract: every route of /api once, with the role it needs, its name in the typed
// client (components/lib/api-client.ts: `api.drains.start({ body })`), the status of its
// success, what its reply is, and the error codes it may answer. The server registers its
// handlers by these keys and refuses one that is not here (server/http/router.ts), its access
// policy is read from here (server/auth/policy.ts), and the REST fuzz holds every error reply
// to the route's list. Zod-free, like topics.ts, so the page's first JavaScript can carry it;
// the request and reply types are in route-types.ts, the schemas in route-schemas.ts (a lazy
// chunk in the browser).
import type { ErrorCode } from "../errors.ts";
import type { Role } from "./auth.ts";

/** "public": no session needed (login, first-run setup, who-am-I). */
export type Access = Role | "public";

export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteSpec {
  access: Access;
  /** "group.method" in the typed client */
  name: string;
  /** the success status (200 unless said) */
  status?: 201;
  /** json (default), text (text/plain), ndjson (a stream of JSON lines), download (a file the
   * browser saves: only its URL is used) */
  reply?: "text" | "ndjson" | "download";
  errors: readonly ErrorCode[];
}

// The error codes by what a route does (protocol/errors.ts): every route may answer
// internal; one that reads input, bad_request (and too_large for a body); one behind a
// session, unauthorized and forbidden (role, CSRF); one that names a director, not_found; one
// that asks its agent, what the agent link can answer; a table change, conflict (another
// version) and kernel_error.
const PUBLIC: readonly ErrorCode[] = ["bad_request", "too_large", "internal"];
const SIGNED: readonly ErrorCode[] = ["bad_request", "too_large", "unauthorized", "forbidden", "not_found", "internal"];
const AGENT: readonly ErrorCode[] = [...SIGNED, "unavailable", "timeout", "version_mismatch", "unsupported", "kernel_error"];
const TABLE: readonly ErrorCode[] = [...AGENT, "conflict"];
const LOCAL: readonly ErrorCode[] = [...SIGNED, "conflict"];

const r = <N extends string>(access: Access, name: N, errors: readonly ErrorCode[], more: Partial<Pick<RouteSpec, "status" | "reply">> = {}) => ({
  access,
  name,
  errors,
  ...more,
});
const CREATED = { status: 201 } as const;

export const ROUTES = {
  "GET /api/auth/session": r("public", "auth.session", PUBLIC),
  "POST /api/auth/login": r("public", "auth.login", [...PUBLIC, "unauthorized", "rate_limited"]),
  "POST /api/auth/logout": r("public", "auth.logout", [...PUBLIC, "forbidden"]),
  "POST /api/auth/setup": r("public", "auth.setup", [...PUBLIC, "forbidden", "not_found", "conflict", "rate_limited"]),
  "POST /api/auth/password": r("viewer", "auth.password", SIGNED),
  // one's own API tokens (browser session only: server/auth/api-tokens.ts SESSION_ONLY_ROUTES)
  "GET /api/auth/tokens": r("viewer", "tokens.list", SIGNED),
  "POST /api/auth/tokens": r("viewer", "tokens.create", LOCAL, CREATED),
  "DELETE /api/auth/tokens/:id": r("viewer", "tokens.revoke", SIGNED),

  "GET /api/users": r("admin", "users.list", SIGNED),
  "POST /api/users": r("admin", "users.create", LOCAL, CREATED),
  "PATCH /api/users/:id": r("admin", "users.update", LOCAL),
  "DELETE /api/users/:id": r("admin", "users.remove", LOCAL),

  "GET /api/directors": r("viewer", "directors.list", SIGNED),
  "POST /api/directors": r("admin", "directors.register", LOCAL, CREATED),
  "GET /api/directors/:id": r("viewer", "directors.get", SIGNED),
  "PATCH /api/directors/:id": r("admin", "directors.update", LOCAL),
  "DELETE /api/directors/:id": r("admin", "directors.remove", LOCAL),
  "POST /api/directors/:id/trust": r("admin", "directors.trust", LOCAL),
  "POST /api/directors/:id/token": r("admin", "directors.issueToken", LOCAL),
  "GET /api/directors/:id/services": r("viewer", "directors.table", SIGNED),
  "POST /api/directors/:id/services": r("operator", "services.create", TABLE, CREATED),
  "PATCH /api/directors/:id/services/:service": r("operator", "services.update", TABLE),
  "DELETE /api/directors/:id/services/:service": r("operator", "services.remove", TABLE),
  "POST /api/directors/:id/services/:service/destinations": r("operator", "destinations.create", TABLE, CREATED),
  "PATCH /api/directors/:id/services/:service/destinations/:dest": r("operator", "destinations.update", TABLE),
  "DELETE /api/directors/:id/services/:service/destinations/:dest": r("operator", "destinations.remove", TABLE),

  "GET /api/directors/:id/rules": r("viewer", "rules.text", AGENT, { reply: "text" }),
  "POST /api/directors/:id/rules/diff": r("operator", "rules.diff", AGENT),
  "POST /api/directors/:id/rules/import": r("operator", "rules.import", TABLE),
  "GET /api/directors/:id/history": r("viewer", "history.query", [...SIGNED, "unavailable", "timeout"]),
  // the server's --prometheus URL, for the header's link
  "GET /api/history/source": r("viewer", "history.source", SIGNED),
  "GET /api/directors/:id/conns": r("viewer", "conns.read", AGENT, { reply: "ndjson" }),
  "GET /api/directors/:id/sysctls": r("viewer", "sysctls.get", AGENT),
  "PUT /api/directors/:id/sysctls": r("operator", "sysctls.set", AGENT),
  "GET /api/directors/:id/health": r("viewer", "health.view", AGENT),
  "GET /api/directors/:id/health/config": r("viewer", "health.config", AGENT),
  "PUT /api/directors/:id/health/services/:service": r("operator", "health.setService", TABLE),
  "DELETE /api/directors/:id/health/services/:service": r("operator", "health.removeService", TABLE),
  "PUT /api/directors/:id/health/services/:service/destinations/:dest": r("operator", "health.setDestination", TABLE),
  "DELETE /api/directors/:id/health/services/:service/destinations/:dest": r("operator", "health.removeDestination", TABLE),
  // lvsctl --server: the agent's reads as they are, and the ipvsadm verbs without a route above
  "GET /api/directors/:id/ipvsadm/:request": r("viewer", "ipvsadm.read", AGENT),
  "POST /api/directors/:id/ipvsadm/:request": r("operator", "ipvsadm.write", TABLE),
  "GET /api/readiness": r("viewer", "readiness.check", AGENT),
  "GET /api/readiness/fleet": r("viewer", "readiness.fleet", SIGNED),
  "POST /api/readiness/fix": r("operator", "readiness.fix", AGENT),
  // the header's fleet search (server/http/routes-search.ts): VIPs and real-server addresses
  "GET /api/search": r("viewer", "search.query", SIGNED),

  "GET /api/groups": r("viewer", "groups.list", SIGNED),
  "GET /api/groups/:group": r("viewer", "groups.get", SIGNED),
  "GET /api/groups/:group/drift": r("viewer", "groups.drift", AGENT),
  "POST /api/groups/:group/identical": r("admin", "groups.identical", TABLE),
  "POST /api/groups/:group/adopt": r("admin", "groups.adopt", TABLE),
  "POST /api/groups/:group/rules/import": r("operator", "groups.importRules", TABLE),
  "POST /api/groups/:group/ipvsadm/:request": r("operator", "groups.ipvsadm", TABLE),
  "POST /api/groups/:group/services": r("operator", "groupServices.create", TABLE, CREATED),
  "PATCH /api/groups/:group/services/:service": r("operator", "groupServices.update", TABLE),
  "DELETE /api/groups/:group/services/:service": r("operator", "groupServices.remove", TABLE),
  "POST /api/groups/:group/services/:service/destinations": r("operator", "groupDestinations.create", TABLE, CREATED),
  "PATCH /api/groups/:group/services/:service/destinations/:dest": r("operator", "groupDestinations.update", TABLE),
  "DELETE /api/groups/:group/services/:service/destinations/:dest": r("operator", "groupDestinations.remove", TABLE),

  "GET /api/drains": r("viewer", "drains.list", SIGNED),
  "POST /api/drains": r("operator", "drains.start", TABLE, CREATED),
  "GET /api/drains/:job": r("viewer", "drains.get", SIGNED),
  "POST /api/drains/:job/undrain": r("operator", "drains.undrain", TABLE),
  "POST /api/drains/:job/remove": r("operator", "drains.remove", TABLE),

  "GET /api/audit": r("operator", "audit.query", SIGNED),
  "GET /api/audit/export": r("operator", "audit.export", SIGNED, { reply: "download" }),
} as const satisfies Record<string, RouteSpec>;

export type RouteKey = keyof typeof ROUTES;
/** A route's name in the typed client ("drains.start"). */
export type RouteName<K extends RouteKey> = (typeof ROUTES)[K]["name"];

/** The method and the path pattern of a route key. */
export function splitRouteKey(key: string): { method: RouteMethod; pattern: string } {
  const i = key.indexOf(" ");
  return { method: key.slice(0, i) as RouteMethod, pattern: key.slice(i + 1) };
}

/** The names of a pattern's parameters: "/api/directors/:id/services/:service" -> id | service. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;
export type PatternOf<K extends RouteKey> = K extends `${string} ${infer P}` ? P : never;
export type PathParams<K extends RouteKey> = { [N in PathParamNames<PatternOf<K>>]: string };

/** The path of a route with its parameters filled in (encoded: service keys hold ':' '[' ']'). */
export function routePath(key: RouteKey, params: Record<string, string> = {}): string {
  return splitRouteKey(key).pattern.replace(/:([a-z]+)/gi, (_, n: string) => {
    const v = params[n];
    if (v === undefined) throw new Error(`route ${key} needs parameter ${n}`);
    return encodeURIComponent(v);
  });
}
