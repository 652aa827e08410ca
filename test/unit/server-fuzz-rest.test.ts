// Property-based fuzzing of EVERY REST route (fast-check, 10,000 cases per route; set
// LVS_FUZZ_RUNS for more or fewer): random JSON, wrong types, huge and deeply nested bodies,
// invalid addresses, ports, schedulers and URL keys, sent signed in as an admin (so the role
// check does not hide the validation behind it). Every case must get an error status with an
// `{error:{code,message}}` body (GETs with a random but valid query may answer 200), never a
// 5xx, never a hang; the agent's (fake) kernel table and the director's version are unchanged
// after each route's cases, and the server keeps serving. Requests go through the server's
// request listener in-process (everything but Node's HTTP parser); the lab variant
// (test/lab/server-fuzz.test.ts) sends fewer cases over real HTTP to a real agent.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, type DirectorDetailView } from "../../protocol/dashboard.ts";
import { buildRegistry } from "../../agent/handlers/plugins.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { type FuzzRequest, dispatch } from "./server-fuzz-kit.ts";
import { DEST, SVC, SVC_KEY, routeFuzz, unknownRoutes } from "./server-fuzz-routes.ts";
import { FAST, type TestServer, registration, removeDir, startServer, until } from "./server-helpers.ts";

const RUNS = Number(process.env.LVS_FUZZ_RUNS ?? 10_000);
let s: TestServer;
let h: Harness;
let tableBefore: unknown;
let versionBefore: string;
let agentDir: string;

beforeAll(async () => {
  // every handler module (rules, conns, sysctls) over fakes, so valid-looking requests reach
  // the agent's own validation
  agentDir = mkdtempSync(join(tmpdir(), "server-fuzz-"));
  mkdirSync(join(agentDir, "sys/net/ipv4/vs"), { recursive: true });
  writeFileSync(join(agentDir, "sys/net/ipv4/vs/conntrack"), "0\n");
  writeFileSync(join(agentDir, "ip_vs_conn"), "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n");
  const ipvs = new FakeIpvs();
  const { registry } = await buildRegistry({
    role: "director",
    ipvs,
    host: { connTablePath: join(agentDir, "ip_vs_conn"), procSysRoot: join(agentDir, "sys"), sysctlPersistFile: join(agentDir, "sysctl.conf") },
  });
  h = await startHarness({ registry });
  // a slow heartbeat: generating and checking big cases may block the loop for a while
  s = await startServer({ link: { ...FAST.link, heartbeatMs: 10_000 } });
  expect((await s.api("POST", "/api/directors", registration(h, "d1"))).status).toBe(201);
  await until(() => s.app.fleet.get("d1").online, 10_000, "d1 online");
  expect((await s.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
  expect((await s.api("POST", `/api/directors/d1/services/${encodeURIComponent(SVC_KEY)}/destinations`, DEST)).status).toBe(201);
  tableBefore = structuredClone([...h.ipvs.services.values()]);
  versionBefore = (await s.api<DirectorDetailView>("GET", "/api/directors/d1/services")).body.version;
});
afterAll(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  await h?.close();
  if (agentDir) removeDir(agentDir);
});

/** The table the agent holds, without the counters the fake never moves anyway. */
const table = () => structuredClone([...h.ipvs.services.values()]);

async function fuzz(cases: fc.Arbitrary<FuzzRequest>, readsMayPass: boolean, errorReport?: (body: unknown) => boolean, runs = RUNS): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(cases, async (r) => {
      const headers = { cookie: s.cookie, "x-csrf-token": s.csrf, ...(r.body === undefined ? {} : { "content-type": "application/json" }), ...r.headers };
      const a = await dispatch(s.http, { ...r, headers });
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      expect(a.destroyed, `${r.method} ${r.path}: the response was destroyed`).toBe(false);
      expect(a.status, `${r.method} ${r.path} ${r.body?.slice(0, 200)}: ${a.text.slice(0, 300)}`).toBeLessThan(500);
      const report = a.status < 300 && errorReport?.(JSON.parse(a.text)) === true;
      if (!readsMayPass && !report) expect(a.status, `${r.method} ${r.path} ${r.body?.slice(0, 200)} was accepted: ${a.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      if (a.status >= 400) ApiError.parse(JSON.parse(a.text));
    }),
    { numRuns: runs },
  );
  return statuses;
}

describe("REST fuzz", () => {
  const routes = routeFuzz();

  it("has cases for every registered route", () => {
    const registered = s.router.routes().map((r) => `${r.method} ${r.pattern}`).sort();
    expect(Object.keys(routes).sort()).toEqual(registered);
  });

  for (const [route, f] of Object.entries(routes)) {
    it(`${route}: ${RUNS} bad requests, each an error status, the table unchanged`, async () => {
      const statuses = await fuzz(f.cases, f.expect === "read", f.errorReport);
      expect(table()).toEqual(tableBefore);
      expect(s.app.fleet.get("d1").state.version).toBe(versionBefore);
      expect(s.app.fleet.get("d1").online).toBe(true);
      // the server still serves, with the fuzzer's session
      expect((await dispatch(s.http, { method: "GET", path: "/api/directors/d1/services", headers: { cookie: s.cookie } })).status).toBe(200);
      expect([...statuses.keys()].every((st) => st < 500)).toBe(true);
    }, 600_000);
  }

  it(`unknown paths and methods: ${RUNS} cases, 404 / 405 / 413`, async () => {
    await fuzz(unknownRoutes, false);
    expect(table()).toEqual(tableBefore);
  }, 600_000);
});
