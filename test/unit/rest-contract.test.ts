// The REST contract (protocol/dashboard/routes.ts) end to end: it is the access policy, the
// reply schemas cover exactly its JSON routes, the router holds answers to them when asked,
// and the browser's typed client (components/lib/api-client.ts) calls a real server by the
// contract's names and refuses an answer its schema does not accept.
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BODY_ROUTES, bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import { replySchemaOf } from "@/protocol/dashboard/route-schemas.ts";
import { ROUTES, type RouteKey, routePath } from "@/protocol/dashboard/routes.ts";
import { ROUTE_ACCESS } from "@/server/auth/policy.ts";
import { replyMismatch } from "@/server/http/reply-check.ts";
import { Router } from "@/server/http/router.ts";
import { ApiRequestError } from "@/components/lib/api.ts";
import { api, call, url } from "@/components/lib/api-client.ts";
import { type TestServer, removeDir, startServer } from "./server-helpers.ts";

const KEYS = Object.keys(ROUTES) as RouteKey[];

describe("the REST contract", () => {
  it("is the access policy, and every route has one client name", () => {
    expect(ROUTE_ACCESS).toEqual(Object.fromEntries(KEYS.map((k) => [k, ROUTES[k].access])));
    const names = KEYS.map((k) => ROUTES[k].name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
  });

  it("has a reply schema for every JSON route and none for text, stream or download routes", () => {
    for (const k of KEYS) {
      const kind = (ROUTES[k] as { reply?: string }).reply;
      expect(replySchemaOf(k) === null, k).toBe(kind !== undefined);
    }
  });

  it("names a body schema only for routes that take a body; a group's table change parses as a director's", () => {
    for (const k of BODY_ROUTES) {
      expect(KEYS, k).toContain(k);
      expect(k.startsWith("GET "), k).toBe(false);
    }
    for (const [group, director] of [
      ["POST /api/groups/:group/services", "POST /api/directors/:id/services"],
      ["PATCH /api/groups/:group/services/:service", "PATCH /api/directors/:id/services/:service"],
      ["POST /api/groups/:group/services/:service/destinations", "POST /api/directors/:id/services/:service/destinations"],
      ["PATCH /api/groups/:group/services/:service/destinations/:dest", "PATCH /api/directors/:id/services/:service/destinations/:dest"],
      ["POST /api/groups/:group/rules/import", "POST /api/directors/:id/rules/import"],
    ] as const) {
      // server/http/table-requests.ts reads both with the director route's schema
      expect(bodySchemaOf(group), group).toBe(bodySchemaOf(director));
    }
    expect(bodySchemaOf("PATCH /api/directors/:id/services/:service").safeParse({ weight: 1, nope: 1 }).success).toBe(false);
  });

  it("fills path parameters encoded and refuses a missing one", () => {
    expect(routePath("PATCH /api/directors/:id/services/:service", { id: "d1", service: "tcp:[2001:db8::1]:80" })).toBe(
      "/api/directors/d1/services/tcp%3A%5B2001%3Adb8%3A%3A1%5D%3A80",
    );
    expect(() => routePath("GET /api/drains/:job", {})).toThrow(/needs parameter job/);
    expect(url("GET /api/audit", { query: { user: "ann", limit: 5, q: "" } })).toBe("/api/audit?user=ann&limit=5");
  });
});

describe("the router's reply check", () => {
  it("names what does not match: a wrong field, an unknown field; passes a good reply", async () => {
    expect(await replyMismatch("GET /api/history/source", { prometheusUrl: null })).toBeNull();
    expect(await replyMismatch("GET /api/history/source", { prometheusUrl: 5 })).toMatch(/prometheusUrl/);
    expect(await replyMismatch("GET /api/history/source", { prometheusUrl: null, extra: 1 })).toMatch(/the parse changes it/);
    expect(await replyMismatch("GET /api/directors/:id/rules", "any text")).toBeNull();
  });

  it("answers 500 for a handler whose reply breaks the contract, only when checking", async () => {
    const answer = async (checkReplies: boolean) => {
      const router = new Router(() => null, { checkReplies }).on("GET /api/history/source", () => ({ prometheusUrl: 5 }) as never);
      const http = createHttpServer((req, res) => void router.handle(req, res, new URL(req.url ?? "/", "http://x")));
      await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
      try {
        const res = await fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/api/history/source`);
        return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
      } finally {
        await new Promise((r) => http.close(r));
      }
    };
    const checked = await answer(true);
    expect(checked.status).toBe(500);
    expect(checked.body.error?.code).toBe("internal");
    expect((await answer(false)).status).toBe(200);
  });
});

describe("the typed client against a real server", () => {
  let s: TestServer;
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
    removeDir(s.dataDir);
  });
  afterEach(() => vi.unstubAllGlobals());
  /** the browser's relative fetch, sent to the test server with the admin's session */
  const asBrowser = () =>
    vi.stubGlobal("fetch", (path: string, init: RequestInit = {}) =>
      realFetch(`${s.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: s.cookie, "x-csrf-token": s.csrf } }),
    );

  it("calls routes by their contract names and answers their parsed replies", async () => {
    asBrowser();
    const fleet = await api.directors.list();
    expect(fleet.directors).toEqual({});
    const created = await api.users.create({ body: { username: "carol", password: "carol-password-1", role: "viewer" } });
    expect(created).toMatchObject({ username: "carol", role: "viewer" });
    const updated = await api.users.update({ params: { id: String(created.id) }, body: { role: "operator" } });
    expect(updated.role).toBe("operator");
    expect((await api.users.list()).map((u) => u.username).sort()).toEqual(["admin", "carol"]);
    expect(await api.users.remove({ params: { id: String(created.id) } })).toEqual({ ok: true });
    expect((await call("GET /api/drains")).jobs).toEqual({});
  });

  it("turns an error answer into its code and message", async () => {
    asBrowser();
    const err = await api.drains.get({ params: { job: "no-such-job" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect((err as ApiRequestError).code).toBe("not_found");
  });

  it("refuses an answer its reply schema does not accept, as version_mismatch with the issues", async () => {
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ directors: [{ id: "d1" }] }), { status: 200, headers: { "content-type": "application/json" } }));
    const err = await api.directors.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect((err as ApiRequestError).code).toBe("version_mismatch");
    expect((err as ApiRequestError).details).toMatchObject({ issues: [expect.objectContaining({ path: "directors" })] });
  });
});
