// Versions of a director's table: the version changes with every change the server sees (its
// own mutations, a re-list after ipvsadm, a weight set outside) and only then; a mutation
// based on a stale version (If-Match or baseVersion) is 409 conflict with the current table,
// and the agent's table is left as it was; concurrent edits from the same version: one wins.
// Also: a mutation to an offline director fails at once and is never sent later.
import { afterEach, describe, expect, it } from "vitest";
import { type DirectorDetailView, type DrainJob, VersionConflictDetails } from "@/protocol/dashboard/index.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { startHarness } from "./agent-ws-harness.ts";
import { type TestServer, agents, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
afterEach(async () => {
  await closeTestServer(s, hs);
  s = undefined;
  hs = [];
});

type Answer<T> = { status: number; body: T };
type ErrorAnswer = { error: { code: string; message: string; details?: unknown } };
/** Like s.api, with extra request headers (If-Match); signed in as s.api is when the test
 * server has a session (cookie + CSRF token). */
async function call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const session = s as unknown as { cookie?: string; csrf?: string };
  const res = await fetch(`${s!.url}${path}`, {
    method,
    headers: {
      ...(session.cookie ? { cookie: session.cookie } : {}),
      ...(session.csrf ? { "x-csrf-token": session.csrf } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const SVC = { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } };
const SVC_KEY = "tcp:10.9.0.1:80";
const SVC_PATH = `/api/directors/d1/services/${encodeURIComponent(SVC_KEY)}`;
const DEST = { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route", weight: 5 } };

async function setup(n = 1, extra: Record<string, unknown> = {}): Promise<void> {
  hs = await agents(n);
  s = await startServer();
  for (const [i, h] of hs.entries()) {
    await s.api("POST", "/api/directors", registration(h, `d${i + 1}`, extra));
    await until(() => s!.app.fleet.get(`d${i + 1}`).online, 10_000, `d${i + 1} online`);
  }
}

async function version(id = "d1"): Promise<string> {
  const r = await s!.api<DirectorDetailView>("GET", `/api/directors/${id}/services`);
  expect(r.status).toBe(200);
  return r.body.version;
}

function expectConflict(r: Answer<unknown>, base: string, current: string): VersionConflictDetails {
  expect(r.status).toBe(409);
  const err = (r.body as ErrorAnswer).error;
  expect(err.code).toBe("conflict");
  const details = VersionConflictDetails.parse(err.details);
  expect(details).toMatchObject({ director: "d1", baseVersion: base, version: current });
  expect(details.state.version).toBe(current);
  return details;
}

describe("server table versions", () => {
  it("changes with mutations through the server and with changes seen from outside, and only then", async () => {
    await setup();
    const h = hs[0]!;
    const v0 = await version();
    expect(v0).toMatch(/^[0-9a-f]{16}$/);
    await s!.app.fleet.get("d1").relist();
    expect(await version()).toBe(v0); // a re-list of the same table keeps it
    expect((await s!.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
    const v1 = await version();
    expect(v1).not.toBe(v0);
    expect((await s!.api("POST", `${SVC_PATH}/destinations`, DEST)).status).toBe(201);
    const v2 = await version();
    expect(new Set([v0, v1, v2]).size).toBe(3);
    // counters moving are not a table change
    h.ipvs.services.get(SVC_KEY)!.destinations[0]!.activeConns = 7;
    await until(() => s!.app.fleet.get("d1").state.services.get(SVC_KEY)?.destinations.get("10.0.0.11:80")?.traffic.activeConns === 7, 5000, "stats");
    expect(await version()).toBe(v2);
    // a weight set with ipvsadm -e shows in the stats: a new version
    h.ipvs.services.get(SVC_KEY)!.destinations[0]!.config.weight = 9;
    await until(async () => (await version()) !== v2, 5000, "version after an outside weight change");
    const v3 = await version();
    // a service added outside: the stats' key set differs, the re-list changes the version
    await h.ipvs.createService({ key: { protocol: "udp", address: "10.9.0.2", port: 53 }, config: { scheduler: "rr" } } as never);
    await until(async () => (await version()) !== v3, 5000, "version after an outside service");
    // the same table again has the same version (a digest, not a counter)
    await h.ipvs.deleteService({ protocol: "udp", address: "10.9.0.2", port: 53 });
    await until(async () => (await version()) === v3, 5000, "the earlier version back");
  });

  it("a stale version (If-Match or baseVersion) is 409 with the current table; the agent's table is unchanged", async () => {
    await setup();
    const h = hs[0]!;
    const v0 = await version();
    expect((await call("POST", "/api/directors/d1/services", SVC, { "if-match": `"${v0}"` })).status).toBe(201);
    const v1 = await version();
    const before = structuredClone([...h.ipvs.services.values()]);
    const attempts: [string, string, unknown][] = [
      ["POST", "/api/directors/d1/services", { key: { protocol: "tcp", address: "10.9.0.3", port: 80 }, config: { scheduler: "rr" }, baseVersion: v0 }],
      ["PATCH", SVC_PATH, { scheduler: "rr", baseVersion: v0 }],
      ["DELETE", SVC_PATH, { baseVersion: v0 }],
      ["POST", `${SVC_PATH}/destinations`, { ...DEST, baseVersion: v0 }],
      ["POST", "/api/directors/d1/rules/import", { text: "-A -t 10.9.0.9:80 -s rr\n", mode: "merge", baseVersion: v0 }],
    ];
    for (const [method, path, body] of attempts) {
      const details = expectConflict(await call(method, path, body), v0, v1);
      expect(Object.keys(details.state.services)).toEqual([SVC_KEY]);
      // the same through If-Match (weak and bare forms too)
      const { baseVersion: _b, ...rest } = body as Record<string, unknown>;
      const plain = method === "DELETE" ? undefined : rest;
      expectConflict(await call(method, path, plain, { "if-match": `W/"${v0}"` }), v0, v1);
      expectConflict(await call(method, path, plain, { "if-match": v0 }), v0, v1);
    }
    expect([...h.ipvs.services.values()]).toEqual(before);
    // the current version goes through; so does If-Match: *
    expect((await call("PATCH", SVC_PATH, { scheduler: "rr", baseVersion: v1 })).status).toBe(200);
    expect(h.ipvs.services.get(SVC_KEY)!.config.scheduler).toBe("rr");
    expect((await call("PATCH", SVC_PATH, { scheduler: "wrr" }, { "if-match": "*" })).status).toBe(200);
    expect((await call("DELETE", SVC_PATH, { baseVersion: await version() })).status).toBe(200);
    expect(h.ipvs.services.size).toBe(0);
    // failed attempts are on the audit record as failures
    const audit = await s!.api<{ action: string; ok: boolean | null }[]>("GET", "/api/audit?action=service.update");
    expect(audit.body.filter((e) => e.ok === false).length).toBeGreaterThanOrEqual(3);
  });

  it("malformed versions are 400: If-Match and baseVersion disagreeing, lists, wrong types, extra DELETE bodies", async () => {
    await setup();
    expect((await s!.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
    const v = await version();
    const bad: [string, string, unknown, Record<string, string>?][] = [
      ["PATCH", SVC_PATH, { scheduler: "rr", baseVersion: v }, { "if-match": '"other"' }],
      ["PATCH", SVC_PATH, { scheduler: "rr" }, { "if-match": `"${v}", "x"` }],
      ["PATCH", SVC_PATH, { scheduler: "rr", baseVersion: 12 }],
      ["PATCH", SVC_PATH, { scheduler: "rr", baseVersion: "" }],
      ["PATCH", SVC_PATH, { scheduler: "rr", baseVersions: { d1: v } }],
      ["DELETE", SVC_PATH, { baseVersion: v, extra: 1 }],
      ["DELETE", SVC_PATH, [v]],
      ["DELETE", SVC_PATH, "{not json"],
    ];
    for (const [method, path, body, headers] of bad) {
      const r = await call<ErrorAnswer>(method, path, body, headers);
      expect([r.status, r.body.error.code, method, body]).toEqual([400, "bad_request", method, body]);
    }
    expect(hs[0]!.ipvs.services.get(SVC_KEY)!.config.scheduler).toBe("wlc");
  });

  it("two edits from the same version: exactly one wins, the other gets 409", async () => {
    await setup();
    expect((await s!.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
    hs[0]!.ipvs.delayMs = 50; // both requests are in flight together
    const v = await version();
    const [a, b] = await Promise.all([
      call("PATCH", SVC_PATH, { scheduler: "rr", baseVersion: v }),
      call("PATCH", SVC_PATH, { scheduler: "sh", baseVersion: v }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? "rr" : "sh";
    expect(hs[0]!.ipvs.services.get(SVC_KEY)!.config.scheduler).toBe(winner);
  });

  it("drains check the versions of every director they touch", async () => {
    await setup(2, { group: "ha" });
    for (const id of ["d1", "d2"]) {
      await s!.api("POST", `/api/directors/${id}/services`, SVC);
      await s!.api("POST", `/api/directors/${id}/services/${encodeURIComponent(SVC_KEY)}/destinations`, DEST);
    }
    const [v1, v2] = [await version("d1"), await version("d2")];
    const drain = { group: "ha", service: SVC_KEY, destination: "10.0.0.11:80" };
    // d2 changed since: nothing is drained anywhere
    await s!.api("PATCH", `/api/directors/d2/services/${encodeURIComponent(SVC_KEY)}`, { scheduler: "rr" });
    const stale = await call<ErrorAnswer>("POST", "/api/drains", { ...drain, baseVersions: { d1: v1, d2: v2 } });
    expect(stale.status).toBe(409);
    expect(VersionConflictDetails.parse(stale.body.error.details).director).toBe("d2");
    expect(hs.map((h) => h.ipvs.services.get(SVC_KEY)!.destinations[0]!.config.weight)).toEqual([5, 5]);
    // a single baseVersion cannot name two directors; a director outside the group is refused
    expect((await call("POST", "/api/drains", { ...drain, baseVersion: v1 })).status).toBe(400);
    expect((await call("POST", "/api/drains", { ...drain, baseVersions: { d9: v1 } })).status).toBe(400);
    const ok = await call<DrainJob>("POST", "/api/drains", { ...drain, baseVersions: { d1: v1, d2: await version("d2") } });
    expect(ok.status).toBe(201);
    expect(hs.map((h) => h.ipvs.services.get(SVC_KEY)!.destinations[0]!.config.weight)).toEqual([0, 0]);
    // undrain from a version before the drain: 409, weights stay 0
    const und = await call<ErrorAnswer>("POST", `/api/drains/${ok.body.id}/undrain`, { baseVersions: { d1: v1 } });
    expect(und.status).toBe(409);
    expect(hs.map((h) => h.ipvs.services.get(SVC_KEY)!.destinations[0]!.config.weight)).toEqual([0, 0]);
    const und2 = await call<DrainJob>("POST", `/api/drains/${ok.body.id}/undrain`, { baseVersions: { d1: await version("d1") } });
    expect(und2.status).toBe(200);
    expect(hs.map((h) => h.ipvs.services.get(SVC_KEY)!.destinations[0]!.config.weight)).toEqual([5, 5]);
  });

  it("a mutation to an offline director fails at once and is not sent when the agent is back", async () => {
    await setup();
    const port = Number(new URL(hs[0]!.server.url).port);
    await hs[0]!.close();
    hs = [];
    await until(() => s!.app.fleet.get("d1").link === "offline", 3000, "offline");
    const t0 = Date.now();
    const attempts = [
      await s!.api<ErrorAnswer>("POST", "/api/directors/d1/services", SVC),
      await s!.api<ErrorAnswer>("POST", "/api/directors/d1/rules/import", { text: "-A -t 10.9.0.9:80 -s rr\n", mode: "merge" }),
      await call<ErrorAnswer>("POST", "/api/directors/d1/services", { ...SVC, baseVersion: "0000000000000000" }),
      await s!.api<ErrorAnswer>("POST", "/api/drains", { director: "d1", service: SVC_KEY, destination: "10.0.0.11:80" }),
    ];
    expect(Date.now() - t0).toBeLessThan(1000);
    for (const r of attempts) expect([r.status, r.body.error.code]).toEqual([503, "unavailable"]);
    // the agent comes back on the same address: the server reconnects and sends nothing
    const back = await startHarness({ port });
    hs = [back];
    await until(() => s!.app.fleet.get("d1").online, 10_000, "online again");
    await s!.app.fleet.get("d1").relist();
    expect(back.ipvs.services.size).toBe(0);
    expect((await s!.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
    expect(back.ipvs.services.size).toBe(1);
  });
});
