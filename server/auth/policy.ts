// Who may do what: the minimum role of every REST route (the REST contract's `access`,
// protocol/dashboard/routes.ts) and of the live WebSocket. The router refuses to register a
// route that is not in the contract, so a new route cannot be left open by forgetting it
// (test/unit/server-auth-routes.test.ts walks every registered route).
import type { Role } from "@/protocol/dashboard/index.ts";
import { type Access, ROUTES } from "@/protocol/dashboard/routes.ts";

export type { Access };

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function roleAllows(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/** The minimum role for the live WebSocket (/api/live): every topic is a read. */
export const LIVE_ACCESS: Role = "viewer";

/** Every route's minimum role, as the REST contract (protocol/dashboard/routes.ts) gives it. */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = Object.fromEntries(Object.entries(ROUTES).map(([key, spec]) => [key, spec.access]));

export function accessOf(method: string, pattern: string): Access {
  const a = ROUTE_ACCESS[`${method} ${pattern}`];
  if (a === undefined) throw new Error(`route ${method} ${pattern} has no entry in ROUTE_ACCESS: add it to the REST contract (protocol/dashboard/routes.ts ROUTES)`);
  return a;
}
