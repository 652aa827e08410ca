// The REST fuzz suite, shared by the server-fuzz-rest*.test.ts files (one server each, so
// vitest runs the route groups in parallel): a server signed in as an admin, linked to an
// agent with every handler module over fakes, holding the fixture the cases name (director
// "d1", SVC with DEST); then, for each route, RUNS cases (LVS_FUZZ_RUNS, default 10,000).
// Every case must get an error status with an `{error:{code,message}}` body (GETs with a
// random but valid query may answer 200), never a 5xx, never a hang; after each route the
// agent's (fake) kernel table and the director's version are unchanged and the server still
// serves. Requests go through the server's request listener in-process (everything but Node's
// HTTP parser); test/lab/server-fuzz.test.ts sends the same cases over real HTTP to a real agent.
import { ROUTES, type RouteKey } from "@/protocol/dashboard/routes.ts";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, type DirectorDetailView } from "@/protocol/dashboard/index.ts";
import { buildRegistry } from "@/agent/handlers/handler-modules.ts";
import { HealthManager } from "@/agent/health/manager.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { type FuzzRequest, dispatch } from "./server-fuzz-kit.ts";
import { DEST, type RouteFuzz, SVC, SVC_KEY } from "./server-fuzz-routes.ts";
import { FAST, type TestServer, registration, removeDir, startServer, until } from "./server-helpers.ts";

// 2,000 cases per route in `npm test` (they were 350 s of the unit project's 500 s at 10,000,
// which found nothing the first 2,000 did not); LVS_FUZZ_RUNS=10000 for a deep run.
export const RUNS = Number(process.env.LVS_FUZZ_RUNS ?? 2_000);

export interface FuzzFixture {
  s: TestServer;
  h: Harness;
}

/** Starts the fixture before the file's tests and stops it after; read `.s`/`.h` in tests.
 * `group`: d1 is registered in that HA group (the group routes' fixture); `health`: d1's agent
 * runs the real health handlers, with no check configured (the health routes' fixture). */
export function fuzzFixture(opts: { group?: string; health?: boolean } = {}): FuzzFixture {
  const f = {} as FuzzFixture;
  let agentDir = "";
  beforeAll(async () => {
    agentDir = mkdtempSync(join(tmpdir(), "server-fuzz-"));
    mkdirSync(join(agentDir, "sys/net/ipv4/vs"), { recursive: true });
    writeFileSync(join(agentDir, "sys/net/ipv4/vs/conntrack"), "0\n");
    writeFileSync(join(agentDir, "ip_vs_conn"), "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
    const ipvs = new FakeIpvs();
    const health = opts.health ? { health: new HealthManager(ipvs, { runCheck: async () => ({ ok: true, reason: "ok" }) }) } : {};
    const { registry } = await buildRegistry({
      role: "director",
      ipvs,
      ...health,
      host: { connTablePath: join(agentDir, "ip_vs_conn"), procSysRoot: join(agentDir, "sys"), sysctlPersistFile: join(agentDir, "sysctl.conf") },
    });
    f.h = await startHarness({ registry });
    // a slow heartbeat: generating and checking big cases may block the loop for a while
    f.s = await startServer({ link: { ...FAST.link, heartbeatMs: 10_000 } });
    expect((await f.s.api("POST", "/api/directors", registration(f.h, "d1", opts.group ? { group: opts.group } : {}))).status).toBe(201);
    await until(() => f.s.app.fleet.get("d1").online, 10_000, "d1 online");
    expect((await f.s.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
    expect((await f.s.api("POST", `/api/directors/d1/services/${encodeURIComponent(SVC_KEY)}/destinations`, DEST)).status).toBe(201);
    // the group's desired table is the fixture's table (seeded before the fixture was made)
    if (opts.group) expect((await f.s.api("POST", `/api/groups/${opts.group}/adopt`, { director: "d1" })).status).toBe(200);
  });
  afterAll(async () => {
    await f.s?.close();
    if (f.s) removeDir(f.s.dataDir);
    await f.h?.close();
    if (agentDir) removeDir(agentDir);
  });
  return f;
}

/** Runs the cases; returns how often each status was answered. */
/** With `key`, every error code answered must be one the REST contract lists for the route. */
export async function fuzz(f: FuzzFixture, cases: fc.Arbitrary<FuzzRequest>, route: Pick<RouteFuzz, "expect" | "errorReport">, runs = RUNS, key?: RouteKey): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(cases, async (r) => {
      const headers = { cookie: f.s.cookie, "x-csrf-token": f.s.csrf, ...(r.body === undefined ? {} : { "content-type": "application/json" }), ...r.headers };
      const a = await dispatch(f.s.http, { ...r, headers });
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const what = `${r.method} ${r.path} ${r.body?.slice(0, 200)}: ${a.status} ${a.text.slice(0, 300)}`;
      expect(a.destroyed, `${what}: the response was destroyed`).toBe(false);
      expect(a.status, what).toBeLessThan(500);
      const report = a.status < 300 && route.errorReport?.(JSON.parse(a.text)) === true;
      if (route.expect === "error" && !report) expect(a.status, `accepted: ${what}`).toBeGreaterThanOrEqual(400);
      if (a.status >= 400) {
        const { error } = ApiError.parse(JSON.parse(a.text));
        if (key) expect(ROUTES[key].errors, `${what}: ${error.code} is not in the contract's errors of ${key}`).toContain(error.code);
      }
    }),
    { numRuns: runs },
  );
  return statuses;
}

/** One test per route: RUNS cases, then the table, the version and the server checked. */
export function describeRouteFuzz(title: string, f: FuzzFixture, routes: Record<string, RouteFuzz>): void {
  describe(title, () => {
    let tableBefore: unknown;
    let versionBefore = "";
    beforeAll(async () => {
      tableBefore = structuredClone([...f.h.ipvs.services.values()]);
      versionBefore = (await f.s.api<DirectorDetailView>("GET", "/api/directors/d1/services")).body.version;
    });
    for (const [route, r] of Object.entries(routes)) {
      it(`${route}: ${RUNS} bad requests, each an error status, the table unchanged`, async () => {
        await fuzz(f, r.cases, r, RUNS, route as RouteKey);
        expect([...f.h.ipvs.services.values()]).toEqual(tableBefore);
        expect(f.s.app.fleet.get("d1").state.version).toBe(versionBefore);
        expect(f.s.app.fleet.get("d1").online).toBe(true);
        // the server still serves, with the fuzzer's session
        expect((await dispatch(f.s.http, { method: "GET", path: "/api/directors/d1/services", headers: { cookie: f.s.cookie } })).status).toBe(200);
      }, 900_000);
    }
  });
}

/** The routes whose "METHOD pattern" matches. */
export function routesMatching(all: Record<string, RouteFuzz>, test: (route: string) => boolean): Record<string, RouteFuzz> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => test(k)));
}
