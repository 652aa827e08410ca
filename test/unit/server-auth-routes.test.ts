// Every registered REST route against the access table: anonymous gets 401, every role below
// the route's minimum gets 403, the minimum role gets past the check; and the table has no
// entry without a route (nor a route without an entry: the router refuses to register it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_ACCESS } from "@/server/auth/policy.ts";
import type { RouteKey } from "@/protocol/dashboard/routes.ts";
import { Router } from "@/server/http/router.ts";
import { type Client, type TestServer, removeDir, startServer } from "./server-helpers.ts";

const ROLES = ["viewer", "operator", "admin"] as const;
const SAMPLE_PARAMS: Record<string, string> = {
  id: "d1",
  service: encodeURIComponent("tcp:10.0.0.1:80"),
  dest: encodeURIComponent("10.0.0.11:80"),
  job: "no-such-job",
};
const pathOf = (pattern: string) => pattern.replace(/:([a-z]+)/g, (_, p: string) => SAMPLE_PARAMS[p] ?? "x");

let s: TestServer;
const clients = {} as Record<(typeof ROLES)[number], Client>;
beforeAll(async () => {
  s = await startServer();
  clients.viewer = await s.client("viewer");
  clients.operator = await s.client("operator");
  clients.admin = await s.client("admin", "second-admin");
});
afterAll(async () => {
  await s.close();
  removeDir(s.dataDir);
});

describe("route access", () => {
  it("every route in the table is registered and every registered route is in the table", () => {
    const registered = s.router.routes().map((r) => `${r.method} ${r.pattern}`);
    expect(new Set(registered)).toEqual(new Set(Object.keys(ROUTE_ACCESS)));
    expect(() => new Router(() => null).on("GET /api/not-in-the-table" as RouteKey, () => undefined)).toThrow(/no entry in ROUTE_ACCESS/);
  });

  it("anonymous requests get 401 on every non-public route, too-low roles 403, the minimum role passes", async () => {
    const routes = s.router.routes();
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) {
      const path = pathOf(r.pattern);
      const what = `${r.method} ${r.pattern}`;
      if (r.access === "public") continue;
      const anon = await s.anonymous.api<{ error: { code: string } }>(r.method, path);
      expect(anon.status, `${what} anonymous`).toBe(401);
      expect(anon.body.error.code).toBe("unauthorized");
      const need = ROLES.indexOf(r.access);
      for (const role of ROLES) {
        const got = await clients[role].api<{ error?: { code: string } }>(r.method, path);
        if (ROLES.indexOf(role) < need) {
          expect(got.status, `${what} as ${role}`).toBe(403);
          expect(got.body.error?.code).toBe("forbidden");
        } else {
          // past the check: whatever the route says about the sample (404, 400, 200 ...)
          expect([401, 403], `${what} as ${role} (${got.status})`).not.toContain(got.status);
        }
      }
    }
  });

  it("public routes answer without a session", async () => {
    expect((await s.anonymous.api("GET", "/api/auth/session")).status).toBe(200);
    expect((await s.anonymous.api("POST", "/api/auth/login", { username: "x", password: "y" })).status).toBe(401);
    expect((await s.anonymous.api("POST", "/api/auth/logout")).status).toBe(200);
    expect((await s.anonymous.api("POST", "/api/auth/setup", { username: "x", password: "0123456789", code: "c" })).status).toBe(404);
  });
});
