// Who may do what: the minimum role of every REST route and of the live WebSocket. The router
// refuses to register a route that is not in this table, so a new route cannot be left open
// by forgetting it (test/unit/server-auth-routes.test.ts walks every registered route).
import type { Role } from "@/protocol/dashboard/index.ts";

/** "public": no session needed (login, first-run setup, who-am-I); "session": any role. */
export type Access = Role | "public";

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/** The minimum role for the live WebSocket (/api/live): every topic is a read. */
export const LIVE_ACCESS: Role = "viewer";

export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  "GET /api/auth/session": "public",
  "POST /api/auth/login": "public",
  "POST /api/auth/logout": "public",
  "POST /api/auth/setup": "public",
  "POST /api/auth/password": "viewer",
  // one's own API tokens (browser session only: auth/api-tokens.ts SESSION_ONLY_ROUTES)
  "GET /api/auth/tokens": "viewer",
  "POST /api/auth/tokens": "viewer",
  "DELETE /api/auth/tokens/:id": "viewer",

  "GET /api/users": "admin",
  "POST /api/users": "admin",
  "PATCH /api/users/:id": "admin",
  "DELETE /api/users/:id": "admin",

  "GET /api/directors": "viewer",
  "POST /api/directors": "admin",
  "GET /api/directors/:id": "viewer",
  "PATCH /api/directors/:id": "admin",
  "DELETE /api/directors/:id": "admin",
  "POST /api/directors/:id/trust": "admin",
  "POST /api/directors/:id/token": "admin",
  "GET /api/directors/:id/services": "viewer",
  "POST /api/directors/:id/services": "operator",
  "PATCH /api/directors/:id/services/:service": "operator",
  "DELETE /api/directors/:id/services/:service": "operator",
  "POST /api/directors/:id/services/:service/destinations": "operator",
  "PATCH /api/directors/:id/services/:service/destinations/:dest": "operator",
  "DELETE /api/directors/:id/services/:service/destinations/:dest": "operator",

  "GET /api/directors/:id/rules": "viewer",
  "POST /api/directors/:id/rules/diff": "operator",
  "POST /api/directors/:id/rules/import": "operator",
  "GET /api/directors/:id/history": "viewer",
  // the server's --prometheus URL, for the header's link
  "GET /api/history/source": "viewer",
  "GET /api/directors/:id/conns": "viewer",
  "GET /api/directors/:id/sysctls": "viewer",
  "PUT /api/directors/:id/sysctls": "operator",
  "GET /api/directors/:id/health": "viewer",
  "GET /api/directors/:id/health/config": "viewer",
  "PUT /api/directors/:id/health/services/:service": "operator",
  "DELETE /api/directors/:id/health/services/:service": "operator",
  "PUT /api/directors/:id/health/services/:service/destinations/:dest": "operator",
  "DELETE /api/directors/:id/health/services/:service/destinations/:dest": "operator",
  // lvsctl --server: the agent's reads as they are, and the ipvsadm verbs without a route above
  "GET /api/directors/:id/ipvsadm/:request": "viewer",
  "POST /api/directors/:id/ipvsadm/:request": "operator",
  "GET /api/readiness": "viewer",
  "GET /api/readiness/fleet": "viewer",
  "POST /api/readiness/fix": "operator",
  // the header's fleet search (routes-search.ts): VIPs and real-server addresses
  "GET /api/search": "viewer",

  "GET /api/groups": "viewer",
  "GET /api/groups/:group": "viewer",
  "GET /api/groups/:group/drift": "viewer",
  "POST /api/groups/:group/identical": "admin",
  "POST /api/groups/:group/adopt": "admin",
  "POST /api/groups/:group/rules/import": "operator",
  "POST /api/groups/:group/ipvsadm/:request": "operator",
  "POST /api/groups/:group/services": "operator",
  "PATCH /api/groups/:group/services/:service": "operator",
  "DELETE /api/groups/:group/services/:service": "operator",
  "POST /api/groups/:group/services/:service/destinations": "operator",
  "PATCH /api/groups/:group/services/:service/destinations/:dest": "operator",
  "DELETE /api/groups/:group/services/:service/destinations/:dest": "operator",

  "GET /api/drains": "viewer",
  "POST /api/drains": "operator",
  "GET /api/drains/:job": "viewer",
  "POST /api/drains/:job/undrain": "operator",
  "POST /api/drains/:job/remove": "operator",

  "GET /api/audit": "operator",
  "GET /api/audit/export": "operator",
};

export function accessOf(method: string, pattern: string): Access {
  const a = ROUTE_ACCESS[`${method} ${pattern}`];
  if (a === undefined) throw new Error(`route ${method} ${pattern} has no entry in ROUTE_ACCESS (server/auth/policy.ts)`);
  return a;
}
